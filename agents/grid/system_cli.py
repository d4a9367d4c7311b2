"""``evcycle kyushu-day DATE --out DIR``: write the Kyushu 2030 dispatch problem of one or more days."""

from __future__ import annotations

import argparse

from agents.grid.params import DATA_DIR, STAGES
from simcore.cli.common import add_out_args, positive_int
from simcore.errors import InputError


def _handle(args: argparse.Namespace) -> int:
    import datetime as dt

    from agents.grid.dispatch.problem import save_problem
    from agents.grid.system import day_problem, load_system
    from simcore.results import package_versions, results_folder, write_manifest

    try:
        dt.date.fromisoformat(args.day)
    except ValueError:
        raise InputError(None, "day", args.day, "a date YYYY-MM-DD in 2030") from None
    if args.out is None:
        raise InputError(None, "--out", None, "a new folder for the problem")
    with results_folder(args.out, overwrite=args.overwrite) as tmp:
        problem = day_problem(load_system(args.data), args.day, args.stage, args.days)
        save_problem(problem, tmp)
        write_manifest(tmp, {"command": "kyushu-day", "problem": problem.name, "day": args.day,
                             "stage": args.stage, "days": args.days, "versions": package_versions()})
    print(f"wrote {args.out}: {problem.name}, {len(problem.thermal)} thermal units, "
          f"peak demand {problem.demand['demand_mw'].max():.0f} MW")
    return 0


def add_subcommand(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("kyushu-day", help="write a Kyushu 2030 dispatch problem folder for a date",
                              description="Write the Kyushu 2030 unit-commitment problem of one or more days "
                                          "(solve it with `evcycle dispatch DIR`).")
    p.add_argument("day", help="first day, YYYY-MM-DD in 2030")
    add_out_args(p, "problem folder to write")
    p.add_argument("--stage", choices=STAGES, default="day_ahead",
                   help="day_ahead: PV/wind forecasts; intraday: actuals (default day_ahead)")
    p.add_argument("--days", type=positive_int, default=1, help="number of whole days (default 1)")
    p.add_argument("--data", default=str(DATA_DIR), help="data folder (default: the packaged one)")
    p.set_defaults(handler=_handle)
