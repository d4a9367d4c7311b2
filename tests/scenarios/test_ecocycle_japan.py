"""scenarios/ecocycle_japan.yaml: the cohort sold 2012-2030 through collection, 4R, second life and
recycling to 2050 (the ``small`` variant: 5,000 EVs)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import agents.builtin_components  # noqa: F401
from facilities.routes import ROUTE_NAMES
from simcore.runner import run_scenario
from simcore.scenario.loader import load_scenario

pytestmark = pytest.mark.slow

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "ecocycle_japan.yaml"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("ecocycle") / "small"
    run_scenario(load_scenario(SCENARIO, variant="small"), out=out)
    return {"out": out, "summary": json.loads((out / "summary.json").read_text())}


def test_the_summary_carries_the_4r_keys(small):
    s = small["summary"]
    for key in ("fourr.received", "fourr.rejected_at_inspection", "fourr.misrouted_to_reuse",
                "fourr.misrouted_to_recycling", "fourr.misrouted_to_reuse_cost_mjpy",
                "fourr.misrouted_to_recycling_cost_mjpy", "fourr.station.grading.utilisation",
                "fourr.station.grading.mean_wait_h", "materials.recovery.li", "materials.recovery.ni",
                "materials.recovery.co", "co2.reuse_saving_share", "co2.direct_vs_conventional_cathode"):
        assert key in s, key
    for route in ROUTE_NAMES.values():
        assert f"fourr.routed.{route}" in s
    for app in ("ess", "backup", "agv", "street_light"):
        assert s[f"fourr.orders.{app}.met"] + s[f"fourr.orders.{app}.unmet"] <= s[f"fourr.orders.{app}.placed"]


def test_nothing_is_lost_and_the_mass_balances(small):
    s = small["summary"]
    assert s["battery.unaccounted"] == 0 and s["module.unaccounted"] == 0
    assert s["materials.mass_balance_rel_error"] < 1e-9
    assert s["fourr.received"] > 0 and s["fourr.graded"] > 0 and s["recycling.packs_dismantled"] > 0


def test_reference_basis_kpis_come_out_of_the_sourced_inputs(small):
    s = small["summary"]
    # reference 002: a reused pack saves 93 % of manufacturing CO2; the sourced process inventory gives more
    # (docs/fourr.md, Reference-basis KPIs); direct-recycled cathode well below the conventional one
    assert 0.9 < s["co2.reuse_saving_share"] < 1.0
    assert -0.9 < s["co2.direct_vs_conventional_cathode"] < -0.4
    assert 0.85 <= s["materials.recovery.li"] <= 0.95


def test_yearly_recovery_sits_next_to_the_targets_in_force(small):
    table = pd.read_parquet(small["out"] / "fourr_recovery_vs_targets_yearly.parquet")
    li = table[table["element"] == "li"].set_index("year")
    assert li.loc[li.index < 2028, "target_eu"].isna().all()
    assert (li.loc[(li.index >= 2028) & (li.index < 2032), "target_eu"] == 0.50).all()
    assert (li.loc[li.index >= 2032, "target_eu"] == 0.80).all()
    assert (li.loc[li.index >= 2031, "target_nedo"] == 0.70).all()


def test_recycle_only_puts_nothing_back_to_use(tmp_path):
    out = tmp_path / "recycle_only"
    run_scenario(load_scenario(SCENARIO, variant="small", overrides={"plant.usable_routes": [],
                                                                    "cohort.pack_supplier": None,
                                                                    "clock.days": 8036}), out=out)
    s = json.loads((out / "summary.json").read_text())
    assert s["fourr.repurposed"] == 0 and s["fourr.reused"] == 0 and s["fourr.routed.reuse"] == 0
    assert s["fourr.routed.recycle"] == s["fourr.graded"] > 0
