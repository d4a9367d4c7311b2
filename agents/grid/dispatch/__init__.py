"""Unit-commitment dispatch MILP: problem folders in, schedules out (docs/dispatch.md).

The MILP is a pure function of a :class:`DispatchProblem`; the grid agent only prepares problems and
applies results.
"""

from agents.grid.dispatch.problem import DispatchProblem, load_problem, save_problem
from agents.grid.dispatch.solve import DispatchResult, DispatchSession, solve

__all__ = ["DispatchProblem", "DispatchResult", "DispatchSession", "load_problem", "save_problem", "solve"]
