"""``sweep``: many runs of one scenario (variants x overrides x seeds)."""

from __future__ import annotations

import argparse
from pathlib import Path

from simcore.cli.common import add_out_args, positive_int


def cmd_sweep(args: argparse.Namespace) -> int:
    from simcore.experiment import grid_runs, parse_grid, run_sweep

    grid = parse_grid(args.grid)
    seeds = args.seeds or [None]
    runs = grid_runs(grid, seeds)
    out = args.out if args.out is not None else Path("runs/sweep")
    table = run_sweep(args.scenario, runs, out, workers=args.workers, overwrite=args.overwrite)
    print(table.drop(columns=["folder"]).T.to_string())
    print(f"results: {out}")
    return 0


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run a grid of variants / overrides / seeds, in parallel processes")
    p.add_argument("scenario", type=Path, help="scenario YAML")
    p.add_argument("--grid", action="append", default=[], metavar="PATH=V1,V2",
                   help="values to sweep, e.g. --grid variant=uncontrolled,night_tariff (repeatable)")
    p.add_argument("--seeds", type=int, nargs="+", help="seeds to run each combination with")
    p.add_argument("--workers", type=positive_int, default=2, help="parallel processes (1 = serial)")
    add_out_args(p, "sweep folder", default="runs/sweep")
    p.set_defaults(handler=cmd_sweep)
