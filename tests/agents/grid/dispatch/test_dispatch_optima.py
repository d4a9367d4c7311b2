"""Exact optima of small problems derived by hand (costs in currency units, 1 h periods)."""

from __future__ import annotations

import numpy as np
import pytest

from agents.grid.dispatch import solve
from tests.agents.grid.dispatch.dispatch_testkit import check_balance, problem, unit


def approx(x):
    return pytest.approx(x, rel=1e-7, abs=1e-6)


def test_merit_order_fills_cheapest_unit_first():
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50),
                 unit("B", 0, 100, marginal=20, status=10, p0=50)], demand=[150])
    r = solve(p, gap=0)
    assert r.objective == approx(100 * 10 + 50 * 20)
    assert r.thermal_mw.loc[1, "A"] == approx(100)
    assert r.thermal_mw.loc[1, "B"] == approx(50)


@pytest.mark.parametrize("demand, expected, on_unit", [(20, 500 + 10 * 10, "A"), (5, 5 * 40, "B")])
def test_no_load_cost_and_p_min_decide_commitment(demand, expected, on_unit):
    # A: no-load 500 + 10/MWh above p_min 10; B: 40/MWh from 0. At 20 MW A is cheaper (600 < 800);
    # at 5 MW A would over-generate above p_min, so B runs.
    p = problem([unit("A", 10, 100, marginal=10, no_load=500),
                 unit("B", 0, 100, marginal=40)], demand=[demand])
    r = solve(p, gap=0)
    assert r.objective == approx(expected)
    assert r.commitment.loc[1, on_unit] == 1
    assert r.overgeneration_mwh == approx(0)


@pytest.mark.parametrize("min_up, expected, b_on", [(3, 5500, [0, 1, 1]), (1, 4500, [0, 1, 0])])
def test_min_up_time_keeps_a_started_unit_on(min_up, expected, b_on):
    # Peak in period 2 needs B (p_min 50, no-load 1500). With a 3 h minimum up time B stays on in
    # period 3 at p_min: 1000 + (1000 + 1500) + (500 + 1500) = 5500; otherwise 1000 + 2500 + 1000.
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=100),
                 unit("B", 50, 100, marginal=30, no_load=1500, min_up=min_up, status=-5)],
                demand=[100, 150, 100])
    r = solve(p, gap=0)
    assert r.objective == approx(expected)
    assert r.commitment["B"].tolist() == b_on


def test_min_down_time_with_initial_status_blocks_early_start():
    # B has been off 1 h of a 3 h minimum down time: it can start in period 3 at the earliest.
    p = problem([unit("A", 0, 100, marginal=50, status=10, p0=50),
                 unit("B", 0, 100, marginal=10, min_down=3, status=-1)], demand=[50, 50, 50])
    r = solve(p, gap=0)
    assert r.commitment["B"].tolist() == [0, 0, 1]
    assert r.objective == approx(2500 + 2500 + 500)


@pytest.mark.parametrize("hours_off, start_cost", [(2, 0.0), (3, 100.0), (4, 500.0), (10, 500.0)])
def test_startup_cost_category_counts_hours_off_before_period_one(hours_off, start_cost):
    # categories: lag 2 h -> 0, lag 3 h -> 100, lag 4 h -> 500; a start after h hours off costs the
    # category with the largest lag <= h (hours off before period 1 count).
    p = problem([unit("B", 0, 100, marginal=10, min_down=2, status=-hours_off)], demand=[50],
                startups=[("B", 2, 0.0), ("B", 3, 100.0), ("B", 4, 500.0)])
    r = solve(p, gap=0)
    assert r.costs["startup"] == approx(start_cost)
    assert r.objective == approx(500 + start_cost)


@pytest.mark.parametrize("cold_lag, expected_start", [(3, 500.0), (4, 100.0)])
def test_startup_cost_lag_counts_off_periods_inside_horizon(cold_lag, expected_start):
    # B (p_min 50) must stop in periods 2-4 (demand 10 < p_min) and restarts in period 5 after 3 h off.
    p = problem([unit("A", 0, 100, marginal=100, status=10, p0=10),
                 unit("B", 50, 100, [(50, 500), (100, 1000)], status=5, p0=50)],
                demand=[50, 10, 10, 10, 50], startups=[("B", 1, 100.0), ("B", cold_lag, 500.0)])
    r = solve(p, gap=0)
    assert r.commitment["B"].tolist() == [1, 0, 0, 0, 1]
    assert r.costs["startup"] == approx(expected_start)
    assert r.objective == approx(500 + 3 * 1000 + 500 + expected_start)


