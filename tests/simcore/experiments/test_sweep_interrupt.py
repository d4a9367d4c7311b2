"""Ctrl-C during a parallel sweep: queued runs are cancelled, running ones stop, the message is exact."""

from __future__ import annotations

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
