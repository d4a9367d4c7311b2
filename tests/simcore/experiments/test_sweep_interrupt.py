"""Ctrl-C during a parallel sweep: queued runs are cancelled, running ones stop, the message is exact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

from tests.simcore.toy_components import toy_scenario

ROOT = Path(__file__).resolve().parents[3]


def test_sigint_to_a_parallel_sweep_leaves_only_finished_runs_and_says_which(tmp_path):
    data = toy_scenario()
    data["components"]["trouble"] = {"type": "test_trouble", "sleep_s": 0.005}  # ~0.5 s per run (96 ticks)
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "s"
    code = ("import sys, tests.simcore.toy_components, tests.simcore.experiments.toys; from simcore.cli import main; "
            f"sys.exit(main(['sweep', 'toy.yaml', '--grid', 'pulse.level_mw=1,2,3,4,5,6,7,8', '--workers', '2', "
            f"'--out', {str(out)!r}]))")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # as at a terminal
    deadline = time.monotonic() + 60
    while not list(out.glob("r*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    on_disk = sorted(p.name for p in out.iterdir() if p.name.startswith("r"))
    table = pd.read_csv(out / "kpis.csv")
    assert sorted(table.loc[table["status"] == "ok", "run"]) == on_disk
    assert 1 <= len(on_disk) < 8 and not list(out.glob(".*partial*"))
    assert f"interrupted: {len(on_disk)} run folder(s) written" in stderr
    assert f"{8 - len(on_disk)} of 8 run(s) not written" in stderr
    assert set(table["status"]) <= {"ok", "interrupted", "cancelled"}


def test_ctrl_c_from_a_terminal_reaches_every_worker_and_no_run_is_failed_or_half_written(tmp_path):
    data = toy_scenario()
    data["components"]["trouble"] = {"type": "test_trouble", "sleep_s": 0.005}
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "s"
    code = ("import sys, tests.simcore.toy_components, tests.simcore.experiments.toys; from simcore.cli import main; "
            f"sys.exit(main(['sweep', 'toy.yaml', '--grid', 'pulse.level_mw=1,2,3,4,5,6,7,8', '--workers', '2', "
            f"'--out', {str(out)!r}]))")

    def as_at_a_terminal():  # its own process group, which Ctrl-C signals as a whole (workers included)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setpgrp()

    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                            preexec_fn=as_at_a_terminal)
    deadline = time.monotonic() + 60
    while not list(out.glob("r*")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    table = pd.read_csv(out / "kpis.csv")
    assert set(table["status"]) <= {"ok", "interrupted", "cancelled"}, table[["run", "status", "error"]]
    on_disk = sorted(p.name for p in out.iterdir() if p.name.startswith("r"))
    assert sorted(table.loc[table["status"] == "ok", "run"]) == on_disk
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_a_second_ctrl_c_during_cleanup_does_not_cut_it_short(tmp_path, monkeypatch, capsys):
    import shutil

    import tests.simcore.experiments.toys  # noqa: F401
    from simcore.cli import main

    data = toy_scenario()
    data["components"]["trouble"] = {"type": "test_trouble"}
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    real_rmtree = shutil.rmtree

    def rmtree_with_ctrl_c(path, *args, **kwargs):  # the user presses Ctrl-C again as cleanup starts
        os.kill(os.getpid(), signal.SIGINT)
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr("simcore.results.shutil.rmtree", rmtree_with_ctrl_c)
    out = tmp_path / "s"
    assert main(["sweep", str(tmp_path / "toy.yaml"), "--grid", "trouble.mode=none,sigint", "--workers", "1",
                 "--quiet", "--out", str(out)]) == 130
    table = pd.read_csv(out / "kpis.csv")
    assert list(table["status"]) == ["ok", "interrupted"]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_an_error_that_follows_ctrl_c_counts_as_interrupted_not_failed(tmp_path, capsys):
    import tests.simcore.experiments.toys  # noqa: F401
    from simcore.cli import main

    data = toy_scenario()
    data["components"]["trouble"] = {"type": "test_trouble", "mode": "sigint_then_oserror"}
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "s"
    assert main(["sweep", str(tmp_path / "toy.yaml"), "--workers", "1", "--quiet", "--out", str(out)]) == 130
    table = pd.read_csv(out / "kpis.csv", keep_default_na=False)
    assert list(table["status"]) == ["interrupted"] and list(table["error"]) == [""]
    assert "1 of 1 run(s) not written" in capsys.readouterr().err


def test_resume_removes_hidden_partial_folders_an_interrupted_sweep_left(tmp_path, capsys):
    from simcore.cli import main

    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(toy_scenario()), encoding="utf-8")
    out = tmp_path / "s"
    args = ["sweep", str(tmp_path / "toy.yaml"), "--grid", "pulse.level_mw=1,2", "--workers", "1", "--quiet",
            "--out", str(out)]
    assert main(args) == 0
    (out / ".r001-s7.partial-abcd1234").mkdir()
    (out / ".r001-s7.partial-abcd1234" / "summary.json").write_text("{}")
    (out / ".kpis.csv.partial-x7y8z9w0").write_text("")
    assert main([*args, "--resume"]) == 0
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
