"""A component whose only KPI is the Ishigami function of its three parameters (registered on import).

Ishigami & Homma (1990): y = sin(x1) + a sin^2(x2) + b x3^4 sin(x1), x_i uniform on [-pi, pi]. Its
Sobol indices are known in closed form (:func:`analytic_indices`), so a sweep + analysis through the
command line can be checked against them.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field

from simcore import Component, ComponentParams, register


class IshigamiParams(ComponentParams):
    x1: float = Field(0.0, ge=-math.pi, le=math.pi, description="first input (rad)")
    x2: float = Field(0.0, ge=-math.pi, le=math.pi, description="second input (rad)")
    x3: float = Field(0.0, ge=-math.pi, le=math.pi, description="third input (rad)")
    a: float = Field(7.0, description="coefficient of sin^2(x2) (1)")
    b: float = Field(0.1, description="coefficient of x3^4 sin(x1) (1)")


@register("test_ishigami")
class Ishigami(Component):
    """Evaluates the function once; no ticks, no series."""

    Params = IshigamiParams

    def summary(self) -> dict[str, Any]:
        p = self.params
        y = math.sin(p.x1) + p.a * math.sin(p.x2) ** 2 + p.b * p.x3**4 * math.sin(p.x1)
        return {f"{self.name}.y": y}


def analytic_indices(a: float = 7.0, b: float = 0.1) -> dict[str, tuple[float, float]]:
    """``{input: (S1, ST)}`` of the Ishigami function with inputs uniform on [-pi, pi]."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return {"x1": (v1 / total, (v1 + v13) / total), "x2": (v2 / total, v2 / total), "x3": (0.0, v13 / total)}


def ishigami_scenario() -> dict[str, Any]:
    return {"name": "ishigami", "seed": 1, "clock": {"start": "2030-01-01", "days": 1, "tick_minutes": 1440},
            "components": {"f": {"type": "test_ishigami"}}}
