"""The ``grid`` component: the Kyushu 2030 system dispatched day by day around the simulated EV fleet.

Each simulated day ``d`` (hourly periods, the fleet's ticks held within an hour):

1. **Day-ahead** at 00:00 on forecasts (PV, wind): a unit-commitment MILP. Under ``uncontrolled`` the
   expected EV load (the previous day's realised hourly load; none on the first day) is added to
   demand; under ``smart`` / ``v2g`` the fleet enters as >= 10 EV clusters whose bounds come from the
   EVs' states at midnight and their *expected* connection and driving (mean over sampled days of the
   same day type).
2. **Intraday** (``smart`` / ``v2g``): the same session re-solved with the day-ahead commitment fixed, on
   actual PV and wind and on the cluster bounds of the day's *actual* trip plans. Its cluster
   charge / discharge are the hourly set-points.
3. **Allocation**, every fleet tick: the fleet asks :meth:`GridAgent.setpoints`; each cluster's
   set-point is split over its plugged EVs with :func:`agents.grid.ev_flex.allocate` (least laxity
   first; every EV keeps what its remaining trips need).
4. **Settlement** at the day's last tick: the commitment fixed again, the *realised* hourly EV load
   (charge minus discharge, as the fleet drew it) added to demand, clusters emptied. This solve is
   what the series and KPIs report, so every hour balances; its end state starts the next day.

Outputs scale with the fleet: the fleet simulates ``sample`` EVs and reports MW for ``size``.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from agents.fleet.chains import draw_day
from agents.grid import ev_flex
from agents.grid.dispatch.solve import DispatchResult, DispatchSession, NoSolutionInTime
from agents.grid.params import GridParams
from agents.grid.system import InitialState, KyushuSystem, carry_over, day_problem, load_system
from simcore.component import Component
from simcore.errors import InputError
from simcore.trace import event_kind


@dataclass(frozen=True)
class DayStage:
    """One stage of a day's dispatch: the problem as solved and its result; ``fixed``: solved with the
    commitment fixed (``result.commitment``), as the intraday and settlement stages are."""

    problem: Any
    result: DispatchResult
    fixed: bool = False


STAGES = ("day_ahead", "intraday", "settlement")


def _plan_figures(plan: DispatchResult) -> dict[str, Any]:
    """What a day-ahead plan contributes to the day's ``grid.day`` event."""
    return {"day_ahead_co2_t": plan.co2_t, "day_ahead_gap": plan.mip_gap}


def _hourly(x: np.ndarray, tph: int) -> np.ndarray:
    """Hourly means of a per-tick 1-D series (length a multiple of ``tph``)."""
    return x.reshape(-1, tph).mean(axis=1)


