"""Read-only views of one pack or one module: where it is, its grades and routes, its whole journey."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .chemistry import CHEMISTRIES
from .holders import HolderKind, PassportStatus

if TYPE_CHECKING:
    from .store import BatteryStore


def _f(x: Any) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


class BatteryView:
    """One pack of a :class:`BatteryStore`, read through (no copy of the store's state)."""

    def __init__(self, store: BatteryStore, i: int) -> None:
        self._s, self.id = store, i

    @property
    def passport(self) -> str:
        return self._s.passport(self.id)

    @property
    def chemistry(self) -> str:
        return CHEMISTRIES[int(self._s.col("chemistry")[self.id])]

    @property
    def status(self) -> str:
        return PassportStatus(int(self._s.col("status")[self.id])).label

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
    def modules(self) -> dict[str, list]:
        ids = np.array([self.id])
        mids = self._s.module_ids(ids)[0]
        keep = mids >= 0
        return {
            "ids": [self._s.module_label(m) for m in mids[keep].tolist()],
            "capacity_kwh": self._s.module_capacity_kwh(ids)[0][keep].astype(float).tolist(),
            "resistance_mohm": self._s.module_resistance_mohm(ids)[0][keep].astype(float).tolist(),
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
    def journey(self) -> list[dict[str, Any]]:
        """Every holder the pack passed through, with readable names."""
        names = self._s.holders
        return [{"t_h": t, "holder": names.name(HolderKind[k], h)} for t, k, h in self.holder_log]

    @property
    def grade(self) -> dict[str, float | None]:
        c = self._s.col
        return {"soh_est": _f(c("grade_soh_est")[self.id]), "sigma": _f(c("grade_sigma")[self.id]),
                "t_h": _f(c("grade_t_h")[self.id])}

    @property
    def history(self) -> dict[str, float]:
        h = self._s.history_summary(np.array([self.id]))
        return {k: float(v[0]) for k, v in h.items()}

    def location_at(self, t_h: float) -> tuple[HolderKind, int] | None:
        return self._s.location_at(self.id, t_h)

    def as_dict(self) -> dict[str, Any]:
        """Everything about this pack as plain Python values (its passport)."""
        route = int(self._s.col("route")[self.id])
        return {
            "passport": self.passport, "chemistry": self.chemistry, "status": self.status,
            "nominal_kwh": self.nominal_kwh, "soh": self.soh, "cathode_health": self.cathode_health,
            "holder": self._s.holders.name(*[HolderKind[self.holder[0]], self.holder[1]]),
            "grade": self.grade, "route": self._s.route_names.get(route, route) if route >= 0 else None,
            "route_t_h": _f(self._s.col("route_t_h")[self.id]),
            "history": self.history, "modules": self.modules, "journey": self.journey,
        }

    def __repr__(self) -> str:
        kind, hid = self.holder
        return f"<Battery {self.passport} {self.chemistry} {self.nominal_kwh:.1f} kWh soh={self.soh:.3f} at {kind}:{hid}>"


class ModuleView:
    """One module of a :class:`BatteryStore`: where it came from, where it is, where it has been."""

    def __init__(self, store: BatteryStore, i: int) -> None:
        self._s, self.id = store, i

    @property
    def label(self) -> str:
        return self._s.module_label(self.id)

    @property
    def soh(self) -> float:
        return float(self._s.module_soh(np.array([self.id]))[0])

    @property
    def journey(self) -> list[dict[str, Any]]:
        log = self._s.module_log()
        rows = np.flatnonzero(log["module"] == self.id)
        names = self._s.holders
        return [{"t_h": float(log["t_h"][r]), "holder": names.name(int(log["kind"][r]), int(log["holder_id"][r]))}
                for r in rows]

    def as_dict(self) -> dict[str, Any]:
        m = self._s.mcol
        i = self.id
        return {
            "module": self.label, "origin_passport": self._s.passport(int(m("origin_pack")[i])),
            "chemistry": CHEMISTRIES[int(m("chemistry")[i])], "nominal_kwh": float(m("nominal_kwh")[i]),
            "soh": self.soh, "holder": self._s.holders.name(int(m("holder_kind")[i]), int(m("holder_id")[i])),
            "grade": {"soh_est": _f(m("grade_soh_est")[i]), "sigma": _f(m("grade_sigma")[i])},
            "journey": self.journey,
        }
