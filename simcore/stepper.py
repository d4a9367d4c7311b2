"""An interactive stepper over a World, driven by text commands (stdin, a script, or Python).

Commands: ``tick [N]``, ``event [N]``, ``until TIME``, ``break KIND [CONDITION]``, ``break at TIME``,
``breaks``, ``delete ID``, ``continue``, ``show ID``, ``series [NAME]``, ``summary``, ``time``,
``help``, ``quit``. TIME is hours since start (``36``, ``36.5``) or a timestamp (``2030-08-01T18:00``).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from simcore.trace import parse_condition
from simcore.world import StopReason, World

HELP = __doc__.split("\n\n", 1)[1].strip()


class Stepper:
    """Executes stepper commands against ``world``; ``say`` receives every line of output."""

    def __init__(self, world: World, say: Callable[[str], None] = print) -> None:
        self.world = world
        self.say = say
        self.done = False

    # -- the loop ------------------------------------------------------------------------------
    def repl(self, lines: Iterable[str], prompt: Callable[[], None] | None = None) -> None:
        """Run commands until ``quit`` or the input ends."""
        self._where()
        for line in lines:
            if not self.execute(line):
                break
            if prompt is not None:
                prompt()

    def execute(self, line: str) -> bool:
        """Run one command; False means quit."""
        try:
            words = shlex.split(line, comments=True)
        except ValueError as exc:
            self.say(f"error: {exc}")
            return True
        if not words:
            return True
        cmd, args = words[0].lower(), words[1:]
        handler = getattr(self, f"_cmd_{cmd}", None)
        if handler is None:
            self.say(f"error: unknown command {cmd!r}; commands: tick, event, until, break, breaks, "
                     f"delete, continue, show, series, summary, time, help, quit")
            return True
        try:
            return handler(args) is not False
        except (ValueError, KeyError, TypeError) as exc:
            self.say(f"error: {exc.args[0] if exc.args else exc}")
            return True

    # -- commands ------------------------------------------------------------------------------
    def _cmd_tick(self, args: list[str]) -> None:
        for _ in range(_count(args)):
            if self._at_end():
                break
            self.world.step()
            stop = self.world.last_stop
            if stop is not None and stop.reason == "breakpoint":
                self._report(stop)
                return
        self._where()

    def _cmd_event(self, args: list[str]) -> None:
        for _ in range(_count(args)):
            info = self.world.next_event()
            if info is None:
                self.say("no more events")
                break
            self.say(f"{info['timestamp']}  {info['event']}")
            if info["breakpoint"] is not None:
                bp, event = info["breakpoint"]
                self.say(f"breakpoint {bp.id} hit: {event.kind} from {event.source} {event.payload}")
                break

    def _cmd_until(self, args: list[str]) -> None:
        if not args:
            raise ValueError("until needs a TIME (hours since start or a timestamp)")
        self._report(self.world.run(until=_time_arg(" ".join(args))))

    def _cmd_continue(self, args: list[str]) -> None:
        self._report(self.world.run())

    _cmd_c = _cmd_continue

    def _cmd_break(self, args: list[str]) -> None:
        if not args:
            raise ValueError("break needs an event KIND (or 'at TIME'), optionally a CONDITION")
        if args[0] == "at":
            bp = self.world.break_at(_time_arg(" ".join(args[1:])))
        else:
            condition = " ".join(args[1:])
            predicate = parse_condition(condition) if condition else None
            bp = self.world.break_on(args[0], predicate, description=f"{args[0]} {condition}".strip())
        self.say(f"breakpoint {bp.id}: {bp.description}")

    def _cmd_breaks(self, args: list[str]) -> None:
        if not self.world.trace.breakpoints:
            self.say("no breakpoints")
        for bp in self.world.trace.breakpoints:
            self.say(f"{bp.id}: {bp.description} (hits {bp.hits})")

    def _cmd_delete(self, args: list[str]) -> None:
        for arg in args:
            self.world.clear_breakpoint(int(arg))
        self._cmd_breaks([])

    def _cmd_show(self, args: list[str]) -> None:
        if not args:
            raise ValueError("show needs an ID: a component name, or e.g. ev:12")
        self.say(json.dumps(self.world.inspect(args[0]), indent=2, default=_plain, sort_keys=True))

    def _cmd_series(self, args: list[str]) -> None:
        frame = self.world.timeseries()
        if not args:
            self.say("series: " + ", ".join(c for c in frame.columns if c != "time"))
            return
        if args[0] not in frame.columns:
            raise KeyError(f"no series {args[0]!r}")
        tail = frame[["time", args[0]]].tail(_count(args[1:], default=8))
        self.say(tail.to_string(index=False))

    def _cmd_summary(self, args: list[str]) -> None:
        for key, value in self.world.summary().items():
            self.say(f"{key}: {value}")

    def _cmd_time(self, args: list[str]) -> None:
        self._where()

    def _cmd_help(self, args: list[str]) -> None:
        self.say(HELP)

    def _cmd_quit(self, args: list[str]) -> bool:
        self.done = True
        return False

    _cmd_exit = _cmd_quit

    # -- helpers -------------------------------------------------------------------------------
    def _where(self) -> None:
        w = self.world
        self.say(f"time {w.timestamp} ({w.now:g} h), tick {w.ticks_done}/{w.clock.n_ticks}")

    def _at_end(self) -> bool:
        if self.world.ticks_done >= self.world.clock.n_ticks:
            self.say("at the end of the horizon")
            return True
        return False

    def _report(self, reason: StopReason) -> None:
        self.say(f"stopped: {reason}")
        self._where()


def _count(args: list[str], default: int = 1) -> int:
    if not args:
        return default
    n = int(args[0])
    if n < 1:
        raise ValueError("N must be a positive whole number")
    return n


def _time_arg(text: str) -> float | str:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pd.Timestamp(text)  # raises ValueError on nonsense
        return text


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)
