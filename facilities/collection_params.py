"""Parameter schema of the ``collection_point`` component."""

from __future__ import annotations

from pydantic import Field

from simcore.params import ComponentParams


class CollectionParams(ComponentParams):
    """A collection point with a grading station."""

    grade_on_receipt: bool = Field(True, description="grade every received battery (EIS-like test + usage history)")
    measurement_sigma_pct: float = Field(2.5, gt=0, le=50,
                                         description="module capacity error at the reference test time (% of nominal)")
    test_min_per_module: float = Field(10.0, gt=0, le=600, description="test time per module (min)")
    within_pct: float = Field(5.0, gt=0, le=50, description="accuracy band for battery.soh_est_within_5pct (SOH points, %)")
