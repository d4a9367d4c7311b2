"""The fleet's batteries: one per EV, aged daily from the fleet's own driving, charging and discharge."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from agents.fleet.batteries import BatteryOptions, FleetBatteries, SparseStressorTracker
from simcore import World
from simcore.battery import HolderKind, StressorAccumulator
from tests.agents.fleet.conftest import fleet_scenario


def battery_world(days: int = 2, size: int = 1500, **options) -> World:
    world = World.from_dict(fleet_scenario(days=days, size=size, batteries=options))
    world.run()
    return world


@pytest.fixture(scope="module")
def world() -> World:
    return battery_world(lfp_share=0.2)


def test_every_ev_carries_one_battery_held_by_it(world):
    fleet = world.components["fleet"]
    store = fleet.batteries.store
    assert len(store) == len(fleet)
    assert np.all(store.col("holder_kind") == HolderKind.VEHICLE)
    base = store.holders.id_of(HolderKind.VEHICLE, "fleet")
    assert np.array_equal(store.col("holder_id"), base + np.arange(len(fleet)))
    assert store.unaccounted() == 0
    assert world.summary()["battery.unaccounted"] == 0


def test_throughput_equals_the_fleets_energy_in_and_out(world):
    fleet = world.components["fleet"]
    t = fleet.model.totals
    hist = fleet.batteries.store.history_summary()
    assert t.unserved_kwh == 0
    assert hist["throughput_kwh"].sum() == pytest.approx(t.battery_in_kwh + t.driven_kwh, rel=1e-6)


def test_per_ev_throughput_matches_its_driving_and_energy_change(world):
    fleet = world.components["fleet"]
    m = fleet.model
    hist = fleet.batteries.store.history_summary()
    driven = m.km.astype(float) / m.pop.km_per_kwh
    charged = m.energy_kwh - m.pop.initial_energy_kwh + driven
    np.testing.assert_allclose(hist["throughput_kwh"], driven + charged, rtol=1e-5, atol=1e-6)


def test_batteries_age_once_per_simulated_day(world):
    fleet = world.components["fleet"]
    hist = fleet.batteries.store.history_summary()
    assert np.all(hist["age_days"] == world.clock.days)
    soh = fleet.batteries.store.soh()
    assert np.all(soh < fleet.batteries.store.module_values("cap0_kwh").sum(axis=1) / fleet.batteries.nominal_kwh)


def test_cell_temperature_follows_the_month(world):
    summer = world.summary()["battery.mean_cell_temp_c"]
    winter = World.from_dict({**fleet_scenario(days=2, size=300, batteries={}),
                              "clock": {"start": "2040-01-20", "days": 2, "tick_minutes": 15}})
    winter.run()
    # Tokyo normals: ~26-27 C in late July vs ~5-6 C in late January, plus the same +5 K offset
    assert summer - winter.summary()["battery.mean_cell_temp_c"] > 15


def test_lfp_share_sets_the_chemistry_mix(world):
    from simcore.battery import CHEMISTRIES

    chem = world.components["fleet"].batteries.store.col("chemistry")
    share = np.mean(chem == CHEMISTRIES.index("LFP"))
    assert 0.15 < share < 0.25


def test_inspect_a_battery_by_passport(world):
    view = world.inspect("battery:B000012")
    assert view["passport"] == "B000012"
    assert view["holder"] == "VEHICLE:fleet/12"
    assert view["history"]["age_days"] == world.clock.days


def test_inspect_battery_without_batteries_option_is_a_key_error():
    world = World.from_dict(fleet_scenario(days=1, size=50))
    with pytest.raises(KeyError):
        world.inspect("battery:B000001")


def test_same_seed_same_battery_state():
    a = battery_world(days=1, size=400).components["fleet"].batteries.store
    b = battery_world(days=1, size=400).components["fleet"].batteries.store
    assert np.array_equal(a.soh(), b.soh())
    assert np.array_equal(a.col("throughput_kwh"), b.col("throughput_kwh"))


def test_options_reject_unknown_keys_and_ambiguous_lfp():
    with pytest.raises(ValidationError):
        BatteryOptions(chemistry="NMC622", colour="red")
    with pytest.raises(ValidationError):
        BatteryOptions(chemistry="LFP", lfp_share=0.5)


def test_sparse_tracker_matches_the_dense_accumulator():
    rng = np.random.default_rng(3)
    n, T, dt = 200, 96, 0.25
    soc = rng.uniform(0.3, 0.9, n)
    dense = StressorAccumulator(n)
    sparse = SparseStressorTracker(soc, dt)
    for _ in range(T):
        new = soc.copy()
        moving = rng.random(n) < 0.2
        new[moving] = np.clip(soc[moving] + rng.normal(0, 0.05, moving.sum()), 0, 1)
        dense.add_tick(soc, new, dt, 21.0)
        ids = np.flatnonzero(new != soc)
        sparse.add_tick(ids, new[ids])
        soc = new
    d, s = dense.finish_day(), sparse.finish_day(21.0)
    for f in ("soc_mean", "dod", "efc", "c_chg"):
        np.testing.assert_allclose(getattr(s, f), getattr(d, f), rtol=1e-12, atol=1e-12, err_msg=f)
    np.testing.assert_allclose(np.broadcast_to(d.temp_c, (n,)), 21.0, atol=1e-9)
    assert s.dt_days == pytest.approx(d.dt_days)


def _synthetic(v2g: bool, options: BatteryOptions | None = None) -> FleetBatteries:
    """Two days of 4 EVs at 1-h ticks: driving, charging, and (optionally) discharge to the grid."""
    n, T = 4, 24
    kwh = np.full(n, 40.0)
    energy = np.full(n, 30.0)
    km = np.zeros(n)
    fb = FleetBatteries(options or BatteryOptions(), kwh, np.full(n, 7.0), energy, km, tick_h=1.0, ticks_per_day=T,
                        first_day_of_year=200, rng=np.random.default_rng(1))
    for tick in range(2 * T):
        power = np.zeros(n, dtype=np.float32)
        h = tick % T
        if h == 8:  # everyone drives 70 km
            energy = energy - 10.0
            km = km + 70.0
        elif 18 <= h < 22:  # charging back
            energy = energy + 2.5
            power[:] = 2.5 / 0.9
        if v2g and h in (22, 23):  # EVs 0 and 1 discharge 4 kWh/h to the grid, recharged next morning
            energy = energy.copy()
            energy[:2] -= 4.0
            power[:2] = -4.0
        if v2g and h in (2, 3) and tick >= T:
            energy = energy.copy()
            energy[:2] += 4.0
            power[:2] = 4.0 / 0.9
        fb.after_tick(tick, energy, power, km)
    return fb


def test_v2g_discharge_is_counted_and_costs_capacity():
    with_v2g, without = _synthetic(True), _synthetic(False)
    h = with_v2g.store.history_summary()
    # two days of 8 kWh discharge for EVs 0 and 1, counted as discharge + recharge
    np.testing.assert_allclose(h["v2g_throughput_kwh"], [32.0, 32.0, 0.0, 0.0])
    assert np.all(with_v2g.v2g_extra_loss[:2] > 0) and np.all(with_v2g.v2g_extra_loss[2:] == 0)
    s = with_v2g.summary()
    assert s["battery.v2g_extra_loss_pct_per_ev_year"] > 0
    assert s["battery.v2g_extra_loss_pct_per_v2g_ev_year"] == pytest.approx(2 * s["battery.v2g_extra_loss_pct_per_ev_year"])
    assert "battery.v2g_extra_loss_pct_per_ev_year" not in without.summary()
    # the V2G EVs really aged more than the same EVs without discharge
    assert np.all(with_v2g.store.soh()[:2] < without.store.soh()[:2])


def test_fleet_v2g_discharge_reaches_the_batteries():
    """With the fleet's v2g policy and a controller that discharges in the evening, the batteries see the
    discharge: throughput = charge + driving + battery-side discharge, and V2G costs capacity."""
    world = World.from_dict(fleet_scenario(days=2, size=600, charging_policy="v2g", batteries={}))
    fleet = world.components["fleet"]
    m = fleet.model
    evening = lambda tick: np.full(m.n, -6.0 if 17 <= (tick % m.T) * m.dt < 21 else 6.0)  # noqa: E731
    m.controller = evening
    world.run()
    t = m.totals
    assert t.battery_out_kwh > 0
    hist = fleet.batteries.store.history_summary()
    assert hist["throughput_kwh"].sum() == pytest.approx(t.battery_in_kwh + t.driven_kwh + t.battery_out_kwh, rel=1e-6)
    assert hist["v2g_throughput_kwh"].sum() == pytest.approx(2 * t.battery_out_kwh, rel=1e-9)
    s = world.summary()
    assert s["battery.v2g_extra_loss_pct_per_ev_year"] > 0


def test_pre_aged_packs_start_older_and_pay_less_per_v2g_cycle():
    new = _synthetic(True)
    old = _synthetic(True, BatteryOptions(initial_age_y=8.0))
    h = old.store.history_summary()
    assert np.allclose(h["age_days"], 8.0 * 365.25 + 2)
    assert np.all(old.store.soh() < new.store.soh() - 0.03)
    # square-root laws: a cycle costs less on a used pack than on a new one
    assert np.all(old.v2g_extra_loss[:2] < new.v2g_extra_loss[:2])
    # run KPIs exclude the pre-ageing
    assert old.summary()["battery.efc_per_ev_day"] == pytest.approx(new.summary()["battery.efc_per_ev_day"])