@pytest.mark.parametrize("ramp, shortfall", [(50, 30), (100, 0)])
def test_spinning_reserve_counts_only_within_ramp_limit(ramp, shortfall):
    # A runs at 100 MW from 100 MW before period 1: it can reach 100 + ramp, so it holds min(ramp, 100)
    # of reserve; the rest of the 80 MW requirement is short at 1000 per MWh.
    p = problem([unit("A", 0, 200, marginal=10, status=10, p0=100, ramp=ramp)], demand=[100], reserve=[80])
    r = solve(p, gap=0)
    assert r.system.loc[1, "reserve_shortfall_mw"] == approx(shortfall)
    held = r.thermal_reserve_mw.loc[1, "A"]
    assert held <= min(ramp, 100) + 1e-6                     # never more than the headroom within the ramp
    assert held + shortfall >= 80 - 1e-6                     # the requirement is met or its gap reported
    assert r.objective == approx(1000 + shortfall * 1000)


def test_ramp_up_limit_calls_in_a_second_unit():
    p = problem([unit("A", 0, 200, marginal=10, status=10, p0=100, ramp=30),
                 unit("B", 0, 200, marginal=50, status=10, p0=0)], demand=[200])
    r = solve(p, gap=0)
    assert r.thermal_mw.loc[1, "A"] == approx(130)
    assert r.objective == approx(130 * 10 + 70 * 50)


def test_startup_capacity_limits_output_in_start_period():
    # B starts in period 1 and may produce at most 40 MW then (cost 10/MWh above p_min 20).
    p = problem([unit("A", 0, 100, marginal=50, status=10, p0=50),
                 unit("B", 20, 100, marginal=10, su=40)], demand=[80, 80])
    r = solve(p, gap=0)
    assert r.thermal_mw["B"].tolist() == approx([40, 80])
    assert r.objective == approx((200 + 40 * 50) + 600)


@pytest.mark.parametrize("sd, expected", [(50, 20 * 10_000), (100, 0)])
def test_shutdown_capacity_from_initial_output(sd, expected):
    # A ran at 100 MW before period 1; it can stop in period 1 only if 100 <= its shut-down capacity,
    # else it must run at p_min 20 against zero demand (over-generation penalised).
    p = problem([unit("A", 20, 100, marginal=10, status=10, p0=100, sd=sd)], demand=[0])
    r = solve(p, gap=0)
    assert r.objective == approx(expected)


@pytest.mark.parametrize("price, expected, co2", [(15, 2000, 0), (5, 1000 + 500, 100)])
def test_carbon_price_enters_the_merit_order(price, expected, co2):
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50, co2=1.0),
                 unit("B", 0, 100, marginal=20, status=10, p0=50)], demand=[100], carbon_price_per_t=price)
    r = solve(p, gap=0)
    assert r.objective == approx(expected)
    assert r.co2_t == approx(co2)
    assert r.costs["carbon"] == approx(price * co2)


def _reserve_store(reserve_max: float | None, e0: float = 100.0, final: float | None = None) -> dict:
    """A lossless store that must end with ``final`` (default: its initial energy, so it stays idle)."""
    row = {"name": "PH", "p_charge_max_mw": 40, "p_discharge_max_mw": 50, "energy_max_mwh": 200,
           "energy_min_mwh": 0, "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": e0,
           "energy_final_mwh": e0 if final is None else final}
    if reserve_max is not None:
        row["reserve_max_mw"] = reserve_max
    return row


@pytest.mark.parametrize("reserve_max, e0, held", [
    (None, 100, 0),     # column absent: storage holds no reserve (the model before the option)
    (0, 100, 0),
    (30, 100, 30),      # its own cap
    (60, 100, 50),      # the turbine headroom: 50 MW idle
    (60, 20, 20),       # the energy for one hour at full reserve
])
def test_storage_reserve_within_cap_headroom_and_energy(reserve_max, e0, held):
    # A runs flat out at 100 MW (no headroom); the 80 MW requirement is met by storage or reported short.
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=100)], demand=[100], reserve=[80],
                storage=[_reserve_store(reserve_max, e0)])
    r = solve(p, gap=0)
    assert r.system.loc[1, "reserve_shortfall_mw"] == approx(80 - held)
    assert r.system.loc[1, "reserve_mw"] == approx(held)       # all it can hold is needed, so all is held
    assert r.objective == approx(100 * 10 + (80 - held) * 1000)


