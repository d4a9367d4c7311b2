"""The cohort model: EVs sold year by year, each with a battery in a store, stepped one day at a time.

World-independent (the ``ev_cohort`` component wires it to the clock, events and the collection point).
A day ``d`` (the interval [24 d, 24 d + 24) hours) is three vector steps over the EVs on the road:

1. **exits** at the start of the day, from the state aged through the day before: vehicle retirement
   (age-based Weibull survival), export of used EVs (constant hazard above a minimum age) and pack
   replacement below the SOH threshold (``simcore.battery.lifecycle``); every released battery is
   handed off (``hand_off``) — retired and replaced packs to the collection point, exported ones to
   ``HolderKind.EXPORTED`` — and the new pack is a new battery in the store;
2. **sales** of the day: new EVs with new batteries (chemistry and pack size of the sale year);
3. **use and ageing**: each EV drives a distance drawn around its own mean, plugs in at night when its
   SOC fell below its own threshold and charges to its own target; the day's SOC stressors (DOD, mean
   SOC, EFC, charging C-rate) and cell temperature (monthly ambient + the EV's pack offset) age its
   pack with the fast path.

State is arrays over EVs (struct of arrays); nothing loops over EVs in Python except building the
events of the few EVs that exit on a day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.lifecycle.params import CohortParams
from agents.lifecycle.sales import CohortDraw
from simcore.battery import (BatteryStore, DailyStressors, HandOffReason, HolderKind, RetiredBatteries,
                             VehicleLifeParams)
from simcore.battery.lifecycle import handover_records
from simcore.battery.chemistry import CHEMISTRIES
from simcore.battery.climate import ambient_c
from simcore.battery.lifecycle import draw_exports, draw_retirements, pack_replacement_due

DAYS_PER_YEAR = 365.25
UNSOLD, ON_ROAD, RETIRED, EXPORTED = 0, 1, 2, 3
STATUS_NAMES = ("unsold", "on_road", "retired", "exported")

#: ``sink(kind, payload)`` for events
EventSink = Callable[[str, dict[str, Any]], None]
#: ``release(ids, t_h, reason)`` takes packs out of their vehicles (to a battery sink, or abroad)
Release = Callable[[np.ndarray, float, HandOffReason], None]
#: ``supply(nominal_kwh, t_h)``: a used replacement pack id per request (-1 where none), already moved
#: to nobody; the cohort installs it
Supply = Callable[[np.ndarray, float], np.ndarray]


@dataclass
class Counts:
    """Running counts of what happened (whole run)."""

    sold: int = 0
    retired: int = 0
    exported: int = 0
    replaced: int = 0
    by_year: dict[int, dict[str, int]] = field(default_factory=dict)

    def add(self, year: int, key: str, k: int) -> None:
        setattr(self, key, getattr(self, key) + k)
        row = self.by_year.setdefault(year, {"sold": 0, "retired": 0, "exported": 0, "replaced": 0})
        row[key] += k


class CohortModel:
    """``n`` EVs with their batteries (``store``), sold on ``draw.sale_day`` (days since day 0 of the clock)."""

    def __init__(self, p: CohortParams, life: VehicleLifeParams, draw: CohortDraw, store: BatteryStore, *,
                 monthly_ambient_c: np.ndarray, first_day_of_year: int, vehicle_base: int, release: Release,
                 rng_population: np.random.Generator, rng_usage: np.random.Generator,
                 rng_life: np.random.Generator, rng_batteries: np.random.Generator) -> None:
        self.p, self.life, self.draw, self.store = p, life, draw, store
        self.monthly_c = monthly_ambient_c
        self.doy0 = int(first_day_of_year)
        self.vehicle_base = int(vehicle_base)  # EV i sits in holder VEHICLE:vehicle_base + i
        self.release = release
        self.supply: Supply | None = None
        self.rng_usage, self.rng_life, self.rng_bat = rng_usage, rng_life, rng_batteries
        n = self.n = int(draw.sale_day.size)
        self.status = np.zeros(n, np.int8)
        self.battery = np.full(n, -1, np.int64)
        self.n_packs = np.zeros(n, np.int16)
        self.soc = np.zeros(n)
        # per-EV usage habits (drawn once, each from its own uniform/normal numbers)
        u = rng_population.random((3, n))
        z = rng_population.standard_normal((2, n))
        s = p.km_between_ev_sigma
        self.km_mean = p.km_per_day_mean * np.exp(s * z[0] - 0.5 * s * s)
        self.target = (p.charge_target_soc_lo_pct + u[0] * (p.charge_target_soc_hi_pct - p.charge_target_soc_lo_pct)) / 100
        self.plug_below = (p.plug_below_soc_lo_pct + u[1] * (p.plug_below_soc_hi_pct - p.plug_below_soc_lo_pct)) / 100
        self.offset_c = p.pack_offset_c + p.pack_offset_sd_c * z[1]
        self.c_chg = p.charger_kw * (p.charger_efficiency_pct / 100.0) / draw.nominal_kwh
        # sales by day: EVs are ordered by sale day, so a day's sales are one slice
        self.first_day = int(draw.sale_day[0]) if n else 0
        self.sale_bounds = np.searchsorted(draw.sale_day, np.arange(self.first_day, int(draw.sale_day[-1]) + 2)) if n else np.zeros(1, np.int64)
        self.counts = Counts()
        self.sink: EventSink | None = None
        self.reused_installed = 0  # replacement packs that came from the supplier
        # per battery id: sum of module capacities at manufacture / nominal, and the same weighted by module fade
        self._soh_a = np.zeros(0)
        self._soh_b = np.zeros(0)

    # -- the day --------------------------------------------------------------------------------
    def step(self, day: int, year: int) -> None:
        """Simulate day ``day`` (of calendar ``year``): exits, sales, then use and ageing."""
        t_h = day * 24.0
        on_road = np.flatnonzero(self.status == ON_ROAD)
        if on_road.size:
            self._exits(on_road, day, year, t_h)
        self._sell(day, year, t_h)
        on_road = np.flatnonzero(self.status == ON_ROAD)
        if on_road.size:
            self._use(on_road, day)

    def _sell(self, day: int, year: int, t_h: float) -> None:
        k = day - self.first_day
        if k < 0 or k + 1 >= self.sale_bounds.size:
            return
        lo, hi = int(self.sale_bounds[k]), int(self.sale_bounds[k + 1])
        if hi == lo:
            return
        evs = np.arange(lo, hi)
        self.battery[evs] = self._new_packs(evs, t_h)
        self.status[evs] = ON_ROAD
        self.soc[evs] = self.target[evs]
        self.counts.add(year, "sold", evs.size)

    def _new_packs(self, evs: np.ndarray, t_h: float) -> np.ndarray:
        names = [CHEMISTRIES[c] for c in self.draw.chemistry[evs].tolist()]
        self.n_packs[evs] += 1
        ids = self.store.create(evs.size, names, self.draw.nominal_kwh[evs], t_h, HolderKind.VEHICLE,
                                self.vehicle_base + evs, self.rng_bat, modules_per_pack=self.p.modules_per_pack)
        self._follow(ids)
        return ids

    def _follow(self, ids: np.ndarray) -> None:
        """Keep the linear SOH coefficients of packs now in the cohort's cars (see :meth:`soh`)."""
        a, b = self.store.linear_soh_coefficients(ids)
        if ids.size and ids.max() >= self._soh_a.size:
            grow = max(int(ids.max()) + 1, 2 * self._soh_a.size)
            self._soh_a = np.resize(self._soh_a, grow)
            self._soh_b = np.resize(self._soh_b, grow)
        self._soh_a[ids] = a
        self._soh_b[ids] = b

    def soh(self, ids: np.ndarray) -> np.ndarray:
        """True pack SOH of batteries made by this cohort, fast: ``a - true_loss * b`` per battery.

        Equals ``store.soh`` while no module is exhausted and every module ages with its pack — both hold
        for packs in the cohort's cars (they are replaced near SOH 0.7); the replacement rule confirms its
        candidates with ``store.soh``.
        """
        st = self.store
        loss = st.col("fade_scalar")[ids] * (st.col("q_loss_cal")[ids] + st.col("q_loss_cyc")[ids])
        return self._soh_a[ids] - loss * self._soh_b[ids]

    def _exits(self, evs: np.ndarray, day: int, year: int, t_h: float) -> None:
        age_y = (day - self.draw.sale_day[evs]) / DAYS_PER_YEAR
        dt_y = 1.0 / DAYS_PER_YEAR
        retire = draw_retirements(age_y, dt_y, self.rng_life, self.life)
        export = draw_exports(age_y, dt_y, self.rng_life, self.life) if self.p.export_vehicles else np.zeros_like(retire)
        export &= ~retire
        if retire.any():
            gone = evs[retire]
            self.status[gone] = RETIRED
            self.counts.add(year, "retired", gone.size)
            self._release(gone, age_y[retire], t_h, HandOffReason.VEHICLE_RETIRED, "vehicle.retired")
        if export.any():
            gone = evs[export]
            self.status[gone] = EXPORTED
            self.counts.add(year, "exported", gone.size)
            self._release(gone, age_y[export], t_h, HandOffReason.VEHICLE_EXPORTED, "vehicle.exported")
        if self.p.replace_packs:
            stay = evs[~(retire | export)]
            due = pack_replacement_due(self.soh(self.battery[stay]) - 1e-9, self.life)
            if due.any():
                due[due] = pack_replacement_due(self.store.soh(self.battery[stay[due]]), self.life)
            if due.any():
                self._replace(stay[due], day, year, t_h)

    def _release(self, evs: np.ndarray, age_y: np.ndarray, t_h: float, reason: HandOffReason, kind: str) -> None:
        """Vehicles leave the road: their batteries are handed off (exported ones leave the domestic loop)."""
        ids = self.battery[evs]
        records = handover_records(self.store, ids, t_h, reason)
        self.release(ids, t_h, reason)
        if self.sink is not None:
            for ev, a, b, soh in zip(evs.tolist(), age_y.tolist(), ids.tolist(), records.true_soh.tolist()):
                self.sink(kind, {"ev": ev, "age_y": a, "battery": BatteryStore.passport(b), "soh": soh})
        self._handed_off(records)

    def _replace(self, evs: np.ndarray, day: int, year: int, t_h: float) -> None:
        """Packs below the threshold: a new battery goes in, the old one is handed to the collection point."""
        old = self.battery[evs].copy()
        records = handover_records(self.store, old, t_h, HandOffReason.PACK_REPLACED)
        self.release(old, t_h, HandOffReason.PACK_REPLACED)
        new = np.full(evs.size, -1, dtype=np.int64)
        if self.supply is not None:
            new = np.asarray(self.supply(self.draw.nominal_kwh[evs], t_h), dtype=np.int64)
            used = new >= 0
            if used.any():
                self.store.transfer(new[used], t_h, HolderKind.VEHICLE, self.vehicle_base + evs[used])
                self._follow(new[used])
                self.reused_installed += int(used.sum())
        fresh = new < 0
        if fresh.any():
            self.n_packs[evs[~fresh]] += 1
            new[fresh] = self._new_packs(evs[fresh], t_h)
        else:
            self.n_packs[evs] += 1
        self.battery[evs] = new
        self.soc[evs] = self.target[evs]
        self.counts.add(year, "replaced", evs.size)
        if self.sink is not None:
            age_y = (day - self.draw.sale_day[evs]) / DAYS_PER_YEAR
            for ev, a, o, nw, soh in zip(evs.tolist(), age_y.tolist(), old.tolist(), new.tolist(), records.true_soh.tolist()):
                self.sink("battery.replaced", {"ev": ev, "vehicle_age_y": a, "old": BatteryStore.passport(o),
                                               "new": BatteryStore.passport(nw), "old_soh": soh})
        self._handed_off(records)

    def return_under_warranty(self, battery_ids: np.ndarray, t_h: float, year: int) -> np.ndarray:
        """Replacement packs sold below their grade go back: the cars still using them get new packs.

        Returns the battery ids actually returned (packs whose car left the road stay where they went)."""
        evs = np.flatnonzero(np.isin(self.battery, battery_ids) & (self.status == ON_ROAD))
        if evs.size == 0:
            return np.zeros(0, dtype=np.int64)
        old = self.battery[evs].copy()
        records = handover_records(self.store, old, t_h, HandOffReason.WARRANTY_RETURN)
        self.release(old, t_h, HandOffReason.WARRANTY_RETURN)
        self.battery[evs] = self._new_packs(evs, t_h)
        self.counts.add(year, "replaced", evs.size)
        self._handed_off(records)
        return old

    def _handed_off(self, records: RetiredBatteries) -> None:
        if self.sink is None:
            return
        kinds = self.store.col("holder_kind")[records.battery_id]
        hids = self.store.col("holder_id")[records.battery_id]
        names = self.store.holders
        for b, r, k, i in zip(records.battery_id.tolist(), records.reason.tolist(), kinds.tolist(), hids.tolist()):
            self.sink("battery.handed_off", {"battery": BatteryStore.passport(b), "reason": HandOffReason(r).name.lower(),
                                             "to": names.name(k, i)})

    def daily_stressors(self, evs: np.ndarray, day: int) -> tuple[DailyStressors, np.ndarray, np.ndarray]:
        """Drive, plug in when below the EV's threshold, charge to target: (stressors, throughput kWh, SOC at day end)."""
        p = self.p
        nominal = self.draw.nominal_kwh[evs]
        s = p.km_day_to_day_sigma
        km = self.km_mean[evs] * np.exp(s * self.rng_usage.standard_normal(evs.size) - 0.5 * s * s)
        start = self.soc[evs]
        s0 = start
        drive = km / p.km_per_kwh / nominal
        # a trip beyond the charge left is preceded by a public charge to the target (as the fleet's fast charge)
        short = s0 - drive < 0.05
        pre = np.where(short, np.maximum(self.target[evs] - s0, 0.0), 0.0)
        s0 = s0 + pre
        drive = np.minimum(drive, s0 - 0.05)
        s1 = s0 - drive
        plug = s1 < self.plug_below[evs]
        s2 = np.where(plug, self.target[evs], s1)
        charge = s2 - s1 + pre
        # assumption: the day is a quarter at the start SOC, half at the low point, a quarter charged back
        soc_mean = 0.25 * s0 + 0.5 * s1 + 0.25 * s2
        soc_var = 0.25 * s0 * s0 + 0.5 * s1 * s1 + 0.25 * s2 * s2 - soc_mean * soc_mean
        soc_max = np.maximum(s0, s2)
        dod = soc_max - np.minimum(start, s1)
        temp = ambient_c(np.array([self.doy0 + day]), self.monthly_c)[0] + self.offset_c[evs]
        st = DailyStressors(soc_mean=soc_mean, temp_c=temp, dod=dod, efc=0.5 * (drive + charge),
                            c_chg=np.where(charge > 0, self.c_chg[evs], 0.0), dt_days=1.0,
                            soc_max=soc_max, soc_var=np.maximum(soc_var, 0.0))
        return st, (drive + charge) * nominal, s2

    def _use(self, evs: np.ndarray, day: int) -> None:
        st, throughput, soc_end = self.daily_stressors(evs, day)
        self.store.age(self.battery[evs], st, throughput_kwh=throughput)
        self.soc[evs] = soc_end

    # -- observation ----------------------------------------------------------------------------
    def in_vehicle(self) -> np.ndarray:
        """Battery ids currently in a vehicle on the road."""
        return self.battery[self.status == ON_ROAD]

    def pack_age_y(self, ids: np.ndarray, t_h: float) -> np.ndarray:
        """Age in years of packs ``ids`` at ``t_h`` (since they were made)."""
        return (t_h - self.store.col("created_t_h")[ids]) / 24.0 / DAYS_PER_YEAR

