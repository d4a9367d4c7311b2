"""``report``: KPIs of run folders or a sweep folder, with units, pooled over seeds, against a baseline."""

from __future__ import annotations

import argparse
from pathlib import Path

from simcore.cli.common import out_path


def cmd_report(args: argparse.Namespace) -> int:
    from simcore.errors import InputError
    from simcore.experiments.report import FORMATS, build_report, display_frame, to_csv, to_html, to_markdown
    from simcore.results import load_runs, new_file

    fmt = args.format
    if fmt is None:
        suffix = args.out.suffix.lower().lstrip(".") if args.out is not None else "md"
        fmt = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
        if fmt not in FORMATS:
            raise InputError("--out", "--out", str(args.out), "a file ending .md, .csv or .html (or give --format)")
    runs = load_runs(args.folders, series=False)
    report = build_report(runs.table, runs.units, baseline=args.baseline, kpi_patterns=args.kpi or None)
    title = "evcycle report: " + ", ".join(str(f) for f in args.folders)
    if fmt == "csv":
        text = to_csv(report)
    elif fmt == "html":
        text = to_html(display_frame(report), title)
    else:
        text = to_markdown(display_frame(report)) + "\n"
    if report.skipped:
        note = f"{report.skipped} run(s) without results (failed, interrupted or not run) are left out"
        text = text if fmt != "md" else text + f"\n{note}\n"
    if report.repeated:
        note = (f"{report.repeated} run(s) repeating the settings and seed of another run (the same run in two "
                "folders) are counted once")
        text = text if fmt != "md" else text + f"\n{note}\n"
    if args.out is None:
        print(text, end="")
    else:
        with new_file(args.out) as tmp:
            tmp.write_text(text, encoding="utf-8")
        print(f"report: {args.out}")
    return 0


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="KPIs of run folders or a sweep folder: units, mean and spread over seeds, "
                                      "differences and ratios against a baseline (Markdown, CSV, HTML)")
    p.add_argument("folders", nargs="+", type=Path, help="results folders of evcycle run, or a sweep folder")
    p.add_argument("--baseline", help="the group (as the report labels it, e.g. a variant) or run to compare against")
    p.add_argument("--kpi", action="append", default=[], metavar="PATTERN",
                   help="KPIs to show, glob patterns such as 'ev.*' (repeatable; default all)")
    p.add_argument("--format", choices=("md", "csv", "html"),
                   help="output format (default: from --out's suffix, else Markdown)")
    p.add_argument("--out", type=out_path, help="file to create (never replaces one); default: print")
    p.set_defaults(handler=cmd_report)
