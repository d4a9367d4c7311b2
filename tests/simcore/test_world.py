"""The World: one clock, ticks, runs that say why they stopped, breakpoints, inspection, replay."""

import pytest

from simcore import World
from simcore.conditions import ConditionError
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


def test_a_condition_text_is_a_breakpoint_predicate(world):
    world.break_on("pulse", "n == 2 or n > 10")
    assert world.run().event.payload["n"] == 2


def test_breaks_on_undeclared_kinds_or_fields_are_rejected(world):
    with pytest.raises(ValueError, match="did you mean mail.posted"):
        world.break_on("mail.post")
    with pytest.raises(ConditionError, match="has no field 'count'"):
        world.break_on("pulse", "count > 1")
    assert world.trace.breakpoints == []


def test_time_breakpoint_stops_at_that_time_once(world):
    world.break_at(10.0)
    assert world.run().reason == "breakpoint" and world.now == 10.0
    assert world.run().reason == "end"


def test_temporary_breakpoint_is_deleted_when_it_stops_a_run(world):
    world.break_on("pulse", temporary=True)
    assert world.run().reason == "breakpoint" and world.trace.breakpoints == []


def test_one_tick_counter_and_whether_the_clock_tick_has_run(world):
    world.break_on("pulse", "n == 2")
    world.run()   # pulse 2 fires during tick 4 (every 4 ticks from tick 0)
    pos = world.position()
    assert pos["tick"] == 4 and pos["ticks_done"] == 5 and pos["tick_done"]
    world.step()
    pos = world.position()
    assert pos["tick"] == 5 and pos["ticks_done"] == 5 and not pos["tick_done"]


def test_a_stop_snapshots_the_entity_the_event_names(world):
    world.break_on("pulse", "n == 2")
    stop = world.run()
    assert stop.during == "tick 4: pulse"
    assert stop.snapshots == {"pulse:2": world.inspect("pulse:2")}
    assert world.inspect("pulse:2", at="event") == stop.snapshots["pulse:2"]
    with pytest.raises(KeyError, match="no snapshot"):
        world.inspect("pulse:3", at="event")


def test_next_event_is_labelled_by_component(world):
    start = [world.next_event() for _ in range(2)]   # the processes start: mail's, then the ticker's
    assert [i["event"] for i in start] == ["mail: post", "tick 0: pulse"]
    assert [e.kind for e in start[1]["emitted"]] == ["pulse"] and start[1]["time_h"] == 0
    world.run(until=1.4)
    info = world.next_event()
    assert info["time_h"] == 1.5 and info["event"] == "mail: post"


def test_a_pause_request_stops_an_interruptible_run_after_the_current_event(world):
    world.interruptible = True
    world.listen("pulse", lambda e: world.request_pause() if e.payload["n"] == 3 else None)
    stop = world.run()
    assert stop.reason == "paused" and world.now == 2.0 and world.run(until=3.0).reason == "until"


def test_replay_reaches_the_same_state_and_keeps_the_breakpoints(world):
    world.break_on("mail.posted", "n >= 5")
    world.run(until=20.0)
    again = world.replay(6.0)
    fresh = World.from_dict(toy_scenario(days=1))
    fresh.run(until=6.0)
    assert again.now == 6.0 and again.summary().equals(fresh.summary())
    assert [bp.description for bp in again.trace.breakpoints] == ["mail.posted n >= 5"]
    assert again.run().event.payload["n"] == 5 and again.now == 7.5


def test_events_are_filtered_by_kind_and_condition(world):
    world.run(until=12.0)
    got = world.events("mail.posted", last=3, where="n > 2")
    assert [e.payload["n"] for e in got] == [5, 6, 7]
    with pytest.raises(ValueError, match="declares event kind"):
        world.events("mail")


def test_emitting_an_undeclared_kind_warns_once(world):
    with pytest.warns(UserWarning, match="which no component declares"):
        world.emit("surprise", "pulse")
    world.emit("surprise", "pulse")
    assert world.undeclared_kinds == {"surprise"}


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
    with pytest.raises(KeyError, match="no component holds 'nobody' ids"):
        world.inspect("nobody:1")


def test_an_id_a_component_does_not_hold_is_rejected(world):
    with pytest.raises(KeyError, match="holds no entities"):
        world.inspect("mail:1")


def test_cannot_run_backwards(world):
    world.run(until=3.0)
    with pytest.raises(ValueError, match="backwards"):
        world.run(until=1.0)


def test_timeseries_has_time_column_and_ticks_done_rows(world):
    world.run(until=6.0)
    frame = world.timeseries()
    assert list(frame.columns) == ["time", "pulse.output_mw"] and len(frame) == 24



def test_a_finished_world_is_freed():
    """Nothing keeps a world alive once its caller drops it (sweeps and benchmarks run many in turn)."""
    import gc
    import weakref

    world = World.from_dict(toy_scenario())
    world.run()
    ref = weakref.ref(world)
    del world
    gc.collect()
    assert ref() is None
