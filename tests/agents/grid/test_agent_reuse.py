"""The grid agent's one model per run: days re-stated on a built model give what fresh builds give."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from simcore import World


def _run(policy: str, reuse: bool) -> dict[str, Any]:
    fleet = {"type": "ev_fleet", "size": 320_000, "sample": 400, "charging_policy": policy,
             "initial_soc_lo_pct": 60.0, "initial_soc_hi_pct": 80.0}
    if policy != "uncontrolled":
        fleet |= {"home_charger_share": 1.0, "work_charger_share_no_home": 1.0, "work_charger_share_with_home": 1.0}
    w = World.from_dict({"name": "grid_reuse", "seed": 5,
                         "clock": {"start": "2030-04-15", "days": 2, "tick_minutes": 15},
                         "components": {"fleet": fleet,
                                        "grid": {"type": "grid", "mip_gap": 0.01, "reuse_model": reuse,
                                                 "intraday_recourse": True}}})
    w.run()
    g = w.components["grid"]
    return g.summary() | {"series": {k: v.copy() for k, v in g.s.items()}}


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["uncontrolled", "v2g"])
def test_reused_model_gives_bit_identical_days(policy):
    reused, fresh = _run(policy, True), _run(policy, False)
    series_r, series_f = reused.pop("series"), fresh.pop("series")
    assert reused == fresh
    assert reused["grid.co2_t"] > 0
    for name in series_r:
        assert np.array_equal(series_r[name], series_f[name], equal_nan=True), name
