"""Matplotlib figures of a dashboard :class:`~viz.dashboard.session.View` (drawn on the server, sent as PNG).

Each function returns a Figure, or None when the scenario has nothing for that panel (no grid: no
dispatch stack; no batteries: no SOH histogram).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from viz.dashboard.session import SOH_BINS, View

SIZE = (6.4, 2.9)
DEMAND_PARTS = ("grid.demand_mw",)   # base demand of a grid scenario (the load curves are load.*_mw)


def _figure(title: str) -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=80, layout="constrained")
    ax = fig.subplots()
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    return fig, ax


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=9, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def load_curve(view: View) -> Figure | None:
    """Base load stacked with EV charging on top (MW) over the window; PV as a line."""
    if not any(n.startswith("load.") or n in DEMAND_PARTS or n == "ev.demand_mw" for n in view.window):
        return None
    fig, ax = _figure("Load and EV demand (MW)")
    t = view.window_time
    if t.size == 0:
        _empty(ax, "no tick yet: press Step or Run")
        return fig
    base = [n for n in sorted(view.window) if n.startswith("load.") or n in DEMAND_PARTS]
    layers = [np.nan_to_num(view.window[n]) for n in base]
    labels = [n.removesuffix("_mw") for n in base]
    if "ev.demand_mw" in view.window:
        layers.append(np.nan_to_num(view.window["ev.demand_mw"]))
        labels.append("EV charging")
    if layers:
        ax.stackplot(t, *layers, labels=labels, alpha=0.85, step="post")
    for name in sorted(view.window):
        if name.startswith("pv.") or name.endswith("pv_mw"):
            ax.plot(t, view.window[name], color="goldenrod", lw=1.2, label=name.removesuffix("_mw"))
    if "ev.discharge_mw" in view.window and np.nanmax(np.nan_to_num(view.window["ev.discharge_mw"])) > 0:
        ax.plot(t, -np.nan_to_num(view.window["ev.discharge_mw"]), color="purple", lw=1, label="EV discharge")
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    fig.autofmt_xdate()
    return fig


def ev_by_location(view: View) -> Figure | None:
    """EV charging split by where it happens (MW), on its own scale."""
    parts = [("ev.demand_home_mw", "home"), ("ev.demand_work_mw", "work"), ("ev.demand_other_mw", "public")]
    if not all(k in view.window for k, _ in parts):
        return None
    fig, ax = _figure("EV charging by location (MW)")
    t = view.window_time
    if t.size == 0:
        _empty(ax, "no tick yet")
        return fig
    ax.stackplot(t, *[np.nan_to_num(view.window[k]) for k, _ in parts], labels=[label for _, label in parts],
                 alpha=0.85, step="post")
    ax.legend(fontsize=7, loc="upper left")
    fig.autofmt_xdate()
    return fig


def dispatch_stack(view: View) -> Figure | None:
    """The grid's settled dispatch (thermal, renewable, storage, EV discharge) against demand."""
    if "grid.thermal_mw" not in view.window:
        return None
    fig, ax = _figure("Dispatch (settled days, MW)")
    t = view.window_time
    w = {k: np.nan_to_num(v) for k, v in view.window.items()}
    if t.size == 0 or not np.any(w["grid.thermal_mw"]):
        _empty(ax, "no day settled yet (the grid settles at each day's last tick)")
        return fig
    parts = [("grid.thermal_mw", "thermal"), ("grid.renewable_mw", "renewable"),
             ("grid.storage_discharge_mw", "storage out"), ("ev.discharge_mw", "EV discharge")]
    present = [(w[k], label) for k, label in parts if k in w]
    ax.stackplot(t, *[p for p, _ in present], labels=[label for _, label in present], alpha=0.85, step="post")
    demand = w.get("grid.demand_mw", 0) + w.get("ev.demand_mw", 0) + w.get("grid.storage_charge_mw", 0)
    ax.plot(t, demand, color="k", lw=1.2, label="demand + EV + storage in")
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    fig.autofmt_xdate()
    return fig


def soh_histogram(view: View) -> Figure | None:
    """State of health of the packs in vehicles now."""
    if view.soh_counts is None:
        return None
    fig, ax = _figure("State of health of packs in vehicles")
    if view.soh_counts.sum() == 0:
        _empty(ax, "no packs in vehicles yet")
        return fig
    ax.bar(SOH_BINS[:-1], view.soh_counts, width=np.diff(SOH_BINS), align="edge", color="teal")
    ax.set_xlabel("SOH", fontsize=8)
    ax.set_ylabel("packs", fontsize=8)
    return fig


def battery_flows(view: View) -> Figure | None:
    """Battery flows: packs by stage now (cars, collection, grading, stock, second life, recycled, ...)
    and the cohort's totals so far (sold, retired, exported, replaced)."""
    if not view.flows:
        return None
    fig, ax = _figure("Battery flows (packs)")
    labels = list(view.flows)
    ax.barh(labels[::-1], [view.flows[k] for k in labels][::-1], color="slategray")
    ax.tick_params(axis="y", labelsize=8)
    return fig


#: the plot panels, in page order
PANELS = (load_curve, ev_by_location, dispatch_stack, soh_histogram, battery_flows)
