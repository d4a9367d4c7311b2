"""The reference path against BLAST-Lite numbers recorded in data/blast_oracle.json (no BLAST-Lite needed),
and the fast path against the reference path on the same usage."""

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import duty_profiles  # noqa: E402

from simcore.battery.profile import daily_stressors, load_profile, simulate_daily, simulate_profile  # noqa: E402

TOLERANCE = 0.005  # relative capacity after 10 years (issue 14)
ORACLE = json.loads((HERE / "data" / "blast_oracle.json").read_text())["q_end"]
QUICK = ["hot_full_daily", "mild_two_2080", "v2g_two_cycles", "cold_storage_95"]
# every profile with recorded BLAST-Lite numbers
REST = [p for p in duty_profiles.PROFILES if p not in QUICK and f"{p}|nmc622|conserve" in ORACLE]
MODES = pytest.mark.parametrize("conserve", [True, False], ids=["conserve", "no_conserve"])


def mode(conserve: bool) -> str:
    return "conserve" if conserve else "no_conserve"


def check_reference(name: str, conserve: bool, model: str = "nmc622") -> None:
    t, soc, temp = duty_profiles.PROFILES[name](10.0)
    ours = simulate_profile(t, soc, temp, model, conserve_energy=conserve).q[-1]
    assert abs(ours - ORACLE[f"{name}|{model}|{mode(conserve)}"]) < TOLERANCE


@MODES
@pytest.mark.parametrize("name", QUICK)
def test_reference_path_reproduces_blast_lite_nmc622(name, conserve):
    check_reference(name, conserve)


@pytest.mark.slow
@MODES
@pytest.mark.parametrize("name", REST)
def test_reference_path_reproduces_blast_lite_nmc622_on_every_profile(name, conserve):
    check_reference(name, conserve)


@pytest.mark.slow
@MODES
@pytest.mark.parametrize("model", ["lfp", "lmo_2ndlife"])
@pytest.mark.parametrize("name", ["hot_full_daily", "v2g_two_cycles", "irregular"])
def test_reference_path_reproduces_blast_lite_lfp_and_lmo(name, model, conserve):
    check_reference(name, conserve, model)


@MODES
@pytest.mark.parametrize("fixture", ["v2g_two_cycles_1y.csv.gz", "irregular_1y.csv.gz"])
def test_shipped_fixture_reproduces_blast_lite(fixture, conserve):
    p = load_profile(HERE / "data" / fixture)
    ours = simulate_profile(p.time_s, p.soc, p.temperature_c, conserve_energy=conserve).q[-1]
    assert abs(ours - ORACLE[f"{fixture}|nmc622|{mode(conserve)}"]) < TOLERANCE


# Profiles whose hourly samples decide the reference path's result rather than the usage, compared at
# one-minute samples (the same usage; see docs/battery.md, "fast vs reference"): more than one EFC a day
# (BLAST-Lite's windows close on cycle ends, start one sample after a turning point and leave the
# interval after each close out) and a series whose end differs from its start (a window per 25 hourly
# samples leaves 1/25 of the series out and replays its start instead of its end).
FINE = ("double_full", "mild_two_2080", "hot_three_1090", "cold_storage_then_full")


def check_fast_vs_reference(name: str, conserve: bool, model: str = "nmc622") -> None:
    series = duty_profiles.PROFILES[name](10.0)
    if name in FINE:
        series = duty_profiles.fine(name)
    t, soc, temp = series
    ref = simulate_profile(t, soc, temp, model, conserve_energy=conserve).q[-1]
    fast = simulate_daily(daily_stressors(t, soc, temp), model, conserve_energy=conserve).q[0]
    assert abs(fast - ref) < TOLERANCE


@MODES
@pytest.mark.parametrize("name", ["hot_full_daily", "mild_two_2080", "v2g_two_cycles"])
def test_fast_path_agrees_with_reference_path_over_ten_years(name, conserve):
    check_fast_vs_reference(name, conserve)


AGREEING = [p for p in duty_profiles.PROFILES if p not in ("fast_charge_15min",)]


@pytest.mark.slow
@MODES
@pytest.mark.parametrize("name", AGREEING)
def test_fast_path_agrees_with_reference_path_on_other_profiles(name, conserve):
    check_fast_vs_reference(name, conserve)


# fast_charge_15min (a DC charge at noon on three days in four, an AC charge in the evening otherwise):
# BLAST-Lite's windows drift through the day, so half of them hold an evening AC charge and the next
# noon's DC charge (or neither) and average their rates; calendar days never do. 24-hour windows cut at
# 0-9 h give 0.551 (no conservation), cut at 15-21 h 0.576-0.582; the reference's 0.561 is their mean,
# the fast path's 0.552 the first. Per-day stressors cannot pair one day's evening with the next noon.
@pytest.mark.slow
@MODES
@pytest.mark.xfail(strict=True, reason="window phase: BLAST-Lite's windows pair consecutive days' charges")
def test_fast_path_on_fast_charge_15min_differs_by_the_window_phase(conserve):
    check_fast_vs_reference("fast_charge_15min", conserve)


@pytest.mark.slow
@MODES
@pytest.mark.parametrize("name", ["hot_full_daily", "v2g_two_cycles", "irregular"])
def test_fast_path_agrees_with_reference_path_for_lfp(name, conserve):
    check_fast_vs_reference(name, conserve, "lfp")


# BLAST-Lite itself at one-minute samples of the sampling-sensitive profiles (recorded; the oracle test
# re-runs it): the reference path reproduces it, and so does the fast path but where BLAST-Lite's window
# placement, not the usage, sets the result
FINE_GAPS = {
    ("hot_full_daily", True): "exactly one EFC a day: rounding of summed SOC steps decides whether windows close on cycle ends",
    ("fast_charge_15min", True): "window phase: BLAST-Lite's windows pair consecutive days' charges",
    ("fast_charge_15min", False): "window phase: BLAST-Lite's windows pair consecutive days' charges",
}


def fine_cases():
    for name in duty_profiles.FINE_STEP_S:
        for conserve in (True, False):
            marks = [pytest.mark.xfail(strict=True, reason=FINE_GAPS[name, conserve])] if (name, conserve) in FINE_GAPS else []
            yield pytest.param(name, conserve, marks=marks, id=f"{name}-{mode(conserve)}")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(duty_profiles.FINE_STEP_S))
@MODES
def test_reference_path_reproduces_blast_lite_at_one_minute_samples(name, conserve):
    t, soc, temp = duty_profiles.fine(name)
    ours = simulate_profile(t, soc, temp, "nmc622", conserve_energy=conserve).q[-1]
    assert abs(ours - ORACLE[f"{duty_profiles.fine_key(name)}|nmc622|{mode(conserve)}"]) < TOLERANCE


@pytest.mark.slow
@pytest.mark.parametrize("name,conserve", list(fine_cases()))
def test_fast_path_agrees_with_blast_lite_at_one_minute_samples(name, conserve):
    t, soc, temp = duty_profiles.fine(name)
    fast = simulate_daily(daily_stressors(t, soc, temp), "nmc622", conserve_energy=conserve).q[0]
    assert abs(fast - ORACLE[f"{duty_profiles.fine_key(name)}|nmc622|{mode(conserve)}"]) < TOLERANCE
