"""Lifecycle plots of a cohort run: SOH by pack age, graded packs (true against estimated SOH), yearly flows.

The tables come from the ``ev_cohort`` component (``<name>_yearly.parquet``, ``<name>_soh_by_age.parquet``)
and the battery passports (``batteries_passports.parquet``: the grading's estimate and the truth at
grading of every graded pack). Their names and columns are read in :func:`lifecycle_tables` only, so a
change in those tables is one edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen is assumed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simcore.errors import InputError  # noqa: E402
from viz.load_curves import save_figure  # noqa: E402

#: table kind -> (file name suffix, columns the plots need)
TABLES = {
    "yearly": ("_yearly.parquet", ("year", "on_road", "sold", "retired", "exported", "replaced_packs")),
    "soh_by_age": ("_soh_by_age.parquet", ("year", "pack_age_y", "p10_soh", "p50_soh", "p90_soh")),
    "received": ("_passports.parquet", ("grade_true_soh", "grade_soh_est")),
}


@dataclass
class LifecycleTables:
    """The lifecycle tables found in a results folder (None where the run has none)."""

    yearly: pd.DataFrame | None
    soh_by_age: pd.DataFrame | None
    received: pd.DataFrame | None

    def any(self) -> bool:
        return any(t is not None for t in (self.yearly, self.soh_by_age, self.received))


def lifecycle_tables(folder: Path | str) -> LifecycleTables:
    """Find and read the cohort's and the collection point's tables (the only place that knows their names)."""
    from simcore.results import read_manifest, read_parquet

    folder = Path(folder)
    listed = (read_manifest(folder) or {}).get("files") or [p.name for p in folder.glob("*.parquet")]
    found: dict[str, pd.DataFrame | None] = {}
    for kind, (suffix, needed) in TABLES.items():
        names = sorted(f for f in listed if f.endswith(suffix))
        frame = read_parquet(folder, names[0]) if names else None
        if frame is not None and kind == "received" and set(needed) <= set(frame.columns):
            frame = frame.loc[frame["grade_soh_est"].notna(), list(needed)].rename(
                columns={"grade_true_soh": "true_soh", "grade_soh_est": "soh_est"})
            needed = ("true_soh", "soh_est")
        if frame is not None and not frame.empty:
            missing = [c for c in needed if c not in frame.columns]
            if missing:
                raise InputError(folder / names[0], "(columns)", missing, f"a {kind} table with {', '.join(needed)}")
            found[kind] = frame
        else:
            found[kind] = None
    return LifecycleTables(**found)


def plot_lifecycle(folder: Path | str, out: Path, year: int | None = None) -> Path:
    """One PNG with a panel per table the run has: SOH by age (p10/p50/p90), graded packs, yearly flows."""
    tables = lifecycle_tables(folder)
    if not tables.any():
        raise InputError(folder, "(tables)", "none", "a cohort run with <name>_yearly / _soh_by_age / "
                                                    "passport tables (e.g. scenarios/fleet_ageing.yaml)")
    panels = [p for p, t in (("soh", tables.soh_by_age), ("graded", tables.received), ("flows", tables.yearly))
              if t is not None]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.6), squeeze=False)
    for ax, panel in zip(axes[0], panels, strict=True):
        if panel == "soh":
            _soh_by_age(ax, tables.soh_by_age, year)
        elif panel == "graded":
            _graded(ax, tables.received)
        else:
            _flows(ax, tables.yearly)
    fig.suptitle(Path(folder).name)
    return save_figure(fig, out)


def _soh_by_age(ax: plt.Axes, table: pd.DataFrame, year: int | None) -> None:
    years = sorted(table["year"].unique())
    chosen = years[-1] if year is None else year
    if chosen not in years:
        raise InputError("--year", "year", year, f"a simulated year from {years[0]} to {years[-1]}")
    snap = table[table["year"] == chosen].sort_values("pack_age_y")
    age = snap["pack_age_y"].to_numpy() + 0.5  # ages are floored: draw at the middle of each year of age
    ax.fill_between(age, snap["p10_soh"] * 100, snap["p90_soh"] * 100, alpha=0.3, color="tab:blue",
                    label="p10-p90")
    ax.plot(age, snap["p50_soh"] * 100, color="tab:blue", marker="o", markersize=3, label="median (p50)")
    ax.set_xlabel("pack age, years")
    ax.set_ylabel("state of health, %")
    ax.set_title(f"SOH of packs in vehicles by age, end of {chosen}")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)


def _graded(ax: plt.Axes, table: pd.DataFrame) -> None:
    true, est = table["true_soh"].to_numpy() * 100, table["soh_est"].to_numpy() * 100
    lo, hi = np.floor(min(true.min(), est.min())), np.ceil(max(true.max(), est.max()))
    bins = np.linspace(lo, hi, 31)
    ax.hist(true, bins=bins, histtype="stepfilled", alpha=0.35, color="tab:green", label="true SOH")
    ax.hist(est, bins=bins, histtype="step", linewidth=1.6, color="black", label="estimated by grading")
    rmse = float(np.sqrt(np.mean((est - true) ** 2)))
    ax.set_xlabel("state of health, %")
    ax.set_ylabel("packs")
    ax.set_title(f"Graded packs ({len(true)}), estimate RMSE {rmse:.2f} pts")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)


def _flows(ax: plt.Axes, table: pd.DataFrame) -> None:
    years = table["year"].to_numpy()
    width = 0.2
    for i, (col, label) in enumerate((("sold", "sold"), ("retired", "retired"), ("exported", "exported"),
                                      ("replaced_packs", "packs replaced"))):
        ax.bar(years + (i - 1.5) * width, table[col], width=width, label=label)
    ax.set_xlabel("year")
    ax.set_ylabel("vehicles or packs per year")
    ax.grid(alpha=0.3, axis="y")
    on_road = ax.twinx()
    on_road.plot(years, table["on_road"], color="black", linewidth=1.4, label="on the road (right)")
    on_road.set_ylabel("vehicles on the road")
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = on_road.get_legend_handles_labels()
    ax.legend(handles + h2, labels + l2, loc="upper left", fontsize=8)
    ax.set_title("Yearly flows of the cohort")
