"""Measure the extra capacity loss V2G costs a fleet under a deliberately hard controller (no grid).

An ``ev_fleet`` with batteries and the ``v2g`` policy; every connected EV is asked to discharge at
6 kW from 17:00 to 21:00 (within what its next trips allow) and to charge at 6 kW otherwise. One
week per season and pack age; prints and writes ``battery.v2g_extra_loss_pct_per_ev_year`` and the
V2G throughput per EV-day (docs/fleet_ageing.md, "Measured V2G cost").

    python bench/v2g_wear.py --out v2g_wear.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simcore import World  # noqa: E402

SEASONS = {"january": "2040-01-08", "july": "2040-07-23"}


def run(start: str, initial_age_y: float, size: int, days: int, seed: int) -> dict:
    """One week of the hard controller; the run's battery KPIs."""
    scenario = {
        "name": "v2g_wear", "seed": seed,
        "clock": {"start": start, "days": days, "tick_minutes": 15},
        "components": {"fleet": {"type": "ev_fleet", "size": size, "charging_policy": "v2g",
                                 "batteries": {"initial_age_y": initial_age_y}}},
    }
    world = World.from_dict(scenario)
    m = world.components["fleet"].model
    m.controller = lambda tick: np.full(m.n, -6.0 if 17 <= (tick % m.T) * m.dt < 21 else 6.0)
    world.run()
    s = world.summary()
    keys = ("battery.v2g_extra_loss_pct_per_ev_year", "battery.v2g_throughput_kwh_per_ev_day", "battery.mean_cell_temp_c",
            "battery.efc_per_ev_day")
    return {k: round(float(s[k]), 4) for k in keys}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ages", default="0,3,8", help="initial pack ages, years (comma-separated)")
    ap.add_argument("--out", default="v2g_wear.json")
    args = ap.parse_args(argv)
    results = []
    t0 = time.perf_counter()
    for age in (float(a) for a in args.ages.split(",")):
        for season, start in SEASONS.items():
            r = {"initial_age_y": age, "season": season, **run(start, age, args.size, args.days, args.seed)}
            print(json.dumps(r), flush=True)
            results.append(r)
    out = {"size": args.size, "days": args.days, "seed": args.seed, "wall_s": round(time.perf_counter() - t0, 1),
           "runs": results}
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
