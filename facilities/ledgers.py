"""The 4R ledgers: materials, CO2 and money, by year and by route — one World service all facilities share.

* **Materials**: kg of Li, Ni, Co, Mn, Cu, Al and graphite that entered the 4R system (in), are still
  in it (held: modules not yet recycled), came out of recycling (recovered) or were lost there. Every
  module's content is fixed (``BatteryStore.module_materials_kg``), and a module is recycled once, so
  ``in = held + recovered + lost`` holds exactly; :meth:`mass_balance_rel_error` checks it from the
  store's holders, independently of the bookkeeping.
* **CO2**: manufacturing avoided by packs put back to use, process emissions per route (electricity at
  the scenario's grid intensity, fuels, reagents, process), transport. Each module carries the process
  CO2 spent on it, so a rebuilt pack's footprint is the sum of its modules' paths.
* **Money**: purchase of used packs, processing, revenue by channel (JPY).
"""

from __future__ import annotations

import functools

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from facilities.data import DATA_DIR, RECYCLING_ROUTES, FourRData, load_fourr_data
from simcore.battery.chemistry import MATERIALS
from simcore.battery.holders import HolderKind

if TYPE_CHECKING:
    from simcore.world import World

SERVICE = "fourr.ledger"
MJ_PER_KWH = 3.6


@dataclass(frozen=True)
class LedgerConfig:
    """How the ledgers price and count (set by the plant; sourced defaults in scenarios/data/fourr)."""

    data_dir: str = str(DATA_DIR)
    grid_kgco2_per_kwh: float | None = None  # None: the data's grid_japan factor
    co2_basis: str = "reference_2017"
    reference_pack_kwh: float = 24.0
    usd_jpy: float = 150.0


def ledger(world: World) -> FourRLedger:
    """The world's 4R ledger service."""
    return world.service(SERVICE, FourRLedger)


