"""Plots of results folders (load curves, dispatch days) and the browser dashboard (``viz.dashboard``)."""
