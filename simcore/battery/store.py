"""The battery store: every pack and every module as rows of struct-of-arrays tables, with holder logs.

One store per World (``world.batteries``): the fleet, the cohort, the 4R facilities and second-life
units all hold their batteries here, so passports never collide and one table says where every pack
and module is.

Packs: a battery id is its row index; its passport is ``B`` + six or more digits (``B000123``). A pack
holds modules in slots (``module_ids``); it carries the usage history and the ageing-model state, plus
truths a grader cannot see (its hidden deviation of fade from the model, per-module spread).

Modules are entities of their own (id = row in the module table, ``M`` + digits): each knows the pack it
came from, its current holder (a pack, a shelf, a line, a recycler) and, while loose, the pack whose
ageing it still follows (its *carrier*: the disassembled pack's shell keeps ageing with its loose
modules). A module's loss is ``base_loss + max(true_loss(carrier) - loss_at_install, 0) x fade``: when
it is installed in another pack its loss so far is frozen into ``base_loss`` and it follows its new
pack from then on. Disassembly and regrouping keep every module's identity; a rebuilt pack is a new
row (a new passport) listing its modules.

Conservation: every pack and module is created with a first holder event and thereafter always has
exactly one current holder, equal to its last logged event; a module held by a pack sits in exactly one
slot of that pack. :meth:`BatteryStore.unaccounted` and :meth:`BatteryStore.modules_unaccounted` count
what breaks this; both must be 0. :meth:`check_recent` checks only what moved since the last call
(cheap enough for every simulated day).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .ageing import AgeingState, DailyStressors, age_batteries, model_groups
from .chemistry import CHEMISTRIES, chemistry_codes, model_code_of
from .columns import Growable
from .holders import TERMINAL_KINDS, HolderKind, HolderRegistry, PassportStatus
from .soh import CATHODE_SHARES, CathodeShares, true_cathode_health

if TYPE_CHECKING:
    import pandas as pd

    from .view import BatteryView, ModuleView

__all__ = ["BatteryStore", "HolderKind", "ManufacturingSpread", "PassportStatus"]


#: holder kind code -> whether a battery held so is gone for good (recycled)
_TERMINAL = np.isin(np.arange(max(HolderKind) + 1), [int(k) for k in TERMINAL_KINDS])


def _span_if_distinct(ids: np.ndarray) -> tuple[int, int] | None:
    """``(min, max)`` of a non-empty id batch, or None if an id appears twice; the usual sorted batch
    costs one comparison pass (its ends are its extremes), others a sort."""
    if ids.size < 2 or bool((ids[1:] > ids[:-1]).all()):
        return int(ids[0]), int(ids[-1])
    s = np.sort(ids)
    if bool((s[1:] == s[:-1]).any()):
        return None
    return int(s[0]), int(s[-1])


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


#: a move of packs (``kind == "battery"``) or modules: ids, time, from (kind, id) and to (kind, id)
MoveListener = Callable[[str, np.ndarray, float, np.ndarray, np.ndarray, int, int], None]


class BatteryStore:
    """All packs and modules of a world as arrays, with their holder logs and SOH log."""

    def __init__(self, modules_per_pack: int = 8, spread: ManufacturingSpread | None = None,
                 cathode_shares: CathodeShares = CATHODE_SHARES, capacity: int = 1024,
                 strict_holders: bool = False, conserve_energy: bool = True) -> None:
        self.modules_per_pack = int(modules_per_pack)  # the default for create()
        self.conserve_energy = bool(conserve_energy)  # BLAST-Lite's mode for every age() step (see ageing.py)
        self.spread = spread or ManufacturingSpread()
        self.cathode_shares = cathode_shares
        self.holders = HolderRegistry()
        #: refuse holder ids that were not registered (the World's store); plain stores accept any
        self.strict_holders = strict_holders
        #: called on every move when set (the World sets it while someone listens to battery.moved)
        self.on_move: MoveListener | None = None
        #: whether ``on_move`` wants moves of packs ("battery") or modules ("module") now; None: always
        self.move_wanted: Callable[[str], bool] | None = None
        #: names of the route codes recorded with set_route (the components that route packs fill it)
        self.route_names: dict[int, str] = {}
        f8, f4, i1, i2, i8 = np.float64, np.float32, np.int8, np.int16, np.int64
        m = max(self.modules_per_pack, 1)
        self._b = Growable({
            "chemistry": (i1, ()), "model_code": (i1, ()), "nominal_kwh": (f8, ()), "created_t_h": (f8, ()),
            "q_loss_cal": (f8, ()), "q_loss_cyc": (f8, ()),  # nominal model state (what usage history predicts)
            "fade_scalar": (f8, ()),  # hidden truth: true loss = fade_scalar x model loss
            "cathode_scalar": (f8, ()),  # hidden truth: deviation of the cathode share of fade
            "throughput_kwh": (f8, ()), "v2g_throughput_kwh": (f8, ()), "efc": (f8, ()), "age_days": (f8, ()),
            "temp_c_days": (f8, ()),  # integral of cell temperature over days in service
            "soc_days": (f8, ()),  # integral of mean SOC over days
            "dod_efc": (f8, ()),  # EFC-weighted DOD sum
            "days_above_35c": (f8, ()), "days_soc_above_90": (f8, ()),
            "holder_kind": (i1, ()), "holder_id": (i8, ()), "last_event_t_h": (f8, ()),
            "status": (i1, ()), "n_modules": (i2, ()),
            "grade_soh_est": (f4, ()), "grade_sigma": (f4, ()), "grade_t_h": (f8, ()),
            "grade_true_soh": (f4, ()),  # hidden truth at grading (for judging the grader, never shown to it)
            "route": (i1, ()), "route_t_h": (f8, ()),
            "module_ids": (np.int32, (m,)),  # module ids by slot; -1 empty (int32: 2e9 modules)
        }, capacity, fill={"grade_soh_est": np.nan, "grade_sigma": np.nan, "grade_t_h": np.nan, "grade_true_soh": np.nan,
                           "route": -1, "route_t_h": np.nan, "module_ids": -1})
        self._m = Growable({
            "origin_pack": (i8, ()), "carrier": (i8, ()), "slot": (i2, ()),
            "holder_kind": (i1, ()), "holder_id": (i8, ()), "last_event_t_h": (f8, ()),
            "chemistry": (i1, ()), "nominal_kwh": (f4, ()), "cap0_kwh": (f4, ()), "res0_mohm": (f4, ()),
            "fade": (f4, ()), "base_loss": (f4, ()), "loss_at_install": (f4, ()),
            "grade_soh_est": (f4, ()), "grade_sigma": (f4, ()),
        }, capacity * m, fill={"slot": -1, "grade_soh_est": np.nan, "grade_sigma": np.nan})
        self._log = Growable({"battery": (i8, ()), "t_h": (f8, ()), "kind": (i1, ()), "holder_id": (i8, ())}, capacity)
        self._mlog = Growable({"module": (i8, ()), "t_h": (f8, ()), "kind": (i1, ()), "holder_id": (i8, ())}, capacity)
        self._soh_log = Growable({"battery": (i8, ()), "t_h": (f8, ()), "soh": (f4, ())}, capacity)
        self._groups_cache: dict[tuple[int, int], dict[int, np.ndarray | slice]] = {}  # by (start, stop)
        self._checked = (0, 0)  # log rows (packs, modules) checked by check_recent

    # ================================================================== creation and identity
    def __len__(self) -> int:
        return self._b.n

    @property
    def n_modules_total(self) -> int:
        """Number of module entities ever made."""
        return self._m.n

    def col(self, name: str) -> np.ndarray:
        """A live view of one per-pack column (length = number of packs)."""
        return self._b[name]

    def mcol(self, name: str) -> np.ndarray:
        """A live view of one per-module column (length = number of modules)."""
        return self._m[name]

    def _check_holder(self, kind: HolderKind, holder_id: int | np.ndarray) -> None:
        kind = HolderKind(kind)
        if kind == HolderKind.NONE:
            raise ValueError("a battery or module must always have a holder")
        if not self.strict_holders or kind == HolderKind.PACK:
            return
        ids = [int(holder_id)] if np.ndim(holder_id) == 0 else np.unique(np.asarray(holder_id, dtype=np.int64)).tolist()
        for hid in ids:
            if not self.holders.is_registered(kind, hid):
                raise ValueError(f"holder {kind.name}:{hid} is not registered (world.batteries.holders.register)")

    def _heard(self, what: str) -> bool:
        """Whether a move of ``what`` ("battery" or "module") goes to ``on_move`` (its arrays are gathered
        only then: a move nobody listens to costs nothing extra)."""
        return self.on_move is not None and (self.move_wanted is None or self.move_wanted(what))

    def create(self, n: int, chemistry: str | list[str], nominal_kwh: float | np.ndarray, t_h: float,
               holder_kind: HolderKind, holder_id: int | np.ndarray, rng: np.random.Generator,
               modules_per_pack: int | None = None) -> np.ndarray:
        """Manufacture ``n`` packs at ``t_h`` into a first holder, each with its modules; returns pack ids."""
        if n < 0:
            raise ValueError("n must be >= 0")
        self._check_holder(holder_kind, holder_id)
        sp = self.spread
        m = int(modules_per_pack or self.modules_per_pack)
        if m < 1:
            raise ValueError("a pack needs at least one module")
        chem = chemistry_codes(chemistry, n)  # validate everything before any row is added
        nom = np.broadcast_to(np.asarray(nominal_kwh, dtype=float), (n,))
        if chem.size != n or np.any(~(nom > 0)):
            raise ValueError("chemistry must name n batteries and nominal_kwh must be > 0")
        sl = self._b.reserve(n)
        self._b.widen("module_ids", m)
        b = self._b.cols
        b["chemistry"][sl] = chem
        b["model_code"][sl] = model_code_of(chem)
        b["nominal_kwh"][sl] = nom
        b["created_t_h"][sl] = t_h
        b["fade_scalar"][sl] = rng.lognormal(0.0, sp.fade_scalar_sigma, n)
        b["cathode_scalar"][sl] = rng.lognormal(0.0, sp.cathode_share_sigma, n)
        b["status"][sl] = PassportStatus.ORIGINAL
        b["n_modules"][sl] = m
        ids = np.arange(sl.start, sl.stop, dtype=np.int64)
        # modules: drawn as (n, m) so a pack's draws do not depend on the store's other packs
        cap = (nom[:, None] / m) * (1.0 + sp.module_capacity_sigma * rng.standard_normal((n, m)))
        res = sp.module_resistance_mohm * (1.0 + sp.module_resistance_sigma * rng.standard_normal((n, m)))
        fade = np.clip(1.0 + sp.module_fade_sigma * rng.standard_normal((n, m)), 0.5, 1.5)
        msl = self._m.reserve(n * m)
        mids = np.arange(msl.start, msl.stop, dtype=np.int64)
        mc = self._m.cols
        owner = np.repeat(ids, m)
        mc["origin_pack"][msl] = owner
        mc["carrier"][msl] = owner
        mc["slot"][msl] = np.tile(np.arange(m, dtype=np.int16), n)
        mc["holder_kind"][msl] = HolderKind.PACK
        mc["holder_id"][msl] = owner
        mc["last_event_t_h"][msl] = t_h
        mc["chemistry"][msl] = np.repeat(chem, m)
        mc["nominal_kwh"][msl] = np.repeat(nom / m, m)
        mc["cap0_kwh"][msl] = cap.ravel()
        mc["res0_mohm"][msl] = res.ravel()
        mc["fade"][msl] = fade.ravel()
        b["module_ids"][sl, :m] = mids.reshape(n, m)
        self._append_mlog(mids, t_h, HolderKind.PACK, owner)
        self._append_log(ids, t_h, holder_kind, holder_id)
        return ids

    @staticmethod
    def passport(battery_id: int) -> str:
        """Passport string of a pack id, e.g. ``B000123``."""
        return f"B{int(battery_id):06d}"

    @staticmethod
    def module_label(module_id: int) -> str:
        """Label of a module id, e.g. ``M0000012``."""
        return f"M{int(module_id):07d}"

    def index_of(self, battery: int | str) -> int:
        """Pack id from an id or passport string; KeyError if unknown."""
        if isinstance(battery, str):
            if not (battery.startswith("B") and battery[1:].isdigit()):
                raise KeyError(f"not a battery passport: {battery!r} (passports look like B000123)")
            battery = int(battery[1:])
        i = int(battery)
        if not 0 <= i < len(self):
            raise KeyError(f"no battery {self.passport(i)}")
        return i

    def module_index_of(self, module: int | str) -> int:
        """Module id from an id or ``M...`` label; KeyError if unknown."""
        if isinstance(module, str):
            text = module[1:] if module.startswith("M") else module
            if not text.isdigit():
                raise KeyError(f"not a module id: {module!r} (module ids look like M0000123 or 123)")
            module = int(text)
        i = int(module)
        if not 0 <= i < self._m.n:
            raise KeyError(f"no module {self.module_label(i)}")
        return i

    # ================================================================== holders
    def _append_log(self, ids: np.ndarray, t_h: float | np.ndarray, kind, holder_id) -> None:
        sl = self._log.reserve(ids.size)
        lg = self._log.cols
        lg["battery"][sl] = ids
        lg["t_h"][sl] = t_h
        lg["kind"][sl] = kind
        lg["holder_id"][sl] = holder_id
        b = self._b.cols
        b["holder_kind"][ids] = kind
        b["holder_id"][ids] = holder_id
        b["last_event_t_h"][ids] = t_h

    def _append_mlog(self, mids: np.ndarray, t_h: float, kind, holder_id) -> None:
        sl = self._mlog.reserve(mids.size)
        lg = self._mlog.cols
        lg["module"][sl] = mids
        lg["t_h"][sl] = t_h
        lg["kind"][sl] = kind
        lg["holder_id"][sl] = holder_id
        m = self._m.cols
        m["holder_kind"][mids] = kind
        m["holder_id"][mids] = holder_id
        m["last_event_t_h"][mids] = t_h

    def transfer(self, ids: np.ndarray, t_h: float, holder_kind: HolderKind, holder_id: int | np.ndarray) -> None:
        """Move packs to a new holder at ``t_h`` (one log row each; their modules go with them)."""
        ids = np.atleast_1d(np.asarray(ids, dtype=np.int64))
        if ids.size == 0:
            return
        span = _span_if_distinct(ids)
        if span is None:
            if ids.min() < 0 or ids.max() >= len(self):
                raise KeyError("transfer of an unknown battery id")
            raise ValueError("a battery can move only once per transfer call")
        if span[0] < 0 or span[1] >= len(self):
            raise KeyError("transfer of an unknown battery id")
        if holder_kind in (HolderKind.NONE, HolderKind.PACK):
            raise ValueError(f"a pack cannot be held by {HolderKind(holder_kind).name}")
        self._check_holder(holder_kind, holder_id)
        kinds = self._b["holder_kind"][ids]
        if _TERMINAL[kinds].any():
            raise ValueError("a recycled battery cannot move again")
        if np.any(self._b["last_event_t_h"][ids] > t_h):
            raise ValueError("holder events must not go back in time")
        if self._heard("battery"):
            self.on_move("battery", ids, t_h, kinds.copy(), self._b["holder_id"][ids].copy(), int(holder_kind),
                         int(np.asarray(holder_id).ravel()[0]))
        self._append_log(ids, t_h, holder_kind, holder_id)

    def transfer_modules(self, mids: np.ndarray, t_h: float, holder_kind: HolderKind,
                         holder_id: int | np.ndarray) -> None:
        """Move loose modules (not in a pack) to a new holder; use :meth:`assemble` to put them in a pack."""
        mids = np.atleast_1d(np.asarray(mids, dtype=np.int64))
        if mids.size == 0:
            return
        span = _span_if_distinct(mids)
        if span is None or span[0] < 0 or span[1] >= self._m.n:
            raise ValueError("module ids must exist and be distinct")
        if HolderKind(holder_kind) in (HolderKind.NONE, HolderKind.PACK):
            raise ValueError("modules go into a pack only through assemble()")
        kinds = self._m["holder_kind"][mids]
        if np.any(kinds == HolderKind.PACK):
            raise ValueError("a module inside a pack moves with its pack; detach it first")
        if _TERMINAL[kinds].any():
            raise ValueError("a recycled module cannot move again")
        if np.any(self._m["last_event_t_h"][mids] > t_h):
            raise ValueError("holder events must not go back in time")
        self._check_holder(holder_kind, holder_id)
        if self._heard("module"):
            self.on_move("module", mids, t_h, kinds.copy(), self._m["holder_id"][mids].copy(), int(holder_kind),
                         int(np.asarray(holder_id).ravel()[0]))
        self._append_mlog(mids, t_h, holder_kind, holder_id)

    def holder_log(self) -> dict[str, np.ndarray]:
        """The append-only pack holder event table (battery, t_h, kind, holder_id), in append order."""
        return {k: self._log[k].copy() for k in ("battery", "t_h", "kind", "holder_id")}

    def module_log(self) -> dict[str, np.ndarray]:
        """The append-only module holder event table (module, t_h, kind, holder_id), in append order."""
        return {k: self._mlog[k].copy() for k in ("module", "t_h", "kind", "holder_id")}

    def location_at(self, battery: int | str, t_h: float) -> tuple[HolderKind, int] | None:
        """(holder kind, holder id) of one pack at time ``t_h``; None before it existed."""
        i = self.index_of(battery)
        rows = np.flatnonzero(self._log["battery"] == i)
        rows = rows[self._log["t_h"][rows] <= t_h]
        if rows.size == 0:
            return None
        last = rows[-1]  # append order is chronological per battery (transfer checks it)
        return HolderKind(int(self._log["kind"][last])), int(self._log["holder_id"][last])

    def locations_at(self, t_h: float) -> tuple[np.ndarray, np.ndarray]:
        """Holder kind and id of every pack at ``t_h`` (kind NONE for packs not yet made)."""
        return _last_rows(self._log, "battery", len(self), t_h)

    def counts_by_holder(self) -> dict[str, int]:
        """How many packs each holder kind holds now (sums to ``len(self)`` when accounted)."""
        c = np.bincount(self._b["holder_kind"].astype(np.int64), minlength=len(HolderKind))
        return {k.name: int(c[k]) for k in HolderKind}

    def held_by(self, kind: HolderKind, holder_id: int) -> np.ndarray:
        """Pack ids held now by ``kind:holder_id``."""
        return np.flatnonzero((self._b["holder_kind"] == kind) & (self._b["holder_id"] == holder_id))

    def modules_held_by(self, kind: HolderKind, holder_id: int) -> np.ndarray:
        """Module ids held now by ``kind:holder_id`` (loose modules; use module_ids for a pack's)."""
        return np.flatnonzero((self._m["holder_kind"] == kind) & (self._m["holder_id"] == holder_id))

    # ================================================================== invariants
    def unaccounted(self) -> int:
        """Packs whose whereabouts are not established (must be 0).

        Counts packs with no holder event, with no valid current holder, or whose current holder
        differs from their last logged event, plus log rows naming packs that do not exist.
        """
        n = len(self)
        bat = self._log["battery"]
        ghost = int(np.count_nonzero((bat < 0) | (bat >= n)))
        kind_last, id_last = self.locations_at(np.inf)
        cur_kind = self._b["holder_kind"]
        bad = (kind_last == HolderKind.NONE) | (cur_kind == HolderKind.NONE) | (cur_kind > max(HolderKind))
        bad |= (cur_kind == HolderKind.PACK)
        bad |= (kind_last != cur_kind) | (id_last != self._b["holder_id"])
        return int(np.count_nonzero(bad)) + ghost

    def modules_unaccounted(self) -> int:
        """Modules whose whereabouts are not established, or that sit in two places (must be 0).

        A module held by a pack must be in exactly the slot it names, of a pack that lists it there;
        every slot a pack lists must hold a module that names that pack; the current holder of every
        module equals its last logged event.
        """
        n = self._m.n
        mod = self._mlog["module"]
        ghost = int(np.count_nonzero((mod < 0) | (mod >= n)))
        kind_last, id_last = _last_rows(self._mlog, "module", n, np.inf)
        kind = self._m["holder_kind"]
        hid = self._m["holder_id"]
        bad = (kind_last == HolderKind.NONE) | (kind == HolderKind.NONE) | (kind_last != kind) | (id_last != hid)
        in_pack = np.flatnonzero(kind == HolderKind.PACK)
        slot = self._m["slot"][in_pack].astype(np.int64)
        pack = hid[in_pack]
        ok = (pack >= 0) & (pack < len(self)) & (slot >= 0) & (slot < self._b.cols["module_ids"].shape[1])
        listed = np.full(in_pack.size, -1, dtype=np.int64)
        listed[ok] = self._b["module_ids"][pack[ok], slot[ok]]
        bad[in_pack[listed != in_pack]] = True
        bad[(kind != HolderKind.PACK) & (self._m["slot"] != -1)] = True
        slots = self._b["module_ids"]
        filled = slots >= 0
        rows, cols = np.nonzero(filled)
        mids = slots[rows, cols]
        wrong = (kind[mids] != HolderKind.PACK) | (hid[mids] != rows) | (self._m["slot"][mids] != cols)
        twice = int(np.maximum(np.bincount(mids, minlength=n) - 1, 0).sum()) if mids.size else 0
        return int(np.count_nonzero(bad)) + ghost + int(np.count_nonzero(wrong)) + int(twice)

    def check_recent(self) -> tuple[int, int]:
        """Invariants on what moved since the last call: (packs, modules) whose holder disagrees with
        their latest logged event, or a pack holding a module that is not in its slot. Cost grows
        with the moves, not with the store, so it can run every simulated day."""
        p0, m0 = self._checked
        bad_p = bad_m = 0
        if self._log.n > p0:
            bat = self._log["battery"][p0:]
            uniq, last = _last_of_each(bat)
            rows = p0 + last
            bad_p = int(np.count_nonzero((self._b["holder_kind"][uniq] != self._log["kind"][rows])
                                         | (self._b["holder_id"][uniq] != self._log["holder_id"][rows])))
        if self._mlog.n > m0:
            mod = self._mlog["module"][m0:]
            uniq, last = _last_of_each(mod)
            rows = m0 + last
            kind = self._m["holder_kind"][uniq]
            hid = self._m["holder_id"][uniq]
            bad = (kind != self._mlog["kind"][rows]) | (hid != self._mlog["holder_id"][rows])
            in_pack = kind == HolderKind.PACK
            slot = self._m["slot"][uniq].astype(np.int64)
            listed = np.full(uniq.size, -1, dtype=np.int64)
            ok = in_pack & (slot >= 0)
            listed[ok] = self._b["module_ids"][hid[ok], slot[ok]]
            bad |= in_pack & (listed != uniq)
            bad_m = int(np.count_nonzero(bad))
        self._checked = (self._log.n, self._mlog.n)
        return bad_p, bad_m

    # ================================================================== modules, disassembly, assembly
    def module_ids(self, ids: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Module ids in each slot of the selected packs (packs x slots; -1 for an empty slot)."""
        return self._b["module_ids"][ids].astype(np.int64)

    @property
    def max_slots(self) -> int:
        """Module slots per pack the store has room for (assemble() beyond it widens every pack's row)."""
        return int(self._b.cols["module_ids"].shape[1])

    def modules_of(self, battery: int | str) -> np.ndarray:
        """Module ids of one pack, slot order (empty slots left out)."""
        row = self._b["module_ids"][self.index_of(battery)]
        return row[row >= 0].copy()

    def module_loss(self, mids: np.ndarray) -> np.ndarray:
        """True capacity loss of modules (fraction of their nominal), wherever they are."""
        mids = np.asarray(mids, dtype=np.int64)
        m = self._m
        carrier_loss = self.true_loss(m["carrier"][mids])
        grown = np.maximum(carrier_loss - m["loss_at_install"][mids], 0.0) * m["fade"][mids]
        return m["base_loss"][mids] + grown

    def module_capacity(self, mids: np.ndarray) -> np.ndarray:
        """True capacity (kWh) of modules."""
        mids = np.asarray(mids, dtype=np.int64)
        frac = np.clip(1.0 - self.module_loss(mids), 0.0, 1.0)
        return self._m["cap0_kwh"][mids] * frac

    def module_soh(self, mids: np.ndarray) -> np.ndarray:
        """True module state of health: capacity / nominal."""
        mids = np.asarray(mids, dtype=np.int64)
        return self.module_capacity(mids) / self._m["nominal_kwh"][mids]

    def module_values(self, name: str, ids: np.ndarray | slice = slice(None)) -> np.ndarray:
        """A per-module column laid out as packs x slots for the selected packs (0 in empty slots)."""
        slots = self._b["module_ids"][ids]
        out = np.zeros(slots.shape, dtype=self._m.cols[name].dtype)
        filled = slots >= 0
        out[filled] = self._m[name][slots[filled]]
        return out

    def detach(self, ids: np.ndarray, t_h: float, to_kind: HolderKind, to_id: int) -> np.ndarray:
        """Disassemble packs: their modules leave the slots for ``to_kind:to_id`` (a shelf, a line).

        The loose modules keep following their pack's ageing (the shell, still in the store, is their
        carrier) until they are installed elsewhere. Returns the module ids (packs x slots, -1 padded).
        """
        ids = np.atleast_1d(np.asarray(ids, dtype=np.int64))
        slots = self._b["module_ids"][ids].copy()
        mids = slots[slots >= 0]
        if mids.size == 0:
            return slots
        self._m["slot"][mids] = -1
        self._b["module_ids"][ids] = -1
        self._b["n_modules"][ids] = 0
        if self._heard("module"):
            self.on_move("module", mids, t_h, self._m["holder_kind"][mids].copy(), self._m["holder_id"][mids].copy(),
                         int(to_kind), int(to_id))
        self._check_holder(to_kind, to_id)
        self._append_mlog(mids, t_h, to_kind, to_id)
        return slots

    def assemble(self, modules: np.ndarray, t_h: float, holder_kind: HolderKind, holder_id: int,
                 status: PassportStatus, rng: np.random.Generator | None = None) -> np.ndarray:
        """Build new packs from loose modules (one row of ``modules`` per pack, -1 padded); new passports.

        All modules of a pack must share a chemistry. Each new pack starts from the mean model state of
        its modules' carriers (so it keeps ageing at their pace); each module's loss so far is frozen
        into its ``base_loss`` and it follows the new pack from now on. Returns the new pack ids.
        """
        modules = np.atleast_2d(np.asarray(modules, dtype=np.int64))
        k, width = modules.shape
        order = np.argsort(modules < 0, axis=1, kind="stable")  # filled slots first, in the given order
        modules = np.take_along_axis(modules, order, axis=1)
        filled = modules >= 0
        mids = modules[filled]
        if k == 0:
            return np.zeros(0, np.int64)
        if not filled.any(axis=1).all():
            raise ValueError("every new pack needs at least one module")
        span = _span_if_distinct(mids)
        if span is None or span[1] >= self._m.n:
            raise ValueError("module ids must exist and appear once")
        held_by = self._m["holder_kind"][mids]
        if np.any(held_by == HolderKind.PACK):
            raise ValueError("modules must be detached from their packs before they are assembled again")
        if _TERMINAL[held_by].any():
            raise ValueError("a recycled module cannot be assembled")
        self._check_holder(holder_kind, holder_id)
        chem = np.where(filled, self.module_values_of("chemistry", modules), -1)
        first = chem[np.arange(k), np.argmax(filled, axis=1)]
        if np.any((chem != first[:, None]) & filled):
            raise ValueError("a pack's modules must share one chemistry")
        loss_now = np.zeros(modules.shape)
        loss_now[filled] = self.module_loss(mids)
        carrier = np.where(filled, self.module_values_of("carrier", modules), 0)
        count = filled.sum(axis=1)
        cal = np.where(filled, self._b["q_loss_cal"][carrier], 0.0).sum(axis=1) / count
        cyc = np.where(filled, self._b["q_loss_cyc"][carrier], 0.0).sum(axis=1) / count
        cath = np.where(filled, self._b["cathode_scalar"][carrier], 0.0).sum(axis=1) / count
        nom = np.where(filled, self.module_values_of("nominal_kwh", modules), 0.0).sum(axis=1)
        sl = self._b.reserve(k)
        self._b.widen("module_ids", width)
        new = np.arange(sl.start, sl.stop, dtype=np.int64)
        b = self._b.cols
        b["chemistry"][sl] = first
        b["model_code"][sl] = model_code_of(first)
        b["nominal_kwh"][sl] = nom
        b["created_t_h"][sl] = t_h
        b["q_loss_cal"][sl] = cal
        b["q_loss_cyc"][sl] = cyc
        b["fade_scalar"][sl] = 1.0  # each module carries its own deviation in base_loss and fade
        b["cathode_scalar"][sl] = cath
        b["status"][sl] = status
        b["n_modules"][sl] = count
        b["module_ids"][sl, :width] = modules
        true_new = self.true_loss(new)
        m = self._m.cols
        rows, cols = np.nonzero(filled)
        m["base_loss"][mids] = loss_now[filled]
        m["carrier"][mids] = new[rows]
        m["loss_at_install"][mids] = true_new[rows]
        m["slot"][mids] = cols
        if self._heard("module"):
            self.on_move("module", mids, t_h, m["holder_kind"][mids].copy(), m["holder_id"][mids].copy(),
                         int(HolderKind.PACK), -1)
        self._append_mlog(mids, t_h, HolderKind.PACK, new[rows])
        self._append_log(new, t_h, holder_kind, holder_id)
        return new

    def rebase_ageing(self, ids: np.ndarray, model_code: int) -> None:
        """Packs start ageing under another law whose losses are relative to now (a second-life law).

        Each module's loss so far is frozen into its ``base_loss``; its later losses count relative to
        its capacity now (``fade x (1 - loss)``), and the pack's model state restarts at zero under
        ``model_code``.
        """
        ids = np.asarray(ids, dtype=np.int64)
        slots = self._b["module_ids"][ids]
        filled = slots >= 0
        mids = slots[filled]
        loss = np.clip(self.module_loss(mids), 0.0, 1.0)
        m = self._m
        m["base_loss"][mids] = loss
        m["fade"][mids] = m["fade"][mids] * (1.0 - loss)
        m["loss_at_install"][mids] = 0.0
        b = self._b
        b["model_code"][ids] = model_code
        b["q_loss_cal"][ids] = 0.0
        b["q_loss_cyc"][ids] = 0.0
        b["fade_scalar"][ids] = 1.0
        self._groups_cache.clear()

    def module_values_of(self, name: str, modules: np.ndarray) -> np.ndarray:
        """A per-module column gathered for an array of module ids (-1 entries read module 0; mask them)."""
        return self._m[name][np.maximum(modules, 0)]

    def repair_modules(self, battery: int, modules: list[int], rng: np.random.Generator,
                       to_kind: HolderKind = HolderKind.FACTORY, to_id: int = 0, t_h: float | None = None) -> np.ndarray:
        """Replace modules (by slot) of one pack with new ones; the old modules go to ``to_kind:to_id``.

        Returns the new module ids. The only way a pack's capacity goes back up.
        """
        i = self.index_of(battery)
        sp = self.spread
        slots = np.asarray(modules, dtype=np.int64)
        n_mod = int(self._b["n_modules"][i])
        if slots.size == 0 or slots.min() < 0 or slots.max() >= n_mod:
            raise ValueError(f"module indices must be in 0..{n_mod - 1}")
        t = float(self._b["last_event_t_h"][i]) if t_h is None else float(t_h)
        old = self._b["module_ids"][i, slots].copy()
        k = slots.size
        nom = float(self._m["nominal_kwh"][old[0]])
        self._m["slot"][old] = -1
        self._append_mlog(old, t, to_kind, to_id)
        msl = self._m.reserve(k)
        new = np.arange(msl.start, msl.stop, dtype=np.int64)
        mc = self._m.cols
        mc["origin_pack"][msl] = i
        mc["carrier"][msl] = i
        mc["slot"][msl] = slots
        mc["chemistry"][msl] = self._b["chemistry"][i]
        mc["nominal_kwh"][msl] = nom
        mc["cap0_kwh"][msl] = nom * (1.0 + sp.module_capacity_sigma * rng.standard_normal(k))
        mc["res0_mohm"][msl] = sp.module_resistance_mohm * (1.0 + sp.module_resistance_sigma * rng.standard_normal(k))
        mc["fade"][msl] = np.clip(1.0 + sp.module_fade_sigma * rng.standard_normal(k), 0.5, 1.5)
        mc["loss_at_install"][msl] = self.true_loss(np.array([i]))[0]
        self._b["module_ids"][i, slots] = new
        self._append_mlog(new, t, HolderKind.PACK, i)
        return new

    # ================================================================== passport fields
    def set_status(self, ids: np.ndarray, status: PassportStatus) -> None:
        """Passport status of packs (original, re-used, remanufactured, repurposed, waste)."""
        self._b["status"][np.asarray(ids, dtype=np.int64)] = status

    def set_grade(self, ids: np.ndarray, soh_est: np.ndarray, sigma: np.ndarray, t_h: float,
                  module_est: np.ndarray | None = None, module_sigma: np.ndarray | None = None) -> None:
        """Record a grading: pack estimate and 1-sigma, when, and (optionally) each module's."""
        ids = np.asarray(ids, dtype=np.int64)
        self._b["grade_soh_est"][ids] = soh_est
        self._b["grade_sigma"][ids] = sigma
        self._b["grade_t_h"][ids] = t_h
        self._b["grade_true_soh"][ids] = self.soh(ids)
        if module_est is not None:
            module_est = np.asarray(module_est)
            slots = self._b["module_ids"][ids][:, : module_est.shape[1]]
            filled = slots >= 0
            self._m["grade_soh_est"][slots[filled]] = np.asarray(module_est)[filled]
            if module_sigma is not None:
                self._m["grade_sigma"][slots[filled]] = np.asarray(module_sigma)[filled]

    def set_route(self, ids: np.ndarray, route: np.ndarray | int, t_h: float) -> None:
        """Record the route a pack was sent on (codes of the caller's route table) and when."""
        ids = np.asarray(ids, dtype=np.int64)
        self._b["route"][ids] = route
        self._b["route_t_h"][ids] = t_h

    # ================================================================== ageing and history
    def ageing_state(self, ids: np.ndarray | slice = slice(None)) -> AgeingState:
        """Nominal model state of the selected packs (views for a slice), for :func:`age_batteries`."""
        b = self._b
        return AgeingState(b["q_loss_cal"][ids], b["q_loss_cyc"][ids], b["model_code"][ids])

    def _groups(self, sl: slice) -> dict[int, np.ndarray | slice]:
        """Rows per ageing model within a contiguous slice (model codes never change once made)."""
        start, stop, _ = sl.indices(len(self))
        key = (start, stop)
        cached = self._groups_cache.get(key)
        if cached is None:
            if len(self._groups_cache) > 16:
                self._groups_cache.clear()
            cached = self._groups_cache[key] = model_groups(self._b["model_code"][start:stop])
        return cached

    def age(self, ids: np.ndarray | slice, stressors: DailyStressors, throughput_kwh: np.ndarray | float | None = None,
            v2g_throughput_kwh: np.ndarray | float = 0.0, history: bool = True,
            state: AgeingState | None = None) -> None:
        """Age the selected packs by one step and (unless ``history=False``) add the step to their history.

        ``ids`` is an array of distinct ids or a contiguous slice (fastest: in-place on views; one
        source's packs are a slice when it made them in one call). Stressor fields are scalars or arrays
        aligned with ``ids``. ``throughput_kwh`` (energy in + out) defaults to ``2 x efc x capacity``.
        A caller that steps a constant duty may leave the history out and add it once with
        :meth:`add_history` (the ageing state is advanced either way). ``state``: the packs' current
        :meth:`ageing_state`, if the caller has just gathered it (spares gathering it again).
        """
        b = self._b
        whole = isinstance(ids, slice) and (ids.step in (None, 1))
        if isinstance(ids, slice) and not whole:
            ids = np.arange(len(self))[ids]
        if not whole:
            ids = np.asarray(ids, dtype=np.int64)
        sel = slice(*ids.indices(len(self))[:2]) if whole else ids
        groups = self._groups(sel) if whole else None
        if state is None:
            state = self.ageing_state(sel)
        new = age_batteries(state, stressors, groups, conserve_energy=self.conserve_energy)
        if history and throughput_kwh is None:  # the capacity the step started from
            throughput_kwh = 2.0 * np.asarray(stressors.efc, dtype=float) * self.capacity_kwh(sel)
        if whole:
            b["q_loss_cal"][sel] = new.q_loss_cal
            b["q_loss_cyc"][sel] = new.q_loss_cyc
        else:
            b.cols["q_loss_cal"][ids] = new.q_loss_cal
            b.cols["q_loss_cyc"][ids] = new.q_loss_cyc
        if history:
            self.add_history(sel, stressors, throughput_kwh, v2g_throughput_kwh)

    def add_history(self, ids: np.ndarray | slice, stressors: DailyStressors, throughput_kwh: np.ndarray | float,
                    v2g_throughput_kwh: np.ndarray | float = 0.0) -> None:
        """Add use to packs' history (what a passport carries) without ageing them."""
        b = self._b
        whole = isinstance(ids, slice)
        n = (ids.stop - ids.start) if whole else np.asarray(ids).size
        dt = np.asarray(stressors.dt_days, dtype=float)
        efc = np.asarray(stressors.efc, dtype=float)
        temp = np.asarray(stressors.temp_c, dtype=float)
        soc = np.asarray(stressors.soc_mean, dtype=float)
        dod = np.asarray(stressors.dod, dtype=float)
        unit_dt = dt.ndim == 0 and float(dt) == 1.0
        updates = {
            "throughput_kwh": throughput_kwh, "v2g_throughput_kwh": v2g_throughput_kwh, "efc": efc, "age_days": dt,
            "temp_c_days": temp if unit_dt else temp * dt,
            "soc_days": soc if unit_dt else soc * dt,
            "dod_efc": dod * efc,
            "days_above_35c": (temp > 35.0) if unit_dt else np.where(temp > 35.0, dt, 0.0),
            "days_soc_above_90": (soc > 0.9) if unit_dt else np.where(soc > 0.9, dt, 0.0),
        }
        for k, v in updates.items():
            if whole:
                col = b[k][ids]
                col += v
            else:
                b.cols[k][ids] += np.broadcast_to(v, (n,))

    def record_soh(self, t_h: float, ids: np.ndarray | slice = slice(None)) -> None:
        """Append the current true pack SOH of the selected packs to the SOH trajectory log."""
        ids = np.arange(len(self))[ids] if isinstance(ids, slice) else np.asarray(ids, dtype=np.int64)
        sl = self._soh_log.reserve(ids.size)
        self._soh_log.cols["battery"][sl] = ids
        self._soh_log.cols["t_h"][sl] = t_h
        self._soh_log.cols["soh"][sl] = self.soh(ids)

    def soh_trajectory(self, battery: int | str) -> tuple[np.ndarray, np.ndarray]:
        """(t_h, soh) rows recorded for one pack."""
        i = self.index_of(battery)
        rows = self._soh_log["battery"] == i
        return self._soh_log["t_h"][rows].copy(), self._soh_log["soh"][rows].astype(float)

    # ================================================================== true state (hidden from graders)
    def model_loss(self, ids=slice(None)) -> np.ndarray:
        """Capacity loss the nominal ageing model predicts from the usage history."""
        return self._b["q_loss_cal"][ids] + self._b["q_loss_cyc"][ids]

    def true_loss(self, ids=slice(None)) -> np.ndarray:
        """True pack-average capacity loss of the model's kind (model loss x the pack's hidden deviation)."""
        return self._b["fade_scalar"][ids] * self.model_loss(ids)

    def linear_soh_coefficients(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(a, b)`` per pack with ``soh = a - true_loss x b`` while every module keeps ageing with the
        pack and none is exhausted: lets a caller follow many packs' SOH without gathering modules."""
        ids = np.asarray(ids, dtype=np.int64)
        slots = self._b["module_ids"][ids]
        filled = slots >= 0
        mids = slots[filled]
        m = self._m
        cap0 = m["cap0_kwh"][mids].astype(np.float64)
        fade = m["fade"][mids].astype(np.float64)
        a = np.zeros(slots.shape)
        b = np.zeros(slots.shape)
        a[filled] = cap0 * (1.0 - m["base_loss"][mids] + m["loss_at_install"][mids] * fade)
        b[filled] = cap0 * fade
        nom = self._b["nominal_kwh"][ids]
        return a.sum(axis=1) / nom, b.sum(axis=1) / nom

    def module_capacity_kwh(self, ids=slice(None)) -> np.ndarray:
        """True capacity of every module of the selected packs (packs x slots; 0 in empty slots)."""
        slots = self._b["module_ids"][ids]
        out = np.zeros(slots.shape, dtype=np.float32)
        filled = slots >= 0
        out[filled] = self.module_capacity(slots[filled])
        return out

    def module_nominal_kwh(self, ids=slice(None)) -> np.ndarray:
        """Nominal capacity of every module of the selected packs (packs x slots; 0 in empty slots)."""
        return self.module_values("nominal_kwh", ids)

    def module_resistance_mohm(self, ids=slice(None)) -> np.ndarray:
        """True resistance of every module (packs x slots); grows with the module's capacity loss."""
        slots = self._b["module_ids"][ids]
        out = np.zeros(slots.shape, dtype=np.float32)
        filled = slots >= 0
        mids = slots[filled]
        loss = np.clip(self.module_loss(mids), 0.0, 1.0)
        out[filled] = self._m["res0_mohm"][mids] * (1.0 + self.spread.resistance_growth_per_loss * loss)
        return out

    def capacity_kwh(self, ids=slice(None)) -> np.ndarray:
        """True pack capacity: sum of module capacities (balanced pack assumption)."""
        return self.module_capacity_kwh(ids).sum(axis=1, dtype=np.float64)

    def series_limited_kwh(self, ids=slice(None)) -> np.ndarray:
        """Pack capacity if the weakest module limits the series string (no active balancing)."""
        cap = self.module_capacity_kwh(ids).astype(np.float64)
        nom = self.module_nominal_kwh(ids).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(nom > 0, cap / np.where(nom > 0, nom, 1.0), np.inf)
        return frac.min(axis=1) * nom.sum(axis=1)

    def soh(self, ids=slice(None)) -> np.ndarray:
        """True pack state of health: capacity / nominal."""
        return self.capacity_kwh(ids) / self._b["nominal_kwh"][ids]

    def cathode_health(self, ids=slice(None)) -> np.ndarray:
        """True cathode health (remaining cathode active capacity, 1 = new)."""
        b = self._b
        return true_cathode_health(b["q_loss_cal"][ids], b["q_loss_cyc"][ids], b["fade_scalar"][ids],
                                   b["cathode_scalar"][ids], self.cathode_shares)

    def module_materials_kg(self, mids: np.ndarray) -> np.ndarray:
        """kg of each material in ``chemistry.MATERIALS`` order (modules x materials)."""
        from .chemistry import material_matrix

        mids = np.asarray(mids, dtype=np.int64)
        return material_matrix()[self._m["chemistry"][mids]] * self._m["nominal_kwh"][mids].astype(np.float64)[:, None]

    def materials_kg(self, ids=slice(None)) -> np.ndarray:
        """kg of each material in ``chemistry.MATERIALS`` order (packs x materials): the modules they hold."""
        from .chemistry import material_matrix

        per_kwh = material_matrix()
        slots = self._b["module_ids"][ids]
        filled = slots >= 0
        out = np.zeros((slots.shape[0], per_kwh.shape[1]))
        rows = np.nonzero(filled)[0]
        np.add.at(out, rows, self.module_materials_kg(slots[filled]))
        return out

    def history_summary(self, ids=slice(None)) -> dict[str, np.ndarray]:
        """Usage history of the selected packs as plain arrays (what a passport would carry)."""
        b = self._b
        age = b["age_days"][ids]
        safe = np.where(age > 0, age, 1.0)
        efc = b["efc"][ids]
        return {
            "age_days": age.copy(), "efc": efc.copy(), "throughput_kwh": b["throughput_kwh"][ids].copy(),
            "v2g_throughput_kwh": b["v2g_throughput_kwh"][ids].copy(),
            "mean_temp_c": np.where(age > 0, b["temp_c_days"][ids] / safe, np.nan),
            "mean_soc": np.where(age > 0, b["soc_days"][ids] / safe, np.nan),
            "mean_dod": np.where(efc > 0, b["dod_efc"][ids] / np.where(efc > 0, efc, 1.0), np.nan),
            "days_above_35c": b["days_above_35c"][ids].copy(), "days_soc_above_90": b["days_soc_above_90"][ids].copy(),
            "model_loss": self.model_loss(ids).copy(),
        }

    # ================================================================== tables for the results folder
    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The store as pandas tables: passports (packs with true state, grade, route, history), modules,
        and both holder logs with readable holder names, plus the SOH log."""
        import pandas as pd

        b = self._b
        n = len(self)
        kinds = [k.name for k in HolderKind]
        routes = self.route_names
        route = b["route"]
        passports = pd.DataFrame({
            "battery_id": np.arange(n, dtype=np.int64),
            "passport": [self.passport(i) for i in range(n)],
            "chemistry": pd.Categorical.from_codes(b["chemistry"], CHEMISTRIES),
            "status": pd.Categorical.from_codes(b["status"], [s.label for s in PassportStatus]),
            "nominal_kwh": b["nominal_kwh"], "created_t_h": b["created_t_h"],
            "holder_kind": pd.Categorical.from_codes(b["holder_kind"], kinds),
            "holder_id": b["holder_id"],
            "holder": [self.holders.name(k, h) for k, h in zip(b["holder_kind"].tolist(), b["holder_id"].tolist())],
            "n_modules": b["n_modules"].astype(np.int64),
            "soh": self.soh(), "capacity_kwh": self.capacity_kwh(), "cathode_health": self.cathode_health(),
            "grade_soh_est": b["grade_soh_est"].astype(float), "grade_sigma": b["grade_sigma"].astype(float),
            "grade_t_h": b["grade_t_h"], "grade_true_soh": b["grade_true_soh"].astype(float),
            "route": [routes.get(int(r), str(int(r))) if r >= 0 else None for r in route.tolist()],
            "route_t_h": b["route_t_h"],
            **self.history_summary(),
        })
        m = self._m
        nm = m.n
        modules = pd.DataFrame({
            "module_id": np.arange(nm, dtype=np.int64),
            "origin_passport": [self.passport(i) for i in m["origin_pack"].tolist()],
            "holder_kind": pd.Categorical.from_codes(m["holder_kind"], kinds),
            "holder_id": m["holder_id"], "slot": m["slot"].astype(np.int64),
            "chemistry": pd.Categorical.from_codes(m["chemistry"], CHEMISTRIES),
            "nominal_kwh": m["nominal_kwh"].astype(float),
            "soh": self.module_soh(np.arange(nm)).astype(float) if nm else np.zeros(0),
            "grade_soh_est": m["grade_soh_est"].astype(float),
        })
        log = self.holder_log()
        holder_log = pd.DataFrame({"battery_id": log["battery"], "t_h": log["t_h"],
                                   "holder_kind": pd.Categorical.from_codes(log["kind"], kinds),
                                   "holder_id": log["holder_id"]})
        mlog = self.module_log()
        module_log = pd.DataFrame({"module_id": mlog["module"], "t_h": mlog["t_h"],
                                   "holder_kind": pd.Categorical.from_codes(mlog["kind"], kinds),
                                   "holder_id": mlog["holder_id"]})
        soh_log = pd.DataFrame({"battery_id": self._soh_log["battery"], "t_h": self._soh_log["t_h"],
                                "soh": self._soh_log["soh"]})
        holders = pd.DataFrame([{"holder_kind": blk.kind.name, "first_id": blk.base, "count": blk.size,
                                 "name": blk.name} for blk in self.holders.blocks()],
                               columns=["holder_kind", "first_id", "count", "name"])
        return {"passports": passports, "modules": modules, "holder_log": holder_log,
                "module_holder_log": module_log, "soh_log": soh_log, "holders": holders}

    # ================================================================== inspection
    def __getitem__(self, battery: int | str) -> BatteryView:
        from .view import BatteryView

        return BatteryView(self, self.index_of(battery))

    def view(self, battery: int | str) -> BatteryView:
        """A read-only view of one pack for inspection and debugging."""
        return self[battery]

    def module(self, module: int | str) -> ModuleView:
        """A read-only view of one module."""
        from .view import ModuleView

        return ModuleView(self, self.module_index_of(module))


def _last_rows(log: Growable, key: str, n: int, t_h: float) -> tuple[np.ndarray, np.ndarray]:
    """Holder kind and id of every item (``key`` column of ``log``) at ``t_h``; kind NONE if not yet made."""
    kind = np.zeros(n, dtype=np.int8)
    hid = np.full(n, -1, dtype=np.int64)
    item = log[key]
    keep = (log["t_h"] <= t_h) & (item >= 0) & (item < n)
    if keep.all():  # e.g. the whole log at the end of a run: no index array over tens of millions of rows
        uniq, rows = _last_of_each(item)
    else:
        keep = np.flatnonzero(keep)
        uniq, last = _last_of_each(item[keep])
        rows = keep[last]
    kind[uniq] = log["kind"][rows]
    hid[uniq] = log["holder_id"][rows]
    return kind, hid


def _last_of_each(items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``items`` and the position of each one's last occurrence."""
    if items.size == 0:
        return items[:0].astype(np.int64), np.zeros(0, dtype=np.int64)
    top = int(items.max()) + 1
    if items.size * 16 < top:  # few items over a wide id range (a day's moves): sort them
        uniq, first_in_reversed = np.unique(items[::-1], return_index=True)
        return uniq, items.size - 1 - first_in_reversed
    last = np.full(top, -1, dtype=np.int64)
    np.maximum.at(last, items, np.arange(items.size, dtype=np.int64))  # linear; positions only grow
    uniq = np.flatnonzero(last >= 0)
    return uniq, last[uniq]
