"""Growable struct-of-arrays tables: named numpy columns sharing a row count, grown by doubling."""

from __future__ import annotations

import numpy as np


class Growable:
    """Named numpy columns sharing a row count; ``reserve`` appends rows (zeros, or the column's fill).

    Storage is zeroed memory that the OS hands out untouched, so capacity beyond the rows in use costs
    address space, not resident memory. That makes a large growth factor cheap: growing by
    :data:`GROWTH` copies each row about 1/(GROWTH-1) times over a run instead of once (at a million
    packs the copies were ~4 s of a 60 s run). A column's fill is written when its rows are reserved.
    """

    #: capacity multiplier when the rows in use outgrow it
    GROWTH = 4

    def __init__(self, specs: dict[str, tuple[np.dtype, tuple[int, ...]]], capacity: int = 1024,
                 fill: dict[str, float] | None = None) -> None:
        self._specs = specs
        self._fill = {k: v for k, v in (fill or {}).items() if v != 0}
        self.n = 0
        self.cols: dict[str, np.ndarray] = {k: np.zeros((max(capacity, 1), *shape), dtype=dt)
                                            for k, (dt, shape) in specs.items()}

    def reserve(self, extra: int) -> slice:
        """Append ``extra`` rows holding each column's fill; returns their slice."""
        need = self.n + extra
        cap = next(iter(self.cols.values())).shape[0]
        if need > cap:
            new_cap = max(need, self.GROWTH * cap)
            for k, a in self.cols.items():
                b = np.zeros((new_cap, *a.shape[1:]), dtype=a.dtype)
                b[: self.n] = a[: self.n]
                self.cols[k] = b
        sl = slice(self.n, need)
        for k, value in self._fill.items():
            self.cols[k][sl] = value
        self.n = need
        return sl

    def widen(self, name: str, width: int) -> None:
        """Give 2-D column ``name`` at least ``width`` columns (new cells hold the column's fill)."""
        a = self.cols[name]
        if a.ndim != 2 or a.shape[1] >= width:
            return
        b = np.zeros((a.shape[0], width), dtype=a.dtype)
        b[: self.n, : a.shape[1]] = a[: self.n]
        b[: self.n, a.shape[1]:] = self._fill.get(name, 0)  # rows reserved later get their fill then
        self.cols[name] = b

    def compact(self, keep: np.ndarray) -> None:
        """Keep only the rows where ``keep`` is true (in order)."""
        n = int(np.count_nonzero(keep))
        for k, a in self.cols.items():
            a[:n] = a[: self.n][keep]
        self.n = n

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name][: self.n]
