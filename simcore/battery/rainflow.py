"""Rainflow cycle counting (ASTM E1049-85, section 5.4.4) of a SOC series: where its cycles end.

The reference ageing path cuts a series into degradation windows at the samples where a counted
cycle (full or half) ends, as BLAST-Lite does. Reversals are found with numpy; the three-point
stack runs over reversals only (a few per day), so a 10-year hourly series takes milliseconds.
"""

from __future__ import annotations

import numpy as np


def reversal_indices(x: np.ndarray) -> np.ndarray:
    """Indices of the series' turning points: first and last sample and every sign change of the slope.

    Flat stretches are skipped; a turning point on a plateau is its last sample (the one before the
    series moves away from it).
    """
    x = np.asarray(x, dtype=float)
    if x.size < 2:
        return np.arange(x.size)
    d = np.diff(x)
    moving = np.flatnonzero(d != 0)
    if moving.size == 0:
        return np.array([0, x.size - 1])
    s = np.sign(d[moving])
    flips = np.flatnonzero(s[1:] != s[:-1])
    return np.concatenate([[0], moving[flips + 1], [x.size - 1]])


def cycle_end_indices(x: np.ndarray) -> np.ndarray:
    """Sorted, unique sample indices at which a rainflow cycle or half-cycle of ``x`` ends."""
    x = np.asarray(x, dtype=float)
    rev = reversal_indices(x)
    values = x[rev].tolist()
    idx = rev.tolist()
    ends: list[int] = []
    stack_i: list[int] = []
    stack_v: list[float] = []
    for i, v in zip(idx, values):
        stack_i.append(i)
        stack_v.append(v)
        while len(stack_v) >= 3:
            newest = abs(stack_v[-1] - stack_v[-2])
            previous = abs(stack_v[-2] - stack_v[-3])
            if newest < previous:
                break
            if len(stack_v) == 3:
                # the range holding the starting point is a half cycle: it ends at the second point
                ends.append(stack_i[1])
                del stack_i[0], stack_v[0]
            else:
                # a full cycle between the two points before the newest one; it ends at the later one
                ends.append(stack_i[-2])
                del stack_i[-3:-1], stack_v[-3:-1]
    ends.extend(stack_i[1:])  # what is left are half cycles, each ending at its second point
    return np.unique(np.asarray(ends, dtype=np.int64))
