"""Racks of graded packs and shelves of graded modules: finite places, calendar ageing while stored."""

from __future__ import annotations

import numpy as np

from simcore.battery.ageing import DailyStressors


class Stock:
    """Packs on racks (with their route and when they came) and loose modules on shelves."""

    def __init__(self, rack_places: int, shelf_places: int) -> None:
        self.rack_places = int(rack_places)
        self.shelf_places = int(shelf_places)
        self.packs = np.zeros(0, dtype=np.int64)
        self.pack_route = np.zeros(0, dtype=np.int8)
        self.pack_since = np.zeros(0)
        self.modules = np.zeros(0, dtype=np.int64)
        self.module_since = np.zeros(0)

    # -- places -------------------------------------------------------------------------------------
    @property
    def free_racks(self) -> int:
        return self.rack_places - int(self.packs.size)

    @property
    def free_shelves(self) -> int:
        return self.shelf_places - int(self.modules.size)

    def add_packs(self, ids: np.ndarray, routes: np.ndarray, t_h: float) -> None:
        self.packs = np.concatenate([self.packs, ids])
        self.pack_route = np.concatenate([self.pack_route, np.broadcast_to(routes, ids.shape).astype(np.int8)])
        self.pack_since = np.concatenate([self.pack_since, np.full(ids.size, t_h)])

    def remove_packs(self, ids: np.ndarray) -> None:
        keep = ~np.isin(self.packs, ids)
        self.packs, self.pack_route, self.pack_since = self.packs[keep], self.pack_route[keep], self.pack_since[keep]

    def add_modules(self, mids: np.ndarray, t_h: float) -> None:
        self.modules = np.concatenate([self.modules, mids])
        self.module_since = np.concatenate([self.module_since, np.full(mids.size, t_h)])

    def remove_modules(self, mids: np.ndarray) -> None:
        keep = ~np.isin(self.modules, mids)
        self.modules, self.module_since = self.modules[keep], self.module_since[keep]

    def packs_on_route(self, route: int) -> np.ndarray:
        """Pack ids on the racks for ``route``, oldest first."""
        return self.packs[self.pack_route == route]

    def older_than(self, t_h: float, days: float) -> tuple[np.ndarray, np.ndarray]:
        """Packs and modules stored longer than ``days``."""
        limit = t_h - days * 24.0
        return self.packs[self.pack_since < limit], self.modules[self.module_since < limit]

    # -- ageing -------------------------------------------------------------------------------------
    def age(self, store, dt_days: float, temp_c: float, soc: float) -> None:
        """Calendar ageing of everything stored: packs on racks, and the shells loose modules follow."""
        held = np.zeros(len(store), dtype=bool)  # packs on the racks, and the shells of shelf modules
        held[self.packs] = True
        held[store.mcol("carrier")[self.modules]] = True
        ids = np.flatnonzero(held)
        if ids.size:
            store.age(ids, DailyStressors(soc_mean=soc, temp_c=temp_c, dod=0.0, efc=0.0, c_chg=0.0, dt_days=dt_days),
                      throughput_kwh=0.0)
