"""Reports across runs: KPIs with units, runs that differ only by seed pooled (mean and spread), and
differences and ratios against a chosen baseline. Written as Markdown, CSV or HTML.

Runs are grouped by what sets them apart (scenario, variant, varied or overridden paths); runs of a
group that differ by seed are pooled: the report shows their mean, standard deviation, minimum and
maximum and how many seeds. A group of one run shows its value.
"""

from __future__ import annotations

import fnmatch
import html
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simcore.errors import InputError

#: table columns that describe a run rather than set it apart or measure it
RUN_COLUMNS = ("run", "point", "seed", "status", "wall_s", "error", "folder")
FORMATS = ("md", "csv", "html")


@dataclass
class Report:
    """The numbers of a report: one row per KPI, and what each column group stands for."""

    table: pd.DataFrame         # numeric: kpi, unit, then per group: mean, sd, min, max, n (+ diff, ratio)
    groups: list[str]
    baseline: str | None
    skipped: int                 # runs not ok (left out)
    repeated: int = 0            # ok runs repeating a seed of their group (counted once)


def settings_columns(table: pd.DataFrame, kpis: list[str]) -> list[str]:
    """Columns that set runs apart: scenario, variant and the varied / overridden paths."""
    return [c for c in table.columns if c not in RUN_COLUMNS and c not in kpis]


def kpi_columns(table: pd.DataFrame) -> list[str]:
    """KPI columns of a runs table (after ``wall_s``, numeric or not, before ``error``)."""
    cols = list(table.columns)
    first = cols.index("wall_s") + 1
    return [c for c in cols[first:] if c not in ("error", "folder")]


def group_runs(table: pd.DataFrame, kpis: list[str]) -> dict[str, pd.DataFrame]:
    """``{label: runs}``: runs with the same settings pooled over their seeds, from whichever folder.

    A seed repeated within a group (the same run found in two folders: same scenario, settings and
    seed give identical results) is counted once, so it does not shrink the spread.
    """
    shown = {c: table[c].map(_text) for c in settings_columns(table, kpis)}  # missing: "(as in scenario)"
    settings = [c for c, values in shown.items() if values.nunique() > 1]
    settings.sort(key=lambda c: (c != "scenario", c != "variant"))  # scenario, variant, then the paths
    groups: dict[str, pd.DataFrame] = {}
    keys = (pd.DataFrame({c: shown[c] for c in settings}).agg(",".join, axis=1) if settings
            else pd.Series([""] * len(table), index=table.index))
    for key in dict.fromkeys(keys):
        rows = table[keys == key]
        rows = rows[~rows["seed"].map(_text).duplicated()]
        if settings:
            first = rows.iloc[0]
            label = ",".join(f"{c}={_text(first[c])}" if c != "variant" else str(first[c]) for c in settings)
        else:
            label = str(rows["run"].iloc[0]) if len(rows) == 1 else "all runs"
        groups[label] = rows
    return groups


