"""Our UC optimum equals PyPSA's on the same small instance (bench/pypsa_uc.py converts it).

Skipped unless PyPSA is importable: it is not a project dependency (see bench/pypsa_uc.py for the
separate venv). The instance exercises what the converter maps: ramps with start-up / shut-down
limits, a unit that ran above its shut-down limit before period 1, minimum up/down times with an
initial status, a must-run unit, a unit with minimum up time 1, start-up costs, carbon price,
curtailable and must-take renewables, pumped storage with an end target, and ramp-limited reserve.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pypsa")

from agents.grid.dispatch import solve  # noqa: E402
from bench.pypsa_uc import comparison_problem, solve_pypsa  # noqa: E402
from tests.agents.grid.dispatch.dispatch_testkit import problem, unit  # noqa: E402

DEMAND = [450.0, 420.0, 500.0, 620.0, 700.0, 650.0, 520.0, 480.0]
PV = [0.0, 0.0, 80.0, 200.0, 250.0, 150.0, 30.0, 0.0]


def _small():
    """8 periods, 4 thermal units, PV, a must-take block, one storage unit; reserve 30 % of demand (binds)."""
    units = [
        unit("coal", 100, 400, [(100, 3000), (250, 6500), (400, 10500)], ramp=120, su=150, sd=150,
             min_up=3, min_down=3, status=5, p0=300, co2=0.9),
        unit("ccgt", 50, 250, marginal=35, no_load=2500, ramp=100, su=80, sd=80, min_up=2, min_down=2,
             status=-3, co2=0.4),
        unit("peaker", 10, 100, marginal=80, no_load=200, su=60, sd=40, min_up=1, min_down=1, co2=0.6),
        unit("chp", 20, 60, marginal=50, no_load=100, must_run=1, status=5, p0=30, co2=0.5),
    ]
    T = len(DEMAND)
    ren = ([{"name": "pv", "period": t + 1, "p_max_mw": PV[t], "p_min_mw": 0.0} for t in range(T)]
           + [{"name": "must_take", "period": t + 1, "p_max_mw": 50.0, "p_min_mw": 50.0} for t in range(T)])
    storage = [{"name": "pumped", "p_charge_max_mw": 80, "p_discharge_max_mw": 70, "energy_max_mwh": 300,
                "energy_min_mwh": 20, "eff_charge": 0.9, "eff_discharge": 0.9, "energy_initial_mwh": 150,
                "energy_final_mwh": 150}]
    starts = [("coal", 3, 5000), ("coal", 6, 8000), ("coal", 12, 12000), ("ccgt", 2, 2000), ("ccgt", 8, 3000),
              ("peaker", 1, 300)]
    return problem(units, DEMAND, [0.3 * d for d in DEMAND], startups=starts, renewables=ren, storage=storage,
                   carbon_price_per_t=20.0, unserved_penalty_per_mwh=5000.0,
                   reserve_shortfall_penalty_per_mwh=500.0)


def test_comparison_problem_keeps_cost_end_points_and_one_start_category():
    p = _small()
    q = comparison_problem(p)
    coal = q.thermal_cost[q.thermal_cost["name"] == "coal"]
    assert coal["p_mw"].tolist() == [100, 400] and coal["cost_per_h"].tolist() == [3000, 10500]
    assert q.thermal_startup.groupby("name").size().max() == 1
    # after 24 h off the coldest coal category (lag 12) is in force; lag stays the first one
    row = q.thermal_startup.set_index("name").loc["coal"]
    assert (row["lag_h"], row["cost"]) == (3, 12000)
    assert comparison_problem(p, reserve=False).demand["reserve_mw"].eq(0).all()


@pytest.mark.parametrize("reserve", [True, False])
def test_optimum_matches_pypsa(reserve):
    q = comparison_problem(_small(), reserve=reserve)
    ours = solve(q, gap=0.0)
    theirs = solve_pypsa(q, gap=0.0, io_api="direct")
    assert theirs.condition == "optimal"
    assert theirs.objective == pytest.approx(ours.objective, rel=1e-7)


def test_reserve_rows_bind_on_the_small_instance():
    """The reserve case must cost more than the one without, or the comparison would not test it."""
    with_r = solve_pypsa(comparison_problem(_small()), gap=0.0).objective
    without = solve_pypsa(comparison_problem(_small(), reserve=False), gap=0.0).objective
    assert with_r > without + 1.0
