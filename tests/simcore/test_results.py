"""Results folders: complete or absent, never written over anything that is not ours, and summary.json
byte-identical for the same scenario + seed."""

import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.simcore.toy_components  # noqa: F401  (registers the toy types)
from simcore.cli import main
from simcore.errors import InputError
from simcore.results import (RESULTS_FORMAT, is_results_folder, new_file, read_summary, read_timeseries,
                             results_folder, write_manifest)
from simcore.runner import run_scenario
from simcore.scenario import resolve_scenario
from tests.simcore.cli.fuzz_kit import snapshot
from tests.simcore.toy_components import toy_scenario


def test_run_writes_manifest_summary_and_timeseries(tmp_path):
    out, _ = run_scenario(resolve_scenario(toy_scenario()), out=tmp_path / "r")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["versions"]["simpy"] and manifest["wall_time_s"]["total"] > 0
    assert manifest["format"] == RESULTS_FORMAT
    assert sorted(manifest["files"]) == sorted(p.name for p in out.iterdir() if p.name != "manifest.json")
    frame = pd.read_parquet(out / "timeseries.parquet")
    assert list(frame.columns) == ["time", "pulse.output_mw"] and len(frame) == 96
    assert json.loads((out / "summary.json").read_text())["pulse.pulses"] == 24


def test_same_scenario_and_seed_give_byte_identical_summary(tmp_path):
    a, _ = run_scenario(resolve_scenario(toy_scenario()), out=tmp_path / "a")
    b, _ = run_scenario(resolve_scenario(toy_scenario()), out=tmp_path / "b")
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()
    c, _ = run_scenario(resolve_scenario(toy_scenario(), seed=8), out=tmp_path / "c")
    assert (a / "summary.json").read_bytes() != (c / "summary.json").read_bytes()


def _write_results(folder: Path, text: str = "{}") -> None:
    with results_folder(folder, overwrite=is_results_folder(folder)) as tmp:
        (tmp / "summary.json").write_text(text)
        write_manifest(tmp, {"note": "test"})


def test_interrupted_write_leaves_nothing_and_keeps_the_earlier_results(tmp_path):
    out = tmp_path / "res"
    with pytest.raises(KeyboardInterrupt):
        with results_folder(out) as tmp:
            (tmp / "half.json").write_text("{")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    _write_results(out, "old")
    with pytest.raises(RuntimeError):
        with results_folder(out, overwrite=True):
            raise RuntimeError("disk full")
    assert (out / "summary.json").read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["res"]


def test_parents_made_for_a_failed_run_are_removed(tmp_path):
    with pytest.raises(RuntimeError):
        with results_folder(tmp_path / "a" / "b" / "res"):
            raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_an_earlier_results_folder_whole(tmp_path):
    out = tmp_path / "res"
    _write_results(out, "old")
    run_scenario(resolve_scenario(toy_scenario()), out=out, overwrite=True)
    assert "pulse.pulses" in read_summary(out)
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


# -- the command line on a user's folder ---------------------------------------------------------


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A user's working folder: a thesis, earlier runs, notes; the scenario next to them."""
    (tmp_path / "thesis.tex").write_text("keep")
    (tmp_path / "runs" / "old").mkdir(parents=True)
    (tmp_path / "runs" / "old" / "data.csv").write_text("1,2")
    (tmp_path / "notes.txt").write_text("notes")
    (tmp_path / "scen.yaml").write_text(yaml.safe_dump(toy_scenario()))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str) -> int:
    return main(["run", "scen.yaml", "--quiet", *args])


@pytest.mark.parametrize("out", [".", "", "runs", "runs/old", "notes.txt", "..", "/", "thesis.tex"])
def test_out_onto_a_users_path_is_refused_and_nothing_changes(scratch, capsys, out):
    before = snapshot(scratch)
    assert _run("--out", out) == 2
    assert snapshot(scratch) == before
    err = capsys.readouterr().err
    assert err.startswith(("error: --out:", "error: evcycle run: argument --out:")) and err.count("\n") == 1


def test_out_onto_a_users_path_is_refused_even_with_overwrite(scratch):
    before = snapshot(scratch)
    assert _run("--out", "runs", "--overwrite") == 2
    assert _run("--out", ".", "--overwrite") == 2
    assert snapshot(scratch) == before


def test_earlier_results_are_replaced_only_with_overwrite(scratch, capsys):
    assert _run("--out", "runs/a") == 0
    first = (scratch / "runs" / "a" / "summary.json").read_bytes()
    assert _run("--out", "runs/a") == 2
    assert "--overwrite" in capsys.readouterr().err
    assert _run("--out", "runs/a", "--overwrite", "--seed", "9") == 0
    assert (scratch / "runs" / "a" / "summary.json").read_bytes() != first
    assert sorted(p.name for p in (scratch / "runs").iterdir()) == ["a", "old"]


def test_a_results_folder_holding_a_users_file_is_not_replaced(scratch, capsys):
    assert _run("--out", "res") == 0
    (scratch / "res" / "my_analysis.ipynb").write_text("mine")
    assert _run("--out", "res", "--overwrite") == 2
    assert "my_analysis.ipynb" in capsys.readouterr().err
    assert (scratch / "res" / "my_analysis.ipynb").read_text() == "mine"


