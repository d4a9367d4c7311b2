"""Charging behaviour on hand-made day plans: policies, plug-in decisions, public fast charging."""

import numpy as np
import pytest

from agents.fleet.chains import DayPlan
from agents.fleet.tables import DRIVING, HOME, OTHER, WORK
from tests.agents.fleet.conftest import make_model

T = 96


def _one_trip_plan(n, dep, arr, dest, km):
    """Every EV makes the same legs: lists of (dep tick, arr tick, destination, km)."""
    plan = DayPlan.empty(n)
    for k, (d, a, to, dist) in enumerate(zip(dep, arr, dest, km)):
        plan.dep[:, k], plan.arr[:, k], plan.dest[:, k], plan.dist_km[:, k] = d, a, to, dist
    plan.n_legs[:] = len(dep)
    return plan


def _setup(model, plan, soc=None):
    model.start_day(0)
    model.use_plan(plan, DayPlan.empty(model.n))
    if soc is not None:
        model.energy_kwh[:] = soc * model.pop.battery_kwh


def _run(model, ticks):
    return np.array([model.step(t).power_kw.copy() for t in range(ticks)])


def test_uncontrolled_charging_starts_on_arrival_at_home():
    m = make_model(n=200, home_charger_share=1.0, commuter_share=0.0)
    _setup(m, _one_trip_plan(200, [60, 70], [61, 72], [OTHER, HOME], [5.0, 5.0]), soc=0.15)
    power = _run(m, 73)
    assert power[:72, HOME].sum() == 0
    assert m.plugged.sum() > 150  # most plug in at low SOC
    assert power[72, HOME] == pytest.approx(6.0 * m.plugged.sum())  # each at the full 6 kW


def test_charging_stops_at_the_target_soc():
    m = make_model(n=50, home_charger_share=1.0, charge_target_soc_pct=80.0)
    _setup(m, _one_trip_plan(50, [40], [41], [HOME], [1.0]), soc=0.15)
    _run(m, 2 * T)
    assert m.n_plugins.sum() > 40
    assert np.allclose(m.soc()[m.n_plugins > 0], 0.8)
    assert np.all(m.power_kw == 0)


def test_night_tariff_holds_home_charging_until_the_window_opens():
    m = make_model(n=200, home_charger_share=1.0, charging_policy="night_tariff")
    _setup(m, _one_trip_plan(200, [60, 70], [61, 72], [OTHER, HOME], [1.0, 1.0]), soc=0.3)
    power = _run(m, T)
    assert power[72:92, HOME].sum() == 0
    assert power[92, HOME] > 0  # 23:00


def test_night_tariff_random_offset_spreads_starts_within_the_offset():
    m = make_model(n=2000, home_charger_share=1.0, charging_policy="night_tariff", night_offset_max_min=60)
    _setup(m, _one_trip_plan(2000, [60, 70], [61, 72], [OTHER, HOME], [1.0, 1.0]), soc=0.3)
    _run(m, 80)
    waiting = m.plugged & m.tariff_bound
    starts = m.start_tick[waiting]
    assert starts.min() == 92 and starts.max() == 95  # 23:00 .. 23:45
    assert len(np.unique(starts)) == 4


def test_night_tariff_charging_stops_when_the_window_closes():
    m = make_model(n=20, home_charger_share=1.0, charging_policy="night_tariff", home_charger_kw=1.0,
                   vehicle_models_file=_big_battery_table())
    _setup(m, _one_trip_plan(20, [60, 70], [61, 72], [OTHER, HOME], [1.0, 1.0]), soc=0.3)
    power = _run(m, 2 * T)
    assert power[T + 27, HOME] > 0 and power[T + 28, HOME] == 0  # 06:45 charging, 07:00 stopped


def _big_battery_table():
    import tempfile
    from pathlib import Path

    f = Path(tempfile.mkdtemp()) / "big.csv"
    f.write_text("model,battery_kwh,km_per_kwh,share\nbig,100,7,1.0\n")
    return str(f)


def test_a_driver_who_cannot_reach_the_next_trip_charges_at_once_even_under_the_tariff():
    m = make_model(n=100, home_charger_share=1.0, charging_policy="night_tariff")
    # home at 12:00, then a 100 km trip at 16:00: not enough energy at 5 % SOC
    _setup(m, _one_trip_plan(100, [40, 46, 64], [42, 48, 70], [OTHER, HOME, OTHER], [1.0, 1.0, 100.0]), soc=0.2)
    power = _run(m, 60)
    assert power[48, HOME] > 0


def test_no_home_charger_means_no_home_charging():
    m = make_model(n=300, home_charger_share=0.0, public_charger_share=0.0)
    _setup(m, _one_trip_plan(300, [60, 70], [61, 72], [OTHER, HOME], [1.0, 1.0]), soc=0.2)
    power = _run(m, T)
    assert power[:, HOME].sum() == 0 and not m.plugged.any()


