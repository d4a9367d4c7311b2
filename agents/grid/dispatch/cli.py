"""``evcycle dispatch DIR``: solve one problem folder and write its schedules.

Exit codes: 0 solved; 2 bad input (InputError, raised to the main CLI); 3 in ``--strict`` mode when
demand or reserve is not met: the handler raises :class:`simcore.errors.SupplyShortfallError` with a
report of the periods and shortfalls (after writing the results), which the main CLI maps to 3.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from agents.grid.dispatch.defaults import DEFAULT_GAP
from simcore.cli.common import add_out_args
from simcore.errors import InputError, SupplyShortfallError

if TYPE_CHECKING:
    from agents.grid.dispatch.solve import DispatchResult



def add_subcommand(subparsers) -> None:
    p = subparsers.add_parser("dispatch", help="solve a unit-commitment problem folder (the MILP alone)",
                              description="Solve the dispatch MILP of a problem folder (docs/dispatch.md).")
    p.add_argument("problem_dir", metavar="DIR", help="problem folder (problem.json + CSV tables)")
    p.add_argument("--gap", type=float, default=DEFAULT_GAP,
                   help=f"relative MIP gap to stop at (default {DEFAULT_GAP:g}; 0 proves optimality)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S", help="solver time limit in seconds")
    p.add_argument("--strict", action="store_true",
                   help="exit 3 with a report if any demand or reserve is not met")
    p.add_argument("--commitment", metavar="CSV", default=None,
                   help="solve with the units' on/off fixed: a CSV with a period column (1..N) and a 0/1 column "
                        "per thermal unit (the commitment.csv a stepper `show grid --out` writes)")
    add_out_args(p, "results folder for result.json and the schedules (CSV)")
    p.set_defaults(handler=run)


def shortfall_report(result: DispatchResult) -> str | None:
    """Readable lines on where supply falls short, or None when demand and reserve are met."""
    sysdf = result.system
    lines = []
    h = result.period_hours
    for col, what in (("unserved_mw", "unserved demand"), ("reserve_shortfall_mw", "reserve shortfall")):
        short = sysdf[sysdf[col] > 1e-6]
        if len(short):
            lines.append(f"{what}: {short[col].sum() * h:.6g} MWh in {len(short)} period(s)")
            for t, row in short.iterrows():
                lines.append(f"  period {t}: short {row[col]:.6g} MW (demand {row['demand_mw']:.6g} MW, "
                             f"reserve required {row['reserve_req_mw']:.6g} MW)")
    ev = result.ev_shortfall_total_mwh
    if ev > 1e-6:
        lines.append(f"EV energy not supplied: {ev:.6g} MWh")
    if not lines:
        return None
    return f"dispatch '{result.name}': supply falls short\n" + "\n".join(lines)


def write_atomically(result: DispatchResult, out: Path, overwrite: bool = False) -> None:
    """Write the schedules as a results folder (built in a hidden sibling, then renamed into place)."""
    from simcore.results import package_versions, results_folder, write_manifest

    with results_folder(out, overwrite=overwrite) as tmp:
        result.save(tmp)
        write_manifest(tmp, {"command": "dispatch", "problem": result.name, "versions": package_versions()})


def read_commitment(path: Path, units: list[str]):
    """A commitment CSV (period, then a 0/1 column per unit) as a frame indexed by period."""
    import pandas as pd

    if not path.is_file():
        raise InputError(str(path), "--commitment", str(path), "an existing CSV file")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(str(path), "file", str(exc).strip()[:60], "a CSV table with a header row") from None
    if "period" not in frame.columns:
        raise InputError(str(path), "period", "missing", "a period column numbering the periods 1..N")
    missing = [u for u in units if u not in frame.columns]
    if missing:
        raise InputError(str(path), missing[0], "missing", "a 0/1 column for every thermal unit of the problem")
    return frame.set_index("period")


def run(args: argparse.Namespace) -> int:
    import math

    from agents.grid.dispatch.problem import load_problem
    from agents.grid.dispatch.solve import NoSolutionInTime, solve
    from simcore.results import check_destination

    if not (0 <= args.gap < 1):
        raise InputError("--gap", "gap", args.gap, "a number in [0, 1)")
    if args.time_limit is not None and not (args.time_limit > 0 and math.isfinite(args.time_limit)):
        raise InputError("--time-limit", "time_limit", args.time_limit, "a finite number of seconds > 0")
    if args.out is not None:
        out, problem_dir = Path(args.out).resolve(), Path(args.problem_dir).resolve()
        if out == problem_dir or out in problem_dir.parents or problem_dir in out.parents:
            raise InputError("--out", "--out", str(args.out),
                             f"a folder apart from the problem folder {args.problem_dir} (the solution would replace "
                             "or nest in the problem it reads)")
        check_destination(args.out, overwrite=args.overwrite)  # refuse before solving, not after
    problem = load_problem(args.problem_dir)
    fixed = None if args.commitment is None else read_commitment(Path(args.commitment), problem.unit_names)
    try:
        result = solve(problem, gap=args.gap, time_limit_s=args.time_limit, fixed_commitment=fixed)
    except NoSolutionInTime:
        raise InputError("--time-limit", "time_limit", args.time_limit,
                         "a limit long enough for HiGHS to find a first plan (it found none in time)") from None
    print(f"objective: {result.objective:.10g}")
    print(f"unserved_mwh: {result.unserved_mwh:.10g}")
    print(f"reserve_shortfall_mwh: {result.reserve_shortfall_mwh:.10g}")
    print(f"co2_t: {result.co2_t:.10g}")
    print(f"status: {result.status}  mip_gap: {result.mip_gap:.3g}  "
          f"build_s: {result.build_s:.3f}  solve_s: {result.solve_s:.3f}")
    if args.out is not None:
        write_atomically(result, Path(args.out), overwrite=args.overwrite)
        print(f"written: {args.out}")
    if args.strict:
        report = shortfall_report(result)
        if report:
            raise SupplyShortfallError(report)
    return 0
