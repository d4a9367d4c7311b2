"""Reference path vs fast path, and the profile loader's error messages."""

import numpy as np
import pytest

from simcore.battery.profile import daily_stressors, load_profile, simulate_daily, simulate_profile
from simcore.errors import InputError


def commuter_year(days=365, dt_s=900.0, seed=3):
    """15-min SOC/temperature series: two drives a day, evening charging, seasonal + daily temperature."""
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, days * 86400.0 + 1, dt_s)
    hour = (t / 3600.0) % 24
    day = (t // 86400).astype(int)
    use = rng.uniform(0.05, 0.25, days + 1)[day]  # per-day drive depth
    rate = np.where((8 <= hour) & (hour < 9), -use, 0.0) + np.where((18 <= hour) & (hour < 19), -use, 0.0)
    rate += np.where((22 <= hour) & (hour < 24), use, 0.0)
    soc = 0.85 + np.concatenate([[0.0], np.cumsum(rate[:-1] * dt_s / 3600.0)])
    temp = 15.8 - 10.7 * np.cos(2 * np.pi * (t / 86400 - 20) / 365) + 5 + 4 * np.sin(2 * np.pi * (hour - 9) / 24)
    return t, np.clip(soc, 0, 1), temp


@pytest.mark.parametrize("model", ["nmc622", "lfp", "lmo_2ndlife"])
def test_fast_path_agrees_with_reference_within_half_a_point_after_a_year(model):
    t, soc, temp = commuter_year()
    ref = simulate_profile(t, soc, temp, model)
    fast = simulate_daily(daily_stressors(t, soc, temp), model)
    assert 1.0 - ref.q[-1] > 0.01  # a year of use does cost capacity
    assert abs(ref.q[-1] - fast.q[0]) < 0.005


def test_daily_stressors_of_a_known_day():
    t = np.array([0.0, 3600.0, 7200.0, 10800.0, 86400.0])
    soc = np.array([0.9, 0.5, 0.5, 0.9, 0.9])
    s = daily_stressors(t, soc, np.full(5, 25.0))
    assert np.allclose(s.efc, [0.4]) and np.allclose(s.dod, [0.4])
    assert np.allclose(s.c_chg, [0.4]) and np.allclose(s.dt_days, [1.0])
    assert np.allclose(s.temp_c, [25.0])


def write(tmp_path, text):
    p = tmp_path / "p.csv"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    "text, where",
    [
        ("time_s,soc\n0,0.5\n60,0.5\n", "header"),
        ("time_s,soc,temperature_c\n0,0.5,20\n60,abc,20\n", "row 3, column soc"),
        ("time_s,soc,temperature_c\n0,0.5,20\n60,1.5,20\n", "row 3, column soc"),
        ("time_s,soc,temperature_c\n0,0.5,20\n0,0.5,20\n", "row 3, column time_s"),
        ("time_s,soc,temperature_c\n0,0.5,20\n60,0.5,200\n", "row 3, column temperature_c"),
        ("time_s,soc,temperature_c\n0,0.5,20\n", "rows"),
    ],
)
def test_bad_profiles_name_file_place_value_and_allowed(tmp_path, text, where):
    p = write(tmp_path, text)
    with pytest.raises(InputError) as exc:
        load_profile(p)
    assert exc.value.key_path == where and str(p) in str(exc.value) and "allowed" in str(exc.value)


def test_missing_profile_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        load_profile(tmp_path / "nope.csv")


def test_reference_path_reproduces_closed_form_calendar_fade_in_storage():
    # constant 35 C, 90 % SOC for 100 days: q = 1 - b1t * sqrt(days) exactly
    from simcore.battery.ageing import nmc622_cal_rate

    t = np.arange(0, 100 * 86400 + 1, 3600.0)
    ref = simulate_profile(t, np.full(t.size, 0.9), np.full(t.size, 35.0), "nmc622")
    b1t = nmc622_cal_rate(np.array([308.15]), np.array([0.9]))[0]
    assert ref.day.tolist() == list(range(100))
    assert np.allclose(ref.q, 1 - b1t * np.sqrt(np.arange(1, 101)), rtol=0, atol=1e-12)


def test_tick_accumulator_matches_daily_aggregation_of_the_same_series():
    from simcore.battery import StressorAccumulator

    t, soc, temp = commuter_year(days=3)
    ref = daily_stressors(t, soc, temp)
    per_day = 96  # 15-min ticks
    acc = StressorAccumulator(2)
    for d in range(3):
        for j in range(d * per_day, (d + 1) * per_day):
            # two identical batteries, temperature at the tick midpoint (trapezoid like the reference)
            acc.add_tick(np.full(2, soc[j]), np.full(2, soc[j + 1]), 0.25, np.full(2, 0.5 * (temp[j] + temp[j + 1])))
        got = acc.finish_day()
        for field in ("soc_mean", "dod", "efc", "c_chg", "dt_days"):
            assert np.allclose(getattr(got, field), getattr(ref, field)[d], atol=1e-12), field
        assert np.allclose(got.temp_c, ref.temp_c[d], atol=0.05)
