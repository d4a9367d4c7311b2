"""Sweeps: the grid expands as asked, and parallel runs give the same bytes as serial ones."""

from pathlib import Path

import yaml

from simcore.cli import main
from simcore.experiment import grid_runs, parse_grid, run_sweep
from tests.simcore.toy_components import toy_scenario

TOYS = ["tests.simcore.toy_components"]  # registered by import: workers import them first


def _scenario(tmp_path: Path) -> Path:
    data = toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_grid_expands_to_the_cartesian_product():
    runs = grid_runs(parse_grid(["variant=high", "pulse.every_ticks=2,4"]), seeds=[1, 2])
    assert len(runs) == 4 and runs[0].variant == "high" and runs[0].overrides == {"pulse.every_ticks": 2}
    assert {r.seed for r in runs} == {1, 2}


def test_parallel_sweep_is_bit_identical_to_serial(tmp_path):
    scen = _scenario(tmp_path)
    runs = grid_runs({"pulse.level_mw": [1.0, 3.0]}, seeds=[1, 2])
    serial = run_sweep(scen, runs, tmp_path / "serial", workers=1)
    parallel = run_sweep(scen, runs, tmp_path / "parallel", workers=2, import_modules=TOYS)
    assert serial.drop(columns="folder").equals(parallel.drop(columns="folder"))
    for a, b in zip(sorted((tmp_path / "serial").glob("0*")), sorted((tmp_path / "parallel").glob("0*"))):
        assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()


def test_sweep_rejects_a_bad_value_before_running(tmp_path, capsys):
    scen = _scenario(tmp_path)
    code = main(["sweep", str(scen), "--grid", "pulse.level_mw=1,-2", "--out", str(tmp_path / "s")])
    assert code == 2 and "components.pulse.level_mw" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_report_lists_kpis_side_by_side(tmp_path, capsys):
    scen = _scenario(tmp_path)
    main(["run", str(scen), "--out", str(tmp_path / "a"), "--quiet"])
    main(["run", str(scen), "--variant", "high", "--out", str(tmp_path / "b"), "--quiet"])
    capsys.readouterr()
    assert main(["report", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "pulse.energy_mwh" in out and str(tmp_path / "b") in out
