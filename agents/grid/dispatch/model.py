"""Build the unit-commitment MILP (Pyomo) from a :class:`DispatchProblem`.

Formulation: three binaries per unit and period (on u, start v, stop w; Garver 1962), output split
into p_min * u plus output above minimum, the tight and compact generation, ramping and reserve limits
of Morales-Espana, Latorre & Ramos (IEEE TPWRS 28(4), 2013), Rajan & Takriti minimum up/down
inequalities, start-up cost categories by the lag since the last stop (matching formulation of
Knueven, Ostrowski & Watson 2017), a convex piecewise-linear
production cost, and penalised slacks for unserved energy, over-generation, reserve shortfall and EV
energy shortfall. docs/dispatch.md writes out every equation.

Time series enter as variable bounds only (see :func:`apply_timeseries`), and so does the initial
state (units' status and output before period 1, stored energy at the start; see
:func:`apply_initial_state`), so a built model can be re-solved on new demand / renewable / EV data,
and on the next day from a new starting state, by bound changes, without rebuilding it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from agents.grid.dispatch.problem import DispatchProblem


@dataclass
class UnitData:
    """Per-unit numbers in model units (MW, MW per period, periods)."""

    name: str
    pmin: float
    pmax: float
    su: float          # max output in the start-up period (MW), clipped to [pmin, pmax]
    sd: float          # max output in the period before a stop (MW), clipped to [pmin, pmax]
    ru: float          # ramp-up per period (MW), capped at pmax
    rd: float          # ramp-down per period (MW), capped at pmax
    ut: int            # minimum up time (periods, >= 1)
    dt: int            # minimum down time (periods, >= 1)
    on0: bool          # on before period 1
    s0: int            # +k on / -k off for k periods before period 1
    p0: float          # output before period 1 (MW)
    init_on: int       # periods 1..init_on forced on by the minimum up time
    init_off: int      # periods 1..init_off forced off by the minimum down time
    must_run: bool
    co2: float         # t per MWh
    cost_min: float    # cost per hour at pmin
    widths: list[float]   # piecewise segment widths above pmin (MW)
    slopes: list[float]   # marginal cost per MWh on each segment
    lags: list[int]       # start-up category lags (periods), ascending
    su_costs: list[float]  # start-up cost per category


def _periods(hours: float, dt: float) -> int:
    return int(round(hours / dt))


def compile_units(problem: DispatchProblem) -> list[UnitData]:
    """Turn thermal tables into per-unit model numbers (durations in periods, ramps per period)."""
    T = problem.periods
    dt = problem.period_hours
    costs = {n: g for n, g in problem.thermal_cost.groupby("name", sort=False)}
    starts = {n: g for n, g in problem.thermal_startup.groupby("name", sort=False)}
    units = []
    for row in problem.thermal.itertuples(index=False):
        name = str(row.name)
        pmin, pmax = float(row.p_min_mw), float(row.p_max_mw)
        su = min(max(float(row.startup_mw), pmin), pmax)
        sd = min(max(float(row.shutdown_mw), pmin), pmax)
        ru = min(float(row.ramp_up_mw_per_h) * dt, pmax)
        rd = min(float(row.ramp_down_mw_per_h) * dt, pmax)
        p0 = float(row.initial_p_mw)
        ut = min(max(_periods(row.min_up_h, dt), 1), T)
        dtn = min(max(_periods(row.min_down_h, dt), 1), T)
        s0 = _periods(row.initial_status_h, dt)
        if s0 == 0:
            s0 = 1 if row.initial_status_h > 0 else -1
        on0 = s0 > 0
        init_on = min(T, max(0, ut - s0)) if on0 else 0
        init_off = min(T, max(0, dtn + s0)) if not on0 else 0
        c = costs[name]
        pv = c["p_mw"].to_numpy(dtype=float)
        cv = c["cost_per_h"].to_numpy(dtype=float)
        widths = [float(x) for x in np.diff(pv)]
        slopes = [float(x) for x in np.diff(cv) / np.diff(pv)] if len(pv) > 1 else []
        keep = [i for i, w in enumerate(widths) if w > 1e-9]
        s = starts.get(name)
        lags: list[int] = []
        su_costs: list[float] = []
        if s is not None:
            for lag_h, cost in zip(s["lag_h"], s["cost"]):
                lag = max(_periods(lag_h, dt), 1)
                if lags and lag <= lags[-1]:   # two categories round to one period: keep the colder
                    su_costs[-1] = float(cost)
                    continue
                lags.append(lag)
                su_costs.append(float(cost))
        units.append(UnitData(
            name=name, pmin=pmin, pmax=pmax, su=su, sd=sd, ru=ru, rd=rd, ut=ut, dt=dtn,
            on0=on0, s0=s0, p0=p0 if on0 else 0.0, init_on=init_on, init_off=init_off,
            must_run=bool(row.must_run), co2=float(row.co2_t_per_mwh), cost_min=float(cv[0]),
            widths=[widths[i] for i in keep], slopes=[slopes[i] for i in keep],
            lags=lags, su_costs=su_costs,
        ))
    return units


def build_model(problem: DispatchProblem, units: list[UnitData] | None = None,
                tight: bool = True) -> pyo.ConcreteModel:
    """The UC MILP for one problem. Objective: total cost over the horizon (currency units).

    ``tight=False`` drops the ramp-history generation limits and the segment caps, leaving the
    compact MLR (2013) formulation: same optimum, weaker LP relaxation (kept for benchmarks).
    """
    # Pyomo creates many small objects; pausing the cyclic GC halves the build time (measured).
    with PauseGC():
        return _build(problem, units, tight)


def _build(problem: DispatchProblem, units: list[UnitData] | None, tight: bool) -> pyo.ConcreteModel:
    units = units if units is not None else compile_units(problem)
    T = problem.periods
    dt = problem.period_hours
    TT = list(range(1, T + 1))
    G = [u.name for u in units]
    U = {u.name: u for u in units}
    m = pyo.ConcreteModel(name=problem.name)
    m.T = pyo.Set(initialize=TT, ordered=True)
    m.G = pyo.Set(initialize=G, ordered=True)

    # --- system data. Time series are variables pinned by their bounds (lb = ub = value), so an
    # intraday update is a bound change in the live solver, never a rebuilt row.
    m.demand = pyo.Var(m.T, bounds=(0, 0))
    m.reserve_req = pyo.Var(m.T, bounds=(0, 0))

    # --- thermal variables
    m.u = pyo.Var(m.G, m.T, domain=pyo.Binary)
    m.v = pyo.Var(m.G, m.T, domain=pyo.Binary)
    m.w = pyo.Var(m.G, m.T, domain=pyo.Binary)
    m.pa = pyo.Var(m.G, m.T, domain=pyo.NonNegativeReals)     # output above p_min (MW)
    m.pav = pyo.Var(m.G, m.T, domain=pyo.NonNegativeReals)    # max available above p_min (MW)
    seg_idx = [(g, k, t) for g in G for k in range(len(U[g].widths)) for t in TT]
    m.SEG = pyo.Set(initialize=seg_idx, dimen=3, ordered=True)
    m.seg = pyo.Var(m.SEG, domain=pyo.NonNegativeReals)
    for g, k, t in seg_idx:
        m.seg[g, k, t].setub(U[g].widths[k])
    for un in units:
        for t in TT:
            if un.pmax - un.pmin <= 1e-9:
                m.pav[un.name, t].setub(0)
    # the state before period 1, pinned by bounds (apply_initial_state): on / off, output above p_min
    m.u0 = pyo.Var(m.G, bounds=(0, 0))
    m.pa0 = pyo.Var(m.G, bounds=(0, 0))

    def u_prev(g: str, t: int):
        return m.u[g, t - 1] if t > 1 else m.u0[g]

    # logic: u_t - u_{t-1} = v_t - w_t
    m.c_logic = pyo.Constraint(m.G, m.T, rule=lambda m, g, t: m.u[g, t] - u_prev(g, t) == m.v[g, t] - m.w[g, t])

    # minimum up / down time (Rajan & Takriti); windows start in period 1: the periods the initial
    # state still binds are fixed on / off by bounds (apply_initial_state), where these rows are slack
    def min_up(m, g, t):
        un = U[g]
        return sum(m.v[g, i] for i in range(max(1, t - un.ut + 1), t + 1)) <= m.u[g, t]

    def min_down(m, g, t):
        un = U[g]
        return sum(m.w[g, i] for i in range(max(1, t - un.dt + 1), t + 1)) <= 1 - m.u[g, t]

    m.c_min_up = pyo.Constraint(m.G, m.T, rule=min_up)
    m.c_min_down = pyo.Constraint(m.G, m.T, rule=min_down)

    # generation limits with start-up / shut-down capacity; reserve (pav) lies inside them.
    # j = 0: MLR eq. 11 strengthened with the ramp since a recent start (Pan & Guan): a unit started
    #        i periods ago can offer at most SU + i*RU. Valid while i <= UT-2 (then that start and a
    #        stop in t+1 cannot both happen); at t = T (no stop term) while i <= UT-1.
    # j = 1: the same ramp-from-start terms up to UT-1 without the stop term (Knueven, Ostrowski &
    #        Watson, "On mixed integer programming formulations for the unit commitment problem"),
    #        only where it reaches further back than j = 0.
    # j = 2: output before a stop within the next periods, ramping down to SD (on pa, not pav):
    #        stop at t+1+i => pa_t <= SD + i*RD - pmin; combined with starts while K + L + 2 <= UT.
    # For UT = 1 units: the two inequalities of Gentile, Morales-Espana & Ramos (2017), j = 0, 1.
    def ramp_terms(pmax: float, cap: float, rate: float, limit: int) -> list[float]:
        """Coefficients pmax - cap - i*rate for i = 0..limit while positive."""
        out = []
        for i in range(max(limit, -1) + 1):
            a = pmax - cap - i * rate
            if a <= 1e-9:
                break
            out.append(a)
        return out

    lim_idx = [(g, t, j) for g in G for t in TT for j in (0, 1, 2)]

    def gen_limit(m, g, t, j):
        un = U[g]
        span = un.pmax - un.pmin
        a_sd = un.pmax - un.sd
        if un.ut == 1:
            a_su = un.pmax - un.su
            if t == T:
                return m.pav[g, t] <= span * m.u[g, t] - a_su * m.v[g, t] if j == 0 else pyo.Constraint.Skip
            if j == 0:
                return (m.pav[g, t] <= span * m.u[g, t] - a_su * m.v[g, t]
                        - max(0.0, un.su - un.sd) * m.w[g, t + 1])
            if j == 1:
                return (m.pav[g, t] <= span * m.u[g, t] - a_sd * m.w[g, t + 1]
                        - max(0.0, un.sd - un.su) * m.v[g, t])
            return pyo.Constraint.Skip
        back_all = ramp_terms(un.pmax, un.su, un.ru, min(un.ut - 1, t - 1) if tight else 0)
        if j == 0:
            if t == T:
                return m.pav[g, t] <= span * m.u[g, t] - sum(a * m.v[g, t - i] for i, a in enumerate(back_all))
            back = back_all[: max(un.ut - 1, 0)]   # i <= UT-2 (UT >= 2 here, so i = 0 is kept)
            return (m.pav[g, t] <= span * m.u[g, t] - sum(a * m.v[g, t - i] for i, a in enumerate(back))
                    - a_sd * m.w[g, t + 1])
        if j == 1:
            if t == T or len(back_all) <= max(un.ut - 1, 0):
                return pyo.Constraint.Skip
            return m.pav[g, t] <= span * m.u[g, t] - sum(a * m.v[g, t - i] for i, a in enumerate(back_all))
        # j == 2: look forward to stops (L >= 1 terms beyond the one in j = 0)
        if not tight:
            return pyo.Constraint.Skip
        fwd = ramp_terms(un.pmax, un.sd, un.rd, min(un.ut - 2, T - t - 1))
        if len(fwd) < 2:
            return pyo.Constraint.Skip
        k_max = un.ut - 2 - (len(fwd) - 1)
        back = ramp_terms(un.pmax, un.su, un.ru, min(k_max, t - 1)) if k_max >= 0 else []
        return (m.pa[g, t] <= span * m.u[g, t] - sum(b * m.w[g, t + 1 + i] for i, b in enumerate(fwd))
                - sum(a * m.v[g, t - i] for i, a in enumerate(back)))

    m.c_avail = pyo.Constraint(m.G, m.T, rule=lambda m, g, t: m.pa[g, t] <= m.pav[g, t])
    m.c_gen_limit = pyo.Constraint(lim_idx, rule=gen_limit)

    # ramping: up on max available (so reserve is ramp-limited), down on output (MLR eq. 12-13 /
    # Damci-Kurt et al. 2016 eq. 3, 18). Into period 1 the same rows run from the pinned initial state
    # (u0, pa0); the ramp-down row there is always kept, as it also carries the shut-down capacity
    # limit on the initial output (a unit above SD cannot stop in period 1).
    def pa_prev(g: str, t: int):
        return m.pa[g, t - 1] if t > 1 else m.pa0[g]

    def ramp_up(m, g, t):
        un = U[g]
        if un.ru >= un.pmax - un.pmin:
            return pyo.Constraint.Skip
        return m.pav[g, t] - pa_prev(g, t) <= un.ru * m.u[g, t] + (un.su - un.pmin - un.ru) * m.v[g, t]

    def ramp_down(m, g, t):
        un = U[g]
        if t > 1 and un.rd >= un.pmax - un.pmin:
            return pyo.Constraint.Skip
        return pa_prev(g, t) - m.pa[g, t] <= un.rd * u_prev(g, t) + (un.sd - un.pmin - un.rd) * m.w[g, t]

    m.c_ramp_up = pyo.Constraint(m.G, m.T, rule=ramp_up)
    m.c_ramp_down = pyo.Constraint(m.G, m.T, rule=ramp_down)

    # piecewise production cost: segments fill the output above p_min, each only while on
    m.c_seg_sum = pyo.Constraint(
        m.G, m.T,
        rule=lambda m, g, t: m.pa[g, t] == sum(m.seg[g, k, t] for k in range(len(U[g].widths)))
        if U[g].widths else m.pa[g, t] == 0)
    # Tightened (Knueven, Ostrowski & Watson): in a start-up period output is <= SU, in the period
    # before a stop <= SD, so a segment can only fill up to those caps then. Convex costs fill the
    # segments in order, so the optimum is unchanged; the LP relaxation gets tighter.
    def seg_on(m, g, k, t, j):
        un = U[g]
        width = un.widths[k]
        if not tight:
            return m.seg[g, k, t] <= width * m.u[g, t] if j == 0 else pyo.Constraint.Skip
        lo = sum(un.widths[:k])
        cut_su = width - min(width, max(0.0, un.su - un.pmin - lo))
        cut_sd = width - min(width, max(0.0, un.sd - un.pmin - lo))
        stop_next = m.w[g, t + 1] if t < T else 0
        if un.ut >= 2 or (cut_su <= 1e-9 and cut_sd <= 1e-9):
            if j == 1:
                return pyo.Constraint.Skip
            return m.seg[g, k, t] <= width * m.u[g, t] - cut_su * m.v[g, t] - cut_sd * stop_next
        if j == 0:
            return m.seg[g, k, t] <= width * m.u[g, t] - cut_su * m.v[g, t]
        return m.seg[g, k, t] <= width * m.u[g, t] - cut_sd * stop_next

    m.c_seg_on = pyo.Constraint([(g, k, t, j) for (g, k, t) in seg_idx for j in (0, 1)], rule=seg_on)

    # start-up costs by matching each start with the stop before it (Knueven, Ostrowski & Watson,
    # "A novel matching formulation for startup costs in unit commitment", 2017): x[g, tau, t] > 0
    # pairs a stop at tau with a start at t, for first lag <= t - tau < last lag; an unmatched start
    # pays the coldest category. With costs non-decreasing in the lag the cheapest matching is the
    # true one, so x is continuous. The stop before period 1 (a unit off for k periods stopped "at
    # period 1-k") pairs through y[g, t, c]: a first start at t in category c < the coldest, allowed
    # by apply_initial_state only for the c that k + t - 1 periods off falls in.
    pairs = []
    first = []
    for un in units:
        if len(un.lags) <= 1:
            continue
        for tau in TT:
            for t in range(tau + un.lags[0], min(tau + un.lags[-1], T + 1)):
                pairs.append((un.name, tau, t))
        for t in range(1, min(un.lags[-1], T + 1)):
            for c in range(len(un.lags) - 1):
                first.append((un.name, t, c))
    m.MATCH = pyo.Set(initialize=pairs, dimen=3, ordered=True)
    m.x = pyo.Var(m.MATCH, bounds=(0, 1))
    m.FIRST = pyo.Set(initialize=first, dimen=3, ordered=True)
    m.y = pyo.Var(m.FIRST, bounds=(0, 0))
    by_start: dict[tuple[str, int], list[int]] = {}
    by_stop: dict[tuple[str, int], list[int]] = {}
    first_at: dict[tuple[str, int], list[int]] = {}
    first_of: dict[str, list[tuple[int, int]]] = {}
    for g, tau, t in pairs:
        by_start.setdefault((g, t), []).append(tau)
        by_stop.setdefault((g, tau), []).append(t)
    for g, t, c in first:
        by_start.setdefault((g, t), [])
        first_at.setdefault((g, t), []).append(c)
        first_of.setdefault(g, []).append((t, c))
    m.c_match_start = pyo.Constraint(
        list(by_start), rule=lambda m, g, t: sum(m.x[g, tau, t] for tau in by_start[g, t])
        + sum(m.y[g, t, c] for c in first_at.get((g, t), ())) <= m.v[g, t])
    m.c_match_stop = pyo.Constraint(
        list(by_stop), rule=lambda m, g, tau: sum(m.x[g, tau, t] for t in by_stop[g, tau]) <= m.w[g, tau])
    m.c_match_initial_stop = pyo.Constraint(
        list(first_of), rule=lambda m, g: sum(m.y[g, t, c] for t, c in first_of[g]) <= 1)

    def category_cost(un: UnitData, off: int) -> float:
        """Cost of a start after ``off`` periods off: the category with the largest lag <= off."""
        cost = un.su_costs[0]
        for lag, c in zip(un.lags, un.su_costs):
            if lag <= off:
                cost = c
        return cost

    def startup_cost(g: str, t: int):
        un = U[g]
        if not un.lags:
            return 0
        cold = un.su_costs[-1]
        expr = cold * m.v[g, t]
        if len(un.lags) > 1:
            expr += sum((category_cost(un, t - tau) - cold) * m.x[g, tau, t] for tau in by_start.get((g, t), ()))
            expr += sum((un.su_costs[c] - cold) * m.y[g, t, c] for c in first_at.get((g, t), ()))
        return expr

    # --- renewables: used output within [p_min, p_max] (bounds set by apply_timeseries)
    R = problem.renewable_names
    m.R = pyo.Set(initialize=R, ordered=True)
    m.ren = pyo.Var(m.R, m.T, domain=pyo.NonNegativeReals)

    # --- storage (pumped hydro)
    S = problem.storage_names
    st = {str(r.name): r for r in problem.storage.itertuples(index=False)}
    m.S = pyo.Set(initialize=S, ordered=True)
    m.st_ch = pyo.Var(m.S, m.T, bounds=lambda m, s, t: (0, float(st[s].p_charge_max_mw)))
    m.st_dis = pyo.Var(m.S, m.T, bounds=lambda m, s, t: (0, float(st[s].p_discharge_max_mw)))
    m.st_e = pyo.Var(m.S, m.T, bounds=lambda m, s, t: (float(st[s].energy_min_mwh), float(st[s].energy_max_mwh)))

    m.st_e0 = pyo.Var(m.S, bounds=(0, 0))   # initial / final energy, pinned (apply_initial_state)
    m.st_ef = pyo.Var(m.S, bounds=(0, 0))

    def st_balance(m, s, t):
        r = st[s]
        prev = m.st_e[s, t - 1] if t > 1 else m.st_e0[s]
        return m.st_e[s, t] == prev + float(r.eff_charge) * dt * m.st_ch[s, t] - dt / float(r.eff_discharge) * m.st_dis[s, t]

    m.c_st_balance = pyo.Constraint(m.S, m.T, rule=st_balance)
    # end-of-horizon target; a penalised slack keeps a target the pumps cannot reach from being infeasible
    m.st_final_short = pyo.Var(m.S, domain=pyo.NonNegativeReals)
    m.c_st_final = pyo.Constraint(
        m.S, rule=lambda m, s: m.st_e[s, T] + m.st_final_short[s] >= m.st_ef[s])

    # upward reserve from storage (reserve_max_mw > 0): within the plant's headroom (more turbine
    # output or less pumping) and backed by the stored energy for reserve_duration_h
    S_res = [s for s in S if float(st[s].reserve_max_mw) > 0]
    m.S_res = pyo.Set(initialize=S_res, ordered=True)
    m.st_res = pyo.Var(m.S_res, m.T, bounds=lambda m, s, t: (0, float(st[s].reserve_max_mw)))
    m.c_st_res_power = pyo.Constraint(
        m.S_res, m.T, rule=lambda m, s, t: m.st_res[s, t] + m.st_dis[s, t] - m.st_ch[s, t]
        <= float(st[s].p_discharge_max_mw))
    m.c_st_res_energy = pyo.Constraint(
        m.S_res, m.T, rule=lambda m, s, t: float(st[s].reserve_duration_h) / float(st[s].eff_discharge) * m.st_res[s, t]
        <= m.st_e[s, t] - float(st[s].energy_min_mwh))

    # --- EV clusters: aggregated batteries with per-period power and energy bounds and drive use
    K = problem.cluster_names
    kp = {str(r.cluster): r for r in problem.ev_cluster_params.itertuples(index=False)}
    m.K = pyo.Set(initialize=K, ordered=True)
    m.ev_ch = pyo.Var(m.K, m.T, domain=pyo.NonNegativeReals)
    m.ev_dis = pyo.Var(m.K, m.T, domain=pyo.NonNegativeReals)
    m.ev_e = pyo.Var(m.K, m.T, domain=pyo.NonNegativeReals)
    m.ev_short = pyo.Var(m.K, m.T, domain=pyo.NonNegativeReals)   # energy the grid failed to supply (MWh)
    m.ev_excess = pyo.Var(m.K, m.T, domain=pyo.NonNegativeReals)  # energy above the window's maximum (MWh)
    m.ev_drive = pyo.Var(m.K, m.T, bounds=(0, 0))   # data, pinned by bounds
    m.ev_e0 = pyo.Var(m.K, bounds=(0, 0))           # initial energy, pinned (apply_initial_state)

    def ev_balance(m, k, t):
        r = kp[k]
        prev = m.ev_e[k, t - 1] if t > 1 else m.ev_e0[k]
        return m.ev_e[k, t] == (prev + float(r.eff_charge) * dt * m.ev_ch[k, t]
                                - dt / float(r.eff_discharge) * m.ev_dis[k, t] - m.ev_drive[k, t] + m.ev_short[k, t] - m.ev_excess[k, t])

    m.c_ev_balance = pyo.Constraint(m.K, m.T, rule=ev_balance)

    # upward reserve from EV clusters (provides_reserve = 1): charging less (up to the charge itself)
    # and, with discharge power, discharging more, that part backed by energy above the cluster's
    # minimum for reserve_duration_h. The per-period limits enter as pinned variables so a loaded
    # day's bounds update them.
    K_res = [k for k in K if int(kp[k].provides_reserve) == 1]
    m.K_res = pyo.Set(initialize=K_res, ordered=True)
    m.ev_res_ch = pyo.Var(m.K_res, m.T, domain=pyo.NonNegativeReals)
    m.ev_res_dis = pyo.Var(m.K_res, m.T, domain=pyo.NonNegativeReals)
    m.ev_dis_cap = pyo.Var(m.K_res, m.T, bounds=(0, 0))   # data: p_discharge_max_mw, pinned by bounds
    m.ev_e_floor = pyo.Var(m.K_res, m.T, bounds=(0, 0))   # data: energy_min_mwh, pinned by bounds
    m.c_ev_res_ch = pyo.Constraint(m.K_res, m.T, rule=lambda m, k, t: m.ev_res_ch[k, t] <= m.ev_ch[k, t])
    m.c_ev_res_dis = pyo.Constraint(
        m.K_res, m.T, rule=lambda m, k, t: m.ev_res_dis[k, t] + m.ev_dis[k, t] <= m.ev_dis_cap[k, t])
    m.c_ev_res_energy = pyo.Constraint(
        m.K_res, m.T, rule=lambda m, k, t: float(kp[k].reserve_duration_h) / float(kp[k].eff_discharge)
        * m.ev_res_dis[k, t] <= m.ev_e[k, t] - m.ev_e_floor[k, t])

    # --- system slacks and balances
    m.unserved = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    m.overgen = pyo.Var(m.T, domain=pyo.NonNegativeReals)
    m.res_short = pyo.Var(m.T, domain=pyo.NonNegativeReals)

    def balance(m, t):
        return (sum(U[g].pmin * m.u[g, t] + m.pa[g, t] for g in G)
                + sum(m.ren[r, t] for r in R)
                + sum(m.st_dis[s, t] - m.st_ch[s, t] for s in S)
                + sum(m.ev_dis[k, t] - m.ev_ch[k, t] for k in K)
                + m.unserved[t] - m.overgen[t] == m.demand[t])

    m.c_balance = pyo.Constraint(m.T, rule=balance)
    m.c_reserve = pyo.Constraint(
        m.T, rule=lambda m, t: sum(m.pav[g, t] - m.pa[g, t] for g in G) + sum(m.st_res[s, t] for s in S_res)
        + sum(m.ev_res_ch[k, t] + m.ev_res_dis[k, t] for k in K_res) + m.res_short[t] >= m.reserve_req[t])
    m.c_res_short_cap = pyo.Constraint(m.T, rule=lambda m, t: m.res_short[t] <= m.reserve_req[t])

    # --- objective, split into named parts (all in currency units over the horizon)
    cp = problem.carbon_price_per_t
    m.cost_no_load = pyo.Expression(expr=dt * sum(U[g].cost_min * m.u[g, t] for g in G for t in TT))
    m.cost_incremental = pyo.Expression(
        expr=dt * sum(U[g].slopes[k] * m.seg[g, k, t] for (g, k, t) in seg_idx))
    m.cost_startup = pyo.Expression(expr=sum(startup_cost(g, t) for g in G for t in TT))
    m.co2 = pyo.Expression(expr=dt * sum(U[g].co2 * (U[g].pmin * m.u[g, t] + m.pa[g, t])
                                         for g in G if U[g].co2 > 0 for t in TT))
    m.cost_carbon = pyo.Expression(expr=cp * m.co2)
    pu = problem.unserved_penalty_per_mwh
    m.cost_unserved = pyo.Expression(expr=pu * dt * sum(m.unserved[t] for t in TT))
    m.cost_overgen = pyo.Expression(expr=pu * dt * sum(m.overgen[t] for t in TT))
    m.cost_reserve = pyo.Expression(expr=problem.reserve_shortfall_penalty_per_mwh * dt * sum(m.res_short[t] for t in TT))
    m.cost_ev_short = pyo.Expression(expr=pu * sum(m.ev_short[k, t] + m.ev_excess[k, t] for k in K for t in TT))
    m.cost_storage_final = pyo.Expression(expr=problem.storage_final_penalty * sum(m.st_final_short[s] for s in S))
    m.cost_ev_wear = pyo.Expression(expr=dt * sum(float(kp[k].discharge_cost_per_mwh) * m.ev_dis[k, t]
                                                  for k in K if float(kp[k].discharge_cost_per_mwh) > 0 for t in TT))
    # a credit, not a cost: what the energy left in the clusters at the horizon's end is worth later
    m.value_ev_final = pyo.Expression(expr=sum(float(kp[k].energy_final_value_per_mwh) * m.ev_e[k, T]
                                               for k in K if float(kp[k].energy_final_value_per_mwh) > 0))
    m.obj = pyo.Objective(expr=m.cost_no_load + m.cost_incremental + m.cost_startup + m.cost_carbon
                          + m.cost_unserved + m.cost_overgen + m.cost_reserve + m.cost_ev_short
                          + m.cost_storage_final + m.cost_ev_wear - m.value_ev_final)
    apply_initial_state(m, problem, units)
    apply_timeseries(m, problem)
    return m


def apply_initial_state(m: pyo.ConcreteModel, problem: DispatchProblem, units: list[UnitData]) -> None:
    """Pin the state before period 1 into a built model (in place): units' status and output, the
    periods their minimum up / down times still fix, which start-up category a first start falls in,
    and the storage plants' and EV clusters' starting (and storage final) energy."""
    T = problem.periods
    for un in units:
        g = un.name
        for t in range(1, T + 1):
            m.u[g, t].setlb(1 if un.must_run or t <= un.init_on else 0)
            m.u[g, t].setub(0 if t <= un.init_off else 1)
        on = 1 if un.on0 else 0
        m.u0[g].setlb(on)
        m.u0[g].setub(on)
        pa0 = max(un.p0 - un.pmin, 0.0) if un.on0 else 0.0
        m.pa0[g].setlb(pa0)
        m.pa0[g].setub(pa0)
    by_name = {un.name: un for un in units}
    for (g, t, c) in m.y:
        un = by_name[g]
        off = t - 1 - un.s0                      # periods off when starting in t (s0 < 0: off before)
        allowed = (not un.on0 and un.lags[0] <= off < un.lags[-1]
                   and max(i for i, lag in enumerate(un.lags) if lag <= off) == c)
        m.y[g, t, c].setub(1 if allowed else 0)
    for r in problem.storage.itertuples(index=False):
        s = str(r.name)
        for var, val in ((m.st_e0[s], float(r.energy_initial_mwh)), (m.st_ef[s], float(r.energy_final_mwh))):
            var.setlb(val)
            var.setub(val)
    for r in problem.ev_cluster_params.itertuples(index=False):
        k = str(r.cluster)
        m.ev_e0[k].setlb(float(r.energy_initial_mwh))
        m.ev_e0[k].setub(float(r.energy_initial_mwh))


# variables whose bounds apply_timeseries, apply_initial_state and a fixed commitment change; every
# other variable's bounds are set once, by the build
MUTABLE_VARS = ("demand", "reserve_req", "ren", "ev_ch", "ev_dis", "ev_e", "ev_drive", "ev_dis_cap",
                "ev_e_floor", "ev_e0", "u", "v", "w", "u0", "pa0", "y", "st_e0", "st_ef")


def mutable_vars(m: pyo.ConcreteModel) -> list:
    """The model's variable components listed in MUTABLE_VARS."""
    return [getattr(m, name) for name in MUTABLE_VARS]


