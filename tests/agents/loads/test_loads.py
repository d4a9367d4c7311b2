"""Base-load curves and PV profiles: scaling, day types, months, bad input."""

import numpy as np
import pytest

import agents.builtin_components  # noqa: F401  (registers the component types)
from agents.loads.shapes import at_hours
from simcore import World
from simcore.errors import InputError


def _scenario(start="2040-07-27", days=3, **components):
    return {"name": "loads", "seed": 1, "clock": {"start": start, "days": days, "tick_minutes": 15},
            "components": components}


RES = {"type": "load_curve", "peak_mw": 18000, "shape_file": "tepco/load_shape_summer.csv",
       "weekday_column": "residential_weekday", "weekend_column": "residential_weekend",
       "series": "load.residential_mw"}
PV = {"type": "pv_profile", "capacity_mw": 27000}


def _run(data):
    w = World.from_dict(data)
    w.run()
    return w, w.timeseries()


def test_hour_means_of_a_tick_series_match_the_table():
    shape = np.array([np.sin(np.pi * h / 24) + 1 for h in range(24)])
    ticks = np.arange(96) * 0.25 + 0.125
    hourly = at_hours(shape, ticks).reshape(24, 4).mean(axis=1)
    assert np.allclose(hourly[1:-1], shape[1:-1], atol=0.02)


def test_weekday_curve_peaks_near_peak_mw_in_the_evening():
    _, df = _run(_scenario(start="2040-07-30", days=1, residential=RES))  # a Monday
    s = df["load.residential_mw"].to_numpy()
    assert 0.97 * 18000 <= s.max() <= 18000
    assert 19.0 <= np.argmax(s) / 4 <= 21.0


def test_weekend_uses_its_own_column():
    _, df = _run(_scenario(start="2040-07-28", days=2, residential=RES))  # Sat, Sun
    _, wk = _run(_scenario(start="2040-07-30", days=1, residential=RES))
    assert not np.allclose(df["load.residential_mw"].to_numpy()[:96], wk["load.residential_mw"].to_numpy())


def test_pv_is_zero_at_night_and_scales_with_capacity():
    _, a = _run(_scenario(pv=PV))
    _, b = _run(_scenario(pv={**PV, "capacity_mw": 13500}))
    pa = a["pv.output_mw"].to_numpy()
    hours = (np.arange(len(pa)) % 96) / 4
    assert np.all(pa[(hours < 3.5) | (hours >= 20)] == 0)
    assert 0.5 * 27000 < pa.max() < 27000
    assert np.allclose(b["pv.output_mw"].to_numpy(), pa / 2)
    assert 10.5 <= hours[np.argmax(pa)] <= 12.5


def test_pv_is_lower_in_winter():
    _, summer = _run(_scenario(start="2040-07-02", days=1, pv=PV))
    _, winter = _run(_scenario(start="2040-12-03", days=1, pv=PV))
    assert winter["pv.output_mw"].sum() < 0.7 * summer["pv.output_mw"].sum()


def test_series_name_must_end_in_mw():
    with pytest.raises(InputError) as err:
        World.from_dict(_scenario(residential={**RES, "series": "load.residential"}))
    assert "series" in err.value.key_path


def test_missing_shape_column_is_an_input_error():
    with pytest.raises(InputError) as err:
        World.from_dict(_scenario(residential={**RES, "weekday_column": "nope"}))
    assert err.value.key_path == "components.residential.weekday_column" and err.value.value == "nope"
    assert "load_shape_summer.csv" in err.value.allowed


def test_pv_shape_above_one_is_rejected(tmp_path):
    f = tmp_path / "pv.csv"
    rows = ["hour," + ",".join(f"m{m:02d}" for m in range(1, 13))]
    rows += [f"{h}," + ",".join(["1.5" if h == 12 else "0"] * 12) for h in range(24)]
    f.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError):
        World.from_dict(_scenario(pv={**PV, "shape_file": str(f)}))


def test_summary_reports_peak_and_energy():
    w, df = _run(_scenario(days=1, residential=RES, pv=PV))
    s = w.summary()
    assert s["load.residential.peak_mw"] == pytest.approx(df["load.residential_mw"].max())
    assert s["pv.output.energy_mwh_per_day"] == pytest.approx(df["pv.output_mw"].sum() * 0.25)
    assert s["load.residential.peak_time"].startswith("2040-07-27T")
