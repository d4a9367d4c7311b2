"""Fuzzed scenarios through ``validate`` and ``run``: exit 0 with finite results or exit 2 with one line,
``validate`` ok means ``run`` ok, and nothing outside the results folder changes.

Mutations start from every shipped scenario (made small enough to run), and damage values (types,
ranges, NaN and inf, huge numbers), keys (missing, extra) or the YAML text itself. The fast profile runs
in the default tier; the long one (many more examples, Kyushu and cohort runs) is marked slow.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenarios
from tests.simcore.cli.fuzz_kit import (assert_contract, assert_finite_results, call, mutated_mapping, mutated_text,
                                        snapshot)

DATA = Path(scenarios.path("data"))


def _small(name: str) -> dict[str, Any]:
    """A shipped scenario cut to seconds: short clock, small sample."""
    data = yaml.safe_load(scenarios.path(f"{name}.yaml").read_text())
    comps = data["components"]
    if name in ("quickstart", "tepco_2040_demand"):
        data["clock"]["days"] = 2
        comps["fleet"]["sample"] = 300
        comps["fleet"]["warmup_days"] = 1
    elif name == "kyushu_2030_vgi":
        data["clock"].update(start="2030-08-01", days=1)
        comps["fleet"]["sample"] = 150
    elif name == "fleet_ageing":
        data["clock"]["days"] = 3 * 366
        data["clock"]["start"] = "2012-01-01"
        comps["cohort"].update(size=200, last_sale_year=2014)
    return data


def _cost(data: dict[str, Any]) -> float:
    """A rough cost of running ``data`` (EV-days; a grid day counts as 5,000), to skip expensive runs."""
    try:
        days = float(data["clock"]["days"])
        comps = data["components"]
        cost = 0.0
        for body in comps.values():
            kind = body.get("type")
            if kind == "ev_fleet":
                cost += days * float(body.get("sample") or body.get("size") or 1000)
            elif kind == "ev_cohort":
                cost += days * float(body.get("size", 50_000)) / 20
            elif kind == "grid":
                cost += days * 5000
        return cost
    except (KeyError, TypeError, ValueError, AttributeError):
        return float("inf")


def check_scenario_case(name: str, data_or_text: dict | str, capsys, run_budget: float) -> None:
    """The contract for one mutated scenario (written to a scratch folder of its own)."""
    with tempfile.TemporaryDirectory() as top:
        root = Path(top)
        path = root / f"{name}.yaml"
        text = data_or_text if isinstance(data_or_text, str) else yaml.safe_dump(data_or_text, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        before = snapshot(root)
        code, _, err = call(["validate", str(path)], capsys)
        assert_contract(code, err)
        if code == 0 and isinstance(data_or_text, dict) and _cost(data_or_text) <= run_budget:
            out = root / "res"
            run_code, _, run_err = call(["run", str(path), "--quiet", "--out", str(out)], capsys)
            if run_code == 2 and "time_limit_s" in run_err and "found none in time" in run_err:
                assert_contract(run_code, run_err)  # only a solve can find its limit too short: one clear line
                assert not out.exists()
            else:
                assert run_code == 0, f"validate said ok but run failed: {run_err}"
                assert_finite_results(out)
        after = snapshot(root)
        assert {k: v for k, v in after.items() if not k.startswith("res")} == before


NAMES = ("quickstart", "tepco_2040_demand", "kyushu_2030_vgi", "fleet_ageing")
BASES = {name: _small(name) for name in NAMES}
FAST = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def shipped_data_is_untouched():
    before = snapshot(DATA)
    yield
    assert snapshot(DATA) == before


def _mutations():
    return st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), mutated_mapping(BASES[n])))


@FAST
@given(case=_mutations())
def test_fuzzed_scenario_values_fast(case, capsys):
    name, (data, _) = case
    check_scenario_case(name, data, capsys, run_budget=2 * 300.0)


@FAST
@given(case=st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), mutated_text(
    yaml.safe_dump(BASES[n], sort_keys=False)))))
def test_fuzzed_scenario_text_fast(case, capsys):
    name, text = case
    check_scenario_case(name, text, capsys, run_budget=0)


def test_every_small_base_runs(capsys):
    """The bases themselves run (so the fuzzed runs start from something that works)."""
    for name in ("quickstart", "tepco_2040_demand"):
        check_scenario_case(name, BASES[name], capsys, run_budget=float("inf"))


@pytest.mark.slow
@LONG
@given(case=_mutations())
def test_fuzzed_scenario_values_long(case, capsys):
    name, (data, _) = case
    check_scenario_case(name, data, capsys, run_budget=20_000.0)


@pytest.mark.slow
@LONG
@given(case=st.sampled_from(NAMES).flatmap(lambda n: st.tuples(st.just(n), mutated_text(
    yaml.safe_dump(BASES[n], sort_keys=False)))))
def test_fuzzed_scenario_text_long(case, capsys):
    name, text = case
    check_scenario_case(name, text, capsys, run_budget=20_000.0)


def test_a_time_limit_too_short_for_any_plan_fails_run_with_one_line(tmp_path, capsys):
    """The one finding validate cannot make (found by the long fuzz): run says it in one line, writes nothing."""
    data = _small("kyushu_2030_vgi")
    data["components"]["grid"]["time_limit_s"] = 1.2e-4
    path = tmp_path / "kyushu.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert call(["validate", str(path)], capsys)[0] == 0
    code, _, err = call(["run", str(path), "--quiet", "--out", str(tmp_path / "res")], capsys)
    assert_contract(code, err)
    assert code == 2 and "components.grid.time_limit_s" in err and "found none in time" in err
    assert not (tmp_path / "res").exists()