@pytest.mark.parametrize("hours, held", [(1, 50), (2, 40), (4, 20)])
def test_storage_reserve_is_backed_for_its_duration(hours, held):
    # 80 MWh stored: a reserve that must last `hours` can be at most 80 / hours (and the 50 MW headroom)
    row = _reserve_store(60, e0=80) | {"reserve_duration_h": hours}
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=100)], demand=[100], reserve=[80], storage=[row])
    r = solve(p, gap=0)
    assert r.storage_reserve_mw.loc[1, "PH"] == approx(held)
    assert r.system.loc[1, "reserve_shortfall_mw"] == approx(80 - held)


def test_storage_reserve_counts_pumping_it_could_stop():
    # 140 MW of must-take output against 100 MW of demand: PH pumps the 40 MW surplus, so its headroom
    # is 50 (turbine) + 40 (pumping) = 90 MW and the 80 MW requirement is met without any thermal unit.
    p = problem([unit("A", 50, 100, marginal=10, status=-10)], demand=[100], reserve=[80],
                renewables=[{"name": "run_of_river", "period": 1, "p_max_mw": 140, "p_min_mw": 140}],
                storage=[_reserve_store(100, final=0)])
    r = solve(p, gap=0)
    assert r.commitment.loc[1, "A"] == 0
    assert r.storage_charge_mw.loc[1, "PH"] == approx(40)
    assert 80 - 1e-6 <= r.storage_reserve_mw.loc[1, "PH"] <= 90 + 1e-6   # may hold more than needed, never beyond headroom
    assert r.system.loc[1, "reserve_shortfall_mw"] == approx(0)
    check_balance(r, p)


def test_pumped_storage_arbitrage():
    # charge 50 MW at 10/MWh in period 1 (80 % efficient), return 40 MW in period 2 instead of 50/MWh.
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50), unit("B", 0, 200, marginal=50, status=10, p0=0)],
                demand=[50, 150],
                storage=[{"name": "PH", "p_charge_max_mw": 50, "p_discharge_max_mw": 50, "energy_max_mwh": 100,
                          "energy_min_mwh": 0, "eff_charge": 0.8, "eff_discharge": 1.0,
                          "energy_initial_mwh": 0, "energy_final_mwh": 0}])
    r = solve(p, gap=0)
    assert r.objective == approx(1000 + 1000 + 10 * 50)
    assert r.storage_energy_mwh["PH"].tolist() == approx([40, 0])
    check_balance(r, p)


def _ev_rows(charge, discharge, emin, emax, drive):
    return [{"cluster": "home", "period": t + 1, "p_charge_max_mw": charge[t], "p_discharge_max_mw": discharge[t],
             "energy_min_mwh": emin[t], "energy_max_mwh": emax[t], "energy_drive_mwh": drive[t]}
            for t in range(len(charge))]


def _two_units():
    return [unit("A", 0, 100, marginal=10, status=10, p0=50), unit("B", 0, 100, marginal=50, status=10, p0=0)]


@pytest.mark.parametrize("charge_t1, expected", [(50, 900 + 1000), (0, 500 + 1000 + 40 * 50)])
def test_ev_cluster_shifts_charging_to_the_cheap_period(charge_t1, expected):
    # the cluster needs 40 MWh by the end of period 2; period 1 has 50 MW of cheap spare capacity.
    p = problem(_two_units(), demand=[50, 100],
                ev=_ev_rows([charge_t1, 50], [0, 0], [0, 40], [100, 100], [0, 0]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 0}])
    r = solve(p, gap=0)
    assert r.objective == approx(expected)
    assert r.ev_energy_mwh["home"].iloc[-1] == approx(40)
    check_balance(r, p)


def test_ev_drive_energy_is_recharged_where_cheapest():
    p = problem(_two_units(), demand=[50, 100],
                ev=_ev_rows([50, 50], [0, 0], [0, 0], [100, 100], [0, 30]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 10}])
    r = solve(p, gap=0)
    assert r.ev_charge_mw.loc[1, "home"] == approx(20)
    assert r.objective == approx(700 + 1000)


