"""Start-up time of the command line: `evcycle --help` and `evcycle validate` on the shipped scenarios.

    python bench/startup.py --out startup.json [--repeats 7]

Each command runs in a fresh interpreter; the JSON has the median and min wall time (s) per command.
Target (issue 13): --help and validate under 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "help": ["--help"],
    "validate_quickstart": ["validate", "scenarios/quickstart.yaml"],
    "validate_kyushu_all_variants": ["validate", "scenarios/kyushu_2030_vgi.yaml"],
    "validate_fleet_ageing": ["validate", "scenarios/fleet_ageing.yaml"],
}


def time_command(args: list[str], repeats: int) -> dict[str, float]:
    walls = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "simcore.cli", *args], cwd=ROOT, check=True, capture_output=True)
        walls.append(time.perf_counter() - started)
    return {"median_s": statistics.median(walls), "min_s": min(walls), "repeats": repeats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    figures = {name: time_command(cmd, args.repeats) for name, cmd in COMMANDS.items()}
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
