"""Series of many runs over a date range: one panel per series, one line per group of runs, seed bands.

Runs come from :func:`simcore.results.load_runs` (run folders or a sweep folder). They are grouped as
``evcycle report`` groups them (by scenario, variant and varied paths; runs differing only by seed
pooled), or by one column of the runs table (``group_by``, e.g. ``variant``). A group of several runs
is drawn as its mean with a band from the lowest to the highest run at each time.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen is assumed
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from simcore.errors import InputError  # noqa: E402
from viz.load_curves import save_figure  # noqa: E402


def select_range(frame: pd.DataFrame, start: str | None, end: str | None, time_col: str = "time") -> pd.DataFrame:
    """Rows from the day ``start`` through the day ``end`` (YYYY-MM-DD, both included; None: open)."""
    times = frame[time_col]
    first, last = times.min(), times.max()
    bounds = []
    for option, text in (("--from", start), ("--to", end)):
        try:
            bounds.append(None if text is None else pd.Timestamp(text).normalize())
        except (ValueError, TypeError):
            raise InputError(option, option.strip("-"), text,
                             f"a date YYYY-MM-DD from {first.date()} to {last.date()}") from None
    lo, hi = bounds
    mask = pd.Series(True, index=frame.index)
    if lo is not None:
        mask &= times >= lo
    if hi is not None:
        mask &= times < hi + pd.Timedelta(days=1)
    picked = frame[mask]
    if picked.empty:
        raise InputError("--from/--to", "date range", f"{start} .. {end}",
                         f"days inside the simulated period {first.date()} to {last.date()}")
    return picked


def groups_of(table: pd.DataFrame, group_by: str | None) -> dict[str, list[str]]:
    """``{label: [run, ...]}`` of the runs with status ok."""
    from simcore.experiments.report import group_runs, kpi_columns

    ok = table[table["status"] == "ok"]
    if ok.empty:
        raise InputError("(runs)", "status", "no run finished", "at least one run with status ok")
    if group_by is None:
        return {label: list(rows["run"]) for label, rows in group_runs(ok, kpi_columns(table)).items()}
    if group_by not in table.columns:
        raise InputError("--group-by", "group_by", group_by, f"a column of the runs table: {', '.join(table.columns[:12])}")
    return {f"{group_by}={value}": list(rows["run"]) for value, rows in ok.groupby(group_by, sort=False)}


def plot_series(runs, names: list[str], out: Path, start: str | None = None, end: str | None = None,
                group_by: str | None = None, title: str | None = None) -> Path:
    """A PNG with one panel per series (names or glob patterns) over the date range; return its path."""
    loaded = sorted(runs.series["series"].unique()) if not runs.series.empty else []
    chosen = [s for s in loaded if any(fnmatch.fnmatchcase(s, p) for p in names)]
    if not chosen:
        recorded = sorted(set(runs.units) - set(runs.table.columns)) or loaded  # units name every series
        raise InputError("--series", "series", ",".join(names),
                         f"recorded series of these runs: {', '.join(recorded[:15]) or '(none recorded)'}")
    data = select_range(runs.series[runs.series["series"].isin(chosen)], start, end)
    groups = groups_of(runs.table, group_by)
    fig, axes = plt.subplots(len(chosen), 1, figsize=(11, 3.2 * len(chosen) + 0.8), sharex=True, squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, name in zip(axes[:, 0], chosen, strict=True):
        wide = data[data["series"] == name].pivot_table(index="time", columns="run", values="value", observed=True)
        for i, (label, members) in enumerate(groups.items()):
            cols = [r for r in members if r in wide.columns]
            if not cols:
                continue
            colour = colours[i % len(colours)]
            block = wide[cols]
            if len(cols) > 1:
                ax.fill_between(block.index, block.min(axis=1), block.max(axis=1), step="post", alpha=0.25,
                                color=colour, linewidth=0)
                label = f"{label} (mean of {len(cols)}, band: range)"
            ax.step(block.index, block.mean(axis=1), where="post", color=colour, linewidth=1.4, label=label)
        unit = runs.units.get(name, "")
        ax.set_ylabel(f"{name}" + (f", {unit}" if unit else ""))
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=8)
    locator = mdates.AutoDateLocator()
    axes[-1, 0].xaxis.set_major_locator(locator)
    axes[-1, 0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    times = data["time"]
    fig.suptitle(title or f"{times.min():%Y-%m-%d %H:%M} to {times.max():%Y-%m-%d %H:%M}")
    return save_figure(fig, out)
