"""Benchmark a sweep: serial against local worker pools (forkserver with preload, spawn) and auto.

    python bench/sweep.py --runs 4 --sample 20000 --repeat 3 --out runs/bench_sweep.json

Each measurement is a fresh Python process that plans and runs the same sweep of the TEPCO 2040
scenario (``--runs`` values of ``fleet.home_charger_kw``, ``--sample`` simulated EVs, ``--days``
days) into a temporary folder, so the wall time includes imports and worker start-up, as a user
sees it. Reports the median of ``--repeat`` wall times per mode, and checks that every mode wrote
byte-identical ``summary.json`` and ``timeseries.parquet`` files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODES = {"serial": (1, "forkserver"), "forkserver": (2, "forkserver"), "spawn": (2, "spawn"),
         "auto": (None, "forkserver")}


def child(mode: str, runs: int, sample: int, days: int, out: str) -> None:
    """Plan and run the sweep (called in a fresh process)."""
    sys.path.insert(0, str(ROOT))
    from simcore.experiments.designs import build_design
    from simcore.experiments.sweep import plan_sweep, run_sweep

    workers, method = MODES[mode]
    kws = [round(3.0 + 8.0 * i / max(runs - 1, 1), 3) for i in range(runs)]
    design = build_design("grid", {"fleet.home_charger_kw": kws}, [], None)
    plan = plan_sweep(ROOT / "scenarios" / "tepco_2040_demand.yaml", design,
                      {"fleet.sample": sample, "clock.days": days, "fleet.warmup_days": days - 1}, [None])
    result = run_sweep(plan, out, workers=workers, quiet=True, start_method=method)
    assert not result.failed and not result.not_written


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.glob("r*/summary.json")) + sorted(folder.glob("r*/timeseries.parquet")):
        h.update(path.read_bytes())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=4, help="runs in the sweep")
    ap.add_argument("--sample", type=int, default=20_000, help="simulated EVs per run")
    ap.add_argument("--days", type=int, default=8, help="simulated days per run (the last one reported)")
    ap.add_argument("--repeat", type=int, default=3, help="measurements per mode; the median is reported")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--child-out", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help="JSON file for the figures")
    args = ap.parse_args(argv)
    if args.child:
        child(args.child, args.runs, args.sample, args.days, args.child_out)
        return 0
    modes = [m for m in args.modes.split(",") if m]
    walls: dict[str, list[float]] = {m: [] for m in modes}
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            for mode in modes:  # interleaved, so drifting machine load spreads over the modes
                out = Path(tmp) / f"{mode}-{r}"
                cmd = [sys.executable, __file__, "--child", mode, "--child-out", str(out), "--runs", str(args.runs),
                       "--sample", str(args.sample), "--days", str(args.days)]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, cwd=tmp, env={**os.environ, "PYTHONPATH": str(ROOT)})
                walls[mode].append(time.perf_counter() - t0)
                digests.setdefault(mode, digest(out))
    figures = {
        "runs": args.runs, "sample": args.sample, "days": args.days, "repeat": args.repeat,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "wall_s_median": {m: statistics.median(v) for m, v in walls.items()},
        "wall_s_all": walls,
        "identical_results": len(set(digests.values())) == 1,
        "note": "each wall time: a fresh process planning and running the whole sweep (imports and worker "
                "start-up included); serial = workers 1 in the sweep's own process; forkserver = the default "
                "pool of 2 warm workers forked from a preloaded server; spawn = the same pool with "
                "Python's spawn start method (what 'import mesa' makes the default); auto = the default "
                "--workers auto (first run in the sweep's process decides serial or pool)",
    }
    text = json.dumps(figures, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
