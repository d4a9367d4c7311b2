"""EV flexibility: occupancy masks, clustering, cluster bounds, least-laxity allocation."""

import numpy as np

from agents.grid.ev_flex import HOME, WORK, allocate, cluster_bounds, kmeans, occupancy

T = 96  # 15-minute ticks


def _commuter_day():
    # leaves home 08:00 (tick 32) -> work 08:30 (34); leaves 17:00 (68) -> home 17:30 (70)
    dep = np.array([[32, 68, -1, -1]])
    arr = np.array([[34, 70, -1, -1]])
    dest = np.array([[WORK, HOME, 0, 0]])
    return dep, arr, dest, np.array([2]), np.array([[3.0, 3.0, 0, 0]], np.float32)


def test_occupancy_of_a_commute():
    occ = occupancy(*_commuter_day(), ticks_per_day=T)
    assert occ.at_home[0, :32].all() and occ.driving[0, 32:34].all() and occ.at_work[0, 34:68].all()
    assert occ.at_home[0, 70:].all() and not occ.at_home[0, 34:70].any()
    assert occ.drive_kwh[0, 32] == 3.0 and occ.drive_kwh[0].sum() == 6.0
    assert not (occ.driving & (occ.at_home | occ.at_work)).any()


def test_kmeans_separates_obvious_groups_deterministically():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 0.05, (50, 2)), rng.normal(5, 0.05, (30, 2))])
    a = kmeans(x, 2, np.random.default_rng(1))
    b = kmeans(x, 2, np.random.default_rng(1))
    assert np.array_equal(a, b) and set(a[:50]) == {0} and set(a[50:]) == {1}


def test_cluster_bounds_scale_and_hold_the_day_end_energy():
    labels = np.array([0, 0, 1])
    connected = np.ones((3, 24))
    tables = cluster_bounds(labels, 2, connected=connected, drive_kwh=np.zeros((3, 24)),
                            charger_kw=np.array([6.0, 6.0, 3.0]), energy_kwh=np.array([30.0, 20.0, 10.0]),
                            capacity_kwh=np.array([60.0, 60.0, 40.0]), need_kwh=np.full((3, 24), 5.0),
                            ticks_per_hour=4, scale=1000.0, v2g=True)
    assert np.allclose(tables.p_charge_max_mw[:, 0], [12.0, 3.0])  # 1000 represented per simulated EV
    assert np.allclose(tables.energy_initial_mwh, [50.0, 10.0])
    assert np.allclose(tables.energy_min_mwh[:, 0], [10.0, 5.0])
    assert np.allclose(tables.energy_min_mwh[:, -1], [50.0, 10.0])


def test_cluster_bounds_without_keep_start_leave_the_day_end_at_the_trip_need():
    labels = np.array([0, 0, 1])
    tables = cluster_bounds(labels, 2, connected=np.ones((3, 24)), drive_kwh=np.zeros((3, 24)),
                            charger_kw=np.array([6.0, 6.0, 3.0]), energy_kwh=np.array([30.0, 20.0, 10.0]),
                            capacity_kwh=np.array([60.0, 60.0, 40.0]), need_kwh=np.full((3, 24), 5.0),
                            ticks_per_hour=4, scale=1000.0, v2g=True, keep_start=False)
    assert np.allclose(tables.energy_min_mwh[:, -1], [10.0, 5.0])   # banked energy may be spent


def test_allocation_serves_least_laxity_first_and_must_charge_always():
    plugged = np.ones(3, bool)
    energy = np.array([10.0, 10.0, 10.0])
    need = np.array([30.0, 30.0, 0.0])
    hours_left = np.array([20.0 / 5.4, 10.0, 10.0])  # EV 0 must charge now to make it
    p = allocate(0.0, plugged, energy, need, np.full(3, 60.0), np.full(3, 6.0), hours_left, 0.9, 0.25, False)
    assert p[0] == 6.0 and p[1] == 0.0 and p[2] == 0.0
    p = allocate(9.0, plugged, energy, need, np.full(3, 60.0), np.full(3, 6.0), hours_left, 0.9, 0.25, False)
    assert np.allclose(p, [6.0, 3.0, 0.0])  # EV 1 (laxity ~4.4 h) before EV 2 (10 h)


def test_v2g_draws_from_the_largest_surplus_and_never_below_need():
    plugged = np.ones(2, bool)
    energy = np.array([40.0, 20.0])
    need = np.array([10.0, 19.9])
    p = allocate(-8.0, plugged, energy, need, np.full(2, 60.0), np.full(2, 6.0), np.full(2, 10.0), 0.9, 0.25, True)
    assert p[0] == -6.0 and -2.0 <= p[1] < 0
    assert 20.0 + p[1] * 0.25 / 0.9 >= 19.9 - 1e-9
