"""The dashboard's server side without a browser: a session steps, runs, pauses and aggregates."""

from __future__ import annotations

import time

import pytest

import scenarios
from simcore.errors import InputError
from viz.dashboard import plots
from viz.dashboard.session import SOH_BINS, Choice, DashboardSession


def _session(*overrides: str, file: str = "quickstart.yaml") -> DashboardSession:
    return DashboardSession(Choice(scenarios.path(file), overrides=("fleet.sample=300", *overrides)))


def test_step_moves_the_clock_and_the_view_follows():
    s = _session()
    s.step(3)
    view = s.view()
    assert view.ticks_done == 3 and view.clock == "2030-07-30 00:45" and view.status == "stepped"
    assert set(view.now) >= {"ev.demand_mw", "ev.mean_soc"} and len(view.window_time) == 3


def test_a_background_run_pauses_on_request_and_stays_paused():
    s = _session("clock.days=60")
    s.start_run(chunk_s=0.05)
    time.sleep(0.3)
    s.pause()
    s._runner.join(timeout=10)
    done = s.world.ticks_done
    assert 0 < done < s.world.clock.n_ticks and s.view().status == "paused"
    time.sleep(0.2)
    assert s.world.ticks_done == done


def test_the_view_is_aggregates_whose_size_does_not_grow_with_the_fleet():
    small, large = _session(), _session("fleet.sample=3000")
    for s in (small, large):
        s.step(8)
    a, b = small.view(), large.view()
    assert {k: v.shape for k, v in a.window.items()} == {k: v.shape for k, v in b.window.items()}


def test_inspect_answers_ids_and_explains_wrong_ones():
    s = _session()
    assert '"id": 3' in s.inspect("ev:3")
    assert s.inspect("battery:71") == "error: this world holds no batteries"
    assert s.inspect("ev:B000001").startswith("error: ev:B000001 names a battery passport")


def test_events_filter_with_a_condition_and_a_bad_filter_is_explained():
    s = _session()
    s.event_filter = "ev.plugin where soc < 0.9"
    s.record_filtered_kind = True
    s.view()           # turns recording of ev.plugin on
    s.step(40)
    lines = s.view().events
    assert lines and all(" ev.plugin " in line for line in lines)
    s.event_filter = "ev.plugin where soc <"
    assert s.view().events_note.startswith("filter: condition 'soc <' is incomplete")


def test_reset_builds_a_fresh_world_and_rejects_bad_choices():
    s = _session()
    s.step(2)
    s.reset()
    assert s.world.ticks_done == 0
    with pytest.raises(InputError):
        s.reset(Choice(scenarios.path("quickstart.yaml"), overrides=("fleet.sample=-1",)))


def test_cohort_scenarios_get_an_soh_histogram_and_battery_flows():
    s = DashboardSession(Choice(scenarios.path("fleet_ageing.yaml"), overrides=("cohort.size=300",)))
    s.step(3000)
    view = s.view()
    assert view.soh_counts is not None and view.soh_counts.sum() > 0 and len(view.soh_counts) == len(SOH_BINS) - 1
    assert view.flows["sold (so far)"] > 0 and "retired (so far)" in view.flows
    assert view.flows["cars (now)"] > 0
    assert plots.soh_histogram(view) is not None and plots.battery_flows(view) is not None
    assert plots.dispatch_stack(view) is None and plots.load_curve(view) is None   # no grid, no load curves


def test_every_panel_draws_before_the_first_tick():
    view = _session().view()
    assert plots.load_curve(view) is not None and plots.ev_by_location(view) is not None


def test_facility_scenarios_show_packs_in_the_4r_stages():
    s = DashboardSession(Choice(scenarios.path("fourr_grading_study.yaml"), overrides=("clock.days=120",)))
    s.step(120)
    flows = s.view().flows
    assert flows.get("grading (now)", 0) + flows.get("stock (now)", 0) > 0
    assert any(k.startswith(("second life", "recycl")) for k in flows), flows
