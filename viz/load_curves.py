"""Plot a results folder's load curves: base load stacked with EV charging, PV and dispatch lines.

Works on any results folder: series are picked by name pattern (``load.*_mw`` stacked as base load,
``ev.demand_*_mw`` by location, ``pv.*_mw`` and ``grid.*_mw`` as lines), so new components show up
without editing this module.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen is assumed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from simcore.errors import InputError  # noqa: E402


def save_figure(fig: plt.Figure, out: Path, dpi: int = 110) -> Path:
    """Lay out, write (creating the folder) and close a figure; return the file's path."""
    fig.tight_layout()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def read_timeseries(results: Path) -> pd.DataFrame:
    """The recorded series of a results folder (an InputError if missing, damaged or empty)."""
    from simcore.results import read_timeseries as read

    frame = read(results)
    if frame.empty:
        raise InputError(Path(results) / "timeseries.parquet", "(rows)", 0, "a run with at least one recorded tick")
    return frame


def select_day(frame: pd.DataFrame, day: str | None) -> pd.DataFrame:
    """Rows of one calendar day (``YYYY-MM-DD``); the last simulated day when ``day`` is None."""
    dates = frame["time"].dt.normalize()
    first, last = dates.iloc[0].date(), dates.iloc[-1].date()
    try:
        target = dates.iloc[-1] if day is None else pd.Timestamp(day).normalize()
    except (ValueError, TypeError):
        raise InputError("--day", "day", day, f"a date YYYY-MM-DD from {first} to {last}") from None
    picked = frame[dates == target]
    if picked.empty:
        raise InputError("--day", "day", day, f"a simulated day from {dates.iloc[0].date()} to {dates.iloc[-1].date()}")
    return picked


DAY_SERIES = "load.*_mw, ev.demand_*_mw, pv.*_mw or grid.*_mw"


def day_series(columns: list[str]) -> dict[str, list[str]]:
    """The series a load-curve plot draws: stacked base load and EV demand by place, PV and grid lines."""
    base = [c for c in columns if c.startswith("load.") and c.endswith("_mw")]
    ev = [c for c in columns if c.startswith("ev.demand_") and c.endswith("_mw") and c != "ev.demand_mw"]
    lines = [c for c in columns if c.startswith(("pv.", "grid.")) and c.endswith("_mw")]
    if "ev.demand_mw" in columns and not ev:
        lines.append("ev.demand_mw")
    return {"stack": base + ev, "lines": lines}


def plot_day(results: Path, out: Path, day: str | None = None, title: str | None = None,
             start: str | None = None, end: str | None = None) -> Path:
    """Write a PNG of the load curves in GW, of one day (``day``, default the last) or of the days
    ``start`` .. ``end``; return its path. A run without such series is an InputError, not an empty plot."""
    frame = read_timeseries(results)
    drawn = day_series(list(frame.columns))
    if not drawn["stack"] and not drawn["lines"]:
        recorded = ", ".join(c for c in frame.columns if c != "time")
        raise InputError(Path(results) / "timeseries.parquet", "(series)", recorded[:60] or "none",
                         f"load-curve series ({DAY_SERIES}); plot other series with --series NAME")
    ranged = start is not None or end is not None
    if ranged:
        from viz.runs import select_range

        frame = select_range(frame, start, end)
        x = frame["time"]
    else:
        frame = select_day(frame, day)
        x = (frame["time"] - frame["time"].iloc[0]).dt.total_seconds() / 3600.0
    gw = frame.drop(columns="time") / 1000.0
    fig, ax = plt.subplots(figsize=(10 if not ranged else 13, 5.5))
    if drawn["stack"]:
        ax.stackplot(x, [gw[c] for c in drawn["stack"]], labels=drawn["stack"], alpha=0.75, step="post")
    for col in drawn["lines"]:
        ax.step(x, gw[col], where="post", label=col, linewidth=1.5)
    if ranged:
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 3))
        ax.set_xlabel(f"hour of {frame['time'].iloc[0].date()}")
    ax.set_ylabel("GW")
    ax.set_title(title or Path(results).name)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    return save_figure(fig, out)


def plot_ev_compare(results: dict[str, Path], out: Path, day: str | None = None) -> Path:
    """EV charging demand of several runs on one day (GW), with PV output on a second axis if recorded."""
    fig, ax = plt.subplots(figsize=(10, 5))
    pv = None
    for label, folder in results.items():
        frame = select_day(read_timeseries(folder), day)
        hours = (frame["time"] - frame["time"].iloc[0]).dt.total_seconds() / 3600.0
        ax.step(hours, frame["ev.demand_mw"] / 1000.0, where="post", label=f"EV demand: {label}", linewidth=1.8)
        if pv is None and "pv.output_mw" in frame:
            pv = (hours, frame["pv.output_mw"] / 1000.0)
    ax.set_xlim(0, 24)
    ax.set_xticks(range(0, 25, 3))
    ax.set_xlabel("hour of day")
    ax.set_ylabel("EV charging, GW")
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if pv is not None:
        ax2 = ax.twinx()
        line = ax2.fill_between(pv[0], pv[1], step="post", color="gold", alpha=0.25, label="PV output")
        ax2.set_ylabel("PV, GW")
        handles.append(line)
        labels.append("PV output (right axis)")
    ax.legend(handles, labels, loc="upper left", fontsize=9)
    return save_figure(fig, out)
