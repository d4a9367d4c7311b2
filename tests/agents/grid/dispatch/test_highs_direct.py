"""The HiGHS instance behind a dispatch session: its default options and per-session overrides."""

from __future__ import annotations

import pytest
from pytest import approx

from agents.grid.dispatch import DispatchSession
from agents.grid.dispatch.highs_direct import DEFAULT_OPTIONS, DirectHighs
from tests.agents.grid.dispatch.dispatch_testkit import problem, unit


def _option(h: DirectHighs, name: str):
    return h.h.getOptionValue(name)[1]


def _two_unit_day():
    # cheap A (no-load 100) and dear B (no-load 500, min up 2); demand 120 / 150 / 60
    return problem([unit("A", 20, 100, marginal=10, no_load=100, status=5, p0=50),
                    unit("B", 20, 100, marginal=30, no_load=500, min_up=2)], demand=[120, 150, 60],
                   startups=[("B", 0, 1000)])


def test_every_instance_starts_from_the_default_options():
    h = DirectHighs()
    for name, value in DEFAULT_OPTIONS.items():
        assert _option(h, name) == value
    assert _option(h, "mip_heuristic_run_root_reduced_cost") is False


def test_session_options_override_the_defaults():
    s = DispatchSession(_two_unit_day(), highs_options={"mip_heuristic_run_root_reduced_cost": True,
                                                         "mip_heuristic_effort": 0.2})
    assert _option(s.direct, "mip_heuristic_run_root_reduced_cost") is True
    assert _option(s.direct, "mip_heuristic_effort") == approx(0.2)


def test_an_unknown_option_is_refused_by_name():
    with pytest.raises(ValueError, match="no_such_option"):
        DirectHighs(options={"no_such_option": 1})


def test_the_heuristic_setting_does_not_change_a_proven_optimum():
    # cost above p_min: A 10/MWh, B 30/MWh. A runs 100 / 100 / 60: 900 + 900 + 500 = 2300. Period 1
    # needs B (120 > 100; shedding costs far more), min up 2 keeps it for period 2: B at 20 and 50 MW,
    # 500 + 500 + 30 x 30 + start 1000 = 2900 -> 5200
    on = DispatchSession(_two_unit_day(), gap=0, highs_options={"mip_heuristic_run_root_reduced_cost": True})
    off = DispatchSession(_two_unit_day(), gap=0)
    assert on.solve().objective == approx(5200) and off.solve().objective == approx(5200)
