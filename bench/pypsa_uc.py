"""The same unit-commitment instance through PyPSA (linopy + HiGHS), to compare with our dispatch MILP.

Why: issue 3 asks that our model be faster end to end than PyPSA on one Kyushu 2030 day. PyPSA has
one marginal cost and one start-up cost per generator and no spinning reserve, so the comparison runs
both tools on a *simplified* problem built by :func:`comparison_problem` (one linear cost segment
per unit, one start-up cost per unit); our ramp-limited spinning reserve, the storage end target
and its slack are added to PyPSA's linopy model through ``extra_functionality``. docs/dispatch.md
("Against PyPSA") lists every simplification.

PyPSA is not a core dependency of the project (optional extra ``compare``). Run this from a
separate environment:

    python3 -m venv compare-venv
    compare-venv/bin/pip install -e '.[compare]'      # or: pip install pypsa, then -e .
    compare-venv/bin/python bench/dispatch.py --only-pypsa --pypsa-repeats 5 --out bench/results/vs_pypsa.json

``pypsa`` is imported inside the functions that need it, so importing this module never fails.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from agents.grid.dispatch import DispatchProblem, solve
from agents.grid.dispatch.highs_direct import DEFAULT_OPTIONS
from agents.grid.dispatch.model import UnitData, compile_units


# ----------------------------------------------------------------------------- the shared instance
def comparison_problem(problem: DispatchProblem, reserve: bool = True,
                       startup_after_h: float = 24.0) -> DispatchProblem:
    """The instance both tools solve: ``problem`` with costs PyPSA can state exactly.

    - each unit's production cost becomes one linear segment through its first (p_min) and last
      (p_max) cost points: no-load cost at p_min kept, full-load cost kept, convex bulge dropped;
    - each unit keeps one start-up category: the cost in force after ``startup_after_h`` hours off
      (24 h: a unit off since before the day starts; the warm start for every Kyushu unit), with
      the unit's first lag so that every start pays it;
    - ``reserve=False`` sets every reserve requirement to 0 (then PyPSA needs no extra reserve rows).

    EV clusters are not supported by the PyPSA side (the Kyushu day-ahead problem has none).
    """
    q = copy.deepcopy(problem)
    rows = []
    for name, g in q.thermal_cost.groupby("name", sort=False):
        g = g.sort_values("p_mw")
        rows.append(g.iloc[[0]])
        if len(g) > 1:
            rows.append(g.iloc[[-1]])
    q.thermal_cost = pd.concat(rows, ignore_index=True)
    starts = []
    for name, g in q.thermal_startup.groupby("name", sort=False):
        g = g.sort_values("lag_h")
        in_force = g[g["lag_h"] <= startup_after_h]
        cost = float((in_force if len(in_force) else g.iloc[[0]])["cost"].iloc[-1])
        starts.append({"name": name, "lag_h": float(g["lag_h"].iloc[0]), "cost": cost})
    q.thermal_startup = pd.DataFrame(starts, columns=["name", "lag_h", "cost"])
    if not reserve:
        q.demand["reserve_mw"] = 0.0
    if "reserve_max_mw" in q.storage.columns:   # reserve from storage: not in the converter, thermal holds it all
        q.storage["reserve_max_mw"] = 0.0
    q.name = f"{problem.name}_vs_pypsa" + ("" if reserve else "_no_reserve")
    return q.validate()


# ----------------------------------------------------------------------------- conversion
@dataclass
class PypsaInstance:
    """A PyPSA network for one problem plus the model additions PyPSA lacks (reserve, end targets)."""

    network: Any                                        # pypsa.Network
    extra_functionality: Callable[[Any, Any], None]
    thermal: list[str]
    units: list[UnitData]


def _linear_costs(units: list[UnitData]) -> tuple[np.ndarray, np.ndarray]:
    """Marginal cost above p_min and stand-by (intercept) cost per hour for one-segment units."""
    slope = np.array([u.slopes[0] if u.slopes else 0.0 for u in units])
    if any(len(u.slopes) > 1 for u in units):
        raise ValueError("PyPSA side needs one cost segment per unit: build it with comparison_problem()")
    pmin = np.array([u.pmin for u in units])
    stand_by = np.array([u.cost_min for u in units]) - slope * pmin
    return slope, stand_by


def to_pypsa(problem: DispatchProblem) -> PypsaInstance:
    """Single-bus PyPSA network with the same variables' meaning as our model (see module doc).

    Thermal units are committable generators (p_nom = p_max, p_min_pu, ramps per snapshot, start-up /
    shut-down ramps, min up/down, initial status via up/down_time_before and p_init); production
    cost = marginal_cost x p + stand_by_cost x status, carbon price folded into marginal_cost.
    Renewables are generators bounded per snapshot, pumped hydro a StorageUnit, unserved energy and
    over-generation two generators priced at the unserved penalty.
    """
    import pypsa

    if len(problem.ev_clusters):
        raise ValueError("EV clusters are not converted to PyPSA (not needed for the Kyushu day)")
    problem.validate()
    units = compile_units(problem)
    for un in units:
        if len(un.lags) > 1:
            raise ValueError(f"unit {un.name}: several start-up categories; PyPSA has one start-up cost "
                             "(build the problem with comparison_problem())")
    T, dt = problem.periods, problem.period_hours
    sns = pd.RangeIndex(1, T + 1, name="snapshot")
    n = pypsa.Network()
    n.set_snapshots(sns)
    n.snapshot_weightings.loc[:, :] = dt
    n.add("Carrier", "AC")
    n.add("Bus", "bus", carrier="AC")
    demand = problem.demand.set_index("period").reindex(sns)
    n.add("Load", "demand", bus="bus", p_set=demand["demand_mw"].to_numpy(dtype=float))

    names = [u.name for u in units]
    pmax = np.array([u.pmax for u in units])
    slope, stand_by = _linear_costs(units)
    co2 = np.array([u.co2 for u in units])
    n.add(
        "Generator", names, bus="bus", committable=True, p_nom=pmax,
        p_min_pu=np.array([u.pmin for u in units]) / pmax, p_max_pu=1.0,
        marginal_cost=slope + problem.carbon_price_per_t * co2,
        stand_by_cost=stand_by,
        start_up_cost=np.array([u.su_costs[0] if u.su_costs else 0.0 for u in units]),
        min_up_time=np.array([u.ut for u in units]), min_down_time=np.array([u.dt for u in units]),
        up_time_before=np.array([u.s0 if u.on0 else 0 for u in units]),
        down_time_before=np.array([0 if u.on0 else -u.s0 for u in units]),
        p_init=np.array([u.p0 if u.on0 else np.nan for u in units]),   # PyPSA takes 0 for units that were off
        ramp_limit_up=np.array([u.ru for u in units]) / pmax,
        ramp_limit_down=np.array([u.rd for u in units]) / pmax,
        ramp_limit_start_up=np.array([u.su for u in units]) / pmax,
        ramp_limit_shut_down=np.array([u.sd for u in units]) / pmax,
    )

    if len(problem.renewables):
        ren = problem.renewables
        hi = ren.pivot(index="period", columns="name", values="p_max_mw").reindex(sns)
        lo = ren.pivot(index="period", columns="name", values="p_min_mw").reindex(sns)
        cols = list(hi.columns)
        nom = np.maximum(hi.max().to_numpy(dtype=float), 1e-3)
        n.add("Generator", cols, bus="bus", p_nom=nom,
              p_max_pu=pd.DataFrame(hi.to_numpy(dtype=float) / nom, index=sns, columns=cols),
              p_min_pu=pd.DataFrame(lo.to_numpy(dtype=float) / nom, index=sns, columns=cols))

    st = problem.storage
    if len(st):
        pn = np.maximum(st["p_charge_max_mw"], st["p_discharge_max_mw"]).to_numpy(dtype=float)
        n.add("StorageUnit", st["name"].astype(str).tolist(), bus="bus", p_nom=pn,
              p_max_pu=st["p_discharge_max_mw"].to_numpy(dtype=float) / pn,
              p_min_pu=-st["p_charge_max_mw"].to_numpy(dtype=float) / pn,
              max_hours=st["energy_max_mwh"].to_numpy(dtype=float) / pn,
              efficiency_store=st["eff_charge"].to_numpy(dtype=float),
              efficiency_dispatch=st["eff_discharge"].to_numpy(dtype=float),
              state_of_charge_initial=st["energy_initial_mwh"].to_numpy(dtype=float),
              cyclic_state_of_charge=False)

    pen = problem.unserved_penalty_per_mwh
    big = float(demand["demand_mw"].max() + st["p_charge_max_mw"].sum() + 1.0)
    n.add("Generator", "unserved", bus="bus", p_nom=big, marginal_cost=pen)
    n.add("Generator", "overgeneration", bus="bus", p_nom=big, p_min_pu=-1.0, p_max_pu=0.0,
          marginal_cost=-pen)

    reserve = demand["reserve_mw"].to_numpy(dtype=float)
    extra = _extra_functionality(problem, units, reserve)
    return PypsaInstance(network=n, extra_functionality=extra, thermal=names, units=units)


def _extra_functionality(problem: DispatchProblem, units: list[UnitData],
                         reserve: np.ndarray) -> Callable[[Any, Any], None]:
    """linopy additions: ramp-limited spinning reserve, storage end targets and minimum energy, must-run.

    Reserve as in our compact formulation (docs/dispatch.md, items 3-5) with r = pav - pa:
      p + r <= p_max u - (p_max - SU) v - (p_max - SD) w[t+1]     (UT >= 2; UT = 1: the Gentile pair)
      p_t + r_t - p_{t-1} <= RU (u_t - v_t) + SU v_t - p_min w_t   (p_0 = initial output)
      sum r + short >= requirement, 0 <= short <= requirement, short priced at the reserve penalty.
    """
    import xarray as xr

    names = [u.name for u in units]
    dt = problem.period_hours
    st = problem.storage

    def arr(values: list[float]) -> xr.DataArray:
        return xr.DataArray(np.asarray(values, dtype=float), coords={"name": names}, dims="name")

    def extra(n: Any, sns: Any) -> None:
        m = n.model
        u = m["Generator-status"].sel(name=names)
        extra_cost = []
        if any(un.must_run for un in units):
            must = [un.name for un in units if un.must_run]
            m.add_constraints(m["Generator-status"].sel(name=must) >= 1, name="Generator-must_run")
        if (reserve > 0).any():
            p = m["Generator-p"].sel(name=names)
            v = m["Generator-start_up"].sel(name=names)
            w = m["Generator-shut_down"].sel(name=names)
            r = m.add_variables(lower=0, coords=[sns, pd.Index(names, name="name")], name="Generator-reserve")
            w_next = w.to_linexpr().shift(snapshot=-1).fillna(0)
            pmax = arr([un.pmax for un in units])
            a_su = arr([un.pmax - un.su for un in units])
            one = [un.ut == 1 for un in units]
            b0 = arr([max(0.0, un.su - un.sd) if o else un.pmax - un.sd for un, o in zip(units, one)])
            m.add_constraints(p + r - pmax * u + a_su * v + b0 * w_next <= 0, name="Generator-reserve-limit")
            if any(one):
                ones = [un.name for un, o in zip(units, one) if o]
                sub = {"name": ones}
                a1 = arr([max(0.0, un.sd - un.su) for un in units]).sel(sub)
                b1 = arr([un.pmax - un.sd for un in units]).sel(sub)
                m.add_constraints(p.sel(sub) + r.sel(sub) - pmax.sel(sub) * u.sel(sub) + a1 * v.sel(sub)
                                  + b1 * w_next.sel(sub) <= 0, name="Generator-reserve-limit-ut1")
            ramped = [un.name for un in units if un.ru < un.pmax - un.pmin - 1e-9]
            if ramped:
                sub = {"name": ramped}
                first = xr.DataArray([1.0] + [0.0] * (len(sns) - 1), coords={"snapshot": sns}, dims="snapshot")
                p0 = arr([un.p0 for un in units]).sel(sub)
                p_prev = p.sel(sub).to_linexpr().shift(snapshot=1).fillna(0) + p0 * first
                ru = arr([un.ru for un in units]).sel(sub)
                su = arr([un.su for un in units]).sel(sub)
                pmin = arr([un.pmin for un in units]).sel(sub)
                m.add_constraints(p.sel(sub) + r.sel(sub) - p_prev - ru * u.sel(sub) + (ru - su) * v.sel(sub)
                                  + pmin * w.sel(sub) <= 0, name="Generator-reserve-ramp")
            req = xr.DataArray(reserve, coords={"snapshot": sns}, dims="snapshot")
            short = m.add_variables(lower=0, upper=req, coords=[sns], name="reserve-shortfall")
            m.add_constraints(r.sum("name") + short >= req, name="reserve-requirement")
            extra_cost.append((problem.reserve_shortfall_penalty_per_mwh * dt * short).sum())
        if len(st):
            snames = pd.Index(st["name"].astype(str).tolist(), name="name")
            soc = m["StorageUnit-state_of_charge"].sel(name=snames)
            final = xr.DataArray(st["energy_final_mwh"].to_numpy(dtype=float), coords={"name": snames}, dims="name")
            slack = m.add_variables(lower=0, coords=[snames], name="StorageUnit-final_shortfall")
            m.add_constraints(soc.sel(snapshot=sns[-1]) + slack >= final, name="StorageUnit-final_target")
            extra_cost.append((problem.unserved_penalty_per_mwh * slack).sum())
            emin = st["energy_min_mwh"].to_numpy(dtype=float)
            if (emin > 0).any():
                lo = xr.DataArray(emin, coords={"name": snames}, dims="name")
                m.add_constraints(soc >= lo, name="StorageUnit-energy_min")
        if extra_cost:
            expr = m.objective.expression
            for e in extra_cost:
                expr = expr + e
            m.add_objective(expr, overwrite=True)

    return extra


# ----------------------------------------------------------------------------- solving and timing
@dataclass
class PypsaRun:
    """One end-to-end PyPSA solve: timings (s), objective, status and the extracted schedules."""

    objective: float
    status: str
    condition: str
    build_s: float          # DispatchProblem -> pypsa.Network
    model_s: float          # linopy model (create_model + extra_functionality); nan if not split
    solve_s: float          # linopy -> HiGHS, HiGHS run, solution back into the network
    extract_s: float        # schedules as frames
    total_s: float
    mip_gap: float
    commitment: pd.DataFrame
    thermal_mw: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)


def highs_options(gap: float, time_limit_s: float | None = None) -> dict[str, Any]:
    """HiGHS options for linopy: same gap, thread count, seed, heuristics (and time limit) as our DirectHighs."""
    opts: dict[str, Any] = {k: v for k, v in DEFAULT_OPTIONS.items() if k != "output_flag"}
    opts["mip_rel_gap"] = float(gap)
    if time_limit_s is not None:
        opts["time_limit"] = float(time_limit_s)
    return opts


def solve_pypsa(problem: DispatchProblem, gap: float = 1e-3, io_api: str | None = "direct",
                split: bool = False, time_limit_s: float | None = None) -> PypsaRun:
    """Convert, optimise and extract one problem with PyPSA; time each stage.

    ``split=False`` runs the one call users make, ``n.optimize(...)``, and times it whole;
    ``split=True`` runs ``create_model`` and ``solve_model`` separately to split model building
    from solving (the same work). ``io_api``: linopy's hand-over to HiGHS ("direct" = highspy in
    memory, None/"lp" = via an LP file, linopy's default).
    """
    t0 = time.perf_counter()
    inst = to_pypsa(problem)
    n = inst.network
    t1 = time.perf_counter()
    kw: dict[str, Any] = {"solver_name": "highs", "solver_options": highs_options(gap, time_limit_s),
                          "log_to_console": False}
    if io_api is not None:
        kw["io_api"] = io_api
    if split:
        n.optimize.create_model(include_objective_constant=False)
        inst.extra_functionality(n, n.snapshots)
        t2 = time.perf_counter()
        status, condition = n.optimize.solve_model(**kw)
    else:
        status, condition = n.optimize(extra_functionality=inst.extra_functionality,
                                       include_objective_constant=False, **kw)
        t2 = math.nan
    t3 = time.perf_counter()
    if status != "ok":
        raise RuntimeError(f"PyPSA on {problem.name}: {status} / {condition}")
    commitment = n.generators_t.status[inst.thermal].round().astype(int)
    thermal = n.generators_t.p[inst.thermal].copy()
    objective = float(n.objective)
    t4 = time.perf_counter()
    gap_found, highs_run_s = math.nan, math.nan
    solver = getattr(n.model, "solver_model", None)
    try:   # informative only; file-based runs keep no live highspy object
        if solver is not None:
            gap_found = float(solver.getInfo().mip_gap)
            highs_run_s = float(solver.getRunTime())
    except Exception:  # noqa: BLE001
        pass
    return PypsaRun(objective=objective, status=status, condition=condition, build_s=t1 - t0,
                    model_s=(t2 - t1) if split else math.nan, solve_s=(t3 - t2) if split else math.nan,
                    extract_s=t4 - t3, total_s=t4 - t0, mip_gap=gap_found, commitment=commitment,
                    thermal_mw=thermal, extra={"io_api": io_api or "lp (linopy default)", "split": split,
                                                    "highs_run_s": highs_run_s})


@dataclass
class OursRun:
    """One end-to-end solve with our model (``solve``: validate, build, hand-over, HiGHS, results)."""

    objective: float
    status: str
    build_s: float
    solve_s: float
    total_s: float
    to_solver_s: float      # of solve_s: Pyomo model -> highspy (standard-form compiler + passModel)
    mip_gap: float
    commitment: pd.DataFrame
    thermal_mw: pd.DataFrame


def solve_ours(problem: DispatchProblem, gap: float = 1e-3, time_limit_s: float | None = None) -> OursRun:
    """Our normal path, timed whole: ``solve(problem, gap)`` returns the full result object."""
    t0 = time.perf_counter()
    r = solve(problem, gap=gap, time_limit_s=time_limit_s)
    total = time.perf_counter() - t0
    return OursRun(objective=r.objective, status=r.status, build_s=r.build_s, solve_s=r.solve_s,
                   total_s=total, to_solver_s=float(r.extra["to_solver_s"]), mip_gap=r.mip_gap,
                   commitment=r.commitment, thermal_mw=r.thermal_mw)


def versions() -> dict[str, str]:
    """Versions of the PyPSA stack (empty strings when a package is missing)."""
    out = {}
    for mod in ("pypsa", "linopy", "highspy", "xarray"):
        try:
            m = __import__(mod)
            out[mod] = str(getattr(m, "__version__", ""))
        except ImportError:
            out[mod] = ""
    if not out["highspy"]:
        try:
            from importlib.metadata import version
            out["highspy"] = version("highspy")
        except Exception:  # noqa: BLE001
            pass
    return out


# ----------------------------------------------------------------------------- the benchmark case
SIMPLIFICATIONS = [
    "production cost: one linear segment per unit through its p_min and p_max cost points "
    "(no-load cost at p_min and full-load cost kept; the 3-segment convex curve is dropped) - "
    "PyPSA has one marginal cost per generator (plus stand_by_cost per committed hour)",
    "start-up cost: one category per unit, the one in force after 24 h off (for every Kyushu unit the "
    "warm start, the middle of its three categories), paid by every start: hot restarts within the day "
    "cost the warm price, cold starts do not occur in one day - PyPSA has one start_up_cost",
    "spinning reserve: kept; PyPSA has none, so our ramp-limited reserve (compact MLR rows) is added "
    "to its linopy model through extra_functionality, as are the storage end-of-day targets with "
    "their penalised slack; the comparison is also run with reserve_mw = 0 ('no_reserve')",
    "carbon price folded into PyPSA's marginal_cost (linear in output, as in ours)",
]


def head_periods(problem: DispatchProblem, periods: int) -> DispatchProblem:
    """The first ``periods`` periods of a problem (a tiny instance to warm up imports and caches)."""
    q = copy.deepcopy(problem)
    q.periods = periods
    q.demand = q.demand[q.demand["period"] <= periods].reset_index(drop=True)
    if len(q.renewables):
        q.renewables = q.renewables[q.renewables["period"] <= periods].reset_index(drop=True)
    return q.validate()


def _med(xs: list[float]) -> float:
    xs = [x for x in xs if not math.isnan(x)]
    return float(np.median(xs)) if xs else math.nan


def compare(problem: DispatchProblem, gap: float, repeats: int, io_apis: tuple[str | None, ...] = ("direct", None),
            log: Callable[[str], None] = print, exact: bool = True,
            time_limit_s: float | None = None) -> dict[str, Any]:
    """Time ours vs PyPSA end to end on one (already simplified) problem; check the optima agree.

    Per tool: ``repeats`` end-to-end runs (medians reported). PyPSA runs ``n.optimize`` once per
    ``io_api``; one extra split run (create_model / solve_model, direct hand-over) gives the
    build/solve split and the HiGHS run time. ``exact``: one more run per tool at gap 0 (direct
    hand-over), to check the proven optima are equal, not only within the gap.
    """
    warm = head_periods(problem, 3)            # untimed: first-call costs (imports, caches) of both tools
    solve_ours(warm, gap)
    solve_pypsa(warm, gap, io_api="direct")
    ours = []
    for _ in range(repeats):
        ours.append(solve_ours(problem, gap))
        log(f"    ours  total {ours[-1].total_s:.2f} s (build {ours[-1].build_s:.3f}, solve {ours[-1].solve_s:.2f}), "
            f"objective {ours[-1].objective:.6e}")
    out: dict[str, Any] = {
        "ours": {"total_s_median": _med([r.total_s for r in ours]), "build_s_median": _med([r.build_s for r in ours]),
                 "solve_s_median": _med([r.solve_s for r in ours]),
                 "to_highs_s_median": _med([r.to_solver_s for r in ours]),
                 "highs_run_s_median": _med([r.solve_s - r.to_solver_s for r in ours]),
                 "outside_highs_s_median": _med([r.total_s - (r.solve_s - r.to_solver_s) for r in ours]),
                 "total_s_runs": [r.total_s for r in ours],
                 "objective": ours[0].objective, "mip_gap": ours[0].mip_gap, "status": ours[0].status,
                 "note": "solve(problem, gap): validate + compile_units + build_model (build_s), hand-over to "
                         "HiGHS + HiGHS run (solve_s), result frames; total timed around the call"},
        "pypsa": {},
    }
    best_total = math.inf
    for io in io_apis:
        runs = []
        for _ in range(repeats):
            runs.append(solve_pypsa(problem, gap, io_api=io))
            log(f"    pypsa[{io or 'lp'}] total {runs[-1].total_s:.2f} s, objective {runs[-1].objective:.6e}")
        key = f"optimize_{io or 'lp_file'}"
        out["pypsa"][key] = {"total_s_median": _med([r.total_s for r in runs]),
                             "network_build_s_median": _med([r.build_s for r in runs]),
                             "highs_run_s_median": _med([r.extra["highs_run_s"] for r in runs]),
                             "outside_highs_s_median": _med([r.total_s - r.extra["highs_run_s"] for r in runs]),
                             "total_s_runs": [r.total_s for r in runs], "objective": runs[0].objective,
                             "mip_gap": runs[0].mip_gap, "condition": runs[0].condition,
                             "io_api": runs[0].extra["io_api"]}
        best_total = min(best_total, out["pypsa"][key]["total_s_median"])
        ref = runs[0]
    split = solve_pypsa(problem, gap, io_api="direct", split=True)
    highs_run = float(split.extra.get("highs_run_s", math.nan))
    log(f"    pypsa split: network {split.build_s:.3f} s, linopy model {split.model_s:.3f} s, "
        f"solve {split.solve_s:.2f} s")
    out["pypsa"]["split_direct"] = {"network_build_s": split.build_s, "model_build_s": split.model_s,
                                    "solve_s": split.solve_s, "highs_run_s": highs_run,
                                    "extract_s": split.extract_s, "total_s": split.total_s,
                                    "objective": split.objective,
                                    "note": "one run: DispatchProblem -> pypsa.Network (network_build_s), "
                                            "create_model + extra_functionality (model_build_s), solve_model = "
                                            "linopy -> highspy + HiGHS run + solution into the network (solve_s)"}
    o = ours[0].objective
    objs = {"ours": o, **{k: v["objective"] for k, v in out["pypsa"].items()}}
    worst = max(abs(v - o) / abs(o) for v in objs.values())
    out["objectives"] = objs
    out["objective_max_rel_diff"] = worst
    out["objectives_agree_within_gap"] = bool(worst <= gap)
    out["commitment_cells_differing"] = int((ref.commitment.to_numpy() != ours[0].commitment.to_numpy()).sum())
    out["speedup_vs_best_pypsa"] = best_total / out["ours"]["total_s_median"]
    if exact:
        a = solve_ours(problem, 0.0, time_limit_s)
        b = solve_pypsa(problem, 0.0, io_api="direct", time_limit_s=time_limit_s)
        log(f"    gap 0: ours {a.objective:.10e} in {a.total_s:.1f} s, PyPSA {b.objective:.10e} in {b.total_s:.1f} s")
        out["gap0_single_run"] = {
            "ours": {"objective": a.objective, "mip_gap": a.mip_gap, "status": a.status, "total_s": a.total_s},
            "pypsa_direct": {"objective": b.objective, "mip_gap": b.mip_gap, "condition": b.condition,
                             "total_s": b.total_s, "highs_run_s": b.extra["highs_run_s"]},
            "rel_diff": abs(a.objective - b.objective) / abs(a.objective),
            "note": "one run per tool at mip_rel_gap 0 (proven optimum unless the time limit hit)"}
    return out
