"""The ``recycling_plant`` component: packs dismantled to modules, then the direct line or a conventional one.

Packs (``receive``) and loose modules (``receive_modules``) wait in the yard. Once a day the plant
dismantles the packs (their empty shells are scrapped as ``RECYCLED:<name>.shells``), sends each module
to the **direct line** when its chemistry suits it and its cathode is healthy enough, else to the
**conventional line** (hydro or pyro), each taking at most its capacity in kg of cells per day, first
come first served. The direct line runs stage by stage (``direct_line_stages.csv``: pretreatment, binder
dissolution, flotation, relithiation, regeneration — time, electricity and cathode loss per stage); the
regenerated cathode's capacity follows the cathode health that came in. Finished modules end as
``RECYCLED:<name>.<route>`` (their identity kept to the recycled cathode), and the ledger books the
materials recovered and lost, the process CO2 and the value recovered.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from facilities.data import RECYCLING_ROUTES
from facilities.ledgers import MJ_PER_KWH, ledger
from facilities.lots import Lot
from facilities.recycling_params import RecyclingParams
from simcore.battery.chemistry import CHEMISTRY_CODE, MATERIALS
from simcore.battery.holders import HolderKind
from simcore.component import Component

WORK_HOUR = 20.0
FAC = HolderKind.FACILITY


class RecyclingPlant(Component):
    """Dismantling, a direct cathode line and a conventional line, with finite daily capacity."""

    Params = RecyclingParams

    def setup(self) -> None:
        p: RecyclingParams = self.params
        w = self.world
        self.store = w.batteries
        self.ledger = ledger(w)
        self.data = self.ledger.data
        reg = self.store.holders.register
        self.yard = reg(FAC, f"{self.name}.yard")
        self.line = {r: reg(FAC, f"{self.name}.{r}_line") for r in ("direct", "conventional")}
        self.out = {r: reg(HolderKind.RECYCLED, f"{self.name}.{r}") for r in RECYCLING_ROUTES}
        self.shells = reg(HolderKind.RECYCLED, f"{self.name}.shells")
        self.packs_waiting = np.zeros(0, dtype=np.int64)
        self.queue = {"direct": np.zeros(0, dtype=np.int64), "conventional": np.zeros(0, dtype=np.int64)}
        self.in_process: list[tuple[float, str, np.ndarray, np.ndarray]] = []  # (done_h, route, modules, health)
        self.direct_chem = np.array([CHEMISTRY_CODE[c] for c in p.direct_chemistries], dtype=np.int8)
        self.kg_cells_per_kwh = self.data.cell_kg_per_kwh
        self.done_kg = {r: 0.0 for r in RECYCLING_ROUTES}
        self.modules_done = {r: 0 for r in RECYCLING_ROUTES}
        self.cathode_kg = 0.0
        self.capacity_recovery: list[np.ndarray] = []
        self.packs_dismantled = 0
        self.busy_kg = {"direct": 0.0, "conventional": 0.0}
        stages = self.data.direct_stages
        self.stage_lead_h = float(stages["time_h"].sum())
        self.stage_kg = np.zeros(len(stages))
        self.s_queue = w.recorder.add(f"{self.name}.queue_kg", "kg")
        w.env.process(self._days())

    # -- the battery- and module-sink interface -------------------------------------------------------
    def receive(self, ids: np.ndarray, t_h: float, reasons: np.ndarray) -> None:
        """Packs handed in (reasons are kept in the holder log only): they wait in the yard."""
        ids = np.asarray(ids, dtype=np.int64)
        if ids.size == 0:
            return
        self.store.transfer(ids, t_h, FAC, self.yard)
        self.ledger.enter(ids, t_h)  # packs not collected first (e.g. rejects handed straight here)
        self.packs_waiting = np.concatenate([self.packs_waiting, ids])

    def receive_modules(self, mids: np.ndarray, t_h: float) -> None:
        """Loose modules handed in (from a plant's shelves)."""
        mids = np.asarray(mids, dtype=np.int64)
        if mids.size:
            self.store.transfer_modules(mids, t_h, FAC, self.yard)
            self._choose_routes(mids, t_h)

    def accept_lot(self, lot: Lot):
        self.receive(lot.ids, self.world.env.now, lot.tags)
        yield from ()

    # -- the day ----------------------------------------------------------------------------------
    def _days(self):
        env = self.world.env
        for day in range(self.world.clock.days):
            t = day * 24.0 + WORK_HOUR
            if t > env.now:
                yield env.timeout(t - env.now)
            self._dismantle(t)
            for route in ("direct", "conventional"):
                self._start(route, t)
            self._finish(t)
            tick = self.world.clock.tick_at(t)
            if tick < self.world.clock.n_ticks:
                self.s_queue[tick] = float(sum(self._kg(q).sum() for q in self.queue.values()))

    def _kg(self, mids: np.ndarray) -> np.ndarray:
        """kg of cells in each module."""
        return self.kg_cells_per_kwh[self.store.mcol("chemistry")[mids]] * self.store.mcol("nominal_kwh")[mids]

    def _dismantle(self, t: float) -> None:
        ids = self.packs_waiting
        if ids.size == 0:
            return
        self.packs_waiting = np.zeros(0, dtype=np.int64)
        slots = self.store.detach(ids, t, FAC, self.yard)
        self.store.transfer(ids, t, HolderKind.RECYCLED, self.shells)
        self.packs_dismantled += ids.size
        self.ledger.add_money(-ids.size * self.params.dismantling_hours_per_pack * self.params.wage_jpy_per_h, t,
                              "recycling_dismantling")
        mids = slots[slots >= 0]
        if mids.size:
            self._choose_routes(mids, t)

    def _choose_routes(self, mids: np.ndarray, t: float) -> None:
        p: RecyclingParams = self.params
        carrier = self.store.mcol("carrier")[mids]
        direct = np.zeros(mids.size, dtype=bool)
        if p.direct_enabled and p.direct_capacity_kg_per_day > 0:
            direct = np.isin(self.store.mcol("chemistry")[mids], self.direct_chem)
            direct &= self.store.cathode_health(carrier) >= p.direct_min_cathode_health
        self.queue["direct"] = np.concatenate([self.queue["direct"], mids[direct]])
        self.queue["conventional"] = np.concatenate([self.queue["conventional"], mids[~direct]])

    def _start(self, line: str, t: float) -> None:
        """Take up to the line's daily capacity from its queue, first come first served."""
        p: RecyclingParams = self.params
        q = self.queue[line]
        if q.size == 0:
            return
        cap = p.direct_capacity_kg_per_day if line == "direct" else p.conventional_capacity_kg_per_day
        kg = self._kg(q)
        n = max(int(np.searchsorted(np.cumsum(kg), cap, side="right")), 1 if kg[0] > cap else 0)
        if n == 0:
            return
        batch, self.queue[line] = q[:n], q[n:]
        self.store.transfer_modules(batch, t, FAC, self.line[line])
        self.busy_kg[line] += float(kg[:n].sum())
        health = self.store.cathode_health(self.store.mcol("carrier")[batch])
        route = "direct" if line == "direct" else p.conventional_route
        lead_h = self.stage_lead_h if line == "direct" else p.conventional_lead_days * 24.0
        self.in_process.append((t + lead_h, route, batch, health))

    def _finish(self, t: float) -> None:
        done = [b for b in self.in_process if b[0] <= t]
        if not done:
            return
        self.in_process = [b for b in self.in_process if b[0] > t]
        for _, route, mids, health in done:
            self._complete(route, mids, health, t)

    def _complete(self, route: str, mids: np.ndarray, health: np.ndarray, t: float) -> None:
        p: RecyclingParams = self.params
        d = self.data
        kg = self._kg(mids)
        total_kg = float(kg.sum())
        chem = self.store.mcol("chemistry")[mids]
        cathode_kg = 0.0
        if route == "direct":
            recovery = d.routes.values["direct"]["recovery_ni"]
            cathode_in = d.cathode_kg_per_kwh[chem] * self.store.mcol("nominal_kwh")[mids]
            cathode_kg = float((cathode_in * recovery).sum())
            self.cathode_kg += cathode_kg
            self.capacity_recovery.append(1.0 - p.structural_loss_share * (1.0 - health))
            self.stage_kg += total_kg
            value = float((d.cathode_value_usd_per_kg[chem] * cathode_in * recovery).sum())
            value += self._metals_value(mids, route, exclude=("li", "ni", "co", "mn"))
        else:
            value = self._metals_value(mids, route)
        self.store.transfer_modules(mids, t, HolderKind.RECYCLED, self.out[route])
        self.ledger.recycled(mids, t, route, cathode_kg)
        self.ledger.add_module_co2(mids, kg * self.ledger.route_co2_per_kg_cells(route), t, f"recycling_{route}")
        r = d.routes.values[route]
        self.ledger.add_money(float(self.ledger.jpy(value)), t, f"revenue_recycling_{route}")
        self.ledger.add_money(-total_kg * r["electricity_mj_per_kg"] / MJ_PER_KWH * p.electricity_jpy_per_kwh, t,
                              f"recycling_{route}_energy")
        self.done_kg[route] += total_kg
        self.modules_done[route] += mids.size

    def _metals_value(self, mids: np.ndarray, route: str, exclude: tuple[str, ...] = ()) -> float:
        """USD of the elements a route recovers (the cathode metals of the direct line excluded)."""
        kg = self.store.module_materials_kg(mids).sum(axis=0)
        share = self.data.routes.recovery()[RECYCLING_ROUTES.index(route)]
        price = self.data.material_value_usd_per_kg
        keep = np.array([m not in exclude for m in MATERIALS])
        return float((kg * share * price * keep).sum())

    # -- observation ----------------------------------------------------------------------------------
    def stage_table(self) -> pd.DataFrame:
        """The direct line stage by stage: cells through it, electricity and cathode lost per stage."""
        st = self.data.direct_stages
        r = self.data.routes.table.loc["direct"]
        kg = self.done_kg["direct"]
        cathode_lost = (1.0 - r["recovery_ni"]) * st["loss_share"].to_numpy()
        return pd.DataFrame({"stage": st["stage"], "time_h": st["time_h"], "cells_kg": kg,
                             "electricity_mj": kg * r["electricity_mj_per_kg"] * st["electricity_share"].to_numpy(),
                             "cathode_lost_share": cathode_lost})

    def summary(self) -> dict[str, Any]:
        days = max(self.world.env.now / 24.0, 1e-9)
        out: dict[str, Any] = {"recycling.packs_dismantled": self.packs_dismantled,
                               "recycling.cathode_regenerated_kg": self.cathode_kg}
        for r in RECYCLING_ROUTES:
            out[f"recycling.{r}.cells_kg"] = self.done_kg[r]
            out[f"recycling.{r}.modules"] = self.modules_done[r]
        p: RecyclingParams = self.params
        if p.direct_capacity_kg_per_day > 0:
            out["recycling.direct.utilisation"] = self.busy_kg["direct"] / (p.direct_capacity_kg_per_day * days)
        out["recycling.conventional.utilisation"] = self.busy_kg["conventional"] / (
            p.conventional_capacity_kg_per_day * days)
        out["recycling.queue_kg_end"] = float(sum(self._kg(q).sum() for q in self.queue.values()))
        if self.capacity_recovery:
            rec = np.concatenate(self.capacity_recovery)
            out["recycling.direct.capacity_recovery_mean"] = float(rec.mean())
            out["recycling.direct.capacity_recovery_p10"] = float(np.quantile(rec, 0.1))
        return out

    def write_tables(self, folder) -> None:
        if self.done_kg["direct"] > 0:
            self.stage_table().to_parquet(folder / f"{self.name}_direct_stages.parquet", index=False)

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        return {**super().inspect(None), **self.summary()}
