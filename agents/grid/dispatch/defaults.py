"""Solver defaults shared by the dispatch model and its command line (importable without Pyomo)."""

#: Relative MIP gap used unless the caller gives one. assumption: 0.1 % of the day's cost is far below
#: the effect of forecast errors, while proving a smaller gap often costs several times the solve time
#: on these models (docs/dispatch.md, Measured). Pass gap=0 for a proven optimum.
DEFAULT_GAP = 1e-3
