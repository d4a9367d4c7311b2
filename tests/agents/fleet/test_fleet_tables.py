"""Data tables: the shipped ones load and make sense; bad ones raise InputError naming file and key."""

import numpy as np
import pytest

from agents.fleet.tables import (HOME, OTHER, WORK, load_plugin_curve, load_plugin_next_trip, load_travel,
                                 load_vehicle_models)
from simcore.errors import InputError


def test_shipped_travel_tables_load_with_shares_summing_to_one():
    t = load_travel("travel")
    assert np.allclose(t.pattern_share.sum(axis=2), 1.0)
    assert t.departure_cdf.shape == (3, 24)


def test_commute_departures_peak_in_the_morning():
    t = load_travel("travel")
    weights = np.diff(np.concatenate([[0.0], t.departure_cdf[0]]))
    assert 6 <= int(np.argmax(weights)) <= 8


def test_plugin_probability_falls_as_soc_rises_at_every_location():
    table = load_plugin_curve("plugin_probability.csv")
    soc = np.linspace(0, 1, 21)
    for loc in (HOME, WORK, OTHER):
        p = table.probability(np.full(21, loc), soc)
        assert np.all(np.diff(p) <= 1e-12) and p[0] > p[-1]


def test_plugin_probability_interpolates_linearly_between_points():
    table = load_plugin_curve("plugin_probability.csv")
    p = table.probability(np.array([HOME, HOME, HOME]), np.array([0.5, 0.6, 0.55]))
    assert p[2] == pytest.approx((p[0] + p[1]) / 2)


def test_home_and_work_curves_differ():
    table = load_plugin_curve("plugin_probability.csv")
    soc = np.full(3, 0.6)
    p = table.probability(np.array([HOME, WORK, OTHER]), soc)
    assert p[0] > p[1] > p[2]


def test_next_trip_table_raises_probability_for_longer_next_trips():
    table = load_plugin_next_trip("plugin_probability_next_trip.csv")
    soc = np.full(2, 0.7)
    p = table.probability(np.array([HOME, HOME]), soc, np.array([5.0, 80.0]))
    assert p[1] > p[0]


def test_vehicle_models_shares_sum_to_one():
    m = load_vehicle_models("ev_models.csv")
    assert m.share.sum() == pytest.approx(1.0) and np.all(m.battery_kwh > 0)


def test_missing_column_names_file_and_header(tmp_path):
    f = tmp_path / "curve.csv"
    f.write_text("soc_pct,home,work\n0,1,1\n100,0,0\n")
    with pytest.raises(InputError) as err:
        load_plugin_curve(f)
    assert str(f) in str(err.value) and "other" in err.value.allowed


def test_probability_above_one_is_rejected_with_row(tmp_path):
    f = tmp_path / "curve.csv"
    f.write_text("soc_pct,home,work,other\n0,1.2,1,1\n100,0,0,0\n")
    with pytest.raises(InputError) as err:
        load_plugin_curve(f)
    assert err.value.key_path == "row 2.home"


def test_soc_grid_must_span_zero_to_hundred(tmp_path):
    f = tmp_path / "curve.csv"
    f.write_text("soc_pct,home,work,other\n10,1,1,1\n100,0,0,0\n")
    with pytest.raises(InputError):
        load_plugin_curve(f)


def test_pattern_shares_not_summing_to_one_are_rejected(tmp_path):
    import shutil

    from agents.fleet.tables import data_dir

    folder = tmp_path / "travel"
    shutil.copytree(data_dir() / "travel", folder)
    text = (folder / "day_patterns.csv").read_text().replace("commuter,weekday,stay,0.08", "commuter,weekday,stay,0.50")
    (folder / "day_patterns.csv").write_text(text)
    with pytest.raises(InputError) as err:
        load_travel(folder)
    assert err.value.key_path == "commuter.weekday.share"


def test_unknown_pattern_is_rejected(tmp_path):
    import shutil

    from agents.fleet.tables import data_dir

    folder = tmp_path / "travel"
    shutil.copytree(data_dir() / "travel", folder)
    text = (folder / "day_patterns.csv").read_text().replace("leisure", "picnic", 1)
    (folder / "day_patterns.csv").write_text(text)
    with pytest.raises(InputError) as err:
        load_travel(folder)
    assert "pattern" in err.value.key_path


def test_missing_travel_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        load_travel(tmp_path / "nowhere")