def test_v2g_discharge_serves_the_peak():
    p = problem(_two_units(), demand=[50, 150],
                ev=_ev_rows([50, 50], [50, 50], [0, 0], [100, 100], [0, 0]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 0}])
    r = solve(p, gap=0)
    assert r.ev_discharge_mw.loc[2, "home"] == approx(50)
    assert r.objective == approx(1000 + 1000)
    check_balance(r, p)


@pytest.mark.parametrize("wear, discharged, expected", [(30.0, 50, 2000 + 50 * 30), (45.0, 0, 500 + 1000 + 50 * 50)])
def test_v2g_discharges_only_while_the_peak_saves_more_than_the_wear_costs(wear, discharged, expected):
    # charging at 10 and displacing B at 50 saves 40 per MWh (efficiencies 1): worth 30 of wear, not 45
    p = problem(_two_units(), demand=[50, 150],
                ev=_ev_rows([50, 50], [50, 50], [0, 0], [100, 100], [0, 0]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 0,
                            "discharge_cost_per_mwh": wear}])
    r = solve(p, gap=0)
    assert r.ev_discharge_mw.loc[2, "home"] == approx(discharged)
    assert r.objective == approx(expected)
    assert r.costs["ev_wear"] == approx(discharged * wear)
    check_balance(r, p)


@pytest.mark.parametrize("value, banked, expected", [(0.0, 0, 1500), (5.0, 0, 1500), (20.0, 50, 2000 - 50 * 20)])
def test_cluster_banks_thermal_energy_only_when_its_end_value_exceeds_the_cost(value, banked, expected):
    # A's spare 50 MW in period 1 costs 10 per MWh (efficiencies 1): worth banking at 20, not at 5
    p = problem(_two_units(), demand=[50, 100],
                ev=_ev_rows([50, 50], [0, 0], [0, 0], [100, 100], [0, 0]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 0,
                            "energy_final_value_per_mwh": value}])
    r = solve(p, gap=0)
    assert r.ev_energy_mwh["home"].iloc[-1] == approx(banked)
    assert r.objective == approx(expected)
    assert r.costs["ev_final_value"] == approx(banked * value)
    check_balance(r, p)


def test_a_small_end_value_banks_surplus_that_would_be_curtailed():
    # period 1: 80 MW of free PV for 50 MW of demand; the 30 MW surplus goes into the cluster
    pv = [{"name": "pv", "period": 1, "p_max_mw": 80, "p_min_mw": 0},
          {"name": "pv", "period": 2, "p_max_mw": 0, "p_min_mw": 0}]
    p = problem(_two_units(), demand=[50, 100], renewables=pv,
                ev=_ev_rows([50, 50], [0, 0], [0, 0], [100, 100], [0, 0]),
                ev_params=[{"cluster": "home", "eff_charge": 0.9, "eff_discharge": 1.0, "energy_initial_mwh": 0,
                            "energy_final_value_per_mwh": 5.0}])
    r = solve(p, gap=0)
    assert r.ev_charge_mw.loc[1, "home"] == approx(30)
    assert r.curtailment_mw.loc[1, "pv"] == approx(0)
    assert r.ev_energy_mwh["home"].iloc[-1] == approx(27)
    assert r.objective == approx(1000 - 27 * 5.0)
    check_balance(r, p)



@pytest.mark.parametrize("provides, shortfall", [(0, 20), (1, 0)])
def test_a_charging_cluster_holds_reserve_by_charging_less(provides, shortfall):
    # A serves 50 MW of demand plus 30 MW of charging the cluster must take: 20 MW of headroom left
    # against a 40 MW requirement; the charging the cluster could stop covers the other 20 MW
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=80)], demand=[50], reserve=[40],
                ev=_ev_rows([50], [0], [30], [100], [0]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 0,
                            "provides_reserve": provides}])
    r = solve(p, gap=0)
    assert r.ev_charge_mw.loc[1, "home"] == approx(30)
    assert r.system.loc[1, "reserve_shortfall_mw"] == approx(shortfall)
    assert r.objective == approx(80 * 10 + shortfall * 1000)
    if provides:
        assert 20 - 1e-6 <= r.ev_reserve_mw.loc[1, "home"] <= 30 + 1e-6   # never more than it charges
    else:
        assert r.ev_reserve_mw.shape[1] == 0
    check_balance(r, p)