def apply_timeseries(m: pyo.ConcreteModel, problem: DispatchProblem) -> None:
    """Load demand, reserve, renewable and EV time series into a built model (in place)."""
    d = problem.demand
    for t, dem, res in zip(d["period"], d["demand_mw"], d["reserve_mw"]):
        m.demand[int(t)].setlb(float(dem))
        m.demand[int(t)].setub(float(dem))
        m.reserve_req[int(t)].setlb(float(res))
        m.reserve_req[int(t)].setub(float(res))
    r = problem.renewables
    for name, t, lo, hi in zip(r["name"], r["period"], r["p_min_mw"], r["p_max_mw"]):
        var = m.ren[str(name), int(t)]
        var.setlb(float(lo))
        var.setub(float(hi))
    e = problem.ev_clusters
    res = set(m.K_res)
    for row in zip(e["cluster"], e["period"], e["p_charge_max_mw"], e["p_discharge_max_mw"],
                   e["energy_min_mwh"], e["energy_max_mwh"], e["energy_drive_mwh"],
                   e["p_charge_min_mw"], e["p_discharge_min_mw"]):
        k, t = str(row[0]), int(row[1])
        m.ev_ch[k, t].setlb(float(row[7]))
        m.ev_ch[k, t].setub(float(row[2]))
        m.ev_dis[k, t].setlb(float(row[8]))
        m.ev_dis[k, t].setub(float(row[3]))
        m.ev_e[k, t].setlb(float(row[4]))
        m.ev_e[k, t].setub(float(row[5]))
        m.ev_drive[k, t].setlb(float(row[6]))
        m.ev_drive[k, t].setub(float(row[6]))
        if k in res:
            m.ev_dis_cap[k, t].setlb(float(row[3]))
            m.ev_dis_cap[k, t].setub(float(row[3]))
            m.ev_e_floor[k, t].setlb(float(row[4]))
            m.ev_e_floor[k, t].setub(float(row[4]))
