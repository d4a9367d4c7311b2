"""The stepper: scripted commands drive a world and print what happened."""

from simcore import World
from simcore.stepper import Stepper
from tests.simcore.toy_components import toy_scenario


def _run(commands: list[str]) -> tuple[Stepper, str]:
    lines: list[str] = []
    stepper = Stepper(World.from_dict(toy_scenario()), say=lines.append)
    stepper.repl(commands)
    return stepper, "\n".join(lines)


def test_tick_moves_the_clock():
    stepper, out = _run(["tick 4"])
    assert stepper.world.now == 1.0 and "tick 4/96" in out


def test_break_with_condition_then_continue_stops_there():
    stepper, out = _run(["break mail.posted n == 2", "continue"])
    assert stepper.world.now == 3.0 and "breakpoint 1" in out


def test_until_show_and_summary():
    stepper, out = _run(["until 2030-01-01T03:00", "show pulse", "summary"])
    assert stepper.world.now == 3.0 and '"count": 3' in out and "mail.letters: 1" in out  # the letter at 3 h is not yet posted


def test_bad_command_reports_an_error_and_goes_on():
    stepper, out = _run(["frobnicate", "tick 0", "show nobody", "tick"])
    assert out.count("error:") == 3 and stepper.world.ticks_done == 1


def test_quit_stops_reading():
    stepper, _ = _run(["quit", "tick 10"])
    assert stepper.done and stepper.world.ticks_done == 0


def test_event_steps_one_simpy_event():
    stepper, out = _run(["event 3"])
    assert out.count("resuming") == 3
