"""Battery flows of a run as a Sankey diagram: where packs went, counted in packs and in kWh.

Built from the results folder's battery tables (``batteries_holder_log``, ``batteries_holders``,
``batteries_passports``): every change of holder is a flow from one stage to the next (cars, collection,
grading, stock, refabrication, second-life applications, recycling routes, export). The interactive
diagram is an HTML file (plotly); the PNG is drawn with matplotlib, stages in columns, returns (a
second life ending, a warranty return) as grey arcs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError

#: stage order left to right (stages not listed go last)
STAGE_ORDER = ("new", "cars", "yard", "exported", "collection", "grading", "stock", "refabrication",
               "cars (reuse)", "second life", "recycling", "recycled")


def stage_of(kind: str, name: str) -> str:
    """The stage a holder belongs to, from its kind and registered name."""
    if kind == "VEHICLE":
        return "cars (reuse)" if name.endswith(".customer_cars") else "cars"
    if kind == "FACTORY":
        return "new"
    if kind == "EXPORTED":
        return "exported"
    if kind == "STATIONARY":
        return "second life: " + name.split(".", 1)[-1]
    if kind == "RECYCLED":
        return "recycled: " + name.split(".", 1)[-1]
    part = name.split(".", 1)[1] if "." in name else ""
    if part in ("intake", "inspection", "grading"):
        return "grading"
    if part in ("racks", "shelves"):
        return "stock"
    if part == "refab":
        return "refabrication"
    if part == "yard" and name.split(".")[0] and "recycl" not in name:
        return "yard"
    if part in ("yard", "direct_line", "conventional_line"):
        return "recycling"
    return "collection" if not part else name


def flow_table(folder: Path | str) -> pd.DataFrame:
    """Flows between stages: ``source, target, packs, kwh`` (moves of whole packs)."""
    from simcore.results import read_parquet

    folder = Path(folder)
    try:
        log = read_parquet(folder, "batteries_holder_log.parquet")
        holders = read_parquet(folder, "batteries_holders.parquet")
        passports = read_parquet(folder, "batteries_passports.parquet")
    except InputError:
        raise InputError(folder, "(tables)", "no battery tables",
                         "a run whose world holds batteries (a cohort, a fleet with batteries, the 4R facilities)") from None
    names = {}
    for r in holders.itertuples(index=False):
        for i in range(int(r.first_id), int(r.first_id) + int(r.count)):
            names[(r.holder_kind, i)] = r.name
    kinds = log["holder_kind"].astype(str).to_numpy()
    ids = log["holder_id"].to_numpy()
    stage = np.array([stage_of(k, names.get((k, int(i)), "")) for k, i in zip(kinds, ids)], dtype=object)
    battery = log["battery_id"].to_numpy()
    order = np.argsort(battery, kind="stable")  # the log is chronological per pack
    battery, stage = battery[order], stage[order]
    same = battery[1:] == battery[:-1]
    src, dst, who = stage[:-1][same], stage[1:][same], battery[1:][same]
    moved = src != dst
    kwh = passports.set_index("battery_id")["nominal_kwh"].reindex(who[moved]).to_numpy()
    flows = pd.DataFrame({"source": src[moved], "target": dst[moved], "kwh": kwh})
    return flows.groupby(["source", "target"], as_index=False).agg(packs=("kwh", "size"), kwh=("kwh", "sum"))


def stage_rank(stage: str) -> int:
    base = stage.split(":")[0]
    return STAGE_ORDER.index(base) if base in STAGE_ORDER else len(STAGE_ORDER)


def write_flows(folder: Path | str, png: Path, html: Path) -> pd.DataFrame:
    """Write the PNG and the interactive HTML of a run's flows; returns the flow table."""
    flows = flow_table(folder)
    if flows.empty:
        raise InputError(Path(folder), "(flows)", "none", "a run in which packs changed hands")
    _html(flows, html, Path(folder).name)
    _png(flows, png, Path(folder).name)
    return flows


