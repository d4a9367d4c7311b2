"""Reference ageing path: replay a full (time, SOC, temperature) series as BLAST-Lite does; profile CSV loader.

Windows. The series is cut at rainflow cycle ends (:mod:`simcore.battery.rainflow`): walking through
them, a window closes at the first sample more than ``window_max_days`` after the previous close, or
at a cycle end once more than ``window_max_efc`` equivalent full cycles moved since it (BLAST-Lite's
defaults: 1 day, 1 EFC). A window runs from the sample after the previous close to its own close, so
the interval between a close and the next sample belongs to no window; when the windows have covered
less time than the series lasts, the series is replayed from its start until they have, exactly as
BLAST-Lite does.

Per window, with ``q`` the relative capacity at its start:

* energy-conservation mode (``conserve_energy=True``, BLAST-Lite's default): the window's SOC
  trajectory is stretched by ``1/q`` about its first sample and clipped to [0, 1] (a fading cell swings
  deeper for the same energy); EFC and C-rates of the stretched trajectory are then multiplied by ``q``
  (ampere-hours of the faded cell);
* otherwise the SOC is kept and EFC and C-rates are multiplied by ``q`` (a swing moves fewer Ah).

Gaps between samples are rest: a window across a gap ages by calendar at its samples' mean SOC and
temperature; a
cell whose losses pass its capacity ends at relative capacity 0 (the conservation stretch is capped at
``1/MIN_Q`` as in the fast path). A profile spanning more than :data:`MAX_SPAN_YEARS` is refused: its
times are almost surely not in seconds.

Stressors: duration, EFC (sum |dSOC| / 2), DOD (max - min), mean SOC and temperature (means of the
window's samples), charging C-rate (trapezoid mean over the charging intervals, |rate| >= 0.01/h) and
mean |C-rate| (trapezoid over all intervals / duration). NMC622 evaluates its rate laws at the
window's means; LFP and the LMO models average their per-sample rates over time. States advance by the
exact power-law step (BLAST-Lite takes one explicit Euler step, with a cap on large cycle steps; on
the test profiles the two differ by less than 0.001 in relative capacity after 10 years).

:func:`daily_stressors` gives a series' calendar days as aggregates for the fast path, which is how
the two paths are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError

from .ageing import (
    KELVIN,
    LAWS,
    MIN_Q,
    NMC622,
    MODEL_NAMES,
    R_GAS_J_PER_MOL_K,
    T_REF_K,
    AgeingState,
    DailyStressors,
    advance_power_state,
    age_batteries,
    arrhenius,
)
from .rainflow import cycle_end_indices

SECONDS_PER_DAY = 86400.0
CHARGE_THRESHOLD_C = 1e-2  # |dSOC/dt| below this (1/h) is rest, as in BLAST-Lite
PROFILE_COLUMNS = ("time_s", "soc", "temperature_c")
#: longest profile accepted: beyond a battery's life, a span this long means time in the wrong unit
MAX_SPAN_YEARS = 100.0


@dataclass
class Profile:
    """A usage profile: time (s), state of charge (0..1), cell temperature (deg C)."""

    time_s: np.ndarray
    soc: np.ndarray
    temperature_c: np.ndarray


def _unreadable(exc: Exception) -> str:
    """What was wrong with a file the CSV reader could not read, in words (pandas' own text for a bad row
    names its line)."""
    if isinstance(exc, pd.errors.EmptyDataError):
        return "an empty file"
    if isinstance(exc, pd.errors.ParserError):
        return " ".join(str(exc).split())  # e.g. "Error tokenizing data. C error: Expected 3 fields in line 3, saw 4"
    if isinstance(exc, UnicodeDecodeError):
        return "bytes that are not text"
    if isinstance(exc, EOFError):
        return "a compressed file cut short"
    return f"a file that cannot be read ({exc.strerror or exc})" if isinstance(exc, OSError) else str(exc)


def load_profile(path: str | Path) -> Profile:
    """Read a ``time_s,soc,temperature_c`` CSV (``.gz`` accepted); bad content raises :class:`InputError`."""
    path = Path(path)
    allowed_cols = "CSV with header time_s,soc,temperature_c"
    if not path.is_file():
        raise InputError(path, "file", str(path), "an existing " + allowed_cols)
    allowed_text = "a text " + allowed_cols + " and three values on every row (.gz compressed or not)"
    try:
        df = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise InputError(path, "file", _unreadable(exc), allowed_text) from None
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
    span_years = (values["time_s"][-1] - values["time_s"][0]) / SECONDS_PER_DAY / 365.25
    if span_years > MAX_SPAN_YEARS:
        i = len(df) - 1
        raise InputError(path, f"row {i + 2}, column time_s", float(values["time_s"][i]),
                         f"a profile spanning at most {MAX_SPAN_YEARS:g} years (time_s is in seconds; this one "
                         f"spans {span_years:.3g} years)")
    return Profile(values["time_s"], values["soc"], values["temperature_c"])


# ----------------------------------------------------------------------------------------------
# Windows


def window_closes(
    t_s: np.ndarray, soc: np.ndarray, max_days: float = 1.0, max_efc: float = 1.0
) -> np.ndarray:
    """Sample indices at which degradation windows close (the last sample is always one)."""
    t = np.asarray(t_s, dtype=float)
    efc_cum = np.cumsum(np.abs(np.ediff1d(soc, to_begin=0.0))) / 2.0
    max_s = max_days * SECONDS_PER_DAY
    closes: list[int] = []
    last = 0
    for i in cycle_end_indices(soc).tolist():
        if t[i] - t[last] > max_s:
            # close at the first sample past each interval, up to (not including) this cycle end
            while True:
                k = int(np.searchsorted(t, t[last] + max_s, side="right"))
                if k >= i:
                    break
                closes.append(k)
                last = k
            continue
        if efc_cum[i] - efc_cum[last] > max_efc:
            closes.append(i)
            last = i
    n = t.size
    if not closes or closes[-1] != n - 1:
        closes.append(n - 1)
    return np.asarray(closes, dtype=np.int64)


def _trapezoid_mean(y: np.ndarray, x: np.ndarray) -> float:
    """Trapezoid integral of ``y`` over ``x`` divided by the span of ``x`` (``y[0]`` if one point)."""
    if y.size == 0:
        return 0.0
    if y.size == 1:
        return float(y[0])
    span = x[-1] - x[0]
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)) / span) if span > 0 else float(y[0])


@dataclass
class WindowStress:
    """Stressors of one window (after the capacity scaling of the mode)."""

    dt_days: float
    efc: float
    dod: float
    soc_mean: float
    temp_k_mean: float
    c_chg: float
    c_mean: float
    soc: np.ndarray
    temp_k: np.ndarray
    t_s: np.ndarray


def window_stress(t_s: np.ndarray, soc: np.ndarray, temp_k: np.ndarray, q: float, conserve_energy: bool) -> WindowStress:
    """Stressors of one window's samples for a cell at relative capacity ``q``."""
    s = np.asarray(soc, dtype=float)
    if conserve_energy:
        s = s[0] + np.cumsum(np.diff(s, prepend=s[0])) / q
        if s.max() > 1.0 or s.min() < 0.0:
            s = np.clip(s, 0.0, 1.0)
    dt_h = np.diff(t_s) / 3600.0
    ds = np.diff(s)
    rate = ds / dt_h
    duration_h = (t_s[-1] - t_s[0]) / 3600.0
    abs_rate = np.where(np.abs(rate) < CHARGE_THRESHOLD_C, 0.0, np.abs(rate))
    # mean |C|: trapezoid over the intervals' rates placed at their end times, over the window
    c_mean = float(np.sum(0.5 * (abs_rate[1:] + abs_rate[:-1]) * np.diff(t_s[1:] / 3600.0)) / duration_h) if duration_h > 0 else 0.0
    charging = rate >= CHARGE_THRESHOLD_C
    c_chg = _trapezoid_mean(rate[charging], np.cumsum(dt_h[charging]))
    return WindowStress(
        dt_days=duration_h / 24.0,
        efc=float(np.sum(np.abs(ds)) / 2.0 * q),
        dod=float(s.max() - s.min()),
        soc_mean=float(s.mean()),
        temp_k_mean=float(temp_k.mean()),
        c_chg=c_chg * q,
        c_mean=c_mean * q,
        soc=s,
        temp_k=temp_k,
        t_s=t_s,
    )


