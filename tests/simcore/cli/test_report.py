"""evcycle report: run folders or a sweep folder, units, seeds pooled, baseline differences, three formats."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from simcore.cli import main
from tests.simcore.toy_components import toy_scenario


@pytest.fixture()
def sweep(tmp_path: Path) -> Path:
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})), encoding="utf-8")
    out = tmp_path / "sweep"
    assert main(["sweep", str(scen), "--grid", "variant=base,high", "--seeds", "1", "2", "3", "--workers", "1",
                 "--quiet", "--out", str(out)]) == 0
    return out


def test_report_pools_seeds_and_compares_with_the_baseline(sweep, capsys):
    capsys.readouterr()
    assert main(["report", str(sweep), "--baseline", "base", "--kpi", "pulse.energy_mwh", "--format", "csv"]) == 0
    row = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out)).iloc[0]
    table = pd.read_csv(sweep / "kpis.csv")
    base = table[table["variant"] == "base"]["pulse.energy_mwh"]
    high = table[table["variant"] == "high"]["pulse.energy_mwh"]
    assert row["unit"] == "MWh" and row["base|n"] == 3
    assert row["base|mean"] == pytest.approx(base.mean()) and row["base|sd"] == pytest.approx(base.std())
    assert row["high|diff"] == pytest.approx(high.mean() - base.mean())
    assert row["high|ratio"] == pytest.approx(high.mean() / base.mean()) and 2.0 < row["high|ratio"] < 3.0


def test_report_writes_markdown_and_html(sweep, tmp_path, capsys):
    assert main(["report", str(sweep), "--baseline", "base", "--out", str(tmp_path / "r.md")]) == 0
    md = (tmp_path / "r.md").read_text()
    assert "| KPI | unit | base (baseline) | high | high − baseline | high / baseline |" in md
    assert "(n=3)" in md and "| pulse.energy_mwh | MWh |" in md
    assert main(["report", str(sweep), "--out", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert main(["report", str(sweep), "--out", str(tmp_path / "r.md")]) == 2  # never replaces a file


def test_report_takes_run_folders_side_by_side(tmp_path, capsys):
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})), encoding="utf-8")
    main(["run", str(scen), "--out", str(tmp_path / "a"), "--quiet"])
    main(["run", str(scen), "--variant", "high", "--out", str(tmp_path / "b"), "--quiet"])
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a"), str(tmp_path / "b"), "--baseline", "a"]) == 0
    out = capsys.readouterr().out
    assert "| base (baseline) | high |" in out and "pulse.energy_mwh" in out


def test_report_rejects_an_unknown_baseline_and_a_folder_that_is_not_results(sweep, tmp_path, capsys):
    assert main(["report", str(sweep), "--baseline", "nope"]) == 2
    assert "base, high" in capsys.readouterr().err
    (tmp_path / "plain").mkdir()
    assert main(["report", str(tmp_path / "plain")]) == 2


def test_run_folders_are_labelled_by_an_override_only_one_of_them_has(tmp_path, capsys):
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(toy_scenario()), encoding="utf-8")
    assert main(["run", str(scen), "--quiet", "--out", str(tmp_path / "a")]) == 0
    assert main(["run", str(scen), "--quiet", "--set", "pulse.level_mw=5", "--out", str(tmp_path / "b")]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a"), str(tmp_path / "b"), "--kpi", "pulse.*"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "pulse.level_mw=(as in scenario)" in head and "pulse.level_mw=5" in head


def test_runs_with_the_same_settings_pool_across_folders(tmp_path, capsys):
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})), encoding="utf-8")
    for out, seeds in (("g1", ["1", "2", "3"]), ("d0", ["2", "3", "4"])):  # seeds 2 and 3 in both
        assert main(["sweep", str(scen), "--grid", "variant=base,high", "--set", "clock.days=1", "--seeds", *seeds,
                     "--workers", "1", "--quiet", "--out", str(tmp_path / out)]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "g1"), str(tmp_path / "d0"), "--kpi", "pulse.energy_mwh",
                 "--format", "csv"]) == 0
    row = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out)).iloc[0]
    groups = sorted(c.split("|")[0] for c in row.index if c.endswith("|mean"))
    assert groups == ["base", "high"] and row["base|n"] == 4 and row["high|n"] == 4  # seeds 1-4, each once


def test_a_sweeps_fixed_overrides_set_its_runs_apart_from_other_folders(tmp_path, capsys):
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(toy_scenario()), encoding="utf-8")
    for out, level in (("a", "1"), ("b", "2")):
        assert main(["sweep", str(scen), "--set", f"pulse.level_mw={level}", "--seeds", "1", "2", "--workers", "1",
                     "--quiet", "--out", str(tmp_path / out)]) == 0
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a"), str(tmp_path / "b"), "--kpi", "pulse.energy_mwh",
                 "--format", "csv"]) == 0
    row = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out)).iloc[0]
    assert sorted(c for c in row.index if c.endswith("|n")) == ["pulse.level_mw=1|n", "pulse.level_mw=2|n"]
