"""Maps SimPy time (hours since scenario start) to calendar time and tick indices."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Clock:
    """The scenario horizon: ``start`` timestamp, ``days`` long, in ticks of ``tick_minutes``."""

    start: pd.Timestamp
    days: int
    tick_minutes: int = 15

    @property
    def tick_h(self) -> float:
        """Tick length in hours."""
        return self.tick_minutes / 60.0

    @property
    def ticks_per_day(self) -> int:
        return MINUTES_PER_DAY // self.tick_minutes

    @property
    def n_ticks(self) -> int:
        return self.days * self.ticks_per_day

    @property
    def horizon_h(self) -> float:
        return self.days * 24.0

    def tick_time_h(self, tick: int) -> float:
        """Start of tick ``tick`` in hours since scenario start (exact multiple, no drift)."""
        return tick * self.tick_minutes / 60.0

    def tick_at(self, hours: float) -> int:
        """Index of the tick containing time ``hours``."""
        return int(np.floor(hours * 60.0 / self.tick_minutes + 1e-9))

    def timestamp(self, hours: float) -> pd.Timestamp:
        return self.start + pd.Timedelta(minutes=round(hours * 60.0, 6))

    def hours_since_start(self, when: str | pd.Timestamp) -> float:
        """Hours from scenario start to ``when`` (a timestamp or ISO string)."""
        delta = pd.Timestamp(when) - self.start
        return delta.total_seconds() / 3600.0

    @cached_property
    def times(self) -> pd.DatetimeIndex:
        """Start timestamp of every tick."""
        return pd.date_range(self.start, periods=self.n_ticks, freq=pd.Timedelta(minutes=self.tick_minutes))

    @cached_property
    def hour_of_day(self) -> np.ndarray:
        """Clock hour (fractional) at the start of each tick."""
        minutes = (self.start.hour * 60 + self.start.minute + np.arange(self.n_ticks) * self.tick_minutes)
        return (minutes % MINUTES_PER_DAY) / 60.0

    def day_start(self, day: int) -> pd.Timestamp:
        return self.start.normalize() + pd.Timedelta(days=day)
