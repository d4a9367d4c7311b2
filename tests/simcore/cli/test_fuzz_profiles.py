"""Fuzzed battery usage profiles through ``evcycle battery age``: exit 0 with a relative capacity in
[0, 1], or exit 2 with one line; nothing but the requested output file appears. Fast profile by
default, long one slow."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.simcore.cli.fuzz_kit import assert_contract, call, mutated_csv, snapshot


def _base_profile() -> str:
    """Two days of a commuter's cell: hourly samples, a drive and a charge each day."""
    t = np.arange(0, 2 * 86400 + 1, 3600.0)
    hour = (t / 3600.0) % 24
    soc = np.where(hour < 8, 0.9, np.where(hour < 18, 0.6, 0.9 - 0.3 * np.maximum(0, 21 - hour) / 3))
    temp = 20 + 5 * np.sin(2 * np.pi * hour / 24)
    rows = "\n".join(f"{a:.0f},{b:.4f},{c:.2f}" for a, b, c in zip(t, soc, temp))
    return "time_s,soc,temperature_c\n" + rows + "\n"


BASE = _base_profile()
FAST = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def mutated_profile(draw) -> str:
    """The base profile damaged (cells, rows, columns, text), or with a long gap in time."""
    if draw(st.booleans()):
        return draw(mutated_csv(BASE))
    gap_s = draw(st.sampled_from([86400.0, 3.2e8, 3.2e9, 1e12, 1e300]))
    lines = BASE.splitlines()
    head, body = lines[0], lines[1:]
    at = draw(st.integers(1, len(body) - 1))
    shifted = []
    for i, line in enumerate(body):
        t, rest = line.split(",", 1)
        shifted.append(f"{float(t) + (gap_s if i >= at else 0.0):.17g},{rest}")
    return "\n".join([head, *shifted]) + "\n"


def check_profile_case(text: str, capsys) -> None:
    with tempfile.TemporaryDirectory() as top:
        root = Path(top)
        (root / "profile.csv").write_text(text, encoding="utf-8")
        before = snapshot(root)
        out = root / "q.csv"
        code, printed, err = call(["battery", "age", str(root / "profile.csv"), "--model", "nmc622",
                                   "--out", str(out)], capsys)
        assert_contract(code, err)
        if code == 0:
            q = float(printed.split("q_end:")[1].split()[0])
            assert math.isfinite(q) and 0.0 <= q <= 1.0, printed
        after = snapshot(root)
        assert {k: v for k, v in after.items() if k != "q.csv"} == before


def test_the_base_profile_ages(capsys):
    check_profile_case(BASE, capsys)


@FAST
@given(text=mutated_profile())
def test_fuzzed_profiles_fast(text, capsys):
    check_profile_case(text, capsys)


@pytest.mark.slow
@LONG
@given(text=mutated_profile())
def test_fuzzed_profiles_long(text, capsys):
    check_profile_case(text, capsys)
