"""Published optima: EGRET's unit-commitment test instances (single bus, 24 h, ramp-limited reserve).

The reference objectives are those EGRET's own test suite asserts for its tight formulation solved
to a zero MIP gap (grid-parity-exchange/Egret, egret/models/tests/test_unit_commitment.py,
``test_int_objvals``). The instance files stay in ../shared (third-party data, not in this repo).
"""

from __future__ import annotations

import pytest

from agents.grid.dispatch import solve
from agents.grid.dispatch.egret_json import load_uc_json
from tests.agents.grid.dispatch.dispatch_testkit import EGRET_DIR, RTS_DIR, check_balance

EGRET_OBJECTIVES = {1: 4201915.017320504, 2: 5454367.7670904165, 3: 5999272.361123627,
                    4: 5461120.3231092375, 5: 6062406.32677043}

needs_egret = pytest.mark.skipif(not EGRET_DIR.is_dir(), reason="../shared/validation/uc/egret not present")


def _case(i: int):
    return load_uc_json(EGRET_DIR / f"test_case_{i}.json")


@needs_egret
def test_converter_reads_quadratic_costs_as_two_equal_segments():
    p = _case(1)
    pts = p.thermal_cost[p.thermal_cost["name"] == "GEN1_0_t"]
    assert pts["p_mw"].tolist() == pytest.approx([150, 302.5, 455])
    assert pts["cost_per_h"].iloc[0] == pytest.approx(100 + 16.19 * 150 + 0.00048 * 150 ** 2)
    assert p.periods == 24 and len(p.thermal) == 28


@needs_egret
@pytest.mark.parametrize("case", [1, pytest.param(2, marks=pytest.mark.slow), pytest.param(3, marks=pytest.mark.slow),
                                  pytest.param(4, marks=pytest.mark.slow), pytest.param(5, marks=pytest.mark.slow)])
def test_optimum_matches_egret_published_objective(case):
    p = _case(case)
    r = solve(p, gap=0, time_limit_s=600)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(EGRET_OBJECTIVES[case], rel=1e-8)
    assert r.unserved_mwh == pytest.approx(0, abs=1e-6)
    check_balance(r, p)


@pytest.mark.slow
@pytest.mark.skipif(not RTS_DIR.is_dir(), reason="../shared/validation/uc/pglib_uc_rts_gmlc not present")
def test_pglib_rts_gmlc_day_solves_within_one_percent():
    p = load_uc_json(RTS_DIR / "2020-07-06.json")
    assert len(p.thermal) == 73 and p.periods == 48
    r = solve(p, gap=0.01, time_limit_s=300)
    assert r.mip_gap <= 0.01 + 1e-9
    check_balance(r, p)


@pytest.mark.skipif(not RTS_DIR.is_dir(), reason="../shared/validation/uc/pglib_uc_rts_gmlc not present")
def test_pglib_converter_maps_initial_state_and_costs():
    p = load_uc_json(RTS_DIR / "2020-07-06.json")
    th = p.thermal.set_index("name")
    off = th.loc["215_CT_5"]          # pglib: unit_on_t0 = 0, time_down_t0 = 168
    assert off["initial_status_h"] == -168 and off["initial_p_mw"] == 0
    pts = p.thermal_cost[p.thermal_cost["name"] == "215_CT_5"]
    assert pts["p_mw"].tolist() == [22.0, 33.0, 44.0, 55.0]
    assert len(p.renewable_names) == 81
