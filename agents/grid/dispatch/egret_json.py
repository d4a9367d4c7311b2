"""Convert published unit-commitment instances (JSON) into a :class:`DispatchProblem`.

Two layouts are read:

* EGRET ``ModelData`` JSON (``{"elements": {"generator": ...}, "system": ...}``), as in EGRET's
  ``uc_test_instances``. Quadratic costs ``a0 + a1 p + a2 p^2`` become a piecewise-linear curve with
  ``segments`` equal-width pieces between p_min and p_max (EGRET's default is 2), as EGRET does.
* pglib-uc JSON (``{"time_periods", "demand", "reserves", "thermal_generators", ...}``), e.g. the
  RTS-GMLC days of power-grid-lib/pglib-uc; piecewise costs are taken as given.

Only single-bus data are supported (transmission is ignored). No CO2 data exist in these formats:
``co2_t_per_mwh`` is 0 and the carbon price 0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from agents.grid.dispatch.problem import DispatchProblem
from simcore.errors import InputError


def load_uc_json(path: str | Path, segments: int = 2, name: str | None = None) -> DispatchProblem:
    """Read an EGRET or pglib-uc JSON file into a validated DispatchProblem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(str(path), "file", str(exc)[:60], "a readable JSON file") from None
    name = name or path.stem
    if "elements" in data and "system" in data:
        return egret_to_problem(data, name, segments, str(path))
    if "thermal_generators" in data:
        return pglib_to_problem(data, name, str(path))
    raise InputError(str(path), "top level", sorted(data)[:4], "EGRET ModelData or pglib-uc JSON")


def _series(v: Any, T: int) -> list[float]:
    if isinstance(v, dict):
        if v.get("data_type") != "time_series":
            raise ValueError(f"unsupported data_type {v.get('data_type')!r}")
        vals = [float(x) for x in v["values"]]
    else:
        vals = [float(v)] * T
    if len(vals) != T:
        raise ValueError(f"time series of length {len(vals)}, expected {T}")
    return vals


def _poly_points(coef: dict, pmin: float, pmax: float, segments: int) -> list[tuple[float, float]]:
    a = [float(coef.get(str(i), coef.get(i, 0.0))) for i in range(3)]

    def f(x: float) -> float:
        return a[0] + a[1] * x + a[2] * x * x

    if pmax <= pmin:
        return [(pmin, f(pmin))]
    n = segments if a[2] != 0 else 1
    width = (pmax - pmin) / n
    xs = [pmin + i * width for i in range(n)] + [pmax]
    return [(x, f(x)) for x in xs]


