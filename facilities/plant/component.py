"""The ``fourr_plant`` component: 4R Energy's process as SimPy processes with finite capacity.

Lots arrive into the intake (a :class:`~facilities.lots.PackStore`: a full intake stops the trucks).
Once a day (at 18:00) the plant

1. runs the **acceptance inspection** on what came in: packs that fail (damage, leaks; every pack of a
   crashed car) go straight to recycling;
2. admits packs to the **grading station** (``analysers`` channels, FIFO, test time per module) while the
   racks have room for them, and grades those whose test has finished: the fused SOH estimate goes on
   the passport, the **routing policy** picks reuse / refabricate / resell / recycle, and the station
   counts what misrouting costs (the simulation knows the truth);
3. stores usable packs on **racks** and loose modules on **shelves** (finite places, calendar ageing
   while stored; stock older than ``max_storage_days`` is recycled);
4. meets **orders** with the **refabrication line** (``refab_packs_per_day`` of disassembly and
   rebuilding): replacement packs for EVs come whole from the racks (re-used) or rebuilt from grade-A
   modules (remanufactured) — through :meth:`supply_packs`, the reuse channel a cohort calls; orders
   of second-life applications (Poisson arrivals per application) are met with whole packs or packs
   rebuilt from modules of their grade (repurposed) and sent to the ``second_life`` component; an
   order not met within ``order_patience_days`` is lost;
5. takes back, after ``warranty_return_days``, the packs it sold below the grade promised (warranty
   returns, with their refund, handling and transport).

Every move goes through the battery store (holders ``FACILITY:<name>.intake``, ``.inspection``,
``.grading``, ``.racks``, ``.shelves``, ``.refab``); every kg, kg of CO2 and yen through the 4R ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from facilities.ledgers import LedgerConfig, ledger
from facilities.lots import Lot, PackStore
from facilities.plant.fulfilment import plan_orders
from facilities.plant.grading import GradingStation
from facilities.plant.orders import OrderBook
from facilities.plant.params import PlantParams
from facilities.plant.stock import Stock
from facilities.policies.base import RoutingContext
from facilities.routes import ROUTE_NAMES, USABLE, Route
from simcore.battery.holders import HolderKind, PassportStatus
from simcore.battery.lifecycle import HandOffReason
from simcore.battery.soh import MeasurementModel
from simcore.component import Component
from simcore.trace import event_kind

#: the hour of the day at which the plant works through its queues (after the trucks at noon)
WORK_HOUR = 18.0
FAC = HolderKind.FACILITY


@dataclass
class WarrantyClaim:
    """Packs sold below the grade they were sold for: they come back at ``due_h``."""

    due_h: float
    ids: np.ndarray
    user: Any
    refund_jpy: float
    channel: str


class FourRPlant(Component):
    """Inspection, grading, routing, racks and shelves, refabrication, reuse and resale."""

    Params = PlantParams
    tick_order = 30
    events = {
        "fourr.routed": event_kind("a pack leaves inspection and grading on a route", per_entity=True,
                                   refs={"battery": "battery"}, battery="battery passport (battery:B000123)",
                                   route="the route it takes (reuse, refabrication, recycling, rejected...)",
                                   soh_est="estimated state of health, 0-1 (none when rejected before grading)",
                                   soh_sigma="standard deviation of the estimate, 0-1 (none when not graded)",
                                   true_soh="true state of health, 0-1"),
        "fourr.delivered": event_kind("packs leave the plant for a second life or a car", channel="resell, reuse or "
                                      "remanufacture", packs="how many", kwh="their nominal capacity, kWh",
                                      application="the second-life application (none for cars)", optional=["application"]),
        "fourr.warranty_return": event_kind("packs sold below their grade are taken back", channel="how they were "
                                            "sold", packs="how many came back", cost_jpy="refund and handling, JPY"),
    }

    # == set-up =====================================================================================
    def setup(self) -> None:
        p: PlantParams = self.params
        w = self.world
        self.store = store = w.batteries
        store.route_names.update(ROUTE_NAMES)
        self.h = {part: store.holders.register(FAC, f"{self.name}.{part}")
                  for part in ("intake", "inspection", "grading", "racks", "shelves", "refab")}
        self.customer_cars = store.holders.register(HolderKind.VEHICLE, f"{self.name}.customer_cars")
        self.ledger = ledger(w)
        self.ledger.configure(LedgerConfig(data_dir=p.data_dir, grid_kgco2_per_kwh=p.grid_kgco2_per_kwh,
                                           co2_basis=p.co2_basis, reference_pack_kwh=p.reference_pack_kwh,
                                           usd_jpy=p.usd_jpy))
        self.data = self.ledger.data
        self.rng_inspection = w.rng(f"{self.name}.inspection")
        self.rng_orders = w.rng(f"{self.name}.orders")
        self.rng_refab = w.rng(f"{self.name}.refab")
        self.intake = PackStore(w.env, store, (FAC, self.h["intake"]), p.intake_capacity_packs)
        self.policy = p.routing_policy()
        self.enabled_routes = np.array([int(Route[r.upper()]) for r in p.usable_routes], dtype=np.int8)
        mm = MeasurementModel(sigma_pct=p.measurement_sigma_pct, test_time_min_per_module=p.test_min_per_module,
                              reference_test_time_min=p.reference_test_min_per_module)
        self.grading = GradingStation(store, w.rng(f"{self.name}.grading"), p.analysers, p.test_min_per_module,
                                      p.service_time, mm, self.policy, p.accuracy_band)
        self.stock = Stock(p.rack_capacity_packs, p.shelf_capacity_modules)
        self.recycler = w.peer(p.recycler)
        self.second_life = w.peer(p.second_life) if p.second_life is not None else None
        self.orders = (OrderBook(self.data.applications, p.demand_scale, p.applications)
                       if self.second_life is not None else None)
        self.awaiting = np.zeros(0, dtype=np.int64)
        self.claims: list[WarrantyClaim] = []
        self.refab_budget = 0.0
        self._resell_price: float | None = None
        self.n = {k: 0 for k in ("received", "rejected", "reused", "remanufactured", "repurposed", "rebuilt",
                                 "rebuild_failed", "disassembled", "stock_expired", "warranty_returns",
                                 "reuse_requests", "reuse_unmet")}
        self.refab_hours = 0.0
        self.warranty_cost_jpy = 0.0
        rec = w.recorder
        self.s_racks = rec.add(f"{self.name}.racks_packs", "packs")
        self.s_shelves = rec.add(f"{self.name}.shelves_modules", "modules")
        self.s_queue = rec.add(f"{self.name}.grading_queue_packs", "packs")
        self.s_intake = rec.add(f"{self.name}.intake_packs", "packs")
        w.env.process(self._days())

    # == the battery-sink interface =================================================================
    def receive(self, ids: np.ndarray, t_h: float, reasons: np.ndarray) -> None:
        """Packs handed in directly (not by truck): they join the intake whatever its fill."""
        lot = Lot(ids, reasons, t_h)
        self.store.transfer(lot.ids, t_h, FAC, self.h["intake"])
        self.ledger.enter(lot.ids, t_h)
        self.intake.items.append(lot)
        self.intake.level += lot.size

    def accept_lot(self, lot: Lot):
        """A truck's lot: waits while the intake is full (a SimPy sub-process)."""
        self.ledger.enter(lot.ids, self.world.env.now)
        yield self.intake.put(lot)

    # == the day ====================================================================================
    def _days(self):
        env = self.world.env
        p: PlantParams = self.params
        for day in range(self.world.clock.days):
            t = day * 24.0 + WORK_HOUR
            if t > env.now:
                yield env.timeout(t - env.now)
            self._inspect(t)
            self._grade(t)
            if day % p.ageing_step_days == 0:
                self.stock.age(self.store, float(p.ageing_step_days), p.storage_temp_c, p.storage_soc)
            self._expire_stock(t)
            self.refab_budget = p.refab_packs_per_day
            if self.orders is not None:
                self.orders.arrive(self.rng_orders, t)
                self.orders.expire(t, p.order_patience_days)
                self._fill_orders(t)
                if self._open_modules_for_orders(t):
                    self._fill_orders(t)
            self._outside_reuse_orders(t)
            self._disassemble_for_refab(t)
            self._warranty_due(t)
            self._labour(t)
            self._record(t)

    def _inspect(self, t: float) -> None:
        """Lots leave the intake for inspection while the packs awaiting a test fit in the intake area
        (so a plant whose racks are full stops taking lots, and the trucks wait)."""
        room = self.params.intake_capacity_packs - self.awaiting.size
        lots = []
        while self.intake.items and (self.intake.items[0].size <= room or not lots and self.awaiting.size == 0):
            room -= self.intake.items[0].size
            lots.append(self.intake.take_one((FAC, self.h["inspection"])))
        lot = Lot.concat(lots)
        if lot.size == 0:
            return
        self.n["received"] += lot.size
        fail = (lot.tags == int(HandOffReason.ACCIDENT)) | (self.rng_inspection.random(lot.size) < self.params.inspection_fail_share)
        if fail.any():
            self.n["rejected"] += int(fail.sum())
            self.store.set_route(lot.ids[fail], int(Route.REJECTED), t)
            self._emit_routed(lot.ids[fail], np.full(int(fail.sum()), int(Route.REJECTED), np.int8), None, t)
            self._to_recycler(lot.ids[fail], t)
        self.awaiting = np.concatenate([self.awaiting, lot.ids[~fail]])

    def _grade(self, t: float) -> None:
        g = self.grading
        room = self.stock.free_racks - g.in_test
        if room > 0 and self.awaiting.size:
            admit, self.awaiting = self.awaiting[:room], self.awaiting[room:]
            self.store.transfer(admit, t, FAC, self.h["grading"])
            g.admit(admit, np.full(admit.size, t))
        done = g.done_by(t)
        if done.size == 0:
            return
        est = g.grade(done, t)
        values = self._values(done, est.pack_soh)
        context = RoutingContext(revenue_jpy=values, cost_jpy=self._costs(done),
                                 demand_share=self._demand_shares(), warranty_cost_jpy=self.params.warranty_handling_jpy)
        route, _ = g.route(done, est, context, self._cell_kg(done), self._values(done, self.store.soh(done)),
                           self.enabled_routes)
        self.store.set_route(done, route, t)
        self._emit_routed(done, route, est, t)
        kwh = self.store.col("nominal_kwh")[done]
        test_kwh = self.params.test_energy_kwh_per_kwh * kwh
        self.ledger.add_pack_co2(done, test_kwh * self.ledger.grid_kgco2_per_kwh, t, "grading")
        usable = np.isin(route, [int(r) for r in USABLE])
        if usable.any():
            keep = done[usable]
            self.store.transfer(keep, t, FAC, self.h["racks"])
            self.stock.add_packs(keep, route[usable], t)
        if (~usable).any():
            self._to_recycler(done[~usable], t)

    def _emit_routed(self, ids: np.ndarray, route: np.ndarray, est, t: float) -> None:
        """``fourr.routed`` per pack, built only when someone listens (breakpoints, tracing)."""
        w = self.world
        if not w.wants("fourr.routed"):
            return
        true_soh = self.store.soh(ids)
        for i, (b, r, s) in enumerate(zip(ids.tolist(), route.tolist(), true_soh.tolist())):
            w.emit("fourr.routed", self.name, battery=self.store.passport(b), route=ROUTE_NAMES[int(r)],
                   soh_est=None if est is None else float(est.pack_soh[i]),
                   soh_sigma=None if est is None else float(est.pack_sigma[i]), true_soh=s)

    # == values ===================================================================================
    def _new_pack_jpy_per_kwh(self, t: float) -> float:
        return float(self.ledger.jpy(self.data.pack_price_usd_per_kwh(self.ledger.year(t))))

    def _cell_kg(self, ids: np.ndarray) -> np.ndarray:
        return self.data.cell_kg_per_kwh[self.store.col("chemistry")[ids]] * self.store.col("nominal_kwh")[ids]

    def _resell_jpy_per_kwh(self) -> float:
        """Mean second-life price per kWh, weighted by each application's kWh demand."""
        if self._resell_price is None:
            apps = self.data.applications
            w = apps.col("orders_per_year") * apps.col("order_kwh")
            self._resell_price = float((apps.col("price_jpy_per_kwh") * w).sum() / w.sum()) if w.sum() > 0 else 0.0
        return self._resell_price

    def _values(self, ids: np.ndarray, soh: np.ndarray) -> dict[int, np.ndarray]:
        """What a pack earns on each route if sold (JPY), given its SOH."""
        p: PlantParams = self.params
        kwh = self.store.col("nominal_kwh")[ids]
        t = self.world.env.now
        reuse = p.reuse_price_ratio * self._new_pack_jpy_per_kwh(t) * kwh
        recycle = self.ledger.jpy(self.data.gate_fee_usd_per_kg[self.store.col("chemistry")[ids]]) * self._cell_kg(ids)
        return {int(Route.REUSE): reuse, int(Route.REFABRICATE): reuse,
                int(Route.RESELL): self._resell_jpy_per_kwh() * kwh * soh, int(Route.RECYCLE): recycle}

    def _costs(self, ids: np.ndarray) -> dict[int, np.ndarray]:
        kwh = self.store.col("nominal_kwh")[ids]
        refab = self.params.refab_cost_jpy_per_kwh * kwh
        return {int(Route.REFABRICATE): refab, int(Route.RESELL): refab}

    def _demand_shares(self) -> dict[int, float]:
        """Chance that stock on a route sells within a year, from recent demand against stock."""
        out = {}
        per_year = max(self.n["reuse_requests"] / max(self.world.env.now / 8766.0, 1.0), 0.0)
        stock_reuse = self.stock.packs_on_route(int(Route.REUSE)).size
        out[int(Route.REUSE)] = min(1.0, per_year / (stock_reuse + 1.0))
        out[int(Route.REFABRICATE)] = out[int(Route.REUSE)]
        if self.orders is not None:
            apps = self.data.applications
            kwh_year = float((self.orders.rate_per_day * 365.25 * apps.col("order_kwh")).sum())
            stock_kwh = float(self.store.col("nominal_kwh")[self.stock.packs_on_route(int(Route.RESELL))].sum())
            out[int(Route.RESELL)] = min(1.0, kwh_year / (stock_kwh + 1.0))
        else:
            out[int(Route.RESELL)] = 0.0
        return out

    # == stock ======================================================================================
    def _expire_stock(self, t: float) -> None:
        old_packs, old_modules = self.stock.older_than(t, self.params.max_storage_days)
        if old_packs.size:
            self.stock.remove_packs(old_packs)
            self.n["stock_expired"] += old_packs.size
            self._to_recycler(old_packs, t)
        if old_modules.size:
            self.stock.remove_modules(old_modules)
            self.recycler.receive_modules(old_modules, t)

    def _to_recycler(self, ids: np.ndarray, t: float) -> None:
        self.store.set_status(ids, PassportStatus.WASTE)
        self.recycler.receive(ids, t, np.full(ids.size, int(HandOffReason.VEHICLE_RETIRED), dtype=np.int8))

    # == the refabrication line =====================================================================
    def _disassemble(self, ids: np.ndarray, t: float) -> np.ndarray:
        """Packs from the racks taken apart: modules to the shelves, shells to recycling. Uses the budget."""
        ids = ids[: int(self.refab_budget)]
        if ids.size == 0:
            return ids
        self.refab_budget -= ids.size
        self.stock.remove_packs(ids)
        self.store.transfer(ids, t, FAC, self.h["refab"])
        slots = self.store.detach(ids, t, FAC, self.h["shelves"])
        mids = slots[slots >= 0]
        self.stock.add_modules(mids, t)
        self.n["disassembled"] += ids.size
        self.refab_hours += ids.size * self.params.refab_hours_per_pack / 2.0
        self._to_recycler(ids, t)  # the empty shells (cases, wiring, controller)
        return mids

    def _disassemble_for_refab(self, t: float) -> None:
        """Spare line capacity takes refabrication packs apart while the shelves have room."""
        cand = self.stock.packs_on_route(int(Route.REFABRICATE))
        if cand.size == 0 or self.refab_budget < 1:
            return
        per_pack = self.store.col("n_modules")[cand].astype(np.int64)
        fits = np.cumsum(per_pack) <= self.stock.free_shelves
        self._disassemble(cand[fits], t)

    def _build(self, padded: np.ndarray, t: float, status: PassportStatus) -> tuple[np.ndarray, np.ndarray]:
        """Packs from shelf modules (one row of module ids per new pack, -1 pads) through the line and its
        final test, in one batch.

        Returns the new pack ids and which passed the final test (those that failed are recycled). Each
        uses one slot of the day's line budget (the caller checks it)."""
        p: PlantParams = self.params
        groups = padded.shape[0]
        mids = padded[padded >= 0]
        self.refab_budget -= groups
        self.stock.remove_modules(mids)
        self.store.transfer_modules(mids, t, FAC, self.h["refab"])
        new = self.store.assemble(padded, t, FAC, self.h["refab"], status)
        grades = np.where(padded >= 0, self.store.mcol("grade_soh_est")[np.maximum(padded, 0)], 0.0)
        self.store.set_grade(new, grades.sum(axis=1) / (padded >= 0).sum(axis=1), np.full(groups, np.nan), t)
        kwh = self.store.col("nominal_kwh")[new]
        self.ledger.add_pack_co2(new, p.refab_energy_kwh_per_pack * self.ledger.grid_kgco2_per_kwh, t, "refabrication")
        self.ledger.add_money(-p.refab_cost_jpy_per_kwh * float(kwh.sum()), t, "refabrication")
        self.refab_hours += p.refab_hours_per_pack * groups
        self.n["rebuilt"] += groups
        passed = self.rng_refab.random(groups) < p.refab_final_test_yield
        if (~passed).any():
            self.n["rebuild_failed"] += int((~passed).sum())
            self._to_recycler(new[~passed], t)
        return new, passed

    def _shelf_modules(self, min_soh: float, chemistry: int | None = None,
                       module_kwh: float | None = None, tol: float = 0.05) -> np.ndarray:
        """Shelf modules graded at least ``min_soh`` (optionally of one chemistry and module size), best first."""
        mids = self.stock.modules
        if mids.size == 0:
            return mids
        est = self.store.mcol("grade_soh_est")[mids]
        ok = est >= min_soh
        if chemistry is not None:
            ok &= self.store.mcol("chemistry")[mids] == chemistry
        if module_kwh is not None:
            ok &= np.abs(self.store.mcol("nominal_kwh")[mids] - module_kwh) <= tol * module_kwh
        cand = mids[ok]
        return cand[np.argsort(-self.store.mcol("grade_soh_est")[cand], kind="stable")]

    # == the reuse channel: replacement packs for EVs ================================================
    def supply_packs(self, nominal_kwh: np.ndarray, t_h: float, user: Any = None) -> np.ndarray:
        """Used replacement packs for cars needing ``nominal_kwh`` packs: a pack id per request, -1 where
        none fits. Whole grade-A packs first (re-used), else one rebuilt from grade-A modules
        (remanufactured). The caller installs them; ``user.return_under_warranty(ids, t_h)`` is called
        later for packs below grade A."""
        p: PlantParams = self.params
        nominal_kwh = np.asarray(nominal_kwh, dtype=float)
        out = np.full(nominal_kwh.size, -1, dtype=np.int64)
        self.n["reuse_requests"] += nominal_kwh.size
        reuse_min = self.policy.thresholds().reuse_min_soh
        for i, want in enumerate(nominal_kwh.tolist()):
            cand = self.stock.packs_on_route(int(Route.REUSE))
            near = np.abs(self.store.col("nominal_kwh")[cand] - want) <= p.pack_match_tolerance * want
            if near.any():
                pid = int(cand[near][0])
                self.stock.remove_packs(np.array([pid]))
                self.store.set_status([pid], PassportStatus.REUSED)
                out[i] = pid
                self.n["reused"] += 1
                self._sold(np.array([pid]), t_h, "reuse", reuse_min, user)
                self.world.emit("fourr.delivered", self.name, channel="reuse", packs=1,
                                kwh=float(self.store.col("nominal_kwh")[pid]))
                continue
            pid = self._rebuild_ev_pack(want, reuse_min, t_h)
            if pid is not None:
                out[i] = pid
                self.n["remanufactured"] += 1
                self._sold(np.array([pid]), t_h, "remanufacture", reuse_min, user)
                self.world.emit("fourr.delivered", self.name, channel="remanufacture", packs=1,
                                kwh=float(self.store.col("nominal_kwh")[pid]))
        self.n["reuse_unmet"] += int((out < 0).sum())
        return out

    def _outside_reuse_orders(self, t: float) -> None:
        """Replacement packs for cars outside the simulation: whole grade-A packs, oldest stock first."""
        rate = self.params.reuse_orders_per_year
        if rate <= 0:
            return
        n = int(self.rng_orders.poisson(rate / 365.25))
        self.n["reuse_requests"] += n
        stock = self.stock.packs_on_route(int(Route.REUSE))[:n]
        self.n["reuse_unmet"] += n - stock.size
        if stock.size == 0:
            return
        self.stock.remove_packs(stock)
        self.store.set_status(stock, PassportStatus.REUSED)
        self.store.transfer(stock, t, HolderKind.VEHICLE, self.customer_cars)
        self.n["reused"] += stock.size
        self._sold(stock, t, "reuse", self.policy.thresholds().reuse_min_soh, self)
        self.world.emit("fourr.delivered", self.name, channel="reuse", packs=int(stock.size),
                        kwh=float(self.store.col("nominal_kwh")[stock].sum()))

    def return_under_warranty(self, ids: np.ndarray, t_h: float) -> np.ndarray:
        """Packs sold to outside cars come back (into the intake, to be inspected and graded again)."""
        back = ids[(self.store.col("holder_kind")[ids] == HolderKind.VEHICLE)
                   & (self.store.col("holder_id")[ids] == self.customer_cars)]
        if back.size:
            self.receive(back, t_h, np.full(back.size, int(HandOffReason.WARRANTY_RETURN), dtype=np.int8))
        return back

    def _rebuild_ev_pack(self, want_kwh: float, min_soh: float, t: float) -> int | None:
        """A replacement pack rebuilt from grade-A modules that came from packs of the wanted size."""
        mids = self._shelf_modules(min_soh)
        if mids.size == 0:
            return None
        origin = self.store.mcol("origin_pack")[mids]
        origin_kwh = self.store.col("nominal_kwh")[origin]
        fits = np.abs(origin_kwh - want_kwh) <= self.params.pack_match_tolerance * want_kwh
        mids = mids[fits]
        if mids.size == 0:
            return None
        chem = self.store.mcol("chemistry")[mids]
        k = max(int(round(want_kwh / float(self.store.mcol("nominal_kwh")[mids[0]]))), 1)
        if self.refab_budget < 1:
            return None
        for c in np.unique(chem):
            same = mids[chem == c]
            if same.size >= k:
                new, passed = self._build(same[:k][None, :], t, PassportStatus.REMANUFACTURED)
                return int(new[0]) if passed[0] else None
        return None

    def _sold(self, ids: np.ndarray, t: float, channel: str, promised_soh: float | np.ndarray, user: Any) -> None:
        """Revenue, avoided manufacturing, and a warranty claim for packs truly below what was promised."""
        kwh = self.store.col("nominal_kwh")[ids]
        price = (self.params.reuse_price_ratio * self._new_pack_jpy_per_kwh(t) * kwh if channel != "resell"
                 else self._resell_jpy_per_kwh() * kwh)
        self.ledger.add_money(float(price.sum()), t, f"revenue_{channel}")
        self.ledger.put_back_to_use(ids, t, channel)
        bad = self.store.soh(ids) < promised_soh
        if bad.any() and user is not None and hasattr(user, "return_under_warranty"):
            self.claims.append(WarrantyClaim(t + self.params.warranty_return_days * 24.0, ids[bad], user,
                                             float(price[bad].sum()), channel))

    # == second-life orders ==========================================================================
    def _fill_orders(self, t: float) -> None:
        """Plan today's orders against the stock (facilities.plant.fulfilment), then deliver in one batch."""
        o = self.orders
        if o.app.size == 0:
            return
        apps = self.data.applications
        min_soh = apps.col("min_module_soh")[o.app]
        packs = np.concatenate([self.stock.packs_on_route(int(r)) for r in (Route.RESELL, Route.REFABRICATE, Route.REUSE)])
        pack_est = self.store.col("grade_soh_est")[packs].astype(float)
        mods = self.stock.modules
        mod_est = self.store.mcol("grade_soh_est")[mods].astype(float)
        plan = plan_orders(o.app, o.placed_h, o.kwh, min_soh, packs, pack_est, self.store.col("nominal_kwh")[packs] * pack_est, mods,
                           self.store.mcol("chemistry")[mods], mod_est,
                           self.store.mcol("nominal_kwh")[mods].astype(float) * mod_est,
                           int(self.refab_budget), self.store.max_slots)
        met = np.zeros(o.app.size, dtype=bool)
        delivered: list[np.ndarray] = []
        delivered_row: list[np.ndarray] = []  # the order row of each delivered pack
        if plan.whole_pack.size:
            self.stock.remove_packs(plan.whole_pack)
            met[plan.whole_order] = True
            delivered.append(plan.whole_pack)
            delivered_row.append(plan.whole_order)
        if plan.builds:
            new, passed = self._build(plan.build_modules, t, PassportStatus.REPURPOSED)
            # packs that passed the final test are delivered; an order is met when all of its passed,
            # otherwise it stays open for the kWh still missing (a part delivery)
            failed = np.bincount(plan.build_order, weights=~passed, minlength=o.app.size) > 0
            met[plan.build_order[~failed[plan.build_order]]] = True
            delivered.append(new[passed])
            delivered_row.append(plan.build_order[passed])
            part = passed & failed[plan.build_order]
            if part.any():
                usable = self.store.col("nominal_kwh")[new[part]] * self.store.col("grade_soh_est")[new[part]]
                o.kwh -= np.bincount(plan.build_order[part], weights=usable, minlength=o.app.size)
                np.maximum(o.kwh, 1e-9, out=o.kwh)
        ids = np.concatenate(delivered) if delivered else np.zeros(0, dtype=np.int64)
        if ids.size == 0:
            return
        app = o.app[np.concatenate(delivered_row)]
        self.store.set_status(ids, PassportStatus.REPURPOSED)
        self._sold(ids, t, "resell", apps.col("min_module_soh")[app], self.second_life)
        self.second_life.install_many(ids, app, t)
        kwh = self.store.col("nominal_kwh")[ids]
        for a in np.unique(app).tolist():
            self.world.emit("fourr.delivered", self.name, channel="resell", packs=int((app == a).sum()),
                            kwh=float(kwh[app == a].sum()), application=apps.names[a])
        np.add.at(o.kwh_delivered, app, self.store.col("nominal_kwh")[ids])
        self.n["repurposed"] += ids.size
        o.close_many(np.flatnonzero(met))

    def _open_modules_for_orders(self, t: float) -> bool:
        """Orders still open (too small for whole packs): take packs of their grade apart for modules,
        half the line's remaining slots (the other half builds). True if anything was taken apart."""
        o = self.orders
        if o.app.size == 0 or self.refab_budget < 2:
            return False
        grade = float(self.data.applications.col("min_module_soh")[o.app].min())
        packs = np.concatenate([self.stock.packs_on_route(int(r)) for r in (Route.RESELL, Route.REFABRICATE, Route.REUSE)])
        packs = packs[self.store.col("grade_soh_est")[packs] >= grade]
        if packs.size == 0:
            return False
        need = float(o.kwh.sum())
        kwh = np.cumsum(self.store.col("nominal_kwh")[packs])
        n = min(int(np.searchsorted(kwh, need)) + 1, int(self.refab_budget // 2))
        per_pack = self.store.col("n_modules")[packs[:n]].astype(np.int64)
        n = int(np.searchsorted(np.cumsum(per_pack), self.stock.free_shelves, side="right"))
        return self._disassemble(packs[:n], t).size > 0

    # == warranty =====================================================================================
    def _warranty_due(self, t: float) -> None:
        due = [c for c in self.claims if c.due_h <= t]
        if not due:
            return
        self.claims = [c for c in self.claims if c.due_h > t]
        for c in due:
            returned = c.user.return_under_warranty(c.ids, t)
            n = int(np.asarray(returned).size) if returned is not None else c.ids.size
            self.n["warranty_returns"] += n
            cost = c.refund_jpy + n * self.params.warranty_handling_jpy
            self.warranty_cost_jpy += cost
            self.ledger.add_money(-cost, t, "warranty")
            self.world.emit("fourr.warranty_return", self.name, channel=c.channel, packs=n, cost_jpy=cost)

    # == running costs and series ====================================================================
    def _labour(self, t: float) -> None:
        p: PlantParams = self.params
        # assumption: staff work 8 h on 250 of 365 days
        self.ledger.add_money(-p.staff * 8.0 * p.wage_jpy_per_h * 250.0 / 365.0, t, "labour")

    def _record(self, t: float) -> None:
        tick = self.world.clock.tick_at(t)
        if tick >= self.world.clock.n_ticks:
            return
        self.s_racks[tick] = self.stock.packs.size
        self.s_shelves[tick] = self.stock.modules.size
        self.s_queue[tick] = self.grading.in_test + self.awaiting.size
        self.s_intake[tick] = self.intake.level

    # == observation =================================================================================
    def summary(self) -> dict[str, Any]:
        g = self.grading.stats
        days = max(self.world.env.now / 24.0, 1e-9)
        out: dict[str, Any] = {
            "fourr.received": self.n["received"], "fourr.rejected_at_inspection": self.n["rejected"],
            "fourr.misrouted_to_reuse": g.misrouted_to_reuse, "fourr.misrouted_to_recycling": g.misrouted_to_recycling,
            "fourr.misrouted_to_recycling_cost_mjpy": g.lost_value_jpy / 1e6,
            "fourr.misrouted_to_reuse_cost_mjpy": self.warranty_cost_jpy / 1e6,
            "fourr.warranty_returns": self.n["warranty_returns"],
            "fourr.graded": int(g.routed[[int(r) for r in (*USABLE, Route.RECYCLE)]].sum()),
            "fourr.grading_mae": g.abs_error_sum / max(g.graded, 1),
            "battery.soh_est_rmse": float(np.sqrt(g.sq_error_sum / g.graded)) if g.graded else float("nan"),
            "battery.soh_est_within_band": g.within_band / g.graded if g.graded else float("nan"),
            "fourr.reused": self.n["reused"], "fourr.remanufactured": self.n["remanufactured"],
            "fourr.repurposed": self.n["repurposed"], "fourr.rebuilt": self.n["rebuilt"],
            "fourr.rebuild_failed": self.n["rebuild_failed"], "fourr.disassembled": self.n["disassembled"],
            "fourr.stock_expired": self.n["stock_expired"],
            "fourr.reuse_requests": self.n["reuse_requests"], "fourr.reuse_unmet": self.n["reuse_unmet"],
            "fourr.station.grading.utilisation": self.grading.servers.busy_h / (self.params.analysers * days * 24.0),
            "fourr.station.grading.mean_wait_h": g.wait_h / g.tested if g.tested else 0.0,
            "fourr.station.refab.utilisation": self.refab_hours / max(self.params.refab_packs_per_day * days
                                                                      * self.params.refab_hours_per_pack, 1e-9),
            "fourr.racks_end": int(self.stock.packs.size), "fourr.shelves_end": int(self.stock.modules.size),
        }
        out["fourr.routed.rejected"] = self.n["rejected"]
        for r in (*USABLE, Route.RECYCLE):
            out[f"fourr.routed.{r.label}"] = int(g.routed[int(r)])
        if self.orders is not None:
            for a, name in enumerate(self.data.applications.names):
                out[f"fourr.orders.{name}.placed"] = int(self.orders.placed[a])
                out[f"fourr.orders.{name}.met"] = int(self.orders.met[a])
                out[f"fourr.orders.{name}.unmet"] = int(self.orders.unmet[a])
        return out

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        return {**super().inspect(None), **self.summary(), "awaiting_test": int(self.awaiting.size),
                "in_test": self.grading.in_test, "open_orders": int(self.orders.app.size) if self.orders else 0}
