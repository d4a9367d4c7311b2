"""Plot one day of a grid run: what supplied the hour (stacked) against what used it (lines).

One panel per results folder, side by side on a shared GW axis, so variants of a scenario (e.g.
uncontrolled / smart / V2G charging) can be read against each other. Needs the grid agent's series
(``grid.*_mw``) and the fleet's ``ev.demand_mw``; ``ev.discharge_mw`` is used when present.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen is assumed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from simcore.errors import InputError  # noqa: E402
from viz.load_curves import read_timeseries, save_figure, select_day  # noqa: E402

SUPPLY = (("grid.renewable_mw", "renewable + nuclear used", "tab:green"),
          ("grid.thermal_mw", "thermal", "tab:gray"),
          ("grid.storage_discharge_mw", "pumped hydro out", "tab:blue"),
          ("ev.discharge_mw", "EV discharge (V2G)", "tab:purple"))
NEEDED = ("grid.demand_mw", "grid.thermal_mw", "grid.renewable_mw", "ev.demand_mw")


def day_frame(folder: Path, day: str | None) -> pd.DataFrame:
    """One day of a grid run's series in GW, indexed by hour of the day (float)."""
    frame = select_day(read_timeseries(folder), day)
    missing = [c for c in NEEDED if c not in frame]
    if missing:
        raise InputError(Path(folder) / "timeseries.parquet", "columns", ", ".join(missing),
                         "a run with a grid component (grid.*_mw series) and an EV fleet")
    hours = (frame["time"] - frame["time"].iloc[0]).dt.total_seconds().to_numpy() / 3600.0
    gw = frame.drop(columns="time").set_axis(hours) / 1000.0
    for col in ("ev.discharge_mw", "grid.storage_discharge_mw", "grid.storage_charge_mw"):
        if col not in gw:
            gw[col] = 0.0
    gw.attrs["date"] = str(frame["time"].iloc[0].date())
    return gw


def plot_dispatch_days(results: dict[str, Path], out: Path, day: str | None = None) -> Path:
    """Write a PNG with one dispatch panel per labelled results folder; return its path."""
    frames = {label: day_frame(folder, day) for label, folder in results.items()}
    fig, axes = plt.subplots(1, len(frames), figsize=(6 * len(frames), 5), sharey=True, squeeze=False)
    for ax, (label, gw) in zip(axes[0], frames.items()):
        hours = gw.index.to_numpy()
        cols = [c for c, _, _ in SUPPLY]
        ax.stackplot(hours, [gw[c] for c in cols], labels=[n for _, n, _ in SUPPLY],
                     colors=[k for _, _, k in SUPPLY], alpha=0.6, step="post")
        ax.step(hours, gw["grid.demand_mw"], where="post", color="black", linewidth=1.4, label="demand without EVs")
        total = gw["grid.demand_mw"] + gw["ev.demand_mw"] + gw["grid.storage_charge_mw"]
        ax.step(hours, total, where="post", color="black", linestyle="--", linewidth=1.2,
                label="+ EV charging + pumping")
        ax.step(hours, gw["ev.demand_mw"], where="post", color="tab:red", linewidth=1.6, label="EV charging")
        ax.set_title(f"{label} — {gw.attrs['date']}")
        ax.set_xlim(0, 24)
        ax.set_xticks(range(0, 25, 3))
        ax.set_xlabel("hour of day")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("GW")
    axes[0][0].legend(loc="upper left", fontsize=8)
    return save_figure(fig, out, dpi=100)
