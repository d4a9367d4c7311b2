"""``report``: the KPIs of results folders side by side."""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_report(args: argparse.Namespace) -> int:
    import pandas as pd

    from simcore.results import read_summary

    columns = {str(folder): pd.Series(read_summary(folder), dtype=object) for folder in args.folders}
    print(pd.DataFrame(columns).to_string())
    return 0


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="KPIs of results folders side by side")
    p.add_argument("folders", nargs="+", type=Path)
    p.set_defaults(handler=cmd_report)
