"""Hourly shape tables turned into per-tick values.

A shape table has an ``hour`` column (0..23, each once) and one column per shape; the value in row
``h`` is the mean over the hour [h, h+1). Per-tick values interpolate linearly between hour midpoints
(periodically across midnight), so a 15-minute series is smooth and its hourly means stay close to the
table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from agents.fleet.tables import read_csv, resolve
from simcore.errors import InputError


def load_shape_columns(path: str | Path, columns: list[str], subdir: str = "") -> dict[str, np.ndarray]:
    """The named columns of a shape table as arrays of 24 non-negative values, ordered by hour."""
    p = resolve(path, subdir)
    df = read_csv(p, ["hour", *columns])
    hours = pd.to_numeric(df["hour"], errors="coerce")
    if hours.isna().any() or sorted(hours.astype(int).tolist()) != list(range(24)):
        raise InputError(p, "hour", df["hour"].tolist()[:5], "each hour 0..23 exactly once")
    order = np.argsort(hours.to_numpy())
    out = {}
    for c in columns:
        v = pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=np.float64)[order]
        bad = np.flatnonzero(~np.isfinite(v) | (v < 0))
        if bad.size:
            raise InputError(p, f"{c}[hour {int(bad[0])}]", df[c].iloc[order[bad[0]]], "a number >= 0")
        out[c] = v
    return out


def at_hours(shape24: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Values of an hourly-mean shape at clock hours ``hours`` (0..24), interpolated between midpoints."""
    x = np.concatenate([[-0.5], np.arange(24) + 0.5, [24.5]])
    y = np.concatenate([[shape24[-1]], shape24, [shape24[0]]])
    return np.interp(np.mod(hours, 24.0), x, y)
