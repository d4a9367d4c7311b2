"""The battery registry: every battery as one row of a struct of arrays, with an append-only holder log.

A battery's id is its row index; its passport string is ``B`` + six or more digits ("B000123").
Truth that a grader cannot see (per-battery deviation of fade from the model, per-module spread) is
kept here too, so the estimator can be tested against it; the estimator itself only receives the
nominal model state and measurements.

Conservation: every battery is created with a first holder event and thereafter always has exactly
one current holder, equal to its last holder event. :meth:`BatteryStore.unaccounted` counts rows that
break this (and log rows pointing at batteries that do not exist); it must be 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from .ageing import AgeingState, DailyStressors, age_batteries, model_groups
from .chemistry import CHEMISTRIES, chemistry_codes, model_code_of
from .soh import CATHODE_SHARES, CathodeShares, true_cathode_health


class HolderKind(IntEnum):
    """Who holds a battery. EXPORTED and RECYCLED are terminal: the battery stays accounted there."""

    NONE = 0
    FACTORY = 1
    VEHICLE = 2
    FACILITY = 3
    STATIONARY = 4
    EXPORTED = 5
    RECYCLED = 6


TERMINAL_KINDS = (HolderKind.RECYCLED,)


@dataclass(frozen=True)
class ManufacturingSpread:
    """Distributions drawn at creation (all assumptions; see docs/battery.md)."""

    module_capacity_sigma: float = 0.01  # relative sd of module capacity at manufacture
    module_resistance_mohm: float = 10.0  # mean module resistance when new
    module_resistance_sigma: float = 0.03  # relative sd of module resistance
    module_fade_sigma: float = 0.05  # relative sd of module fade around the pack's fade
    fade_scalar_sigma: float = 0.15  # lognormal sd of the pack's hidden deviation from the model
    cathode_share_sigma: float = 0.20  # lognormal sd of the hidden cathode share of fade
    resistance_growth_per_loss: float = 2.0  # relative resistance rise per unit relative capacity loss


class _Growable:
    """Named numpy columns sharing a row count, grown by doubling."""

    def __init__(self, specs: dict[str, tuple[np.dtype, tuple[int, ...]]], capacity: int = 1024) -> None:
        self._specs = specs
        self.n = 0
        self.cols: dict[str, np.ndarray] = {k: np.zeros((capacity, *shape), dtype=dt) for k, (dt, shape) in specs.items()}

    def reserve(self, extra: int) -> slice:
        need = self.n + extra
        cap = next(iter(self.cols.values())).shape[0]
        if need > cap:
            new_cap = max(need, 2 * cap)
            for k, a in self.cols.items():
                b = np.zeros((new_cap, *a.shape[1:]), dtype=a.dtype)
                b[: self.n] = a[: self.n]
                self.cols[k] = b
        sl = slice(self.n, need)
        self.n = need
        return sl

    def __getitem__(self, name: str) -> np.ndarray:
        return self.cols[name][: self.n]


class BatteryStore:
    """All batteries of a world as arrays (one row per battery) plus the holder and SOH logs."""

    def __init__(
        self,
        modules_per_pack: int = 8,
        spread: ManufacturingSpread | None = None,
        cathode_shares: CathodeShares = CATHODE_SHARES,
        capacity: int = 1024,
        conserve_energy: bool = True,
    ) -> None:
        self.modules_per_pack = int(modules_per_pack)
        self.conserve_energy = bool(conserve_energy)  # BLAST-Lite's mode for every age() step (see ageing.py)
        self.spread = spread or ManufacturingSpread()
        self.cathode_shares = cathode_shares
        f8, f4, i1, i8 = np.float64, np.float32, np.int8, np.int64
        m = (self.modules_per_pack,)
        self._b = _Growable(
            {
                "chemistry": (i1, ()),
                "model_code": (i1, ()),
                "nominal_kwh": (f8, ()),
                "created_t_h": (f8, ()),
                "q_loss_cal": (f8, ()),  # nominal model state (what usage history predicts)
                "q_loss_cyc": (f8, ()),
                "fade_scalar": (f8, ()),  # hidden truth: true loss = fade_scalar x model loss
                "cathode_scalar": (f8, ()),  # hidden truth: deviation of the cathode share of fade
                "throughput_kwh": (f8, ()),
                "v2g_throughput_kwh": (f8, ()),
                "efc": (f8, ()),
                "age_days": (f8, ()),
                "temp_c_days": (f8, ()),  # integral of cell temperature over days in service
                "soc_days": (f8, ()),  # integral of mean SOC over days
                "dod_efc": (f8, ()),  # EFC-weighted DOD sum
                "days_above_35c": (f8, ()),
                "days_soc_above_90": (f8, ()),
                "holder_kind": (i1, ()),
                "holder_id": (i8, ()),
                "last_event_t_h": (f8, ()),
                "module_cap0_kwh": (f4, m),
                "module_res0_mohm": (f4, m),
                "module_fade": (f4, m),  # hidden truth: module fade relative to the pack
                "module_loss_at_install": (f4, m),  # pack loss when the module went in (repairs)
            },
            capacity,
        )
        self._log = _Growable({"battery": (i8, ()), "t_h": (f8, ()), "kind": (i1, ()), "holder_id": (i8, ())}, capacity)
        self._soh_log = _Growable({"battery": (i8, ()), "t_h": (f8, ()), "soh": (f4, ())}, capacity)
        self._groups_cache: dict[int, np.ndarray] | None = None
        self._groups_n = -1

    # ------------------------------------------------------------------ creation and identity
    def __len__(self) -> int:
        return self._b.n

    def col(self, name: str) -> np.ndarray:
        """A live view of one per-battery column (length = number of batteries)."""
        return self._b[name]

    def create(
        self,
        n: int,
        chemistry: str | list[str],
        nominal_kwh: float | np.ndarray,
        t_h: float,
        holder_kind: HolderKind,
        holder_id: int | np.ndarray,
        rng: np.random.Generator,
    ) -> np.ndarray:
        """Manufacture ``n`` batteries at time ``t_h`` into a first holder; returns their ids."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if HolderKind(holder_kind) == HolderKind.NONE:
            raise ValueError("a battery must be created into a holder")
        sp, m = self.spread, self.modules_per_pack
        chem = chemistry_codes(chemistry, n)  # validate everything before any row is added
        nom = np.broadcast_to(np.asarray(nominal_kwh, dtype=float), (n,))
        if chem.size != n or np.any(~(nom > 0)):
            raise ValueError("chemistry must name n batteries and nominal_kwh must be > 0")
        sl = self._b.reserve(n)
        b = self._b.cols
        b["chemistry"][sl] = chem
        b["model_code"][sl] = model_code_of(chem)
        b["nominal_kwh"][sl] = nom
        b["created_t_h"][sl] = t_h
        b["fade_scalar"][sl] = rng.lognormal(0.0, sp.fade_scalar_sigma, n)
        b["cathode_scalar"][sl] = rng.lognormal(0.0, sp.cathode_share_sigma, n)
        b["module_cap0_kwh"][sl] = (nom[:, None] / m) * (1.0 + sp.module_capacity_sigma * rng.standard_normal((n, m)))
        b["module_res0_mohm"][sl] = sp.module_resistance_mohm * (1.0 + sp.module_resistance_sigma * rng.standard_normal((n, m)))
        b["module_fade"][sl] = np.clip(1.0 + sp.module_fade_sigma * rng.standard_normal((n, m)), 0.5, 1.5)
        ids = np.arange(sl.start, sl.stop, dtype=np.int64)
        self._append_log(ids, t_h, holder_kind, holder_id)
        return ids

    @staticmethod
    def passport(battery_id: int) -> str:
        """Passport string of a battery id, e.g. ``B000123``."""
        return f"B{int(battery_id):06d}"

    def index_of(self, battery: int | str) -> int:
        """Battery id from an id or passport string; KeyError if unknown."""
        if isinstance(battery, str):
            if not (battery.startswith("B") and battery[1:].isdigit()):
                raise KeyError(f"not a battery passport: {battery!r}")
            battery = int(battery[1:])
        i = int(battery)
        if not 0 <= i < len(self):
            raise KeyError(f"no battery {self.passport(i)}")
        return i

    # ------------------------------------------------------------------ holders
    def _append_log(self, ids: np.ndarray, t_h: float | np.ndarray, kind: HolderKind | np.ndarray, holder_id) -> None:
        n = ids.size
        sl = self._log.reserve(n)
        lg = self._log.cols
        lg["battery"][sl] = ids
        lg["t_h"][sl] = t_h
        lg["kind"][sl] = kind
        lg["holder_id"][sl] = holder_id
        b = self._b.cols
        b["holder_kind"][ids] = kind
        b["holder_id"][ids] = holder_id
        b["last_event_t_h"][ids] = t_h

    def transfer(self, ids: np.ndarray, t_h: float, holder_kind: HolderKind, holder_id: int | np.ndarray) -> None:
        """Move batteries to a new holder at ``t_h`` (appends one log row per battery)."""
        ids = np.atleast_1d(np.asarray(ids, dtype=np.int64))
        if ids.size == 0:
            return
        if ids.min() < 0 or ids.max() >= len(self):
            raise KeyError("transfer of an unknown battery id")
        if np.unique(ids).size != ids.size:
            raise ValueError("a battery can move only once per transfer call")
        if HolderKind(holder_kind) == HolderKind.NONE:
            raise ValueError("cannot transfer a battery to no holder")
        kinds = self._b["holder_kind"][ids]
        if np.isin(kinds, TERMINAL_KINDS).any():
            raise ValueError("a recycled battery cannot move again")
        if np.any(self._b["last_event_t_h"][ids] > t_h):
            raise ValueError("holder events must not go back in time")
        self._append_log(ids, t_h, holder_kind, holder_id)

    def holder_log(self) -> dict[str, np.ndarray]:
        """The append-only holder event table (battery, t_h, kind, holder_id), in append order."""
        return {k: self._log[k].copy() for k in ("battery", "t_h", "kind", "holder_id")}

    def location_at(self, battery: int | str, t_h: float) -> tuple[HolderKind, int] | None:
        """(holder kind, holder id) of one battery at time ``t_h``; None before it existed."""
        i = self.index_of(battery)
        rows = np.flatnonzero(self._log["battery"] == i)
        times = self._log["t_h"][rows]
        rows = rows[times <= t_h]
        if rows.size == 0:
            return None
        last = rows[-1]  # append order is chronological per battery (transfer checks it)
        return HolderKind(int(self._log["kind"][last])), int(self._log["holder_id"][last])

    def locations_at(self, t_h: float) -> tuple[np.ndarray, np.ndarray]:
        """Holder kind and id of every battery at ``t_h`` (kind NONE for batteries not yet made)."""
        n = len(self)
        kind = np.zeros(n, dtype=np.int8)
        hid = np.full(n, -1, dtype=np.int64)
        keep = np.flatnonzero(self._log["t_h"] <= t_h)
        bat = self._log["battery"][keep]
        valid = (bat >= 0) & (bat < n)
        keep, bat = keep[valid], bat[valid]
        # last row per battery (rows of one battery are chronological in append order)
        uniq, first_in_reversed = np.unique(bat[::-1], return_index=True)
        last = keep[keep.size - 1 - first_in_reversed]
        kind[uniq] = self._log["kind"][last]
        hid[uniq] = self._log["holder_id"][last]
        return kind, hid

    def counts_by_holder(self) -> dict[str, int]:
        """How many batteries each holder kind holds now (sums to ``len(self)`` when accounted)."""
        c = np.bincount(self._b["holder_kind"], minlength=len(HolderKind))
        return {k.name: int(c[k]) for k in HolderKind}

    def unaccounted(self) -> int:
        """Number of batteries whose whereabouts are not established (must be 0).

        Counts batteries with no holder event, with no valid current holder, or whose current holder
        differs from their last logged event, plus log rows naming batteries that do not exist.
        """
        n = len(self)
        bat = self._log["battery"]
        ghost = int(np.count_nonzero((bat < 0) | (bat >= n)))
        kind_last, id_last = self.locations_at(np.inf)
        cur_kind = self._b["holder_kind"]
        bad = (kind_last == HolderKind.NONE) | (cur_kind == HolderKind.NONE) | (cur_kind > max(HolderKind))
        bad |= (kind_last != cur_kind) | (id_last != self._b["holder_id"])
        return int(np.count_nonzero(bad)) + ghost

    # ------------------------------------------------------------------ ageing and history
    def ageing_state(self, ids: np.ndarray | slice = slice(None)) -> AgeingState:
        """Nominal model state of the selected batteries (views for a slice), for :func:`age_batteries`."""
        b = self._b
        return AgeingState(b["q_loss_cal"][ids], b["q_loss_cyc"][ids], b["model_code"][ids])

    def _groups(self) -> dict[int, np.ndarray | slice]:
        """Row indices per ageing model over all batteries (cached until the next create)."""
        if self._groups_cache is None or self._groups_n != len(self):
            self._groups_cache = model_groups(self._b["model_code"])
            self._groups_n = len(self)
        return self._groups_cache

    def age(
        self,
        ids: np.ndarray | slice,
        stressors: DailyStressors,
        throughput_kwh: np.ndarray | float | None = None,
        v2g_throughput_kwh: np.ndarray | float = 0.0,
    ) -> None:
        """Age the selected batteries by one step and add the step to their history.

        ``ids`` is an array of distinct ids or ``slice(None)`` (all batteries, fastest: in-place on views).
        Stressor fields are scalars or arrays aligned with ``ids``. ``throughput_kwh`` (energy in +
        out) defaults to ``2 x efc x current capacity``.
        """
        b = self._b
        if isinstance(ids, slice):
            if ids != slice(None):
                ids = np.arange(len(self))[ids]
        else:
            ids = np.asarray(ids, dtype=np.int64)
        whole = isinstance(ids, slice)
        n = len(self) if whole else ids.size
        groups = self._groups() if whole else None
        new = age_batteries(self.ageing_state(ids), stressors, groups, conserve_energy=self.conserve_energy)
        if throughput_kwh is None:
            throughput_kwh = 2.0 * np.asarray(stressors.efc, dtype=float) * self.capacity_kwh(ids)
        dt = np.asarray(stressors.dt_days, dtype=float)
        efc = np.asarray(stressors.efc, dtype=float)
        temp = np.asarray(stressors.temp_c, dtype=float)
        soc = np.asarray(stressors.soc_mean, dtype=float)
        dod = np.asarray(stressors.dod, dtype=float)
        unit_dt = dt.ndim == 0 and float(dt) == 1.0
        updates = {
            "throughput_kwh": throughput_kwh,
            "v2g_throughput_kwh": v2g_throughput_kwh,
            "efc": efc,
            "age_days": dt,
            "temp_c_days": temp if unit_dt else temp * dt,
            "soc_days": soc if unit_dt else soc * dt,
            "dod_efc": dod * efc,
            "days_above_35c": (temp > 35.0) if unit_dt else np.where(temp > 35.0, dt, 0.0),
            "days_soc_above_90": (soc > 0.9) if unit_dt else np.where(soc > 0.9, dt, 0.0),
        }
        if whole:
            b["q_loss_cal"][:] = new.q_loss_cal
            b["q_loss_cyc"][:] = new.q_loss_cyc
            for k, v in updates.items():
                col = b[k]
                col += v
        else:
            b["q_loss_cal"][ids] = new.q_loss_cal
            b["q_loss_cyc"][ids] = new.q_loss_cyc
            for k, v in updates.items():
                b.cols[k][ids] += np.broadcast_to(v, (n,))

    def repair_modules(self, battery: int, modules: list[int], rng: np.random.Generator) -> None:
        """Replace modules of one battery with new ones (the only way capacity goes back up)."""
        i = self.index_of(battery)
        sp, m = self.spread, self.modules_per_pack
        b = self._b
        mods = np.asarray(modules, dtype=np.int64)
        if mods.size == 0 or mods.min() < 0 or mods.max() >= m:
            raise ValueError(f"module indices must be in 0..{m - 1}")
        k = mods.size
        nom = b["nominal_kwh"][i] / m
        b["module_cap0_kwh"][i, mods] = nom * (1.0 + sp.module_capacity_sigma * rng.standard_normal(k))
        b["module_res0_mohm"][i, mods] = sp.module_resistance_mohm * (1.0 + sp.module_resistance_sigma * rng.standard_normal(k))
        b["module_fade"][i, mods] = np.clip(1.0 + sp.module_fade_sigma * rng.standard_normal(k), 0.5, 1.5)
        b["module_loss_at_install"][i, mods] = self.true_loss(np.array([i]))[0]

    def record_soh(self, t_h: float, ids: np.ndarray | slice = slice(None)) -> None:
        """Append the current true pack SOH of the selected batteries to the SOH trajectory log."""
        ids = np.arange(len(self))[ids] if isinstance(ids, slice) else np.asarray(ids, dtype=np.int64)
        sl = self._soh_log.reserve(ids.size)
        self._soh_log.cols["battery"][sl] = ids
        self._soh_log.cols["t_h"][sl] = t_h
        self._soh_log.cols["soh"][sl] = self.soh(ids)

    def soh_trajectory(self, battery: int | str) -> tuple[np.ndarray, np.ndarray]:
        """(t_h, soh) rows recorded for one battery."""
        i = self.index_of(battery)
        rows = self._soh_log["battery"] == i
        return self._soh_log["t_h"][rows].copy(), self._soh_log["soh"][rows].astype(float)

    # ------------------------------------------------------------------ true state (hidden from graders)
    def model_loss(self, ids=slice(None)) -> np.ndarray:
        """Capacity loss the nominal ageing model predicts from the usage history."""
        return self._b["q_loss_cal"][ids] + self._b["q_loss_cyc"][ids]

    def true_loss(self, ids=slice(None)) -> np.ndarray:
        """True pack-average capacity loss (model loss x the battery's hidden deviation)."""
        return self._b["fade_scalar"][ids] * self.model_loss(ids)

    def module_capacity_kwh(self, ids=slice(None)) -> np.ndarray:
        """True capacity of every module (batteries x modules)."""
        b = self._b
        loss = self.true_loss(ids)[:, None] - b["module_loss_at_install"][ids]
        frac = np.clip(1.0 - np.maximum(loss, 0.0) * b["module_fade"][ids], 0.0, 1.0)
        return b["module_cap0_kwh"][ids] * frac

    def module_resistance_mohm(self, ids=slice(None)) -> np.ndarray:
        """True resistance of every module; grows with the module's capacity loss."""
        b = self._b
        loss = 1.0 - self.module_capacity_kwh(ids) / b["module_cap0_kwh"][ids]
        return b["module_res0_mohm"][ids] * (1.0 + self.spread.resistance_growth_per_loss * loss)

    def capacity_kwh(self, ids=slice(None)) -> np.ndarray:
        """True pack capacity: sum of module capacities (balanced pack assumption)."""
        return self.module_capacity_kwh(ids).sum(axis=1, dtype=np.float64)

    def series_limited_kwh(self, ids=slice(None)) -> np.ndarray:
        """Pack capacity if the weakest module limits the series string (no active balancing)."""
        return self.module_capacity_kwh(ids).min(axis=1).astype(np.float64) * self.modules_per_pack

    def soh(self, ids=slice(None)) -> np.ndarray:
        """True pack state of health: capacity / nominal."""
        return self.capacity_kwh(ids) / self._b["nominal_kwh"][ids]

    def cathode_health(self, ids=slice(None)) -> np.ndarray:
        """True cathode health (remaining cathode active capacity, 1 = new)."""
        b = self._b
        return true_cathode_health(
            b["q_loss_cal"][ids], b["q_loss_cyc"][ids], b["fade_scalar"][ids], b["cathode_scalar"][ids], self.cathode_shares
        )

    def materials_kg(self, ids=slice(None)) -> np.ndarray:
        """kg of each material in ``chemistry.MATERIALS`` order (batteries x materials)."""
        from .chemistry import material_matrix

        return material_matrix()[self._b["chemistry"][ids]] * self._b["nominal_kwh"][ids][:, None]

    def history_summary(self, ids=slice(None)) -> dict[str, np.ndarray]:
        """Usage history of the selected batteries as plain arrays (what a passport would carry)."""
        b = self._b
        age = b["age_days"][ids]
        safe = np.where(age > 0, age, 1.0)
        efc = b["efc"][ids]
        return {
            "age_days": age.copy(),
            "efc": efc.copy(),
            "throughput_kwh": b["throughput_kwh"][ids].copy(),
            "v2g_throughput_kwh": b["v2g_throughput_kwh"][ids].copy(),
            "mean_temp_c": np.where(age > 0, b["temp_c_days"][ids] / safe, np.nan),
            "mean_soc": np.where(age > 0, b["soc_days"][ids] / safe, np.nan),
            "mean_dod": np.where(efc > 0, b["dod_efc"][ids] / np.where(efc > 0, efc, 1.0), np.nan),
            "days_above_35c": b["days_above_35c"][ids].copy(),
            "days_soc_above_90": b["days_soc_above_90"][ids].copy(),
            "model_loss": self.model_loss(ids).copy(),
        }

    # ------------------------------------------------------------------ tables for the results folder
    def to_frames(self) -> dict[str, "pd.DataFrame"]:
        """The store as pandas tables (batteries with true state and history, holder log, SOH log),
        ready for Parquet in a results folder."""
        import pandas as pd

        b = self._b
        n = len(self)
        batteries = pd.DataFrame(
            {
                "battery_id": np.arange(n, dtype=np.int64),
                "passport": [self.passport(i) for i in range(n)],
                "chemistry": pd.Categorical.from_codes(b["chemistry"], CHEMISTRIES),
                "nominal_kwh": b["nominal_kwh"],
                "created_t_h": b["created_t_h"],
                "holder_kind": pd.Categorical.from_codes(b["holder_kind"], [k.name for k in HolderKind]),
                "holder_id": b["holder_id"],
                "soh": self.soh(),
                "capacity_kwh": self.capacity_kwh(),
                "cathode_health": self.cathode_health(),
                **self.history_summary(),
            }
        )
        log = self.holder_log()
        holder_log = pd.DataFrame(
            {
                "battery_id": log["battery"],
                "t_h": log["t_h"],
                "holder_kind": pd.Categorical.from_codes(log["kind"], [k.name for k in HolderKind]),
                "holder_id": log["holder_id"],
            }
        )
        soh_log = pd.DataFrame({"battery_id": self._soh_log["battery"], "t_h": self._soh_log["t_h"], "soh": self._soh_log["soh"]})
        return {"batteries": batteries, "holder_log": holder_log, "soh_log": soh_log}

    # ------------------------------------------------------------------ inspection
    def __getitem__(self, battery: int | str) -> "BatteryView":
        return BatteryView(self, self.index_of(battery))

    def view(self, battery: int | str) -> "BatteryView":
        """A read-only view of one battery for inspection and debugging."""
        return self[battery]


