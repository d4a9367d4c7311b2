"""Per-tick time series: one preallocated float array per series, written by index by its owner.

Writing ``series[tick] = value`` costs nanoseconds, so recording never dominates a tick even for a
regional fleet. The recorder turns the arrays into a DataFrame with a ``time`` column at the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class Recorder:
    """Holds named per-tick series of equal length (the number of ticks in the horizon)."""

    def __init__(self, times: pd.DatetimeIndex) -> None:
        self.times = times
        self._series: dict[str, np.ndarray] = {}
        self.units: dict[str, str] = {}

    @property
    def n_ticks(self) -> int:
        return len(self.times)

    def add(self, name: str, unit: str, fill: float = np.nan) -> np.ndarray:
        """Allocate a series and return its array; the owner writes ``arr[tick] = value``."""
        if name in self._series:
            raise ValueError(f"series {name!r} is already recorded")
        arr = np.full(self.n_ticks, fill, dtype=np.float64)
        self._series[name] = arr
        self.units[name] = unit
        return arr

    def __getitem__(self, name: str) -> np.ndarray:
        return self._series[name]

    def __contains__(self, name: str) -> bool:
        return name in self._series

    def names(self) -> list[str]:
        return list(self._series)

    def frame(self, upto_tick: int | None = None) -> pd.DataFrame:
        """Series as columns (sorted by name) after a ``time`` column; ``upto_tick`` trims the rows."""
        n = self.n_ticks if upto_tick is None else upto_tick
        data = {"time": self.times[:n]}
        for name in sorted(self._series):
            data[name] = self._series[name][:n]
        return pd.DataFrame(data)
