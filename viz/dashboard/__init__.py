"""The browser dashboard (``evcycle dashboard``): step, run, pause and reset a scenario and watch it.

Needs the ``dashboard`` extra (Solara); ``cli`` imports nothing heavy so ``evcycle --help`` stays fast.
Data is aggregated on the server (:mod:`viz.dashboard.session`) and sent as plots (:mod:`viz.dashboard.plots`).
"""
