"""``evcycle plot``: draw results folders to PNG (load curves, EV demand, dispatch)."""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_plot(args: argparse.Namespace) -> int:
    from simcore.results import PLOTS_DIR, new_file, results_file
    from viz.dispatch_day import plot_dispatch_days
    from viz.load_curves import plot_day, plot_ev_compare

    for folder in args.results:
        results_file(folder, "timeseries.parquet")
    first = Path(args.results[0])
    labelled = {Path(f).name: Path(f) for f in args.results}
    if len(labelled) < len(args.results):
        labelled = {str(f): Path(f) for f in args.results}
    name = "dispatch" if args.dispatch else ("compare" if len(args.results) > 1 else "day")
    out = args.out if args.out is not None else first / PLOTS_DIR / f"{name}-{args.day or 'last'}.png"
    with new_file(out, replace_inside=None if args.out is not None else first) as tmp:
        if args.dispatch:
            plot_dispatch_days(labelled, tmp, day=args.day)
        elif len(args.results) > 1:
            plot_ev_compare(labelled, tmp, day=args.day)
        else:
            plot_day(first, tmp, day=args.day)
    print(f"plot: {out}")
    return 0


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plot", help="plot one day of results folders to PNG (load curves, EV demand, dispatch)")
    p.add_argument("results", type=Path, nargs="+",
                   help="results folder; several: their EV demand on one axis (or, --dispatch, a panel each)")
    p.add_argument("--dispatch", action="store_true",
                   help="grid runs: supply stacked against demand, EV charging and discharge, a panel per folder")
    p.add_argument("--day", help="YYYY-MM-DD (default: the last simulated day)")
    p.add_argument("--out", type=Path,
                   help="PNG file to create (default: plots/ inside the first results folder); never replaces a file")
    p.set_defaults(handler=cmd_plot)
