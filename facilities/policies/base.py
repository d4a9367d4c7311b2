"""What a routing policy sees and must answer: the packs' estimates in, a route per pack out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from facilities.routes import Route
from simcore.params import FieldsError


class ThresholdParams(BaseModel):
    """Minimum pack SOH (fraction of nominal) for each usable route; below the last: recycle."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    reuse_min_soh: float = Field(0.80, ge=0, le=1, description="grade A: back into an EV as it is (fraction)")
    refabricate_min_soh: float = Field(0.70, ge=0, le=1,
                                       description="enough good modules to rebuild an EV or custom pack (fraction)")
    resell_min_soh: float = Field(0.60, ge=0, le=1, description="grade B: second-life use (fraction)")

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdParams:
        if not (self.reuse_min_soh >= self.refabricate_min_soh >= self.resell_min_soh):
            raise FieldsError({"reuse_min_soh": self.reuse_min_soh, "refabricate_min_soh": self.refabricate_min_soh,
                               "resell_min_soh": self.resell_min_soh},
                              "thresholds in order: reuse_min_soh >= refabricate_min_soh >= resell_min_soh")
        return self

    def minimum(self) -> np.ndarray:
        """Minimum SOH per usable route code (REUSE, REFABRICATE, RESELL)."""
        return np.array([self.reuse_min_soh, self.refabricate_min_soh, self.resell_min_soh])

    def by_threshold(self, soh: np.ndarray) -> np.ndarray:
        """The best usable route whose minimum ``soh`` meets, else RECYCLE."""
        soh = np.asarray(soh, dtype=float)
        route = np.full(soh.shape, int(Route.RECYCLE), dtype=np.int8)
        for r in reversed((Route.REUSE, Route.REFABRICATE, Route.RESELL)):
            route[soh >= self.minimum()[int(r)]] = int(r)
        return route


@dataclass
class PackFacts:
    """What the plant knows of the packs to route (estimates only: a policy never sees the truth)."""

    soh_est: np.ndarray
    soh_sigma: np.ndarray
    nominal_kwh: np.ndarray
    chemistry: np.ndarray
    cell_kg: np.ndarray


@dataclass
class RoutingContext:
    """Market facts a value-aware policy may use: what each route earns per pack and what is in demand."""

    revenue_jpy: dict[int, np.ndarray] = field(default_factory=dict)  # route -> per pack (if sold)
    cost_jpy: dict[int, np.ndarray] = field(default_factory=dict)  # route -> per pack
    demand_share: dict[int, float] = field(default_factory=dict)  # route -> chance the stock is sold in time
    warranty_cost_jpy: float = 0.0


class RoutingPolicy:
    """Base class: ``decide`` returns a route code per pack (``facilities.routes.Route``)."""

    name: ClassVar[str] = ""
    Params: ClassVar[type[BaseModel]] = ThresholdParams

    def __init__(self, params: BaseModel) -> None:
        self.params = params

    def thresholds(self) -> ThresholdParams:
        """The route minima the policy's decisions are judged against (misrouting, warranty)."""
        return self.params  # type: ignore[return-value]

    def decide(self, packs: PackFacts, context: RoutingContext) -> np.ndarray:
        raise NotImplementedError
