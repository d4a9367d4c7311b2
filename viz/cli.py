"""``evcycle plot``: draw results folders to PNG (load curves, EV demand, dispatch, series of many runs,
lifecycle tables)."""

from __future__ import annotations

import argparse
from pathlib import Path


def _mode(args: argparse.Namespace) -> str:
    """What to draw: lifecycle / series / dispatch / compare / day (see the command's help)."""
    from simcore.experiments.sweep import is_sweep_folder

    if args.flows:
        return "flows"
    if args.inventory:
        return "inventory"
    if args.lifecycle:
        return "lifecycle"
    if args.series:
        return "series"
    if args.dispatch:
        return "dispatch"
    ranged = args.start is not None or args.end is not None
    if any(is_sweep_folder(f) for f in args.results) or (len(args.results) > 1 and ranged):
        args.series = "ev.demand_mw"
        return "series"
    if len(args.results) > 1:
        return "compare"
    return "day"


def cmd_plot(args: argparse.Namespace) -> int:
    from simcore.errors import InputError
    from simcore.results import PLOTS_DIR, new_file, results_file

    if args.day is not None and (args.start is not None or args.end is not None):
        raise InputError("--day", "day", args.day, "either --day or --from/--to, not both")
    mode = _mode(args)
    if mode in ("flows", "inventory") and len(args.results) > 1:
        raise InputError("results", "results", [str(r) for r in args.results], f"one results folder for --{mode}")
    if mode == "flows":
        return _plot_flows(args)
    if mode == "lifecycle" and len(args.results) > 1:
        raise InputError("results", "results", [str(r) for r in args.results], "one results folder for --lifecycle")
    first = Path(args.results[0])
    if mode == "day":
        from viz.lifecycle import lifecycle_tables
        from viz.load_curves import day_series, read_timeseries

        has_day = any(day_series(list(read_timeseries(first).columns)).values())
        if not has_day and lifecycle_tables(first).any():
            mode = "lifecycle"
    if mode in ("day", "compare", "dispatch"):
        for folder in args.results:
            results_file(folder, "timeseries.parquet")
    span = (f"{args.start or 'start'}_{args.end or 'end'}" if args.start or args.end else args.day or "last")
    name = {"lifecycle": "lifecycle", "inventory": "inventory", "series": f"series-{span}", "dispatch": f"dispatch-{span}",
            "compare": f"compare-{span}", "day": f"day-{span}"}[mode]
    out = args.out if args.out is not None else first / PLOTS_DIR / f"{name}.png"
    draw = _drawer(mode, args)
    with new_file(out, replace_inside=None if args.out is not None else first) as tmp:
        draw(tmp)
    print(f"plot: {out}")
    return 0


def _drawer(mode: str, args: argparse.Namespace):
    """A function drawing the chosen plot into a file (inputs are read before the file is opened)."""
    first = Path(args.results[0])
    if mode == "inventory":
        from viz.inventory import plot_inventory
        from viz.load_curves import read_timeseries

        read_timeseries(first)  # damaged or missing: an error before the file is opened
        return lambda out: plot_inventory(first, out)
    if mode == "lifecycle":
        from viz.lifecycle import lifecycle_tables, plot_lifecycle

        if not lifecycle_tables(first).any():
            from simcore.errors import InputError

            raise InputError(first, "(tables)", "none", "a cohort run with lifecycle tables (<name>_yearly.parquet, "
                                                        "<name>_soh_by_age.parquet, batteries_passports.parquet)")
        return lambda out: plot_lifecycle(first, out, year=args.year)
    if mode == "series":
        from simcore.results import load_runs
        from viz.runs import plot_series

        patterns = [p.strip() for p in args.series.split(",") if p.strip()]
        runs = load_runs(args.results, series=patterns)
        return lambda out: plot_series(runs, patterns, out, start=args.start, end=args.end, group_by=args.group_by)
    labelled = {Path(f).name: Path(f) for f in args.results}
    if len(labelled) < len(args.results):
        labelled = {str(f): Path(f) for f in args.results}
    if mode == "dispatch":
        from viz.dispatch_day import plot_dispatch_days

        return lambda out: plot_dispatch_days(labelled, out, day=args.day)
    if mode == "compare":
        from viz.load_curves import plot_ev_compare

        return lambda out: plot_ev_compare(labelled, out, day=args.day)
    from viz.load_curves import plot_day

    return lambda out: plot_day(first, out, day=args.day, start=args.start, end=args.end)


def _plot_flows(args: argparse.Namespace) -> int:
    """The Sankey of a run's battery flows: an interactive HTML file and a PNG beside it."""
    from simcore.results import PLOTS_DIR, new_file
    from viz.flows import flow_table, write_flows

    first = Path(args.results[0])
    flow_table(first)  # missing tables: an error before any file is opened
    png = args.out if args.out is not None else first / PLOTS_DIR / "flows.png"
    html = png.with_suffix(".html")
    inside = None if args.out is not None else first
    with new_file(png, replace_inside=inside) as tmp_png, new_file(html, replace_inside=inside) as tmp_html:
        write_flows(first, tmp_png, tmp_html)
    print(f"plot: {png}\nplot: {html}")
    return 0


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plot", help="plot results to PNG: a run's load curves (a day or --from/--to), EV demand of several runs, "
                     "--series of run or sweep folders (seed bands, groups), --dispatch, --lifecycle of a cohort run")
    p.add_argument("results", type=Path, nargs="+",
                   help="results folder(s) or a sweep folder; several: their EV demand on one axis "
                        "(or, --dispatch, a panel each)")
    p.add_argument("--dispatch", action="store_true",
                   help="grid runs: supply stacked against demand, EV charging and discharge, a panel per folder")
    p.add_argument("--series", metavar="NAME[,NAME]",
                   help="series (names or glob patterns, e.g. 'ev.demand_mw,grid.*_mw') of the runs over the date "
                        "range, a panel each; runs differing only by seed drawn as mean and band")
    p.add_argument("--group-by", metavar="COLUMN",
                   help="with --series: one line per value of this column of the runs table (e.g. variant); "
                        "default: per scenario, variant and varied paths")
    p.add_argument("--lifecycle", action="store_true",
                   help="a cohort run: SOH by pack age (p10/p50/p90), graded packs (true vs estimated), yearly flows")
    p.add_argument("--flows", action="store_true",
                   help="a run with batteries: Sankey of battery flows (packs and kWh), an interactive HTML file and a PNG")
    p.add_argument("--inventory", action="store_true",
                   help="a run with 4R facilities: stock over time (collection, intake, grading, racks, shelves, "
                        "second-life units, recycling queue)")
    p.add_argument("--year", type=int, help="with --lifecycle: the year of the SOH-by-age snapshot (default: the last)")
    p.add_argument("--day", help="YYYY-MM-DD (default: the last simulated day)")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day of a date range (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day of a date range (YYYY-MM-DD, included)")
    p.add_argument("--out", type=Path,
                   help="PNG file to create (default: plots/ inside the first folder); never replaces a file")
    p.set_defaults(handler=cmd_plot)
