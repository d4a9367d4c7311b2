"""Invariants of the fleet under random compositions, policies and seeds (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.fleet.tables import DRIVING, HOME
from tests.agents.fleet.conftest import make_model

params = st.fixed_dictionaries({
    "seed": st.integers(0, 2**32 - 1),
    "commuter_share": st.floats(0, 1),
    "home_charger_share": st.floats(0, 1),
    "work_charger_share_no_home": st.floats(0, 1),
    "public_charger_share": st.floats(0, 1),
    "charger_efficiency_pct": st.floats(50, 100),
    "charge_target_soc_pct": st.floats(50, 100),
    "charging_policy": st.sampled_from(["uncontrolled", "night_tariff"]),
    "night_offset_max_min": st.sampled_from([0.0, 90.0]),
    "plugin_model": st.sampled_from(["soc", "soc_next_trip"]),
    "initial_soc_lo_pct": st.floats(0, 50),
    "tick_minutes": st.sampled_from([15, 30, 60]),
    "weekend": st.booleans(),
})

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _model(p):
    p = dict(p)
    weekend = p.pop("weekend")
    return make_model(n=300, days=2, day_types=[0, 1 if weekend else 0, 0], **p)


@SETTINGS
@given(params)
def test_invariants_hold_every_tick(p):
    m = _model(p)
    e0 = m.energy_kwh.sum()
    for t in range(2 * m.T):
        m.step(t)
        soc = m.soc()
        assert np.all(soc >= -1e-12) and np.all(soc <= 1 + 1e-9)  # SOC within [0, 1]
        assert np.all(m.power_kw[m.loc == DRIVING] == 0)  # no charging while driving
        assert not m.plugged[m.loc == DRIVING].any()
        assert np.all(m.power_kw[~m.plugged] == 0)
        assert np.all(m.power_kw <= m.plug_kw + 1e-6)
        assert len(m.loc) == m.n and np.isin(m.loc, [0, 1, 2, 3]).all()  # EVs conserved
    tot = m.totals
    eff = p["charger_efficiency_pct"] / 100.0
    assert np.isclose(tot.battery_in_kwh, tot.grid_kwh * eff, rtol=1e-9, atol=1e-6)
    assert np.isclose(m.energy_kwh.sum(), e0 + tot.battery_in_kwh - tot.driven_kwh, rtol=1e-9, atol=1e-6)
    assert tot.unserved_kwh == 0.0


@SETTINGS
@given(params)
def test_every_ev_is_home_at_midnight(p):
    m = _model(p)
    for t in range(m.T):
        m.step(t)
    assert np.all(m.loc == HOME)
