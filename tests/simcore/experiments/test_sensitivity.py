"""Sensitivity through the command line (sweep --design, then analyze) on the Ishigami function,
whose Sobol indices are known in closed form."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simcore.cli import main
from tests.simcore.experiments.ishigami import analytic_indices, ishigami_scenario

PI = f"{math.pi!r}"
PARAMS = [arg for x in ("x1", "x2", "x3") for arg in ("--param", f"f.{x}=-{PI}:{PI}")]


def _scenario(tmp_path: Path) -> Path:
    path = tmp_path / "ishigami.yaml"
    path.write_text(yaml.safe_dump(ishigami_scenario()), encoding="utf-8")
    return path


def _sobol(tmp_path: Path, n: int) -> pd.DataFrame:
    scen = _scenario(tmp_path)
    out = tmp_path / "sobol"
    assert main(["sweep", str(scen), "--design", "sobol", *PARAMS, "--n", str(n), "--out", str(out), "--quiet"]) == 0
    assert main(["analyze", str(out), "--kpi", "f.y"]) == 0
    return pd.read_csv(out / "sensitivity-sobol-f.y.csv").set_index("param")


def test_sobol_indices_of_ishigami_cover_the_analytic_values(tmp_path, capsys):
    found = _sobol(tmp_path, 256)  # 1,280 runs
    printed = capsys.readouterr().out
    assert "first order S1 and total ST" in printed and "from 1280 runs" in printed
    for x, (s1, st) in analytic_indices().items():
        row = found.loc[f"f.{x}"]
        assert abs(row["S1"] - s1) <= row["S1_conf"] and abs(row["ST"] - st) <= row["ST_conf"]
        assert abs(row["S1"] - s1) < 0.12 and abs(row["ST"] - st) < 0.12
    # x3 acts only through its interaction with x1: no first-order share, a clear total one
    assert found.loc["f.x3", "S1"] < 0.1 and found.loc["f.x3", "ST"] > 0.15


@pytest.mark.slow
def test_sobol_indices_of_ishigami_converge_to_the_analytic_values(tmp_path, capsys):
    found = _sobol(tmp_path, 1024)  # 5,120 runs; the values to tell apart differ by >= 0.11
    for x, (s1, st) in analytic_indices().items():
        assert abs(found.loc[f"f.{x}", "S1"] - s1) < 0.05 and abs(found.loc[f"f.{x}", "ST"] - st) < 0.05


def test_morris_finds_no_effect_where_there_is_none(tmp_path, capsys):
    scen = _scenario(tmp_path)
    out = tmp_path / "morris"  # a = b = 0: y = sin(x1), so x2 and x3 have no effect at all
    assert main(["sweep", str(scen), "--design", "morris", *PARAMS, "--n", "10", "--set", "f.a=0",
                 "--set", "f.b=0", "--out", str(out), "--quiet"]) == 0
    assert main(["analyze", str(out), "--kpi", "f.y"]) == 0
    assert "mu*" in capsys.readouterr().out
    found = pd.read_csv(out / "sensitivity-morris-f.y.csv").set_index("param")
    assert found.loc["f.x1", "mu_star"] > 0.2
    for x in ("f.x2", "f.x3"):
        assert found.loc[x, "mu_star"] == 0.0 and found.loc[x, "sigma"] == 0.0


def test_lhs_design_gives_first_order_indices(tmp_path, capsys):
    scen = _scenario(tmp_path)
    out = tmp_path / "lhs"
    assert main(["sweep", str(scen), "--design", "lhs", *PARAMS, "--n", "300", "--out", str(out), "--quiet"]) == 0
    assert main(["analyze", str(out), "--kpi", "f.y"]) == 0
    found = pd.read_csv(out / "sensitivity-lhs-f.y.csv").set_index("param")
    for x, (s1, _) in analytic_indices().items():
        assert abs(found.loc[f"f.{x}", "S1"] - s1) < 0.15
    assert found.loc["f.x2", "S1"] > found.loc["f.x1", "S1"] > found.loc["f.x3", "S1"]


def test_analyze_refuses_what_it_cannot_analyse(tmp_path, capsys):
    scen = _scenario(tmp_path)
    grid = tmp_path / "grid"
    assert main(["sweep", str(scen), "--grid", "f.x1=0,1", "--out", str(grid), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(grid), "--kpi", "f.y"]) == 2
    assert "sampled design" in capsys.readouterr().err
    sob = tmp_path / "sob"
    assert main(["sweep", str(scen), "--design", "sobol", "--param", "f.x2=0:1", "--n", "4", "--set", "f.a=0",
                 "--out", str(sob), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(sob), "--kpi", "f.y"]) == 2  # a = 0: y does not depend on x2
    assert "nothing to attribute" in capsys.readouterr().err
    assert main(["analyze", str(sob), "--kpi", "f.nope"]) == 2
    assert "f.y" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path), "--kpi", "f.y"]) == 2
    assert "sweep folder" in capsys.readouterr().err


def test_too_few_points_give_a_note_and_no_raw_warnings(tmp_path, capfd):
    scen = _scenario(tmp_path)
    out = tmp_path / "lhs"
    assert main(["sweep", str(scen), "--design", "lhs", "--param", f"f.x1=-{PI}:{PI}", "--n", "8", "--out", str(out),
                 "--quiet"]) == 0
    capfd.readouterr()
    assert main(["analyze", str(out), "--kpi", "f.y"]) == 0
    printed, err = capfd.readouterr()
    assert "Warning" not in err and "warn" not in err.lower()
    note = [line for line in printed.splitlines() if line.startswith("note:")]
    assert len(note) == 1 and "N=8 is small for meaningful intervals" in note[0]


def test_analyze_says_when_it_replaces_its_earlier_indices(tmp_path, capsys):
    scen = _scenario(tmp_path)
    out = tmp_path / "sob"
    assert main(["sweep", str(scen), "--design", "sobol", *PARAMS, "--n", "8", "--out", str(out), "--quiet"]) == 0
    assert main(["analyze", str(out), "--kpi", "f.y"]) == 0
    assert "(replaced" not in capsys.readouterr().out
    assert main(["analyze", str(out), "--kpi", "f.y"]) == 0
    assert "sensitivity-sobol-f.y.csv (replaced the earlier one)" in capsys.readouterr().out
