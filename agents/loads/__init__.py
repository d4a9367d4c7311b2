"""Exogenous demand and supply profiles: base-load curves (``load_curve``) and PV output (``pv_profile``)."""
