"""Benchmark: age a fleet of batteries day by day through the fast path (BatteryStore.age).

Per-day stressors are synthesised per battery: daily driving energy (lognormal around a per-vehicle
mean, assumption ~30 km/day x 0.15 kWh/km), home charging at 3-6 kW back to a per-vehicle target SOC,
cell temperature from Tokyo monthly normals + per-vehicle pack offset + daily weather noise, and a
V2G share of the fleet cycling an extra 0.1 EFC/day. Writes wall time (making the stressors included;
``stressors_s`` says how much of it that was) and peak RSS as JSON.

    python bench/ageing.py --batteries 100000 --years 10 --out bench_ageing.json
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simcore.battery import BatteryStore, DailyStressors, HolderKind, cell_temperature_c, monthly_ambient_c  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batteries", type=int, default=100_000)
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modules", type=int, default=8)
    ap.add_argument("--v2g-share", type=float, default=0.2)
    ap.add_argument("--out", default="bench_ageing.json")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    n, days = args.batteries, int(round(args.years * 365))
    t0 = time.perf_counter()
    store = BatteryStore(modules_per_pack=args.modules, capacity=n)
    lfp = rng.random(n) < 0.2
    nominal = np.where(lfp, 50.0, rng.choice([40.0, 60.0, 78.0], n))
    ids_nmc = store.create(int((~lfp).sum()), "NMC622", nominal[~lfp], 0.0, HolderKind.VEHICLE, np.flatnonzero(~lfp), rng)
    ids_lfp = store.create(int(lfp.sum()), "LFP", nominal[lfp], 0.0, HolderKind.VEHICLE, np.flatnonzero(lfp), rng)
    ids = np.concatenate([ids_nmc, ids_lfp])
    cap = store.col("nominal_kwh")[ids]
    mean_kwh_day = rng.lognormal(np.log(30.0 * 0.15), 0.5, n)  # per-vehicle mean daily driving energy
    target_soc = rng.uniform(0.8, 1.0, n)
    charger_kw = rng.choice([3.0, 6.0], n)
    pack_offset = rng.normal(5.0, 1.5, n)
    v2g = rng.random(n) < args.v2g_share
    monthly = monthly_ambient_c("tokyo")
    v2g_kwh = np.where(v2g, 0.1 * cap, 0.0)
    t_setup = time.perf_counter() - t0

    t1 = time.perf_counter()
    synth = 0.0  # of the wall time, the part spent making the day's stressors (the benchmark's own data)
    for d in range(days):
        ts = time.perf_counter()
        z = rng.standard_normal(n, dtype=np.float32)
        e_kwh = mean_kwh_day * np.exp(0.5 * z - 0.125)  # lognormal daily variation, mean-preserving
        dod = np.minimum((e_kwh + v2g_kwh) / cap, 0.9)
        efc = dod
        soc_mean = target_soc - 0.5 * dod
        temp = cell_temperature_c(d, monthly, pack_offset) + rng.normal(0.0, 2.0)
        s = DailyStressors(soc_mean=soc_mean, temp_c=temp, dod=dod, efc=efc, c_chg=charger_kw / cap)
        synth += time.perf_counter() - ts
        store.age(slice(None), s, throughput_kwh=2.0 * efc * cap, v2g_throughput_kwh=2.0 * v2g_kwh)
        if d % 365 == 364:
            store.record_soh(d * 24.0, ids)
    wall = time.perf_counter() - t1
    soh = store.soh(ids)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "batteries": n,
        "years": args.years,
        "days": days,
        "wall_s": round(wall, 3),
        "setup_s": round(t_setup, 3),
        "stressors_s": round(synth, 3),
        "us_per_battery_day": round(wall / max(n * days, 1) * 1e6, 4),
        "peak_rss_mib": round(peak_kib / 1024.0, 1),
        "soh_mean": round(float(soh.mean()), 4),
        "soh_p05": round(float(np.percentile(soh, 5)), 4),
        "soh_p95": round(float(np.percentile(soh, 95)), 4),
        "unaccounted": store.unaccounted(),
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
