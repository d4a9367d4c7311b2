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
                fill = self._fill.get(k, 0)
                # zeroed memory comes from the OS untouched (no pass over the new rows)
                b = np.zeros((new_cap, *a.shape[1:]), dtype=a.dtype) if fill == 0 else np.empty(
                    (new_cap, *a.shape[1:]), dtype=a.dtype)
                b[: self.n] = a[: self.n]
                if fill != 0:
                    b[self.n:] = fill
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

    def compact(self, keep: np.ndarray) -> None:
        """Keep only the rows where ``keep`` is true (in order)."""
        n = int(np.count_nonzero(keep))
        for k, a in self.cols.items():
            a[:n] = a[: self.n][keep]
        self.n = n

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name][: self.n]
