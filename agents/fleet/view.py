"""A read-only view of one EV in the struct-of-arrays fleet, for inspection and debugging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.fleet.chains import MAX_LEGS
from agents.fleet.tables import EV_TYPES, LOCATIONS

if TYPE_CHECKING:
    from agents.fleet.model import FleetModel


class EVView:
    """EV ``i`` of a :class:`FleetModel`: attributes read the arrays live (no copy of state)."""

    __slots__ = ("_m", "i")

    def __init__(self, model: FleetModel, i: int) -> None:
        self._m = model
        self.i = i

    @property
    def type(self) -> str:
        return EV_TYPES[int(self._m.pop.ev_type[self.i])]

    @property
    def location(self) -> str:
        return LOCATIONS[int(self._m.loc[self.i])]

    @property
    def battery_kwh(self) -> float:
        return float(self._m.pop.battery_kwh[self.i])

    @property
    def energy_kwh(self) -> float:
        return float(self._m.energy_kwh[self.i])

    @property
    def soc(self) -> float:
        return self.energy_kwh / self.battery_kwh

    @property
    def plugged(self) -> bool:
        return bool(self._m.plugged[self.i])

    @property
    def charging_kw(self) -> float:
        return float(self._m.power_kw[self.i])

    @property
    def next_trip(self) -> dict[str, Any] | None:
        """The next leg today (departure clock time, destination, km), else tomorrow's first, else None."""
        m, i = self._m, self.i
        leg = int(m.leg[i])
        for plan, day, k in ((m.today, m.day, leg), (m.tomorrow, m.day + 1, 0)):
            if k < int(plan.n_legs[i]) and k < MAX_LEGS:
                tick = int(plan.dep[i, k])
                return {"day": day, "depart_h": tick * m.dt, "to": LOCATIONS[int(plan.dest[i, k])],
                        "km": float(plan.dist_km[i, k])}
        return None

    def as_dict(self) -> dict[str, Any]:
        m, i = self._m, self.i
        return {
            "id": i,
            "type": self.type,
            "vehicle_model": m.pop.model_names[int(m.pop.model[i])] if m.pop.model_names else int(m.pop.model[i]),
            "battery_kwh": self.battery_kwh,
            "km_per_kwh": float(m.pop.km_per_kwh[i]),
            "home_charger_kw": float(m.pop.home_kw[i]),
            "work_charger_kw": float(m.pop.work_kw[i]),
            "commute_km": float(m.pop.commute_km[i]),
            "location": self.location,
            "soc": self.soc,
            "energy_kwh": self.energy_kwh,
            "plugged": self.plugged,
            "charging_kw": self.charging_kw,
            "charge_start_tick": int(m.start_tick[i]) if self.plugged else None,
            "waiting_for_night_tariff": bool(m.tariff_bound[i]) and self.plugged,
            "next_trip": self.next_trip,
            "trips": int(m.n_trips[i]),
            "km_driven": float(m.km[i]),
            "plugins": int(m.n_plugins[i]),
            "public_fast_charges": int(m.n_fast[i]),
        }

    def __repr__(self) -> str:
        return (f"EV({self.i}, {self.type}, at {self.location}, soc={self.soc:.2f}, "
                f"plugged={self.plugged}, {self.charging_kw:.1f} kW)")
