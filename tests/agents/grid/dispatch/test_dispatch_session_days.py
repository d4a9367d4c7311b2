"""One session across days: start_day re-states a built model by bounds and matches a fresh build."""

from __future__ import annotations

import pytest

from agents.grid.dispatch import DispatchSession, solve
from simcore.errors import InputError
from tests.agents.grid.dispatch.dispatch_testkit import check_balance, problem, unit


def approx(x):
    return pytest.approx(x, rel=1e-7, abs=1e-6)


def _startup_day(hours_off: float):
    return problem([unit("B", 0, 100, marginal=10, min_down=2, status=-hours_off)], demand=[50],
                   startups=[("B", 2, 0.0), ("B", 3, 100.0), ("B", 4, 500.0)])


@pytest.mark.parametrize("hours_off, start_cost", [(2, 0.0), (3, 100.0), (4, 500.0)])
def test_next_day_start_up_category_follows_the_new_hours_off(hours_off, start_cost):
    s = DispatchSession(_startup_day(10), gap=0)
    assert s.solve().costs["startup"] == approx(500.0)
    s.start_day(_startup_day(hours_off))
    r = s.solve()
    assert r.costs["startup"] == approx(start_cost)
    assert r.objective == approx(500 + start_cost)


def _shutdown_day(p0: float, status: float):
    return problem([unit("A", 20, 100, marginal=10, status=status, p0=p0, sd=50),
                    unit("B", 0, 100, marginal=40, status=10, p0=0)], demand=[0, 30])


@pytest.mark.parametrize("p0, status, a_on", [(100, 10, [1, 1]), (40, 10, [0, 1]), (0, -10, [0, 1])])
def test_next_day_initial_output_decides_whether_a_unit_may_stop(p0, status, a_on):
    # A (p_min 20, shut-down capacity 50) can stop in period 1 only from an output <= 50 (then it
    # restarts for period 2, cheaper than B); from 100 MW it must over-generate at p_min in period 1.
    # A fresh build agrees.
    s = DispatchSession(_shutdown_day(30, 10), gap=0)
    s.solve()
    day = _shutdown_day(p0, status)
    s.start_day(day)
    r = s.solve()
    assert r.commitment["A"].tolist() == a_on
    assert r.objective == approx(solve(day, gap=0).objective)
    check_balance(r, day)


def test_next_day_after_a_fixed_commitment_is_a_free_milp_again():
    day = problem([unit("A", 0, 100, marginal=10, status=10, p0=50),
                   unit("B", 0, 100, marginal=50, status=10, p0=0)], demand=[50, 150])
    s = DispatchSession(day, gap=0)
    plan = s.solve()
    s.redispatch(day, plan.commitment.assign(B=0))   # B held off: load shed in period 2
    s.start_day(day)
    assert s.solve().objective == approx(plan.objective)


def test_next_day_storage_starts_from_its_new_energy():
    def day(e0: float):
        store = {"name": "PH", "p_charge_max_mw": 50, "p_discharge_max_mw": 50, "energy_max_mwh": 100,
                 "energy_min_mwh": 0, "eff_charge": 1.0, "eff_discharge": 1.0, "energy_initial_mwh": e0,
                 "energy_final_mwh": 0}
        return problem([unit("A", 0, 100, marginal=10, status=10, p0=50)], demand=[80], storage=[store])
    s = DispatchSession(day(0), gap=0)
    assert s.solve().objective == approx(800)
    s.start_day(day(30))
    assert s.solve().objective == approx(500)       # 30 MWh of free water serve part of the 80 MW


def test_next_day_with_other_units_is_refused():
    s = DispatchSession(_startup_day(10), gap=0)
    other = problem([unit("C", 0, 100, marginal=10)], demand=[50])
    with pytest.raises(InputError, match="thermal units"):
        s.start_day(other)