def egret_to_problem(data: dict, name: str, segments: int = 2, source: str = "<egret>") -> DispatchProblem:
    system = data["system"]
    el = data["elements"]
    T = len(system["time_keys"])
    dt = float(system.get("time_period_length_minutes", 60)) / 60.0
    demand = [0.0] * T
    for load in el.get("load", {}).values():
        for i, x in enumerate(_series(load["p_load"], T)):
            demand[i] += x
    reserve = _series(system.get("reserve_requirement", 0.0), T)
    thermal, cost, start, ren = [], [], [], []
    for g, d in el.get("generator", {}).items():
        if not d.get("in_service", True):
            continue
        if d.get("generator_type") == "renewable":
            hi = _series(d.get("p_max", 0.0), T)
            lo = _series(d.get("p_min", 0.0), T)
            ren += [{"name": g, "period": t + 1, "p_max_mw": hi[t], "p_min_mw": lo[t]} for t in range(T)]
            continue
        if d.get("generator_type") != "thermal":
            raise InputError(source, f"generator {g!r}, generator_type", d.get("generator_type"), "thermal or renewable")
        pmin, pmax = float(d["p_min"]), float(d["p_max"])
        ru = float(d.get("ramp_up_60min", pmax))
        rd = float(d.get("ramp_down_60min", pmax))
        thermal.append({
            "name": g, "p_min_mw": pmin, "p_max_mw": pmax, "ramp_up_mw_per_h": ru, "ramp_down_mw_per_h": rd,
            # EGRET's defaults when absent: p_min + half the hourly ramp
            "startup_mw": float(d.get("startup_capacity", pmin + ru / 2)),
            "shutdown_mw": float(d.get("shutdown_capacity", pmin + rd / 2)),
            "min_up_h": float(d.get("min_up_time", 0)), "min_down_h": float(d.get("min_down_time", 0)),
            "initial_status_h": float(d["initial_status"]), "initial_p_mw": float(d["initial_p_output"]),
            "must_run": int(bool(d.get("must_run", 0))), "co2_t_per_mwh": 0.0, "fuel": d.get("fuel", ""),
        })
        pc = d.get("p_cost")
        if pc is None:
            pts = [(pmin, 0.0)] if pmax <= pmin else [(pmin, 0.0), (pmax, 0.0)]
        elif pc.get("cost_curve_type") == "polynomial":
            pts = _poly_points(pc["values"], pmin, pmax, segments)
        else:
            pts = [(float(x), float(c)) for x, c in pc["values"]]
        cost += [{"name": g, "p_mw": x, "cost_per_h": c} for x, c in pts]
        sc = d.get("startup_cost")
        if isinstance(sc, list):
            start += [{"name": g, "lag_h": float(lag), "cost": float(c)} for lag, c in sc]
        elif sc:
            start.append({"name": g, "lag_h": float(d.get("min_down_time", 0)), "cost": float(sc)})
    ren_df = pd.DataFrame(ren, columns=["name", "period", "p_max_mw", "p_min_mw"])
    return DispatchProblem(
        name=name, periods=T, period_hours=dt,
        demand=pd.DataFrame({"period": range(1, T + 1), "demand_mw": demand, "reserve_mw": reserve}),
        thermal=pd.DataFrame(thermal), thermal_cost=pd.DataFrame(cost),
        thermal_startup=pd.DataFrame(start, columns=["name", "lag_h", "cost"]), renewables=ren_df,
        unserved_penalty_per_mwh=float(system.get("load_mismatch_cost", 1e4)),
        reserve_shortfall_penalty_per_mwh=float(system.get("reserve_shortfall_cost", 1e3)),
    ).validate()


def pglib_to_problem(data: dict, name: str, source: str = "<pglib-uc>") -> DispatchProblem:
    T = int(data["time_periods"])
    thermal, cost, start, ren = [], [], [], []
    for g, d in data["thermal_generators"].items():
        on = bool(d["unit_on_t0"])
        thermal.append({
            "name": g, "p_min_mw": d["power_output_minimum"], "p_max_mw": d["power_output_maximum"],
            "ramp_up_mw_per_h": d["ramp_up_limit"], "ramp_down_mw_per_h": d["ramp_down_limit"],
            "startup_mw": d["ramp_startup_limit"], "shutdown_mw": d["ramp_shutdown_limit"],
            "min_up_h": d["time_up_minimum"], "min_down_h": d["time_down_minimum"],
            "initial_status_h": d["time_up_t0"] if on else -d["time_down_t0"],
            "initial_p_mw": d["power_output_t0"], "must_run": int(d.get("must_run", 0)),
            "co2_t_per_mwh": 0.0, "fuel": d.get("fuel", ""),
        })
        cost += [{"name": g, "p_mw": p["mw"], "cost_per_h": p["cost"]} for p in d["piecewise_production"]]
        start += [{"name": g, "lag_h": s["lag"], "cost": s["cost"]} for s in d["startup"]]
    for g, d in data.get("renewable_generators", {}).items():
        lo, hi = d["power_output_minimum"], d["power_output_maximum"]
        ren += [{"name": g, "period": t + 1, "p_max_mw": hi[t], "p_min_mw": lo[t]} for t in range(T)]
    return DispatchProblem(
        name=name, periods=T, period_hours=1.0,
        demand=pd.DataFrame({"period": range(1, T + 1), "demand_mw": data["demand"],
                             "reserve_mw": data.get("reserves", [0.0] * T)}),
        thermal=pd.DataFrame(thermal), thermal_cost=pd.DataFrame(cost),
        thermal_startup=pd.DataFrame(start, columns=["name", "lag_h", "cost"]),
        renewables=pd.DataFrame(ren, columns=["name", "period", "p_max_mw", "p_min_mw"]),
    ).validate()
