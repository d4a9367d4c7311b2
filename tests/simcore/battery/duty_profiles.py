"""Synthetic duty profiles (time s, SOC, cell temperature degC) for ageing tests and the BLAST-Lite oracle.

Each generator is deterministic (fixed seed) and returns ``(t_s, soc, temp_c)`` arrays; hourly
samples over ``years`` unless noted. They cover the shapes the ageing paths must handle: one deep
cycle a day, several shallow cycles a day, two V2G cycles a day, long storage at high SOC, storage
followed by use, hot and cold cells, irregular trips, more than one full cycle a day. ``PROFILES`` maps a name to its generator;
``write_csv`` writes one in the ``evcycle battery age`` format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

HOUR_S = 3600.0
DAY_H = 24


def _series(days: int, step_h: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time stamps (s), hour of day and day index of a series of ``days`` days plus a final sample."""
    t = np.arange(0.0, days * 86400.0 + 1.0, step_h * HOUR_S)
    hour = (t / HOUR_S) % DAY_H
    day = (t // 86400.0).astype(np.int64)
    return t, hour, day


def _soc_from_rates(rate_per_h: np.ndarray, soc0: float, step_h: float) -> np.ndarray:
    """Integrate a C-rate series (1/h, + charging) into SOC samples starting at ``soc0``."""
    return np.clip(soc0 + np.concatenate([[0.0], np.cumsum(rate_per_h[:-1] * step_h)]), 0.0, 1.0)


def _seasonal_c(t: np.ndarray, mean_c: float, amp_c: float, daily_amp_c: float = 0.0) -> np.ndarray:
    """Cell temperature: annual cosine (coldest ~20 January) plus a daily sine (warmest mid-afternoon)."""
    days = t / 86400.0
    hour = (t / HOUR_S) % DAY_H
    return mean_c - amp_c * np.cos(2 * np.pi * (days - 20.0) / 365.0) + daily_amp_c * np.sin(2 * np.pi * (hour - 9.0) / 24.0)


def hot_full_daily(years: float = 10.0):
    """35 degC, one 100 % DOD cycle a day: 1 -> 0 over 08-16 h (C/8), back to 1 over 18-23 h (C/5)."""
    t, hour, _ = _series(int(round(365 * years)))
    rate = np.where((hour >= 8) & (hour < 16), -1.0 / 8, 0.0) + np.where((hour >= 18) & (hour < 23), 1.0 / 5, 0.0)
    return t, _soc_from_rates(rate, 1.0, 1.0), np.full(t.size, 35.0)


def cold_storage_95(years: float = 10.0):
    """5 degC, stored at 95 % SOC; every 14th day a 30 % trip (10-13 h) and a recharge (19-22 h)."""
    t, hour, day = _series(int(round(365 * years)))
    trip = (day % 14) == 13
    rate = np.where(trip & (hour >= 10) & (hour < 13), -0.1, 0.0) + np.where(trip & (hour >= 19) & (hour < 22), 0.1, 0.0)
    return t, _soc_from_rates(rate, 0.95, 1.0), np.full(t.size, 5.0)


def mild_two_2080(years: float = 10.0):
    """25 degC, two 20-80 % cycles a day (discharge 06-09 and 14-17 h, charge 09-12 and 18-21 h at 0.2 C)."""
    t, hour, _ = _series(int(round(365 * years)))
    dis = ((hour >= 6) & (hour < 9)) | ((hour >= 14) & (hour < 17))
    chg = ((hour >= 9) & (hour < 12)) | ((hour >= 18) & (hour < 21))
    rate = np.where(dis, -0.2, 0.0) + np.where(chg, 0.2, 0.0)
    return t, _soc_from_rates(rate, 0.8, 1.0), np.full(t.size, 25.0)


def tokyo_commuter(years: float = 10.0, seed: int = 11):
    """Two drives a day of random depth (8 and 18 h), plug-in at 22 h back to 90 %; Tokyo-like cell temperature."""
    t, hour, day = _series(int(round(365 * years)))
    rng = np.random.default_rng(seed)
    depth = rng.uniform(0.03, 0.15, day.max() + 1)[day]
    drives_done = np.where(hour >= 19, 2, np.where(hour >= 9, 1, 0))
    back = np.minimum(0.15 * np.clip(hour - 22.0, 0.0, None), 2 * depth)  # 0.15 C from 22 h
    soc = np.clip(0.9 - drives_done * depth + back, 0.0, 1.0)
    return t, soc, _seasonal_c(t, 21.0, 10.0, 4.0)


def v2g_two_cycles(years: float = 10.0, seed: int = 12):
    """Commuter day plus an evening V2G discharge (17-21 h, 25-45 % of the pack) and a night recharge:
    two cycles a day; Fukuoka-like cell temperature."""
    t, hour, day = _series(int(round(365 * years)))
    rng = np.random.default_rng(seed)
    nd = day.max() + 1
    drive = rng.uniform(0.05, 0.15, nd)
    v2g = rng.uniform(0.25, 0.45, nd)
    soc = np.empty(t.size)
    # piecewise: 0.9 at 0-7 h, morning drive at 7-8 h, midday top-up 12-14 h, V2G 17-21 h, recharge 0-5 h next day
    d, h = day, hour
    top = np.full(t.size, 0.9)
    after_drive = top - drive[d] * np.clip(h - 7.0, 0.0, 1.0)
    topped = after_drive + drive[d] * np.clip((h - 12.0) / 2.0, 0.0, 1.0)
    discharged = topped - v2g[d] * np.clip((h - 17.0) / 4.0, 0.0, 1.0)
    soc = discharged
    prev = np.maximum(d - 1, 0)
    recharge = np.where(d > 0, v2g[prev] * (1.0 - np.clip(h / 5.0, 0.0, 1.0)), 0.0)
    soc = np.where(h < 5.0, soc - recharge, soc)
    return t, np.clip(soc, 0.0, 1.0), _seasonal_c(t, 22.0, 9.0, 4.0)


def regulation_shallow(years: float = 10.0):
    """30 degC, frequency-regulation-like: six +-5 % swings a day around 50 % SOC (0.05 C)."""
    t, hour, _ = _series(int(round(365 * years)))
    phase = (hour % 4.0)
    rate = np.where(phase < 1, 0.05, np.where(phase < 3, -0.05, 0.05))
    return t, _soc_from_rates(rate, 0.5, 1.0), np.full(t.size, 30.0)


def storage_then_use(years: float = 10.0):
    """Two years (a fifth of shorter series) stored at 50 % and 40 degC, then a daily 60 % cycle (90 -> 30 -> 90) at 20 degC."""
    days = int(round(365 * years))
    t, hour, day = _series(days)
    stored = day < min(730, days // 5)
    rate = np.where((hour >= 9) & (hour < 15), -0.1, 0.0) + np.where((hour >= 20) & (hour < 23), 0.2, 0.0)
    rate = np.where(stored, 0.0, rate)
    first_use = np.flatnonzero(~stored)[0]
    rate[first_use - 4 : first_use] = 0.1  # charge from 50 % to 90 % before the first day of use
    soc = _soc_from_rates(rate, 0.5, 1.0)
    return t, soc, np.where(stored, 40.0, 20.0)


def cold_deep(years: float = 10.0):
    """10 degC, one 80 % DOD cycle a day with a fast 0.8 C charge (the NMC622 cycle term grows in the cold)."""
    t, hour, _ = _series(int(round(365 * years)))
    rate = np.where((hour >= 7) & (hour < 15), -0.1, 0.0) + np.where(hour == 20, 0.8, 0.0)
    return t, _soc_from_rates(rate, 0.9, 1.0), np.full(t.size, 10.0)


def irregular(years: float = 10.0, seed: int = 13):
    """Irregular use: random trips (0-3 a day, random depth and hour), charging when below a random
    threshold, random weekly rest; temperature seasonal + noise."""
    days = int(round(365 * years))
    t, hour, day = _series(days)
    rng = np.random.default_rng(seed)
    n = t.size
    rate = np.zeros(n)
    trips = rng.poisson(1.3, days)
    for d in range(days):  # generator only: a few thousand days, run once per test session
        for _ in range(trips[d]):
            h0 = rng.integers(6, 22)
            rate[d * 24 + h0] -= rng.uniform(0.02, 0.3)
    soc = np.empty(n)
    s = 0.8
    charging_to = None
    for i in range(n):
        soc[i] = s
        if i == n - 1:
            break
        s = s + rate[i]
        if charging_to is None and s < rng.uniform(0.2, 0.6):
            charging_to = rng.uniform(0.7, 1.0)
        if charging_to is not None:
            s = min(s + 0.12, charging_to)
            if s >= charging_to:
                charging_to = None
        s = min(max(s, 0.02), 1.0)
    temp = _seasonal_c(t, 18.0, 9.0, 3.0) + rng.normal(0.0, 2.0, n)
    return t, soc, temp


def fast_charge_15min(years: float = 10.0, seed: int = 14):
    """15-min samples: a 60-80 % daily drive, a DC fast charge (2 C for 15-30 min) three days in four,
    a 0.15 C charge in the evening otherwise; 20 degC mean with a 12 K seasonal swing."""
    step_h = 0.25
    t, hour, day = _series(int(round(365 * years)), step_h)
    rng = np.random.default_rng(seed)
    nd = day.max() + 1
    use = rng.uniform(0.6, 0.8, nd)
    fast = rng.random(nd) < 0.75
    drive = (hour >= 7) & (hour < 11)
    rate = np.where(drive, -use[day] / 4.0, 0.0)
    fast_len_h = np.ceil(use / 2.0 / step_h) * step_h  # 2 C until the drive is put back
    in_fast = fast[day] & (hour >= 12) & (hour < 12 + fast_len_h[day])
    slow_len_h = np.ceil(use / 0.15 / step_h) * step_h  # about 0.15 C from 18 h, done before midnight
    in_slow = ~fast[day] & (hour >= 18) & (hour < 18 + slow_len_h[day])
    rate = rate + np.where(in_fast, use[day] / fast_len_h[day], 0.0) + np.where(in_slow, use[day] / slow_len_h[day], 0.0)
    soc = _soc_from_rates(rate, 0.9, step_h)
    return t, soc, _seasonal_c(t, 20.0, 12.0, 3.0)


def noisy_hourly(years: float = 10.0, seed: int = 15):
    """A daily 40 % cycle with +-0.5 % SOC noise every hour (thousands of tiny rainflow cycles), 28 degC."""
    t, hour, _ = _series(int(round(365 * years)))
    rng = np.random.default_rng(seed)
    base = 0.85 - 0.4 * np.clip((hour - 8.0) / 8.0, 0.0, 1.0) + 0.4 * np.clip((hour - 19.0) / 4.0, 0.0, 1.0)
    soc = np.clip(base + rng.uniform(-0.005, 0.005, t.size), 0.0, 1.0)
    return t, soc, np.full(t.size, 28.0)


def desert_hot(years: float = 10.0):
    """Parked at 100 % most of the day, cell 25-60 degC daily (above the 55 degC term of NMC622), 30 % use."""
    t, hour, _ = _series(int(round(365 * years)))
    rate = np.where((hour >= 17) & (hour < 20), -0.1, 0.0) + np.where((hour >= 21) & (hour < 24), 0.1, 0.0)
    temp = 42.5 + 17.5 * np.sin(2 * np.pi * (hour - 9.0) / 24.0)
    return t, _soc_from_rates(rate, 1.0, 1.0), temp


def double_full(years: float = 10.0):
    """25 degC, two 100 % DOD cycles a day at 0.5 C (2 EFC a day: windows close on cycles, not days)."""
    t, hour, _ = _series(int(round(365 * years)))
    phase = hour % 12.0
    rate = np.where(phase < 2, -0.5, np.where((phase >= 4) & (phase < 6), 0.5, 0.0))
    return t, _soc_from_rates(rate, 1.0, 1.0), np.full(t.size, 25.0)


def hot_three_1090(years: float = 10.0):
    """45 degC, three 10-90 % cycles a day (0.9 -> 0.1 over 4 h, back over 4 h, no rest): 2.4 EFC a day,
    so BLAST-Lite's windows close on cycle ends and start at the turning points."""
    t, hour, _ = _series(int(round(365 * years)))
    ph = hour % 8.0
    soc = np.where(ph < 4, 0.9 - 0.8 * ph / 4, 0.1 + 0.8 * (ph - 4) / 4)
    return t, soc, np.full(t.size, 45.0)


def cold_storage_then_full(years: float = 10.0):
    """-5 degC, stored at 50 % for the first half, then one 100 % cycle a day (1 -> 0 over 12 h, back
    over 12 h): the stretch of a deep cycle in the cold after a calendar-only start."""
    t, hour, day = _series(int(round(365 * years)))
    full = np.where(hour < 12, 1.0 - hour / 12.0, (hour - 12.0) / 12.0)
    soc = np.where(day < int(round(365 * years)) // 2, 0.5, full)
    return t, soc, np.full(t.size, -5.0)


def resampled(series: tuple[np.ndarray, np.ndarray, np.ndarray], step_s: float):
    """The same usage sampled every ``step_s`` seconds (linear between the original samples; exact for
    these piecewise-linear profiles when ``step_s`` divides their step)."""
    t, soc, temp = series
    tt = np.arange(t[0], t[-1] + 0.5 * step_s, step_s)
    return tt, np.interp(tt, t, soc), np.interp(tt, t, temp)


#: profiles whose result BLAST-Lite's windows make depend on the sample step (more than one EFC a day,
#: exactly one, a day's charges paired across days), with the step (s) of the same usage they are also
#: recorded and compared at (docs/battery.md, "fast vs reference")
FINE_STEP_S: dict[str, float] = {
    "double_full": 60.0,
    "mild_two_2080": 60.0,
    "hot_three_1090": 60.0,
    "cold_storage_then_full": 60.0,
    "hot_full_daily": 60.0,
    "fast_charge_15min": 60.0,
}


def fine_key(name: str) -> str:
    """Name of a profile resampled at its fine step, as recorded in data/blast_oracle.json."""
    return f"{name}@{FINE_STEP_S[name]:.0f}s"


def fine(name: str, years: float = 10.0):
    """Profile ``name`` resampled at its fine step."""
    return resampled(PROFILES[name](years), FINE_STEP_S[name])


PROFILES: dict[str, Callable] = {
    "hot_full_daily": hot_full_daily,
    "cold_storage_95": cold_storage_95,
    "mild_two_2080": mild_two_2080,
    "tokyo_commuter": tokyo_commuter,
    "v2g_two_cycles": v2g_two_cycles,
    "regulation_shallow": regulation_shallow,
    "storage_then_use": storage_then_use,
    "cold_deep": cold_deep,
    "irregular": irregular,
    "fast_charge_15min": fast_charge_15min,
    "noisy_hourly": noisy_hourly,
    "desert_hot": desert_hot,
    "double_full": double_full,
    "hot_three_1090": hot_three_1090,
    "cold_storage_then_full": cold_storage_then_full,
}


def write_csv(name: str, path: str | Path, years: float = 10.0) -> Path:
    """Write profile ``name`` as a ``time_s,soc,temperature_c`` CSV (``.gz`` suffix compresses)."""
    t, soc, temp = PROFILES[name](years)
    path = Path(path)
    data = np.column_stack([t, soc, temp])
    np.savetxt(path, data, delimiter=",", header="time_s,soc,temperature_c", comments="", fmt=["%.0f", "%.6f", "%.3f"])
    return path