class FourRLedger:
    """Materials, CO2 and money of the 4R system for one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.config = LedgerConfig()
        self._data: FourRData | None = None
        self.years = np.array([world.clock.day_start(d).year for d in range(world.clock.days + 1)])
        self.materials = defaultdict(lambda: np.zeros(len(MATERIALS)))  # (year, what) -> kg
        self.recovered_by_route = defaultdict(lambda: np.zeros(len(MATERIALS)))  # (year, route) -> kg
        self.lost_by_route = defaultdict(lambda: np.zeros(len(MATERIALS)))
        self.co2 = defaultdict(float)  # (year, category) -> kg CO2
        self.money = defaultdict(float)  # (year, channel) -> JPY
        self.counts = defaultdict(int)  # (year, what) -> packs
        self.entered = np.zeros(0, dtype=bool)  # per module: entered the 4R system
        self.module_co2 = np.zeros(0)  # per module: process CO2 spent on it so far (kg)
        self.reuse_avoided_kg = 0.0
        self.reuse_process_kg = 0.0
        self.recycled_cathode_kg = defaultdict(float)  # route -> kg of cathode made (direct) or its metals (others)
        self.holder_kinds_4r: set[tuple[int, int]] = set()

    # -- configuration -----------------------------------------------------------------------------
    def configure(self, config: LedgerConfig) -> None:
        """The plant's settings (grid intensity, CO2 basis, exchange rate, data folder)."""
        if self._data is not None and config != self.config:
            raise ValueError("the 4R ledger was already used with another configuration")
        self.config = config
        self._explicit = True

    def offer_data_dir(self, data_dir: str) -> None:
        """A facility's data folder, used by the ledger unless a plant configured one."""
        if not getattr(self, "_explicit", False) and self._data is None:
            self.config = LedgerConfig(data_dir=str(data_dir))

    @property
    def data(self) -> FourRData:
        if self._data is None:
            self._data = load_fourr_data(self.config.data_dir)
        return self._data

    @property
    def grid_kgco2_per_kwh(self) -> float:
        g = self.config.grid_kgco2_per_kwh
        return float(self.data.factors["grid_japan"]) if g is None else float(g)

    def year(self, t_h: float) -> int:
        return int(self.years[min(int(t_h // 24), self.years.size - 1)])

    def jpy(self, usd: float | np.ndarray) -> float | np.ndarray:
        return usd * self.config.usd_jpy

    # -- energy and CO2 helpers -------------------------------------------------------------------
    def energy_co2_kg(self, electricity_mj: float | np.ndarray = 0.0, natural_gas_mj: float | np.ndarray = 0.0,
                      diesel_mj: float | np.ndarray = 0.0) -> float | np.ndarray:
        f = self.data.factors
        return (electricity_mj / MJ_PER_KWH * self.grid_kgco2_per_kwh + natural_gas_mj * f["natural_gas"]
                + diesel_mj * f["diesel"])

    def route_co2_per_kg_cells(self, route: str) -> float:
        """Process CO2 of a recycling route per kg of cells: energy at the grid intensity, reagents, process."""
        r = self.data.routes.values[route]
        return float(self.energy_co2_kg(r["electricity_mj_per_kg"], r["natural_gas_mj_per_kg"], r["diesel_mj_per_kg"])
                     + r["reagents_kgco2e_per_kg"] + r["process_kgco2_per_kg"])

    def manufacturing_co2_kg(self, nominal_kwh: np.ndarray) -> np.ndarray:
        """CO2 of making new packs of these sizes, on the configured basis."""
        return self._manufacturing_kgco2_per_kwh * np.asarray(nominal_kwh, dtype=float)

    @functools.cached_property
    def _manufacturing_kgco2_per_kwh(self) -> float:
        """The basis as kg CO2 per kWh of pack (a per-pack basis over the reference pack's size)."""
        b = self.data.co2_bases.loc[self.config.co2_basis]
        if not np.isnan(b["kgco2_per_pack"]):
            return float(b["kgco2_per_pack"]) / self.config.reference_pack_kwh
        return float(b["kgco2_per_kwh"])

    def cathode_co2_per_kg(self, chemistry: str = "NMC622") -> dict[str, float]:
        """Cradle-to-gate process CO2 of one kg of cathode: regenerated by the direct line, or new powder
        from precursors the hydro route recovered (all of each route's burden on its cathode: no
        allocation to the copper, aluminium and graphite it also recovers)."""
        d = self.data
        cells = d.cells.loc[chemistry]
        cathode_per_kg_cells = cells["cathode_kg_per_kwh"] * cells["cell_wh_per_kg"] / 1000.0
        routes = d.routes.table
        direct = self.route_co2_per_kg_cells("direct") / (cathode_per_kg_cells * routes.loc["direct", "recovery_ni"])
        p = d.powder
        powder = float(self.energy_co2_kg(p["electricity"], p["natural_gas"]) + p["naoh"] * p["naoh_factor"]
                       + p["nh4oh"] * p["nh4oh_factor"])
        hydro = self.route_co2_per_kg_cells("hydro") / (cathode_per_kg_cells * routes.loc["hydro", "recovery_ni"])
        return {"direct": float(direct), "conventional": float(hydro + powder), "powder": powder,
                "hydro_precursors": float(hydro)}

    # -- module bookkeeping -------------------------------------------------------------------------
    def _grow(self) -> None:
        n = self.world.batteries.n_modules_total
        if self.entered.size < n:
            grow = max(n, 2 * self.entered.size)
            self.entered = np.concatenate([self.entered, np.zeros(grow - self.entered.size, dtype=bool)])
            self.module_co2 = np.concatenate([self.module_co2, np.zeros(grow - self.module_co2.size)])

    def enter(self, pack_ids: np.ndarray, t_h: float) -> None:
        """Packs entering the 4R system (at collection): their modules' materials count as in."""
        store = self.world.batteries
        slots = store.module_ids(np.asarray(pack_ids, dtype=np.int64))
        mids = slots[slots >= 0]
        self._grow()
        new = mids[~self.entered[mids]]
        self.entered[new] = True
        self.materials[(self.year(t_h), "in")] += store.module_materials_kg(new).sum(axis=0)

    def add_pack_co2(self, pack_ids: np.ndarray, kg_per_pack: float | np.ndarray, t_h: float, category: str) -> None:
        """Process CO2 spent on packs: booked by year and category, and carried by their modules."""
        pack_ids = np.asarray(pack_ids, dtype=np.int64)
        kg = np.broadcast_to(np.asarray(kg_per_pack, dtype=float), pack_ids.shape)
        self.co2[(self.year(t_h), category)] += float(kg.sum())
        slots = self.world.batteries.module_ids(pack_ids)
        filled = slots >= 0
        count = np.maximum(filled.sum(axis=1), 1)
        self._grow()
        np.add.at(self.module_co2, slots[filled], np.repeat(kg / count, filled.sum(axis=1)))

    def add_module_co2(self, mids: np.ndarray, kg_per_module: float | np.ndarray, t_h: float, category: str) -> None:
        mids = np.asarray(mids, dtype=np.int64)
        kg = np.broadcast_to(np.asarray(kg_per_module, dtype=float), mids.shape)
        self.co2[(self.year(t_h), category)] += float(kg.sum())
        self._grow()
        np.add.at(self.module_co2, mids, kg)

    def add_co2(self, kg: float, t_h: float, category: str) -> None:
        self.co2[(self.year(t_h), category)] += float(kg)

    def add_money(self, jpy: float, t_h: float, channel: str) -> None:
        self.money[(self.year(t_h), channel)] += float(jpy)

    def count(self, t_h: float, what: str, n: int = 1) -> None:
        self.counts[(self.year(t_h), what)] += int(n)

    def put_back_to_use(self, pack_ids: np.ndarray, t_h: float, channel: str) -> None:
        """Packs delivered for reuse or a second life: the manufacturing they avoid, and what they cost."""
        pack_ids = np.asarray(pack_ids, dtype=np.int64)
        store = self.world.batteries
        avoided = self.manufacturing_co2_kg(store.col("nominal_kwh")[pack_ids])
        slots = store.module_ids(pack_ids)
        self._grow()
        spent = np.where(slots >= 0, self.module_co2[np.maximum(slots, 0)], 0.0).sum(axis=1)
        y = self.year(t_h)
        self.co2[(y, f"avoided_manufacturing_{channel}")] -= float(avoided.sum())
        self.reuse_avoided_kg += float(avoided.sum())
        self.reuse_process_kg += float(spent.sum())
        self.count(t_h, f"delivered_{channel}", pack_ids.size)

    def recycled(self, mids: np.ndarray, t_h: float, route: str, cathode_kg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Modules finished by a recycling route: their materials split into recovered and lost (kg)."""
        store = self.world.batteries
        kg = store.module_materials_kg(mids).sum(axis=0)
        share = self.data.routes.recovery()[RECYCLING_ROUTES.index(route)]
        recovered, lost = kg * share, kg * (1.0 - share)
        y = self.year(t_h)
        self.materials[(y, "recovered")] += recovered
        self.materials[(y, "lost")] += lost
        self.recovered_by_route[(y, route)] += recovered
        self.lost_by_route[(y, route)] += lost
        self.recycled_cathode_kg[route] += cathode_kg
        return recovered, lost

    # -- checks and results ------------------------------------------------------------------------
    def totals(self) -> dict[str, np.ndarray]:
        out = {k: np.zeros(len(MATERIALS)) for k in ("in", "recovered", "lost")}
        for (_, what), kg in self.materials.items():
            out[what] = out[what] + kg
        return out

    def held_kg(self) -> np.ndarray:
        """Materials of entered modules not yet recycled, read from the store's holders."""
        store = self.world.batteries
        self._grow()
        n = store.n_modules_total
        kind = store.mcol("holder_kind")
        held = self.entered[:n] & (kind != HolderKind.RECYCLED)
        return store.module_materials_kg(np.flatnonzero(held)).sum(axis=0)

    def mass_balance_rel_error(self) -> float:
        t = self.totals()
        total_in = t["in"].sum()
        if total_in == 0:
            return 0.0
        return float(abs(total_in - (self.held_kg().sum() + t["recovered"].sum() + t["lost"].sum())) / total_in)

    def recovery_rates(self) -> dict[str, float]:
        t = self.totals()
        out = {}
        for i, m in enumerate(MATERIALS):
            processed = t["recovered"][i] + t["lost"][i]
            out[m] = float(t["recovered"][i] / processed) if processed > 0 else float("nan")
        return out

    def summary_units(self) -> dict[str, str]:
        """Units of the KPIs whose names end in an element rather than a unit word."""
        units = {"materials.mass_balance_rel_error": "1", "co2.direct_vs_conventional_cathode": "1"}
        for m in MATERIALS:
            units.update({f"materials.in_kg.{m}": "kg", f"materials.recovered_kg.{m}": "kg",
                          f"materials.recovery.{m}": "1"})
        return units

    def summary(self) -> dict[str, Any]:
        if not self.entered.any():
            return {}
        t = self.totals()
        out: dict[str, Any] = {"materials.mass_balance_rel_error": self.mass_balance_rel_error()}
        for i, m in enumerate(MATERIALS):
            out[f"materials.in_kg.{m}"] = float(t["in"][i])
            out[f"materials.recovered_kg.{m}"] = float(t["recovered"][i])
        for m, rate in self.recovery_rates().items():
            out[f"materials.recovery.{m}"] = rate
        if self.reuse_avoided_kg > 0:
            out["co2.reuse_saving_share"] = 1.0 - self.reuse_process_kg / self.reuse_avoided_kg
        cath = self.cathode_co2_per_kg()
        out["co2.direct_vs_conventional_cathode"] = cath["direct"] / cath["conventional"] - 1.0
        out["co2.cathode_direct_kg_per_kg"] = cath["direct"]
        out["co2.cathode_conventional_kg_per_kg"] = cath["conventional"]
        co2_total = defaultdict(float)
        for (_, cat), kg in self.co2.items():
            co2_total[cat] += kg
        for cat, kg in sorted(co2_total.items()):
            out[f"co2.{cat}_t"] = kg / 1000.0
        money_total = defaultdict(float)
        for (_, ch), jpy in self.money.items():
            money_total[ch] += jpy
        for ch, jpy in sorted(money_total.items()):
            out[f"money.{ch}_mjpy"] = jpy / 1e6
        out["money.net_mjpy"] = sum(money_total.values()) / 1e6
        return out

    def yearly_tables(self) -> dict[str, pd.DataFrame]:
        """Materials by year and route with recovery next to the targets in force; CO2 and money by year."""
        rows = []
        for (y, what), kg in sorted(self.materials.items()):
            rows.append({"year": y, "flow": what, "route": "all", **dict(zip(MATERIALS, kg.tolist()))})
        for source, flow in ((self.recovered_by_route, "recovered"), (self.lost_by_route, "lost")):
            for (y, route), kg in sorted(source.items()):
                rows.append({"year": y, "flow": flow, "route": route, **dict(zip(MATERIALS, kg.tolist()))})
        materials = pd.DataFrame(rows)
        rec = []
        years = sorted({y for (y, w) in self.materials if w in ("recovered", "lost")})
        for y in years:
            r, lo = self.materials.get((y, "recovered")), self.materials.get((y, "lost"))
            if r is None or lo is None:
                continue
            targets = self.data.targets_in_force(y)
            for i, m in enumerate(MATERIALS):
                processed = r[i] + lo[i]
                row = {"year": y, "element": m, "recovery": r[i] / processed if processed > 0 else np.nan}
                for body in ("NEDO", "EU"):
                    row[f"target_{body.lower()}"] = targets.get((body, m), np.nan)
                rec.append(row)
        co2 = pd.DataFrame([{"year": y, "category": c, "kgco2": v} for (y, c), v in sorted(self.co2.items())])
        money = pd.DataFrame([{"year": y, "channel": c, "jpy": v} for (y, c), v in sorted(self.money.items())])
        counts = pd.DataFrame([{"year": y, "what": w, "packs": v} for (y, w), v in sorted(self.counts.items())])
        return {"materials": materials, "recovery_vs_targets": pd.DataFrame(rec), "co2": co2, "money": money,
                "counts": counts}

    def write_tables(self, folder: Path) -> None:
        if not self.entered.any():
            return
        for name, frame in self.yearly_tables().items():
            if len(frame):
                frame.to_parquet(Path(folder) / f"fourr_{name}_yearly.parquet", index=False)
