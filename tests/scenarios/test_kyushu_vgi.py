"""The Kyushu 2030 VGI scenario on 1 August (peak day, sunny), one day per variant, a small sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simcore import World

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "kyushu_2030_vgi.yaml"
VARIANTS = ("uncontrolled", "smart", "v2g")
GAP = 0.005   # the scenario's day-ahead MIP gap: CO2 comparisons allow it


@pytest.fixture(scope="module")
def runs() -> dict[str, World]:
    out = {}
    for v in VARIANTS:
        w = World.from_scenario(SCENARIO, variant=v, overrides={"clock.start": "2030-08-01", "clock.days": 1,
                                                                "fleet.sample": 3000})
        w.run()
        out[v] = w
    return out


def hourly(w: World) -> pd.DataFrame:
    d = w.timeseries().drop(columns="time")
    return d.groupby(np.arange(len(d)) // 4).mean()


@pytest.mark.parametrize("variant", VARIANTS)
def test_energy_balances_in_every_hour(runs, variant):
    h = hourly(runs[variant])
    supply = (h["grid.thermal_mw"] + h["grid.renewable_mw"] + h["grid.storage_discharge_mw"] + h["ev.discharge_mw"]
              + h["grid.unserved_mw"] - h["grid.overgeneration_mw"])
    use = h["grid.demand_mw"] + h["ev.demand_mw"] + h["grid.storage_charge_mw"]
    assert len(h) == 24
    assert np.allclose(supply, use, atol=1e-3)


@pytest.mark.parametrize("variant", VARIANTS)
def test_summary_has_the_grid_and_ev_kpis(runs, variant):
    s = runs[variant].summary()
    for k in ("grid.co2_t", "grid.cost_jpy", "grid.curtailment_mwh", "grid.unserved_mwh",
              "grid.reserve_shortfall_mwh", "ev.count", "ev.energy_mwh"):
        assert k in s.index
    assert s["ev.count"] == 320_000 and s["grid.co2_t"] > 0 and s["grid.unserved_mwh"] == 0


def _share(h: pd.DataFrame, col: str, hours: slice) -> float:
    return float(h[col].iloc[hours].sum() / h[col].sum())


def test_smart_moves_charging_from_the_evening_into_midday_pv(runs):
    u, s = hourly(runs["uncontrolled"]), hourly(runs["smart"])
    assert _share(u, "ev.demand_mw", slice(18, 24)) > 0.4           # uncontrolled: after coming home
    assert _share(s, "ev.demand_mw", slice(9, 16)) > 0.7            # smart: in the PV hours
    assert _share(s, "ev.demand_mw", slice(18, 24)) < _share(u, "ev.demand_mw", slice(18, 24)) / 3
    assert s["ev.discharge_mw"].sum() == 0


def test_v2g_charges_at_midday_and_discharges_in_the_evening(runs):
    h = hourly(runs["v2g"])
    assert h["ev.discharge_mw"].sum() > 0
    assert _share(h, "ev.discharge_mw", slice(16, 24)) > 0.5      # mostly the evening ramp and peak
    assert 17 <= int(h["ev.discharge_mw"].idxmax()) <= 22
    assert _share(h, "ev.demand_mw", slice(9, 16)) > 0.6


def test_co2_falls_from_uncontrolled_to_smart_to_v2g(runs):
    co2 = {v: runs[v].summary()["grid.co2_t"] for v in VARIANTS}
    assert co2["smart"] <= co2["uncontrolled"] * (1 + GAP)
    assert co2["v2g"] <= co2["smart"] * (1 + GAP)


@pytest.mark.parametrize("variant", ("smart", "v2g"))
def test_allocation_leaves_every_ev_able_to_make_its_trips(runs, variant):
    m = runs[variant].components["fleet"].model
    assert m.totals.unserved_kwh == 0.0
    assert m.totals.fast_charges == 0      # nobody had to stop for a public charge
    assert (m.energy_kwh >= m.reserve_kwh - 1e-6).all()


def test_pricing_battery_wear_cuts_v2g_discharge(runs):
    w = World.from_scenario(SCENARIO, variant="v2g_wear", overrides={"clock.start": "2030-08-01", "clock.days": 1,
                                                                     "fleet.sample": 3000})
    w.run()
    worn, free = w.summary(), runs["v2g"].summary()
    assert worn["grid.ev_discharge_mwh"] < 0.8 * free["grid.ev_discharge_mwh"]
    price = w.components["grid"].params.v2g_wear_cost_jpy_per_mwh
    assert price > 0
    assert worn["grid.ev_wear_cost_jpy"] == pytest.approx(worn["grid.ev_discharge_mwh"] * price)
    assert free["grid.ev_wear_cost_jpy"] == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("variant", ("uncontrolled", "v2g"))
def test_day_ahead_solved_at_noon_the_day_before_still_balances_every_hour(variant):
    w = World.from_scenario(SCENARIO, variant=variant, overrides={
        "clock.start": "2030-08-01", "clock.days": 2, "fleet.sample": 1000, "grid.day_ahead_hour": 12})
    w.run()
    ahead = [(e.time_h, e.payload["for_day"]) for e in w.trace.events if e.kind == "grid.day_ahead"]
    assert ahead == [(12.0, 1)]                 # day 2's UC at 12:00 of day 1; day 1 itself at its 00:00
    h = hourly(w)
    supply = (h["grid.thermal_mw"] + h["grid.renewable_mw"] + h["grid.storage_discharge_mw"] + h["ev.discharge_mw"]
              + h["grid.unserved_mw"] - h["grid.overgeneration_mw"])
    assert len(h) == 48 and np.allclose(supply, h["grid.demand_mw"] + h["ev.demand_mw"] + h["grid.storage_charge_mw"],
                                        atol=1e-3)
    assert w.summary()["grid.unserved_mwh"] == 0
    assert w.components["fleet"].model.totals.unserved_kwh == 0.0


@pytest.mark.parametrize("variant", ("smart", "v2g"))
def test_ev_clusters_holding_lfc_reserve_are_credited_and_still_balance_every_hour(runs, variant):
    w = World.from_scenario(SCENARIO, variant=variant, overrides={
        "clock.start": "2030-08-01", "clock.days": 1, "fleet.sample": 3000, "grid.ev_reserve": True})
    w.run()
    s, base = w.summary(), runs[variant].summary()
    assert s["grid.ev_reserve_mwh"] > 0 and base["grid.ev_reserve_mwh"] == 0
    assert s["grid.reserve_shortfall_mwh"] <= base["grid.reserve_shortfall_mwh"] + 1e-6
    h = hourly(w)
    supply = (h["grid.thermal_mw"] + h["grid.renewable_mw"] + h["grid.storage_discharge_mw"] + h["ev.discharge_mw"]
              + h["grid.unserved_mw"] - h["grid.overgeneration_mw"])
    assert np.allclose(supply, h["grid.demand_mw"] + h["ev.demand_mw"] + h["grid.storage_charge_mw"], atol=1e-3)
    assert w.components["fleet"].model.totals.unserved_kwh == 0.0


def test_stage_times_per_day_add_up_to_the_totals(runs):
    g = runs["v2g"].components["grid"]
    assert len(g.day_timing) == 1
    for stage in ("day_ahead_s", "intraday_s", "settlement_s"):
        assert g.day_timing[0][stage] == pytest.approx(g.timing[stage]) and g.timing[stage] > 0


def test_grid_day_events_report_both_stages(runs):
    ev = [e for e in runs["v2g"].trace.events if e.kind == "grid.day"]
    assert len(ev) == 1 and {"day_ahead_co2_t", "intraday_co2_t", "co2_t"} <= set(ev[0].payload)


def test_a_rerun_with_the_same_seed_is_identical(runs):
    again = World.from_scenario(SCENARIO, variant="v2g", overrides={"clock.start": "2030-08-01", "clock.days": 1,
                                                                    "fleet.sample": 3000})
    again.run()
    pd.testing.assert_frame_equal(again.timeseries(), runs["v2g"].timeseries())


@pytest.mark.slow
def test_the_v2g_week_of_1_august_runs_from_the_command_line(tmp_path):
    import json

    from simcore.cli import main
    out = tmp_path / "v2g_week"
    assert main(["run", str(SCENARIO), "--variant", "v2g", "--set", "clock.start=2030-08-01",
                 "--set", "clock.days=7", "--out", str(out)]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert s["grid.unserved_mwh"] == 0 and s["grid.ev_discharge_mwh"] > 0
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert len(ts) == 7 * 96 and {"grid.thermal_mw", "ev.discharge_mw"} <= set(ts.columns)
