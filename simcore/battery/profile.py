"""Reference ageing path: step a full (time, SOC, temperature) series, plus the profile CSV loader.

The series is cut into days (from its first time stamp). Within a day the rate equations are
evaluated at every sample and averaged: the calendar coefficient over time, the cycle coefficient
over the charge moved (cycling happens when charge moves, so its temperature/SOC are what count).
Depth of discharge, equivalent full cycles and the mean charging C-rate are taken per day, as in
BLAST-Lite's per-window stressors. :func:`daily_stressors` gives the same days as aggregates for the
fast path, which is how the two paths are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError

from .ageing import (
    KELVIN,
    LFP,
    NMC622,
    AgeingState,
    DailyStressors,
    ModelCode,
    MODEL_NAMES,
    R_GAS_J_PER_MOL_K,
    T_REF_K,
    advance_power_state,
    age_batteries,
    arrhenius,
    lfp_cal_rate,
    lfp_cyc_rate,
    lmo2nd_cal_rate,
    LMO_2NDLIFE,
    nmc622_cal_rate,
    nmc622_cyc_factor,
)

SECONDS_PER_DAY = 86400.0
CHARGE_THRESHOLD_C = 1e-2  # |dSOC/dt| below this (1/h) is rest, as in BLAST-Lite
PROFILE_COLUMNS = ("time_s", "soc", "temperature_c")


@dataclass
class Profile:
    """A usage profile: time (s), state of charge (0..1), cell temperature (deg C)."""

    time_s: np.ndarray
    soc: np.ndarray
    temperature_c: np.ndarray


def load_profile(path: str | Path) -> Profile:
    """Read a ``time_s,soc,temperature_c`` CSV; bad content raises :class:`InputError`."""
    path = Path(path)
    allowed_cols = "CSV with header time_s,soc,temperature_c"
    if not path.is_file():
        raise InputError(path, "file", str(path), "an existing " + allowed_cols)
    try:
        df = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(path, "file", type(exc).__name__, allowed_cols) from None
    missing = [c for c in PROFILE_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(path, "header", list(df.columns), f"columns {', '.join(PROFILE_COLUMNS)} (missing {missing[0]})")
    if len(df) < 2:
        raise InputError(path, "rows", len(df), "at least 2 data rows")
    values = {}
    for col in PROFILE_COLUMNS:
        num = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(num))
        if bad.size:
            i = int(bad[0])
            raise InputError(path, f"row {i + 2}, column {col}", df[col].iloc[i], "a finite number")
        values[col] = num
    checks = (
        ("soc", (values["soc"] < 0) | (values["soc"] > 1), "0 <= soc <= 1"),
        ("temperature_c", (values["temperature_c"] < -40) | (values["temperature_c"] > 80), "-40 <= temperature_c <= 80"),
    )
    for col, bad_mask, allowed in checks:
        bad = np.flatnonzero(bad_mask)
        if bad.size:
            i = int(bad[0])
            raise InputError(path, f"row {i + 2}, column {col}", float(values[col][i]), allowed)
    bad = np.flatnonzero(np.diff(values["time_s"]) <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise InputError(path, f"row {i + 2}, column time_s", float(values["time_s"][i]), "strictly increasing times")
    return Profile(values["time_s"], values["soc"], values["temperature_c"])


@dataclass
class _Intervals:
    """Per-interval quantities of a series (interval j runs from sample j to j+1)."""

    day: np.ndarray
    dt_s: np.ndarray
    dsoc: np.ndarray
    starts: np.ndarray  # first interval index of each day
    n_days: int


def _intervals(t_s: np.ndarray, soc: np.ndarray) -> _Intervals:
    t = np.asarray(t_s, dtype=float)
    day = np.floor((t[:-1] - t[0]) / SECONDS_PER_DAY).astype(np.int64)
    # days are numbered by calendar day from the start; empty days (gaps) are skipped
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    return _Intervals(day, np.diff(t), np.diff(np.asarray(soc, dtype=float)), starts, len(starts))


def _per_day_stressors(iv: _Intervals, soc: np.ndarray) -> dict[str, np.ndarray]:
    """DOD, EFC, charging C-rate and duration of each day of a series."""
    soc = np.asarray(soc, dtype=float)
    lo = np.minimum(soc[:-1], soc[1:])
    hi = np.maximum(soc[:-1], soc[1:])
    dod = np.maximum.reduceat(hi, iv.starts) - np.minimum.reduceat(lo, iv.starts)
    efc = np.add.reduceat(np.abs(iv.dsoc), iv.starts) / 2.0
    dt_h = iv.dt_s / 3600.0
    c = iv.dsoc / dt_h
    charging = c > CHARGE_THRESHOLD_C
    t_chg = np.add.reduceat(np.where(charging, dt_h, 0.0), iv.starts)
    q_chg = np.add.reduceat(np.where(charging, iv.dsoc, 0.0), iv.starts)
    c_chg = np.divide(q_chg, t_chg, out=np.zeros_like(q_chg), where=t_chg > 0)
    dt_days = np.add.reduceat(iv.dt_s, iv.starts) / SECONDS_PER_DAY
    return {"dod": dod, "efc": efc, "c_chg": c_chg, "dt_days": dt_days}


def daily_stressors(
    t_s: np.ndarray, soc: np.ndarray, temp_c: np.ndarray, arrhenius_weighted: bool = True
) -> DailyStressors:
    """Aggregate a series into per-day stressors for the fast path (arrays over days).

    SOC is time-averaged; temperature is time-averaged in Arrhenius space (default) or plainly.
    """
    iv = _intervals(t_s, soc)
    per_day = _per_day_stressors(iv, soc)
    soc = np.asarray(soc, dtype=float)
    temp_k = np.asarray(temp_c, dtype=float) + KELVIN
    soc_mid = 0.5 * (soc[:-1] + soc[1:])
    w = iv.dt_s
    wsum = np.add.reduceat(w, iv.starts)
    soc_mean = np.add.reduceat(soc_mid * w, iv.starts) / wsum
    if arrhenius_weighted:
        ea = NMC622.b1t_ea_j_per_mol
        f_mid = 0.5 * (arrhenius(temp_k[:-1], ea) + arrhenius(temp_k[1:], ea))
        f_mean = np.add.reduceat(f_mid * w, iv.starts) / wsum
        temp_mean_c = 1.0 / (1.0 / T_REF_K - np.log(f_mean) * R_GAS_J_PER_MOL_K / ea) - KELVIN
    else:
        temp_mid = 0.5 * (temp_k[:-1] + temp_k[1:])
        temp_mean_c = np.add.reduceat(temp_mid * w, iv.starts) / wsum - KELVIN
    return DailyStressors(
        soc_mean=soc_mean,
        temp_c=temp_mean_c,
        dod=per_day["dod"],
        efc=per_day["efc"],
        c_chg=per_day["c_chg"],
        dt_days=per_day["dt_days"],
    )


def _interval_rates(model: ModelCode, soc, temp_k, iv: _Intervals, per_day) -> tuple[np.ndarray, np.ndarray]:
    """Calendar and cycle coefficients per interval (trapezoid of the two end samples)."""
    day_of = np.searchsorted(iv.starts, np.arange(iv.day.size), side="right") - 1
    c_chg_j = per_day["c_chg"][day_of]
    dod_j = per_day["dod"][day_of]
    ends = (slice(None, -1), slice(1, None))
    k_cal = np.zeros(iv.day.size)
    k_cyc = np.zeros(iv.day.size)
    for e in ends:
        s, tk = soc[e], temp_k[e]
        if model == ModelCode.NMC622:
            b1t = nmc622_cal_rate(tk, s)
            k_cal += 0.5 * b1t
            k_cyc += 0.5 * b1t * nmc622_cyc_factor(tk, s, dod_j, c_chg_j) * NMC622.b1n_4
        elif model == ModelCode.LFP:
            c_avg_j = (2.0 * per_day["efc"] / (24.0 * per_day["dt_days"]))[day_of]
            k_cal += 0.5 * lfp_cal_rate(tk, s)
            k_cyc += 0.5 * lfp_cyc_rate(tk, dod_j, c_avg_j)
        else:
            k_cal += 0.5 * lmo2nd_cal_rate(tk, s)
            k_cyc += 0.5 * LMO_2NDLIFE.a_cyc
    return k_cal, k_cyc


@dataclass
class ReferenceResult:
    """Daily trajectory of the reference path."""

    day: np.ndarray  # day index since the start of the series
    q: np.ndarray  # relative capacity at the end of each day
    q_loss_cal: np.ndarray
    q_loss_cyc: np.ndarray


def simulate_profile(
    t_s: np.ndarray, soc: np.ndarray, temp_c: np.ndarray, model: str = "nmc622", fade_scalar: float = 1.0
) -> ReferenceResult:
    """Reference path: age one cell through a full time series; returns its daily capacity."""
    code = MODEL_NAMES[model]
    soc = np.asarray(soc, dtype=float)
    temp_k = np.asarray(temp_c, dtype=float) + KELVIN
    iv = _intervals(t_s, soc)
    per_day = _per_day_stressors(iv, soc)
    k_cal_j, k_cyc_j = _interval_rates(code, soc, temp_k, iv, per_day)
    w_t = iv.dt_s
    w_q = np.abs(iv.dsoc)
    k_cal = np.add.reduceat(k_cal_j * w_t, iv.starts) / np.add.reduceat(w_t, iv.starts)
    q_moved = np.add.reduceat(w_q, iv.starts)
    k_cyc = np.divide(np.add.reduceat(k_cyc_j * w_q, iv.starts), q_moved, out=np.zeros(iv.n_days), where=q_moved > 0)
    p = {ModelCode.NMC622: NMC622, ModelCode.LFP: LFP, ModelCode.LMO_2NDLIFE: LMO_2NDLIFE}[code]
    cal = np.empty(iv.n_days)
    cyc = np.empty(iv.n_days)
    y_cal = y_cyc = 0.0
    for d in range(iv.n_days):
        y_cal = float(advance_power_state(y_cal, per_day["dt_days"][d], fade_scalar * k_cal[d], p.p_cal))
        y_cyc = float(advance_power_state(y_cyc, per_day["efc"][d], fade_scalar * k_cyc[d], p.p_cyc))
        cal[d], cyc[d] = y_cal, y_cyc
    return ReferenceResult(iv.day[iv.starts], 1.0 - cal - cyc, cal, cyc)


def simulate_daily(stressors: DailyStressors, model: str = "nmc622") -> AgeingState:
    """Fast path for one cell through per-day stressors (arrays over days); returns the final state."""
    n_days = np.asarray(stressors.efc).size
    state = AgeingState.new(1, model)
    fields = ("soc_mean", "temp_c", "dod", "efc", "c_chg", "dt_days")
    arrays = {f: np.broadcast_to(np.asarray(getattr(stressors, f), dtype=float), (n_days,)) for f in fields}
    for d in range(n_days):
        state = age_batteries(state, DailyStressors(**{f: arrays[f][d : d + 1] for f in fields}))
    return state