def window_rates(code: int, w: WindowStress) -> tuple[float, float]:
    """Calendar and cycle coefficients of a window: at its means (NMC622) or time-averaged per sample."""
    law = LAWS[code]
    dod, c_chg, c_mean = np.array(w.dod), np.array(w.c_chg), np.array(w.c_mean)
    if not law.per_sample:
        t, s = np.array(w.temp_k_mean), np.array(w.soc_mean)
        k_cal = law.cal(t, s)
        return float(k_cal), float(law.cyc(t, s, dod, c_chg, c_mean, k_cal))
    k_cal_i = law.cal(w.temp_k, w.soc)
    k_cyc_i = law.cyc(w.temp_k, w.soc, dod, c_chg, c_mean, k_cal_i)
    return _trapezoid_mean(k_cal_i, w.t_s), _trapezoid_mean(np.broadcast_to(k_cyc_i, w.t_s.shape), w.t_s)


# ----------------------------------------------------------------------------------------------
# Reference path


@dataclass
class ReferenceResult:
    """Trajectory of the reference path, one entry per degradation window."""

    t_days: np.ndarray  # simulated time at the end of each window (days since the start)
    q: np.ndarray  # relative capacity at the end of each window
    q_loss_cal: np.ndarray
    q_loss_cyc: np.ndarray

    @property
    def day(self) -> np.ndarray:
        """Day index (0-based) in which each window ends (the daily grid is :meth:`daily`)."""
        return np.floor(self.t_days - 1e-9).astype(np.int64)

    def daily(self) -> tuple[np.ndarray, np.ndarray]:
        """``(day, q)``: capacity at the end of each whole day (0-based day index), from the last
        window that ended by then."""
        n_days = int(np.floor(self.t_days[-1] + 1e-6)) if self.t_days.size else 0
        ends = np.arange(1, n_days + 1, dtype=float)
        at = np.searchsorted(self.t_days, ends + 1e-6, side="right") - 1
        q = np.where(at >= 0, self.q[np.maximum(at, 0)], 1.0)
        if n_days:
            q[-1] = self.q[-1]  # the run ends in (or just past) its last whole day
        return np.arange(n_days), q


