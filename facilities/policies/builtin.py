"""The shipped routing policies: thresholds on the estimate, risk-aware thresholds, and expected value."""

from __future__ import annotations

import numpy as np
from pydantic import Field
from scipy.special import ndtr

from facilities.policies import register_policy
from facilities.policies.base import PackFacts, RoutingContext, RoutingPolicy, ThresholdParams
from facilities.routes import Route


@register_policy("threshold")
class ThresholdPolicy(RoutingPolicy):
    """The estimated SOH against each route's minimum (what 4R's three grades do)."""

    Params = ThresholdParams

    def decide(self, packs: PackFacts, context: RoutingContext) -> np.ndarray:
        return self.params.by_threshold(packs.soh_est)


class RiskAwareParams(ThresholdParams):
    k_sigma: float = Field(1.0, ge=0, le=5, description="how many standard deviations below the estimate to judge by")


@register_policy("risk_aware")
class RiskAwarePolicy(RoutingPolicy):
    """The thresholds applied to ``estimate - k x sigma``: an uncertain grade earns a lower route."""

    Params = RiskAwareParams

    def decide(self, packs: PackFacts, context: RoutingContext) -> np.ndarray:
        return self.params.by_threshold(packs.soh_est - self.params.k_sigma * packs.soh_sigma)


class ValueParams(ThresholdParams):
    sell_horizon_days: float = Field(365.0, gt=0, le=3650,
                                     description="stock not sold within this horizon earns nothing (days)")


@register_policy("value_max")
class ValueMaxPolicy(RoutingPolicy):
    """The route with the largest expected value: revenue if truly good enough (normal estimate error),
    times the chance it sells in time, less its cost and the expected warranty cost if it is not."""

    Params = ValueParams

    def decide(self, packs: PackFacts, context: RoutingContext) -> np.ndarray:
        n = packs.soh_est.size
        minimum = self.params.minimum()
        sigma = np.maximum(packs.soh_sigma, 1e-9)
        best = np.full(n, int(Route.RECYCLE), dtype=np.int8)
        best_value = context.revenue_jpy.get(int(Route.RECYCLE), np.zeros(n)) - context.cost_jpy.get(
            int(Route.RECYCLE), np.zeros(n))
        for r in (Route.RESELL, Route.REFABRICATE, Route.REUSE):
            p_ok = ndtr((packs.soh_est - minimum[int(r)]) / sigma)
            revenue = context.revenue_jpy.get(int(r), np.zeros(n)) * context.demand_share.get(int(r), 1.0)
            value = p_ok * revenue - context.cost_jpy.get(int(r), np.zeros(n)) - (1.0 - p_ok) * context.warranty_cost_jpy
            better = value > best_value
            best[better] = int(r)
            best_value = np.where(better, value, best_value)
        return best
