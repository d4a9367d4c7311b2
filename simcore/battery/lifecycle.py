"""Vehicle life events that release batteries, and the hand-off record to the 4R facility model.

Pure vectorised functions (arrays over vehicles / batteries, a caller-supplied Generator):

* retirement of the vehicle by an age-based Weibull survival curve whose mean is the average
  period of use of passenger cars in Japan (~13 years, AIRIA; shape is an assumption);
* pack replacement when the pack's SOH falls below a threshold (assumption 0.70);
* export of used EVs, as a constant hazard above a minimum age derived from ~20,000 used EVs
  exported from Japan in 2023 (reference document 002) and an assumed used-EV stock.

Parameters and their sources: ``scenarios/data/battery/vehicle_life.csv`` and ``SOURCES.md``.

Hand-off: :func:`hand_off` moves batteries out of their vehicle in the store (one holder event each)
and returns a :class:`RetiredBatteries` table — the interface the facility model consumes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from enum import IntEnum
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError

from .chemistry import CHEMISTRIES, DATA_DIR
from .store import BatteryStore, HolderKind

VEHICLE_LIFE_TABLE = DATA_DIR / "vehicle_life.csv"


@dataclass(frozen=True)
class VehicleLifeParams:
    """Lifecycle parameters (defaults mirror ``vehicle_life.csv``)."""

    mean_vehicle_life_y: float = 13.0
    weibull_shape: float = 3.5
    pack_replacement_soh_threshold: float = 0.70
    used_ev_exports_per_y: float = 20000.0
    used_ev_stock_vehicles: float = 150000.0
    export_min_age_y: float = 3.0

    @property
    def weibull_scale_y(self) -> float:
        """Scale so that the Weibull mean equals ``mean_vehicle_life_y``."""
        return self.mean_vehicle_life_y / math.gamma(1.0 + 1.0 / self.weibull_shape)

    @property
    def export_hazard_per_y(self) -> float:
        """Constant annual export hazard: exports / stock (probability per year = 1 - exp(-hazard))."""
        return self.used_ev_exports_per_y / self.used_ev_stock_vehicles

    @classmethod
    def from_csv(cls, path: str | Path = VEHICLE_LIFE_TABLE) -> "VehicleLifeParams":
        """Load from a two-column ``parameter,value`` table; unknown or bad values raise InputError."""
        from simcore.tables import read_table_csv

        path = Path(path)
        df = read_table_csv(path, ["parameter", "value"])
        names = {f.name for f in fields(cls)}
        kwargs = {}
        for _, row in df.iterrows():
            key = str(row["parameter"])
            if key not in names:
                raise InputError(path, f"parameter {key}", key, ", ".join(sorted(names)))
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                raise InputError(path, f"{key}.value", row["value"], "a number") from None
            if not math.isfinite(value) or value < 0:
                raise InputError(path, f"{key}.value", value, "a finite number >= 0")
            kwargs[key] = value
        params = cls(**kwargs)
        if params.weibull_shape <= 0 or params.mean_vehicle_life_y <= 0 or params.used_ev_stock_vehicles <= 0:
            raise InputError(path, "weibull_shape/mean_vehicle_life_y/used_ev_stock_vehicles", 0, "> 0")
        return params


def survival(age_y: np.ndarray, p: VehicleLifeParams = VehicleLifeParams()) -> np.ndarray:
    """Share of vehicles still on the road at ``age_y`` (Weibull survival)."""
    a = np.maximum(np.asarray(age_y, dtype=float), 0.0)
    return np.exp(-((a / p.weibull_scale_y) ** p.weibull_shape))


def retirement_probability(age_y: np.ndarray, dt_y: float, p: VehicleLifeParams = VehicleLifeParams()) -> np.ndarray:
    """Probability that a vehicle aged ``age_y`` retires within the next ``dt_y`` years."""
    a = np.maximum(np.asarray(age_y, dtype=float), 0.0)
    lam, k = p.weibull_scale_y, p.weibull_shape
    # 1 - S(a+dt)/S(a), written with the cumulative hazard difference for accuracy at old ages
    return -np.expm1(-(((a + dt_y) / lam) ** k - (a / lam) ** k))


def draw_retirements(age_y: np.ndarray, dt_y: float, rng: np.random.Generator, p: VehicleLifeParams = VehicleLifeParams()) -> np.ndarray:
    """Boolean mask of vehicles that retire during the step."""
    return rng.random(np.shape(age_y)) < retirement_probability(age_y, dt_y, p)


def pack_replacement_due(soh: np.ndarray, p: VehicleLifeParams = VehicleLifeParams()) -> np.ndarray:
    """Boolean mask of packs whose SOH is below the replacement threshold."""
    return np.asarray(soh) < p.pack_replacement_soh_threshold


def export_probability(age_y: np.ndarray, dt_y: float, p: VehicleLifeParams = VehicleLifeParams()) -> np.ndarray:
    """Probability that a used EV aged ``age_y`` is exported during the next ``dt_y`` years."""
    eligible = np.asarray(age_y, dtype=float) >= p.export_min_age_y
    return np.where(eligible, -np.expm1(-p.export_hazard_per_y * dt_y), 0.0)


def draw_exports(age_y: np.ndarray, dt_y: float, rng: np.random.Generator, p: VehicleLifeParams = VehicleLifeParams()) -> np.ndarray:
    """Boolean mask of vehicles exported during the step."""
    return rng.random(np.shape(age_y)) < export_probability(age_y, dt_y, p)


class HandOffReason(IntEnum):
    """Why a battery left its vehicle."""

    VEHICLE_RETIRED = 1
    PACK_REPLACED = 2
    VEHICLE_EXPORTED = 3
    ACCIDENT = 4
    SECOND_LIFE_ENDED = 5
    WARRANTY_RETURN = 6  # a reused or repurposed pack that failed early and came back


@dataclass
class RetiredBatteries:
    """Batteries handed over at one moment: one row per battery (plain arrays; ``to_frame`` for pandas).

    True state columns are the simulation's ground truth (for accounting and for testing the
    grading); a facility that grades must estimate SOH itself (``simcore.battery.soh.grade``).
    """

    battery_id: np.ndarray  # int64 row id in the BatteryStore
    t_h: np.ndarray
    reason: np.ndarray  # HandOffReason codes (int8)
    from_kind: np.ndarray  # holder kind before the hand-off
    from_id: np.ndarray
    to_kind: np.ndarray
    to_id: np.ndarray
    chemistry: np.ndarray  # chemistry codes (see chemistry.CHEMISTRIES)
    nominal_kwh: np.ndarray
    true_soh: np.ndarray
    true_capacity_kwh: np.ndarray
    true_cathode_health: np.ndarray
    module_capacity_kwh: np.ndarray  # batteries x modules (true)
    age_days: np.ndarray
    efc: np.ndarray
    throughput_kwh: np.ndarray
    v2g_throughput_kwh: np.ndarray
    mean_temp_c: np.ndarray
    mean_soc: np.ndarray

    def __len__(self) -> int:
        return int(self.battery_id.size)

    @staticmethod
    def concat(parts: list["RetiredBatteries"]) -> "RetiredBatteries":
        """Stack several hand-off tables into one."""
        names = [f.name for f in fields(RetiredBatteries)]
        return RetiredBatteries(**{n: np.concatenate([getattr(p, n) for p in parts], axis=0) for n in names})

    def to_frame(self) -> pd.DataFrame:
        """One row per battery; passports, names for codes, module capacities as a list column."""
        cols = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "module_capacity_kwh"}
        df = pd.DataFrame(cols)
        df.insert(0, "passport", [BatteryStore.passport(i) for i in self.battery_id])
        df["reason"] = [HandOffReason(int(r)).name.lower() for r in self.reason]
        df["chemistry"] = [CHEMISTRIES[int(c)] for c in self.chemistry]
        df["from_kind"] = [HolderKind(int(k)).name for k in self.from_kind]
        df["to_kind"] = [HolderKind(int(k)).name for k in self.to_kind]
        df["module_capacity_kwh"] = list(self.module_capacity_kwh.astype(float))
        return df


def handover_records(store: BatteryStore, ids: np.ndarray, t_h: float, reason: HandOffReason | np.ndarray,
                     to_kind: HolderKind = HolderKind.FACILITY, to_id: int | np.ndarray = 0) -> RetiredBatteries:
    """The hand-off records of packs about to leave their holder (true state, history); nothing moves."""
    ids = np.atleast_1d(np.asarray(ids, dtype=np.int64))
    n = ids.size
    hist = store.history_summary(ids)
    return RetiredBatteries(
        battery_id=ids.copy(),
        t_h=np.full(n, float(t_h)),
        reason=np.broadcast_to(np.asarray(reason, dtype=np.int8), (n,)).copy(),
        from_kind=store.col("holder_kind")[ids].copy(),
        from_id=store.col("holder_id")[ids].copy(),
        to_kind=np.full(n, int(to_kind), dtype=np.int8),
        to_id=np.broadcast_to(np.asarray(to_id, dtype=np.int64), (n,)).copy(),
        chemistry=store.col("chemistry")[ids].copy(),
        nominal_kwh=store.col("nominal_kwh")[ids].copy(),
        true_soh=store.soh(ids),
        true_capacity_kwh=store.capacity_kwh(ids),
        true_cathode_health=store.cathode_health(ids),
        module_capacity_kwh=store.module_capacity_kwh(ids),
        age_days=hist["age_days"],
        efc=hist["efc"],
        throughput_kwh=hist["throughput_kwh"],
        v2g_throughput_kwh=hist["v2g_throughput_kwh"],
        mean_temp_c=hist["mean_temp_c"],
        mean_soc=hist["mean_soc"],
    )


def hand_off(
    store: BatteryStore,
    ids: np.ndarray,
    t_h: float,
    reason: HandOffReason | np.ndarray,
    to_kind: HolderKind = HolderKind.FACILITY,
    to_id: int | np.ndarray = 0,
) -> RetiredBatteries:
    """Move packs out of their holder to ``to_kind:to_id`` and return their hand-off records."""
    records = handover_records(store, ids, t_h, reason, to_kind, to_id)
    store.transfer(records.battery_id, t_h, to_kind, to_id)
    return records