def simulate_profile(
    t_s: np.ndarray,
    soc: np.ndarray,
    temp_c: np.ndarray,
    model: str = "nmc622",
    fade_scalar: float = 1.0,
    *,
    conserve_energy: bool = True,
    window_max_days: float = 1.0,
    window_max_efc: float = 1.0,
) -> ReferenceResult:
    """Reference path: age one cell through a full series, window by window (see the module docstring).

    ``fade_scalar`` multiplies both loss coefficients (BLAST-Lite's degradation scalar).
    """
    if model not in MODEL_NAMES:
        raise ValueError(f"unknown ageing model {model!r}; known: {sorted(MODEL_NAMES)}")
    if window_max_days <= 0 or window_max_efc <= 0:
        raise ValueError("window_max_days and window_max_efc must be > 0")
    code = int(MODEL_NAMES[model])
    law = LAWS[code]
    t = np.asarray(t_s, dtype=float)
    soc = np.asarray(soc, dtype=float)
    temp_k = np.asarray(temp_c, dtype=float) + KELVIN
    if not (t.size == soc.size == temp_k.size) or t.size < 2:
        raise ValueError("time, SOC and temperature need the same length, at least 2 samples")
    closes = window_closes(t, soc, window_max_days, window_max_efc)
    starts = np.concatenate([[0], closes[:-1] + 1])
    windows = [(int(a), int(b)) for a, b in zip(starts, closes) if b > a]
    duration_days = (t[-1] - t[0] - 1.0) / SECONDS_PER_DAY
    y_cal = y_cyc = 0.0
    elapsed = 0.0
    out_t, out_cal, out_cyc = [], [], []
    while windows:
        for a, b in windows:
            q = max(1.0 - y_cal - y_cyc, MIN_Q)  # the fast path's cap on the conservation stretch
            w = window_stress(t[a : b + 1], soc[a : b + 1], temp_k[a : b + 1], q, conserve_energy)
            k_cal, k_cyc = window_rates(code, w)
            y_cal = float(advance_power_state(y_cal, w.dt_days, fade_scalar * k_cal, law.p_cal))
            y_cyc = float(advance_power_state(y_cyc, w.efc, fade_scalar * k_cyc, law.p_cyc))
            elapsed += w.dt_days
            out_t.append(elapsed)
            out_cal.append(y_cal)
            out_cyc.append(y_cyc)
            if elapsed > duration_days:
                break
        if elapsed > duration_days:
            break
    cal = np.asarray(out_cal)
    cyc = np.asarray(out_cyc)
    return ReferenceResult(np.asarray(out_t), np.maximum(1.0 - cal - cyc, 0.0), cal, cyc)  # an exhausted cell holds 0


# ----------------------------------------------------------------------------------------------
# Calendar days as fast-path aggregates