def test_new_results_inside_an_earlier_run_are_refused(scratch, capsys):
    assert _run("--out", "res") == 0
    before = snapshot(scratch)
    assert _run("--out", "res/nested") == 2
    assert "res is a results folder" in capsys.readouterr().err
    assert snapshot(scratch) == before


def test_a_results_folder_has_the_ordinary_permissions_of_a_new_folder(scratch):
    old = os.umask(0o022)
    try:
        assert _run("--out", "res") == 0
    finally:
        os.umask(old)
    assert (scratch / "res").stat().st_mode & 0o777 == 0o755


def test_a_symbolic_link_is_never_followed_or_replaced(scratch):
    os.symlink(scratch / "runs", scratch / "link")
    before = snapshot(scratch)
    assert _run("--out", "link", "--overwrite") == 2
    assert snapshot(scratch) == before


@pytest.mark.parametrize("out", ["notes.txt/q", "thesis.tex/a/b"])
def test_out_under_a_file_is_a_clear_error(scratch, out):
    before = snapshot(scratch)
    assert _run("--out", out) == 2
    assert snapshot(scratch) == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, a folder nobody can write in")
def test_out_in_a_folder_nobody_can_write_is_a_clear_error(scratch, capsys):
    assert _run("--out", "/proc/evcycle-results") == 2
    assert "write" in capsys.readouterr().err


def test_dispatch_out_is_refused_on_a_users_folder(scratch):
    before = snapshot(scratch)
    assert main(["dispatch", "no-such-problem", "--out", "."]) == 2
    assert main(["dispatch", "no-such-problem", "--out", "runs"]) == 2
    assert snapshot(scratch) == before


def test_a_single_file_output_never_replaces_a_file(scratch):
    with pytest.raises(InputError):
        with new_file(scratch / "notes.txt"):
            pass
    assert (scratch / "notes.txt").read_text() == "notes"
    with new_file(scratch / "out" / "q.csv") as tmp:
        tmp.write_text("day,q\n")
    assert (scratch / "out" / "q.csv").read_text() == "day,q\n"


SEGMENTS = st.sampled_from([".", "..", "runs", "old", "thesis.tex", "notes.txt", "res", "new", "a b", "", "~"])


@st.composite
def out_arguments(draw):
    """Relative paths, or absolute ones through the working folder ("{work}/..."); at most four parts, so
    even four ".." stay inside the test's own folder tree."""
    parts = draw(st.lists(st.one_of(SEGMENTS, st.text("abcxyz._-", min_size=1, max_size=4)), min_size=1, max_size=4))
    text = "/".join(parts) + draw(st.sampled_from(["", "/"]))
    return ("{work}/" + text) if draw(st.booleans()) else text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(out=out_arguments(), overwrite=st.booleans(), earlier=st.booleans())
def test_any_out_argument_leaves_everything_outside_the_results_folder_unchanged(monkeypatch, out, overwrite,
                                                                                 earlier):
    with tempfile.TemporaryDirectory() as top:
        root = Path(top)
        home = root / "l1" / "l2" / "l3" / "l4" / "home"  # deep enough that four ".." stay inside root
        work = home / "work"
        (work / "runs" / "old").mkdir(parents=True)
        (work / "runs" / "old" / "data.csv").write_text("1,2")
        (work / "thesis.tex").write_text("keep")
        (work / "notes.txt").write_text("notes")
        (home / "other.txt").write_text("other")
        (work / "scen.yaml").write_text(yaml.safe_dump(toy_scenario()))
        monkeypatch.chdir(work)
        monkeypatch.setenv("HOME", str(home))
        out = out.replace("{work}", str(work))
        target = Path(os.path.abspath(os.path.expanduser(out)))
        if root not in target.parents:  # a safety net: this test never writes outside its own folder
            return
        if earlier:
            assert _run("--out", "res") == 0
        before = snapshot(root)
        code = _run(f"--out={out}", *(["--overwrite"] if overwrite else []))
        after = snapshot(root)
        assert code in (0, 2)
        if code == 2:
            assert after == before
            return
        assert is_results_folder(target)
        inside = os.path.relpath(target, root)

        def outside(snapshot):
            return {k: v for k, v in snapshot.items() if k != inside and not k.startswith(inside + os.sep)}

        made_parents = {os.path.relpath(p, root) for p in target.parents if root in p.parents}
        assert {k: v for k, v in outside(after).items() if k not in made_parents} == \
            {k: v for k, v in outside(before).items() if k not in made_parents}
        assert all(after.get(k) is None for k in made_parents)  # only folders were made on the way


def test_report_and_plot_refuse_damaged_results_with_one_line(scratch, capsys):
    assert _run("--out", "res") == 0
    (scratch / "res" / "summary.json").write_text('{"a": 1')
    (scratch / "res" / "timeseries.parquet").write_bytes(b"PAR1garbage")
    assert main(["report", "res"]) == 2
    assert main(["plot", "res"]) == 2
    for line in capsys.readouterr().err.splitlines():
        assert line.startswith("error: ") and "Traceback" not in line
    with pytest.raises(InputError):
        read_timeseries(scratch / "res")
