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


@pytest.mark.parametrize("model", ["nmc622", "lfp", "lmo_2ndlife", "lmo_leaf"])
def test_fast_path_agrees_with_reference_within_half_a_point_after_a_year(model):
    t, soc, temp = commuter_year()
    ref = simulate_profile(t, soc, temp, model)
    fast = simulate_daily(daily_stressors(t, soc, temp), model)
    assert 1.0 - ref.q[-1] > 0.01  # a year of use does cost capacity
    assert abs(ref.q[-1] - fast.q[0]) < 0.005


def test_daily_stressors_of_a_known_day():
    t = np.array([0.0, 3600.0, 7200.0, 10800.0, 86400.0])
    soc = np.array([0.9, 0.5, 0.5, 0.9, 0.9])
    s = daily_stressors(t, soc, np.full(5, 25.0), means="time")
    assert np.allclose(s.efc, [0.4]) and np.allclose(s.dod, [0.4])
    assert np.allclose(s.c_chg, [0.4]) and np.allclose(s.dt_days, [1.0])
    assert np.allclose(s.temp_c, [25.0]) and np.allclose(s.soc_max, [0.9]) and np.allclose(s.charge_steps, [1])
    # time-mean SOC and variance of the piecewise-linear series
    mean = (0.7 * 1 + 0.5 * 1 + 0.7 * 1 + 0.9 * 21) / 24
    sq = ((0.81 + 0.45 + 0.25) / 3 + 0.25 + (0.25 + 0.45 + 0.81) / 3 + 0.81 * 21) / 24
    assert np.allclose(s.soc_mean, [mean]) and np.allclose(s.soc_var, [sq - mean**2])


def test_daily_stressors_take_sample_means_by_default_as_blast_lites_nmc622_windows():
    t = np.array([0.0, 3600.0, 7200.0, 10800.0, 86400.0])
    soc = np.array([0.9, 0.5, 0.5, 0.9, 0.9])
    temp = np.array([20.0, 30.0, 30.0, 20.0, 20.0])
    s = daily_stressors(t, soc, temp)
    # the day's samples are the first four (the last opens the next day); the rest is as with time means
    assert np.allclose(s.soc_mean, [0.7]) and np.allclose(s.soc_var, [0.04]) and np.allclose(s.temp_c, [25.0])
    assert np.allclose(s.efc, [0.4]) and np.allclose(s.c_chg, [0.4])
    with pytest.raises(ValueError, match="means"):
        daily_stressors(t, soc, temp, means="median")


def event_logged(t, soc, temp, parked_step_s=3600.0):
    """Keep the samples where SOC moves (and their neighbours) and one an hour while it rests: how
    telematics logs arrive."""
    moving = np.r_[False, np.diff(soc) != 0] | np.r_[np.diff(soc) != 0, False]
    hourly = np.r_[True, np.floor(t[1:] / parked_step_s) != np.floor(t[:-1] / parked_step_s)]
    keep = moving | hourly
    keep[-1] = True
    return t[keep], soc[keep], temp[keep]


def drive_and_charge_at_work(days: int):
    """One-minute samples at 30 degC: a 2-hour drive 0.9 -> 0.3, a 6-hour 0.1 C charge back from noon,
    parked at 0.9 the rest of the day."""
    t = np.arange(0.0, days * 86400.0 + 1, 60.0)
    hour = (t / 3600.0) % 24
    rate = np.where((8 <= hour) & (hour < 10), -0.3, 0.0) + np.where((12 <= hour) & (hour < 18), 0.1, 0.0)
    soc = 0.9 + np.concatenate([[0.0], np.cumsum(rate[:-1] / 60.0)])
    return t, np.clip(soc, 0.0, 1.0), np.full(t.size, 30.0)


def test_fast_path_agrees_with_reference_on_an_event_logged_series():
    t, soc, temp = event_logged(*drive_and_charge_at_work(365))
    assert np.diff(t).min() == 60.0 and np.diff(t).max() == 3600.0  # dense while SOC moves
    ref = simulate_profile(t, soc, temp).q[-1]
    assert abs(simulate_daily(daily_stressors(t, soc, temp)).q[0] - ref) < 0.0005
    # time means weigh the sparse parked hours as the hours they are; BLAST-Lite's windows weigh samples
    assert abs(simulate_daily(daily_stressors(t, soc, temp, means="time")).q[0] - ref) > 0.002


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


@pytest.mark.parametrize(
    "content, said",
    [
        (b"", "an empty file"),
        (b"time_s,soc,temperature_c\n0,0.5,25\n3600,0.6,25,9\n", "Expected 3 fields in line 3, saw 4"),
        (b"time_s,soc,temperature_c\n0,0.5,25\n\xff\xfe,1,2\n", "bytes that are not text"),
    ],
)
def test_an_unreadable_profile_is_described_in_words(tmp_path, content, said):
    p = tmp_path / "p.csv"
    p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        load_profile(p)
    assert exc.value.key_path == "file" and said in str(exc.value) and "three values on every row" in str(exc.value)


