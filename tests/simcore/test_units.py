"""KPI units from names (the naming convention) or declared by components."""

import pytest

from simcore.units import kpi_units, unit_from_name


@pytest.mark.parametrize("name, value, unit", [
    ("ev.peak_mw", 1.0, "MW"), ("grid.co2_t", 1.0, "t"), ("grid.cost_jpy", 1.0, "JPY"),
    ("load.residential.energy_mwh_per_day", 1.0, "MWh/day"), ("ev.km_per_ev_day", 1.0, "km/ev/day"),
    ("ev.energy_share_home", 0.5, "1"), ("collection.test_hours", 2.0, "h"), ("ev.report_days", 2.0, "d"),
    ("cohort.sold", 12, "count"), ("f.y", 1.5, ""), ("ev.peak_time", "2030-01-01T19:00", ""),
    ("battery.mean_soh_at_10y", 0.9, "1"),
])
def test_units_follow_the_naming_convention(name, value, unit):
    assert unit_from_name(name, value) == unit


def test_declared_units_win_over_the_convention():
    assert kpi_units({"ev.count": 3, "ev.peak_mw": 1.0}, {"ev.count": "EVs"}) == {"ev.count": "EVs", "ev.peak_mw": "MW"}
