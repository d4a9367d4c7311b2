"""Daily activity chains for the whole fleet, drawn at once as arrays.

Each EV gets a day pattern (stay, commute, commute + errand, one or two errands, a leisure trip) from
the travel tables by its type and the day type, then departure times, distances and dwell times for
its legs. A day's plan is a set of ``(n, MAX_LEGS)`` arrays of day-relative tick indices; the model turns
them into per-tick event buckets so a tick only touches the EVs that depart or arrive in it.

Chains start and end at home within the day (overnight parking is at home), legs never overlap, a
trip lasts at least one tick and so does every stop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.fleet.tables import HOME, OTHER, PATTERNS, PURPOSES, WORK, TravelTables

MAX_LEGS = 4
P_STAY, P_COMMUTE, P_COMMUTE_ERRAND, P_ERRAND, P_ERRAND_TWICE, P_LEISURE = range(len(PATTERNS))


@dataclass
class DayPlan:
    """One day of trips for every EV (day-relative ticks; unused legs hold -1 / 0)."""

    pattern: np.ndarray  # int8 (n,)
    n_legs: np.ndarray  # int8 (n,)
    dep: np.ndarray  # int16 (n, MAX_LEGS) departure tick
    arr: np.ndarray  # int16 (n, MAX_LEGS) arrival tick (> dep)
    dest: np.ndarray  # int8 (n, MAX_LEGS) location after the leg
    dist_km: np.ndarray  # float32 (n, MAX_LEGS)

    @classmethod
    def empty(cls, n: int) -> DayPlan:
        return cls(np.zeros(n, np.int8), np.zeros(n, np.int8), np.full((n, MAX_LEGS), -1, np.int16),
                   np.full((n, MAX_LEGS), -1, np.int16), np.zeros((n, MAX_LEGS), np.int8),
                   np.zeros((n, MAX_LEGS), np.float32))

    def first_trip_km(self) -> np.ndarray:
        """Distance of each EV's first trip of the day (0 for a stay-at-home day)."""
        return np.where(self.n_legs > 0, self.dist_km[:, 0], np.float32(0.0))


def _departure_ticks(rng: np.random.Generator, cdf: np.ndarray, n: int, tick_h: float) -> np.ndarray:
    """Departure ticks: an hour by the table's weights, then a uniform time inside it."""
    hour = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    return np.floor((hour + rng.random(n)) / tick_h).astype(np.int32)


def _travel_ticks(dist_km: np.ndarray, speed_kmh: float, tick_h: float) -> np.ndarray:
    return np.maximum(1, np.ceil(dist_km / (speed_kmh * tick_h))).astype(np.int32)


def _dwell_ticks(hours: np.ndarray, tick_h: float) -> np.ndarray:
    return np.maximum(1, np.rint(hours / tick_h)).astype(np.int32)


def draw_patterns(rng: np.random.Generator, tables: TravelTables, ev_type: np.ndarray, day_type: int) -> np.ndarray:
    """A day pattern per EV from the shares of its type for this day type."""
    cdf = np.cumsum(tables.pattern_share[:, day_type, :], axis=1)[ev_type]  # (n, patterns)
    u = rng.random(len(ev_type))[:, None]
    return np.minimum((u >= cdf).sum(axis=1), len(PATTERNS) - 1).astype(np.int8)


