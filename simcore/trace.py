"""Events, their declared kinds, the trace that records them, and breakpoints that stop a run on them.

``world.emit(kind, source, **payload)`` creates an :class:`Event`. Components declare the kinds they
emit (:class:`EventKind`: a description and the payload fields) in ``Component.events``; the stepper
lists them and rejects breakpoints on kinds or fields nobody declares. The trace keeps the events
components emit; listeners are called with each; breakpoints are predicates that, when true, ask the
World to stop after the SimPy event being processed. Per-entity events (one per EV, per battery) are
only built when :meth:`Trace.wants` says someone listens, which keeps the fast path fast.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from simcore.conditions import Condition, ConditionError, parse_condition

__all__ = ["Breakpoint", "Condition", "ConditionError", "Event", "EventKind", "Predicate", "Trace",
           "event_kind", "parse_condition"]


@dataclass(frozen=True)
class Event:
    """Something observable that happened at ``time_h`` (hours since scenario start)."""

    seq: int
    time_h: float
    kind: str
    source: str
    payload: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "time_h": self.time_h, "kind": self.kind, "source": self.source,
                "payload": self.payload}


@dataclass(frozen=True)
class EventKind:
    """What an event kind means and what its payload holds.

    ``fields``: payload field -> a short description with its unit; ``optional``: fields that only
    some events of the kind carry; ``refs``: payload fields that name an entity, mapped to the id
    prefix it answers to in ``world.inspect`` (``{"ev": "ev"}``: the field ``ev`` holds N of
    ``ev:N``), so a stop on the event can snapshot that entity; ``per_entity``: one event per EV or
    battery, built only when someone listens (see ``world.wants``).
    """

    description: str
    fields: Mapping[str, str]
    optional: frozenset[str] = frozenset()
    refs: Mapping[str, str] = field(default_factory=dict)
    per_entity: bool = False

    @property
    def required(self) -> frozenset[str]:
        return frozenset(self.fields) - self.optional


def event_kind(description: str, *, optional: Iterable[str] = (), refs: Mapping[str, str] | None = None,
               per_entity: bool = False, **fields: str) -> EventKind:
    """Declare an event kind: ``event_kind("an EV plugs in", soc="state of charge, 0-1", ...)``."""
    optional = frozenset(optional)
    unknown = optional - set(fields) | set(refs or {}) - set(fields)
    if unknown:
        raise ValueError(f"optional / refs name undeclared fields: {sorted(unknown)}")
    return EventKind(description, dict(fields), optional, dict(refs or {}), per_entity)


Predicate = Callable[[Event], bool]


@dataclass
class Breakpoint:
    """Stop when an event of ``kind`` (``"*"`` or a pattern like ``ev.*``) satisfies ``predicate``; or
    at ``time_h``.

    ``hits`` counts matching events (ignored ones too); ``ignore`` skips that many more matches;
    a disabled breakpoint neither matches nor costs anything; a ``temporary`` one is deleted when it
    stops a run (``tbreak``).
    """

    id: int
    kind: str | None = None
    predicate: Predicate | None = None
    time_h: float | None = None
    description: str = ""
    hits: int = 0
    enabled: bool = True
    temporary: bool = False
    ignore: int = 0

    def matches(self, event: Event) -> bool:
        if not self.enabled or self.kind is None or not kind_matches(self.kind, event.kind):
            return False
        return self.predicate is None or bool(self.predicate(event))

    def describe(self) -> str:
        flags = [] if self.enabled else ["disabled"]
        if self.temporary:
            flags.append("temporary")
        if self.ignore:
            flags.append(f"ignore next {self.ignore}")
        extra = f", {', '.join(flags)}" if flags else ""
        return f"{self.id}: {self.description} (hits {self.hits}{extra})"


def kind_matches(pattern: str, kind: str) -> bool:
    """Whether ``kind`` is ``pattern`` or matches it as a shell-style pattern (``*``, ``ev.*``)."""
    return pattern == kind or ("*" in pattern or "?" in pattern) and fnmatch.fnmatchcase(kind, pattern)


class Trace:
    """Keeps emitted events (up to ``limit``), fans them out to listeners and checks breakpoints."""

    def __init__(self, limit: int = 1_000_000) -> None:
        self.limit = limit
        self.events: list[Event] = []
        self.dropped = 0
        self.verbose_kinds: set[str] = set()
        self.listeners: list[tuple[str, Callable[[Event], None]]] = []
        self.breakpoints: list[Breakpoint] = []
        self.hit: tuple[Breakpoint, Event] | None = None
        #: called with (breakpoint, event) the moment a breakpoint matches, while the emitter is still
        #: running: the World snapshots the entities the event names
        self.on_hit: Callable[[Breakpoint, Event], None] | None = None
        self.emitted = 0   # events built so far (the next event's seq)
        self._seq = itertools.count()
        self._ids = itertools.count(1)

    # -- interest ------------------------------------------------------------------------------
    @property
    def debugging(self) -> bool:
        """True when an enabled event breakpoint or a listener exists: the World then steps event by event."""
        return bool(self.listeners) or any(bp.kind is not None and bp.enabled for bp in self.breakpoints)

    def wants(self, kind: str) -> bool:
        """Whether a per-entity event of ``kind`` should be built at all."""
        if any(kind_matches(k, kind) for k in self.verbose_kinds):
            return True
        if any(kind_matches(k, kind) for k, _ in self.listeners):
            return True
        return any(bp.enabled and bp.kind is not None and kind_matches(bp.kind, kind) for bp in self.breakpoints)

    # -- recording -----------------------------------------------------------------------------
    def emit(self, time_h: float, kind: str, source: str, payload: dict[str, Any]) -> Event:
        event = Event(next(self._seq), time_h, kind, source, payload)
        self.emitted += 1
        if len(self.events) < self.limit:
            self.events.append(event)
        else:
            self.dropped += 1
        for want, fn in self.listeners:
            if kind_matches(want, kind):
                fn(event)
        if self.hit is None:
            for bp in self.breakpoints:
                if bp.matches(event):
                    bp.hits += 1
                    if bp.ignore > 0:
                        bp.ignore -= 1
                        continue
                    self.hit = (bp, event)
                    if self.on_hit is not None:
                        self.on_hit(bp, event)
                    break
        return event

    def add_breakpoint(self, kind: str | None = None, predicate: Predicate | None = None,
                       time_h: float | None = None, description: str = "", temporary: bool = False) -> Breakpoint:
        bp = Breakpoint(next(self._ids), kind, predicate, time_h, description, temporary=temporary)
        self.breakpoints.append(bp)
        return bp

    def breakpoint(self, bp_id: int) -> Breakpoint:
        """The breakpoint numbered ``bp_id`` (KeyError naming the existing ones otherwise)."""
        for bp in self.breakpoints:
            if bp.id == bp_id:
                return bp
        have = ", ".join(str(bp.id) for bp in self.breakpoints) or "none"
        raise KeyError(f"no breakpoint {bp_id}; breakpoints: {have}")

    def remove_breakpoint(self, bp_id: int) -> None:
        self.breakpoint(bp_id)
        self.breakpoints = [bp for bp in self.breakpoints if bp.id != bp_id]

    def copy_breakpoints_from(self, other: Trace) -> None:
        """Take ``other``'s breakpoints (same ids, state and predicates), e.g. for a replayed world."""
        self.breakpoints = [Breakpoint(**vars(bp)) for bp in other.breakpoints]
        top = max((bp.id for bp in self.breakpoints), default=0)
        self._ids = itertools.count(top + 1)

    # -- reading -------------------------------------------------------------------------------
    def select(self, kind: str | None = None, where: Predicate | None = None, last: int | None = None) -> list[Event]:
        """Kept events of ``kind`` (a kind or pattern; None: all) satisfying ``where``, the ``last`` N."""
        found = [e for e in self.events if (kind is None or kind_matches(kind, e.kind))
                 and (where is None or where(e))]
        return found if last is None else found[-last:] if last > 0 else []

    def since(self, seq: int) -> list[Event]:
        """Kept events with sequence number ``seq`` or later (the trace is in seq order)."""
        out = []
        for e in reversed(self.events):
            if e.seq < seq:
                break
            out.append(e)
        return out[::-1]

    def frame(self) -> pd.DataFrame:
        """Events as a table; payloads as canonical JSON text so the table is stable across runs."""
        return pd.DataFrame(
            {
                "seq": [e.seq for e in self.events],
                "time_h": [e.time_h for e in self.events],
                "kind": [e.kind for e in self.events],
                "source": [e.source for e in self.events],
                "payload": [json.dumps(e.payload, sort_keys=True, default=str) for e in self.events],
            }
        )
