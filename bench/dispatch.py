"""Benchmark the dispatch MILP: model build, day-ahead solve, intraday re-dispatch; writes JSON.

Cases:
  synthetic_40  a 40-unit, 24-period day built here (always available, deterministic)
  rts_gmlc      pglib-uc RTS-GMLC day (73 thermal units, 48 periods) if <repo>/../shared exists
  egret         EGRET test_case_1..5 solved to gap 0, LP bound vs EGRET's tight formulation
  --problem DIR any problem folder (hook for the Kyushu 2030 system)
  --pypsa       Kyushu 2030 day-ahead UC (--pypsa-day) through ours and through PyPSA (linopy + HiGHS)
                on the same simplified instance (bench/pypsa_uc.py; key kyushu_day_ahead_vs_pypsa).
                PyPSA is not a project dependency: run with a separate venv that has it, e.g.
                compare-venv/bin/python bench/dispatch.py --pypsa --only-pypsa --out FILE.json

  python bench/dispatch.py --out bench/results/dispatch.json [--repeats 3] [--skip-rts]

Quoted figures are medians of ``--repeats`` runs. The machine is shared: compare within one file.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from agents.grid.dispatch import DispatchProblem, DispatchSession, load_problem, solve  # noqa: E402
from agents.grid.dispatch.egret_json import load_uc_json  # noqa: E402
from agents.grid.dispatch.highs_direct import DirectHighs  # noqa: E402
from agents.grid.dispatch.model import build_model, compile_units  # noqa: E402
from agents.grid.dispatch.solve import _new_solver  # noqa: E402

SHARED = REPO.parent / "shared" / "validation" / "uc"
# EGRET's published objectives (tests of grid-parity-exchange/Egret) and LP relaxation values of its
# tight formulation (test_tight_uc_model), for test_case_1..5.
EGRET_MIP = [4201915.017320504, 5454367.7670904165, 5999272.361123627, 5461120.3231092375, 6062406.32677043]
EGRET_TIGHT_LP = [4194720.23424, 5441076.85034, 5988496.92621, 5453617.47912, 6055376.54656]


# ----------------------------------------------------------------------------- synthetic day
def synthetic_day(seed: int = 0, periods: int = 24) -> DispatchProblem:
    """40 thermal units (coal, CCGT, oil steam, OCGT), PV, wind, one pumped hydro, two EV clusters.

    Numbers are assumptions shaped like a mid-size thermal system (peak ~11 GW), not a real system.
    """
    rng = np.random.default_rng(seed)
    kinds = [  # kind, count, pmin, pmax, ramp/h, up/down h, no-load/h, marginal range, co2 t/MWh, start costs
        ("coal", 8, (150, 220), (450, 650), 180, 8, 2500, (18, 24), 0.90, [(8, 9000), (16, 15000), (40, 22000)]),
        ("ccgt", 14, (120, 180), (350, 480), 240, 4, 1800, (30, 40), 0.37, [(4, 4000), (12, 7000)]),
        ("oil", 6, (60, 100), (200, 350), 120, 3, 1500, (55, 70), 0.70, [(3, 3000)]),
        ("ocgt", 12, (20, 40), (80, 150), 600, 1, 300, (80, 110), 0.55, [(1, 500)]),
    ]
    thermal, cost, start = [], [], []
    for kind, n, pmin_r, pmax_r, ramp, updown, no_load, mc_r, co2, starts in kinds:
        for i in range(n):
            name = f"{kind}_{i + 1:02d}"
            pmin = float(rng.integers(*pmin_r))
            pmax = float(rng.integers(*pmax_r))
            on = kind in ("coal",) or (kind == "ccgt" and i < 7)
            thermal.append({
                "name": name, "p_min_mw": pmin, "p_max_mw": pmax, "ramp_up_mw_per_h": ramp,
                "ramp_down_mw_per_h": ramp, "startup_mw": pmin + 0.3 * (pmax - pmin),
                "shutdown_mw": pmin + 0.3 * (pmax - pmin), "min_up_h": updown, "min_down_h": updown,
                "initial_status_h": updown + 2 if on else -(updown + 5), "initial_p_mw": 0.7 * pmax if on else 0.0,
                "must_run": 0, "co2_t_per_mwh": co2, "fuel": kind,
            })
            mc = float(rng.uniform(*mc_r))
            pts = np.linspace(pmin, pmax, 4)
            marg = mc * np.array([1.0, 1.04, 1.1])          # rising marginal cost: convex
            c = [no_load + mc * pmin]
            for k in range(3):
                c.append(c[-1] + marg[k] * (pts[k + 1] - pts[k]))
            cost += [{"name": name, "p_mw": float(p), "cost_per_h": float(v)} for p, v in zip(pts, c)]
            start += [{"name": name, "lag_h": lag, "cost": sc} for lag, sc in starts]
    h = np.arange(periods) % 24
    demand = 7000 + 3000 * np.exp(-((h - 18) / 4.0) ** 2) + 1500 * np.exp(-((h - 11) / 3.0) ** 2)
    pv = np.clip(np.sin((h - 6) / 12 * np.pi), 0, None) * 2200
    wind = 600 + 300 * np.sin(h / 24 * 2 * np.pi + 1.0) + rng.normal(0, 60, periods)
    ren = ([{"name": "pv", "period": t + 1, "p_max_mw": float(pv[t]), "p_min_mw": 0.0} for t in range(periods)]
           + [{"name": "wind", "period": t + 1, "p_max_mw": float(max(wind[t], 0)), "p_min_mw": 0.0}
              for t in range(periods)])
    storage = [{"name": "pumped_hydro", "p_charge_max_mw": 1200, "p_discharge_max_mw": 1200,
                "energy_max_mwh": 8000, "energy_min_mwh": 500, "eff_charge": 0.87, "eff_discharge": 0.87,
                "energy_initial_mwh": 4000, "energy_final_mwh": 4000}]
    away = (h >= 8) & (h < 18)
    ev = []
    for t in range(periods):
        ev.append({"cluster": "home_v1g", "period": t + 1, "p_charge_max_mw": 0.0 if away[t] else 400.0,
                   "p_discharge_max_mw": 0.0, "energy_min_mwh": 1200.0 if h[t] == 7 else 200.0,
                   "energy_max_mwh": 2000.0, "energy_drive_mwh": 60.0 if h[t] in (7, 8, 17, 18) else 5.0})
        ev.append({"cluster": "work_v2g", "period": t + 1, "p_charge_max_mw": 150.0 if away[t] else 0.0,
                   "p_discharge_max_mw": 100.0 if away[t] else 0.0, "energy_min_mwh": 300.0 if h[t] == 17 else 100.0,
                   "energy_max_mwh": 800.0, "energy_drive_mwh": 20.0 if h[t] in (8, 17) else 0.0})
    return DispatchProblem(
        name=f"synthetic_40_{periods}", periods=periods, period_hours=1.0,
        demand=pd.DataFrame({"period": range(1, periods + 1), "demand_mw": demand, "reserve_mw": 0.05 * demand}),
        thermal=pd.DataFrame(thermal), thermal_cost=pd.DataFrame(cost), thermal_startup=pd.DataFrame(start),
        renewables=pd.DataFrame(ren), storage=pd.DataFrame(storage), ev_clusters=pd.DataFrame(ev),
        ev_cluster_params=pd.DataFrame([
            {"cluster": "home_v1g", "eff_charge": 0.92, "eff_discharge": 0.92, "energy_initial_mwh": 900.0},
            {"cluster": "work_v2g", "eff_charge": 0.92, "eff_discharge": 0.92, "energy_initial_mwh": 300.0}]),
        carbon_price_per_t=30.0,
    ).validate()


def perturbed(p: DispatchProblem, seed: int) -> DispatchProblem:
    """'Actual' data for the intraday stage: demand +-3 %, renewables +-20 %, same units."""
    rng = np.random.default_rng(seed)
    q = copy.deepcopy(p)
    q.demand["demand_mw"] = q.demand["demand_mw"] * rng.normal(1.0, 0.03, len(q.demand))
    if len(q.renewables):
        q.renewables["p_max_mw"] = (q.renewables["p_max_mw"] * rng.normal(1.0, 0.2, len(q.renewables))).clip(lower=0)
        q.renewables["p_min_mw"] = np.minimum(q.renewables["p_min_mw"], q.renewables["p_max_mw"])
    return q.validate()


# ----------------------------------------------------------------------------- measurements
def med(xs: list[float]) -> float:
    return float(statistics.median(xs))


def time_build(p: DispatchProblem, repeats: int, tight: bool = True) -> dict:
    """Model build (compile units + Pyomo model), then hand-over to HiGHS by both routes."""
    build, direct, appsi = [], [], []
    for _ in range(max(repeats, 3)):
        t0 = time.perf_counter()
        m = build_model(p, compile_units(p), tight=tight)
        build.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        DirectHighs().set_instance(m)
        direct.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _new_solver(1e-4, None).set_instance(m)
        appsi.append(time.perf_counter() - t0)
    session = DispatchSession(p)
    session.direct.set_instance(session.model)
    restate = []
    for i in range(max(repeats, 3)):
        nxt = perturbed(p, 200 + i)
        t0 = time.perf_counter()
        session.start_day(nxt)
        session.direct.update_bounds()
        restate.append(time.perf_counter() - t0)
    return {"build_s_median": med(build), "build_s_runs": build,
            "to_highs_direct_s_median": med(direct), "to_highs_appsi_s_median": med(appsi),
            "next_day_restate_s_median": med(restate), "next_day_restate_s_runs": restate,
            "note": "build = compile_units + build_model; to_highs = passing the built model to HiGHS "
                    "(standard-form compiler + highspy.passModel, or appsi set_instance); next_day_restate = "
                    "DispatchSession.start_day on a perturbed copy standing in for the next day + pushing the bounds to the live "
                    "HiGHS instance (what a day of the grid agent's loop costs instead of build + to_highs)"}


def lp_bound(p: DispatchProblem, tight: bool) -> float:
    m = build_model(p, tight=tight)
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(m)
    h = DirectHighs(0.0)
    h.set_instance(m)
    return h.solve().objective


def time_solve(p: DispatchProblem, repeats: int, gap: float, time_limit: float | None, tight: bool = True) -> dict:
    runs = [solve(p, gap=gap, time_limit_s=time_limit, tight=tight) for _ in range(repeats)]
    return {"gap_target": gap, "tight": tight, "solve_s_median": med([r.solve_s for r in runs]),
            "solve_s_runs": [r.solve_s for r in runs], "build_s_median": med([r.build_s for r in runs]),
            "to_solver_s_median": med([r.extra["to_solver_s"] for r in runs]),
            "objective": runs[0].objective, "mip_gap": runs[0].mip_gap, "status": runs[0].status,
            "unserved_mwh": runs[0].unserved_mwh, "reserve_shortfall_mwh": runs[0].reserve_shortfall_mwh,
            "starts": int(runs[0].startup.to_numpy().sum()),
            "note": "solve_s includes passing the model to HiGHS (to_solver_s) and the HiGHS run"}


def time_intraday(p: DispatchProblem, repeats: int, gap: float) -> dict:
    """Day-ahead MILP, then re-dispatch on actual data with the commitment fixed, four ways."""
    actuals = [perturbed(p, 100 + i) for i in range(repeats)]
    out: dict = {}
    ways = {
        "session_highs_direct": dict(backend="highs"),
        "session_appsi_fixed_as_bounds": dict(backend="appsi", fixed_as_params=False),
        "session_appsi_fixed_as_params": dict(backend="appsi", fixed_as_params=True),
    }
    ref = None
    for key, kw in ways.items():
        session = DispatchSession(p, gap=gap, **kw)
        if ref is None:
            da = session.solve()                      # the day-ahead MILP (live instance from here on)
            out["day_ahead_solve_s"] = da.solve_s
        else:
            session.redispatch(p, ref)                # warm-up: hands the model to the solver (untimed)
        ts, objs = [], []
        for a in actuals:
            t0 = time.perf_counter()
            r = session.redispatch(a, da.commitment if ref is None else ref)
            ts.append(time.perf_counter() - t0)
            objs.append(r.objective)
        if ref is None:
            ref = da.commitment
            ref_objs = objs
        else:
            assert np.allclose(objs, ref_objs, rtol=1e-6), (key, objs, ref_objs)
        out[key] = {"redispatch_s_median": med(ts), "redispatch_s_runs": ts}
    fresh = []
    for a in actuals:
        t0 = time.perf_counter()
        f = solve(a, gap=gap, fixed_commitment=ref)
        fresh.append(time.perf_counter() - t0)
    out["fresh_build_and_solve"] = {"redispatch_s_median": med(fresh), "redispatch_s_runs": fresh}
    out["note"] = ("redispatch = validate actual data + load time series + fix the day-ahead commitment + "
                   "re-solve on the live solver; fresh = validate + build + solve with the commitment fixed. "
                   "appsi: Var.fix with update_config.treat_fixed_vars_as_params False (bounds) or True (params)")
    return out


def bench_case(name: str, p: DispatchProblem, args, repeats: int) -> dict:
    print(f"[{name}] {len(p.thermal)} units x {p.periods} periods", flush=True)
    res = {"units": len(p.thermal), "periods": p.periods, "renewables": len(p.renewable_names),
           "storage": len(p.storage_names), "ev_clusters": len(p.cluster_names)}
    res["build"] = time_build(p, args.repeats)
    print(f"  build {res['build']['build_s_median']:.3f} s, to HiGHS direct "
          f"{res['build']['to_highs_direct_s_median']:.3f} s / appsi {res['build']['to_highs_appsi_s_median']:.3f} s, "
          f"next day on the live model {res['build']['next_day_restate_s_median']:.3f} s", flush=True)
    res["lp_bound_tight"] = lp_bound(p, True)
    res["lp_bound_compact"] = lp_bound(p, False)
    res["solve_tight"] = time_solve(p, repeats, args.gap, args.time_limit, tight=True)
    print(f"  tight:   {res['solve_tight']['solve_s_median']:.2f} s", flush=True)
    if not args.skip_compact:
        res["solve_compact"] = time_solve(p, repeats, args.gap, args.time_limit, tight=False)
        print(f"  compact: {res['solve_compact']['solve_s_median']:.2f} s", flush=True)
    if not args.skip_intraday:
        res["intraday"] = time_intraday(p, max(repeats, 3), args.gap)
        print("  intraday " + ", ".join(f"{k} {v['redispatch_s_median']:.3f} s"
                                       for k, v in res["intraday"].items() if isinstance(v, dict)), flush=True)
    return res


def bench_egret(args) -> dict:
    out = {}
    for i in range(1, 6):
        p = load_uc_json(SHARED / "egret" / f"test_case_{i}.json")
        row = {"lp_tight": lp_bound(p, True), "lp_compact": lp_bound(p, False),
               "egret_tight_lp": EGRET_TIGHT_LP[i - 1], "egret_objective": EGRET_MIP[i - 1]}
        for tight in (True, False):
            r = [solve(p, gap=0.0, time_limit_s=args.time_limit, tight=tight) for _ in range(args.slow_repeats)]
            key = "tight" if tight else "compact"
            row[f"{key}_solve_s_median"] = med([x.solve_s for x in r])
            row[f"{key}_solve_s_runs"] = [x.solve_s for x in r]
            row[f"{key}_objective"] = r[0].objective
        row["build_s"] = r[0].build_s
        out[f"test_case_{i}"] = row
        print(f"[egret {i}] obj {row['tight_objective']:.6f} (EGRET {EGRET_MIP[i - 1]:.6f}); "
              f"tight {row['tight_solve_s_median']:.2f} s, compact {row['compact_solve_s_median']:.2f} s", flush=True)
    return out


def vgi_days(variant: str, start: str, days: int) -> dict:
    """Wall time of the Kyushu 2030 VGI scenario loop (fleet + grid agent) for ``days`` days of one variant."""
    from simcore import World
    scen = Path(__file__).resolve().parents[1] / "scenarios" / "kyushu_2030_vgi.yaml"
    t0 = time.perf_counter()
    w = World.from_scenario(scen, variant=variant, overrides={"clock.start": start, "clock.days": days})
    build = time.perf_counter() - t0
    t1 = time.perf_counter()
    w.run()
    run = time.perf_counter() - t1
    g = w.components["grid"]
    s = w.summary()
    return {"variant": variant, "start": start, "days": days, "build_s": build, "run_s": run,
            "s_per_day": run / days, "year_extrapolated_min": run / days * 365 / 60,
            "co2_t": float(s["grid.co2_t"]), "ev_energy_mwh": float(s["ev.energy_mwh"]),
            "timing_s": dict(g.timing),
            "per_day_s": [{"date": str(w.clock.day_start(i).date()), **t} for i, t in enumerate(g.day_timing)]}


def bench_vgi(args) -> dict:
    """The year loop: each variant in its own process (they run in parallel on a multi-core machine)."""
    from concurrent.futures import ProcessPoolExecutor
    variants = ("uncontrolled", "smart", "v2g")
    with ProcessPoolExecutor(max_workers=args.vgi_workers) as ex:
        futs = {v: ex.submit(vgi_days, v, args.vgi_start, args.vgi_days) for v in variants}
        return {v: f.result() for v, f in futs.items()}


def bench_vs_pypsa(args) -> dict:
    """Kyushu 2030 day-ahead UC, ours vs PyPSA, with and without spinning reserve (bench/pypsa_uc.py)."""
    try:
        import pypsa  # noqa: F401  (fail early with a clear message)
    except ImportError:
        raise SystemExit("--pypsa needs PyPSA, which is not a core dependency: run this benchmark with a "
                         "venv that has it (python3 -m venv compare-venv && compare-venv/bin/pip "
                         "install -e '.[compare]'); see docs/dispatch.md, Against PyPSA") from None
    import logging

    from agents.grid import system
    from bench.pypsa_uc import SIMPLIFICATIONS, comparison_problem, compare, versions

    for name in ("pypsa", "linopy"):
        logging.getLogger(name).setLevel(logging.WARNING)
    full = system.day_problem(system.load_system(), args.pypsa_day, "day_ahead")
    out: dict = {"day": args.pypsa_day, "stage": "day_ahead", "units": len(full.thermal), "periods": full.periods,
                 "renewables": len(full.renewable_names), "storage": len(full.storage_names),
                 "gap": args.gap, "repeats": args.pypsa_repeats, "versions": versions(),
                 "simplified": SIMPLIFICATIONS,
                 "note": "total_s = DispatchProblem in, optimum and schedules out (ours: solve(); PyPSA: "
                         "network build + n.optimize + reading the schedules); medians of repeats after an "
                         "untimed warm-up on a 3-period instance; HiGHS single-threaded, seed 0, same gap"}
    io_apis = tuple(None if x == "lp" else x for x in args.pypsa_io_api)
    for key, reserve in (("with_reserve", True), ("no_reserve", False)):
        print(f"[kyushu {args.pypsa_day} vs PyPSA, {key}]", flush=True)
        out[key] = compare(comparison_problem(full, reserve=reserve), args.gap, args.pypsa_repeats, io_apis,
                           log=lambda msg: print(msg, flush=True), exact=not args.pypsa_skip_gap0,
                           time_limit_s=args.time_limit)
        r = out[key]
        print(f"  ours {r['ours']['total_s_median']:.2f} s vs PyPSA " + ", ".join(
            f"{k} {v['total_s_median']:.2f} s" for k, v in r["pypsa"].items() if "total_s_median" in v)
            + f"; objectives agree within gap: {r['objectives_agree_within_gap']} "
              f"(max rel diff {r['objective_max_rel_diff']:.2e})", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--slow-repeats", type=int, default=1, help="repeats for RTS-GMLC and EGRET MILP solves")
    ap.add_argument("--gap", type=float, default=1e-3, help="relative MIP gap for day-ahead solves")
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--skip-rts", action="store_true")
    ap.add_argument("--skip-compact", action="store_true", help="do not solve with the compact formulation")
    ap.add_argument("--skip-intraday", action="store_true")
    ap.add_argument("--egret", action="store_true", help="also solve EGRET test_case_1..5 to gap 0")
    ap.add_argument("--problem", action="append", default=[], metavar="DIR",
                    help="also benchmark a problem folder (hook for the Kyushu system)")
    ap.add_argument("--vgi-days", type=int, default=0,
                    help="also time the Kyushu VGI scenario loop for this many days per variant (0: skip)")
    ap.add_argument("--vgi-start", default="2030-08-01", help="first day of the VGI loop")
    ap.add_argument("--vgi-workers", type=int, default=1, help="variants run in this many processes")
    ap.add_argument("--only-vgi", action="store_true", help="skip the dispatch cases, run only the VGI loop")
    ap.add_argument("--pypsa", action="store_true",
                    help="also compare with PyPSA on a Kyushu day (needs a venv with pypsa, see above)")
    ap.add_argument("--only-pypsa", action="store_true", help="skip the other dispatch cases, run only --pypsa")
    ap.add_argument("--pypsa-day", default="2030-08-01", help="day of the Kyushu 2030 system for --pypsa")
    ap.add_argument("--pypsa-repeats", type=int, default=3, help="end-to-end runs per tool and variant")
    ap.add_argument("--pypsa-skip-gap0", action="store_true",
                    help="skip the one gap-0 solve per tool that checks both reach the same optimum")
    ap.add_argument("--pypsa-io-api", nargs="+", default=["direct", "lp"], choices=["direct", "lp"],
                    help="linopy hand-over(s) to HiGHS to time: in memory (direct) and/or LP file (linopy default)")
    args = ap.parse_args(argv)
    import highspy
    report = {"date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "pyomo": pyo.__version__ if hasattr(pyo, "__version__") else "",
                          "highspy": getattr(highspy, "__version__", "")},
              "settings": {"repeats": args.repeats, "slow_repeats": args.slow_repeats, "gap": args.gap,
                           "time_limit_s": args.time_limit},
              "cases": {}}
    if args.vgi_days > 0:
        report["vgi_loop"] = bench_vgi(args)
    skip_cases = args.only_vgi or args.only_pypsa     # the synthetic / RTS / --problem / EGRET cases
    if args.pypsa or args.only_pypsa:
        report["kyushu_day_ahead_vs_pypsa"] = bench_vs_pypsa(args)
    if not skip_cases:
        report["cases"]["synthetic_40"] = bench_case("synthetic_40", synthetic_day(), args, args.repeats)
    rts = SHARED / "pglib_uc_rts_gmlc" / "2020-07-06.json"
    if not skip_cases and not args.skip_rts and rts.is_file():
        report["cases"]["rts_gmlc_2020-07-06"] = bench_case("rts_gmlc", load_uc_json(rts), args, args.slow_repeats)
    for d in ([] if skip_cases else args.problem):
        report["cases"][Path(d).name] = bench_case(Path(d).name, load_problem(d), args, args.repeats)
    if args.egret and not skip_cases and (SHARED / "egret").is_dir():
        report["egret"] = bench_egret(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
