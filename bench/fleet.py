"""Benchmark the EV fleet (behaviour + charging) run through the kernel.

    python bench/fleet.py --evs 100000 --days 7 --out runs/bench_fleet.json

Builds a World with only an ``ev_fleet`` of N simulated EVs and runs it D days; reports EV-steps per
second (EVs x ticks / wall s of the run), wall time of setup and run, and the peak resident memory of
the process. ``--repeat`` runs fresh worlds several times and reports the median (each in a new process
would be cleaner for RSS; the peak is the maximum over the repeats).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import agents.builtin_components  # noqa: E402,F401  (registers ev_fleet even without an installed entry point)
from simcore import World  # noqa: E402


def scenario(evs: int, days: int, tick_minutes: int, policy: str, batteries: bool = False) -> dict:
    fleet = {"type": "ev_fleet", "size": evs, "charging_policy": policy,
             "home_charger_share": 0.6, "work_charger_share_no_home": 1.0}
    if batteries:   # every EV's pack aged by its use (agents/fleet/batteries.py)
        fleet["batteries"] = {"lfp_share": 0.2}
    return {
        "name": "bench_fleet",
        "seed": 1,
        "clock": {"start": "2040-07-23", "days": days, "tick_minutes": tick_minutes},
        "components": {"fleet": fleet},
    }


def run_once(evs: int, days: int, tick_minutes: int, policy: str, batteries: bool = False) -> dict:
    t0 = time.perf_counter()
    world = World.from_dict(scenario(evs, days, tick_minutes, policy, batteries))
    t1 = time.perf_counter()
    world.run()
    t2 = time.perf_counter()
    ticks = world.clock.n_ticks
    return {"setup_s": t1 - t0, "wall_s": t2 - t1, "ev_steps_per_s": evs * ticks / (t2 - t1),
            "energy_mwh": float(world.summary()["ev.energy_mwh"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evs", type=int, default=100_000, help="simulated EVs")
    ap.add_argument("--days", type=int, default=7, help="simulated days")
    ap.add_argument("--tick-minutes", type=int, default=15)
    ap.add_argument("--policy", default="night_tariff", choices=["uncontrolled", "night_tariff"])
    ap.add_argument("--batteries", action="store_true", help="give every EV a battery entity aged by its use")
    ap.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    ap.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = ap.parse_args(argv)

    runs = []
    for _ in range(args.repeat):
        runs.append(run_once(args.evs, args.days, args.tick_minutes, args.policy, args.batteries))
        gc.collect()  # free the previous world before the next one is built
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    figures = {
        "evs": args.evs, "days": args.days, "tick_minutes": args.tick_minutes, "policy": args.policy,
        "batteries": args.batteries,
        "ticks": args.days * 24 * 60 // args.tick_minutes, "repeats": args.repeat,
        "ev_steps_per_s": statistics.median(r["ev_steps_per_s"] for r in runs),
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "setup_s": statistics.median(r["setup_s"] for r in runs),
        "total_s": statistics.median(r["wall_s"] + r["setup_s"] for r in runs),
        "peak_rss_mib": rss_mib,
        "runs": runs,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    print(json.dumps({k: v for k, v in figures.items() if k != "runs"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
