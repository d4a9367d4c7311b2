"""HiGHS prints a banner when a process builds its first instance; ours must not reach stdout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_the_first_highs_instance_of_a_process_prints_nothing():
    code = ("from agents.grid.dispatch.highs_direct import DirectHighs; DirectHighs(); DirectHighs(); "
            "print('only this')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout == "only this\n" and "HiGHS" not in done.stderr
