"""Trace conditions and interest checks."""

import pytest

from simcore.trace import Event, Trace, parse_condition


def _event(**payload):
    return Event(0, 1.0, "ev.plugin", "fleet", payload)


def test_condition_with_and_clauses():
    cond = parse_condition("soc < 0.2 and location == home")
    assert cond(_event(soc=0.1, location="home"))
    assert not cond(_event(soc=0.3, location="home"))
    assert not cond(_event(soc=0.1))


def test_malformed_condition_is_rejected():
    with pytest.raises(ValueError, match="FIELD OP VALUE"):
        parse_condition("soc is low")


def test_wants_only_when_someone_listens():
    trace = Trace()
    assert not trace.wants("ev.plugin") and not trace.debugging
    trace.add_breakpoint(kind="ev.plugin")
    assert trace.wants("ev.plugin") and trace.debugging and not trace.wants("ev.arrive")


def test_trace_limit_counts_dropped_events():
    trace = Trace(limit=2)
    for i in range(5):
        trace.emit(float(i), "k", "s", {})
    assert len(trace.events) == 2 and trace.dropped == 3
