"""``analyze``: Sobol indices or Morris screening of one KPI over a finished sweep's design."""

from __future__ import annotations

import argparse
from pathlib import Path

from simcore.cli.common import out_path


def cmd_analyze(args: argparse.Namespace) -> int:
    from simcore.errors import InputError
    from simcore.experiments.sensitivity import analyze_sweep, format_analysis
    from simcore.results import new_file

    if not 0.5 <= args.conf_level < 1.0:
        raise InputError("--conf-level", "conf_level", args.conf_level, "a level from 0.5 up to (not including) 1")
    analysis = analyze_sweep(args.sweep, args.kpi, conf_level=args.conf_level, num_resamples=args.resamples,
                             seed=args.seed)
    print(format_analysis(analysis))
    out = args.out if args.out is not None else args.sweep / f"sensitivity-{analysis.design}-{args.kpi}.csv"
    replaced = args.out is None and out.is_file()
    with new_file(out, replace_inside=None if args.out is not None else args.sweep) as tmp:
        table = analysis.table.assign(kpi=analysis.kpi, unit=analysis.unit, design=analysis.design,
                                      conf_level=analysis.conf_level, runs=analysis.runs,
                                      seeds_per_point=analysis.seeds_per_point)
        table.to_csv(tmp, index=False)
    print(f"indices: {out}" + (" (replaced the earlier one)" if replaced else ""))
    return 0


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="sensitivity of a KPI over a sweep's design: Sobol S1/ST (sobol), "
                                       "Morris mu*/sigma (morris), RBD-FAST S1 (lhs), with confidence intervals")
    p.add_argument("sweep", type=Path, help="sweep folder written by evcycle sweep --design sobol|morris|lhs")
    p.add_argument("--kpi", required=True, help="KPI column of the sweep's kpis.csv, e.g. ev.peak_mw")
    p.add_argument("--conf-level", type=float, default=0.95, help="confidence level of the intervals (default 0.95)")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples for the intervals (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--out", type=out_path,
                   help="CSV to create (default: sensitivity-<design>-<kpi>.csv in the sweep folder); never "
                        "replaces a file elsewhere")
    p.set_defaults(handler=cmd_analyze)
