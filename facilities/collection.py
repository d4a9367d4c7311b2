"""The ``collection_point`` component: used packs from dealers and dismantlers, trucked to the plant in lots.

Sources hand packs over with ``receive(ids, t_h, reasons)`` (the battery-sink interface; reasons are
``simcore.battery.HandOffReason`` codes). Packs wait at the collection point (holder
``FACILITY:<name>``) per source — dealers (replaced packs, warranty returns), dismantlers (retired
vehicles, accidents), second-life owners — until a truck is full or the oldest has waited
``max_wait_days``; then the lot leaves, costing transport CO2 and money, and is put into the next
facility's intake. A full intake blocks the put: the truck waits, and packs pile up here (a full
plant holds collection back). Packs at the end of their second life go to ``end_of_life_to``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from facilities.collection_params import CollectionParams
from facilities.data import load_fourr_data
from facilities.ledgers import ledger
from facilities.lots import Lot
from simcore.battery.holders import HolderKind
from simcore.battery.lifecycle import HandOffReason
from simcore.component import Component
from simcore.trace import event_kind

#: source of a pack by hand-off reason: 0 dealer, 1 dismantler, 2 second-life owner
SOURCE_OF_REASON = {int(HandOffReason.PACK_REPLACED): 0, int(HandOffReason.WARRANTY_RETURN): 0,
                    int(HandOffReason.VEHICLE_RETIRED): 1, int(HandOffReason.ACCIDENT): 1,
                    int(HandOffReason.VEHICLE_EXPORTED): 1, int(HandOffReason.SECOND_LIFE_ENDED): 2}
SOURCES = ("dealer", "dismantler", "second_life")
_SOURCE_LUT = np.array([SOURCE_OF_REASON.get(r, 1) for r in range(16)])
#: the hour of the day at which trucks leave (after the day's hand-offs at midnight)
DEPART_HOUR = 12.0


class CollectionPoint(Component):
    """Receives used packs, forms truck lots per source and ships them to the plant."""

    Params = CollectionParams
    events = {"collection.lot": event_kind("a truck leaves with a lot of used packs", origin="dealer, dismantler or "
                                           "second_life", packs="how many", to="the facility it goes to",
                                           kgco2="transport CO2 of the trip, kg")}

    def setup(self) -> None:
        p: CollectionParams = self.params
        w = self.world
        self.store = w.batteries
        self.site = self.store.holders.register(HolderKind.FACILITY, self.name)
        self.ledger = ledger(w)
        self.ledger.offer_data_dir(p.data_dir)
        self.data = load_fourr_data(p.data_dir)
        self.to = w.peer(p.to)
        self.eol_to = w.peer(p.end_of_life_to) if p.end_of_life_to is not None else self.to
        self.waiting: list[list[np.ndarray]] = [[] for _ in SOURCES]  # per source: ids, arrival, reason
        self.received = np.zeros(len(SOURCES), dtype=np.int64)
        self.shipped = 0
        self.lots = 0
        self.truck_wait_h = 0.0
        self.blocked_since: list[float | None] = [None] * len(SOURCES)  # per source: its truck waiting since
        self.s_waiting = w.recorder.add(f"{self.name}.waiting_packs", "packs")
        for s in range(len(SOURCES)):  # one truck line per source: a full plant does not hold back end-of-life packs
            w.env.process(self._trucks(s))
        w.env.process(self._record_waiting())

    # -- the battery-sink interface ----------------------------------------------------------------
    def receive(self, ids: np.ndarray, t_h: float, reasons: np.ndarray) -> None:
        """Take over packs handed in now for ``reasons`` (HandOffReason codes)."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        reasons = np.broadcast_to(np.asarray(reasons, dtype=np.int8), ids.shape)
        self.store.transfer(ids, t_h, HolderKind.FACILITY, self.site)
        self.ledger.enter(ids, t_h)
        p: CollectionParams = self.params
        if p.purchase_jpy_per_kwh:
            kwh = float(self.store.col("nominal_kwh")[ids].sum())
            self.ledger.add_money(-p.purchase_jpy_per_kwh * kwh, t_h, "purchase")
        src = _SOURCE_LUT[np.clip(reasons.astype(np.int64), 0, _SOURCE_LUT.size - 1)]
        for s in range(len(SOURCES)):
            pick = src == s
            if pick.any():
                self.waiting[s].append(np.stack([ids[pick], np.full(pick.sum(), int(t_h)), reasons[pick]]))
                self.received[s] += int(pick.sum())

    # -- trucks ------------------------------------------------------------------------------------
    def _queue(self, s: int) -> np.ndarray:
        if not self.waiting[s]:
            return np.zeros((3, 0), dtype=np.int64)
        q = np.concatenate(self.waiting[s], axis=1) if len(self.waiting[s]) > 1 else self.waiting[s][0]
        self.waiting[s] = [q]
        return q

    def _trucks(self, s: int):
        """The source's trucks: every day at DEPART_HOUR, full lots leave, and a part lot once its oldest
        pack has waited ``max_wait_days``; each waits at a full intake before the next leaves."""
        env = self.world.env
        p: CollectionParams = self.params
        for day in range(self.world.clock.days):
            t = day * 24.0 + DEPART_HOUR
            if t > env.now:
                yield env.timeout(t - env.now)
            while True:
                q = self._queue(s)
                n = q.shape[1]
                if n == 0 or (n < p.lot_size_packs and env.now - q[1, 0] < p.max_wait_days * 24.0):
                    break
                take = min(n, p.lot_size_packs)
                lot_ids, reasons = q[0, :take], q[2, :take].astype(np.int8)
                self.waiting[s] = [q[:, take:]]
                yield from self._ship(s, lot_ids, reasons)

    def _record_waiting(self):
        """Packs waiting here, each day after the trucks have left (or stopped at a full intake)."""
        env = self.world.env
        for day in range(self.world.clock.days):
            t = day * 24.0 + DEPART_HOUR + 1.0
            if t > env.now:
                yield env.timeout(t - env.now)
            tick = self.world.clock.tick_at(env.now)
            if tick < self.world.clock.n_ticks:
                self.s_waiting[tick] = float(sum(self._queue(i).shape[1] for i in range(len(SOURCES))))

    def _ship(self, source: int, ids: np.ndarray, reasons: np.ndarray):
        """One truck: transport CO2 and cost, then the (possibly waiting) put into the next intake."""
        p: CollectionParams = self.params
        env = self.world.env
        eol = source == 2
        dest = self.eol_to if eol else self.to
        km = p.distance_dealer_km if source == 0 else p.distance_dismantler_km
        chem = self.store.col("chemistry")[ids]
        t = float(np.sum(self.data.pack_kg_per_kwh[chem] * self.store.col("nominal_kwh")[ids])) / 1000.0
        kg_co2 = t * km * float(self.data.factors["truck"])
        per_pack = kg_co2 / ids.size
        self.ledger.add_pack_co2(ids, per_pack, env.now, "transport")
        self.ledger.add_money(-t * km * p.transport_jpy_per_t_km, env.now, "transport")
        self.world.emit("collection.lot", self.name, origin=SOURCES[source], packs=int(ids.size), to=dest.name,
                        kgco2=kg_co2)
        self.blocked_since[source] = env.now
        yield from dest.accept_lot(Lot(ids, reasons, env.now))
        self.truck_wait_h += env.now - self.blocked_since[source]
        self.blocked_since[source] = None
        self.shipped += ids.size
        self.lots += 1

    def accept_lot(self, lot: Lot):
        """A lot brought here (a SimPy sub-process, as any sink's): received at once."""
        self.receive(lot.ids, self.world.env.now, lot.tags)
        yield from ()

    # -- observation --------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {f"{self.name}.received_from_{s}": int(self.received[i]) for i, s in enumerate(SOURCES)}
        out.update({f"{self.name}.shipped": self.shipped, f"{self.name}.lots": self.lots,
                    f"{self.name}.held": int(self.store.held_by(HolderKind.FACILITY, self.site).size),
                    f"{self.name}.truck_wait_h": self.truck_wait_h + sum(
                        self.world.env.now - b for b in self.blocked_since if b is not None)})
        return out

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        return {**super().inspect(key), **self.summary()}
