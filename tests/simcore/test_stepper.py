"""The stepper: scripted commands drive a world and print what happened (the cases of issue 17)."""

from __future__ import annotations

import re

import pytest

import scenarios
from simcore import World
from simcore.stepper import Stepper, lookup, pretty
from tests.simcore.toy_components import toy_scenario


def _run(commands: list[str], world: World | None = None) -> tuple[Stepper, str]:
    lines: list[str] = []
    stepper = Stepper(world or World.from_dict(toy_scenario()), say=lines.append)
    stepper.repl(commands)
    return stepper, "\n".join(lines)


def _quickstart() -> World:
    return World.from_scenario(scenarios.path("quickstart.yaml"), overrides={"fleet.sample": 400})


def test_tick_moves_the_clock_and_says_which_tick_is_next():
    stepper, out = _run(["tick 4"])
    assert stepper.world.now == 1.0 and "4/96 ticks done: tick 4 is next" in out


def test_break_with_condition_then_continue_stops_there():
    stepper, out = _run(["break mail.posted n == 2", "continue"])
    assert stepper.world.now == 3.0 and "stopped at breakpoint 1" in out


def test_until_show_and_summary():
    stepper, out = _run(["until 2030-01-01T03:00", "show pulse", "summary"])
    assert stepper.world.now == 3.0 and '"count": 3' in out and "mail.letters: 1" in out  # the letter at 3 h is not yet posted


def test_bad_commands_report_an_error_and_go_on():
    stepper, out = _run(["frobnicate", "tick 0", "show nobody", "until", "tick"])
    assert out.count("error:") == 4 and stepper.world.ticks_done == 1


def test_quit_stops_reading():
    stepper, _ = _run(["quit", "tick 10"])
    assert stepper.done and stepper.world.ticks_done == 0


def test_event_names_the_component_not_simpy_internals():
    _, out = _run(["event 3"])
    assert "tick 0: pulse; emitted pulse (pulse)" in out and "mail: post" in out
    assert "Timeout" not in out and "resuming" not in out


def test_or_condition_with_a_bare_word_fires_on_the_quickstart():
    stepper, out = _run(["break ev.plugin soc < 0.2 or location == work", "continue"], _quickstart())
    event = stepper.world.last_stop.event
    assert event.kind == "ev.plugin" and (event.payload["soc"] < 0.2 or event.payload["location"] == "work")


@pytest.mark.parametrize("command, message", [
    ("break ev.plgin", "did you mean ev.plugin"),
    ("break ev.plugin soc << 0.2", "cannot use 'soc << 0.2'"),
    ("break ev.plugin soc < 0.2 and", "incomplete"),
    ("break ev.plugin charge < 0.2", "has no field 'charge'"),
])
def test_misspelled_kinds_fields_and_malformed_conditions_are_rejected(command, message):
    stepper, out = _run([command, "breaks"], _quickstart())
    assert message in out and "no breakpoints" in out


def test_kinds_lists_declared_kinds_and_fields():
    _, out = _run(["kinds ev.plugin"], _quickstart())
    assert "ev.plugin  (from fleet; per entity" in out and "    soc: state of charge at plug-in, 0-1" in out


def test_show_gives_the_state_at_the_event_and_after_the_tick():
    stepper, out = _run(["break ev.plugin soc < 0.3 and location == home", "continue"], _quickstart())
    event = stepper.world.last_stop.event
    key = f"ev:{event.payload['ev']}"
    lines: list[str] = []
    stepper.say = lines.append
    stepper.execute(f"show {key}")
    text = "\n".join(lines)
    assert f"{key} at the event: snapshot taken when ev.plugin #{event.seq} fired (tick " in text
    at_event = stepper.world.inspect(key, at="event")
    assert at_event["soc"] == event.payload["soc"] and at_event["plugged"]
    assert f"{key} now, after tick {stepper.world.position()['tick']} (every component has finished it)" in text
    assert re.search(r"soc: [0-9.]+ -> [0-9.]+", text)   # it charged during the rest of the tick


