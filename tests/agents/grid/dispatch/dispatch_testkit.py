"""Small builders for hand-derived dispatch problems (tests only)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from agents.grid.dispatch.problem import DispatchProblem

REPO = Path(__file__).resolve().parents[4]
SHARED = REPO.parent / "shared"
EGRET_DIR = SHARED / "validation" / "uc" / "egret"
RTS_DIR = SHARED / "validation" / "uc" / "pglib_uc_rts_gmlc"


def unit(name: str, pmin: float, pmax: float, costs: list[tuple[float, float]] | None = None, *,
         marginal: float | None = None, no_load: float = 0.0, ramp: float = 1e4, su: float | None = None,
         sd: float | None = None, min_up: float = 1, min_down: float = 1, status: float = -10,
         p0: float = 0.0, must_run: int = 0, co2: float = 0.0) -> tuple[dict, list[dict]]:
    """One thermal row plus its cost points (either explicit points or no_load + linear marginal)."""
    if costs is None:
        m = 0.0 if marginal is None else marginal
        costs = [(pmin, no_load), (pmax, no_load + m * (pmax - pmin))] if pmax > pmin else [(pmin, no_load)]
    row = {"name": name, "p_min_mw": pmin, "p_max_mw": pmax, "ramp_up_mw_per_h": ramp,
           "ramp_down_mw_per_h": ramp, "startup_mw": pmax if su is None else su,
           "shutdown_mw": pmax if sd is None else sd, "min_up_h": min_up, "min_down_h": min_down,
           "initial_status_h": status, "initial_p_mw": p0, "must_run": must_run, "co2_t_per_mwh": co2}
    pts = [{"name": name, "p_mw": p, "cost_per_h": c} for p, c in costs]
    return row, pts


def problem(units: list[tuple[dict, list[dict]]], demand: list[float], reserve: list[float] | None = None, *,
            startups: list[tuple[str, float, float]] = (), renewables: list[dict] | None = None,
            storage: list[dict] | None = None, ev: list[dict] | None = None,
            ev_params: list[dict] | None = None, period_hours: float = 1.0, **scalars) -> DispatchProblem:
    T = len(demand)
    reserve = reserve or [0.0] * T
    kw = {}
    if renewables is not None:
        kw["renewables"] = pd.DataFrame(renewables)
    if storage is not None:
        kw["storage"] = pd.DataFrame(storage)
    if ev is not None:
        kw["ev_clusters"] = pd.DataFrame(ev)
        kw["ev_cluster_params"] = pd.DataFrame(ev_params)
    p = DispatchProblem(
        name=scalars.pop("name", "test"), periods=T, period_hours=period_hours,
        demand=pd.DataFrame({"period": range(1, T + 1), "demand_mw": demand, "reserve_mw": reserve}),
        thermal=pd.DataFrame([u[0] for u in units]),
        thermal_cost=pd.DataFrame([pt for u in units for pt in u[1]]),
        thermal_startup=pd.DataFrame(list(startups), columns=["name", "lag_h", "cost"]),
        **kw, **scalars,
    )
    return p.validate()


def check_balance(result, problem: DispatchProblem, tol: float = 1e-6) -> None:
    """Supply equals demand in every period, slacks included."""
    s = result.system
    supply = (result.thermal_mw.sum(axis=1) + (result.renewable_mw.sum(axis=1) if result.renewable_mw.size else 0)
              + (result.storage_discharge_mw.sum(axis=1) - result.storage_charge_mw.sum(axis=1)
                 if result.storage_charge_mw.size else 0)
              + (result.ev_discharge_mw.sum(axis=1) - result.ev_charge_mw.sum(axis=1)
                 if result.ev_charge_mw.size else 0)
              + s["unserved_mw"] - s["overgeneration_mw"])
    demand = problem.demand.set_index("period")["demand_mw"]
    assert (supply - demand).abs().max() < tol