def build_report(table: pd.DataFrame, units: dict[str, str], baseline: str | None = None,
                 kpi_patterns: list[str] | None = None) -> Report:
    """Group, pool over seeds, and compare with ``baseline`` (a group label or a run name)."""
    ok = table[table["status"] == "ok"]
    if ok.empty:
        raise InputError("(runs)", "status", "no run finished", "at least one run with status ok")
    kpis = kpi_columns(table)
    if kpi_patterns:
        kpis = [k for k in kpis if any(fnmatch.fnmatchcase(k, p) for p in kpi_patterns)]
        if not kpis:
            raise InputError("--kpi", "kpi", kpi_patterns, f"patterns matching KPIs such as {kpi_columns(table)[:5]}")
    groups = group_runs(ok, kpi_columns(table))
    if baseline is not None and baseline not in groups:
        by_run = [label for label, rows in groups.items() if baseline in set(rows["run"].astype(str))]
        if not by_run:
            runs = ", ".join(dict.fromkeys(ok["run"].astype(str)))
            raise InputError("--baseline", "baseline", baseline, f"a group ({', '.join(groups)}) or a run ({runs})")
        baseline = by_run[0]
    rows = []
    for kpi in kpis:
        row: dict[str, Any] = {"kpi": kpi, "unit": units.get(kpi, "")}
        coerced = pd.to_numeric(ok[kpi], errors="coerce")
        numeric = pd.api.types.is_numeric_dtype(ok[kpi]) or (coerced.notna() | ok[kpi].isna()).all()
        for label, runs in groups.items():
            values = runs[kpi]
            if numeric:
                v = pd.to_numeric(values, errors="coerce").dropna()
                row[f"{label}|mean"] = v.mean() if len(v) else math.nan
                row[f"{label}|sd"] = v.std(ddof=1) if len(v) > 1 else math.nan
                row[f"{label}|min"] = v.min() if len(v) else math.nan
                row[f"{label}|max"] = v.max() if len(v) else math.nan
            else:
                distinct = values.dropna().astype(str).unique()
                row[f"{label}|mean"] = (distinct[0] if len(distinct) == 1 else
                                        f"{len(distinct)} values" if len(distinct) else "")
            row[f"{label}|n"] = len(values)
        if baseline is not None and numeric:
            base = row[f"{baseline}|mean"]
            for label in groups:
                if label != baseline:
                    row[f"{label}|diff"] = row[f"{label}|mean"] - base
                    row[f"{label}|ratio"] = row[f"{label}|mean"] / base if base else math.nan
        rows.append(row)
    repeated = len(ok) - sum(len(g) for g in groups.values())
    return Report(pd.DataFrame(rows), list(groups), baseline, int((table["status"] != "ok").sum()), repeated)


def _text(value: Any) -> str:
    if _missing(value):
        return "(as in scenario)"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _cell(value: Any, digits: int = 4) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.{digits}g}"


def display_frame(report: Report) -> pd.DataFrame:
    """The report for people: per group 'mean ± sd (n=k)', then 'diff' and 'x ratio' against the baseline."""
    t = report.table
    shown = pd.DataFrame({"KPI": t["kpi"], "unit": t["unit"]})
    for label in report.groups:
        means, sds, ns = t[f"{label}|mean"], t.get(f"{label}|sd"), t[f"{label}|n"]
        cells = []
        for i in range(len(t)):
            text = _cell(means.iloc[i])
            sd = sds.iloc[i] if sds is not None else math.nan
            if isinstance(sd, float) and not math.isnan(sd):
                text += f" ± {_cell(sd, 2)} (n={ns.iloc[i]})"
            cells.append(text)
        title = f"{label} (baseline)" if label == report.baseline else label
        shown[title] = cells
        if report.baseline is not None and label != report.baseline and f"{label}|diff" in t:
            shown[f"{label} − baseline"] = [_signed(v) for v in t[f"{label}|diff"]]
            shown[f"{label} / baseline"] = [("" if _missing(v) else f"×{v:.4g}") for v in t[f"{label}|ratio"]]
    return shown


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _signed(value: Any) -> str:
    if _missing(value):
        return ""
    text = _cell(value)
    return text if text.startswith("-") or value == 0 else "+" + text


def to_markdown(frame: pd.DataFrame) -> str:
    """A GitHub-style Markdown table (numbers right-aligned)."""
    def esc(text: Any) -> str:
        return str(text).replace("|", "\\|")

    head = "| " + " | ".join(esc(c) for c in frame.columns) + " |"
    align = "|" + "|".join(":---" if i < 2 else "---:" for i in range(len(frame.columns))) + "|"
    body = ["| " + " | ".join(esc(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, align, *body])


def to_html(frame: pd.DataFrame, title: str) -> str:
    """A standalone HTML page holding the table."""
    table = frame.to_html(index=False, escape=True, border=0)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.escape(title) + "</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{padding:3px 8px;"
            "border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child,td:nth-child(2)"
            "{text-align:left}</style></head><body><h1>" + html.escape(title) + "</h1>\n" + table + "\n</body></html>\n")


def to_csv(report: Report) -> str:
    """The numbers as CSV: kpi, unit, then ``<group>|mean/sd/min/max/n`` (and ``|diff``, ``|ratio``)."""
    return report.table.to_csv(index=False)
