"""Results folders: complete or absent, and summary.json byte-identical for the same scenario + seed."""

import json

import pandas as pd
import pytest

from simcore.results import atomic_folder
from simcore.runner import run_scenario
from simcore.scenario import resolve_scenario
from tests.simcore.toy_components import toy_scenario


def test_run_writes_manifest_summary_and_timeseries(tmp_path):
    out, _ = run_scenario(resolve_scenario(toy_scenario()), out=tmp_path / "r")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["versions"]["simpy"] and manifest["wall_time_s"]["total"] > 0
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert list(frame.columns) == ["time", "pulse.output_mw"] and len(frame) == 96
    assert json.loads((out / "summary.json").read_text())["pulse.pulses"] == 24


def test_same_scenario_and_seed_give_byte_identical_summary(tmp_path):
    a, _ = run_scenario(resolve_scenario(toy_scenario()), out=tmp_path / "a")
    b, _ = run_scenario(resolve_scenario(toy_scenario()), out=tmp_path / "b")
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()
    c, _ = run_scenario(resolve_scenario(toy_scenario(), seed=8), out=tmp_path / "c")
    assert (a / "summary.json").read_bytes() != (c / "summary.json").read_bytes()


def test_interrupted_write_leaves_no_folder_and_keeps_the_old_one(tmp_path):
    out = tmp_path / "res"
    with pytest.raises(KeyboardInterrupt):
        with atomic_folder(out) as tmp:
            (tmp / "half.json").write_text("{")
            raise KeyboardInterrupt
    assert not out.exists() and list(tmp_path.iterdir()) == []
    out.mkdir()
    (out / "old.txt").write_text("kept")
    with pytest.raises(RuntimeError):
        with atomic_folder(out) as tmp:
            raise RuntimeError("disk full")
    assert (out / "old.txt").read_text() == "kept" and len(list(tmp_path.iterdir())) == 1


def test_rerun_replaces_the_folder_whole(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    run_scenario(resolve_scenario(toy_scenario()), out=out)
    assert not (out / "stale.txt").exists() and (out / "summary.json").exists()
