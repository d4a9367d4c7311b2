"""Lots of packs moving between facilities through SimPy stores that keep the battery store in step.

A :class:`PackStore` is a SimPy ``Store`` of :class:`Lot` items with a capacity counted in packs. Its
put and get are the one code path that moves batteries: a put transfers the lot's packs to the store's
holder, a get to the taker's holder, so a SimPy queue and the holder log never disagree. A put that
does not fit waits until enough packs have been taken out (a full rack holds collection back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import simpy
from simpy.core import BoundClass
from simpy.resources.base import Get

if TYPE_CHECKING:
    from simcore.battery.store import BatteryStore


@dataclass
class Lot:
    """Packs travelling together, with one tag per pack (a hand-off reason, a route code...)."""

    ids: np.ndarray
    tags: np.ndarray = field(default=None)  # type: ignore[assignment]
    made_h: float = 0.0

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=np.int64)
        self.tags = (np.zeros(self.ids.size, dtype=np.int8) if self.tags is None
                     else np.broadcast_to(np.asarray(self.tags, dtype=np.int8), self.ids.shape).copy())

    @property
    def size(self) -> int:
        return int(self.ids.size)

    @staticmethod
    def concat(lots: list[Lot]) -> Lot:
        if not lots:
            return Lot(np.zeros(0, np.int64))
        return Lot(np.concatenate([lot.ids for lot in lots]), np.concatenate([lot.tags for lot in lots]),
                   min(lot.made_h for lot in lots))


class PackGet(Get):
    """Take the next lot; its packs move to ``holder`` (kind, id) when the get succeeds."""

    def __init__(self, resource: PackStore, holder: tuple[int, int]) -> None:
        self.holder = holder
        super().__init__(resource)


class PackStore(simpy.Store):
    """A SimPy store of lots, holding at most ``capacity_packs`` packs, held in the battery store by
    ``holder`` (kind, id)."""

    def __init__(self, env: simpy.Environment, batteries: BatteryStore, holder: tuple[int, int],
                 capacity_packs: float = float("inf")) -> None:
        super().__init__(env)
        self.batteries = batteries
        self.holder = holder
        self.capacity_packs = capacity_packs
        self.level = 0

    get = BoundClass(PackGet)  # type: ignore[assignment]

    def fits(self, n: int) -> bool:
        """Whether ``n`` more packs fit now (an empty store takes any lot, so nothing larger blocks forever)."""
        return self.level + n <= self.capacity_packs or self.level == 0

    def _do_put(self, event: simpy.resources.store.StorePut) -> bool | None:
        lot: Lot = event.item
        if self.fits(lot.size):
            kind, hid = self.holder
            self.batteries.transfer(lot.ids, self._env.now, kind, hid)
            self.items.append(lot)
            self.level += lot.size
            event.succeed()
        return None

    def _do_get(self, event: PackGet) -> bool | None:  # type: ignore[override]
        if self.items:
            lot = self.items.pop(0)
            self.level -= lot.size
            kind, hid = event.holder
            self.batteries.transfer(lot.ids, self._env.now, kind, hid)
            event.succeed(lot)
        return None

    def take_one(self, holder: tuple[int, int]) -> Lot:
        """The first lot held, moved to ``holder`` at once (no waiting); frees its space."""
        lot = self.items.pop(0)
        self.level -= lot.size
        self.batteries.transfer(lot.ids, self._env.now, *holder)
        self._trigger_put(None)
        return lot

    def take_all(self, holder: tuple[int, int]) -> Lot:
        """Every lot held now, merged and moved to ``holder`` at once (no waiting); frees the space."""
        lots = list(self.items)
        self.items.clear()
        self.level = 0
        merged = Lot.concat(lots)
        if merged.size:
            self.batteries.transfer(merged.ids, self._env.now, *holder)
        self._trigger_put(None)  # room for waiting puts
        return merged