def test_a_cut_compressed_profile_is_described_in_words(tmp_path):
    import gzip

    p = tmp_path / "p.csv.gz"
    p.write_bytes(gzip.compress(b"time_s,soc,temperature_c\n" + b"0,0.5,25\n" * 1000)[:40])
    with pytest.raises(InputError, match="a compressed file cut short"):
        load_profile(p)


def test_missing_profile_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        load_profile(tmp_path / "nope.csv")


def test_reference_path_reproduces_closed_form_calendar_fade_in_storage():
    # constant 35 C, 90 % SOC for 100 days: q = 1 - b1t * sqrt(simulated days) exactly
    from simcore.battery.ageing import nmc622_cal_rate

    t = np.arange(0, 100 * 86400 + 1, 3600.0)
    ref = simulate_profile(t, np.full(t.size, 0.9), np.full(t.size, 35.0), "nmc622")
    b1t = nmc622_cal_rate(np.array([308.15]), np.array([0.9]))[0]
    assert np.allclose(ref.q, 1 - b1t * np.sqrt(ref.t_days), rtol=0, atol=1e-12)
    assert 100.0 <= ref.t_days[-1] < 101.0  # windows of 25 samples count 24 h; the series is replayed to 100 days
    day, q = ref.daily()
    assert day.tolist() == list(range(100)) and q[-1] == ref.q[-1]


def test_windows_close_a_day_after_the_last_close_or_after_one_full_cycle():
    from simcore.battery.profile import window_closes

    t = np.arange(0, 3 * 86400 + 1, 3600.0)
    hour = (t / 3600) % 24
    calm = 0.8 - 0.1 * ((hour >= 8) & (hour < 12))  # one shallow dip a day
    assert window_closes(t, calm).tolist() == [25, 50, t.size - 1]  # first sample past 24 h, then again
    busy = np.where(hour % 4 < 2, 1.0, 0.0)  # a full cycle every 4 hours: closes on cycle ends past 1 EFC
    closes = window_closes(t, busy)
    efc = np.cumsum(np.abs(np.ediff1d(busy, to_begin=0))) / 2
    assert closes.size > 10 and np.all(np.diff(efc[closes[:-1]]) > 1.0)


def test_conservation_mode_stretches_a_window_about_its_first_sample():
    from simcore.battery.profile import window_stress

    t = np.arange(0, 5) * 3600.0
    soc = np.array([0.8, 0.6, 0.4, 0.6, 0.8])
    temp_k = np.full(5, 298.15)
    kept = window_stress(t, soc, temp_k, 0.8, conserve_energy=False)
    deep = window_stress(t, soc, temp_k, 0.8, conserve_energy=True)
    assert np.isclose(kept.dod, 0.4) and np.isclose(kept.efc, 0.4 * 0.8)  # fewer Ah for the same swing
    assert np.isclose(deep.dod, 0.5) and np.isclose(deep.efc, 0.4)  # deeper swing, same Ah
    assert np.isclose(deep.soc[0], 0.8) and np.isclose(deep.soc.min(), 0.3)
    assert np.isclose(deep.c_chg, 0.2) and np.isclose(kept.c_chg, 0.16)


def test_tick_accumulator_matches_daily_aggregation_of_the_same_series():
    from simcore.battery import StressorAccumulator

    t, soc, temp = commuter_year(days=3)
    ref = daily_stressors(t, soc, temp, means="time")
    per_day = 96  # 15-min ticks
    acc = StressorAccumulator(2)
    for d in range(3):
        for j in range(d * per_day, (d + 1) * per_day):
            # two identical batteries, temperature at the tick midpoint (trapezoid like the reference)
            acc.add_tick(np.full(2, soc[j]), np.full(2, soc[j + 1]), 0.25, np.full(2, 0.5 * (temp[j] + temp[j + 1])))
        got = acc.finish_day()
        for field in ("soc_mean", "dod", "efc", "c_chg", "dt_days", "soc_max", "soc_var", "charge_steps"):
            assert np.allclose(getattr(got, field), getattr(ref, field)[d], atol=1e-12), field
        assert np.allclose(got.temp_c, ref.temp_c[d], atol=1e-9)


def test_a_profile_spanning_millennia_is_refused_as_a_unit_error(tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("time_s,soc,temperature_c\n0,0.5,25\n3600,0.6,25\n1e12,0.6,25\n")
    with pytest.raises(InputError, match="at most 100 years"):
        load_profile(path)


def test_a_long_hot_rest_ends_at_a_capacity_between_0_and_1():
    year = 365.25 * 86400.0
    t = np.array([0.0, 3600.0, 7200.0, 60 * year, 60 * year + 3600.0])
    res = simulate_profile(t, np.linspace(0.5, 0.7, 5), np.full(5, 60.0))
    assert np.all(np.isfinite(res.q)) and 0.0 <= res.q[-1] < 0.5