class BatteryView:
    """One battery of a :class:`BatteryStore`, read through (no copy of the store's state)."""

    def __init__(self, store: BatteryStore, i: int) -> None:
        self._s, self.id = store, i

    @property
    def passport(self) -> str:
        return BatteryStore.passport(self.id)

    @property
    def chemistry(self) -> str:
        return CHEMISTRIES[int(self._s.col("chemistry")[self.id])]

    @property
    def nominal_kwh(self) -> float:
        return float(self._s.col("nominal_kwh")[self.id])

    @property
    def soh(self) -> float:
        return float(self._s.soh(np.array([self.id]))[0])

    @property
    def capacity_kwh(self) -> float:
        return float(self._s.capacity_kwh(np.array([self.id]))[0])

    @property
    def cathode_health(self) -> float:
        return float(self._s.cathode_health(np.array([self.id]))[0])

    @property
    def modules(self) -> dict[str, list[float]]:
        ids = np.array([self.id])
        return {
            "capacity_kwh": self._s.module_capacity_kwh(ids)[0].astype(float).tolist(),
            "resistance_mohm": self._s.module_resistance_mohm(ids)[0].astype(float).tolist(),
        }

    @property
    def holder(self) -> tuple[str, int]:
        return HolderKind(int(self._s.col("holder_kind")[self.id])).name, int(self._s.col("holder_id")[self.id])

    @property
    def holder_log(self) -> list[tuple[float, str, int]]:
        log = self._s.holder_log()
        rows = np.flatnonzero(log["battery"] == self.id)
        return [(float(log["t_h"][r]), HolderKind(int(log["kind"][r])).name, int(log["holder_id"][r])) for r in rows]

    @property
    def history(self) -> dict[str, float]:
        h = self._s.history_summary(np.array([self.id]))
        return {k: float(v[0]) for k, v in h.items()}

    def location_at(self, t_h: float) -> tuple[HolderKind, int] | None:
        return self._s.location_at(self.id, t_h)

    def as_dict(self) -> dict[str, Any]:
        """Everything about this battery as plain Python values."""
        return {
            "passport": self.passport,
            "chemistry": self.chemistry,
            "nominal_kwh": self.nominal_kwh,
            "soh": self.soh,
            "cathode_health": self.cathode_health,
            "holder": self.holder,
            "history": self.history,
            "modules": self.modules,
            "holder_log": self.holder_log,
        }

    def __repr__(self) -> str:
        kind, hid = self.holder
        return f"<Battery {self.passport} {self.chemistry} {self.nominal_kwh:.1f} kWh soh={self.soh:.3f} at {kind}:{hid}>"
