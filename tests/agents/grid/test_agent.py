"""The grid agent's set-up and the fleet's controlled-charging hook (no MILP solve: fast)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from agents.fleet.tables import HOME
from simcore import World
from simcore.errors import InputError


def scenario(policy: str = "smart", sample: int = 400, grid: dict[str, Any] | None = None,
             with_grid: bool = True) -> dict[str, Any]:
    comps: dict[str, Any] = {
        "fleet": {"type": "ev_fleet", "size": 320_000, "sample": sample, "charging_policy": policy,
                  "home_charger_share": 1.0, "work_charger_share_no_home": 1.0,
                  "work_charger_share_with_home": 1.0, "initial_soc_lo_pct": 50.0, "initial_soc_hi_pct": 50.0}}
    if with_grid:
        comps["grid"] = {"type": "grid", **(grid or {})}
    return {"name": "grid_test", "seed": 3, "clock": {"start": "2030-08-01", "days": 1, "tick_minutes": 15},
            "components": comps}


def test_fleet_is_clustered_into_ten_groups_by_driving_pattern():
    w = World.from_dict(scenario())
    g = w.components["grid"]
    assert g.k == 10
    assert len(np.unique(g.labels)) == 10
    sizes = np.bincount(g.labels)
    assert (np.diff(sizes) <= 0).all()  # cluster 0 the largest


def test_clustering_is_deterministic_for_a_seed():
    a = World.from_dict(scenario()).components["grid"].labels
    b = World.from_dict(scenario()).components["grid"].labels
    assert np.array_equal(a, b)


def test_grid_needs_an_ev_fleet_component():
    with pytest.raises(InputError):
        World.from_dict(scenario(grid={"fleet": "nope"}))


def test_night_tariff_fleet_is_rejected_by_the_grid_agent():
    with pytest.raises(InputError):
        World.from_dict(scenario(policy="night_tariff"))


def test_controlled_fleet_starts_connected_at_home():
    m = World.from_dict(scenario(with_grid=False)).components["fleet"].model
    assert m.plugged.all() and (m.loc == HOME).all()


def test_smart_fleet_follows_its_controller_within_charger_and_never_discharges():
    w = World.from_dict(scenario(with_grid=False))
    m = w.components["fleet"].model
    m.controller = lambda tick: np.where(np.arange(m.n) % 2 == 0, 100.0, -5.0)
    w.step()
    p = m.power_kw[m.plugged]
    assert p.max() == pytest.approx(6.0) and p.min() >= 0.0
    assert m.totals.discharge_kwh == 0.0


def _run_with(controller_kw: float) -> Any:
    w = World.from_dict(scenario(policy="v2g", with_grid=False))
    m = w.components["fleet"].model
    m.controller = lambda tick: np.full(m.n, controller_kw)
    w.run()
    return m


def test_v2g_discharge_keeps_what_the_remaining_trips_need():
    idle, drained = _run_with(0.0), _run_with(-6.0)   # never charge; drain as fast as allowed, all day
    assert drained.totals.discharge_kwh > 0
    assert drained.totals.unserved_kwh == 0.0
    # discharging leaves nobody shorter than not charging at all: same EVs need a public charge
    assert np.array_equal(drained.n_fast, idle.n_fast)
    assert (drained.energy_kwh >= drained.reserve_kwh - 1e-6).all()
    assert drained.totals.battery_out_kwh == pytest.approx(drained.totals.discharge_kwh / drained.discharge_eff)


def test_trip_need_is_the_reserve_plus_the_remaining_legs_or_tomorrows():
    w = World.from_dict(scenario(with_grid=False))
    m = w.components["fleet"].model
    m.controller = lambda tick: np.zeros(m.n)
    for _ in range(40):                       # to 10:00: some EVs are mid-day, some done, some not started
        w.step()
    ids = np.arange(m.n)
    expected = np.empty(m.n)
    for i in ids:
        today = m.today.dist_km[i, m.leg[i]:m.today.n_legs[i]].astype(float).sum()
        km = today if m.leg[i] < m.today.n_legs[i] else m.tomorrow.dist_km[i, :m.tomorrow.n_legs[i]].astype(float).sum()
        expected[i] = min(km / m.pop.km_per_kwh[i] + m.reserve_kwh[i], m.target_kwh[i])
    assert 0 < (m.leg > 0).sum() < m.n
    assert np.allclose(m.trips_need_kwh(ids), expected, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("keep_start", [True, False])
def test_a_full_fleet_may_spend_its_banked_energy_only_without_keep_start(keep_start):
    w = World.from_dict(scenario(grid={"day_end_keep_start": keep_start, "day_end_soc_pct": 80.0}))
    g = w.components["grid"]
    m = g.m
    m.energy_kwh[:] = m.target_kwh            # every EV full at midnight
    conn, drive = g.expected[0]
    t = g._tables(conn, drive)
    end_min = t.energy_min_mwh[:, -1]
    if keep_start:   # back to the start (or as near as the day's charging reaches)
        assert np.allclose(end_min, np.minimum(t.energy_initial_mwh, t.energy_max_mwh[:, -1]))
    else:            # the trips may be paid from the bank, down to the 80 % floor
        assert (end_min < t.energy_initial_mwh - 1e-6).all()
        assert (end_min >= 0.8 * t.energy_max_mwh[:, -1] - 1e-9).all()
