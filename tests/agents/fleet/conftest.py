"""Fixtures for fleet tests: a FleetModel on a bare clock (no World), and a small fleet scenario."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import agents.builtin_components  # noqa: F401  (registers the component types)
from agents.fleet.model import FleetModel
from agents.fleet.params import FleetParams


def make_model(n: int = 2000, days: int = 3, seed: int = 0, tick_minutes: int = 15,
               day_types: list[int] | None = None, **params: Any) -> FleetModel:
    """A FleetModel of ``n`` EVs with its own three streams derived from ``seed``."""
    p = FleetParams(size=n, **params)
    ss = np.random.SeedSequence(seed).spawn(3)
    dt = np.array(day_types if day_types is not None else [0] * (days + 1), dtype=np.int8)
    return FleetModel(p, ticks_per_day=24 * 60 // tick_minutes, tick_h=tick_minutes / 60.0, day_types=dt,
                      rng_population=np.random.default_rng(ss[0]), rng_trips=np.random.default_rng(ss[1]),
                      rng_plugin=np.random.default_rng(ss[2]))


def run_model(model: FleetModel, days: int) -> np.ndarray:
    """Step ``days`` days; return the (ticks, 3) power by location in kW."""
    out = np.zeros((days * model.T, 3))
    for t in range(days * model.T):
        out[t] = model.step(t).power_kw
    return out


def fleet_scenario(days: int = 2, size: int = 2000, sample: int | None = None, **fleet: Any) -> dict[str, Any]:
    """A scenario mapping with only an EV fleet."""
    body: dict[str, Any] = {"type": "ev_fleet", "size": size, **fleet}
    if sample is not None:
        body["sample"] = sample
    return {"name": "fleet_test", "seed": 7,
            "clock": {"start": "2040-07-23", "days": days, "tick_minutes": 15},
            "components": {"fleet": body}}


@pytest.fixture
def small_model() -> FleetModel:
    return make_model()
