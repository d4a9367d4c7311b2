"""The trace: interest checks, breakpoints that ignore, disable and match patterns, event selection."""

import pytest

from simcore.trace import Event, Trace, event_kind, kind_matches


def _event(kind="ev.plugin", **payload):
    return Event(0, 1.0, kind, "fleet", payload)


def test_wants_only_when_someone_listens():
    trace = Trace()
    assert not trace.wants("ev.plugin") and not trace.debugging
    trace.add_breakpoint(kind="ev.plugin")
    assert trace.wants("ev.plugin") and trace.debugging and not trace.wants("ev.arrive")


def test_a_disabled_breakpoint_costs_nothing():
    trace = Trace()
    bp = trace.add_breakpoint(kind="ev.plugin")
    bp.enabled = False
    assert not trace.wants("ev.plugin") and not trace.debugging
    trace.emit(0.0, "ev.plugin", "fleet", {})
    assert trace.hit is None and bp.hits == 0


def test_ignore_lets_matches_pass_and_counts_them():
    trace = Trace()
    bp = trace.add_breakpoint(kind="k")
    bp.ignore = 2
    trace.emit(0.0, "k", "s", {})
    trace.emit(0.0, "k", "s", {})
    assert trace.hit is None and bp.hits == 2 and bp.ignore == 0
    trace.emit(0.0, "k", "s", {})
    assert trace.hit is not None and bp.hits == 3


def test_patterns_match_kinds():
    assert kind_matches("ev.*", "ev.plugin") and kind_matches("*", "grid.day")
    assert not kind_matches("ev.*", "grid.day") and not kind_matches("ev.plug", "ev.plugin")


def test_trace_limit_counts_dropped_events():
    trace = Trace(limit=2)
    for i in range(5):
        trace.emit(float(i), "k", "s", {})
    assert len(trace.events) == 2 and trace.dropped == 3 and trace.emitted == 5


def test_select_filters_by_kind_and_predicate_and_keeps_the_last():
    trace = Trace()
    for i in range(6):
        trace.emit(float(i), "a" if i % 2 else "b", "s", {"i": i})
    got = trace.select("a", lambda e: e.payload["i"] > 1, last=1)
    assert [e.payload["i"] for e in got] == [5]


def test_copied_breakpoints_keep_ids_and_new_ones_follow():
    a = Trace()
    a.add_breakpoint(kind="k", description="first")
    a.add_breakpoint(kind="k", description="second").hits = 4
    b = Trace()
    b.copy_breakpoints_from(a)
    assert [bp.id for bp in b.breakpoints] == [1, 2] and b.breakpoints[1].hits == 4
    assert b.add_breakpoint(kind="k").id == 3


def test_unknown_breakpoint_id_names_the_existing_ones():
    trace = Trace()
    trace.add_breakpoint(kind="k")
    with pytest.raises(KeyError, match="breakpoints: 1"):
        trace.remove_breakpoint(7)


def test_event_kind_rejects_optional_fields_it_does_not_declare():
    with pytest.raises(ValueError, match="undeclared"):
        event_kind("x", optional=("b",), a="field a")
    spec = event_kind("x", optional=("b",), a="field a", b="field b")
    assert spec.required == {"a"}
