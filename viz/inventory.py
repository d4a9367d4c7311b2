"""Stock over time at the facilities of a run: collection, intake, grading queue, racks, shelves, second-life
units, recycling queue (the series the 4R components record)."""

from __future__ import annotations

from pathlib import Path

from simcore.errors import InputError

#: recorded series name endings that are stock levels, with the panel title
STOCK_SERIES = {".waiting_packs": "waiting at collection, packs", ".intake_packs": "plant intake, packs",
                ".grading_queue_packs": "waiting for / in grading, packs", ".racks_packs": "on the racks, packs",
                ".shelves_modules": "on the shelves, modules", ".units": "second-life units at work, packs",
                ".queue_kg": "waiting for recycling, kg of cells"}


def plot_inventory(folder: Path | str, out: Path) -> Path:
    """One panel per stock series the run recorded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from viz.load_curves import read_timeseries, save_figure

    frame = read_timeseries(Path(folder))
    found = [(c, title) for c in frame.columns for end, title in STOCK_SERIES.items() if c.endswith(end)]
    if not found:
        raise InputError(Path(folder) / "timeseries.parquet", "(columns)", list(frame.columns)[:6],
                         "a run with 4R facilities (series ending " + ", ".join(STOCK_SERIES) + ")")
    n = len(found)
    fig, axes = plt.subplots(n, 1, figsize=(11, 1.9 * n + 0.8), sharex=True, squeeze=False)
    for ax, (col, title) in zip(axes[:, 0], found):
        series = frame[["time", col]].dropna()
        ax.plot(series["time"], series[col], linewidth=1.0)
        ax.set_title(f"{col} — {title}", fontsize=9, loc="left")
        ax.grid(alpha=0.3)
    fig.suptitle(f"Stock over time — {Path(folder).name}")
    return save_figure(fig, out)
