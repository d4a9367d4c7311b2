"""The ``collection_point`` component: where retired EV batteries arrive, are graded, and are held.

This is the entry of the 4R facility model (later stages — reuse, refabrication, recycling — will take
batteries from here). Its hand-off interface, for any source of retired batteries:

``collection.receive(store, records)``
    ``store`` is the :class:`~simcore.battery.BatteryStore` the batteries live in; ``records`` the
    :class:`~simcore.battery.RetiredBatteries` table returned by :func:`~simcore.battery.hand_off`,
    called with ``to_kind=HolderKind.FACILITY, to_id=collection.site_id`` (so the store already shows
    the batteries here; ``receive`` checks it and raises ``ValueError`` otherwise). A source finds its
    collection point by component name (``world.components[name]``) in its own ``setup``.

On receipt the batteries are graded (``simcore.battery.soh.grade``: EIS-like measurement of every
module fused with the usage-history model) and held: they stay ``FACILITY:<site_id>`` in the store,
so they remain accounted. The grade is kept next to the ground truth of the hand-off record, which
gives the estimator's accuracy on the batteries that actually retire (``battery.soh_est_rmse``,
``battery.soh_est_within_5pct``). Events: ``collection.received`` per batch (count, reasons) and, when
someone listens or traces it, ``battery.graded`` per battery (``soh_est``, ``soh_sigma``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from facilities.collection_params import CollectionParams
from simcore.battery import BatteryStore, HandOffReason, HolderKind, MeasurementModel, RetiredBatteries, grade
from simcore.battery.lifecycle import handover_records
from simcore.component import Component


class CollectionPoint(Component):
    """Receives retired batteries, grades them and holds them (accounted) for the facility model."""

    Params = CollectionParams

    def setup(self) -> None:
        p: CollectionParams = self.params
        self.store = self.world.batteries
        self.site_id = self.store.holders.register(HolderKind.FACILITY, self.name)
        self.rng_grading = self.world.rng(f"{self.name}.grading")
        self.mm = MeasurementModel(sigma_pct=p.measurement_sigma_pct, test_time_min_per_module=p.test_min_per_module)
        self.batches: list[RetiredBatteries] = []
        self.est: list[np.ndarray] = []
        self.sigma: list[np.ndarray] = []
        self.test_min: list[np.ndarray] = []

    # -- the battery-sink interface ------------------------------------------------------------
    def receive(self, ids: np.ndarray, t_h: float, reasons: np.ndarray) -> None:
        """Take over packs ``ids`` (moved here now) handed off for ``reasons`` (HandOffReason codes)."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        store = self.store
        records = handover_records(store, ids, t_h, reasons, HolderKind.FACILITY, self.site_id)
        store.transfer(ids, t_h, HolderKind.FACILITY, self.site_id)
        self.batches.append(records)
        if self.params.grade_on_receipt:
            g = grade(store, ids, self.rng_grading, self.mm)
            self.est.append(g.pack_soh)
            self.sigma.append(g.pack_sigma)
            self.test_min.append(np.asarray(g.test_time_min, dtype=float) * np.ones(ids.size))
            if self.world.wants("battery.graded"):
                for b, e, s, t in zip(ids.tolist(), g.pack_soh.tolist(), g.pack_sigma.tolist(), records.true_soh.tolist()):
                    self.world.emit("battery.graded", self.name, battery=BatteryStore.passport(b), soh_est=e,
                                    soh_sigma=s, true_soh=t)
        reasons = np.bincount(records.reason.astype(np.int64), minlength=len(HandOffReason) + 1)
        self.world.emit("collection.received", self.name, count=int(ids.size),
                        **{HandOffReason(r).name.lower(): int(reasons[r]) for r in HandOffReason if reasons[r]})

    # -- observation ---------------------------------------------------------------------------
    def received(self) -> RetiredBatteries | None:
        """Every hand-off record received so far, stacked (None if nothing arrived)."""
        return RetiredBatteries.concat(self.batches) if self.batches else None

    def held_ids(self) -> np.ndarray:
        """Battery ids the store shows at this site now."""
        return self.store.held_by(HolderKind.FACILITY, self.site_id)

    def table(self) -> pd.DataFrame:
        """Received batteries: hand-off record plus the grade (``soh_est``, ``soh_sigma``)."""
        rec = self.received()
        if rec is None:
            return pd.DataFrame()
        df = rec.to_frame().drop(columns=["module_capacity_kwh"])
        if self.est:
            df["soh_est"] = np.concatenate(self.est)
            df["soh_sigma"] = np.concatenate(self.sigma)
            df["test_time_min"] = np.concatenate(self.test_min)
        return df

    def summary(self) -> dict[str, Any]:
        rec = self.received()
        n = 0 if rec is None else len(rec)
        out: dict[str, Any] = {"collection.received": n, "collection.held": int(self.held_ids().size)}
        if rec is not None:
            for r in HandOffReason:
                k = int(np.count_nonzero(rec.reason == r))
                if k:
                    out[f"collection.received_{r.name.lower()}"] = k
            out["collection.mean_true_soh"] = float(rec.true_soh.mean())
        if self.est:
            err = np.concatenate(self.est) - rec.true_soh
            out["battery.soh_est_rmse"] = float(np.sqrt(np.mean(err**2)))
            out["battery.soh_est_within_5pct"] = float(np.mean(np.abs(err) <= self.params.within_pct / 100.0))
            out["collection.test_hours"] = float(np.concatenate(self.test_min).sum() / 60.0)
        return out

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        return {**super().inspect(None), **self.summary()}

    def write_tables(self, folder: Path) -> None:
        df = self.table()
        if not df.empty:
            df.to_parquet(Path(folder) / f"{self.name}_received.parquet", index=False)
