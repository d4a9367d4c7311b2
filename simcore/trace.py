"""Events, the trace that records them, and breakpoints that stop a run on them.

``world.emit(kind, source, **payload)`` creates an :class:`Event`. The trace keeps the events
components emit; listeners are called with each; breakpoints are predicates that, when true, ask the
World to stop after the SimPy event being processed. High-volume per-entity events are only built
when :meth:`Trace.wants` says someone listens, which keeps the fast path fast.
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


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


Predicate = Callable[[Event], bool]


@dataclass
class Breakpoint:
    """Stop when an event of ``kind`` (``"*"`` for any) satisfies ``predicate``; or at ``time_h``."""

    id: int
    kind: str | None = None
    predicate: Predicate | None = None
    time_h: float | None = None
    description: str = ""
    hits: int = 0

    def matches(self, event: Event) -> bool:
        if self.kind is None or (self.kind != "*" and self.kind != event.kind):
            return False
        return self.predicate is None or bool(self.predicate(event))


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
        self._seq = itertools.count()
        self._ids = itertools.count(1)

    # -- interest ------------------------------------------------------------------------------
    @property
    def debugging(self) -> bool:
        """True when an event breakpoint or listener exists: the World then steps event by event."""
        return bool(self.listeners) or any(bp.kind is not None for bp in self.breakpoints)

    def wants(self, kind: str) -> bool:
        """Whether a high-volume event of ``kind`` should be built at all."""
        if kind in self.verbose_kinds or "*" in self.verbose_kinds:
            return True
        if any(k == kind or k == "*" for k, _ in self.listeners):
            return True
        return any(bp.kind == kind or bp.kind == "*" for bp in self.breakpoints)

    # -- recording -----------------------------------------------------------------------------
    def emit(self, time_h: float, kind: str, source: str, payload: dict[str, Any]) -> Event:
        event = Event(next(self._seq), time_h, kind, source, payload)
        if len(self.events) < self.limit:
            self.events.append(event)
        else:
            self.dropped += 1
        for want, fn in self.listeners:
            if want == "*" or want == kind:
                fn(event)
        if self.hit is None:
            for bp in self.breakpoints:
                if bp.matches(event):
                    bp.hits += 1
                    self.hit = (bp, event)
                    break
        return event

    def add_breakpoint(self, kind: str | None = None, predicate: Predicate | None = None,
                       time_h: float | None = None, description: str = "") -> Breakpoint:
        bp = Breakpoint(next(self._ids), kind, predicate, time_h, description)
        self.breakpoints.append(bp)
        return bp

    def remove_breakpoint(self, bp_id: int) -> None:
        self.breakpoints = [bp for bp in self.breakpoints if bp.id != bp_id]

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


# -- conditions written as text (the stepper's `break KIND CONDITION`) -----------------------------
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
    "<": operator.lt, ">": operator.gt,
}
_CLAUSE = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*$")


def parse_condition(text: str) -> Predicate:
    """Turn ``"soc < 0.2 and location == home"`` into a predicate on an event's payload.

    Clauses are ``FIELD OP VALUE`` joined by ``and``; VALUE is a number, true/false or a bare word /
    quoted string. A clause on a missing field is false. Raises ValueError on malformed text.
    """
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip()):
        m = _CLAUSE.match(part)
        if not m:
            raise ValueError(f"cannot read condition {part!r}; expected FIELD OP VALUE with OP in "
                             f"{', '.join(_OPS)} (clauses joined by 'and')")
        key, op, raw = m.groups()
        clauses.append((key, _OPS[op], _literal(raw)))

    def predicate(event: Event) -> bool:
        for key, op, value in clauses:
            got = event.payload.get(key)
            if got is None:
                return False
            try:
                if not op(got, value):
                    return False
            except TypeError:
                return False
        return True

    return predicate


def _literal(raw: str) -> Any:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return float(raw)
    except ValueError:
        return raw
