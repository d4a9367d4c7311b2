"""Unit-commitment dispatch MILP: problem folders in, schedules out (docs/dispatch.md).

The MILP is a pure function of a :class:`DispatchProblem`; the grid agent only prepares problems and
applies results. Names are imported on first use, so the command line loads Pyomo only to solve.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "DispatchProblem": "agents.grid.dispatch.problem", "load_problem": "agents.grid.dispatch.problem",
    "save_problem": "agents.grid.dispatch.problem", "DispatchResult": "agents.grid.dispatch.solve",
    "DispatchSession": "agents.grid.dispatch.solve", "solve": "agents.grid.dispatch.solve",
}
__all__ = sorted(_LAZY)

if TYPE_CHECKING:
    from agents.grid.dispatch.problem import DispatchProblem, load_problem, save_problem
    from agents.grid.dispatch.solve import DispatchResult, DispatchSession, solve


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'agents.grid.dispatch' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