def draw_day(rng: np.random.Generator, tables: TravelTables, ev_type: np.ndarray, commute_km: np.ndarray,
             day_type: int, ticks_per_day: int, tick_h: float, speed_kmh: float) -> DayPlan:
    """Draw one day's chains for all EVs (``day_type`` 0 weekday, 1 weekend)."""
    n = len(ev_type)
    pat = draw_patterns(rng, tables, ev_type, day_type)
    dep_cdf = {p: tables.departure_cdf[k] for k, p in enumerate(PURPOSES)}

    # Candidate quantities for every EV; each pattern below uses some of them.
    c_dep = _departure_ticks(rng, dep_cdf["commute"], n, tick_h)
    e1_dep = _departure_ticks(rng, dep_cdf["errand"], n, tick_h)
    e2_dep = _departure_ticks(rng, dep_cdf["errand"], n, tick_h)
    l_dep = _departure_ticks(rng, dep_cdf["leisure"], n, tick_h)
    e1_km = tables.distance["errand"].sample(rng, n)
    e2_km = tables.distance["errand"].sample(rng, n)
    l_km = tables.distance["leisure"].sample(rng, n)
    w_dwell = _dwell_ticks(tables.dwell["work"].sample(rng, n), tick_h)
    e1_dwell = _dwell_ticks(tables.dwell["errand"].sample(rng, n), tick_h)
    e2_dwell = _dwell_ticks(tables.dwell["errand"].sample(rng, n), tick_h)
    l_dwell = _dwell_ticks(tables.dwell["leisure"].sample(rng, n), tick_h)
    ck = commute_km.astype(np.float32)
    tt = lambda km: _travel_ticks(km, speed_kmh, tick_h)  # noqa: E731

    seq = np.zeros((n, 2 * MAX_LEGS), np.int32)  # dep0, arr0, dep1, arr1, ...
    dest = np.zeros((n, MAX_LEGS), np.int8)
    dist = np.zeros((n, MAX_LEGS), np.float32)
    n_legs = np.zeros(n, np.int8)

    def put(mask: np.ndarray, legs: list[tuple[np.ndarray, np.ndarray, int]]) -> None:
        """Write chains for EVs in ``mask``: legs are (departure tick, km, destination)."""
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        t_prev = None
        for k, (dep, km, to) in enumerate(legs):
            d = dep[idx] if t_prev is None else np.maximum(dep[idx], t_prev + 1)
            a = d + tt(km[idx])
            seq[idx, 2 * k], seq[idx, 2 * k + 1] = d, a
            dest[idx, k], dist[idx, k] = to, km[idx]
            t_prev = a
        n_legs[idx] = len(legs)

    # commute: home -> work, back after the work dwell
    a_work = c_dep + tt(ck)
    put(pat == P_COMMUTE, [(c_dep, ck, WORK), (a_work + w_dwell, ck, HOME)])
    # commute + errand on the way home: work -> other (errand distance) -> home (commute distance)
    a_err = a_work + w_dwell + tt(e1_km)
    put(pat == P_COMMUTE_ERRAND, [(c_dep, ck, WORK), (a_work + w_dwell, e1_km, OTHER),
                                  (a_err + e1_dwell, ck, HOME)])
    # one errand
    a1 = e1_dep + tt(e1_km)
    put(pat == P_ERRAND, [(e1_dep, e1_km, OTHER), (a1 + e1_dwell, e1_km, HOME)])
    # two errands, the second after coming home from the first
    back1 = a1 + e1_dwell + tt(e1_km)
    second = np.maximum(e2_dep, back1 + 1)
    a2 = second + tt(e2_km)
    put(pat == P_ERRAND_TWICE, [(e1_dep, e1_km, OTHER), (a1 + e1_dwell, e1_km, HOME),
                                (second, e2_km, OTHER), (a2 + e2_dwell, e2_km, HOME)])
    # leisure: a longer outing with a longer stay
    a_l = l_dep + tt(l_km)
    put(pat == P_LEISURE, [(l_dep, l_km, OTHER), (a_l + l_dwell, l_km, HOME)])

    _fit_in_day(seq, n_legs, ticks_per_day)
    return DayPlan(pat, n_legs, seq[:, 0::2].astype(np.int16), seq[:, 1::2].astype(np.int16), dest, dist)


def _fit_in_day(seq: np.ndarray, n_legs: np.ndarray, ticks_per_day: int) -> None:
    """Shift chains that run past midnight earlier and keep every step at least one tick long."""
    n = len(n_legs)
    has = n_legs > 0
    last_col = np.maximum(2 * n_legs.astype(np.int32) - 1, 0)
    last = seq[np.arange(n), last_col]
    shift = np.where(has, np.maximum(0, last - (ticks_per_day - 1)), 0)
    seq -= shift[:, None]
    np.maximum(seq[:, 0], 0, out=seq[:, 0])
    for k in range(1, seq.shape[1]):
        np.maximum(seq[:, k], seq[:, k - 1] + 1, out=seq[:, k])
    cols = np.arange(seq.shape[1])[None, :]
    cap = (ticks_per_day - 1) - (last_col[:, None] - cols)
    np.minimum(seq, cap, out=seq)
    seq[cols > last_col[:, None]] = -1
    seq[~has] = -1
