"""Fuzzed dispatch problem folders through ``evcycle dispatch``: exit 0 with a finite optimum, or exit 2
with one line; nothing outside the results folder changes. Fast profile by default, long one slow."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.grid.dispatch import save_problem
from tests.agents.grid.dispatch.dispatch_testkit import problem, unit
from tests.simcore.cli.fuzz_kit import assert_contract, call, mutated_csv, mutated_mapping, mutated_text, snapshot


def _base_folder() -> dict[str, str]:
    """A small problem with thermal units, start-up costs, must-take output and pumped storage."""
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50), unit("B", 20, 120, marginal=30, no_load=100,
                                                                         min_up=2, min_down=2)],
                demand=[80, 150, 120, 60], reserve=[0, 10, 10, 0], startups=[("B", 0, 50.0), ("B", 4, 80.0)],
                renewables=[{"name": "pv", "period": t, "p_max_mw": v, "p_min_mw": 0.0}
                            for t, v in zip(range(1, 5), [0, 40, 60, 0])],
                storage=[{"name": "PH", "p_charge_max_mw": 30, "p_discharge_max_mw": 30, "energy_max_mwh": 60,
                          "energy_min_mwh": 0, "eff_charge": 0.85, "eff_discharge": 0.85, "energy_initial_mwh": 20,
                          "energy_final_mwh": 10}])
    with tempfile.TemporaryDirectory() as top:
        save_problem(p, Path(top) / "p")
        return {f.name: f.read_text() for f in sorted((Path(top) / "p").iterdir())}


BASE = _base_folder()
FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@st.composite
def mutated_folder(draw) -> dict[str, str | None]:
    """The base folder with one file damaged (values, rows, columns, text) or removed."""
    files = dict(BASE)
    name = draw(st.sampled_from(sorted(files)))
    kind = draw(st.sampled_from(["content", "content", "content", "remove"]))
    if kind == "remove":
        files[name] = None
    elif name.endswith(".json"):
        data, _ = draw(mutated_mapping(json.loads(files[name])))
        files[name] = draw(st.one_of(st.just(json.dumps(data, default=str)), mutated_text(files[name])))
    else:
        files[name] = draw(mutated_csv(files[name]))
    return files


def check_problem_case(files: dict[str, str | None], capsys) -> None:
    with tempfile.TemporaryDirectory() as top:
        root = Path(top)
        folder = root / "problem"
        folder.mkdir()
        for name, text in files.items():
            if text is not None:
                (folder / name).write_text(text, encoding="utf-8")
        before = snapshot(root)
        out = root / "res"
        code, printed, err = call(["dispatch", str(folder), "--out", str(out), "--time-limit", "20"], capsys)
        assert_contract(code, err)
        if code == 0:
            result = json.loads((out / "result.json").read_text())
            assert math.isfinite(result["objective"]) and "objective:" in printed
        after = snapshot(root)
        assert {k: v for k, v in after.items() if not k.startswith("res")} == before


def test_the_base_problem_solves(capsys):
    check_problem_case(dict(BASE), capsys)


@FAST
@given(files=mutated_folder())
def test_fuzzed_problem_folders_fast(files, capsys):
    check_problem_case(files, capsys)


@pytest.mark.slow
@LONG
@given(files=mutated_folder())
def test_fuzzed_problem_folders_long(files, capsys):
    check_problem_case(files, capsys)