def test_commuters_with_a_workplace_charger_charge_at_work():
    m = make_model(n=300, commuter_share=1.0, home_charger_share=0.0, work_charger_share_no_home=1.0)
    _setup(m, _one_trip_plan(300, [32, 70], [34, 72], [WORK, HOME], [10.0, 10.0]), soc=0.2)
    power = _run(m, T)
    assert power[34:70, WORK].sum() > 0 and power[:, HOME].sum() == 0


def test_plugin_is_less_likely_at_high_soc():
    counts = []
    for soc in (0.2, 0.9):
        m = make_model(n=4000, home_charger_share=1.0, charge_target_soc_pct=100.0)
        _setup(m, _one_trip_plan(4000, [60, 70], [61, 72], [OTHER, HOME], [0.5, 0.5]), soc=soc)
        _run(m, 73)
        counts.append(m.n_plugins.sum())
    assert counts[0] > 3 * counts[1]


def test_next_trip_model_plugs_more_before_a_long_trip():
    counts = []
    for km in (2.0, 70.0):
        m = make_model(n=4000, home_charger_share=1.0, plugin_model="soc_next_trip")
        plan = _one_trip_plan(4000, [60, 70], [61, 72], [OTHER, HOME], [0.5, 0.5])
        m.start_day(0)
        m.use_plan(plan, _one_trip_plan(4000, [30], [33], [OTHER], [km]))
        m.energy_kwh[:] = 0.85 * m.pop.battery_kwh
        _run(m, 73)
        counts.append(m.n_plugins.sum())
    assert counts[1] > 1.3 * counts[0]


def test_trip_out_of_reach_triggers_a_counted_public_fast_charge():
    m = make_model(n=100, home_charger_share=0.0, public_charger_share=0.0, charger_efficiency_pct=80.0)
    _setup(m, _one_trip_plan(100, [40, 60], [44, 64], [OTHER, HOME], [60.0, 60.0]), soc=0.1)
    grid0 = m.totals.grid_kwh
    power = _run(m, T)
    assert m.totals.fast_charges >= 100 and np.all(m.n_fast >= 1)
    assert power[40, OTHER] > 0
    assert m.totals.battery_in_kwh == pytest.approx(0.8 * (m.totals.grid_kwh - grid0) + 0.8 * grid0)
    assert m.totals.unserved_kwh == 0.0


def test_driving_evs_are_unplugged_and_draw_nothing():
    m = make_model(n=100, home_charger_share=1.0)
    _setup(m, _one_trip_plan(100, [40, 60], [50, 64], [OTHER, HOME], [20.0, 20.0]), soc=0.2)
    _run(m, 45)
    assert np.all(m.loc == DRIVING) and not m.plugged.any() and np.all(m.power_kw == 0)


def test_trip_energy_is_distance_over_efficiency():
    m = make_model(n=10, home_charger_share=0.0, public_charger_share=0.0)
    _setup(m, _one_trip_plan(10, [40], [44], [OTHER], [14.0]), soc=0.9)
    before = m.energy_kwh.copy()
    _run(m, 41)
    assert np.allclose(before - m.energy_kwh, 14.0 / m.pop.km_per_kwh)


def test_night_tariff_charges_at_once_when_arriving_inside_the_window():
    m = make_model(n=200, home_charger_share=1.0, charging_policy="night_tariff")
    _setup(m, _one_trip_plan(200, [88, 92], [90, 93], [OTHER, HOME], [1.0, 1.0]), soc=0.3)  # home 23:15
    power = _run(m, T)
    assert power[93, HOME] > 0


def test_a_driver_needing_charge_for_tomorrow_waits_for_the_window_when_it_delivers_in_time():
    m = make_model(n=100, home_charger_share=1.0, charging_policy="night_tariff", public_charger_share=0.0)
    m.start_day(0)
    m.use_plan(_one_trip_plan(100, [60, 70], [61, 72], [OTHER, HOME], [1.0, 1.0]),
               _one_trip_plan(100, [32], [36], [OTHER], [100.0]))  # 100 km at 08:00 tomorrow
    m.energy_kwh[:] = 0.2 * m.pop.battery_kwh
    power = _run(m, T)
    assert m.plugged.all()  # all forced to plug in: 100 km is out of reach at 20 % SOC
    assert power[72:92, HOME].sum() == 0 and power[92, HOME] > 0


def test_night_window_wraps_midnight():
    from agents.fleet.model import night_window

    mask, left, opens = night_window(24, 1.0, 23.0, 7.0)
    assert mask.tolist() == [True] * 7 + [False] * 16 + [True]
    assert opens == 23 and left[23] == 8 and left[0] == 7 and left[6] == 1 and left[7] == 0
