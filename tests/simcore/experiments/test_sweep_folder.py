"""The sweep folder is ours: an earlier sweep is continued only with --resume and replaced only with
--overwrite (whole, and only if nothing foreign is inside); bad input writes nothing."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simcore.cli import main
from tests.simcore.toy_components import toy_scenario


def _scenario(tmp_path: Path) -> Path:
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})), encoding="utf-8")
    return path


def _sweep(scen: Path, out: Path, *args: str) -> int:
    return main(["sweep", str(scen), "--workers", "1", "--quiet", "--out", str(out), *args])


@pytest.fixture()
def finished(tmp_path: Path) -> tuple[Path, Path]:
    scen = _scenario(tmp_path)
    out = tmp_path / "g1"
    assert _sweep(scen, out, "--grid", "variant=base,high", "--seeds", "1", "2") == 0
    return scen, out


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_earlier_sweep_without_resume_or_overwrite_is_refused_and_left_as_it_was(finished, capsys):
    scen, out = finished
    before = _tree(out)
    capsys.readouterr()
    assert _sweep(scen, out, "--grid", "variant=high", "--seeds", "9") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(out) in err and "--resume" in err and "--overwrite" in err
    assert _tree(out) == before


def test_a_sweep_folder_holding_only_its_manifest_counts_as_an_earlier_sweep(tmp_path, capsys):
    scen = _scenario(tmp_path)
    out = tmp_path / "s"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"format": "evcycle-results-1", "kind": "sweep", "files": []}))
    assert _sweep(scen, out, "--grid", "variant=high") == 2
    assert "earlier sweep" in capsys.readouterr().err and sorted(p.name for p in out.iterdir()) == ["manifest.json"]


def test_overwrite_replaces_the_whole_sweep_folder(finished):
    scen, out = finished
    (out / "plots").mkdir()
    (out / "plots" / "demand.png").write_bytes(b"png")
    assert _sweep(scen, out, "--grid", "variant=high", "--seeds", "9", "--overwrite") == 0
    assert sorted(p.name for p in out.iterdir()) == ["kpis.csv", "kpis.parquet", "manifest.json", "r000-high-s9",
                                                      "units.json"]
    assert list(pd.read_csv(out / "kpis.csv")["run"]) == ["r000-high-s9"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # nothing left aside


@pytest.mark.parametrize("foreign", ["notes.txt", "r001-high-s1/mine.txt"])
def test_overwrite_refuses_a_sweep_folder_holding_something_of_the_users(finished, capsys, foreign):
    scen, out = finished
    (out / foreign).write_text("keep")
    before = _tree(out)
    capsys.readouterr()
    assert _sweep(scen, out, "--grid", "variant=high", "--seeds", "9", "--overwrite") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and foreign in err and "not ours" in err
    assert _tree(out) == before


def test_ctrl_c_during_an_overwrite_keeps_the_earlier_sweep_whole(finished, capsys):
    import tests.simcore.experiments.toys  # noqa: F401  (registers test_trouble)

    scen, out = finished
    data = yaml.safe_load(scen.read_text())
    data["components"]["trouble"] = {"type": "test_trouble"}
    scen.write_text(yaml.safe_dump(data))
    before = _tree(out)
    capsys.readouterr()
    assert _sweep(scen, out, "--grid", "trouble.mode=none,interrupt", "--overwrite") == 130
    assert "was kept as it was" in capsys.readouterr().err
    assert _tree(out) == before and not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def test_a_scheduler_that_cannot_be_reached_writes_nothing(tmp_path, monkeypatch, capsys):
    from simcore.errors import InputError
    from simcore.experiments import executors

    def unreachable(*args, **kwargs):
        raise InputError("--scheduler", "scheduler", "tcp://127.0.0.1:1", "the address of a running Dask scheduler")

    monkeypatch.setattr(executors, "make_executor", unreachable)
    scen = _scenario(tmp_path)
    assert main(["sweep", str(scen), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1", "--quiet",
                 "--out", str(tmp_path / "d2" / "s")]) == 2
    assert "--scheduler" in capsys.readouterr().err and not (tmp_path / "d2").exists()


def test_sweep_files_have_ordinary_permissions(finished):
    _, out = finished
    mask = os.umask(0)
    os.umask(mask)
    for name in ("kpis.csv", "kpis.parquet", "manifest.json", "units.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~mask, name
    assert stat.S_IMODE((out / "kpis.csv").stat().st_mode) == stat.S_IMODE((out / "r000-s1" / "summary.json")
                                                                           .stat().st_mode)


def test_repeated_seeds_are_refused(tmp_path, capsys):
    assert _sweep(_scenario(tmp_path), tmp_path / "s", "--seeds", "1", "1") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--seeds" in err and "distinct seeds" in err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("args, missing", [
    (["--design", "sobol", "--n", "8"], "--param"),
    (["--param", "pulse.level_mw=1:3"], "--n"),
    (["--design", "lhs", "--param", "pulse.level_mw=1:3"], "--n"),
])
def test_a_missing_option_is_named_as_missing(tmp_path, capsys, args, missing):
    assert _sweep(_scenario(tmp_path), tmp_path / "s", *args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {missing}") and "got nothing (not given)" in err and "None" not in err
