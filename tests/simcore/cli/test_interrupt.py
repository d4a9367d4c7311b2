"""Ctrl-C at any moment: exit 130, one line, nothing written (no results folder, no hidden leftovers)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import scenarios

QUICKSTART = str(scenarios.path("quickstart.yaml"))


def _interrupt_after(seconds: float, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # the child takes Ctrl-C as at a terminal even when the tests run as a background job (which ignores it)
    proc = subprocess.Popen([sys.executable, "-m", "simcore.cli", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(seconds)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("seconds", [0.3, 2.0], ids=["during start-up", "during the run"])
def test_ctrl_c_exits_130_and_writes_nothing(tmp_path, seconds):
    (tmp_path / "thesis.tex").write_text("keep")
    done = _interrupt_after(seconds, tmp_path, "run", QUICKSTART, "--set", "fleet.size=100000", "--set", "fleet.sample=100000",
                            "--set", "clock.days=30", "--out", "res")
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip().splitlines()[-1] == "interrupted; nothing was written"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.tex"]
