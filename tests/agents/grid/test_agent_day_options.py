"""The grid agent's day options on 1 August, one MILP day per run: intraday recourse and banked energy."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from agents.grid.system import DATA_DIR
from simcore import World


def _run(policy: str, grid: dict[str, Any], sample: int = 500) -> dict[str, Any]:
    fleet = {"type": "ev_fleet", "size": 320_000, "sample": sample, "charging_policy": policy,
             "initial_soc_lo_pct": 80.0, "initial_soc_hi_pct": 80.0}
    if policy != "uncontrolled":
        fleet |= {"home_charger_share": 1.0, "work_charger_share_no_home": 1.0, "work_charger_share_with_home": 1.0}
    w = World.from_dict({"name": "grid_day", "seed": 3,
                         "clock": {"start": "2030-08-01", "days": 1, "tick_minutes": 15},
                         "components": {"fleet": fleet, "grid": {"type": "grid", "mip_gap": 0.01, **grid}}})
    w.run()
    day = [e.payload for e in w.trace.events if e.kind == "grid.day"]
    return w.components["grid"].summary() | {"day_events": day}


@pytest.fixture(scope="module")
def cloudy_surprise(tmp_path_factory) -> Path:
    """The Kyushu data with 1 August's actual PV cut to 40 % of the forecast day's."""
    folder = tmp_path_factory.mktemp("kyushu") / "kyushu_2030"
    shutil.copytree(DATA_DIR, folder)
    h = pd.read_csv(folder / "hourly_2030.csv")
    day = h["time"].str.startswith("2030-08-01")
    h.loc[day, "pv_actual_mw"] = (h.loc[day, "pv_actual_mw"] * 0.4).round(3)
    h.to_csv(folder / "hourly_2030.csv", index=False, float_format="%.3f")
    return folder


@pytest.mark.slow
def test_recourse_starts_quick_start_units_when_pv_falls_short_of_its_forecast(cloudy_surprise):
    fixed = _run("uncontrolled", {"system_dir": str(cloudy_surprise)})
    recourse = _run("uncontrolled", {"system_dir": str(cloudy_surprise), "intraday_recourse": True})
    assert fixed["grid.unserved_mwh"] > 1000 and fixed["grid.recourse_unit_hours"] == 0
    assert recourse["grid.recourse_unit_hours"] > 0
    assert recourse["day_events"][0]["recourse_unit_hours"] == recourse["grid.recourse_unit_hours"]
    assert recourse["grid.unserved_mwh"] < 0.8 * fixed["grid.unserved_mwh"]
    assert recourse["grid.co2_t"] > fixed["grid.co2_t"]   # the added units burn fuel


def test_banking_lets_a_sunny_day_fill_the_fleet_from_surplus_pv():
    kept = _run("smart", {})
    banked = _run("smart", {"day_end_keep_start": False, "banked_energy_value_jpy_per_mwh": 1000.0})
    assert banked["grid.ev_stored_change_mwh"] > kept["grid.ev_stored_change_mwh"] + 100
    assert banked["grid.curtailment_mwh"] < kept["grid.curtailment_mwh"]
