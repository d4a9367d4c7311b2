"""Solve a dispatch problem with HiGHS and return a result object of tables.

``solve`` builds a fresh model per call. ``DispatchSession`` keeps one model and one live HiGHS
instance (direct highspy hand-over by default, Pyomo's persistent appsi interface on request): the
day-ahead MILP, then intraday re-dispatches on actual data with the commitment fixed, without
rebuilding the model (docs/dispatch.md measures what this saves).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.contrib.appsi.base import TerminationCondition
from pyomo.contrib.appsi.solvers import Highs
from pyomo.repn import generate_standard_repn

from agents.grid.dispatch.defaults import DEFAULT_GAP
from agents.grid.dispatch.highs_direct import DEFAULT_OPTIONS, DirectHighs
from agents.grid.dispatch.model import apply_initial_state, apply_timeseries, build_model, compile_units, mutable_vars
from agents.grid.dispatch.problem import DispatchProblem
from simcore.errors import InputError

# unserved energy or reserve shortfall (MWh over the horizon) above which a redispatch with recourse
# lets quick-start units start: solver noise is far below it, a real shortfall far above
SHORT_TOL_MWH = 1e-3

_OK = {TerminationCondition.optimal, TerminationCondition.maxTimeLimit,
       TerminationCondition.maxIterations, TerminationCondition.objectiveLimit}


@dataclass
class DispatchResult:
    """Optimal (or best found) dispatch: costs, CO2 and per-period schedules as pandas frames.

    Frames are indexed by period (1..N) with one column per unit / renewable / storage / cluster.
    """

    name: str
    status: str
    objective: float
    best_bound: float
    mip_gap: float
    costs: dict[str, float]
    co2_t: float
    commitment: pd.DataFrame          # 0/1
    startup: pd.DataFrame             # 0/1
    thermal_mw: pd.DataFrame
    thermal_reserve_mw: pd.DataFrame  # upward spinning reserve held (ramp-limited)
    renewable_mw: pd.DataFrame
    curtailment_mw: pd.DataFrame
    storage_charge_mw: pd.DataFrame
    storage_discharge_mw: pd.DataFrame
    storage_energy_mwh: pd.DataFrame
    storage_reserve_mw: pd.DataFrame  # upward reserve held by storage (plants with reserve_max_mw > 0)
    ev_reserve_mw: pd.DataFrame       # upward reserve held by EV clusters (provides_reserve = 1)
    ev_charge_mw: pd.DataFrame
    ev_discharge_mw: pd.DataFrame
    ev_energy_mwh: pd.DataFrame
    ev_shortfall_mwh: pd.DataFrame    # energy the grid could not supply to a cluster (penalised)
    ev_excess_mwh: pd.DataFrame       # energy a cluster held above its window's maximum (penalised)
    storage_final_shortfall_mwh: dict[str, float]   # missed end-of-horizon storage targets (penalised)
    system: pd.DataFrame              # demand, reserve, unserved, over-generation, shortfall per period
    period_hours: float
    build_s: float
    solve_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def unserved_mwh(self) -> float:
        return float(self.system["unserved_mw"].sum() * self.period_hours)

    @property
    def reserve_shortfall_mwh(self) -> float:
        return float(self.system["reserve_shortfall_mw"].sum() * self.period_hours)

    @property
    def overgeneration_mwh(self) -> float:
        return float(self.system["overgeneration_mw"].sum() * self.period_hours)

    @property
    def ev_shortfall_total_mwh(self) -> float:
        return float(self.ev_shortfall_mwh.to_numpy().sum()) if self.ev_shortfall_mwh.size else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "objective": self.objective,
            "best_bound": self.best_bound, "mip_gap": self.mip_gap, "costs": self.costs,
            "co2_t": self.co2_t, "unserved_mwh": self.unserved_mwh,
            "overgeneration_mwh": self.overgeneration_mwh,
            "reserve_shortfall_mwh": self.reserve_shortfall_mwh,
            "ev_shortfall_mwh": self.ev_shortfall_total_mwh,
            "ev_excess_mwh": float(self.ev_excess_mwh.to_numpy().sum()) if self.ev_excess_mwh.size else 0.0,
            "storage_final_shortfall_mwh": self.storage_final_shortfall_mwh,
            "curtailment_mwh": float(self.curtailment_mw.to_numpy().sum() * self.period_hours)
            if self.curtailment_mw.size else 0.0,
            "starts": int(self.startup.to_numpy().sum()),
            "period_hours": self.period_hours, "build_s": self.build_s, "solve_s": self.solve_s,
            **self.extra,
        }

    def save(self, folder: str | Path) -> None:
        """Write result.json and one CSV per schedule (period in the first column)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.json").write_text(json.dumps(self.summary(), indent=2, default=float) + "\n")
        tables = {
            "system.csv": self.system, "commitment.csv": self.commitment, "startup.csv": self.startup,
            "thermal_mw.csv": self.thermal_mw, "thermal_reserve_mw.csv": self.thermal_reserve_mw,
            "renewable_mw.csv": self.renewable_mw, "curtailment_mw.csv": self.curtailment_mw,
            "storage_charge_mw.csv": self.storage_charge_mw,
            "storage_discharge_mw.csv": self.storage_discharge_mw,
            "storage_energy_mwh.csv": self.storage_energy_mwh,
            "storage_reserve_mw.csv": self.storage_reserve_mw, "ev_reserve_mw.csv": self.ev_reserve_mw,
            "ev_charge_mw.csv": self.ev_charge_mw,
            "ev_discharge_mw.csv": self.ev_discharge_mw, "ev_energy_mwh.csv": self.ev_energy_mwh,
            "ev_shortfall_mwh.csv": self.ev_shortfall_mwh, "ev_excess_mwh.csv": self.ev_excess_mwh,
        }
        for fname, df in tables.items():
            if df.shape[1] == 0 and fname != "system.csv":
                continue
            df.to_csv(folder / fname, index=True, index_label="period", float_format="%.10g")


