"""Growable struct-of-arrays tables: named numpy columns sharing a row count, grown by doubling."""

from __future__ import annotations

import numpy as np


class Growable:
    """Named numpy columns sharing a row count; ``reserve`` appends rows (zeros, or the column's fill)."""

    def __init__(self, specs: dict[str, tuple[np.dtype, tuple[int, ...]]], capacity: int = 1024,
                 fill: dict[str, float] | None = None) -> None:
        self._specs = specs
        self._fill = dict(fill or {})
        self.n = 0
        self.cols: dict[str, np.ndarray] = {}
        for k, (dt, shape) in specs.items():
            self.cols[k] = np.full((max(capacity, 1), *shape), self._fill.get(k, 0), dtype=dt)

    def reserve(self, extra: int) -> slice:
        """Append ``extra`` rows; returns their slice."""
        need = self.n + extra
        cap = next(iter(self.cols.values())).shape[0]
        if need > cap:
            new_cap = max(need, 2 * cap)
            for k, a in self.cols.items():
                b = np.full((new_cap, *a.shape[1:]), self._fill.get(k, 0), dtype=a.dtype)
                b[: self.n] = a[: self.n]
                self.cols[k] = b
        sl = slice(self.n, need)
        self.n = need
        return sl

    def widen(self, name: str, width: int) -> None:
        """Give 2-D column ``name`` at least ``width`` columns (new cells hold the column's fill)."""
        a = self.cols[name]
        if a.ndim != 2 or a.shape[1] >= width:
            return
        b = np.full((a.shape[0], width), self._fill.get(name, 0), dtype=a.dtype)
        b[:, : a.shape[1]] = a
        self.cols[name] = b

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name][: self.n]
