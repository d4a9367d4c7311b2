"""Loading and checking the fleet's data tables (travel behaviour, plug-in curves, vehicle models).

Every table is a small CSV under ``scenarios/data/`` (or a user path). Loaders return plain numpy
arrays ready for vectorised sampling, and raise :class:`simcore.errors.InputError` naming the file,
the column or row, the bad value and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError
from simcore.tables import numeric_column, read_table_csv

#: location codes used throughout the fleet (``DRIVING`` is the en-route state)
HOME, WORK, OTHER, DRIVING = 0, 1, 2, 3
LOCATIONS = ("home", "work", "other", "driving")
#: EV types
COMMUTER, NON_COMMUTER = 0, 1
EV_TYPES = ("commuter", "non_commuter")
DAY_TYPES = ("weekday", "weekend")
#: day patterns (activity chains); the chain builder gives each its legs
PATTERNS = ("stay", "commute", "commute_errand", "errand", "errand_twice", "leisure")
PURPOSES = ("commute", "errand", "leisure")
DWELL_PURPOSES = ("work", "errand", "leisure")


def data_dir() -> Path:
    """The shipped ``scenarios/data`` folder."""
    import scenarios

    return scenarios.path("data")


def resolve(path: str | Path, subdir: str = "") -> Path:
    """An absolute path as given; a relative one inside ``scenarios/data/<subdir>`` if it is there, else
    relative to the working directory (so a user's own table next to their scenario works too)."""
    p = Path(path)
    if p.is_absolute():
        return p
    shipped = data_dir() / subdir / p
    return shipped if shipped.exists() else p


def read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """A CSV with at least ``columns``; an InputError if it is missing or malformed."""
    return read_table_csv(path, columns)


def _numeric(df: pd.DataFrame, col: str, path: Path, lo: float = 0.0, hi: float = np.inf) -> np.ndarray:
    return numeric_column(df, col, path, lo, hi)


@dataclass(frozen=True)
class BinnedDistribution:
    """A histogram: draw a bin by its share, then a value uniformly inside the bin."""

    lo: np.ndarray
    hi: np.ndarray
    cdf: np.ndarray

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        u = rng.random(n)
        k = np.minimum(np.searchsorted(self.cdf, u * self.cdf[-1], side="right"), len(self.cdf) - 1)
        return (self.lo[k] + rng.random(n) * (self.hi[k] - self.lo[k])).astype(np.float32)

    @property
    def mean(self) -> float:
        w = np.diff(np.concatenate([[0.0], self.cdf]))
        return float(np.sum(w * (self.lo + self.hi) / 2) / self.cdf[-1])


def _binned(df: pd.DataFrame, lo_col: str, hi_col: str, path: Path, what: str) -> BinnedDistribution:
    lo = _numeric(df, lo_col, path)
    hi = _numeric(df, hi_col, path)
    share = _numeric(df, "share", path)
    if np.any(hi < lo):
        i = int(np.flatnonzero(hi < lo)[0])
        raise InputError(path, f"row {i + 2}.{hi_col}", hi[i], f">= {lo_col} ({lo[i]})")
    if share.sum() <= 0:
        raise InputError(path, f"{what}.share", 0.0, "shares with a positive sum")
    return BinnedDistribution(lo, hi, np.cumsum(share))


@dataclass(frozen=True)
class TravelTables:
    """Behaviour tables: day-pattern shares, departure-hour weights, trip distances and dwell times."""

    #: [ev_type, day_type, pattern] shares (each [type, day] row sums to 1)
    pattern_share: np.ndarray
    #: [purpose, hour] cumulative departure-hour weights
    departure_cdf: np.ndarray
    distance: dict[str, BinnedDistribution]
    dwell: dict[str, BinnedDistribution]


def load_travel(folder: str | Path = "travel") -> TravelTables:
    """Read ``day_patterns.csv``, ``departure_hour.csv``, ``trip_distance_km.csv``, ``dwell_h.csv``."""
    base = resolve(folder)
    if not base.is_dir():
        raise InputError(str(folder), "travel_dir", str(folder), "a folder holding the travel tables")

    p = base / "day_patterns.csv"
    df = read_csv(p, ["ev_type", "day_type", "pattern", "share"])
    share = _numeric(df, "share", p, 0.0, 1.0)
    table = np.zeros((len(EV_TYPES), len(DAY_TYPES), len(PATTERNS)))
    for i, (t, d, pat) in enumerate(zip(df["ev_type"], df["day_type"], df["pattern"])):
        for value, names, col in ((t, EV_TYPES, "ev_type"), (d, DAY_TYPES, "day_type"), (pat, PATTERNS, "pattern")):
            if value not in names:
                raise InputError(p, f"row {i + 2}.{col}", value, f"one of {', '.join(names)}")
        table[EV_TYPES.index(t), DAY_TYPES.index(d), PATTERNS.index(pat)] += share[i]
    sums = table.sum(axis=2)
    for ti, t in enumerate(EV_TYPES):
        for di, d in enumerate(DAY_TYPES):
            if abs(sums[ti, di] - 1.0) > 1e-6:
                raise InputError(p, f"{t}.{d}.share", round(float(sums[ti, di]), 6), "shares summing to 1")

    p = base / "departure_hour.csv"
    df = read_csv(p, ["hour", *PURPOSES])
    hours = _numeric(df, "hour", p, 0, 23).astype(int)
    if sorted(hours.tolist()) != list(range(24)):
        raise InputError(p, "hour", hours.tolist(), "each hour 0..23 exactly once")
    order = np.argsort(hours)
    dep = np.stack([_numeric(df, c, p)[order] for c in PURPOSES])
    for k, c in enumerate(PURPOSES):
        if dep[k].sum() <= 0:
            raise InputError(p, c, 0.0, "weights with a positive sum")

    p = base / "trip_distance_km.csv"
    df = read_csv(p, ["purpose", "dist_lo_km", "dist_hi_km", "share"])
    distance = {}
    for purpose in PURPOSES:
        rows = df[df["purpose"] == purpose]
        if rows.empty:
            raise InputError(p, "purpose", purpose, "rows for each of " + ", ".join(PURPOSES))
        distance[purpose] = _binned(rows, "dist_lo_km", "dist_hi_km", p, purpose)

    p = base / "dwell_h.csv"
    df = read_csv(p, ["purpose", "dwell_lo_h", "dwell_hi_h", "share"])
    dwell = {}
    for purpose in DWELL_PURPOSES:
        rows = df[df["purpose"] == purpose]
        if rows.empty:
            raise InputError(p, "purpose", purpose, "rows for each of " + ", ".join(DWELL_PURPOSES))
        dwell[purpose] = _binned(rows, "dwell_lo_h", "dwell_hi_h", p, purpose)

    return TravelTables(table, np.cumsum(dep, axis=1), distance, dwell)


@dataclass(frozen=True)
class PluginTable:
    """p(plug | SOC at arrival[, next-trip distance], location), linearly interpolated in SOC.

    ``prob`` has shape [location(3), soc_point, next_trip_bin]; with no next-trip table there is one bin.
    """

    soc_points: np.ndarray  # SOC in [0, 1], increasing
    trip_edges_km: np.ndarray  # lower edges of next-trip bins, increasing, first is 0
    prob: np.ndarray

    def probability(self, loc: np.ndarray, soc: np.ndarray, next_km: np.ndarray | None = None) -> np.ndarray:
        """Plug-in probability for arrays of locations (0..2), SOC (0..1) and next-trip km."""
        s = np.clip(soc, 0.0, 1.0)
        j = np.clip(np.searchsorted(self.soc_points, s, side="right") - 1, 0, len(self.soc_points) - 2)
        s0 = self.soc_points[j]
        w = (s - s0) / (self.soc_points[j + 1] - s0)
        if next_km is None or self.prob.shape[2] == 1:
            b = np.zeros_like(j)
        else:
            b = np.searchsorted(self.trip_edges_km, next_km, side="right") - 1
        p0 = self.prob[loc, j, b]
        p1 = self.prob[loc, j + 1, b]
        return p0 + w * (p1 - p0)


def load_plugin_curve(path: str | Path) -> PluginTable:
    """``soc_pct,home,work,other`` rows: plug-in probability by SOC at arrival, per location."""
    p = resolve(path, "charging")
    df = read_csv(p, ["soc_pct", "home", "work", "other"])
    soc = _numeric(df, "soc_pct", p, 0, 100) / 100.0
    _check_soc_grid(soc, p)
    order = np.argsort(soc)
    prob = np.stack([_numeric(df, c, p, 0.0, 1.0)[order] for c in ("home", "work", "other")])
    return PluginTable(soc[order], np.zeros(1), prob[:, :, None])


def load_plugin_next_trip(path: str | Path) -> PluginTable:
    """``location,soc_pct,next_trip_km,probability`` rows on a full grid (next_trip_km = bin lower edge)."""
    p = resolve(path, "charging")
    df = read_csv(p, ["location", "soc_pct", "next_trip_km", "probability"])
    prob_col = _numeric(df, "probability", p, 0.0, 1.0)
    soc_col = _numeric(df, "soc_pct", p, 0, 100) / 100.0
    km_col = _numeric(df, "next_trip_km", p)
    socs = np.unique(soc_col)
    kms = np.unique(km_col)
    _check_soc_grid(socs, p)
    if kms[0] != 0.0:
        raise InputError(p, "next_trip_km", float(kms[0]), "bins starting at 0")
    prob = np.full((3, len(socs), len(kms)), np.nan)
    for i, loc in enumerate(df["location"]):
        if loc not in LOCATIONS[:3]:
            raise InputError(p, f"row {i + 2}.location", loc, "home, work or other")
        prob[LOCATIONS.index(loc), np.searchsorted(socs, soc_col[i]), np.searchsorted(kms, km_col[i])] = prob_col[i]
    if np.isnan(prob).any():
        raise InputError(p, "(rows)", "incomplete grid", "one row per location x soc_pct x next_trip_km")
    return PluginTable(socs, kms, prob)


def _check_soc_grid(soc: np.ndarray, p: Path) -> None:
    s = np.sort(soc)
    if len(s) < 2 or s[0] != 0.0 or s[-1] != 1.0 or np.any(np.diff(s) <= 0):
        raise InputError(p, "soc_pct", soc.tolist()[:6], "distinct values from 0 to 100 (both included)")


@dataclass(frozen=True)
class VehicleModels:
    """Vehicle mix: battery size, efficiency and share of each model."""

    names: tuple[str, ...]
    battery_kwh: np.ndarray
    km_per_kwh: np.ndarray
    share: np.ndarray


def load_vehicle_models(path: str | Path) -> VehicleModels:
    """``model,battery_kwh,km_per_kwh,share`` rows."""
    p = resolve(path, "charging")
    df = read_csv(p, ["model", "battery_kwh", "km_per_kwh", "share"])
    cap = _numeric(df, "battery_kwh", p, 1.0, 500.0)
    eff = _numeric(df, "km_per_kwh", p, 1.0, 20.0)
    share = _numeric(df, "share", p, 0.0, 1.0)
    if abs(share.sum() - 1.0) > 1e-6:
        raise InputError(p, "share", round(float(share.sum()), 6), "shares summing to 1")
    return VehicleModels(tuple(str(m) for m in df["model"]), cap, eff, share)
