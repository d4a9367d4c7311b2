"""Re-solve the Kyushu VGI loop's own day-ahead problems under other settings; writes JSON.

Why: the year loop's time is mostly the day-ahead MILP, and how hard a day is depends on the fleet's
and the units' state, which only the loop produces. This script runs the scenario for some weeks,
keeps every day-ahead problem the grid agent solves (it records them by wrapping the agent's
``DispatchSession``; nothing else changes), then solves each again under every MIP gap and
pumped-hydro LFC share asked for, one process, and reports solve time, cost and CO2 per day and in
total. docs/grid_agent.md ("Day-ahead gap and pumped-hydro reserve") quotes its figures.

  python bench/day_ahead_settings.py --variant uncontrolled --out gaps.json
  python bench/day_ahead_settings.py --variant v2g --gaps 0.01 --storage-lfc 0,50 --out lfc.json
  python bench/day_ahead_settings.py --variant v2g --gaps 0.01 \
      --highs-options "default;mip_heuristic_run_root_reduced_cost=true" --out heur.json
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import agents.grid.agent as grid_agent  # noqa: E402
from agents.grid.dispatch import DispatchSession  # noqa: E402
from agents.grid.dispatch.problem import DispatchProblem  # noqa: E402

SCENARIO = REPO / "scenarios" / "kyushu_2030_vgi.yaml"
WEEKS = ("2030-01-15", "2030-04-15", "2030-08-01", "2030-10-15")


def capture_day_ahead(variant: str, starts: list[str], days: int, sample: int | None) -> list[DispatchProblem]:
    """Run ``days`` days from each start; return copies of the day-ahead problems, in order."""
    from simcore import World
    kept: list[DispatchProblem] = []

    def keep(problem: DispatchProblem) -> None:
        if "day_ahead" in problem.name:
            kept.append(copy.deepcopy(problem))

    class Recording(DispatchSession):
        # the agent builds one session per run and re-states it each day (start_day): record both
        def __init__(self, problem, *args, **kwargs):
            keep(problem)
            super().__init__(problem, *args, **kwargs)

        def start_day(self, problem):
            keep(problem)
            super().start_day(problem)

    grid_agent.DispatchSession = Recording
    try:
        for start in starts:
            overrides = {"clock.start": start, "clock.days": days}
            if sample:
                overrides["fleet.sample"] = sample
            World.from_scenario(SCENARIO, variant=variant, overrides=overrides).run()
    finally:
        grid_agent.DispatchSession = DispatchSession
    return kept


def parse_highs_options(spec: str) -> dict:
    """``"default"`` -> {}; ``"name=value,name=value"`` -> HiGHS options (true/false, int, float or text)."""
    if spec.strip() in ("", "default"):
        return {}
    out: dict = {}
    for item in spec.split(","):
        name, _, text = item.partition("=")
        value: bool | int | float | str = text.strip()
        if value in ("true", "false"):
            value = value == "true"
        else:
            for cast in (int, float):
                try:
                    value = cast(text)
                    break
                except ValueError:
                    pass
        out[name.strip()] = value
    return out


def solve_under(problem: DispatchProblem, gap: float, lfc_pct: float, highs_options: dict | None = None) -> dict:
    """One day-ahead solve with the given gap, storage reserve cap (% of turbine capacity) and HiGHS
    options (on top of DirectHighs.DEFAULT_OPTIONS)."""
    p = copy.deepcopy(problem)
    if len(p.storage):
        p.storage["reserve_max_mw"] = p.storage["p_discharge_max_mw"] * lfc_pct / 100.0
    session = DispatchSession(p, gap=gap, highs_options=highs_options)
    t0 = time.perf_counter()
    r = session.solve()
    return {"solve_s": time.perf_counter() - t0, "objective": r.objective, "co2_t": r.co2_t,
            "mip_gap": r.mip_gap, "unserved_mwh": r.unserved_mwh}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variant", default="uncontrolled", help="scenario variant to run")
    ap.add_argument("--weeks", default=",".join(WEEKS), help="comma-separated first days")
    ap.add_argument("--days", type=int, default=7, help="days run from each first day")
    ap.add_argument("--sample", type=int, default=None, help="simulated EVs (default: the scenario's)")
    ap.add_argument("--gaps", default="0.005,0.01,0.02", help="comma-separated relative MIP gaps")
    ap.add_argument("--storage-lfc", default="50",
                    help="comma-separated pumped-hydro LFC shares, %% of turbine MW (the Kyushu data ship 50)")
    ap.add_argument("--highs-options", default="default",
                    help="semicolon-separated HiGHS option sets, each 'default' or 'name=value,...' "
                         "(applied over DirectHighs.DEFAULT_OPTIONS)")
    ap.add_argument("--out", required=True, help="JSON file to write")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    problems = capture_day_ahead(args.variant, args.weeks.split(","), args.days, args.sample)
    capture_s = time.perf_counter() - t0
    settings = [(float(g), float(s), o.strip()) for g in args.gaps.split(",") for s in args.storage_lfc.split(",")
                for o in args.highs_options.split(";")]
    rows, totals = [], {}
    for p in problems:
        row = {"problem": p.name}
        for gap, lfc, opts in settings:
            key = f"gap={gap:g},storage_lfc_pct={lfc:g}" + ("" if opts in ("", "default") else f",highs:{opts}")
            res = solve_under(p, gap, lfc, parse_highs_options(opts))
            row[key] = res
            t = totals.setdefault(key, {"solve_s": 0.0, "co2_t": 0.0, "objective": 0.0})
            for k in t:
                t[k] += res[k]
        rows.append(row)
    report = {"bench": "day_ahead_settings", "variant": args.variant, "weeks": args.weeks.split(","),
              "days_per_week": args.days, "problems": len(problems), "capture_s": capture_s,
              "totals": totals, "per_day": rows,
              "machine": {"python": platform.python_version(), "platform": platform.platform()}}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=out.parent, delete=False, suffix=".tmp") as f:
        json.dump(report, f, indent=1)
    Path(f.name).replace(out)
    for key, t in totals.items():
        print(f"{key}: {t['solve_s']:.1f} s, {t['co2_t'] / 1e3:.1f} kt CO2 over {len(problems)} days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
