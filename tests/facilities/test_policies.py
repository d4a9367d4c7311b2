"""Routing policies on hand-made packs."""

from pathlib import Path

import numpy as np
import pytest

from facilities.policies import get_policy, policy_names
from facilities.policies.base import PackFacts, RoutingContext, ThresholdParams
from facilities.routes import Route
from pydantic import ValidationError

R, F, S, C = int(Route.REUSE), int(Route.REFABRICATE), int(Route.RESELL), int(Route.RECYCLE)


def facts(est, sigma=0.0):
    est = np.asarray(est, dtype=float)
    return PackFacts(est, np.full(est.size, sigma), np.full(est.size, 40.0), np.zeros(est.size, np.int8),
                     np.full(est.size, 180.0))


def make(name, **params):
    cls = get_policy(name)
    return cls(cls.Params.model_validate(params))


def test_the_shipped_policies_are_registered():
    assert {"threshold", "risk_aware", "value_max"} <= set(policy_names())


def test_threshold_routes_by_the_estimate():
    route = make("threshold").decide(facts([0.95, 0.80, 0.75, 0.65, 0.59]), RoutingContext())
    assert route.tolist() == [R, R, F, S, C]


def test_risk_aware_demotes_uncertain_grades():
    p = make("risk_aware", k_sigma=2.0)
    assert p.decide(facts([0.83], sigma=0.0), RoutingContext()).tolist() == [R]
    assert p.decide(facts([0.83], sigma=0.02), RoutingContext()).tolist() == [F]   # 0.83 - 0.04 = 0.79
    assert p.decide(facts([0.83], sigma=0.15), RoutingContext()).tolist() == [C]   # 0.83 - 0.30 = 0.53


def _market(n, reuse_demand=1.0):
    return RoutingContext(revenue_jpy={R: np.full(n, 300_000.0), F: np.full(n, 300_000.0), S: np.full(n, 200_000.0),
                                       C: np.zeros(n)},
                          cost_jpy={F: np.full(n, 100_000.0), S: np.full(n, 50_000.0)},
                          demand_share={R: reuse_demand, F: 1.0, S: 1.0}, warranty_cost_jpy=50_000.0)


def test_value_max_follows_prices_and_demand():
    p = make("value_max")
    # 0.72 clears refabrication's 0.70 with 98 % chance: 0.98 x 300k - 100k beats resale's 200k - 50k
    assert p.decide(facts([0.95, 0.72, 0.40], sigma=0.01), _market(3)).tolist() == [R, F, C]
    # nobody wants reuse packs: the good pack is refabricated (its revenue does not depend on reuse demand)
    assert p.decide(facts([0.95], sigma=0.01), _market(1, reuse_demand=0.0)).tolist() == [F]
    # a coin flip on grade A is not worth the warranty risk when refabrication pays as well
    assert p.decide(facts([0.80], sigma=0.05), _market(1)).tolist() == [F]


def test_thresholds_must_be_in_order():
    with pytest.raises(ValidationError, match="in order"):
        ThresholdParams(reuse_min_soh=0.7, refabricate_min_soh=0.8, resell_min_soh=0.6)


def test_a_user_policy_registers_and_routes(tmp_path):
    """The example of docs/extending.md, taken from the doc itself, registered and used by a plant."""
    import sys

    from tests.facilities.test_chain import chain, run

    doc = (Path(__file__).resolve().parents[2] / "docs" / "extending.md").read_text()
    code = doc.split("# my_policies.py\n", 1)[1].split("```", 1)[0]
    (tmp_path / "my_policies.py").write_text(code)
    sys.path.insert(0, str(tmp_path))
    try:
        import my_policies  # noqa: F401  (registers on import)
    finally:
        sys.path.remove(str(tmp_path))
    assert "no_lmo_reuse" in policy_names()
    policy = make("no_lmo_reuse", reuse_min_soh=0.82)
    packs = PackFacts(np.array([0.9, 0.9]), np.zeros(2), np.full(2, 24.0), np.array([4, 0], np.int8), np.full(2, 90.0))
    assert policy.decide(packs, RoutingContext({}, {}, {}, 0.0)).tolist() == [F, R]
    _, s = run(chain(days=120, source={"chemistry": "LMO", "nominal_kwh": 24, "modules_per_pack": 48,
                                       "age_years_mean": 2.0},
                     plant={"routing": {"policy": "no_lmo_reuse", "reuse_min_soh": 0.82}}))
    assert s["fourr.graded"] > 0 and s["fourr.routed.reuse"] == 0 and s["fourr.routed.refabricate"] > 0
