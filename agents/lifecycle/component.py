"""The ``ev_cohort`` component: a cohort of EVs and their batteries over decades, one tick per day.

Use it on a daily clock (``tick_minutes: 1440``). It owns the cohort's :class:`BatteryStore`, hands
retired and replaced packs to a ``collection_point`` (``facilities/collection.py``), emits every exit
as an event (``vehicle.retired``, ``vehicle.exported``, ``battery.replaced``, ``battery.handed_off``),
records daily series (``cohort.on_road``, ``cohort.mean_soh``) and keeps yearly tables (written as
``<name>_yearly.parquet`` and ``<name>_soh_by_age.parquet`` in the results folder) and the SOH of packs
reaching 5, 8, 10 and 12 years in a car, by vintage and chemistry (``<name>_soh_at_age.parquet``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents.lifecycle.cohort import DAYS_PER_YEAR, ON_ROAD, STATUS_NAMES, CohortModel
from agents.lifecycle.params import CohortParams
from agents.lifecycle.sales import draw_cohort, load_sales
from simcore.battery import BatteryStore, HandOffReason, HolderKind, monthly_ambient_c
from simcore.component import Component
from simcore.trace import event_kind

_EV = "EV index in the cohort (inspect it as ev:N)"
_PACK = "battery passport (inspect it as battery:B000123)"

TEN_YEARS_WINDOW_Y = (9.5, 10.5)
MILESTONES_Y = (5, 8, 10, 12)  # ages at which fleet surveys report SOH (docs/validation.md)


class EVCohort(Component):
    """EVs sold 2012-2030 (by default), aged daily, retired, exported or repacked; batteries handed off."""

    Params = CohortParams
    tick_order = 20
    id_prefixes = ("ev",)
    events = {
        "vehicle.retired": event_kind("a vehicle leaves the road (scrapped); its battery is handed off",
                                      refs={"ev": "ev", "battery": "battery"}, ev=_EV,
                                      age_y="vehicle age, years", battery=_PACK, soh="battery state of health, 0-1"),
        "vehicle.exported": event_kind("a used vehicle is exported; its battery leaves the domestic loop",
                                       refs={"ev": "ev", "battery": "battery"}, ev=_EV,
                                       age_y="vehicle age, years", battery=_PACK, soh="battery state of health, 0-1"),
        "battery.replaced": event_kind("a worn pack is replaced by a new one; the old goes to collection",
                                       refs={"ev": "ev", "old": "battery", "new": "battery"}, ev=_EV,
                                       vehicle_age_y="vehicle age, years", old="passport of the removed pack",
                                       new="passport of the new pack", old_soh="state of health of the removed pack, 0-1"),
        "battery.handed_off": event_kind("a battery leaves its vehicle for a facility or export",
                                         refs={"battery": "battery"}, battery=_PACK,
                                         reason="vehicle_retired, pack_replaced or vehicle_exported",
                                         to="new holder, KIND:id (FACILITY:1, EXPORTED:0)"),
    }

    def setup(self) -> None:
        p: CohortParams = self.params
        w = self.world
        clock = w.clock  # the daily clock, its start and the tables were checked by CohortParams.check
        table = load_sales(p.sales_file, p.first_sale_year, p.last_sale_year)
        life = p.vehicle_life()
        draw = draw_cohort(table, p.size, clock.start, w.rng(f"{self.name}.sales"))
        self.store = w.batteries
        holders = self.store.holders
        vehicles = holders.register(HolderKind.VEHICLE, self.name, size=p.size)
        self.abroad = holders.register(HolderKind.EXPORTED, self.name)
        # without a sink, retired packs pile up at the cohort's own yard (accounted, going nowhere)
        self.yard = holders.register(HolderKind.FACILITY, f"{self.name}.yard")
        self.collection = w.peer(p.collection) if p.collection is not None else None
        self.model = CohortModel(
            p, life, draw, self.store, monthly_ambient_c=monthly_ambient_c(p.climate_site),
            first_day_of_year=clock.start.day_of_year - 1, vehicle_base=vehicles, release=self._release,
            rng_population=w.rng(f"{self.name}.population"), rng_usage=w.rng(f"{self.name}.usage"),
            rng_life=w.rng(f"{self.name}.life"), rng_batteries=w.rng(f"{self.name}.batteries"))
        self.model.sink = self._emit
        if p.pack_supplier is not None:
            supplier = w.peer(p.pack_supplier)
            self.model.supply = lambda nominal_kwh, t_h: supplier.supply_packs(nominal_kwh, t_h, user=self)
        self.years = np.array([clock.day_start(d).year for d in range(clock.days + 1)])
        self.s_on_road = w.recorder.add("cohort.on_road", "vehicles")
        self.s_soh = w.recorder.add("cohort.mean_soh", "1")
        self.yearly: list[dict[str, Any]] = []
        self.soh_by_age: list[dict[str, Any]] = []
        self.soh_10y: list[np.ndarray] = []
        # pack age in whole days -> milestone age in years (0: none); sums per (vintage, chemistry, age)
        days = np.round(np.array(MILESTONES_Y) * DAYS_PER_YEAR).astype(np.int64)
        self.milestone_of_day = np.zeros(int(days.max()) + 2, dtype=np.int64)
        self.milestone_of_day[days] = MILESTONES_Y
        self.at_age: dict[tuple[int, int, int], list[float]] = {}

    def _emit(self, kind: str, payload: dict[str, Any]) -> None:
        self.world.emit(kind, self.name, **payload)

    def return_under_warranty(self, ids: np.ndarray, t_h: float) -> np.ndarray:
        """The pack supplier takes back packs it sold below grade (see CohortModel.return_under_warranty)."""
        return self.model.return_under_warranty(ids, t_h, int(self.years[min(int(t_h // 24), self.years.size - 1)]))

    def _release(self, ids: np.ndarray, t_h: float, reason: HandOffReason) -> None:
        """Packs leaving the cars: abroad with exported vehicles, else to the battery sink (or the yard)."""
        if reason == HandOffReason.VEHICLE_EXPORTED:
            self.store.transfer(ids, t_h, HolderKind.EXPORTED, self.abroad)
        elif self.collection is not None:
            self.collection.receive(ids, t_h, np.full(ids.size, int(reason), dtype=np.int8))
        else:
            self.store.transfer(ids, t_h, HolderKind.FACILITY, self.yard)

    def on_tick(self, tick: int) -> None:
        year = int(self.years[tick])
        self.model.step(tick, year)
        ids = self.model.in_vehicle()
        self.s_on_road[tick] = ids.size
        soh = self.model.soh(ids)
        self.s_soh[tick] = float(soh.mean()) if ids.size else np.nan
        self._milestones(ids, soh, (tick + 1) * 24.0)
        if self.years[tick + 1] != year:
            self._year_end(year, (tick + 1) * 24.0)

    def finish(self) -> None:
        done = self.world.ticks_done
        if done and self.years[done] == self.years[done - 1]:  # horizon ends inside a year: close it too
            self._year_end(int(self.years[done - 1]), done * 24.0)

    def _milestones(self, ids: np.ndarray, soh: np.ndarray, t_h: float) -> None:
        """Add the packs in cars that complete 5, 8, 10 or 12 years today to the SOH-at-age sums."""
        created = self.store.col("created_t_h")[ids]
        age_days = np.floor((t_h - created) / 24.0 + 1e-9).astype(np.int64)
        lut = self.milestone_of_day
        hit = np.flatnonzero(age_days < lut.size)
        hit = hit[lut[age_days[hit]] > 0]
        if hit.size == 0:
            return
        vintage = self.years[np.floor(created[hit] / 24.0).astype(np.int64)]
        chem = self.store.col("chemistry")[ids[hit]]
        for v, c, a, x in zip(vintage.tolist(), chem.tolist(), lut[age_days[hit]].tolist(), soh[hit].tolist()):
            acc = self.at_age.setdefault((v, c, a), [0.0, 0.0, 0.0])
            acc[0] += 1.0
            acc[1] += x
            acc[2] += x * x

    # -- yearly tables ------------------------------------------------------------------------------
    def _year_end(self, year: int, t_h: float) -> None:
        """Snapshot at the end of ``year``: counts of the year and SOH by pack age of packs in vehicles."""
        m = self.model
        ids = m.in_vehicle()
        soh = self.store.soh(ids)
        age = m.pack_age_y(ids, t_h)
        c = m.counts.by_year.get(year, {})
        self.yearly.append({"year": year, "on_road": int(ids.size), "sold": c.get("sold", 0),
                            "retired": c.get("retired", 0), "exported": c.get("exported", 0),
                            "replaced_packs": c.get("replaced", 0),
                            "mean_soh": float(soh.mean()) if ids.size else np.nan,
                            "p10_soh": float(np.quantile(soh, 0.1)) if ids.size else np.nan})
        lo, hi = TEN_YEARS_WINDOW_Y
        self.soh_10y.append(soh[(age >= lo) & (age < hi)])
        bucket = np.floor(age).astype(np.int64)
        for a in np.unique(bucket).tolist():
            s = soh[bucket == a]
            q = np.quantile(s, [0.1, 0.5, 0.9])
            self.soh_by_age.append({"year": year, "pack_age_y": a, "packs": int(s.size), "mean_soh": float(s.mean()),
                                    "p10_soh": float(q[0]), "p50_soh": float(q[1]), "p90_soh": float(q[2])})

    def tables(self) -> dict[str, pd.DataFrame]:
        """The yearly tables (counts per year, SOH distribution by pack age per year) and the SOH of packs
        reaching each milestone age in a car, by vintage (calendar year the pack was made) and chemistry."""
        from simcore.battery.chemistry import CHEMISTRIES

        rows = []
        for (v, c, a), (n, s1, s2) in sorted(self.at_age.items()):
            mean = s1 / n
            rows.append({"vintage": v, "chemistry": CHEMISTRIES[c], "age_y": a, "packs": int(n), "mean_soh": mean,
                         "sd_soh": float(np.sqrt(max(s2 / n - mean * mean, 0.0)))})
        at_age = pd.DataFrame(rows, columns=["vintage", "chemistry", "age_y", "packs", "mean_soh", "sd_soh"])
        return {"yearly": pd.DataFrame(self.yearly), "soh_by_age": pd.DataFrame(self.soh_by_age), "soh_at_age": at_age}

    def write_tables(self, folder: Path) -> None:
        for key, df in self.tables().items():
            df.to_parquet(Path(folder) / f"{self.name}_{key}.parquet", index=False)

    # -- observation ------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        m = self.model
        c = m.counts
        ten = np.concatenate(self.soh_10y) if self.soh_10y else np.zeros(0)
        out: dict[str, Any] = {
            "cohort.size": int(m.n), "cohort.sold": c.sold, "cohort.retired": c.retired, "cohort.exported": c.exported,
            "cohort.replaced_packs": c.replaced, "cohort.on_road": int(np.count_nonzero(m.status == ON_ROAD)),
            "cohort.replacements_reused": int(m.reused_installed),
            "battery.mean_soh_at_10y": float(ten.mean()) if ten.size else float("nan"),
            "battery.packs_seen_at_10y": int(ten.size),
        }
        return out

    def inspect_id(self, prefix: str, key: str) -> dict[str, Any]:
        """``battery:B000123`` a battery passport; ``ev:N`` EV N of the cohort."""
        is_passport = key.startswith("B") and key[1:].isdigit()
        if prefix == "battery" and not is_passport:
            raise KeyError(f"battery ids are passports such as B000071, got {key!r}")
        if prefix == "ev" and is_passport:
            raise KeyError(f"ev:{key} names a battery passport; use battery:{key}")
        return self.inspect(key)

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        if key is None:
            return {**super().inspect(None), **self.summary()}
        if key.startswith("B"):
            try:
                return self.store[key].as_dict()
            except (KeyError, IndexError, ValueError):
                raise KeyError(f"cohort {self.name!r} holds no battery {key!r}") from None
        try:
            ev = int(key)
        except ValueError:
            raise KeyError(f"cohort {self.name!r} answers EV indices and battery passports, got {key!r}") from None
        m = self.model
        if not 0 <= ev < m.n:
            raise KeyError(f"EV {ev} out of range 0..{m.n - 1}")
        b = int(m.battery[ev])
        return {"ev": ev, "status": STATUS_NAMES[int(m.status[ev])], "sale_day": int(m.draw.sale_day[ev]),
                "age_y": (self.world.ticks_done - int(m.draw.sale_day[ev])) / DAYS_PER_YEAR,
                "packs": int(m.n_packs[ev]), "battery": BatteryStore.passport(b) if b >= 0 else None,
                "soc": float(m.soc[ev])}
