"""EV flexibility: occupancy masks, clustering, cluster bounds, least-laxity allocation."""

import numpy as np

from agents.grid.ev_flex import HOME, WORK, allocate, cluster_bounds, kmeans, occupancy, reachable_energy

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



def test_reachable_energy_charges_only_while_connected_and_stops_at_capacity():
    charge = np.zeros((1, 24))
    charge[0, 18:] = 5.4                     # plugged from 18:00: 6 kW x 0.9 stored per hour
    drive = np.zeros((1, 24))
    drive[0, 8] = 4.0                        # a trip at 08:00 takes 4 kWh
    lo, hi = reachable_energy(np.array([50.0]), np.array([60.0]), charge, np.zeros((1, 24)), drive)
    assert np.allclose(hi[0, :8], 50.0) and np.allclose(hi[0, 8:18], 46.0)   # away: nothing to gain
    assert np.isclose(hi[0, 18], 51.4) and np.isclose(hi[0, -1], 60.0)      # then full power up to capacity
    assert np.allclose(lo[0, 8:], 46.0)                                      # no V2G: the least is no charging


def test_reachable_energy_with_v2g_floors_at_empty():
    lo, _ = reachable_energy(np.array([10.0]), np.array([60.0]), np.full((1, 24), 5.4),
                             np.full((1, 24), 6.0 / 0.9), np.zeros((1, 24)))
    assert np.isclose(lo[0, 0], 10.0 - 6.0 / 0.9) and lo[0, 1] == 0.0 and (lo >= 0).all()


def test_reachable_cluster_bounds_leave_no_room_in_evs_that_are_away():
    labels = np.array([0, 0])
    connected = np.zeros((2, 24))
    connected[0] = 1.0                       # EV 0 plugged all day, EV 1 never
    tables = cluster_bounds(labels, 1, connected=connected, drive_kwh=np.zeros((2, 24)),
                            charger_kw=np.array([6.0, 6.0]), energy_kwh=np.array([30.0, 20.0]),
                            capacity_kwh=np.array([60.0, 60.0]), need_kwh=np.full((2, 24), 25.0),
                            ticks_per_hour=4, scale=1.0, v2g=False, keep_start=False, reachable=True,
                            eff_charge=0.9, eff_discharge=0.9)
    assert np.isclose(tables.energy_max_mwh[0, 0], (35.4 + 20.0) / 1000)    # capacity sums would say 0.120
    assert np.isclose(tables.energy_max_mwh[0, -1], (60.0 + 20.0) / 1000)
    assert np.isclose(tables.energy_min_mwh[0, 0], (30.0 + 20.0) / 1000)    # EV 1 cannot reach its need of 25
    assert (tables.energy_min_mwh <= tables.energy_max_mwh + 1e-12).all()

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
