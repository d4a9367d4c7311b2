"""The 4R chain at scale: packs through collection, the plant, second life and recycling.

    python bench/fourr.py --packs 1000000 --years 20 --out F.json [--repeats 1]

A ``retired_pack_source`` hands in ``packs / years`` used packs a year (NMC622, 40 kWh, 8 modules,
about ten years old); the facilities are sized for that flow (analysers, racks, shelves, refabrication
line, recycling lines) so that every stage works. Writes the wall time (median of the repeats), the
peak resident memory, and what the chain did (received, graded, repurposed, recycled, invariants).
``cpu_s`` (process CPU time, median) moves less than the wall time when other work shares the machine.
Target (issue 15): 1,000,000 packs in 20 simulated years in at most 60 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import agents.builtin_components  # noqa: E402,F401  (registers the types even without an installed entry point)
from simcore import World  # noqa: E402


#: packs a year the applications.csv demand takes at demand_scale 1 (7.4 MWh/yr of ~36 usable kWh packs)
DEMAND_PACKS_PER_SCALE = 205.0


def scenario(packs: int, years: int, seed: int = 1) -> dict:
    per_year = packs / years
    per_day = per_year / 365.25
    return {
        "name": "bench_fourr", "seed": seed,
        "clock": {"start": "2030-01-01", "days": int(round(years * 365.25)), "tick_minutes": 1440},
        "components": {
            "source": {"type": "retired_pack_source", "to": "collection", "packs_per_year": per_year},
            "collection": {"type": "collection_point", "to": "plant", "end_of_life_to": "recycling",
                           "lot_size_packs": 40},
            # sized for the flow: test channels at ~50 % load, a month of intake, racks for more than the
            # longest a pack may be stored (so unsold packs leave for recycling before the racks fill), two months of
            # shelves; second-life demand (applications.csv mix) scaled to take about the packs that come in
            "plant": {"type": "fourr_plant", "recycler": "recycling", "second_life": "second_life",
                      "analysers": max(int(per_day * 8 * 5 / 60 / 24 * 2), 1), "intake_capacity_packs": int(per_day * 30) + 100,
                      "rack_capacity_packs": int(per_day * 200) + 100, "shelf_capacity_modules": int(per_day * 8 * 60) + 800,
                      "refab_packs_per_day": per_day * 20, "demand_scale": per_year / DEMAND_PACKS_PER_SCALE,
                      "max_storage_days": 180},
            "second_life": {"type": "second_life", "end_of_life_to": "collection"},
            "recycling": {"type": "recycling_plant", "direct_capacity_kg_per_day": per_day * 250,
                          "conventional_capacity_kg_per_day": per_day * 500},
        }}


def run_once(packs: int, years: int) -> tuple[float, float, dict]:
    """Wall and CPU seconds of one run (build and run, not the summary), and what the chain did."""
    started, cpu_started = time.perf_counter(), time.process_time()
    world = World.from_dict(scenario(packs, years))
    world.run()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    s = world.summary()
    keys = ("source.packs_made", "fourr.received", "fourr.graded", "fourr.repurposed", "fourr.rebuilt",
            "fourr.disassembled", "recycling.packs_dismantled", "recycling.direct.modules", "recycling.hydro.modules",
            "battery.unaccounted", "module.unaccounted", "materials.mass_balance_rel_error", "battery.count",
            "module.count")
    return wall, cpu, {k: (float(s[k]) if k in s else None) for k in keys}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packs", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    walls, cpus, chains = [], [], []
    for _ in range(args.repeats):
        wall, cpu, chain = run_once(args.packs, args.years)
        walls.append(wall)
        cpus.append(cpu)
        chains.append(chain)
        gc.collect()  # the last run's world (it holds reference cycles) goes before the next is built
    figures = {"packs": args.packs, "years": args.years, "repeats": args.repeats, "wall_s": statistics.median(walls),
               "wall_s_runs": walls, "cpu_s": statistics.median(cpus), "cpu_s_runs": cpus, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
               "chain": chains[-1], "chain_same_every_run": all(c == chains[0] for c in chains)}
    Path(args.out).write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