def _html(flows: pd.DataFrame, path: Path, title: str) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    nodes = sorted(set(flows["source"]) | set(flows["target"]), key=lambda s: (stage_rank(s), s))
    index = {n: i for i, n in enumerate(nodes)}
    fig = make_subplots(rows=2, cols=1, specs=[[{"type": "sankey"}], [{"type": "sankey"}]],
                        subplot_titles=("packs", "kWh of nominal capacity"), vertical_spacing=0.08)
    for row, col in ((1, "packs"), (2, "kwh")):
        fig.add_trace(go.Sankey(node={"label": nodes, "pad": 12}, link={
            "source": [index[s] for s in flows["source"]], "target": [index[t] for t in flows["target"]],
            "value": flows[col].tolist()}), row=row, col=1)
    fig.update_layout(title=f"Battery flows — {title}", height=1100)
    fig.write_html(path, include_plotlyjs=True, full_html=True)


def _png(flows: pd.DataFrame, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MPath

    from viz.load_curves import save_figure

    nodes = sorted(set(flows["source"]) | set(flows["target"]), key=lambda s: (stage_rank(s), s))
    columns: dict[int, list[str]] = {}
    for n in nodes:
        columns.setdefault(stage_rank(n), []).append(n)
    ranks = sorted(columns)
    fig, axes = plt.subplots(1, 2, figsize=(16, 7))
    for ax, col in zip(axes, ("packs", "kwh")):
        total = flows[col].sum()
        through = {n: max(flows.loc[flows["source"] == n, col].sum(), flows.loc[flows["target"] == n, col].sum())
                   for n in nodes}
        pos = {}
        for x, r in enumerate(ranks):
            stack = columns[r]
            heights = np.array([through[n] / total for n in stack]) * 0.9
            gap = (1.0 - heights.sum()) / (len(stack) + 1)
            y = 1.0 - gap
            for n, h in zip(stack, heights):
                pos[n] = (x, y - h, y)  # column, bottom, top
                ax.add_patch(plt.Rectangle((x - 0.06, y - h), 0.12, h, color="tab:gray", alpha=0.8))
                ax.text(x + 0.09, y - h / 2, f"{n}\n{through[n]:,.0f}", va="center", fontsize=7)
                y -= h + gap
        out_off = {n: 0.0 for n in nodes}
        in_off = {n: 0.0 for n in nodes}
        for r in flows.sort_values(col, ascending=False).itertuples(index=False):
            s, t, v = r.source, r.target, getattr(r, col)
            w = v / total * 0.9
            xs, _, ys_top = pos[s]
            xt, _, yt_top = pos[t]
            y0 = ys_top - out_off[s]
            y1 = yt_top - in_off[t]
            out_off[s] += w
            in_off[t] += w
            back = xt <= xs
            x0, x1 = xs + 0.06, xt - 0.06
            mid = (x0 + x1) / 2 if not back else max(xs, xt) + 0.5
            verts = [(x0, y0), (mid, y0), (mid, y1), (x1, y1), (x1, y1 - w), (mid, y1 - w), (mid, y0 - w), (x0, y0 - w),
                     (x0, y0)]
            codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO, MPath.CURVE4, MPath.CURVE4,
                     MPath.CURVE4, MPath.CLOSEPOLY]
            ax.add_patch(PathPatch(MPath(verts, codes), facecolor="lightgray" if back else "tab:blue",
                                   alpha=0.25 if back else 0.35, edgecolor="none"))
        ax.set_xlim(-0.3, len(ranks) + 0.2)
        ax.set_ylim(0, 1.02)
        ax.axis("off")
        ax.set_title("packs" if col == "packs" else "kWh of nominal capacity")
    fig.suptitle(f"Battery flows — {title} (returns in grey)")
    save_figure(fig, path)