class NoSolutionInTime(RuntimeError):
    """HiGHS stopped at its time limit before it found a feasible plan (the limit is too short)."""


def _new_solver(gap: float, time_limit_s: float | None) -> Highs:
    opt = Highs()
    if not opt.available():
        raise RuntimeError("HiGHS (highspy) is not available in this Python environment")
    opt.config.load_solution = False
    opt.config.mip_gap = gap
    if time_limit_s is not None:
        opt.config.time_limit = time_limit_s
    # one thread: HiGHS MIP gains nothing from a second one here; run variants in processes instead
    opt.highs_options = {k: v for k, v in DEFAULT_OPTIONS.items() if k != "output_flag"}
    opt.update_config.treat_fixed_vars_as_params = False
    return opt


def _frame(var, names: list[str], T: int, scale: float = 1.0, rnd: bool = False) -> pd.DataFrame:
    vals = var.extract_values()
    arr = np.array([[vals.get((n, t)) or 0.0 for n in names] for t in range(1, T + 1)], dtype=float)
    arr = arr.reshape(T, len(names)) * scale
    if rnd:
        arr = np.rint(arr).astype(int)
    else:
        arr[np.abs(arr) < 1e-9] = 0.0
    df = pd.DataFrame(arr, index=pd.RangeIndex(1, T + 1, name="period"), columns=list(names))
    return df