@pytest.mark.parametrize("hours, held", [(1.0, 20), (0.25, 50)])
def test_a_v2g_cluster_reserve_is_within_discharge_headroom_and_backed_by_energy(hours, held):
    # A runs at its fixed 100 MW; the cluster holds 20 MWh above its floor and 50 MW of discharge power:
    # a reserve lasting 1 h is capped by the energy (20 MW), one lasting 15 min by the power (50 MW)
    p = problem([unit("A", 100, 100, marginal=10, status=10, p0=100)], demand=[100], reserve=[80],
                ev=_ev_rows([0], [50], [0], [100], [0]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 20,
                            "provides_reserve": 1, "reserve_duration_h": hours}])
    r = solve(p, gap=0)
    assert r.ev_discharge_mw.loc[1, "home"] == approx(0)    # it would only over-generate
    assert r.ev_reserve_mw.loc[1, "home"] == approx(held)
    assert r.system.loc[1, "reserve_shortfall_mw"] == approx(80 - held)


def test_least_charge_power_pins_a_realised_schedule():
    # charging costs 10 per MWh and nothing needs it, yet the rows pin 30 MW in period 1
    rows = _ev_rows([30, 50], [0, 0], [0, 0], [100, 100], [0, 0])
    for row, least in zip(rows, [30, 0]):
        row["p_charge_min_mw"] = least
    p = problem(_two_units(), demand=[50, 50], ev=rows,
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 0}])
    r = solve(p, gap=0)
    assert r.ev_charge_mw["home"].tolist() == approx([30, 0])
    assert r.objective == approx(80 * 10 + 50 * 10)
    check_balance(r, p)

@pytest.mark.parametrize("final_penalty, discharged", [(None, 0.0), (500.0, 30.0)])
def test_storage_serves_a_shortfall_below_its_final_target_only_when_that_is_cheaper(final_penalty, discharged):
    # A covers 100 of 130 MW; the store holds exactly its final target and delivers 0.9 MWh per MWh
    # stored. Default: each MWh stored short costs the unserved penalty, so shedding the 30 MW is
    # cheaper than the 33.3 MWh short it would take to serve it; at 500 per MWh the water serves.
    store = {"name": "PH", "p_charge_max_mw": 50, "p_discharge_max_mw": 50, "energy_max_mwh": 100,
             "energy_min_mwh": 0, "eff_charge": 1.0, "eff_discharge": 0.9, "energy_initial_mwh": 50,
             "energy_final_mwh": 50}
    kw = {} if final_penalty is None else {"storage_final_penalty_per_mwh": final_penalty}
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=100)], demand=[130], storage=[store], **kw)
    r = solve(p, gap=0)
    short = discharged / 0.9
    assert r.storage_discharge_mw.loc[1, "PH"] == approx(discharged)
    assert r.unserved_mwh == approx(30 - discharged)
    assert r.storage_final_shortfall_mwh["PH"] == approx(short)
    assert r.objective == approx(1000 + (30 - discharged) * 10_000 + short * (final_penalty or 0))
    check_balance(r, p)


@pytest.mark.parametrize("penalty", [None, 500.0])
def test_unserved_energy_is_penalised_and_reported(penalty):
    kw = {} if penalty is None else {"unserved_penalty_per_mwh": penalty}
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50)], demand=[130], **kw)
    r = solve(p, gap=0)
    assert r.system.loc[1, "unserved_mw"] == approx(30)
    assert r.unserved_mwh == approx(30)
    assert r.objective == approx(1000 + 30 * (penalty or 10_000))
    assert r.costs["unserved_penalty"] == approx(30 * (penalty or 10_000))


def test_must_run_unit_over_generates_when_demand_is_below_p_min():
    p = problem([unit("A", 50, 100, marginal=10, status=10, p0=50, must_run=1)], demand=[20])
    r = solve(p, gap=0)
    assert r.commitment.loc[1, "A"] == 1
    assert r.overgeneration_mwh == approx(30)
    assert r.objective == approx(30 * 10_000)


def test_ev_energy_shortfall_when_the_grid_cannot_charge():
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50)], demand=[50],
                ev=_ev_rows([0], [0], [0], [100], [50]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 10}])
    r = solve(p, gap=0)
    assert r.ev_shortfall_mwh.loc[1, "home"] == approx(40)
    assert r.objective == approx(500 + 40 * 10_000)