def test_ids_with_a_wrong_prefix_are_rejected():
    _, out = _run(["show battery:71", "show residential:unit", "show ev:B000001", "show fleet"], _quickstart())
    assert "error: this world holds no batteries" in out and "error: 'residential' (load_curve) holds no entities" in out
    assert "use battery:B000001" in out and out.count("error:") == 3
    cohort = World.from_scenario(scenarios.path("fleet_ageing.yaml"), overrides={"cohort.size": 50})
    _, out = _run(["until 2016-01-01", "show battery:71", "show ev:B000001", "show battery:B000001", "show ev:3"], cohort)
    assert "error: not a battery passport: '71'" in out and "use battery:B000001" in out and out.count("error:") == 2


def test_events_filter_by_kind_count_and_condition():
    stepper, out = _run(["trace ev.arrive", "until 12", "events ev.arrive 3 where location == work and plugs_in"],
                        _quickstart())
    shown = [line for line in out.splitlines() if " ev.arrive " in line]
    assert len(shown) == 3 and all("location=work" in s and "plugs_in=True" in s for s in shown)


def test_events_of_a_per_entity_kind_nobody_recorded_say_why():
    _, out = _run(["until 12", "events ev.plugin"], _quickstart())
    assert "recorded only while a breakpoint or `trace ev.plugin` wants them" in out


def test_tbreak_ignore_disable_enable():
    stepper, out = _run(["tbreak pulse", "continue", "breaks", "break pulse", "ignore 2 2", "continue"])
    assert "hit 1 (temporary: deleted)" in out and stepper.world.last_stop.event.payload["n"] == 4
    stepper, out = _run(["break pulse", "disable 1", "until 5", "enable 1", "continue"])
    assert "disabled" in out and stepper.world.last_stop.event.payload["n"] == 6


def test_watch_prints_at_every_stop():
    _, out = _run(["watch pulse.output_mw", "watch pulse.count", "tick", "tick"])
    assert out.count("watch 1: pulse.output_mw = ") == 3 and out.count("watch 2: pulse.count = ") == 3
    _, out = _run(["watch nothing.here"])
    assert "error:" in out


def test_rewind_replays_to_the_time_with_the_same_breakpoints():
    stepper, out = _run(["break mail.posted n == 10", "until 9", "rewind 4.6", "continue"])
    straight, _ = _run(["break mail.posted n == 10", "continue"])
    assert stepper.world.now == straight.world.now == 15.0
    assert stepper.world.summary().equals(straight.world.summary())
    assert "replaying from the seed" in out and "stopped at breakpoint 1" in out


def test_rewind_past_the_horizon_is_refused_before_anything_is_replayed():
    stepper, out = _run(["tick", "rewind 100000"])
    assert "error: cannot rewind to 100000" in out and "replaying" not in out
    assert stepper.world.ticks_done == 1


def test_completions_cover_commands_kinds_and_fields():
    stepper = Stepper(_quickstart(), say=lambda line: None)
    assert stepper.completions("br") == ["break ", "breaks "]
    assert stepper.completions("break ev.pl") == ["ev.plugin "]
    assert "soc" in stepper.completions("break ev.plugin s")
    assert "ev:" in stepper.completions("show e")


def test_lookup_reads_series_kpis_and_fields():
    world = World.from_dict(toy_scenario())
    world.run(until=2.0)
    assert lookup(world, "pulse.count") == 2 and lookup(world, "pulse:3.pulse") == 3
    assert lookup(world, "pulse.energy_mwh") == world.summary()["pulse.energy_mwh"]


def test_pretty_keeps_plain_lists_on_one_line():
    assert pretty({"a": [1, 2.5], "b": {"c": "x"}}) == '{\n  "a": [1, 2.5],\n  "b": {\n    "c": "x"\n  }\n}'


def test_print_shows_one_value_once():
    _, out = _run(["tick 8", "p pulse:3", "print pulse.count"])
    assert 'pulse:3 = {\n  "pulse": 3,' in out and "pulse.count = 2" in out
