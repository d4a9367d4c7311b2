"""Intraday stage: re-dispatch on actual data with the day-ahead commitment fixed."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from agents.grid.dispatch import DispatchSession, solve
from tests.agents.grid.dispatch.dispatch_testkit import check_balance, problem, unit
from simcore.errors import InputError


def _units():
    return [unit("A", 0, 100, marginal=10, status=10, p0=100),
            unit("B", 20, 100, marginal=20, no_load=200, status=-10)]


def _with_demand(p, demand):
    q = copy.deepcopy(p)
    q.demand["demand_mw"] = demand
    return q.validate()


def test_fixed_commitment_cannot_start_a_unit_for_an_unforeseen_peak():
    forecast = problem(_units(), demand=[100, 100])
    da = solve(forecast, gap=0)
    assert da.commitment["B"].tolist() == [0, 0]
    actual = _with_demand(forecast, [100, 130])
    intraday = solve(actual, gap=0, fixed_commitment=da.commitment)
    assert intraday.commitment.equals(da.commitment)
    assert intraday.system["unserved_mw"].tolist() == pytest.approx([0, 30])
    free = solve(actual, gap=0)
    assert free.commitment.loc[2, "B"] == 1 and free.unserved_mwh == pytest.approx(0)


def test_session_redispatch_matches_a_fresh_fixed_solve():
    rng = np.random.default_rng(7)
    T = 8
    units = [unit(f"G{i}", 20, 150, marginal=10 + 5 * i, no_load=100 * i, ramp=60, min_up=3, min_down=2,
                  status=4 if i < 2 else -4, p0=80 if i < 2 else 0) for i in range(6)]
    demand = list(rng.uniform(200, 500, T))
    ren = [{"name": "pv", "period": t + 1, "p_max_mw": float(rng.uniform(0, 100)), "p_min_mw": 0} for t in range(T)]
    forecast = problem(units, demand=demand, reserve=[30] * T, renewables=ren)
    session = DispatchSession(forecast, gap=0)
    da = session.solve()
    actual = copy.deepcopy(forecast)
    actual.demand["demand_mw"] = np.array(demand) * rng.uniform(0.9, 1.1, T)
    actual.renewables["p_max_mw"] = actual.renewables["p_max_mw"] * 0.5
    actual.validate()
    intraday = session.redispatch(actual, da.commitment)
    fresh = solve(actual, gap=0, fixed_commitment=da.commitment)
    assert intraday.commitment.equals(da.commitment)
    assert intraday.objective == pytest.approx(fresh.objective, rel=1e-9)
    check_balance(intraday, actual)
    # the session can go back to a free MILP on the same model
    session.unfix_commitment()
    free = session.solve()
    assert free.objective <= intraday.objective + 1e-6
    assert free.objective == pytest.approx(solve(actual, gap=0).objective, rel=1e-6)


def test_redispatch_rejects_a_problem_with_other_units():
    p = problem(_units(), demand=[100, 100])
    session = DispatchSession(p, gap=0)
    da = session.solve()
    other = problem([unit("A", 0, 100, marginal=10, status=10, p0=100)], demand=[100, 100])
    with pytest.raises(InputError, match="thermal units"):
        session.redispatch(other, da.commitment)


def test_fixed_commitment_must_cover_every_unit():
    p = problem(_units(), demand=[100, 100])
    da = solve(p, gap=0)
    with pytest.raises(InputError, match="unit 'B'"):
        solve(p, fixed_commitment=da.commitment.drop(columns="B"))


def test_fixed_commitment_breaking_min_up_time_is_an_input_error():
    p = problem([unit("A", 0, 100, marginal=10, min_up=3, status=-5)], demand=[50, 50, 50])
    bad = pd.DataFrame({"A": [1, 0, 0]}, index=pd.RangeIndex(1, 4, name="period"))
    with pytest.raises(InputError, match="minimum up/down"):
        solve(p, fixed_commitment=bad)


@pytest.mark.parametrize("fixed_as_params", [False, True])
def test_appsi_backend_gives_the_same_day_ahead_and_intraday_optimum(fixed_as_params):
    rng = np.random.default_rng(11)
    T = 6
    units = [unit(f"G{i}", 10, 120, marginal=15 + 7 * i, no_load=80 * i, ramp=50, min_up=2, min_down=2,
                  status=3 if i == 0 else -3, p0=60 if i == 0 else 0) for i in range(4)]
    forecast = problem(units, demand=list(rng.uniform(100, 300, T)), reserve=[20] * T)
    actual = _with_demand(forecast, list(forecast.demand["demand_mw"] * 1.05))
    results = {}
    for backend in ("highs", "appsi"):
        kw = {"fixed_as_params": fixed_as_params} if backend == "appsi" else {}
        s = DispatchSession(forecast, gap=0, backend=backend, **kw)
        da = s.solve()
        results[backend] = (da.objective, s.redispatch(actual, da.commitment).objective)
    assert results["appsi"] == pytest.approx(results["highs"], rel=1e-9)


def test_session_costs_equal_the_model_expressions_after_each_solve():
    import pyomo.environ as pyo

    from agents.grid.dispatch.solve import COST_EXPRESSIONS

    units = [unit("A", 0, 100, marginal=10, status=10, p0=100, co2=0.8),
             unit("B", 20, 100, marginal=20, no_load=200, status=-10, co2=0.4)]
    forecast = problem(units, demand=[100, 150], carbon_price_per_t=5)
    session = DispatchSession(forecast, gap=0)
    plan = session.solve()
    for stage in ("day_ahead", "intraday"):
        result = plan if stage == "day_ahead" else session.redispatch(_with_demand(forecast, [90, 170]),
                                                                       plan.commitment)
        direct = {n: pyo.value(getattr(session.model, n)) for n in COST_EXPRESSIONS}
        assert result.co2_t == pytest.approx(direct["co2"])
        assert result.costs["startup"] == pytest.approx(direct["cost_startup"])
        assert result.costs["fuel"] == pytest.approx(direct["cost_no_load"] + direct["cost_incremental"])
        assert result.objective == pytest.approx(sum(v for n, v in direct.items() if n != "co2"))


def _quick_b():
    # as _units, but B's no-load (300 at p_min 20) is dearer than A per MWh: no ties
    a = unit("A", 0, 100, marginal=10, status=10, p0=100)
    b = unit("B", 20, 100, marginal=20, no_load=300, status=-10)
    a[0]["quick_start"], b[0]["quick_start"] = 0, 1
    return [a, b]


def test_recourse_starts_a_quick_start_unit_for_an_unforeseen_peak():
    # B (p_min 20, no-load 300, 20/MWh) was not planned; the 30 MW peak in period 2 would go unserved
    forecast = problem(_quick_b(), demand=[100, 100])
    session = DispatchSession(forecast, gap=0)
    da = session.solve()
    assert da.commitment["B"].tolist() == [0, 0]
    actual = _with_demand(forecast, [100, 130])
    r = session.redispatch(actual, da.commitment, recourse=True)
    assert r.commitment["B"].tolist() == [0, 1]
    assert r.unserved_mwh == pytest.approx(0)
    # period 2: A 100 (1000) + B 30 (no-load 300 at p_min 20, 10 MW above it at 20/MWh)
    assert r.objective == pytest.approx(1000 + 1000 + 300 + 10 * 20, rel=1e-9)
    assert r.extra["recourse_unit_hours"] == 1
    check_balance(r, actual)


def test_recourse_leaves_a_unit_that_is_not_quick_start_off():
    forecast = problem(_units(), demand=[100, 100])
    session = DispatchSession(forecast, gap=0)
    da = session.solve()
    r = session.redispatch(_with_demand(forecast, [100, 130]), da.commitment, recourse=True)
    assert r.commitment["B"].tolist() == [0, 0]
    assert r.unserved_mwh == pytest.approx(30)
    assert r.extra["recourse_unit_hours"] == 0


def test_recourse_never_stops_a_planned_unit():
    # B planned on in both periods; actual demand falls to A's range, yet B stays on (u >= plan)
    forecast = problem(_quick_b(), demand=[150, 150])
    session = DispatchSession(forecast, gap=0)
    da = session.solve()
    assert da.commitment["B"].tolist() == [1, 1]
    r = session.redispatch(_with_demand(forecast, [150, 200]), da.commitment, recourse=True)
    assert r.commitment["B"].tolist() == [1, 1]
    assert r.extra["recourse_unit_hours"] == 0
    assert r.unserved_mwh == pytest.approx(0)
    # period 2 short, so the recourse MILP runs; stopping B in period 1 would save its no-load, but it may not
    short = session.redispatch(_with_demand(forecast, [90, 300]), da.commitment, recourse=True)
    assert short.commitment["B"].tolist() == [1, 1]
    assert short.unserved_mwh == pytest.approx(100)


def test_recourse_is_not_used_when_the_fixed_commitment_serves_the_load():
    forecast = problem(_quick_b(), demand=[100, 100])
    session = DispatchSession(forecast, gap=0)
    da = session.solve()
    r = session.redispatch(_with_demand(forecast, [90, 95]), da.commitment, recourse=True)
    assert r.commitment.equals(da.commitment)
    assert r.extra["recourse_unit_hours"] == 0