def test_renewables_are_used_first_and_curtailment_reported():
    ren = [{"name": "pv", "period": 1, "p_max_mw": 150, "p_min_mw": 0}]
    p = problem([unit("A", 50, 100, marginal=10, no_load=500, status=10, p0=50, must_run=1)],
                demand=[100], renewables=ren)
    r = solve(p, gap=0)
    assert r.renewable_mw.loc[1, "pv"] == approx(50)
    assert r.curtailment_mw.loc[1, "pv"] == approx(100)
    assert r.objective == approx(500)


def test_half_hour_periods_scale_energy_costs():
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=100)], demand=[100, 100], period_hours=0.5)
    r = solve(p, gap=0)
    assert r.objective == approx(100 * 10 * 0.5 * 2)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_energy_balance_holds_in_every_period(seed):
    rng = np.random.default_rng(seed)
    T = 6
    units = [unit(f"G{i}", float(rng.integers(0, 40)), float(rng.integers(60, 150)),
                  marginal=float(rng.uniform(5, 60)), no_load=float(rng.uniform(0, 300)),
                  ramp=float(rng.uniform(30, 100)), min_up=float(rng.integers(1, 4)),
                  min_down=float(rng.integers(1, 4)), status=-5) for i in range(4)]
    demand = list(rng.uniform(80, 320, T))
    ren = [{"name": "wind", "period": t + 1, "p_max_mw": float(rng.uniform(0, 80)), "p_min_mw": 0} for t in range(T)]
    st = [{"name": "PH", "p_charge_max_mw": 30, "p_discharge_max_mw": 30, "energy_max_mwh": 60, "energy_min_mwh": 0,
           "eff_charge": 0.9, "eff_discharge": 0.9, "energy_initial_mwh": 30, "energy_final_mwh": 30}]
    ev = _ev_rows([20] * T, [10] * T, [0] * (T - 1) + [30], [80] * T, list(rng.uniform(0, 5, T)))
    p = problem(units, demand=demand, reserve=[20] * T, renewables=ren, storage=st, ev=ev,
                ev_params=[{"cluster": "home", "eff_charge": 0.95, "eff_discharge": 0.95, "energy_initial_mwh": 20}])
    r = solve(p, gap=0)
    check_balance(r, p)
    parts = sum(v for k, v in r.costs.items() if k not in ("fuel", "penalties"))
    assert r.objective == approx(parts)


def test_unit_with_fixed_output_runs_at_p_max_or_not_at_all():
    # B: p_min = p_max = 40 MW for 200 per hour (5/MWh); A fills the rest at 10/MWh.
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50),
                 unit("B", 40, 40, [(40, 200)])], demand=[30, 60])
    r = solve(p, gap=0)
    assert r.thermal_mw["B"].tolist() == approx([0, 40])
    assert r.objective == approx(300 + (200 + 200))


def test_same_problem_gives_bit_identical_schedules():
    rng = np.random.default_rng(5)
    units = [unit(f"G{i}", 10, 120, marginal=float(rng.uniform(10, 40)), no_load=float(rng.uniform(0, 200)),
                  ramp=60, min_up=2, min_down=2, status=-3) for i in range(5)]
    p = problem(units, demand=list(rng.uniform(100, 400, 8)), reserve=[25] * 8)
    a, b = solve(p, gap=1e-3), solve(p, gap=1e-3)
    assert a.objective == b.objective
    assert a.thermal_mw.equals(b.thermal_mw) and a.commitment.equals(b.commitment)


def test_ev_energy_above_the_window_is_reported_as_excess():
    # V1G cluster holds 50 MWh but its window allows at most 30 MWh in period 1: 20 MWh excess.
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50)], demand=[50],
                ev=_ev_rows([10], [0], [0], [30], [0]),
                ev_params=[{"cluster": "home", "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 50}])
    r = solve(p, gap=0)
    assert r.ev_excess_mwh.loc[1, "home"] == approx(20)
    assert r.objective == approx(500 + 20 * 10_000)


def test_unreachable_storage_end_target_is_penalised_not_infeasible():
    st = [{"name": "PH", "p_charge_max_mw": 10, "p_discharge_max_mw": 10, "energy_max_mwh": 100,
           "energy_min_mwh": 0, "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": 0,
           "energy_final_mwh": 50}]
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50)], demand=[50, 50], storage=st)
    r = solve(p, gap=0)
    assert r.storage_final_shortfall_mwh["PH"] == approx(30)
    # charging 10 MW in both periods costs 2 x 600; the missing 30 MWh cost 30 x 10 000
    assert r.objective == approx(2 * 600 + 30 * 10_000)
