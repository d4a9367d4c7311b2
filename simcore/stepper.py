"""An interactive stepper over a World, driven by text commands (a terminal, a script, or Python).

Every command is a method of :class:`Stepper` (``execute("break ev.plugin soc < 0.2")``); the terminal
front end (``evcycle step``, :mod:`simcore.cli.step`) adds readline history and completion and turns
Ctrl-C during a run into a pause. TIME is hours since start (``36``, ``36.5``) or a timestamp
(``2030-08-01T18:00``). Conditions are ``simcore.conditions`` text: ``soc < 0.2 or location == work``.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from simcore.conditions import ConditionError
from simcore.trace import Event
from simcore.world import StopReason, World

#: command -> (usage, what it does); the order is the order of ``help``
COMMANDS: dict[str, tuple[str, str]] = {
    "tick": ("tick [N]", "advance to the start of the next tick, N times (stops early at a breakpoint)"),
    "event": ("event [N]", "process one SimPy event (a tick, a component's process), N times"),
    "until": ("until TIME", "run until TIME, stopping early at a breakpoint"),
    "continue": ("continue | c", "run to the end of the horizon or the next breakpoint (Ctrl-C pauses)"),
    "break": ("break KIND [CONDITION] | break at TIME",
              "stop after an event of KIND (declared, or a pattern like ev.*) whose payload meets CONDITION"),
    "tbreak": ("tbreak KIND [CONDITION] | tbreak at TIME", "like break, deleted when it first stops a run"),
    "breaks": ("breaks", "list breakpoints with their hit counts"),
    "delete": ("delete ID...", "delete breakpoints"),
    "disable": ("disable ID...", "disable breakpoints (kept, never stop, cost nothing)"),
    "enable": ("enable ID...", "enable breakpoints again"),
    "ignore": ("ignore ID COUNT", "let the next COUNT matches of breakpoint ID pass"),
    "watch": ("watch EXPR | display EXPR",
              "print EXPR at every stop: a series (ev.demand_mw), a KPI (ev.energy_mwh) or ID.FIELD (ev:12.soc)"),
    "unwatch": ("unwatch [N]", "drop watch N (all without N)"),
    "print": ("print EXPR | p EXPR", "print EXPR once (as watch reads it): e.g. p grid.settled_day.ev_clusters"),
    "events": ("events [KIND] [N] [where CONDITION]", "the last N (10) recorded events, of KIND, meeting CONDITION"),
    "trace": ("trace [KIND]", "record per-entity events of KIND in full from now on (list without KIND)"),
    "kinds": ("kinds [PATTERN]", "event kinds the components declare, with their payload fields"),
    "show": ("show [--now] ID [--out DIR [--overwrite]]",
             "a component (fleet, grid) or entity (ev:12, battery:B000012) at the stop's event and now; "
             "--out writes what the component exports (grid: the settled day's problem folder, "
             "--stage day_ahead|intraday|settlement)"),
    "rewind": ("rewind [TIME]", "replay from the seed to TIME (default: the start) with the same breakpoints"),
    "series": ("series [NAME [N]]", "recorded series names, or the last N values of one"),
    "summary": ("summary [TEXT]", "KPIs (those whose name contains TEXT)"),
    "time": ("time | where", "where the run is: clock, ticks done, the current tick"),
    "help": ("help [COMMAND]", "this list, or one command"),
    "quit": ("quit | q | exit", "leave"),
}
ALIASES = {"p": "print", "c": "continue", "cont": "continue", "display": "watch", "undisplay": "unwatch", "where": "time",
           "q": "quit", "exit": "quit", "b": "break", "n": "tick", "s": "event", "info": "breaks"}
HELP = "\n".join(f"  {usage:<44} {text}" for usage, text in COMMANDS.values())
RUNNING = {"tick", "event", "until", "continue", "rewind"}


@dataclass
class Watch:
    id: int
    expr: str


class Stepper:
    """Executes stepper commands against ``world``; ``say`` receives every line of output.

    ``interruptible``: runs check for a pause request after every SimPy event (the terminal sets it so
    Ctrl-C during ``continue`` pauses instead of ending the session).
    """

    def __init__(self, world: World, say: Callable[[str], None] = print, interruptible: bool = False) -> None:
        self.world = world
        self.world.interruptible = interruptible or world.interruptible
        self.say = say
        self.done = False
        self.watches: list[Watch] = []
        self._watch_ids = 0

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
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        word, _, rest = text.partition(" ")
        cmd = ALIASES.get(word.lower(), word.lower())
        handler = getattr(self, f"_cmd_{cmd}", None)
        if handler is None:
            close = [c for c in COMMANDS if c.startswith(cmd[:2])]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            self.say(f"error: unknown command {word!r}{hint}; `help` lists the commands")
            return True
        try:
            return handler(rest.strip()) is not False
        except (ValueError, KeyError, TypeError, ConditionError) as exc:
            self.say(f"error: {exc.args[0] if exc.args else exc}")
            return True
        except Exception as exc:  # an InputError from writing, for one
            message = getattr(exc, "message", None)
            if message is None:
                raise
            self.say(f"error: {message}")
            return True

    def interrupt(self) -> None:
        """Ask the run in progress to pause after the SimPy event it is processing."""
        self.world.request_pause()

    # -- running -------------------------------------------------------------------------------
    def _cmd_tick(self, rest: str) -> None:
        for _ in range(_count(rest)):
            if self._at_end():
                break
            self.world.step()
            stop = self.world.last_stop
            if stop is not None and stop.reason in ("breakpoint", "paused"):
                self._report(stop)
                return
        self._where()
        self._show_watches()

    def _cmd_event(self, rest: str) -> None:
        for _ in range(_count(rest)):
            info = self.world.next_event()
            if info is None:
                self.say("no more events")
                break
            emitted = info["emitted"]
            what = ""
            if emitted:
                kinds: dict[tuple[str, str], int] = {}
                for e in emitted:
                    kinds[(e.kind, e.source)] = kinds.get((e.kind, e.source), 0) + 1
                what = "; emitted " + ", ".join(f"{k}{f' x{n}' if n > 1 else ''} ({s})" for (k, s), n in kinds.items())
            self.say(f"{_ts(info['timestamp'])}  {info['event']}{what}")
            if info["breakpoint"] is not None:
                self._report(self.world.last_stop)
                return
        self._where()
        self._show_watches()

    def _cmd_until(self, rest: str) -> None:
        if not rest:
            raise ValueError("until needs a TIME (hours since start or a timestamp)")
        self._report(self.world.run(until=_time_arg(rest)))

    def _cmd_continue(self, rest: str) -> None:
        self._report(self.world.run())

    def _cmd_rewind(self, rest: str) -> None:
        target = _time_arg(rest) if rest else 0.0
        hours = self.world._to_hours(target)
        if not 0.0 <= hours <= self.world.clock.horizon_h:  # refused before saying anything is replayed
            raise ValueError(f"cannot rewind to {rest}: the horizon is 0..{self.world.clock.horizon_h:g} h")
        self.say(f"replaying from the seed to {self.world.clock.timestamp(hours)} ...")
        self.world = self.world.replay(target)
        self._where()
        self._show_watches()

    # -- breakpoints ---------------------------------------------------------------------------
    def _cmd_break(self, rest: str, temporary: bool = False) -> None:
        if not rest:
            raise ValueError("break needs an event KIND (or 'at TIME'), optionally a CONDITION; `kinds` lists kinds")
        kind, _, condition = rest.partition(" ")
        if kind == "at":
            bp = self.world.break_at(_time_arg(condition), temporary=temporary)
        else:
            bp = self.world.break_on(kind, condition.strip() or None, temporary=temporary)
        self.say(f"{'temporary ' if temporary else ''}breakpoint {bp.id}: {bp.description}")

    def _cmd_tbreak(self, rest: str) -> None:
        self._cmd_break(rest, temporary=True)

    def _cmd_breaks(self, rest: str) -> None:
        if not self.world.trace.breakpoints:
            self.say("no breakpoints")
        for bp in self.world.trace.breakpoints:
            self.say(bp.describe())

    def _ids(self, rest: str, what: str) -> list[int]:
        words = rest.split()
        if not words:
            raise ValueError(f"{what} needs breakpoint IDs (see `breaks`)")
        try:
            return [int(w) for w in words]
        except ValueError:
            raise ValueError(f"breakpoint IDs are numbers (see `breaks`), got {rest!r}") from None

    def _cmd_delete(self, rest: str) -> None:
        for bp_id in self._ids(rest, "delete"):
            self.world.clear_breakpoint(bp_id)
        self._cmd_breaks("")

    def _cmd_disable(self, rest: str) -> None:
        for bp_id in self._ids(rest, "disable"):
            self.say(self.world.disable(bp_id).describe())

    def _cmd_enable(self, rest: str) -> None:
        for bp_id in self._ids(rest, "enable"):
            self.say(self.world.enable(bp_id).describe())

    def _cmd_ignore(self, rest: str) -> None:
        words = rest.split()
        if len(words) != 2:
            raise ValueError("usage: ignore ID COUNT")
        ids = self._ids(rest, "ignore")
        self.say(self.world.ignore(ids[0], ids[1]).describe())

    # -- watching and reading ------------------------------------------------------------------
    def _cmd_watch(self, rest: str) -> None:
        if not rest:
            if not self.watches:
                self.say("no watches")
            self._show_watches()
            return
        value = self._lookup(rest)   # fails now, not at every stop, if nothing answers
        self._watch_ids += 1
        self.watches.append(Watch(self._watch_ids, rest))
        self.say(f"watch {self._watch_ids}: {rest} = {_short(value)}")

    def _cmd_print(self, rest: str) -> None:
        if not rest:
            raise ValueError("print needs an EXPR: a series, a KPI or ID.FIELD (e.g. ev:12.soc)")
        self.say(f"{rest} = {pretty(self._lookup(rest))}")

    def _cmd_unwatch(self, rest: str) -> None:
        if not rest:
            self.watches.clear()
            self.say("no watches")
            return
        n = int(rest)
        if not any(w.id == n for w in self.watches):
            raise KeyError(f"no watch {n}; watches: {', '.join(str(w.id) for w in self.watches) or 'none'}")
        self.watches = [w for w in self.watches if w.id != n]

    def _cmd_events(self, rest: str) -> None:
        head, sep, cond = rest.partition(" where ")
        if not sep and rest.startswith("where "):
            head, cond = "", rest[len("where "):]
        kind: str | None = None
        last = 10
        for word in head.split():
            if word.isdigit():
                last = int(word)
            elif kind is None:
                kind = word
            else:
                raise ValueError("usage: events [KIND] [N] [where CONDITION]")
        found = self.world.events(kind, last=last, where=cond.strip() or None)
        for e in found:
            self.say(self.format_event(e))
        if not found:
            self.say(self._why_no_events(kind))

    def _why_no_events(self, kind: str | None) -> str:
        if kind is None:
            return "no events recorded yet"
        per_entity = [k for k, decl in self.world.event_kinds.items()
                      if any(spec.per_entity for _, spec in decl) and (k == kind or kind in ("*",) or
                                                                      k.startswith(kind.rstrip("*")))]
        if per_entity and not self.world.wants(per_entity[0]):
            return (f"no {kind} events recorded: {', '.join(per_entity)} are per-entity kinds, recorded only while "
                    f"a breakpoint or `trace {per_entity[0]}` wants them")
        return f"no {kind} events recorded (that match)"

    def _cmd_trace(self, rest: str) -> None:
        if rest:
            self.world.kind_fields(rest)   # rejects undeclared kinds
            self.world.trace.verbose_kinds.add(rest)
        kinds = sorted(self.world.trace.verbose_kinds)
        self.say("recorded in full: " + (", ".join(kinds) if kinds else "only the kinds every run records"))

    def _cmd_untrace(self, rest: str) -> None:
        self.world.trace.verbose_kinds.discard(rest)
        self._cmd_trace("")

    def _cmd_kinds(self, rest: str) -> None:
        pattern = rest or "*"
        self.world.kind_fields(pattern)
        from simcore.trace import kind_matches

        for kind in sorted(self.world.event_kinds):
            if not kind_matches(pattern, kind):
                continue
            decls = self.world.event_kinds[kind]
            sources = ", ".join(name for name, _ in decls)
            spec = decls[0][1]
            volume = "; per entity: recorded only while wanted (break / trace)" if spec.per_entity else ""
            self.say(f"{kind}  (from {sources}{volume}): {spec.description}")
            for name, text in spec.fields.items():
                opt = " (optional)" if name in spec.optional else ""
                self.say(f"    {name}{opt}: {text}")

    def _cmd_show(self, rest: str) -> None:
        words = shlex.split(rest)
        now_only = "--now" in words
        overwrite = "--overwrite" in words
        words = [w for w in words if w not in ("--now", "--overwrite")]
        out = _option(words, "--out")
        stage = _option(words, "--stage")
        if len(words) != 1:
            raise ValueError("usage: show [--now] ID [--out DIR [--overwrite] [--stage STAGE]]; e.g. show ev:12, "
                             "show fleet, show grid --out day3")
        key = words[0]
        if out is not None:
            target = f"{key}:{stage}" if stage else key
            self.say("written: " + self.world.write(target, Path(out), overwrite=overwrite))
            return
        if stage is not None:
            raise ValueError("--stage goes with --out")
        now = self.world.inspect(key)
        stop = self.world.last_stop
        snap = stop.snapshots.get(key) if stop is not None and not now_only else None
        if snap is not None:
            e = stop.event
            self.say(f"{key} at the event: snapshot taken when {e.kind} #{e.seq} fired ({stop.during}):")
            self.say(pretty(snap))
            changes = _changes(snap, now)
            self.say(f"{key} now, {self._after_what()}: " + ("unchanged since the event" if not changes else
                     "changed since the event:"))
            for line in changes:
                self.say("  " + line)
            return
        note = ""
        if stop is not None and stop.event is not None and not now_only:
            note = f" (the stop's event {stop.event.kind} does not name {key}, so no snapshot at the event exists)"
        self.say(f"{key} now, {self._after_what()}{note}:")
        self.say(pretty(now))

    def _cmd_series(self, rest: str) -> None:
        frame = self.world.timeseries()
        words = rest.split()
        if not words:
            self.say("series: " + ", ".join(c for c in frame.columns if c != "time"))
            return
        if words[0] not in frame.columns:
            raise KeyError(f"no series {words[0]!r}; `series` lists them")
        tail = frame[["time", words[0]]].tail(_count(" ".join(words[1:]), default=8))
        self.say(tail.to_string(index=False))

    def _cmd_summary(self, rest: str) -> None:
        for key, value in self.world.summary().items():
            if rest in key:
                self.say(f"{key}: {_short(value)}")

    def _cmd_time(self, rest: str) -> None:
        self._where()

    def _cmd_help(self, rest: str) -> None:
        if rest:
            cmd = ALIASES.get(rest, rest)
            if cmd not in COMMANDS:
                raise KeyError(f"no command {rest!r}; `help` lists them")
            usage, text = COMMANDS[cmd]
            self.say(f"{usage}\n    {text}")
            return
        self.say("commands:\n" + HELP)

    def _cmd_quit(self, rest: str) -> bool:
        self.done = True
        return False

    # -- output --------------------------------------------------------------------------------
    def format_event(self, e: Event) -> str:
        fields = " ".join(f"{k}={_short(v)}" for k, v in e.payload.items())
        return f"#{e.seq} {_ts(self.world.clock.timestamp(e.time_h))}  {e.source}  {e.kind}  {fields}"

    def position_text(self) -> str:
        p = self.world.position()
        head = f"{_ts(p['timestamp'])} ({p['time_h']:g} h) | {p['ticks_done']}/{p['n_ticks']} ticks done"
        if p["finished"] or p["ticks_done"] >= p["n_ticks"]:
            return head + ": the run is over"
        if p["tick_done"]:
            return (head + f": tick {p['tick']} has run (the stop came after every component finished it; "
                    "the clock stays at its start until the next event)")
        return head + f": tick {p['tick']} is next"

    def _after_what(self) -> str:
        p = self.world.position()
        if p["tick_done"]:
            return f"after tick {p['tick']} (every component has finished it)"
        if p["ticks_done"] == 0:
            return "before the first tick"
        return f"after tick {p['ticks_done'] - 1}, before tick {p['tick']}"

    def _where(self) -> None:
        self.say(self.position_text())

    def _at_end(self) -> bool:
        if self.world.ticks_done >= self.world.clock.n_ticks:
            self.say("at the end of the horizon")
            return True
        return False

    def _report(self, stop: StopReason) -> None:
        if stop.reason == "breakpoint" and stop.breakpoint is not None:
            bp = stop.breakpoint
            gone = " (temporary: deleted)" if bp.temporary else ""
            self.say(f"stopped at breakpoint {bp.id}: {bp.description}, hit {bp.hits}{gone}")
            if stop.event is not None:
                self.say(f"  {self.format_event(stop.event)}")
                self.say(f"  fired during {stop.during}" + (
                    f"; snapshot at the event: {', '.join(stop.snapshots)} (`show {next(iter(stop.snapshots))}`)"
                    if stop.snapshots else ""))
        elif stop.reason == "paused":
            self.say("paused (interrupted); the state is intact, continue with any command")
        else:
            self.say(f"stopped: {stop.reason} at {_ts(self.world.clock.timestamp(stop.time_h))}")
        self._where()
        self._show_watches()

    def _show_watches(self) -> None:
        stop = self.world.last_stop
        for w in self.watches:
            try:
                value = _short(self._lookup(w.expr))
            except (KeyError, ValueError, TypeError) as exc:
                value = f"<{exc.args[0] if exc.args else exc}>"
            at_event = ""
            if stop is not None and stop.snapshots:
                try:
                    at_event = f" (at the event: {_short(self._lookup(w.expr, at='event'))})"
                except (KeyError, ValueError, TypeError):
                    pass
            self.say(f"watch {w.id}: {w.expr} = {value}{at_event}")

    def _lookup(self, expr: str, at: str = "now") -> Any:
        return lookup(self.world, expr, at=at)

    # -- completion ----------------------------------------------------------------------------
    def completions(self, line: str) -> list[str]:
        """Candidates for the last word of ``line`` (what the terminal's Tab completes)."""
        words = line.split(" ")
        if len(words) == 1:
            return sorted(c + " " for c in [*COMMANDS, *ALIASES] if c.startswith(words[0]))
        cmd = ALIASES.get(words[0], words[0])
        word = words[-1]
        position = len(words) - 1
        kinds = sorted(self.world.event_kinds)
        if cmd in ("break", "tbreak", "events", "trace", "kinds") and position == 1:
            extra = ["at "] if cmd in ("break", "tbreak") else []
            return [k + " " for k in kinds if k.startswith(word)] + [e for e in extra if e.startswith(word)]
        if cmd in ("break", "tbreak", "events") and position >= 2 and words[1] in self.world.event_kinds:
            fields = self.world.kind_fields(words[1])
            return [f for f in [*fields, "and", "or", "not", "in", "where"] if f.startswith(word)]
        if cmd in ("show", "watch"):
            ids = [*self.world.components, *(f"{p}:" for c in self.world.components.values() for p in c.id_prefixes)]
            if cmd == "watch":
                ids += self.world.recorder.names()
            return sorted({i for i in ids if i.startswith(word)})
        if cmd in ("delete", "disable", "enable", "ignore"):
            return [str(bp.id) for bp in self.world.trace.breakpoints if str(bp.id).startswith(word)]
        if cmd == "help":
            return [c for c in COMMANDS if c.startswith(word)]
        return []


def lookup(world: World, expr: str, at: str = "now") -> Any:
    """The value a watch expression names: a recorded series (its latest value), a KPI, or
    ``ID.FIELD[.FIELD]`` read from ``world.inspect(ID)`` (``at="event"``: from the stop's snapshot)."""
    expr = expr.strip()
    if at == "now" and expr in world.recorder:
        done = world.ticks_done
        return float(world.recorder[expr][done - 1]) if done else None
    if at == "now" and "." in expr and ":" not in expr.split(".")[0]:
        summary = world.summary()
        if expr in summary.index:
            return summary[expr]
    key, _, path = expr.partition(".")
    if key not in world.components and ":" not in key:
        raise KeyError(f"{expr!r} is not a series, a KPI or ID.FIELD (e.g. ev:12.soc, fleet.now.mean_soc)")
    value: Any = world.inspect(key, at=at)
    for part in path.split(".") if path else []:
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            have = ", ".join(value) if isinstance(value, dict) else type(value).__name__
            raise KeyError(f"{expr}: no field {part!r} (fields: {have})")
    return value


def pretty(value: Any, indent: int = 0) -> str:
    """JSON-like text with lists of plain values kept on one line (a day of 24 hours stays readable)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = [f'{pad}  {json.dumps(str(k))}: {pretty(v, indent + 1)}' for k, v in value.items()]
        return "{\n" + ",\n".join(inner) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)) and all(not isinstance(v, (dict, list, tuple)) for v in value):
        return "[" + ", ".join(json.dumps(_plain(v)) for v in value) + "]"
    if isinstance(value, (list, tuple)):
        return "[\n" + ",\n".join(f"{pad}  {pretty(v, indent + 1)}" for v in value) + f"\n{pad}]"
    return json.dumps(_plain(value))


def _changes(before: dict[str, Any], after: dict[str, Any], prefix: str = "") -> list[str]:
    lines = []
    for key in after:
        a, b = before.get(key), after[key]
        if isinstance(a, dict) and isinstance(b, dict):
            lines += _changes(a, b, f"{prefix}{key}.")
        elif a != b:
            lines.append(f"{prefix}{key}: {_short(a)} -> {_short(b)}")
    return lines


def _option(words: list[str], name: str) -> str | None:
    if name not in words:
        return None
    i = words.index(name)
    if i + 1 >= len(words):
        raise ValueError(f"{name} needs a value")
    value = words[i + 1]
    del words[i:i + 2]
    return value


def _count(text: str, default: int = 1) -> int:
    text = text.strip()
    if not text:
        return default
    try:
        n = int(text)
    except ValueError:
        raise ValueError(f"N must be a positive whole number, got {text!r}") from None
    if n < 1:
        raise ValueError("N must be a positive whole number")
    return n


def _time_arg(text: str) -> float | str:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        try:
            pd.Timestamp(text)
        except ValueError:
            raise ValueError(f"TIME is hours since the start (36.5) or a timestamp (2030-08-01T18:00), "
                             f"got {text!r}") from None
        return text


def _ts(value: Any) -> str:
    return str(pd.Timestamp(value))[:16]


def _short(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, default=str)
        return text if len(text) <= 200 else text[:197] + "..."
    return str(value)


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (ValueError, TypeError):
            pass
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (dict, list, tuple)):
        return value
    return str(value)
