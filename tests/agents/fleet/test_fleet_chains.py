"""Daily activity chains: well-formed, within the day, home-based, by EV type and day type."""

import numpy as np
import pytest

from agents.fleet.chains import MAX_LEGS, P_STAY, draw_day
from agents.fleet.tables import COMMUTER, HOME, NON_COMMUTER, WORK, load_travel

T = 96
TICK_H = 0.25


@pytest.fixture(scope="module")
def travel():
    return load_travel("travel")


def _plan(travel, day_type=0, n=20000, seed=1):
    rng = np.random.default_rng(seed)
    ev_type = (np.arange(n) % 2).astype(np.int8)  # alternate commuter / non-commuter
    commute = travel.distance["commute"].sample(rng, n)
    return ev_type, draw_day(rng, travel, ev_type, commute, day_type, T, TICK_H, 25.0)


@pytest.mark.parametrize("day_type", [0, 1])
def test_legs_are_ordered_and_inside_the_day(travel, day_type):
    _, plan = _plan(travel, day_type)
    for k in range(MAX_LEGS):
        used = plan.n_legs > k
        assert np.all(plan.dep[used, k] >= 0) and np.all(plan.arr[used, k] <= T - 1)
        assert np.all(plan.arr[used, k] > plan.dep[used, k])
        if k + 1 < MAX_LEGS:
            nxt = plan.n_legs > k + 1
            assert np.all(plan.dep[nxt, k + 1] > plan.arr[nxt, k])


def test_every_chain_ends_at_home(travel):
    _, plan = _plan(travel)
    has = plan.n_legs > 0
    last = plan.dest[np.flatnonzero(has), plan.n_legs[has] - 1]
    assert np.all(last == HOME)


def test_stay_days_have_no_legs(travel):
    _, plan = _plan(travel)
    assert np.all(plan.n_legs[plan.pattern == P_STAY] == 0)
    assert np.all(plan.n_legs[plan.pattern != P_STAY] > 0)


def test_only_commuters_go_to_work(travel):
    ev_type, plan = _plan(travel)
    to_work = (plan.dest == WORK).any(axis=1)
    assert not to_work[ev_type == NON_COMMUTER].any()
    assert to_work[ev_type == COMMUTER].mean() > 0.7  # weekday


def test_fewer_commutes_at_weekends(travel):
    ev_type, weekday = _plan(travel, 0)
    _, weekend = _plan(travel, 1)
    c = ev_type == COMMUTER
    assert (weekend.dest[c] == WORK).any(axis=1).mean() < 0.5 * (weekday.dest[c] == WORK).any(axis=1).mean()


def test_commuters_come_home_in_the_evening(travel):
    ev_type, plan = _plan(travel)
    commute = (plan.dest[:, 0] == WORK) & (plan.n_legs == 2)
    back_h = plan.arr[commute, 1] * TICK_H
    assert 16.5 <= np.median(back_h) <= 20.5


def test_mean_daily_distance_is_plausible(travel):
    _, plan = _plan(travel)
    km_per_day = plan.dist_km.sum(axis=1).mean()
    assert 10 <= km_per_day <= 40  # Japanese private cars: order of 20-30 km per day


def test_same_seed_same_plan(travel):
    _, a = _plan(travel, seed=5)
    _, b = _plan(travel, seed=5)
    assert np.array_equal(a.dep, b.dep) and np.array_equal(a.dist_km, b.dist_km)
