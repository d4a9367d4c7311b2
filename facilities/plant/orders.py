"""Orders for second-life packs: arrivals per application, waiting orders, and what could not be met."""

from __future__ import annotations

import numpy as np

from facilities.data import Applications


class OrderBook:
    """Open orders (application, kWh still needed, minimum module SOH, when placed) and the tallies."""

    def __init__(self, apps: Applications, scale: float) -> None:
        self.apps = apps
        self.rate_per_day = apps.col("orders_per_year") * scale / 365.25
        self.app = np.zeros(0, dtype=np.int64)
        self.kwh = np.zeros(0)
        self.placed_h = np.zeros(0)
        n = len(apps.names)
        self.placed = np.zeros(n, dtype=np.int64)
        self.met = np.zeros(n, dtype=np.int64)
        self.unmet = np.zeros(n, dtype=np.int64)
        self.kwh_delivered = np.zeros(n)

    def arrive(self, rng: np.random.Generator, t_h: float) -> None:
        """One day's new orders (Poisson per application)."""
        counts = rng.poisson(self.rate_per_day)
        if counts.sum() == 0:
            return
        apps = np.repeat(np.arange(counts.size), counts)
        self.app = np.concatenate([self.app, apps])
        self.kwh = np.concatenate([self.kwh, self.apps.col("order_kwh")[apps]])
        self.placed_h = np.concatenate([self.placed_h, np.full(apps.size, t_h)])
        self.placed += counts

    def expire(self, t_h: float, patience_days: float) -> None:
        """Orders waiting longer than their patience are lost (counted unmet)."""
        late = self.placed_h < t_h - patience_days * 24.0
        if late.any():
            self.unmet += np.bincount(self.app[late], minlength=self.placed.size)
            self._keep(~late)

    def close_many(self, rows: np.ndarray) -> None:
        """Orders at ``rows`` met in full."""
        if rows.size == 0:
            return
        self.met += np.bincount(self.app[rows], minlength=self.met.size)
        keep = np.ones(self.app.size, dtype=bool)
        keep[rows] = False
        self._keep(keep)

    def _keep(self, keep: np.ndarray) -> None:
        self.app, self.kwh, self.placed_h = self.app[keep], self.kwh[keep], self.placed_h[keep]
