"""The World: one clock, ticks, runs that say why they stopped, breakpoints, inspection."""

import pytest

from simcore import World
from tests.simcore.toy_components import toy_scenario


@pytest.fixture
def world() -> World:
    return World.from_dict(toy_scenario(days=1))


def test_run_to_end_processes_every_tick(world):
    reason = world.run()
    assert reason.reason == "end"
    assert world.ticks_done == 96 and world.now == 24.0 and world.finished


def test_run_until_stops_before_events_at_that_time(world):
    reason = world.run(until=2.0)
    assert reason.reason == "until" and world.now == 2.0
    assert world.ticks_done == 8  # ticks at 0, 0.25, ..., 1.75


def test_run_until_accepts_timestamps(world):
    world.run(until="2030-01-01 06:00")
    assert world.now == 6.0


def test_step_advances_exactly_one_tick_and_mesa_step_count(world):
    world.step()
    world.step()
    assert world.now == 0.5 and world.ticks_done == 2 and world.steps == 2


def test_event_breakpoint_stops_right_after_the_matching_event(world):
    world.break_on("mail.posted", lambda e: e.payload["n"] == 3)
    reason = world.run()
    assert reason.reason == "breakpoint"
    assert reason.event.payload == {"n": 3} and world.now == 4.5


def test_time_breakpoint_stops_at_that_time_once(world):
    world.break_at(10.0)
    assert world.run().reason == "breakpoint" and world.now == 10.0
    assert world.run().reason == "end"


def test_next_event_processes_one_simpy_event(world):
    first = world.next_event()
    assert first["time_h"] == 0
    world.run(until=1.0)
    info = world.next_event()
    assert info["time_h"] == 1.0 and "_ticker" in info["event"]


def test_listener_sees_events_and_results_match_fast_path():
    fast = World.from_dict(toy_scenario())
    fast.run()
    slow = World.from_dict(toy_scenario())
    seen = []
    slow.listen("pulse", seen.append)
    slow.run()
    assert len(seen) == 24
    assert fast.summary().equals(slow.summary())
    assert fast.timeseries().equals(slow.timeseries())


def test_inspect_component_and_entity(world):
    world.run(until=2.0)
    assert world.inspect("pulse")["count"] == 2
    assert world.inspect("pulse:3")["pulse"] == 3
    with pytest.raises(KeyError, match="nothing answers"):
        world.inspect("nobody:1")


def test_cannot_run_backwards(world):
    world.run(until=3.0)
    with pytest.raises(ValueError, match="backwards"):
        world.run(until=1.0)


def test_timeseries_has_time_column_and_ticks_done_rows(world):
    world.run(until=6.0)
    frame = world.timeseries()
    assert list(frame.columns) == ["time", "pulse.output_mw"] and len(frame) == 24
