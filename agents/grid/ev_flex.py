"""EV flexibility for the dispatch MILP: clusters of EVs as aggregated batteries, and set-points back.

Three pure steps, all vectorised over EVs:

1. :func:`occupancy` turns day plans (departure / arrival ticks per leg) into per-tick masks of
   driving and of being parked at home / at work.
2. :func:`cluster_evs` groups EVs by driving pattern: k-means on each EV's share of sampled days it
   drives in each hour and is parked at home in each hour (the study's "driving per time slot and
   home-parking probability"), with seeded k-means++ starts so the grouping is reproducible.
3. :func:`cluster_bounds` builds the ``ev_clusters`` tables (per cluster and period: charge and discharge
   power limits, energy bounds, energy drawn by driving) from either expected occupancy (day-ahead)
   or the day's actual plans (intraday); :func:`allocate` splits a cluster set-point over its plugged
   EVs, least laxity first, so each still leaves with the energy its next trips need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOME, WORK = 0, 1  # location codes shared with agents.fleet.tables


@dataclass
class Occupancy:
    """Per-EV, per-tick masks for one day (shape (n, ticks_per_day))."""

    driving: np.ndarray  # bool
    at_home: np.ndarray  # bool
    at_work: np.ndarray  # bool
    drive_kwh: np.ndarray  # float32: trip energy, booked at the departure tick


def occupancy(dep: np.ndarray, arr: np.ndarray, dest: np.ndarray, n_legs: np.ndarray, trip_kwh: np.ndarray,
              ticks_per_day: int) -> Occupancy:
    """Masks from a day plan. Legs: ``dep``/``arr`` day ticks, ``dest`` location after the leg.

    Before the first departure an EV is at home; after leg k it is at ``dest[k]`` until leg k+1.
    """
    n, legs = dep.shape
    T = ticks_per_day
    valid = np.arange(legs)[None, :] < n_legs[:, None]
    rows = np.repeat(np.arange(n), legs).reshape(n, legs)

    def spans(start: np.ndarray, stop: np.ndarray, mask: np.ndarray) -> np.ndarray:
        diff = np.zeros((n, T + 1), np.int16)
        s = np.clip(start, 0, T)
        e = np.clip(stop, 0, T)
        np.add.at(diff, (rows[mask], s[mask]), 1)
        np.add.at(diff, (rows[mask], e[mask]), -1)
        return np.cumsum(diff[:, :T], axis=1) > 0

    driving = spans(dep, arr, valid)
    next_dep = np.concatenate([dep[:, 1:], np.full((n, 1), T, dep.dtype)], axis=1)
    next_dep = np.where(np.arange(legs)[None, :] + 1 < n_legs[:, None], next_dep, T)
    first_dep = np.where(n_legs > 0, dep[:, 0], T)
    home_stay = spans(arr, next_dep, valid & (dest == HOME))
    home_stay |= np.arange(T)[None, :] < first_dep[:, None]
    work_stay = spans(arr, next_dep, valid & (dest == WORK))
    drive_kwh = np.zeros((n, T), np.float32)
    np.add.at(drive_kwh, (rows[valid], np.clip(dep[valid], 0, T - 1)), trip_kwh[valid])
    return Occupancy(driving, home_stay & ~driving, work_stay & ~driving, drive_kwh)


def hourly(mask_or_values: np.ndarray, ticks_per_hour: int) -> np.ndarray:
    """Mean over the ticks of each hour (shape (n, 24))."""
    n, T = mask_or_values.shape
    return mask_or_values.reshape(n, T // ticks_per_hour, ticks_per_hour).mean(axis=2)


def kmeans(x: np.ndarray, k: int, rng: np.random.Generator, iters: int = 60) -> np.ndarray:
    """Labels from Lloyd's k-means with k-means++ seeding (deterministic for a given generator)."""
    n = len(x)
    k = min(k, n)
    centres = np.empty((k, x.shape[1]))
    centres[0] = x[rng.integers(n)]
    d2 = ((x - centres[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        total = d2.sum()
        pick = rng.integers(n) if total <= 0 else int(np.searchsorted(np.cumsum(d2), rng.random() * total))
        centres[j] = x[min(pick, n - 1)]
        d2 = np.minimum(d2, ((x - centres[j]) ** 2).sum(axis=1))
    labels = np.zeros(n, np.int64)
    for _ in range(iters):
        dist = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2) if n * k < 5e6 else _chunked_dist(x, centres)
        new = dist.argmin(axis=1)
        if _ > 0 and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = labels == j
            if members.any():
                centres[j] = x[members].mean(axis=0)
    return _relabel_by_size(labels, k)


def _chunked_dist(x: np.ndarray, centres: np.ndarray, chunk: int = 50_000) -> np.ndarray:
    out = np.empty((len(x), len(centres)))
    for s in range(0, len(x), chunk):
        out[s:s + chunk] = ((x[s:s + chunk, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return out


def _relabel_by_size(labels: np.ndarray, k: int) -> np.ndarray:
    """Cluster 0 is the largest, ties by old label: a stable naming independent of seeding order."""
    sizes = np.bincount(labels, minlength=k)
    order = np.lexsort((np.arange(k), -sizes))
    rank = np.empty(k, np.int64)
    rank[order] = np.arange(k)
    return rank[labels]


def cluster_features(occ_days: list[Occupancy], ticks_per_hour: int) -> np.ndarray:
    """Per EV: share of sampled days driving in each hour, and parked at home in each hour (n, 48)."""
    drive = np.mean([hourly(o.driving, ticks_per_hour) > 0 for o in occ_days], axis=0)
    home = np.mean([hourly(o.at_home, ticks_per_hour) for o in occ_days], axis=0)
    return np.concatenate([drive, home], axis=1)


@dataclass
class ClusterTables:
    """What the MILP needs per cluster (rows) and hour (columns), in MW / MWh for the represented fleet."""

    p_charge_max_mw: np.ndarray
    p_discharge_max_mw: np.ndarray
    energy_min_mwh: np.ndarray
    energy_max_mwh: np.ndarray
    energy_drive_mwh: np.ndarray
    energy_initial_mwh: np.ndarray  # (k,)


def cluster_bounds(labels: np.ndarray, k: int, *, connected: np.ndarray, drive_kwh: np.ndarray,
                   charger_kw: np.ndarray, energy_kwh: np.ndarray, capacity_kwh: np.ndarray,
                   need_kwh: np.ndarray, ticks_per_hour: int, scale: float, v2g: bool,
                   keep_start: bool = True, reachable: bool = False, eff_charge: float = 1.0,
                   eff_discharge: float = 1.0) -> ClusterTables:
    """Aggregate per-EV hourly quantities into clusters.

    ``connected`` (n, 24) is the share of each hour an EV can exchange power with the grid (expected
    for day-ahead, actual for intraday); ``drive_kwh`` (n, 24) the energy its trips take from the
    battery; ``need_kwh`` (n, 24) the least energy it must hold at the end of each hour to make its
    later trips (and keep its reserve); ``capacity_kwh`` the most it may hold.
    With ``keep_start`` the last hour's lower bound is at least the cluster's starting energy (capped
    by capacity), so a day's plan neither spends energy banked on earlier days nor lends from the next.

    With ``reachable`` the energy bounds are sums of each EV's own reachable range (see
    :func:`reachable_energy`) instead of sums of capacities and needs: a cluster's plan can then no
    longer park energy in members that are driving, away from a charger or already full.
    """
    to_mw = scale / 1000.0

    def by_cluster(values: np.ndarray) -> np.ndarray:
        out = np.zeros((k, values.shape[1]))
        np.add.at(out, labels, values)
        return out * to_mw

    p_ch = by_cluster(connected * charger_kw[:, None])
    p_dis = p_ch.copy() if v2g else np.zeros_like(p_ch)
    if reachable:
        charge_kwh = connected * charger_kw[:, None] * eff_charge          # most an EV can store per hour
        discharge_kwh = charge_kwh / (eff_charge * eff_discharge) if v2g else np.zeros_like(charge_kwh)
        lo, hi = reachable_energy(energy_kwh, capacity_kwh, charge_kwh, discharge_kwh, drive_kwh)
        e_max = by_cluster(hi)
        e_min = by_cluster(np.minimum(np.maximum(need_kwh, lo), hi))
    else:
        e_max = by_cluster(np.repeat(capacity_kwh[:, None], connected.shape[1], axis=1))
        e_min = by_cluster(np.minimum(need_kwh, capacity_kwh[:, None]))
    e0 = np.bincount(labels, weights=energy_kwh, minlength=k) * to_mw
    if keep_start:
        e_min[:, -1] = np.maximum(e_min[:, -1], np.minimum(e0, e_max[:, -1]))
    drive = by_cluster(drive_kwh)
    return ClusterTables(p_ch, p_dis, e_min, e_max, drive, e0)



def reachable_energy(energy_kwh: np.ndarray, capacity_kwh: np.ndarray, charge_kwh: np.ndarray,
                     discharge_kwh: np.ndarray, drive_kwh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least and most energy (kWh, shapes (n, hours)) each EV can hold at the end of each hour.

    The most: charging at full power whenever connected (``charge_kwh`` stored per hour), capped by
    capacity, less its trips. The least: discharging at full power whenever connected
    (``discharge_kwh`` drawn per hour; zero without V2G), less its trips, floored at empty. Every
    trajectory an EV can follow lies between the two, so their sums over a cluster bound the
    cluster's energy far tighter than its members' capacities do.
    """
    n, hours = drive_kwh.shape
    cap = np.maximum(capacity_kwh.astype(np.float64), energy_kwh)
    hi = np.empty((n, hours))
    lo = np.empty((n, hours))
    up = energy_kwh.astype(np.float64)
    down = up.copy()
    for h in range(hours):
        up = np.clip(up + charge_kwh[:, h] - drive_kwh[:, h], 0.0, cap)
        down = np.clip(down - discharge_kwh[:, h] - drive_kwh[:, h], 0.0, cap)
        hi[:, h] = up
        lo[:, h] = down
    return lo, hi


def allocate(target_kw: float, plugged: np.ndarray, energy_kwh: np.ndarray, need_kwh: np.ndarray,
             capacity_kwh: np.ndarray, charger_kw: np.ndarray, hours_left: np.ndarray, eff: float,
             tick_h: float, v2g: bool) -> np.ndarray:
    """Per-EV power (kW, + charge / - discharge) for one cluster and one tick.

    Every EV that must charge now to leave with ``need_kwh`` does so at full power (laxity <= one
    tick), whatever the target. The rest of a positive target goes to the least-laxity EVs first; a
    negative target (V2G) is drawn from the EVs with the most energy above their need first.
    """
    n = len(plugged)
    power = np.zeros(n)
    idx = np.flatnonzero(plugged & (charger_kw > 0))
    if idx.size == 0:
        return power
    kw = charger_kw[idx].astype(np.float64)
    headroom_kw = np.maximum(capacity_kwh[idx] - energy_kwh[idx], 0.0) / (eff * tick_h)
    short_kwh = np.maximum(need_kwh[idx] - energy_kwh[idx], 0.0)
    laxity_h = hours_left[idx] - short_kwh / (eff * kw)
    must = (short_kwh > 0) & (laxity_h <= tick_h)
    charge = np.where(must, np.minimum(kw, headroom_kw), 0.0)
    remaining = target_kw - charge.sum()
    if remaining > 0:
        order = np.argsort(np.where(must, np.inf, laxity_h), kind="stable")
        room = np.where(must, 0.0, np.minimum(kw, headroom_kw))[order]
        take = np.clip(remaining - (np.cumsum(room) - room), 0.0, room)
        charge[order] += take
    elif remaining < 0 and v2g:
        surplus_kw = np.maximum(energy_kwh[idx] - need_kwh[idx], 0.0) * eff / tick_h
        room = np.where(must, 0.0, np.minimum(kw, surplus_kw))
        order = np.argsort(-(energy_kwh[idx] - need_kwh[idx]), kind="stable")
        room = room[order]
        take = np.clip(-remaining - (np.cumsum(room) - room), 0.0, room)
        charge[order] -= take
    power[idx] = charge
    return power
