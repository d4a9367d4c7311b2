"""The vectorised EV fleet: a struct of arrays stepped one tick at a time, independent of the World.

Per day: draw every EV's activity chain at once (:mod:`agents.fleet.chains`) and bucket departures and
arrivals by tick. Per tick: process only the EVs departing or arriving in it (trip energy, public fast
charge when the next trip is out of reach, plug-in decision), then one vector update charges every
plugged EV. Charging in tick ``t`` covers the interval [t*dt, (t+1)*dt).

Energy bookkeeping is float64 per EV and in running totals, so ``battery_in == grid * efficiency``
holds to rounding; the other per-EV arrays are compact (float32 / int8 / int16).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agents.fleet.chains import DayPlan, draw_day
from agents.fleet.params import FleetParams
from agents.fleet.population import Population, draw_population
from agents.fleet.tables import (DRIVING, HOME, LOCATIONS, OTHER, WORK, PluginTable, TravelTables,
                                 load_plugin_curve, load_plugin_next_trip, load_travel, load_vehicle_models)

EventSink = Callable[[str, dict[str, Any]], None]


@dataclass
class TickFlows:
    """What one tick did (kW averaged over the tick, counts): what the component records."""

    power_kw: np.ndarray = field(default_factory=lambda: np.zeros(3))  # by location home/work/other
    plugins: int = 0
    fast_charges: int = 0
    discharge_kw: float = 0.0  # V2G: power fed back to the grid (kW, all locations)


@dataclass
class Totals:
    """Running totals over the whole run and over the reporting window."""

    grid_kwh: float = 0.0
    battery_in_kwh: float = 0.0
    driven_kwh: float = 0.0
    unserved_kwh: float = 0.0  # trip energy the battery could not supply (should stay 0)
    discharge_kwh: float = 0.0  # V2G: energy delivered to the grid
    battery_out_kwh: float = 0.0  # V2G: energy taken from batteries (discharge_kwh / discharge efficiency)
    plugins: int = 0
    fast_charges: int = 0
    trips: int = 0
    w_plugins: int = 0
    w_soc_at_plugin: float = 0.0
    w_fast_charges: int = 0
    w_trips: int = 0
    w_km: float = 0.0


class FleetModel:
    """State and behaviour of ``n`` simulated EVs on a clock of ``ticks_per_day`` ticks of ``tick_h`` h."""

    def __init__(self, params: FleetParams, *, ticks_per_day: int, tick_h: float, day_types: np.ndarray,
                 rng_population: np.random.Generator, rng_trips: np.random.Generator,
                 rng_plugin: np.random.Generator, travel: TravelTables | None = None,
                 plugin: PluginTable | None = None) -> None:
        self.p = params
        self.T = int(ticks_per_day)
        self.dt = float(tick_h)
        self.day_types = np.asarray(day_types, dtype=np.int8)  # 0 weekday / 1 weekend per simulated day
        self.n_days = len(self.day_types)
        self.rng_trips = rng_trips
        self.rng_plugin = rng_plugin
        self.travel = travel or load_travel(params.travel_dir)
        if plugin is None:
            plugin = (load_plugin_next_trip(params.plugin_next_trip_file) if params.plugin_model == "soc_next_trip"
                      else load_plugin_curve(params.plugin_curve_file))
        self.plugin = plugin
        self.use_next_trip = params.plugin_model == "soc_next_trip"
        self.eff = params.charger_efficiency_pct / 100.0
        self.discharge_eff = params.discharge_efficiency_pct / 100.0
        self.controlled = params.charging_policy in ("smart", "v2g")
        # smart / v2g: ``controller(tick) -> kW per EV`` (+ charge / - discharge), set by a grid agent;
        # until one is set, connected EVs charge as under ``uncontrolled``
        self.controller: Callable[[int], np.ndarray] | None = None
        self.warm_ticks = params.warmup_days * self.T
        self.sink: EventSink | None = None
        self.wants: Callable[[str], bool] = lambda kind: False

        pop: Population = draw_population(rng_population, params, load_vehicle_models(params.vehicle_models_file),
                                          self.travel)
        self.pop = pop
        n = self.n = pop.n
        # -- dynamic state (struct of arrays) --
        self.energy_kwh = pop.initial_energy_kwh.astype(np.float64)
        self.initial_energy_kwh = float(self.energy_kwh.sum())
        self.target_kwh = (pop.battery_kwh * (params.charge_target_soc_pct / 100.0)).astype(np.float64)
        self.reserve_kwh = (pop.battery_kwh * (params.reserve_soc_pct / 100.0)).astype(np.float32)
        self.loc = np.full(n, HOME, np.int8)
        self.plugged = np.zeros(n, bool)
        self.plug_kw = np.zeros(n, np.float32)
        self.power_kw = np.zeros(n, np.float32)
        self.start_tick = np.zeros(n, np.int32)  # charging may start at this absolute tick
        self.tariff_bound = np.zeros(n, bool)  # home charging held to the night window
        self.leg = np.zeros(n, np.int8)  # index of the next leg today
        # per-EV counters (whole run)
        self.n_plugins = np.zeros(n, np.int32)
        self.n_fast = np.zeros(n, np.int32)
        self.n_trips = np.zeros(n, np.int32)
        self.km = np.zeros(n, np.float32)
        self.totals = Totals()
        self._km_from_leg: np.ndarray | None = None   # per-day table of trips_need_kwh, built on first use
        self._tomorrow_total_km: np.ndarray | None = None
        self.flows = TickFlows()
        if self.controlled:  # smart / v2g: EVs at home with a charger start the run connected
            self.plugged[:] = pop.home_kw > 0
            self.plug_kw[:] = pop.home_kw

        self.night_mask, self.window_left, self.night_start_tick = night_window(
            self.T, self.dt, params.night_start_h, params.night_end_h)

        self.day = -1
        self.today = DayPlan.empty(n)
        self.tomorrow = self._draw(0)
        self._dep_bounds = self._arr_bounds = np.zeros(self.T + 1, np.int64)
        self._dep_ev = self._arr_ev = np.zeros(0, np.int32)
        self._dep_leg = self._arr_leg = np.zeros(0, np.int8)

    # -- day level ------------------------------------------------------------------------------
    def _draw(self, day: int) -> DayPlan:
        day_type = int(self.day_types[day]) if day < self.n_days else int(self.day_types[-1])
        return draw_day(self.rng_trips, self.travel, self.pop.ev_type, self.pop.commute_km, day_type, self.T,
                        self.dt, self.p.speed_kmh)

    def start_day(self, day: int) -> None:
        """Make ``day``'s plan current, draw the next one (for next-trip look-ahead), bucket events by tick."""
        self.day = day
        self.today = self.tomorrow
        self.tomorrow = self._draw(day + 1)
        self.use_plan(self.today, self.tomorrow)

    def use_plan(self, today: DayPlan, tomorrow: DayPlan | None = None) -> None:
        """Make ``today`` the current day's plan (legs from the start) and bucket its events by tick."""
        self.today = today
        if tomorrow is not None:
            self.tomorrow = tomorrow
        self._tomorrow_km = self.tomorrow.first_trip_km()
        self.leg[:] = 0
        self._km_from_leg = None   # today's plan changed: re-tabulate on next use
        plan = today
        valid = np.arange(plan.dep.shape[1])[None, :] < plan.n_legs[:, None]
        ev, leg = np.nonzero(valid)
        ev = ev.astype(np.int32)
        leg = leg.astype(np.int8)
        self._dep_ev, self._dep_leg, self._dep_bounds = _bucket(ev, leg, plan.dep[ev, leg], self.T)
        self._arr_ev, self._arr_leg, self._arr_bounds = _bucket(ev, leg, plan.arr[ev, leg], self.T)

    # -- tick level -----------------------------------------------------------------------------
    def step(self, tick: int) -> TickFlows:
        """Advance tick ``tick`` (absolute): departures, arrivals, then charging."""
        tod = tick % self.T
        if self.day != tick // self.T:
            self.start_day(tick // self.T)
        self.flows = TickFlows()
        fast_kwh = 0.0
        b = self._dep_bounds
        if b[tod + 1] > b[tod]:
            fast_kwh = self._depart(tick, self._dep_ev[b[tod]:b[tod + 1]], self._dep_leg[b[tod]:b[tod + 1]])
        b = self._arr_bounds
        if b[tod + 1] > b[tod]:
            self._arrive(tick, self._arr_ev[b[tod]:b[tod + 1]], self._arr_leg[b[tod]:b[tod + 1]])
        self._charge(tick, tod)
        self.flows.power_kw[OTHER] += fast_kwh / self.dt
        return self.flows

    def _depart(self, tick: int, ids: np.ndarray, legs: np.ndarray) -> float:
        """EVs leave: unplug; a public fast charge first if the trip is out of reach; trip energy off."""
        plan = self.today
        km = plan.dist_km[ids, legs].astype(np.float64)
        need = km / self.pop.km_per_kwh[ids]
        e = self.energy_kwh[ids]
        short = e < need + self.reserve_kwh[ids]
        fast_grid = 0.0
        if short.any():
            s = ids[short]
            cap = self.pop.battery_kwh[s].astype(np.float64)
            goal = np.minimum(cap, np.maximum(cap * (self.p.fast_charge_target_soc_pct / 100.0),
                                              need[short] + self.reserve_kwh[s]))
            added = np.maximum(goal - e[short], 0.0)
            e[short] += added
            fast_grid = float(added.sum() / self.eff)
            self.totals.grid_kwh += fast_grid
            self.totals.battery_in_kwh += float(added.sum())
            self.n_fast[s] += 1
            n_short = int(short.sum())
            self.totals.fast_charges += n_short
            self.flows.fast_charges = n_short
            if tick >= self.warm_ticks:
                self.totals.w_fast_charges += n_short
            if self.sink is not None and self.wants("ev.public_charge"):
                for i, a in zip(s.tolist(), added.tolist()):
                    self.sink("ev.public_charge", {"ev": i, "kwh": a, "grid_kwh": a / self.eff})
        used = np.minimum(e, need)
        self.totals.unserved_kwh += float((need - used).sum())
        self.totals.driven_kwh += float(used.sum())
        self.energy_kwh[ids] = e - used
        self.plugged[ids] = False
        self.power_kw[ids] = 0.0
        self.tariff_bound[ids] = False
        self.loc[ids] = DRIVING
        self.leg[ids] = legs + 1
        self.n_trips[ids] += 1
        self.km[ids] += km.astype(np.float32)
        self.totals.trips += len(ids)
        if tick >= self.warm_ticks:
            self.totals.w_trips += len(ids)
            self.totals.w_km += float(km.sum())
        if self.sink is not None and self.wants("ev.depart"):
            for i, k in zip(ids.tolist(), km.tolist()):
                self.sink("ev.depart", {"ev": i, "km": k})
        return fast_grid

    def next_trip_km(self, ids: np.ndarray) -> np.ndarray:
        """Distance of each EV's next trip (today's next leg, else tomorrow's first; 0 if none)."""
        nxt = self.leg[ids].astype(np.int64)
        plan = self.today
        later = nxt < plan.n_legs[ids]
        today_km = plan.dist_km[ids, np.minimum(nxt, plan.dist_km.shape[1] - 1)]
        return np.where(later, today_km, self._tomorrow_km[ids])

    def trips_need_kwh(self, ids: np.ndarray) -> np.ndarray:
        """Energy each EV needs before it may next be unable to charge: the reserve plus all of today's
        remaining legs (or, with none left, all of tomorrow's), capped at the charge target (float64).

        Reads the per-leg remaining distances ``use_plan`` tabulates once a day, so the per-tick
        cost is a gather (the grid agent asks every tick for the whole fleet)."""
        if self._km_from_leg is None:
            self._tabulate_remaining_km()
        leg = self.leg[ids].astype(np.intp)
        km = np.where(leg < self.today.n_legs[ids], self._km_from_leg[ids, leg], self._tomorrow_total_km[ids])
        return np.minimum(km / self.pop.km_per_kwh[ids] + self.reserve_kwh[ids], self.target_kwh[ids])

    def _tabulate_remaining_km(self) -> None:
        """``_km_from_leg[i, l]``: km of EV i's legs l.. today (float64; sums of float32 km are exact);
        ``_tomorrow_total_km[i]``: all of tomorrow's km."""
        today, tomorrow = self.today, self.tomorrow
        legs = np.arange(today.dist_km.shape[1])[None, :]
        km = np.where(legs < today.n_legs[:, None], today.dist_km, 0.0).astype(np.float64)
        rem = np.zeros((km.shape[0], km.shape[1] + 1))
        rem[:, :-1] = np.cumsum(km[:, ::-1], axis=1)[:, ::-1]
        self._km_from_leg = rem
        legs_next = np.arange(tomorrow.dist_km.shape[1])[None, :]
        self._tomorrow_total_km = np.where(legs_next < tomorrow.n_legs[:, None], tomorrow.dist_km,
                                           0.0).sum(axis=1, dtype=np.float64)

    def _arrive(self, tick: int, ids: np.ndarray, legs: np.ndarray) -> None:
        """EVs park: decide who plugs in (SOC curve per location, or forced when the next trip needs it)."""
        dest = self.today.dest[ids, legs]
        self.loc[ids] = dest
        e = self.energy_kwh[ids]
        soc = e / self.pop.battery_kwh[ids]
        next_km = self.next_trip_km(ids)
        u = self.rng_plugin.random((2, len(ids)))
        charger = np.where(dest == HOME, self.pop.home_kw[ids],
                           np.where(dest == WORK, self.pop.work_kw[ids],
                                    np.where(u[1] < self.p.public_charger_share,
                                             np.float32(self.p.public_charger_kw), np.float32(0.0))))
        prob = self.plugin.probability(dest, soc, next_km if self.use_next_trip else None)
        forced = e < next_km / self.pop.km_per_kwh[ids] + self.reserve_kwh[ids]
        plug = (charger > 0) & ((u[0] < prob) | forced)
        if self.controlled:  # every EV parked at a home or work charger is connected (ref-VGI 3.2.1)
            plug |= (charger > 0) & ((dest == HOME) | (dest == WORK))
        if self.sink is not None and self.wants("ev.arrive"):
            for i, loc, s, pl in zip(ids.tolist(), dest.tolist(), soc.tolist(), plug.tolist()):
                self.sink("ev.arrive", {"ev": i, "location": LOCATIONS[loc], "soc": s, "plugs_in": pl})
        if not plug.any():
            return
        pid = ids[plug]
        self.plugged[pid] = True
        self.plug_kw[pid] = charger[plug]
        start = np.full(len(pid), tick, np.int32)
        bound = np.zeros(len(pid), bool)
        if self.p.charging_policy == "night_tariff":
            home = np.flatnonzero(dest[plug] == HOME)  # positions in pid
            if home.size:
                wait = self._night_start(tick, home.size)
                late = np.zeros(home.size, bool)
                urgent = forced[plug][home]
                if urgent.any():
                    # an EV that needs charge for its next trip waits only if the window delivers it in time
                    i = pid[home]
                    need = next_km[plug][home] / self.pop.km_per_kwh[i] + self.reserve_kwh[i] - e[plug][home]
                    usable = np.minimum(self._next_departure_tick(i) - wait, self.window_left[wait % self.T])
                    late = urgent & (usable * self.dt * self.plug_kw[i] * self.eff < need)
                start[home[~late]] = wait[~late]
                bound[home[~late]] = True
        self.start_tick[pid] = start
        self.tariff_bound[pid] = bound
        self.n_plugins[pid] += 1
        n_plug = len(pid)
        self.totals.plugins += n_plug
        self.flows.plugins = n_plug
        if tick >= self.warm_ticks:
            self.totals.w_plugins += n_plug
            self.totals.w_soc_at_plugin += float(soc[plug].sum())
        if self.sink is not None and self.wants("ev.plugin"):
            for i, s, loc, st in zip(pid.tolist(), soc[plug].tolist(), dest[plug].tolist(), start.tolist()):
                self.sink("ev.plugin", {"ev": i, "soc": s, "location": LOCATIONS[loc], "start_tick": st})

    def _next_departure_tick(self, ids: np.ndarray) -> np.ndarray:
        """Absolute tick of each EV's next departure (today's next leg, else tomorrow's first, else far)."""
        base = self.day * self.T
        nxt = self.leg[ids].astype(np.int64)
        today = self.today
        later = nxt < today.n_legs[ids]
        dep_today = today.dep[ids, np.minimum(nxt, today.dep.shape[1] - 1)].astype(np.int64) + base
        has_tomorrow = self.tomorrow.n_legs[ids] > 0
        dep_tomorrow = np.where(has_tomorrow, self.tomorrow.dep[ids, 0].astype(np.int64) + base + self.T,
                                base + 3 * self.T)
        return np.where(later, dep_today, dep_tomorrow)

    def _night_start(self, tick: int, n: int) -> np.ndarray:
        """Absolute start ticks for home timers set at ``tick``: now if inside the window, else its next opening."""
        tod = tick % self.T
        if self.night_mask[tod]:
            return np.full(n, tick, np.int32)
        opening = tick - tod + self.night_start_tick
        if opening <= tick:
            opening += self.T
        start = np.full(n, opening, np.int32)
        if self.p.night_offset_max_min > 0:
            offset_min = self.rng_plugin.random(n) * self.p.night_offset_max_min
            start += np.floor(offset_min / (self.dt * 60.0)).astype(np.int32)
        return start

    def _charge(self, tick: int, tod: int) -> None:
        """One vector update: every plugged EV whose start has come charges at min(charger, headroom)."""
        if self.controlled and self.controller is not None:
            self._charge_controlled(tick)
            return
        idx = np.flatnonzero(self.plugged)
        if idx.size == 0:
            return
        ok = self.start_tick[idx] <= tick
        if not self.night_mask[tod]:
            ok &= ~self.tariff_bound[idx]
        head = self.target_kwh[idx] - self.energy_kwh[idx]
        p = np.minimum(self.plug_kw[idx].astype(np.float64), head / (self.eff * self.dt))
        p = np.where(ok & (p > 0), p, 0.0)
        self.power_kw[idx] = p
        into = p * (self.eff * self.dt)
        self.energy_kwh[idx] += into
        self.totals.grid_kwh += float(p.sum() * self.dt)
        self.totals.battery_in_kwh += float(into.sum())
        self.flows.power_kw += np.bincount(self.loc[idx], weights=p, minlength=3)[:3]

    def _charge_controlled(self, tick: int) -> None:
        """Apply the controller's per-EV kW, clipped to the charger, the battery's headroom and (discharge)
        the energy the EV's next trip and reserve need; discharge only under ``v2g``."""
        req = np.asarray(self.controller(tick), dtype=np.float64)
        self.power_kw[:] = 0.0
        idx = np.flatnonzero(self.plugged)
        if idx.size == 0:
            return
        p = req[idx]
        kw = self.plug_kw[idx].astype(np.float64)
        e = self.energy_kwh[idx]
        head = np.maximum(self.target_kwh[idx] - e, 0.0) / (self.eff * self.dt)
        ch = np.clip(p, 0.0, np.minimum(kw, head))
        if self.p.charging_policy == "v2g":
            floor = self.trips_need_kwh(idx) + 1e-6   # a hair for rounding
            avail = np.maximum(e - floor, 0.0) * self.discharge_eff / self.dt
            dis = np.clip(-p, 0.0, np.minimum(kw, avail))
        else:
            dis = np.zeros_like(ch)
        self.power_kw[idx] = ch - dis
        into = ch * (self.eff * self.dt)
        out = dis * (self.dt / self.discharge_eff)
        self.energy_kwh[idx] = e + into - out
        self.totals.grid_kwh += float(ch.sum() * self.dt)
        self.totals.battery_in_kwh += float(into.sum())
        self.totals.discharge_kwh += float(dis.sum() * self.dt)
        self.totals.battery_out_kwh += float(out.sum())
        self.flows.power_kw += np.bincount(self.loc[idx], weights=ch, minlength=3)[:3]
        self.flows.discharge_kw = float(dis.sum())

    # -- observation ----------------------------------------------------------------------------
    def soc(self) -> np.ndarray:
        return self.energy_kwh / self.pop.battery_kwh


def night_window(T: int, dt: float, start_h: float, end_h: float) -> tuple[np.ndarray, np.ndarray, int]:
    """The tariff window on the ticks of a day: which ticks start inside it, how many window ticks are left
    from each (wrapping past midnight, 0 outside), and the tick at which it opens."""
    hours = np.arange(T) * dt
    mask = ((hours >= start_h) | (hours < end_h)) if start_h > end_h else ((hours >= start_h) & (hours < end_h))
    left = np.zeros(T, np.int64)
    for _ in range(2):  # the second pass carries runs across midnight
        for tod in range(T - 1, -1, -1):
            left[tod] = min(left[(tod + 1) % T] + 1, T) if mask[tod] else 0
    opens = np.flatnonzero(mask & ~np.roll(mask, 1))
    return mask, left, int(opens[0]) if opens.size else 0


def _bucket(ev: np.ndarray, leg: np.ndarray, ticks: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort events by tick; ``bounds[t]:bounds[t+1]`` slices the events of day tick ``t``."""
    order = np.argsort(ticks, kind="stable")
    bounds = np.searchsorted(ticks[order], np.arange(T + 1), side="left")
    return ev[order], leg[order], bounds
