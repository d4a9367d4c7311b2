"""What-if experiments: designs, sweeps that can be trusted on long jobs, and sensitivity analysis.

* :mod:`~simcore.experiments.spec` — ``--set`` / ``--grid`` / ``--param`` forms, run specs, folder names;
* :mod:`~simcore.experiments.designs` — grid, LHS, Sobol and Morris designs (SALib);
* :mod:`~simcore.experiments.sweep` — plan and run a sweep into a sweep folder (resume, Ctrl-C, table);
* :mod:`~simcore.experiments.executors` — this process, warm local worker processes, or Dask;
* :mod:`~simcore.experiments.sensitivity` — Sobol indices / Morris screening of a finished sweep;
* :mod:`~simcore.experiments.mesa_interop` — a World class per scenario for Mesa's ``batch_run``.

Names are imported on first use, so the command line stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "BASE": "simcore.experiments.spec",
    "Param": "simcore.experiments.spec",
    "RunSpec": "simcore.experiments.spec",
    "parse_grid": "simcore.experiments.spec",
    "parse_param": "simcore.experiments.spec",
    "parse_set": "simcore.experiments.spec",
    "Design": "simcore.experiments.designs",
    "build_design": "simcore.experiments.designs",
    "SWEEP_KIND": "simcore.experiments.sweep",
    "SweepPlan": "simcore.experiments.sweep",
    "SweepResult": "simcore.experiments.sweep",
    "open_sweep_folder": "simcore.experiments.sweep",
    "plan_sweep": "simcore.experiments.sweep",
    "run_sweep": "simcore.experiments.sweep",
    "analyze_sweep": "simcore.experiments.sensitivity",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcore.experiments' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
