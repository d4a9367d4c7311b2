"""A settled day of the grid agent as plain data (``show grid``) and as problem folders to re-run.

The day's stages are the day-ahead unit commitment (the MILP), the intraday re-solve (smart / v2g)
and the settlement on actuals; the settlement is what the run's series and KPIs report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from agents.grid.agent import DayStage

ON_TOL_MW = 1e-6


def _hours(values: np.ndarray, digits: int = 1) -> list[float]:
    return [round(float(v), digits) for v in values]


def _stage_figures(stage: DayStage) -> dict[str, Any]:
    r = stage.result
    return {"status": r.status, "objective": r.objective, "co2_t": r.co2_t, "mip_gap": r.mip_gap,
            "unserved_mwh": r.unserved_mwh, "commitment": "fixed" if stage.fixed else "optimised (MILP)"}


def day_view(day: int, date: str, stages: dict[str, DayStage],
             realised_end_mwh: np.ndarray | None = None) -> dict[str, Any]:
    """The day's unit commitment and dispatch (from the settlement) and each stage's figures.

    ``commitment``: per thermal unit a 24-character string, hour 1 first, ``1`` = on; ``thermal_mw``
    only for units that ran; other rows are MW per hour (hourly periods).
    """
    settle = stages["settlement"].result
    on = settle.commitment.astype(int)
    thermal = settle.thermal_mw
    ran = [u for u in thermal.columns if float(thermal[u].abs().max()) > ON_TOL_MW]
    sysdf = settle.system
    view: dict[str, Any] = {
        "day": day, "date": date,
        "shown": "the settlement: the day dispatched on actual PV / wind with the fleet's realised load "
                 "and the commitment fixed (what the series and KPIs report)",
        "stages": {name: _stage_figures(st) for name, st in stages.items()},
        "units_on_by_hour": [int(v) for v in on.sum(axis=1)],
        "commitment": {u: "".join(str(int(v)) for v in on[u]) for u in on.columns},
        "thermal_mw": {u: _hours(thermal[u].to_numpy()) for u in ran},
        "renewable_mw": {n: _hours(settle.renewable_mw[n].to_numpy()) for n in settle.renewable_mw.columns},
        "curtailment_mw": _hours(settle.curtailment_mw.to_numpy().sum(axis=1)),
        "storage_net_discharge_mw": {n: _hours((settle.storage_discharge_mw[n] - settle.storage_charge_mw[n]).to_numpy())
                                     for n in settle.storage_charge_mw.columns},
        "demand_mw": _hours(sysdf["demand_mw"].to_numpy()),
        "unserved_mw": _hours(sysdf["unserved_mw"].to_numpy(), 3),
    }
    clusters = _cluster_view(stages, realised_end_mwh)
    if clusters:
        view["ev_clusters"] = clusters
    if "day_ahead" in stages:
        planned = stages["day_ahead"].result.commitment.astype(int)
        added = {u: int((on[u].to_numpy() - planned[u].to_numpy()).clip(min=0).sum()) for u in on.columns}
        view["started_after_day_ahead"] = {u: h for u, h in added.items() if h}
    return view


def _cluster_view(stages: dict[str, DayStage], realised_end_mwh: np.ndarray | None) -> dict[str, Any]:
    """Per EV cluster (MWh for the represented fleet): the day-end floor the plan had to keep, the
    planned day-end energy, and the energy its EVs really held at the day's end."""
    planned = stages.get("intraday", stages.get("day_ahead"))
    if planned is None or not len(planned.problem.ev_clusters):
        return {}
    ev = planned.problem.ev_clusters
    last = ev[ev["period"] == ev["period"].max()].set_index("cluster")
    plan_end = planned.result.ev_energy_mwh.iloc[-1]
    out = {}
    for j, c in enumerate(planned.result.ev_energy_mwh.columns):
        row = {"floor_end_mwh": round(float(last.loc[c, "energy_min_mwh"]), 2),
               "planned_end_mwh": round(float(plan_end[c]), 2)}
        if realised_end_mwh is not None:
            row["realised_end_mwh"] = round(float(realised_end_mwh[j]), 2)
        out[str(c)] = row
    return out


def unit_view(unit: str, day: int, date: str, stages: dict[str, DayStage]) -> dict[str, Any]:
    """One thermal unit on the settled day: on/off and MW per hour in each stage (KeyError if unknown)."""
    settle = stages["settlement"]
    units = list(settle.result.commitment.columns)
    if unit not in units:
        shown = ", ".join(units[:12]) + (f" and {len(units) - 12} more" if len(units) > 12 else "")
        raise KeyError(f"the grid has no thermal unit {unit!r}; units: {shown}")
    row = settle.problem.thermal.set_index("name").loc[unit]
    out: dict[str, Any] = {"unit": unit, "day": day, "date": date,
                           "p_min_mw": float(row["p_min_mw"]), "p_max_mw": float(row["p_max_mw"])}
    for name, st in stages.items():
        out[name] = {"on": "".join(str(int(v)) for v in st.result.commitment[unit]),
                     "mw": _hours(st.result.thermal_mw[unit].to_numpy())}
    return out


def write_stage(stage: DayStage, name: str, day: int, date: str, folder: Path) -> str:
    """Write ``stage``'s problem folder into ``folder`` (plus ``commitment.csv`` for a fixed-commitment
    stage and ``result_in_run.json``, the figures the run got); return one line on how to re-run it."""
    from agents.grid.dispatch.problem import save_problem
    from simcore.results import dump_json

    folder = Path(folder)
    save_problem(stage.problem, folder)
    r = stage.result
    dump_json({"stage": name, "day": day, "date": date, "status": r.status, "objective": r.objective,
               "co2_t": r.co2_t, "mip_gap": r.mip_gap, "unserved_mwh": r.unserved_mwh}, folder / "result_in_run.json")
    if stage.fixed:
        commitment = r.commitment.astype(int)
        frame = pd.DataFrame({"period": commitment.index.astype(int)})
        for unit in commitment.columns:
            frame[unit] = commitment[unit].to_numpy()
        frame.to_csv(folder / "commitment.csv", index=False)
        return (f"day {day} ({date}) {name} problem; re-run it with: evcycle dispatch {{out}} "
                f"--commitment {{out}}/commitment.csv")
    return f"day {day} ({date}) {name} problem (the unit-commitment MILP); re-run it with: evcycle dispatch {{out}}"
