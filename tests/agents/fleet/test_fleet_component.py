"""The ev_fleet component in a World: series, scaling, summary, inspection, events, determinism."""

import numpy as np
import pytest

from simcore import World
from simcore.errors import InputError
from tests.agents.fleet.conftest import fleet_scenario

SERIES = ["ev.demand_mw", "ev.demand_home_mw", "ev.demand_work_mw", "ev.demand_other_mw",
          "ev.plugged_share", "ev.mean_soc"]


def _run(data, **kw):
    w = World.from_dict(data, **kw)
    w.run()
    return w


def test_records_demand_series_that_add_up():
    w = _run(fleet_scenario(work_charger_share_no_home=1.0, home_charger_share=0.5, commuter_share=0.8))
    df = w.timeseries()
    for name in SERIES:
        assert name in df.columns and df[name].notna().all()
    parts = df["ev.demand_home_mw"] + df["ev.demand_work_mw"] + df["ev.demand_other_mw"]
    assert np.allclose(parts, df["ev.demand_mw"])
    assert df["ev.demand_work_mw"].sum() > 0 and df["ev.demand_home_mw"].sum() > 0


def test_outputs_scale_with_represented_size():
    a = _run(fleet_scenario(size=1000, sample=1000)).timeseries()["ev.demand_mw"].to_numpy()
    b = _run(fleet_scenario(size=5000, sample=1000)).timeseries()["ev.demand_mw"].to_numpy()
    assert np.allclose(b, 5 * a)


def test_set_override_of_fleet_size_works():
    w = World.from_dict(fleet_scenario(size=1000, sample=500), overrides={"fleet.size": 3000})
    w.run()
    s = w.summary()
    assert s["ev.count"] == 3000 and s["ev.sample"] == 500


def test_same_seed_gives_identical_series_and_other_seed_differs():
    a = _run(fleet_scenario(), seed=3).timeseries()
    b = _run(fleet_scenario(), seed=3).timeseries()
    c = _run(fleet_scenario(), seed=4).timeseries()
    assert a.equals(b)
    assert not np.array_equal(a["ev.demand_mw"], c["ev.demand_mw"])


def test_summary_reports_the_window_after_warmup():
    w = _run(fleet_scenario(days=3, warmup_days=2))
    s = w.summary()
    for key in ["ev.energy_mwh", "ev.peak_mw", "ev.peak_time", "ev.energy_share_home", "ev.energy_share_work",
                "ev.energy_share_other", "ev.plugins_per_ev_week", "ev.mean_soc_at_plugin",
                "ev.public_fast_charges", "ev.count", "ev.sample"]:
        assert key in s.index
    assert s["ev.peak_time"].startswith("2040-07-25")  # the third day
    df = w.timeseries()
    last_day = df["ev.demand_mw"].to_numpy()[-96:]
    assert s["ev.energy_mwh"] == pytest.approx(last_day.sum() * 0.25)
    assert s["ev.energy_share_home"] + s["ev.energy_share_work"] + s["ev.energy_share_other"] == pytest.approx(1)
    assert 0 < s["ev.mean_soc_at_plugin"] < 1


def test_fleet_item_and_inspect_show_one_ev():
    w = World.from_dict(fleet_scenario())
    w.run(until=19.0)
    fleet = w.components["fleet"]
    ev = fleet[5]
    info = w.inspect("ev:5")
    assert info["id"] == 5 and info["type"] == ev.type and info["soc"] == pytest.approx(ev.soc)
    assert {"location", "plugged", "charging_kw", "next_trip", "plugins", "trips"} <= set(info)
    assert len(fleet) == 2000
    with pytest.raises(KeyError):
        w.inspect("ev:999999")
    with pytest.raises(IndexError):
        fleet[2000]


def test_per_ev_events_are_emitted_only_when_someone_listens():
    quiet = World.from_dict(fleet_scenario(size=300, days=1))
    quiet.run()
    kinds = {e.kind for e in quiet.trace.events}
    assert "ev.day" in kinds and "ev.plugin" not in kinds
    seen = []
    loud = World.from_dict(fleet_scenario(size=300, days=1))
    loud.listen("ev.plugin", seen.append)
    loud.run()
    assert len(seen) == loud.components["fleet"].model.totals.plugins > 0
    assert {"ev", "soc", "location"} <= set(seen[0].payload)


def test_listening_does_not_change_results():
    a = _run(fleet_scenario(size=300, days=1)).timeseries()
    w = World.from_dict(fleet_scenario(size=300, days=1))
    w.listen("ev.plugin", lambda e: None)
    w.run()
    assert a.equals(w.timeseries())


def test_sample_larger_than_size_is_an_input_error():
    with pytest.raises(InputError) as err:
        World.from_dict(fleet_scenario(size=100, sample=200))
    assert "fleet" in err.value.key_path


def test_unknown_parameter_is_an_input_error():
    data = fleet_scenario()
    data["components"]["fleet"]["chargers"] = 3
    with pytest.raises(InputError):
        World.from_dict(data)


def test_bad_policy_is_an_input_error():
    with pytest.raises(InputError):
        World.from_dict(fleet_scenario(charging_policy="bogus"))


def test_breakpoint_on_a_plugin_event_stops_with_that_ev_plugged():
    w = World.from_dict(fleet_scenario(size=300, days=1))
    w.break_on("ev.plugin", lambda e: e.payload["soc"] < 0.5)
    reason = w.run()
    assert reason.reason == "breakpoint"
    ev = w.components["fleet"][reason.event.payload["ev"]]
    assert ev.plugged and ev.soc < 0.5


def test_warmup_as_long_as_the_run_is_an_input_error():
    with pytest.raises(InputError) as err:
        World.from_dict(fleet_scenario(days=2, warmup_days=2))
    assert err.value.key_path == "components.fleet.warmup_days / clock.days"


def test_arrival_events_say_where_and_whether_the_ev_plugs_in():
    seen = []
    w = World.from_dict(fleet_scenario(size=200, days=1))
    w.listen("ev.arrive", seen.append)
    w.run()
    assert seen and {e.payload["location"] for e in seen} <= {"home", "work", "other"}
    plugged = sum(e.payload["plugs_in"] for e in seen)
    assert plugged == w.components["fleet"].model.totals.plugins


def test_series_are_bit_identical_in_a_fresh_process():
    import hashlib
    import json
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import hashlib, json, sys; import agents.builtin_components; from simcore import World; "
        "w = World.from_dict(json.loads(sys.argv[1]), seed=5); w.run(); "
        "print(hashlib.sha256(w.timeseries().drop(columns='time').to_numpy().tobytes()).hexdigest())"
    )
    data = fleet_scenario(size=500, days=2, plugin_model="soc_next_trip", charging_policy="night_tariff",
                          night_offset_max_min=45)
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", code, json.dumps(data)], cwd=root, capture_output=True,
                         text=True, check=True).stdout.strip()
    w = World.from_dict(data, seed=5)
    w.run()
    here = hashlib.sha256(w.timeseries().drop(columns="time").to_numpy().tobytes()).hexdigest()
    assert out == here