def _check_commitment(problem: DispatchProblem, commitment: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(commitment, pd.DataFrame):
        raise InputError("fixed_commitment", "table", type(commitment).__name__,
                         "a DataFrame indexed by period with one 0/1 column per unit")
    missing = [g for g in problem.unit_names if g not in commitment.columns]
    if missing:
        raise InputError("fixed_commitment", f"unit {missing[0]!r}", "missing", "one column per thermal unit")
    c = commitment.reindex(range(1, problem.periods + 1))
    arr = c[problem.unit_names].to_numpy(dtype=float)
    if np.isnan(arr).any() or not np.isin(arr, (0.0, 1.0)).all():
        raise InputError("fixed_commitment", "values", "not 0/1", "0 or 1 for every unit and period 1..N")
    return c[problem.unit_names].astype(int)


# columns that carry a problem's initial state: a session's next day may change them (start_day)
STATE_COLUMNS = {"thermal": ("initial_status_h", "initial_p_mw"),
                 "storage": ("energy_initial_mwh", "energy_final_mwh"),
                 "ev_cluster_params": ("energy_initial_mwh",)}


class DispatchSession:
    """One built model + one live HiGHS instance for a problem structure.

    ``solve()`` runs the MILP; ``redispatch(actual, commitment)`` loads new time series (demand,
    reserve, renewables, EV clusters), fixes the commitment and re-solves — the intraday stage.

    ``backend="highs"`` (default) passes the model to highspy through Pyomo's standard-form compiler
    and applies later changes as column-bound updates; ``backend="appsi"`` uses Pyomo's persistent
    appsi HiGHS interface (commitment fixed with ``Var.fix`` and
    ``treat_fixed_vars_as_params=False``, or ``True`` with ``fixed_as_params=True``, for comparison).
    """

    def __init__(self, problem: DispatchProblem, gap: float = DEFAULT_GAP, time_limit_s: float | None = None,
                 tight: bool = True, backend: str = "highs", fixed_as_params: bool = False,
                 highs_options: dict | None = None):
        if backend not in ("highs", "appsi"):
            raise InputError("backend", "backend", backend, "'highs' or 'appsi'")
        problem.validate()
        self.problem = problem
        self.backend = backend
        t0 = time.perf_counter()
        self.units = compile_units(problem)
        self.model = build_model(problem, self.units, tight=tight)
        self.build_s = time.perf_counter() - t0
        self.to_solver_s = 0.0
        if backend == "highs":
            self.direct: DirectHighs | None = DirectHighs(gap, time_limit_s, options=highs_options)
            self.opt = None
        else:
            self.direct = None
            self.opt = _new_solver(gap, time_limit_s)
            self.opt.update_config.treat_fixed_vars_as_params = fixed_as_params
        self._loaded = False
        self._fixed = False
        self._free_bounds: dict | None = None
        # the direct backend never fixes variables (bounds only), so the cost expressions' linear
        # forms stay valid for the session's life and are compiled once (see CostEvaluator)
        self._costs = CostEvaluator(self.model) if backend == "highs" else None

    def set_options(self, gap: float | None = None, time_limit_s: float | None = None) -> None:
        if self.direct is not None:
            self.direct.set_options(gap, time_limit_s)
            return
        if gap is not None:
            self.opt.config.mip_gap = gap
        if time_limit_s is not None:
            self.opt.config.time_limit = time_limit_s

    def _structure_matches(self, other: DispatchProblem, new_state: bool = False) -> None:
        """Raise unless ``other`` has the session's structure; with ``new_state`` its initial-state
        columns (units' status and output, storage and EV starting / final energy) may differ."""
        p = self.problem
        for what, a, b in (("periods", p.periods, other.periods), ("period_hours", p.period_hours, other.period_hours),
                           ("scalars", {k: v for k, v in p.scalars().items() if k != "name"},
                            {k: v for k, v in other.scalars().items() if k != "name"}),
                           ("thermal units", p.unit_names, other.unit_names),
                           ("renewables", p.renewable_names, other.renewable_names),
                           ("storage", p.storage_names, other.storage_names),
                           ("EV clusters", p.cluster_names, other.cluster_names)):
            if a != b:
                raise InputError(other.name, what, b, f"the same as in the session's problem ({a})")
        for table in ("thermal", "thermal_cost", "thermal_startup", "storage", "ev_cluster_params"):
            mine, theirs = getattr(p, table), getattr(other, table)
            if new_state:
                state = [c for c in STATE_COLUMNS.get(table, ()) if c in mine.columns]
                mine, theirs = mine.drop(columns=state), theirs.drop(columns=state, errors="ignore")
            if not mine.reset_index(drop=True).equals(theirs.reset_index(drop=True)):
                raise InputError(other.name, table, "changed",
                                 "the same table as in the session's problem (only time series may change)")

    def start_day(self, problem: DispatchProblem) -> None:
        """Make the session's model ``problem``: the same structure (units, plants, clusters, their
        parameters) from a new initial state and with new time series, by bound changes only; the
        commitment is freed for a MILP solve. Why: a Kyushu day's build and hand-over to HiGHS cost
        about as much as its MILP; a day loop reuses one model and one solver instead."""
        problem.validate()
        self._structure_matches(problem, new_state=True)
        self.unfix_commitment()
        self.units = compile_units(problem)
        apply_initial_state(self.model, problem, self.units)
        apply_timeseries(self.model, problem)
        self._free_bounds = None   # the free bounds of u depend on the initial state
        self.problem = problem
        if self.direct is not None:
            self.direct.clear_solver()   # no warm start from yesterday: the same path as a fresh build

    def fix_commitment(self, commitment: pd.DataFrame, may_start: Sequence[str] = ()) -> None:
        """Fix u, v, w of every unit to a commitment (periods x units, 0/1).

        Units named in ``may_start`` keep every planned hour on but may also run in others (u >= plan,
        start-ups and shut-downs free): the recourse of quick-start units after the day-ahead stage.
        """
        c = _check_commitment(self.problem, commitment)
        m = self.model
        if self._free_bounds is None:
            self._free_bounds = {id(v): (v.lb, v.ub) for var in (m.u, m.v, m.w) for v in var.values()}
        free = set(may_start)
        for un in self.units:
            col = c[un.name].to_numpy()
            prev = 1 if un.on0 else 0
            for t in range(1, self.problem.periods + 1):
                on = int(col[t - 1])
                for var, val in ((m.u, on), (m.v, 1 if on and not prev else 0), (m.w, 1 if prev and not on else 0)):
                    v = var[un.name, t]
                    if un.name in free:
                        if v.fixed:
                            v.unfix()
                        lo, hi = self._free_bounds[id(v)]
                        v.setlb(val if var is m.u else lo)
                        v.setub(hi)
                    elif self.direct is not None:
                        v.setlb(val)
                        v.setub(val)
                    else:
                        v.fix(val)
                prev = on
        self._fixed = True

    def unfix_commitment(self) -> None:
        m = self.model
        for var in (m.u, m.v, m.w):
            for v in var.values():
                if v.fixed:
                    v.unfix()
                if self._free_bounds is not None:
                    v.setlb(self._free_bounds[id(v)][0])
                    v.setub(self._free_bounds[id(v)][1])
        self._fixed = False

    def _run(self) -> tuple[str, bool, float, float]:
        if self.direct is not None:
            if not self._loaded:
                t0 = time.perf_counter()
                self.direct.set_instance(self.model, mutable=mutable_vars(self.model))
                self.to_solver_s = time.perf_counter() - t0
                self._loaded = True
            else:
                self.direct.update_bounds()
            out = self.direct.solve()
            return out.status, out.has_solution, out.objective, out.bound
        res = self.opt.solve(self.model)
        tc = res.termination_condition
        ok = (tc in _OK and res.best_feasible_objective is not None
              and math.isfinite(res.best_feasible_objective))
        if ok:
            res.solution_loader.load_vars()
        bound = res.best_objective_bound
        return (tc.name, ok, res.best_feasible_objective if ok else math.nan,
                float(bound) if bound is not None else math.nan)

    def solve(self) -> DispatchResult:
        """Solve the model as it stands (MILP, or LP once the commitment is fixed)."""
        t0 = time.perf_counter()
        status, ok, objective, bound = self._run()
        solve_s = time.perf_counter() - t0
        if not ok:
            if self._fixed and status == "infeasible":
                raise InputError("fixed_commitment", "commitment", "infeasible",
                                 "a commitment that respects minimum up/down times, must-run flags, "
                                 "the initial status and the start-up/shut-down capacities")
            if "time" in status.lower():
                raise NoSolutionInTime(f"dispatch '{self.problem.name}': HiGHS reached its time limit before "
                                       "finding any plan")
            raise RuntimeError(f"dispatch '{self.problem.name}': HiGHS ended with {status} and no solution "
                               "(the slacks make every valid problem feasible: please report this)")
        result = _collect(self.problem, self.model, status, objective, bound, self.build_s, solve_s,
                          fixed=self._fixed, costs=self._costs)
        result.extra["backend"] = self.backend
        result.extra["to_solver_s"] = self.to_solver_s
        return result

    def load(self, actual: DispatchProblem) -> None:
        """Replace the time series (demand, reserve, renewables, EV clusters) by those of ``actual``.

        Units, storage and scalars must be the same as the session's problem (only time series change).
        """
        actual.validate()
        self._structure_matches(actual)
        apply_timeseries(self.model, actual)
        self.problem = actual

    @property
    def quick_start_units(self) -> list[str]:
        """Units the problem marks ``quick_start`` (may be started after the day-ahead stage)."""
        th = self.problem.thermal
        return [str(n) for n, q in zip(th["name"], th["quick_start"]) if int(q) == 1]

    def redispatch(self, actual: DispatchProblem, commitment: pd.DataFrame, recourse: bool = False) -> DispatchResult:
        """Intraday: load ``actual`` time series, fix ``commitment`` and re-solve (an LP in effect).

        With ``recourse``, a re-solve that leaves load unserved or reserve short is repeated with the
        quick-start units free to start (a small MILP); ``extra["recourse_unit_hours"]`` counts the
        unit-hours they add to the commitment.
        """
        t0 = time.perf_counter()
        self.load(actual)
        self.fix_commitment(commitment)
        update_s = time.perf_counter() - t0
        result = self.solve()
        added = 0
        quick = self.quick_start_units if recourse else []
        if quick and (result.unserved_mwh > SHORT_TOL_MWH or result.reserve_shortfall_mwh > SHORT_TOL_MWH):
            self.fix_commitment(commitment, may_start=quick)
            fixed_s = result.solve_s
            result = self.solve()
            result.solve_s += fixed_s
            planned = _check_commitment(self.problem, commitment)
            added = int((result.commitment.to_numpy() - planned.to_numpy()).clip(min=0).sum())
            self.fix_commitment(commitment)   # leave the session as a plain fixed commitment
        result.name = actual.name
        result.build_s = update_s
        result.extra["stage"] = "intraday"
        result.extra["recourse_unit_hours"] = added
        return result


def solve(problem: DispatchProblem, gap: float = DEFAULT_GAP, time_limit_s: float | None = None,
          fixed_commitment: pd.DataFrame | None = None, tight: bool = True,
          backend: str = "highs") -> DispatchResult:
    """Build and solve one dispatch problem; with ``fixed_commitment`` the units' on/off is given.

    ``gap`` is HiGHS' relative MIP gap (0 proves optimality), ``time_limit_s`` its time limit; the
    best solution found is returned either way (``result.status``, ``result.mip_gap`` say how good).
    """
    session = DispatchSession(problem, gap=gap, time_limit_s=time_limit_s, tight=tight, backend=backend)
    if fixed_commitment is not None:
        t0 = time.perf_counter()
        session.fix_commitment(fixed_commitment)
        session.build_s += time.perf_counter() - t0
    result = session.solve()
    if fixed_commitment is not None:
        result.extra["stage"] = "fixed_commitment"
    return result


COST_EXPRESSIONS = ("cost_no_load", "cost_incremental", "cost_startup", "cost_carbon", "cost_unserved",
                    "cost_overgen", "cost_reserve", "cost_ev_short", "cost_storage_final", "cost_ev_wear", "value_ev_final", "co2")


class CostEvaluator:
    """Values of the model's cost and CO2 expressions from the variables' current values.

    Why: ``pyo.value`` walks each expression tree on every call (~0.1 s per solve for a Kyushu day);
    compiled once into coefficient vectors, a re-solve's costs are a few dot products. Valid while
    no variable is fixed with ``Var.fix`` (fixed variables would be folded into constants).
    """

    def __init__(self, m: pyo.ConcreteModel):
        self.forms: dict[str, tuple[list, np.ndarray, float]] = {}
        for name in COST_EXPRESSIONS:
            repn = generate_standard_repn(getattr(m, name).expr, compute_values=True, quadratic=False)
            if repn.nonlinear_expr is not None:
                raise ValueError(f"dispatch model expression {name} is not linear")
            self.forms[name] = (list(repn.linear_vars), np.asarray(repn.linear_coefs, dtype=float),
                                float(repn.constant))

    def values(self) -> dict[str, float]:
        out = {}
        for name, (variables, coefs, constant) in self.forms.items():
            x = np.fromiter((v.value for v in variables), dtype=float, count=len(variables))
            out[name] = float(coefs @ x) + constant
        return out


def _collect(problem: DispatchProblem, m: pyo.ConcreteModel, status: str, objective: float, bound: float,
             build_s: float, solve_s: float, fixed: bool, costs: CostEvaluator | None = None) -> DispatchResult:
    T = problem.periods
    G = problem.unit_names
    R = problem.renewable_names
    S = problem.storage_names
    K = problem.cluster_names
    idx = pd.RangeIndex(1, T + 1, name="period")
    u = _frame(m.u, G, T, rnd=True)
    v = _frame(m.v, G, T, rnd=True)
    pmin = problem.thermal.set_index("name")["p_min_mw"].reindex(G).to_numpy(dtype=float)
    pa = _frame(m.pa, G, T)
    pav = _frame(m.pav, G, T)
    thermal = pa + u.to_numpy() * pmin
    reserve = (pav - pa).clip(lower=0)
    st_res = _frame(m.st_res, list(m.S_res), T)
    ev_res = _frame(m.ev_res_ch, list(m.K_res), T) + _frame(m.ev_res_dis, list(m.K_res), T)
    ren = _frame(m.ren, R, T)
    if R:
        pmax = (problem.renewables.pivot(index="period", columns="name", values="p_max_mw")
                .reindex(index=range(1, T + 1), columns=R).to_numpy(dtype=float))
        curt = pd.DataFrame(np.clip(pmax - ren.to_numpy(), 0, None), index=idx, columns=R)
    else:
        curt = pd.DataFrame(index=idx)
    val = pyo.value
    system = pd.DataFrame({
        "demand_mw": [float(m.demand[t].lb) for t in range(1, T + 1)],
        "reserve_req_mw": [float(m.reserve_req[t].lb) for t in range(1, T + 1)],
        "thermal_mw": thermal.sum(axis=1).to_numpy(),
        "renewable_mw": ren.sum(axis=1).to_numpy() if R else np.zeros(T),
        "reserve_mw": reserve.sum(axis=1).to_numpy() + st_res.sum(axis=1).to_numpy() + ev_res.sum(axis=1).to_numpy(),
        "unserved_mw": [max(0.0, val(m.unserved[t])) for t in range(1, T + 1)],
        "overgeneration_mw": [max(0.0, val(m.overgen[t])) for t in range(1, T + 1)],
        "reserve_shortfall_mw": [max(0.0, val(m.res_short[t])) for t in range(1, T + 1)],
    }, index=idx)
    for col in ("unserved_mw", "overgeneration_mw", "reserve_shortfall_mw"):
        system.loc[system[col] < 1e-7, col] = 0.0
    ev = costs.values() if costs is not None else {n: float(val(getattr(m, n))) for n in COST_EXPRESSIONS}
    co2_t = ev["co2"]
    costs = {
        "no_load": ev["cost_no_load"], "incremental": ev["cost_incremental"],
        "startup": ev["cost_startup"], "carbon": ev["cost_carbon"],
        "unserved_penalty": ev["cost_unserved"], "overgeneration_penalty": ev["cost_overgen"],
        "reserve_shortfall_penalty": ev["cost_reserve"], "ev_energy_penalty": ev["cost_ev_short"],
        "storage_final_penalty": ev["cost_storage_final"], "ev_wear": ev["cost_ev_wear"],
        "ev_final_value": ev["value_ev_final"],   # a credit: the objective subtracts it
    }
    costs["fuel"] = costs["no_load"] + costs["incremental"]
    costs["penalties"] = (costs["unserved_penalty"] + costs["overgeneration_penalty"]
                          + costs["reserve_shortfall_penalty"] + costs["ev_energy_penalty"]
                          + costs["storage_final_penalty"])
    objective = float(objective)
    bound = float(bound) if bound is not None and math.isfinite(bound) else float("nan")
    gap = abs(objective - bound) / max(abs(objective), 1e-10) if math.isfinite(bound) else float("nan")
    return DispatchResult(
        name=problem.name, status=status, objective=objective,
        best_bound=bound, mip_gap=gap, costs=costs, co2_t=co2_t, commitment=u, startup=v,
        thermal_mw=thermal, thermal_reserve_mw=reserve, renewable_mw=ren, curtailment_mw=curt,
        storage_charge_mw=_frame(m.st_ch, S, T), storage_discharge_mw=_frame(m.st_dis, S, T),
        storage_energy_mwh=_frame(m.st_e, S, T), storage_reserve_mw=st_res, ev_reserve_mw=ev_res, ev_charge_mw=_frame(m.ev_ch, K, T),
        ev_discharge_mw=_frame(m.ev_dis, K, T), ev_energy_mwh=_frame(m.ev_e, K, T),
        ev_shortfall_mwh=_frame(m.ev_short, K, T), ev_excess_mwh=_frame(m.ev_excess, K, T),
        storage_final_shortfall_mwh={s: max(0.0, float(val(m.st_final_short[s]))) for s in S}, system=system, period_hours=problem.period_hours,
        build_s=build_s, solve_s=solve_s, extra={"fixed_commitment": fixed},
    )
