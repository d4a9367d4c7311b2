"""Pass a Pyomo model to HiGHS through Pyomo's standard-form compiler; keep the instance for re-solves.

Why: appsi's ``set_instance`` walks every constraint in Python and costs ~1-2 s for a 40-unit day,
more than the model build; Pyomo's ``LinearStandardFormCompiler`` produces the sparse matrix in a
fraction of that (measured in bench/dispatch.py). The model keeps every time series in variable
bounds, so later changes (new demand, renewables, EV data, a fixed commitment) are column-bound
updates on the live HiGHS instance, which also keeps its basis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

_INF = highspy.kHighsInf

# HiGHS options every instance starts from (overridable per instance). The root reduced-cost
# heuristic is off: on 42 day-ahead problems the Kyushu loop produced (April, August, January,
# October weeks; uncontrolled, smart, V2G) HiGHS spent 16-30 % less time with it off, for the same
# costs within the 1 % gap (bench/day_ahead_settings.py --highs-options, docs/performance.md).
DEFAULT_OPTIONS: dict[str, bool | int | float | str] = {
    "output_flag": False,
    "threads": 1,
    "random_seed": 0,
    "mip_heuristic_run_root_reduced_cost": False,
}


def new_highs() -> highspy.Highs:
    """A HiGHS instance, without the banner HiGHS writes to stdout when a process creates its first one.

    The banner ("Running HiGHS ...: Copyright ...") is printed by the constructor, before any option
    (``output_flag``) can be set, straight to file descriptor 1: it would land in ``--quiet`` output
    and in a sweep's progress line. Descriptor 1 points at /dev/null while the instance is built.
    """
    import ctypes
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        h = highspy.Highs()
        try:
            ctypes.CDLL(None).fflush(None)
        except (OSError, AttributeError):
            pass
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    return h


@dataclass
class HighsOutcome:
    status: str          # "optimal", "maxTimeLimit", "infeasible", ... (appsi-style names)
    has_solution: bool
    objective: float
    bound: float


_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "maxTimeLimit",
    highspy.HighsModelStatus.kIterationLimit: "maxIterations",
    highspy.HighsModelStatus.kSolutionLimit: "maxIterations",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasibleOrUnbounded",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
}


class DirectHighs:
    """One HiGHS instance holding one Pyomo model (linear, minimise)."""

    def __init__(self, gap: float = 1e-3, time_limit_s: float | None = None, threads: int = 1,
                 options: dict | None = None):
        self.h = new_highs()
        for name, value in {**DEFAULT_OPTIONS, "threads": threads, **(options or {})}.items():
            if self.h.setOptionValue(name, value) == highspy.HighsStatus.kError:
                raise ValueError(f"HiGHS option {name}={value!r} was refused")
        self.set_options(gap, time_limit_s)
        self.columns: list = []
        self.offset = 0.0
        self._mutable: np.ndarray | None = None   # columns whose bounds may change after set_instance

    def set_options(self, gap: float | None = None, time_limit_s: float | None = None) -> None:
        if gap is not None:
            self.h.setOptionValue("mip_rel_gap", float(gap))
        if time_limit_s is not None:
            self.h.setOptionValue("time_limit", float(time_limit_s))

    def _bounds(self, columns: list | None = None) -> tuple[np.ndarray, np.ndarray]:
        cols = self.columns if columns is None else columns
        lo = np.array([v.lb if v.lb is not None else -_INF for v in cols], dtype=float)
        hi = np.array([v.ub if v.ub is not None else _INF for v in cols], dtype=float)
        return lo, hi

    def set_instance(self, model: pyo.ConcreteModel, mutable: list | None = None) -> None:
        """Load ``model``. ``mutable``: the variable components whose bounds may change later (default:
        all); :meth:`update_bounds` then reads only their columns (reading a Pyomo bound costs ~1 us,
        and a Kyushu day has ~25,000 columns, most of which never change)."""
        info = LinearStandardFormCompiler().write(model, mixed_form=True)
        if any(v.fixed for v in model.component_data_objects(pyo.Var)):
            raise ValueError("DirectHighs needs fixed values as bounds (setlb/setub), not Var.fix()")
        A = info.A.tocsc()
        sense = np.array([s for _, s in info.rows], dtype=int)
        rhs = np.asarray(info.rhs, dtype=float)
        self.columns = list(info.columns)
        n, mrows = len(self.columns), len(rhs)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = mrows
        lp.col_cost_ = np.asarray(info.c.toarray()[0] if n else [], dtype=float)
        self.offset = float(info.c_offset[0]) if len(info.c_offset) else 0.0
        lp.offset_ = self.offset
        lo, hi = self._bounds()
        lp.col_lower_ = lo
        lp.col_upper_ = hi
        lp.row_lower_ = np.where(sense >= 0, np.where(sense == 0, rhs, -_INF), rhs)
        lp.row_upper_ = np.where(sense <= 0, np.where(sense == 0, rhs, _INF), rhs)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(float)
        lp.a_matrix_.num_col_ = n
        lp.a_matrix_.num_row_ = mrows
        ints = [v.is_integer() for v in self.columns]
        if any(ints):
            lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in ints]
        status = self.h.passModel(lp)
        if status == highspy.HighsStatus.kError:
            raise RuntimeError("HiGHS rejected the model")
        if mutable is None:
            self._mutable = None
        else:
            owners = {id(c) for c in mutable}
            self._mutable = np.array([i for i, v in enumerate(self.columns) if id(v.parent_component()) in owners],
                                     dtype=np.int32)
            self._mutable_cols = [self.columns[i] for i in self._mutable]

    def clear_solver(self) -> None:
        """Forget the last solve (basis, solution, MIP state), keep the model: the next solve then runs
        as on a freshly passed model."""
        self.h.clearSolver()

    def update_bounds(self) -> None:
        """Push the current Pyomo variable bounds of every column to HiGHS."""
        if self._mutable is None:
            lo, hi = self._bounds()
            idx = np.arange(len(self.columns), dtype=np.int32)
        else:
            lo, hi = self._bounds(self._mutable_cols)
            idx = self._mutable
        self.h.changeColsBounds(len(idx), idx, lo, hi)

    def solve(self) -> HighsOutcome:
        self.h.run()
        ms = self.h.getModelStatus()
        info = self.h.getInfo()
        has = info.primal_solution_status == 2   # kSolutionStatusFeasible
        obj = float(info.objective_function_value) if has else math.nan
        bound = float(info.mip_dual_bound) if self.h.getLp().integrality_ else obj
        if has:
            values = self.h.getSolution().col_value
            for v, x in zip(self.columns, values):
                v.set_value(x, skip_validation=True)
        return HighsOutcome(status=_STATUS.get(ms, str(ms)), has_solution=has, objective=obj, bound=bound)
