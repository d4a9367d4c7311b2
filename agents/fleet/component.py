"""The ``ev_fleet`` component: the vectorised fleet on the World's clock, with series, summary and inspection.

Series (MW, scaled from the simulated sample to the represented fleet): ``ev.demand_mw`` and its split
``ev.demand_home_mw`` / ``ev.demand_work_mw`` / ``ev.demand_other_mw`` (public normal and fast
charging), plus ``ev.plugged_share`` and ``ev.mean_soc`` when ``record_state`` is on.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.fleet.batteries import FleetBatteries
from agents.fleet.model import FleetModel
from agents.fleet.params import FleetParams
from agents.fleet.tables import DRIVING, HOME, OTHER, WORK
from agents.fleet.view import EVView
from simcore.battery.holders import HolderKind
from simcore.component import Component
from simcore.trace import event_kind

_EV = "EV index in the simulated sample (inspect it as ev:N)"
_LOCATION = "where it parks: home, work or other"


class EVFleet(Component):
    """Commuter and non-commuter EVs that drive, park, plug in and charge under a policy."""

    Params = FleetParams
    tick_order = 20
    id_prefixes = ("ev",)
    events = {
        "ev.day": event_kind("a simulated day starts; the fleet's trip plans for it are drawn",
                             day="day index since the scenario start",
                             trips="trips planned for the day by the simulated sample",
                             driving_evs="simulated EVs with at least one trip that day"),
        "ev.depart": event_kind("an EV leaves on a trip (after any public fast charge it needed)", per_entity=True,
                                refs={"ev": "ev"}, ev=_EV, km="length of the trip, km"),
        "ev.arrive": event_kind("an EV parks at the end of a trip and decides whether to plug in", per_entity=True,
                                refs={"ev": "ev"}, ev=_EV, location=_LOCATION,
                                soc="state of charge on arrival, 0-1", plugs_in="whether it plugs in, true/false"),
        "ev.plugin": event_kind("an EV plugs in on arrival (charging starts this tick or at start_tick)",
                                per_entity=True, refs={"ev": "ev"}, ev=_EV, soc="state of charge at plug-in, 0-1",
                                location=_LOCATION,
                                start_tick="absolute tick from which it may charge (later under a night tariff)"),
        "ev.public_charge": event_kind("an EV fast-charges in public before a trip it could not make",
                                       per_entity=True, refs={"ev": "ev"}, ev=_EV,
                                       kwh="energy added to the battery, kWh",
                                       grid_kwh="energy drawn from the charger, kWh"),
    }

    def setup(self) -> None:
        p: FleetParams = self.params
        clock = self.world.clock  # the clock, tables and night window were checked by FleetParams.check
        day_types = np.array([1 if clock.day_start(d).day_of_week >= 5 else 0 for d in range(clock.days + 1)],
                             dtype=np.int8)
        self.model = FleetModel(
            p, ticks_per_day=clock.ticks_per_day, tick_h=clock.tick_h, day_types=day_types,
            rng_population=self.world.rng(f"{self.name}.population"),
            rng_trips=self.world.rng(f"{self.name}.trips"),
            rng_plugin=self.world.rng(f"{self.name}.plugin"))
        self.model.sink = self._emit
        self.model.wants = self.world.wants
        self.scale = p.size / p.n_sim
        rec = self.world.recorder
        self.s_total = rec.add("ev.demand_mw", "MW")
        self.s_loc = [rec.add("ev.demand_home_mw", "MW"), rec.add("ev.demand_work_mw", "MW"),
                      rec.add("ev.demand_other_mw", "MW")]
        self.s_plugged = rec.add("ev.plugged_share", "1") if p.record_state else None
        self.s_soc = rec.add("ev.mean_soc", "1") if p.record_state else None
        self._to_mw = self.scale / 1000.0
        self.batteries: FleetBatteries | None = None
        if p.batteries is not None:
            m = self.model
            store = self.world.batteries
            base = store.holders.register(HolderKind.VEHICLE, self.name, size=max(m.n, 1))
            self.batteries = FleetBatteries(
                p.batteries, m.pop.battery_kwh, m.pop.km_per_kwh, m.energy_kwh, m.km, tick_h=clock.tick_h,
                ticks_per_day=clock.ticks_per_day, first_day_of_year=clock.day_start(0).day_of_year - 1,
                rng=self.world.rng(f"{self.name}.batteries"), store=store, holder_base=base)

    def _emit(self, kind: str, payload: dict[str, Any]) -> None:
        self.world.emit(kind, self.name, **payload)

    def on_tick(self, tick: int) -> None:
        m = self.model
        flows = m.step(tick)
        if self.batteries is not None:
            self.batteries.after_tick(tick, m.energy_kwh, m.power_kw, m.km)
        mw = flows.power_kw * self._to_mw
        self.s_loc[HOME][tick] = mw[HOME]
        self.s_loc[WORK][tick] = mw[WORK]
        self.s_loc[OTHER][tick] = mw[OTHER]
        self.s_total[tick] = mw.sum()
        if self.s_plugged is not None:
            self.s_plugged[tick] = m.plugged.mean()
            self.s_soc[tick] = float(m.energy_kwh.sum() / m.pop.battery_kwh.sum(dtype=np.float64))
        if tick % m.T == 0:
            plan = m.today
            self.world.emit("ev.day", self.name, day=m.day, trips=int(plan.n_legs.sum()),
                            driving_evs=int((plan.n_legs > 0).sum()))

    # -- observation ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.model.n

    def __getitem__(self, i: int) -> EVView:
        if not -self.model.n <= i < self.model.n:
            raise IndexError(f"EV index {i} out of range 0..{self.model.n - 1}")
        return EVView(self.model, int(i) % self.model.n)

    def inspect_id(self, prefix: str, key: str) -> dict[str, Any]:
        """``ev:N`` is EV N of the sample (battery passports are the World's: ``battery:B000123``)."""
        if key.startswith("B") and key[1:].isdigit():
            raise KeyError(f"{prefix}:{key} names a battery passport; use battery:{key}")
        return self.inspect(key)

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        if key is None:
            m = self.model
            soc = m.soc()
            low = np.argsort(soc, kind="stable")[:5]
            return {**super().inspect(None), "day": m.day,
                    "now": {"driving": int((m.loc == DRIVING).sum()), "plugged": int(m.plugged.sum()),
                            "charging": int((m.power_kw > 0).sum()), "discharging": int((m.power_kw < 0).sum()),
                            "mean_soc": float(soc.mean()),
                            "lowest_soc": [{"ev": int(i), "soc": float(soc[i]), "location": self[int(i)].location}
                                           for i in low]},
                    "totals": dict(vars(m.totals)), **self.summary()}
        try:
            i = int(key)
        except ValueError:
            raise KeyError(f"EV ids are integers 0..{self.model.n - 1}, got {key!r}") from None
        if not 0 <= i < self.model.n:
            raise KeyError(f"EV id {i} out of range 0..{self.model.n - 1}")
        return self[i].as_dict()

    def summary(self) -> dict[str, Any]:
        """KPIs over the reporting window (ticks after ``warmup_days``) for the represented fleet."""
        m = self.model
        done = self.world.ticks_done
        lo = min(m.warm_ticks, done)
        total = self.s_total[lo:done]
        dt = m.dt
        t = m.totals
        out: dict[str, Any] = {"ev.count": int(self.params.size), "ev.sample": int(m.n)}
        if self.batteries is not None:
            out.update(self.batteries.summary())
        if total.size == 0:
            return out
        energy = float(np.sum(total) * dt)
        k = int(np.argmax(total))
        days = total.size * dt / 24.0
        loc_energy = [float(np.sum(s[lo:done]) * dt) for s in self.s_loc]
        out.update({
            "ev.energy_mwh": energy,
            "ev.peak_mw": float(total[k]),
            "ev.peak_time": self.world.clock.times[lo + k].isoformat(),
            "ev.energy_share_home": loc_energy[HOME] / energy if energy > 0 else 0.0,
            "ev.energy_share_work": loc_energy[WORK] / energy if energy > 0 else 0.0,
            "ev.energy_share_other": loc_energy[OTHER] / energy if energy > 0 else 0.0,
            "ev.plugins_per_ev_week": t.w_plugins / m.n / days * 7.0,
            "ev.mean_soc_at_plugin": t.w_soc_at_plugin / t.w_plugins if t.w_plugins else float("nan"),
            "ev.public_fast_charges": int(round(t.w_fast_charges * self.scale)),
            "ev.public_fast_charges_per_ev_week": t.w_fast_charges / m.n / days * 7.0,
            "ev.km_per_ev_day": t.w_km / m.n / days,
            "ev.report_days": days,
        })
        return out