def daily_stressors(
    t_s: np.ndarray, soc: np.ndarray, temp_c: np.ndarray, arrhenius_weighted: bool = False, *, means: str = "samples"
) -> DailyStressors:
    """Aggregate a series into per-day stressors for the fast path (arrays over calendar days).

    Days are counted from the first sample; the sample at a day boundary closes one day and opens
    the next. DOD is max - min, EFC sum |dSOC| / 2, charging C-rate the mean rate of intervals charging
    at >= 0.01/h, ``charge_steps`` their count. SOC mean and variance and temperature (Arrhenius-weighted
    with the NMC622 calendar activation energy if asked) are, with ``means="samples"``, plain means of
    the day's samples (each sample but the last belongs to the day its interval starts in), as
    BLAST-Lite's NMC622 windows take them: a series sampled densely while SOC moves and sparsely while
    parked then ages as the reference path ages it. ``means="time"`` gives time means of the
    piecewise-linear series (what a fleet stepping in equal ticks accumulates, and how BLAST-Lite
    weights the per-sample rates of the LFP and LMO models); on an evenly sampled series the two differ
    only by the day's first and last samples.
    """
    if means not in ("samples", "time"):
        raise ValueError(f"means must be 'samples' or 'time', got {means!r}")
    t = np.asarray(t_s, dtype=float)
    soc = np.asarray(soc, dtype=float)
    temp_k = np.asarray(temp_c, dtype=float) + KELVIN
    day = np.floor((t[:-1] - t[0]) / SECONDS_PER_DAY).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    dt_s = np.diff(t)
    dsoc = np.diff(soc)
    a, b = soc[:-1], soc[1:]
    wsum = np.add.reduceat(dt_s, starts)
    count = np.diff(np.r_[starts, a.size]).astype(float)

    def day_mean(x: np.ndarray) -> np.ndarray:
        """Per-day mean of a sampled quantity, as ``means`` asks."""
        if means == "samples":
            return np.add.reduceat(x[:-1], starts) / count
        return np.add.reduceat(0.5 * (x[:-1] + x[1:]) * dt_s, starts) / wsum

    soc_mean = day_mean(soc)
    if means == "samples":
        soc_sq = day_mean(soc * soc)
    else:  # the exact mean square of a linear piece
        soc_sq = np.add.reduceat((a * a + a * b + b * b) / 3.0 * dt_s, starts) / wsum
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    soc_max = np.maximum.reduceat(hi, starts)
    dod = soc_max - np.minimum.reduceat(lo, starts)
    dt_h = dt_s / 3600.0
    rate = dsoc / dt_h
    charging = rate > CHARGE_THRESHOLD_C
    t_chg = np.add.reduceat(np.where(charging, dt_h, 0.0), starts)
    q_chg = np.add.reduceat(np.where(charging, dsoc, 0.0), starts)
    if arrhenius_weighted:
        ea = NMC622.b1t_ea_j_per_mol
        f_mean = day_mean(arrhenius(temp_k, ea))
        temp_mean_c = 1.0 / (1.0 / T_REF_K - np.log(f_mean) * R_GAS_J_PER_MOL_K / ea) - KELVIN
    else:
        temp_mean_c = day_mean(temp_k) - KELVIN
    return DailyStressors(
        soc_mean=soc_mean,
        temp_c=temp_mean_c,
        dod=dod,
        efc=np.add.reduceat(np.abs(dsoc), starts) / 2.0,
        c_chg=np.divide(q_chg, t_chg, out=np.zeros_like(q_chg), where=t_chg > 0),
        dt_days=wsum / SECONDS_PER_DAY,
        soc_max=soc_max,
        soc_var=np.maximum(soc_sq - soc_mean * soc_mean, 0.0),
        charge_steps=np.add.reduceat(charging.astype(float), starts),
    )


def simulate_daily(stressors: DailyStressors, model: str = "nmc622", *, conserve_energy: bool = True) -> AgeingState:
    """Fast path for one cell through per-day stressors (arrays over days); returns the final state."""
    n_days = np.asarray(stressors.efc).size
    state = AgeingState.new(1, model)
    names = ("soc_mean", "temp_c", "dod", "efc", "c_chg", "dt_days", "soc_max", "soc_var", "charge_steps")
    arrays = {}
    for f in names:
        v = getattr(stressors, f)
        arrays[f] = None if v is None else np.broadcast_to(np.asarray(v, dtype=float), (n_days,))
    for d in range(n_days):
        day = {f: (None if v is None else v[d : d + 1]) for f, v in arrays.items()}
        state = age_batteries(state, DailyStressors(**day), conserve_energy=conserve_energy)
    return state
