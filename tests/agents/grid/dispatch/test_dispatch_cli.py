"""`evcycle dispatch DIR`: output lines, atomic results folder, --strict exit path."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest

from agents.grid.dispatch import save_problem
from agents.grid.dispatch.cli import add_subcommand
from tests.agents.grid.dispatch.dispatch_testkit import problem, unit
from simcore.errors import InputError, SupplyShortfallError


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evcycle")
    add_subcommand(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50),
                 unit("B", 20, 100, marginal=30, no_load=100)], demand=[80, 150], reserve=[0, 10])
    save_problem(p, tmp_path / "prob")
    return tmp_path / "prob"


def test_prints_objective_and_unserved_and_writes_schedules(folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert _run(["dispatch", str(folder), "--gap", "0", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    # B's first 20 MW (p_min) cost 100, below A's 10/MWh: period 1 = A 60 + B 20 = 600 + 100;
    # period 2 = A 100 + B 50 = 1000 + (100 + 30 * 30)
    assert "objective: 2700\n" in text
    assert "unserved_mwh: 0\n" in text
    summary = json.loads((out / "result.json").read_text())
    assert summary["objective"] == pytest.approx(2700)
    thermal = pd.read_csv(out / "thermal_mw.csv", index_col="period")
    assert thermal.loc[2, "B"] == pytest.approx(50)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_out_replaces_earlier_results_only_with_overwrite(folder, tmp_path):
    out = tmp_path / "out"
    _run(["dispatch", str(folder), "--out", str(out)])
    assert (out / "result.json").exists() and (out / "manifest.json").exists()
    with pytest.raises(InputError, match="--overwrite"):
        _run(["dispatch", str(folder), "--out", str(out)])
    _run(["dispatch", str(folder), "--out", str(out), "--overwrite", "--gap", "0"])
    assert (out / "result.json").exists()


def test_out_onto_a_users_folder_is_refused_before_solving(folder, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.csv").write_text("x\n")
    with pytest.raises(InputError, match="not an evcycle results folder"):
        _run(["dispatch", str(folder), "--out", str(out), "--overwrite"])
    assert [p.name for p in out.iterdir()] == ["notes.csv"]


@pytest.mark.parametrize("where", ["itself", "inside"])
def test_out_on_or_in_the_problem_folder_is_refused(folder, where):
    out = folder if where == "itself" else folder / "solution"
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(InputError, match="apart from the problem folder"):
        _run(["dispatch", str(folder), "--out", str(out), "--overwrite"])
    assert sorted(p.name for p in folder.iterdir()) == before


def test_strict_reports_where_supply_falls_short(folder, tmp_path):
    df = pd.read_csv(folder / "demand.csv")
    df.loc[df["period"] == 2, "demand_mw"] = 230
    df.to_csv(folder / "demand.csv", index=False)
    assert _run(["dispatch", str(folder)]) == 0     # without --strict the shortfall is only reported
    with pytest.raises(SupplyShortfallError) as exc:
        _run(["dispatch", str(folder), "--strict", "--out", str(tmp_path / "o")])
    msg = str(exc.value)
    assert "period 2: short 30 MW" in msg and "unserved demand: 30 MWh" in msg
    assert "reserve shortfall: 10 MWh" in msg
    assert (tmp_path / "o" / "system.csv").exists()   # results are written before the error


def test_bad_folder_raises_input_error(tmp_path):
    with pytest.raises(InputError):
        _run(["dispatch", str(tmp_path / "nope")])


def _main():
    cli = pytest.importorskip("simcore.cli")
    return cli.main


def test_evcycle_main_runs_dispatch(folder, capsys):
    assert _main()(["dispatch", str(folder), "--gap", "0"]) == 0
    assert "objective: 2700\n" in capsys.readouterr().out


def test_evcycle_main_exits_3_on_strict_shortfall(folder, capsys):
    df = pd.read_csv(folder / "demand.csv")
    df.loc[df["period"] == 2, "demand_mw"] = 230
    df.to_csv(folder / "demand.csv", index=False)
    assert _main()(["dispatch", str(folder), "--strict"]) == 3
    assert "period 2: short 30 MW" in capsys.readouterr().err


def test_evcycle_main_exits_2_with_one_line_on_bad_input(folder, capsys):
    df = pd.read_csv(folder / "thermal.csv")
    df.loc[df["name"] == "B", "p_min_mw"] = 500
    df.to_csv(folder / "thermal.csv", index=False)
    assert _main()(["dispatch", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "unit 'B', column p_min_mw" in err
