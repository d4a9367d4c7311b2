"""The grading station: analysers serving packs first come first served, the fused SOH estimate, the
routing decision, and what misrouting costs (the simulation knows the truth; the policy does not)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from facilities.policies.base import PackFacts, RoutingContext, RoutingPolicy
from facilities.queueing import FifoServers
from facilities.routes import USABLE, Route
from simcore.battery.soh import MeasurementModel, SohEstimate, grade


@dataclass
class GradingStats:
    """What the station did: tests, waits, routes, misrouting."""

    tested: int = 0
    wait_h: float = 0.0
    routed: np.ndarray = field(default_factory=lambda: np.zeros(len(Route), dtype=np.int64))
    misrouted_to_reuse: int = 0
    misrouted_to_recycling: int = 0
    lost_value_jpy: float = 0.0  # usable packs recycled: the value of their true route less recycling's
    graded: int = 0
    abs_error_sum: float = 0.0
    sq_error_sum: float = 0.0
    within_band: int = 0


class GradingStation:
    """``analysers`` test channels; a pack's test takes ``n_modules x test_min_per_module``."""

    def __init__(self, store, rng: np.random.Generator, analysers: int, test_min_per_module: float,
                 service_time: str, mm: MeasurementModel, policy: RoutingPolicy, band: float = 0.05) -> None:
        self.store = store
        self.rng = rng
        self.servers = FifoServers(analysers)
        self.test_min = float(test_min_per_module)
        self.exponential = service_time == "exponential"
        self.mm = mm
        self.policy = policy
        self.band = band
        self.stats = GradingStats()
        self.pending_ids = np.zeros(0, dtype=np.int64)
        self.pending_finish = np.zeros(0)

    @property
    def in_test(self) -> int:
        return int(self.pending_ids.size)

    def admit(self, ids: np.ndarray, arrival_h: np.ndarray) -> None:
        """Packs join the queue at ``arrival_h`` (non-decreasing); their finish times are known now."""
        if ids.size == 0:
            return
        mean_h = self.store.col("n_modules")[ids].astype(float) * self.test_min / 60.0
        service = self.rng.exponential(mean_h) if self.exponential else mean_h
        start, finish = self.servers.serve(arrival_h, service)
        self.stats.wait_h += float((start - arrival_h).sum())
        self.stats.tested += ids.size
        self.pending_ids = np.concatenate([self.pending_ids, ids])
        self.pending_finish = np.concatenate([self.pending_finish, finish])

    def done_by(self, t_h: float) -> np.ndarray:
        """Packs whose test has finished by ``t_h`` (they leave the station's queue)."""
        done = self.pending_finish <= t_h
        ids = self.pending_ids[done]
        self.pending_ids, self.pending_finish = self.pending_ids[~done], self.pending_finish[~done]
        return ids

    def grade(self, ids: np.ndarray, t_h: float) -> SohEstimate:
        """Measure and estimate; the grade goes on the packs' passports (and their modules')."""
        est = grade(self.store, ids, self.rng, self.mm)
        self.store.set_grade(ids, est.pack_soh, est.pack_sigma, t_h, est.module_soh, est.module_sigma)
        return est

    def route(self, ids: np.ndarray, est: SohEstimate, context: RoutingContext, cell_kg: np.ndarray,
              values_by_route: dict[int, np.ndarray], enabled: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The policy's route per pack (routes not ``enabled`` become recycling), and the truth-based one;
        counts what misrouting costs."""
        facts = PackFacts(est.pack_soh, est.pack_sigma, self.store.col("nominal_kwh")[ids],
                          self.store.col("chemistry")[ids], cell_kg)
        route = np.asarray(self.policy.decide(facts, context), dtype=np.int8)
        if enabled is not None:
            route = np.where(np.isin(route, enabled) | (route == int(Route.RECYCLE)), route,
                             np.int8(Route.RECYCLE)).astype(np.int8)
        true_soh = self.store.soh(ids)
        th = self.policy.thresholds()
        truth = th.by_threshold(true_soh)
        if enabled is not None:
            truth = np.where(np.isin(truth, enabled), truth, np.int8(Route.RECYCLE)).astype(np.int8)
        minimum = th.minimum()
        usable = np.isin(route, [int(r) for r in USABLE])
        below = np.zeros(ids.size, dtype=bool)
        below[usable] = true_soh[usable] < minimum[route[usable]]
        lost = (route == int(Route.RECYCLE)) & (truth != int(Route.RECYCLE))
        s = self.stats
        s.routed += np.bincount(route, minlength=len(Route))
        s.misrouted_to_reuse += int(below.sum())
        s.misrouted_to_recycling += int(lost.sum())
        if lost.any():
            recycle = values_by_route[int(Route.RECYCLE)][lost]
            best = np.choose(truth[lost].astype(np.int64), [values_by_route[int(r)][lost] for r in USABLE])
            s.lost_value_jpy += float(np.maximum(best - recycle, 0.0).sum())
        err = est.pack_soh - true_soh
        s.graded += ids.size
        s.abs_error_sum += float(np.abs(err).sum())
        s.sq_error_sum += float((err ** 2).sum())
        s.within_band += int((np.abs(err) <= self.band).sum())
        return route, below