class GridAgent(Component):
    """Day-ahead and intraday unit commitment with the EV fleet as load or as clusters of flexibility."""

    Params = GridParams
    tick_order = 50
    events = {
        "grid.day_ahead": event_kind("the next day's unit commitment is solved ahead (day_ahead_hour > 0)",
                                     for_day="day index the commitment is for", co2_t="planned CO2 of that day, t",
                                     gap="relative MIP gap reached, fraction"),
        "grid.day": event_kind("a day is settled: dispatched on actuals with the fleet's realised load (what "
                               "the series and KPIs report)",
                               optional=("day_ahead_co2_t", "day_ahead_gap", "intraday_co2_t"),
                               day="day index since the scenario start", co2_t="settled CO2 of the day, t",
                               unserved_mwh="demand not served that day, MWh",
                               recourse_unit_hours="unit-hours quick-start units added intraday",
                               day_ahead_co2_t="CO2 the day-ahead plan expected, t",
                               day_ahead_gap="relative MIP gap of the day-ahead solve, fraction",
                               intraday_co2_t="CO2 of the intraday re-solve (smart / v2g), t"),
    }

    # -- set-up -----------------------------------------------------------------------------------
    def setup(self) -> None:
        p: GridParams = self.params
        w = self.world
        clock = w.clock  # hourly ticks, the year and the fleet's policy were checked by GridParams.check
        fleet = w.components[p.fleet]
        self.fleet = fleet
        self.m = fleet.model
        self.policy = fleet.params.charging_policy
        self.controlled = self.policy in ("smart", "v2g")
        self.v2g = self.policy == "v2g"
        self.T = clock.ticks_per_day
        self.tph = 60 // clock.tick_minutes
        self.scale = fleet.scale
        self.system: KyushuSystem = load_system(p.system_dir)
        self.state: InitialState | None = None   # thermal / storage state at the current day's start
        self.day = -1
        self.commitment: pd.DataFrame | None = None
        self.recourse_today = 0   # unit-hours the day's intraday solve added by recourse
        self.session: DispatchSession | None = None
        self.setpoint_kw = np.zeros((p.clusters, 24))   # per cluster and hour, for the simulated sample
        self.e0_mwh = np.zeros(p.clusters)
        # realised per cluster and hour of the current day (MW / MWh for the represented fleet): what the
        # settlement pins when the clusters hold reserve
        self.real_ch = np.zeros((p.clusters, 24))
        self.real_dis = np.zeros((p.clusters, 24))
        self.real_e = np.zeros((p.clusters, 24))
        self.drive_today = np.zeros((p.clusters, 24))
        self.e_min_today = np.zeros((p.clusters, 24))
        # day_ahead_hour > 0: commitments solved the day before, and the plan's end state they start from
        self.ahead: dict[int, tuple[pd.DataFrame, dict[str, Any], InitialState, DayStage]] = {}
        # the current day's problems and results by stage (day_ahead, intraday, settlement), and the
        # last settled day's: what `show grid` reports and `write_state` writes as problem folders
        self.stages: dict[str, DayStage] = {}
        self.settled: dict[str, Any] | None = None
        self.planned_end: InitialState | None = None
        self.planned_cluster_e: np.ndarray | None = None
        self.totals = {"co2_t": 0.0, "cost_jpy": 0.0, "curtailment_mwh": 0.0, "unserved_mwh": 0.0,
                       "reserve_shortfall_mwh": 0.0, "overgeneration_mwh": 0.0, "ev_discharge_mwh": 0.0,
                       "ev_wear_cost_jpy": 0.0, "ev_tracking_error_mwh": 0.0, "recourse_unit_hours": 0.0,
                       "ev_reserve_mwh": 0.0}
        self.timing = {"day_ahead_s": 0.0, "intraday_s": 0.0, "settlement_s": 0.0, "days": 0}
        # wall seconds per settled day and stage (for benchmarks; never written to results, which
        # must not depend on the machine)
        self.day_timing: list[dict[str, float]] = []
        self._timing_at_last_day = dict(self.timing)
        self.last: dict[str, Any] = {}
        rec = w.recorder
        names = ("demand", "thermal", "renewable", "curtailment", "storage_charge", "storage_discharge",
                 "unserved", "overgeneration")
        self.s = {n: rec.add(f"grid.{n}_mw", "MW") for n in names}
        self.s_dis = rec.add("ev.discharge_mw", "MW")
        self.rng_forecast = w.rng(f"{self.name}.forecast")
        self._cluster()
        if self.controlled:
            self.m.controller = self.setpoints

    def _cluster(self) -> None:
        """k-means on sampled days' driving / home-parking by hour; expected occupancy per day type."""
        p: GridParams = self.params
        m = self.m
        rng = self.world.rng(f"{self.name}.cluster_days")
        pop = m.pop
        self.charger_home = pop.home_kw.astype(np.float64)
        self.charger_work = pop.work_kw.astype(np.float64)
        occ: dict[int, list[ev_flex.Occupancy]] = {0: [], 1: []}
        for i in range(p.cluster_sample_days):
            day_type = 1 if i % 7 >= 5 else 0   # 5 weekdays, 2 weekend days per sampled week
            plan = draw_day(rng, m.travel, pop.ev_type, pop.commute_km, day_type, m.T, m.dt, m.p.speed_kmh)
            occ[day_type].append(self._occupancy(plan))
        all_days = occ[0] + occ[1]
        x = ev_flex.cluster_features(all_days, self.tph)
        self.k = min(p.clusters, m.n)
        self.labels = ev_flex.kmeans(x, self.k, self.world.rng(f"{self.name}.kmeans"))
        self.expected = {}
        for dt_, days in occ.items():
            conn = np.mean([self._connected(o) for o in days], axis=0)
            drive = np.mean([ev_flex.hourly(o.drive_kwh, self.tph) * self.tph for o in days], axis=0)
            self.expected[dt_] = (conn, drive)

    def _occupancy(self, plan) -> ev_flex.Occupancy:
        trip_kwh = plan.dist_km / self.m.pop.km_per_kwh[:, None]
        return ev_flex.occupancy(plan.dep.astype(np.int64), plan.arr.astype(np.int64), plan.dest, plan.n_legs,
                                 trip_kwh, self.T)

    def _connected(self, o: ev_flex.Occupancy) -> np.ndarray:
        """Share of each hour an EV sits at a home or work charger (n, 24)."""
        home = ev_flex.hourly(o.at_home.astype(np.float64), self.tph) * (self.charger_home[:, None] > 0)
        work = ev_flex.hourly(o.at_work.astype(np.float64), self.tph) * (self.charger_work[:, None] > 0)
        return home + work

    def _charger_kw(self) -> np.ndarray:
        return np.maximum(self.charger_home, self.charger_work)

    def _tables(self, connected: np.ndarray, drive_kwh: np.ndarray) -> ev_flex.ClusterTables:
        m = self.m
        reserve = m.reserve_kwh.astype(np.float64)
        later = np.cumsum(drive_kwh[:, ::-1], axis=1)[:, ::-1] - drive_kwh   # trips after each hour
        need = reserve[:, None] + later
        t = ev_flex.cluster_bounds(self.labels, self.k, connected=connected, drive_kwh=drive_kwh,
                                   charger_kw=self._charger_kw(), energy_kwh=m.energy_kwh,
                                   capacity_kwh=m.target_kwh, need_kwh=need, ticks_per_hour=self.tph,
                                   scale=self.scale, v2g=self.v2g, keep_start=self.params.day_end_keep_start,
                                   reachable=self.params.reachable_energy_bounds, eff_charge=m.eff,
                                   eff_discharge=m.discharge_eff)
        frac = self.params.day_end_soc_pct / 100.0
        t.energy_min_mwh[:, -1] = np.maximum(t.energy_min_mwh[:, -1], frac * t.energy_max_mwh[:, -1])
        return t

    def _with_clusters(self, problem, tables: ev_flex.ClusterTables | None, e0_mwh: np.ndarray | None = None):
        """Attach the cluster tables (``None``: clusters present but idle, for the settlement); unvalidated."""
        eff = self.m.eff
        names = [f"c{j:02d}" for j in range(self.k)]
        wear = self.params.v2g_wear_cost_jpy_per_mwh if self.v2g else 0.0
        e0 = self.e0_mwh if e0_mwh is None else e0_mwh
        problem.ev_cluster_params = pd.DataFrame({"cluster": names, "eff_charge": eff,
                                                  "eff_discharge": self.m.discharge_eff,
                                                  "energy_initial_mwh": np.round(e0, 6),
                                                  "discharge_cost_per_mwh": wear,
                                                  "energy_final_value_per_mwh": self.params.banked_energy_value_jpy_per_mwh,
                                                  "provides_reserve": int(self.params.ev_reserve),
                                                  "reserve_duration_h": self.params.ev_reserve_duration_h})
        rows = []
        hours = np.arange(1, 25)
        for j, n in enumerate(names):
            if tables is None:
                zero = np.zeros(24)
                rows.append(pd.DataFrame({"cluster": n, "period": hours, "p_charge_max_mw": zero,
                                          "p_discharge_max_mw": zero, "energy_min_mwh": zero,
                                          "energy_max_mwh": np.full(24, e0[j] + 1.0),
                                          "energy_drive_mwh": zero}))
                continue
            e_min = np.minimum(tables.energy_min_mwh[j], tables.energy_max_mwh[j])
            rows.append(pd.DataFrame({"cluster": n, "period": hours, "p_charge_max_mw": tables.p_charge_max_mw[j],
                                      "p_discharge_max_mw": tables.p_discharge_max_mw[j],
                                      "energy_min_mwh": e_min, "energy_max_mwh": tables.energy_max_mwh[j],
                                      "energy_drive_mwh": tables.energy_drive_mwh[j]}))
        problem.ev_clusters = pd.concat(rows, ignore_index=True)
        return problem   # validated once, by the dispatch session that receives it

    # -- the day's plan -----------------------------------------------------------------------------
    def _date(self, day: int) -> pd.Timestamp:
        return self.world.clock.day_start(day).normalize()

    def _plan(self, day: int) -> None:
        """Start ``day``: its day-ahead MILP now (or the commitment solved the day before), then
        (smart / v2g) the intraday re-solve that gives the set-points."""
        p: GridParams = self.params
        self.day = day
        date = self._date(day)
        t0 = time.perf_counter()
        self.stages = {}
        if day in self.ahead:
            self.commitment, self.last, self.planned_end, self.stages["day_ahead"] = self.ahead.pop(day)
            intra = day_problem(self.system, date, "intraday", initial=self.state, check=False)
            if self.controlled:
                actual = self._actual_tables()
                self.e0_mwh = actual.energy_initial_mwh
                intra = self._with_clusters(intra, actual)
            self._open_session(intra)
            if self.controlled:
                self._intraday(intra)
            self.timing["intraday_s"] += time.perf_counter() - t0
            return
        da, e0 = self._day_ahead_problem(day, self.state)
        if e0 is not None:
            self.e0_mwh = e0
        self._open_session(da)
        plan = self.session.solve()
        self.stages["day_ahead"] = DayStage(da, plan)
        self.commitment = plan.commitment
        self.planned_end = carry_over(da, plan)
        self.last = _plan_figures(plan)
        t1 = time.perf_counter()
        self.timing["day_ahead_s"] += t1 - t0
        if self.controlled:
            intra = day_problem(self.system, date, "intraday", initial=self.state, check=False)
            self._intraday(self._with_clusters(intra, self._actual_tables()))
            self.timing["intraday_s"] += time.perf_counter() - t1

    def _open_session(self, problem) -> None:
        """The day's dispatch session: the run's one model re-stated for ``problem`` (``reuse_model``),
        or a fresh build."""
        p: GridParams = self.params
        if self.session is not None and p.reuse_model:
            self.session.start_day(problem)
        else:
            self.session = DispatchSession(problem, gap=p.mip_gap, time_limit_s=p.time_limit_s)

    def _day_ahead_problem(self, day: int, initial: InitialState, e0_mwh: np.ndarray | None = None,
                           now_tick: int | None = None) -> tuple[Any, np.ndarray | None]:
        """``day``'s UC problem on forecasts from ``initial``: expected cluster bounds (smart / v2g,
        starting from ``e0_mwh`` or the EVs' energy now) or the forecast uncontrolled load added to
        demand. Returns the problem and the clusters' starting energy (None when uncontrolled)."""
        da = day_problem(self.system, self._date(day), "day_ahead", initial=initial, check=False)
        if not self.controlled:
            da.demand["demand_mw"] = da.demand["demand_mw"].to_numpy() + self._forecast_uncontrolled(day, now_tick)
            return da, None
        conn, drive = self.expected[int(self.m.day_types[day])]
        exp = self._tables(conn, drive)
        e0 = exp.energy_initial_mwh if e0_mwh is None else e0_mwh
        return self._with_clusters(da, exp, e0_mwh=e0), e0

    def _actual_tables(self) -> ev_flex.ClusterTables:
        """Cluster bounds from the day's actual trip plans and the EVs' energy now."""
        occ = self._occupancy(self.m.today)
        t = self._tables(self._connected(occ), ev_flex.hourly(occ.drive_kwh, self.tph) * self.tph)
        self.e_min_today = np.minimum(t.energy_min_mwh, t.energy_max_mwh)
        return t

    def _intraday(self, intra) -> None:
        """Re-solve with the commitment fixed; its cluster schedule becomes the hourly set-points."""
        res = self.session.redispatch(intra, self.commitment, recourse=self.params.intraday_recourse)
        self.stages["intraday"] = DayStage(intra, res, fixed=True)
        self.commitment = res.commitment   # with any recourse starts, kept for the settlement
        self.recourse_today = res.extra["recourse_unit_hours"]
        net = res.ev_charge_mw.to_numpy() - (res.ev_discharge_mw.to_numpy() if self.v2g else 0.0)
        self.setpoint_kw = net.T * 1000.0 / self.scale   # (clusters, hours), kW for the sample
        self.planned_end = carry_over(intra, res)
        self.planned_cluster_e = res.ev_energy_mwh.to_numpy()[-1]
        self.last["intraday_co2_t"] = res.co2_t

    def _day_ahead_for_tomorrow(self, tick: int) -> None:
        """At ``day_ahead_hour`` of day d: day d+1's UC on forecasts, from the plan's end state of day d;
        only its commitment is kept (and its end state, the next plan's start)."""
        p: GridParams = self.params
        day = self.day + 1
        t0 = time.perf_counter()
        planned_e = None if self.planned_cluster_e is None else np.maximum(self.planned_cluster_e, 0.0)
        da, _ = self._day_ahead_problem(day, self.planned_end, e0_mwh=planned_e, now_tick=tick)
        plan = DispatchSession(da, gap=p.mip_gap, time_limit_s=p.time_limit_s).solve()
        self.ahead[day] = (plan.commitment, _plan_figures(plan), carry_over(da, plan), DayStage(da, plan))
        self.world.emit("grid.day_ahead", self.name, for_day=day, co2_t=plan.co2_t, gap=plan.mip_gap)
        self.timing["day_ahead_s"] += time.perf_counter() - t0

    def _forecast_uncontrolled(self, day: int, now_tick: int | None = None) -> np.ndarray:
        """Expected uncontrolled EV load (hourly MW): a shadow copy of the fleet in its present state
        simulated through a freshly drawn day of the same type, with the agent's own random streams
        (so the real fleet's draws are untouched and the forecast does not know the actual plans).
        With ``now_tick`` (a forecast made the day before) the shadow first finishes the current day."""
        m = self.m
        sink, wants, ctrl = m.sink, m.wants, m.controller
        m.sink, m.wants, m.controller = None, (lambda kind: False), None
        try:
            shadow = copy.deepcopy(m)
        finally:
            m.sink, m.wants, m.controller = sink, wants, ctrl
        shadow.rng_plugin = shadow.rng_trips = self.rng_forecast
        day_type = int(m.day_types[day])
        plan = draw_day(self.rng_forecast, m.travel, m.pop.ev_type, m.pop.commute_km, day_type, m.T, m.dt,
                        m.p.speed_kmh)
        if now_tick is None:
            shadow.use_plan(plan, shadow._draw(day + 1))
            shadow.day = day
        else:   # finish today on today's plan, then cross midnight into the drawn day
            shadow.tomorrow = plan
            shadow._tomorrow_km = plan.first_trip_km()
            for t in range(now_tick + 1, day * self.T):
                shadow.step(t)
        kw = np.array([shadow.step(t).power_kw.sum() for t in range(day * self.T, (day + 1) * self.T)])
        return _hourly(kw, self.tph) * self.scale / 1000.0

    # -- per tick -----------------------------------------------------------------------------------
    def setpoints(self, tick: int) -> np.ndarray:
        """Per-EV kW for ``tick`` (+ charge / - discharge): the fleet's controller under smart / v2g."""
        day, tod = divmod(tick, self.T)
        if day != self.day:
            self._plan(day)
        m = self.m
        hour = tod // self.tph
        n = m.n
        ids = np.arange(n)
        need = np.minimum(m.trips_need_kwh(ids) + self.params.need_margin_kwh, m.target_kwh)
        hours_left = (m._next_departure_tick(ids) - tick) * m.dt
        out = np.zeros(n)
        for j in range(self.k):
            members = m.plugged & (self.labels == j)
            if members.any():
                out += ev_flex.allocate(float(self.setpoint_kw[j, hour]), members, m.energy_kwh, need,
                                        m.target_kwh, m.plug_kw, hours_left, m.eff, m.dt, self.v2g)
        return out

    def on_tick(self, tick: int) -> None:
        try:
            self._tick(tick)
        except NoSolutionInTime:
            raise InputError(self.world.scenario.file or "(scenario)", f"components.{self.name}.time_limit_s",
                             self.params.time_limit_s,
                             "a limit long enough for HiGHS to find a first plan (it found none in time)") from None

    def _tick(self, tick: int) -> None:
        day, tod = divmod(tick, self.T)
        if day != self.day:
            self._plan(day)
        self.s_dis[tick] = self.m.flows.discharge_kw * self.scale / 1000.0
        if self.controlled and self.params.ev_reserve:
            self._realised(tod)
        h = self.params.day_ahead_hour
        if h > 0 and tod == h * self.tph and day + 1 < self.world.clock.days:
            self._day_ahead_for_tomorrow(tick)
        if tod == self.T - 1:
            self._settle(day)

    def _realised(self, tod: int) -> None:
        """Add this tick's per-cluster charge / discharge to the day's hourly means; at an hour's last
        tick, the clusters' energy."""
        m = self.m
        hour = tod // self.tph
        w = self.scale / 1000.0 / self.tph
        if tod == 0:
            self.real_ch[:] = 0.0
            self.real_dis[:] = 0.0
        p = m.power_kw.astype(np.float64)
        self.real_ch[:, hour] += np.bincount(self.labels, weights=np.maximum(p, 0.0), minlength=self.k) * w
        self.real_dis[:, hour] += np.bincount(self.labels, weights=np.maximum(-p, 0.0), minlength=self.k) * w
        if (tod + 1) % self.tph == 0:
            self.real_e[:, hour] = np.bincount(self.labels, weights=m.energy_kwh, minlength=self.k) * self.scale / 1000.0

    def _pinned_clusters(self, problem):
        """The settlement's clusters holding the day's realised schedule: charge and discharge pinned,
        energy following the realised trajectory (the drive column absorbs what trips and public charging
        changed), the floor at the plan's, so the reserve they are credited is what the realised
        charging could have given."""
        eff_c, eff_d = self.m.eff, self.m.discharge_eff
        e0 = np.round(self.e0_mwh, 6)[:, None]   # as _with_clusters writes it
        prev = np.concatenate([e0, self.real_e[:, :-1]], axis=1)
        drive = np.maximum(prev + eff_c * self.real_ch - self.real_dis / eff_d - self.real_e, 0.0)
        e_model = e0 + np.cumsum(eff_c * self.real_ch - self.real_dis / eff_d - drive, axis=1)
        floor = np.maximum(np.minimum(self.e_min_today, e_model), 0.0)
        top = np.maximum(e_model, floor) + 1.0
        t = ev_flex.ClusterTables(self.real_ch, self.real_dis, floor, top, drive, self.e0_mwh)
        problem = self._with_clusters(problem, t)
        e = problem.ev_clusters
        e["p_charge_min_mw"] = e["p_charge_max_mw"]
        e["p_discharge_min_mw"] = e["p_discharge_max_mw"]
        return problem

    def _settle(self, day: int) -> None:
        """The day's dispatch on actuals with the realised EV load: what is reported."""
        t0 = time.perf_counter()
        lo, hi = day * self.T, (day + 1) * self.T
        f = self.fleet
        charge_mw = f.s_total[lo:hi]
        discharge_mw = self.s_dis[lo:hi]
        ev_net = _hourly(charge_mw - discharge_mw, self.tph)
        act = day_problem(self.system, self._date(day), "intraday", initial=self.state,
                          check=False)
        pinned = self.controlled and self.params.ev_reserve
        in_clusters = (self.real_ch - self.real_dis).sum(axis=0) if pinned else 0.0
        act.demand["demand_mw"] = act.demand["demand_mw"].to_numpy() + ev_net - in_clusters
        if pinned:
            act = self._pinned_clusters(act)
        elif self.controlled:
            act = self._with_clusters(act, None)
        res = self.session.redispatch(act, self.commitment, recourse=self.params.intraday_recourse)
        self.stages["settlement"] = DayStage(act, res, fixed=True)
        realised = np.bincount(self.labels, weights=self.m.energy_kwh, minlength=self.k) * self.scale / 1000.0
        self.settled = {"day": day, "date": self._date(day).date().isoformat(), "stages": dict(self.stages),
                        "realised_end_mwh": realised}
        self.state = carry_over(act, res)
        added = self.recourse_today + res.extra["recourse_unit_hours"]
        self.recourse_today = 0
        self._record(res, act, lo, ev_net, added)
        self.timing["settlement_s"] += time.perf_counter() - t0
        self.timing["days"] += 1
        self.day_timing.append({k: self.timing[k] - self._timing_at_last_day[k]
                                for k in ("day_ahead_s", "intraday_s", "settlement_s")})
        self._timing_at_last_day = dict(self.timing)
        self.world.emit("grid.day", self.name, day=day, co2_t=res.co2_t, unserved_mwh=res.unserved_mwh,
                        recourse_unit_hours=added, **{k: float(v) for k, v in self.last.items()})

    def _record(self, res: DispatchResult, problem, lo: int, ev_net: np.ndarray, recourse_unit_hours: int) -> None:
        rep = np.repeat
        tph = self.tph
        base = problem.demand["demand_mw"].to_numpy() - ev_net
        if self.controlled and self.params.ev_reserve:
            base = base + (self.real_ch - self.real_dis).sum(axis=0)
        cols = {"demand": base, "thermal": res.thermal_mw.to_numpy().sum(axis=1),
                "renewable": res.renewable_mw.to_numpy().sum(axis=1),
                "curtailment": res.curtailment_mw.to_numpy().sum(axis=1),
                "storage_charge": res.storage_charge_mw.to_numpy().sum(axis=1),
                "storage_discharge": res.storage_discharge_mw.to_numpy().sum(axis=1),
                "unserved": res.system["unserved_mw"].to_numpy(),
                "overgeneration": res.system["overgeneration_mw"].to_numpy()}
        for k, v in cols.items():
            self.s[k][lo:lo + 24 * tph] = rep(v, tph)
        if lo >= self.m.warm_ticks:
            t = self.totals
            t["co2_t"] += res.co2_t
            t["cost_jpy"] += res.costs["fuel"] + res.costs["startup"] + res.costs["carbon"]
            t["curtailment_mwh"] += float(cols["curtailment"].sum())
            t["unserved_mwh"] += res.unserved_mwh
            t["reserve_shortfall_mwh"] += res.reserve_shortfall_mwh
            t["recourse_unit_hours"] += recourse_unit_hours
            t["overgeneration_mwh"] += res.overgeneration_mwh
            t["ev_reserve_mwh"] += float(res.ev_reserve_mw.to_numpy().sum() * res.period_hours)
            discharged = float(self.s_dis[lo:lo + 24 * tph].sum() * self.m.dt)
            t["ev_discharge_mwh"] += discharged
            t["ev_wear_cost_jpy"] += discharged * self.params.v2g_wear_cost_jpy_per_mwh
            if self.controlled:   # |realised - intraday plan| of the fleet's net load, summed over hours
                planned = self.setpoint_kw.sum(axis=0) * self.scale / 1000.0
                t["ev_tracking_error_mwh"] += float(np.abs(ev_net - planned).sum())

    # -- observation ----------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        stored = (float(self.m.energy_kwh.sum()) - self.m.initial_energy_kwh) * self.scale / 1000.0
        return ({f"grid.{k}": float(v) for k, v in self.totals.items()}
                | {"grid.clusters": int(self.k), "grid.ev_stored_change_mwh": stored})

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        """The grid now and the last settled day's unit commitment and dispatch; ``key`` a thermal unit
        (``grid:<unit>``): that unit's hours on that day."""
        if key is not None:
            return self._inspect_unit(key)
        return {**super().inspect(None), "day": self.day, "policy": self.policy,
                "cluster_sizes": np.bincount(self.labels, minlength=self.k).tolist(), "last_day": self.last,
                "timing_s": dict(self.timing), **self.summary(), "clusters_now": self._clusters_now(),
                "settled_day": self._settled_view()}

    def _clusters_now(self) -> dict[str, dict[str, Any]]:
        """Per cluster at the last tick (simulated sample): plugged EVs, how many of them are at their
        charge target, the hour's set-point and what the EVs drew (kW, + charge / - discharge)."""
        m = self.m
        if self.world.ticks_done == 0 or not self.controlled:
            return {}
        hour = ((self.world.ticks_done - 1) % self.T) // self.tph
        full = m.plugged & (m.energy_kwh >= m.target_kwh - 1e-6)
        out = {}
        for j in range(self.k):
            members = self.labels == j
            out[f"c{j:02d}"] = {"plugged": int((members & m.plugged).sum()), "plugged_full": int((members & full).sum()),
                                "setpoint_kw": round(float(self.setpoint_kw[j, hour]), 1),
                                "drawn_kw": round(float(m.power_kw[members].sum()), 1)}
        return out

    def _settled_view(self) -> dict[str, Any] | None:
        if self.settled is None:
            return None
        from agents.grid.day_view import day_view

        return day_view(self.settled["day"], self.settled["date"], self.settled["stages"],
                        self.settled["realised_end_mwh"])

    def _inspect_unit(self, unit: str) -> dict[str, Any]:
        if self.settled is None:
            raise KeyError(f"grid {self.name!r} has settled no day yet; units are shown once a day is settled")
        from agents.grid.day_view import unit_view

        return unit_view(unit, self.settled["day"], self.settled["date"], self.settled["stages"])

    def write_state(self, key: str | None, folder: Path) -> str:
        """The last settled day's problem folder for stage ``key`` (default ``day_ahead``, the unit
        commitment MILP; ``intraday`` / ``settlement`` also write ``commitment.csv``, the commitment
        they were solved with, for ``evcycle dispatch DIR --commitment DIR/commitment.csv``)."""
        from agents.grid.day_view import write_stage

        if self.settled is None:
            raise KeyError(f"grid {self.name!r} has settled no day yet; run to a grid.day event first")
        stage = key or "day_ahead"
        stages = self.settled["stages"]
        if stage not in stages:
            have = ", ".join(stages)
            raise KeyError(f"day {self.settled['day']} has no {stage!r} stage; stages: {have}")
        return write_stage(stages[stage], stage, self.settled["day"], self.settled["date"], folder)
