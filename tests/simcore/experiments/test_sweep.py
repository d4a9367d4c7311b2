"""Sweeps: grids with base points, the runs table, failures as a status, resume, Ctrl-C, parallel = serial."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

import tests.simcore.experiments.toys  # noqa: F401  (registers test_trouble)
from simcore.cli import main
from simcore.experiments.designs import build_design
from simcore.experiments.spec import BASE, parse_grid
from simcore.experiments.sweep import plan_sweep, run_sweep
from tests.simcore.toy_components import toy_scenario


def _scenario(tmp_path: Path, **components) -> Path:
    data = toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})
    data["components"].update(components)
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _plan(scen: Path, grid: list[str], fixed=None, seeds=(None,)):
    return plan_sweep(scen, build_design("grid", parse_grid(grid), [], None), fixed or {}, list(seeds))


def _digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.glob("r*/*")) if p.name in ("summary.json", "timeseries.parquet", "events.parquet")}


def test_base_is_a_grid_point_and_the_table_has_one_column_per_varied_path(tmp_path, capsys):
    scen = _scenario(tmp_path)
    code = main(["sweep", str(scen), "--grid", "variant=base,high", "--grid", "pulse.every_ticks=base,2",
                 "--set", "clock.days=1", "--seeds", "3", "4", "--workers", "1", "--out", str(tmp_path / "s")])
    assert code == 0
    table = pd.read_csv(tmp_path / "s" / "kpis.csv")
    assert list(table.columns[:7]) == ["run", "point", "pulse.every_ticks", "variant", "seed", "status", "wall_s"]
    assert table.columns[-1] == "error" and "pulse.energy_mwh" in table.columns
    assert len(table) == 8 and set(table["status"]) == {"ok"}
    base = table[(table["variant"] == "base") & (table["seed"] == 3)]
    assert sorted(base["pulse.every_ticks"]) == [2, 4]  # the scenario's own value (default 4) for "base"
    high = table[table["variant"] == "high"]["pulse.energy_mwh"]
    assert high.min() > table[table["variant"] == "base"]["pulse.energy_mwh"].max()
    manifest = json.loads((tmp_path / "s" / "r000-s3" / "manifest.json").read_text())
    assert manifest["overrides"] == {"clock.days": 1} and manifest["seed"] == 3 and manifest["status"] == "ok"
    assert manifest["kpi_units"]["pulse.energy_mwh"] == "MWh"
    units = json.loads((tmp_path / "s" / "units.json").read_text())
    assert units["columns"]["pulse.energy_mwh"] == "MWh" and units["series"]["pulse.output_mw"] == "MW"
    assert pd.read_parquet(tmp_path / "s" / "kpis.parquet").equals(pd.read_parquet(tmp_path / "s" / "kpis.parquet"))


def test_folder_names_are_short_and_keep_index_variant_and_seed(tmp_path):
    plan = _plan(_scenario(tmp_path), ["variant=base,high", "pulse.level_mw=1.123456789,2"], seeds=[11, 12])
    assert plan.folders[0] == "r000-s11" and plan.folders[2] == "r002-high-s11" and plan.folders[-1] == "r007-high-s12"
    assert [r.seed for r in plan.runs[:4]] == [11] * 4  # seed-major: more seeds append runs


def test_a_failing_run_is_a_status_not_the_end_of_the_sweep(tmp_path, capsys):
    scen = _scenario(tmp_path, trouble={"type": "test_trouble"})
    code = main(["sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--grid", "trouble.mode=none,fail",
                 "--workers", "1", "--out", str(tmp_path / "s")])
    assert code == 1
    table = pd.read_csv(tmp_path / "s" / "kpis.csv", keep_default_na=False)
    assert list(table["status"]) == ["ok", "failed", "ok", "failed"]
    assert "RuntimeError: this run was set up to fail" in table["error"][1]
    failed = json.loads((tmp_path / "s" / "r001-s7" / "manifest.json").read_text())
    assert failed["status"] == "failed" and "Traceback" in failed["traceback"]
    assert "2 run(s) failed" in capsys.readouterr().err


def test_resume_skips_what_is_done_and_reruns_what_failed(tmp_path, capsys):
    scen = _scenario(tmp_path, trouble={"type": "test_trouble"})
    out = tmp_path / "s"
    assert main(["sweep", str(scen), "--grid", "trouble.mode=none,fail", "--grid", "pulse.level_mw=1,2",
                 "--workers", "1", "--out", str(out)]) == 1
    kept = (out / "r000-s7" / "summary.json").stat().st_mtime_ns
    capsys.readouterr()
    assert main(["sweep", str(scen), "--grid", "trouble.mode=none,fail", "--grid", "pulse.level_mw=1,2",
                 "--workers", "1", "--out", str(out), "--resume"]) == 1
    err = capsys.readouterr().err
    assert "2 of 4 runs to do" in err and "2 done earlier, skipped" in err
    assert (out / "r000-s7" / "summary.json").stat().st_mtime_ns == kept


def test_resume_refuses_a_folder_holding_another_run(tmp_path, capsys):
    scen = _scenario(tmp_path)
    out = tmp_path / "s"
    assert main(["sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--workers", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    code = main(["sweep", str(scen), "--grid", "pulse.level_mw=1,3", "--workers", "1", "--out", str(out), "--resume"])
    assert code == 2 and "r001-s7" in capsys.readouterr().err
    assert main(["sweep", str(scen), "--grid", "pulse.level_mw=1,3", "--workers", "1", "--out", str(out),
                 "--resume", "--overwrite"]) == 0
    assert json.loads((out / "r001-s7" / "summary.json").read_text())["pulse.energy_mwh"] > 0


def test_a_sweep_never_writes_into_a_folder_that_is_not_ours(tmp_path, capsys):
    scen = _scenario(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    assert main(["sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--out", str(mine), "--overwrite"]) == 2
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def test_ctrl_c_cancels_the_rest_and_says_what_was_written(tmp_path, capsys):
    scen = _scenario(tmp_path, trouble={"type": "test_trouble"})
    out = tmp_path / "s"
    args = ["sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--grid", "trouble.mode=none,interrupt",
            "--workers", "1", "--out", str(out)]
    assert main(args) == 130
    err = capsys.readouterr().err
    assert "interrupted: 1 run folder(s) written" in err and ": r000-s7\n" in err
    assert "3 of 4 run(s) not written" in err and "--resume" in err
    assert sorted(p.name for p in out.glob("r*")) == ["r000-s7"]
    table = pd.read_csv(out / "kpis.csv")
    assert list(table["status"]) == ["ok", "interrupted", "cancelled", "cancelled"]


def test_parallel_sweep_is_bit_identical_to_serial(tmp_path):
    scen = _scenario(tmp_path)
    plan = _plan(scen, ["pulse.level_mw=1,3"], seeds=[1, 2])
    serial = run_sweep(plan, tmp_path / "serial", workers=1, quiet=True)
    parallel = run_sweep(plan, tmp_path / "parallel", workers=2, quiet=True)
    assert serial.table.drop(columns="wall_s").equals(parallel.table.drop(columns="wall_s"))
    assert _digest(tmp_path / "serial") == _digest(tmp_path / "parallel") and len(_digest(tmp_path / "serial")) == 12


def test_sweep_rejects_a_bad_value_before_running(tmp_path, capsys):
    scen = _scenario(tmp_path)
    code = main(["sweep", str(scen), "--grid", "pulse.level_mw=1,-2", "--out", str(tmp_path / "s")])
    assert code == 2 and "components.pulse.level_mw" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("args, message", [
    (["--set", "pulse.level_mw=2", "--grid", "pulse.level_mw=1,3"], "not also varied"),
    (["--grid", "pulse.level_mw=1,,3"], "no empty values"),
    (["--design", "sobol", "--param", "pulse.level_mw=1:3", "--n", "12"], "power of two"),
    (["--design", "lhs", "--n", "4"], "at least one --param"),
    (["--param", "pulse.level_mw=3:1", "--design", "lhs", "--n", "4"], "LO < HI"),
    (["--grid", "variant=base,nope"], "variant"),
    (["--scheduler", "tcp://127.0.0.1:1"], "--executor dask"),
])
def test_bad_sweep_options_are_one_line_errors(tmp_path, capsys, args, message):
    code = main(["sweep", str(_scenario(tmp_path)), *args, "--out", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "s").exists()


def test_base_token_means_no_variant(tmp_path):
    assert parse_grid(["variant=base,high"]) == {"variant": [BASE, "high"]}


def test_what_a_run_prints_below_python_goes_to_its_log_not_the_terminal(tmp_path, capfd):
    scen = _scenario(tmp_path, trouble={"type": "test_trouble", "mode": "chatter"})
    assert main(["sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "s")]) == 0
    out, err = capfd.readouterr()
    assert "SomeSolver" not in out + err and "warning from C" not in out + err
    log = (tmp_path / "s" / "r000-s7" / "output.log").read_text()
    assert "Running SomeSolver" in log and "a warning from C" in log
    assert "output.log" in json.loads((tmp_path / "s" / "r000-s7" / "manifest.json").read_text())["files"]


def test_a_worker_process_that_dies_fails_its_runs_not_the_sweep(tmp_path, capsys):
    scen = _scenario(tmp_path, trouble={"type": "test_trouble"})
    code = main(["sweep", str(scen), "--grid", "trouble.mode=none,die", "--workers", "2", "--quiet",
                 "--out", str(tmp_path / "s")])
    assert code == 1
    table = pd.read_csv(tmp_path / "s" / "kpis.csv", keep_default_na=False)
    died = table[table["status"] == "failed"]
    assert "r001-s7" in set(died["run"]) and died["error"].str.contains("worker running it died").all()
    assert set(table["status"]) <= {"ok", "failed"}


def test_auto_workers_keep_short_runs_in_this_process(tmp_path):
    import io

    from simcore.experiments.executors import pool_pays

    assert not pool_pays(0.02, 30, 2) and pool_pays(1.5, 10, 2) and not pool_pays(100.0, 10, 1)
    stream = io.StringIO()
    result = run_sweep(_plan(_scenario(tmp_path), ["pulse.level_mw=1,2,3"]), tmp_path / "s", stream=stream)
    assert list(result.table["status"]) == ["ok"] * 3 and "serial if the runs are short" in stream.getvalue()


def test_whole_number_kpis_stay_whole_numbers_when_a_run_failed(tmp_path):
    scen = _scenario(tmp_path, trouble={"type": "test_trouble"})
    assert main(["sweep", str(scen), "--grid", "trouble.mode=none,fail", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "s")]) == 1
    lines = (tmp_path / "s" / "kpis.csv").read_text().splitlines()
    header = lines[0].split(",")
    ok = dict(zip(header, lines[1].split(","), strict=False))
    assert ok["trouble.ticks"] == "96" and ok["status"] == "ok"
    assert str(pd.read_parquet(tmp_path / "s" / "kpis.parquet")["trouble.ticks"].dtype) == "Int64"


def test_a_kept_runs_wall_time_is_the_same_after_resume(tmp_path):
    scen = _scenario(tmp_path)
    args = ["sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--workers", "1", "--quiet", "--out", str(tmp_path / "s")]
    assert main(args) == 0
    first = pd.read_csv(tmp_path / "s" / "kpis.csv")["wall_s"].tolist()
    manifest = json.loads((tmp_path / "s" / "r000-s7" / "manifest.json").read_text())
    assert first[0] == pytest.approx(manifest["wall_time_s"]["total"], rel=1e-12)
    assert main([*args, "--resume"]) == 0
    assert pd.read_csv(tmp_path / "s" / "kpis.csv")["wall_s"].tolist() == first
