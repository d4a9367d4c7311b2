"""Benchmark what the dashboard does per redraw at fleet scale (server side, no browser).

    python bench/dashboard.py --evs 100000 --ticks 96 --repeat 5 --out runs/bench_dashboard.json

Builds the quickstart with N simulated EVs in a dashboard session, steps it ``--ticks`` ticks, then
times what a page redraw costs: the view (aggregates taken under the session lock), drawing the plot
panels, and encoding them as PNG (what is sent to the browser), and the bytes sent. The redraw should
not grow with the fleet: only the time per simulated tick does. Medians of ``--repeat`` redraws.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import agents.builtin_components  # noqa: E402,F401  (registers the types even without an installed entry point)
import scenarios  # noqa: E402
from viz.dashboard import plots  # noqa: E402
from viz.dashboard.session import Choice, DashboardSession  # noqa: E402


def redraw(session: DashboardSession) -> dict[str, float]:
    t0 = time.perf_counter()
    view = session.view()
    t1 = time.perf_counter()
    figures = [f for f in (draw(view) for draw in plots.PANELS) if f is not None]
    t2 = time.perf_counter()
    sent = 0
    for fig in figures:
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        sent += len(buf.getvalue())
    t3 = time.perf_counter()
    return {"view_s": t1 - t0, "draw_s": t2 - t1, "png_s": t3 - t2, "redraw_s": t3 - t0, "png_bytes": sent,
            "panels": len(figures)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evs", type=int, default=100_000, help="simulated EVs (fleet.sample = fleet.size)")
    ap.add_argument("--ticks", type=int, default=96, help="ticks to step before timing redraws")
    ap.add_argument("--repeat", type=int, default=5, help="redraws timed; medians are reported")
    ap.add_argument("--out", type=Path, required=True, help="JSON file to write")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    session = DashboardSession(Choice(scenarios.path("quickstart.yaml"),
                                      overrides=(f"fleet.size={args.evs}", f"fleet.sample={args.evs}")))
    t1 = time.perf_counter()
    session.step(args.ticks)
    t2 = time.perf_counter()
    runs = [redraw(session) for _ in range(args.repeat)]
    figures = {
        "evs": args.evs, "ticks": args.ticks, "repeats": args.repeat,
        "setup_s": t1 - t0, "step_s_per_tick": (t2 - t1) / args.ticks,
        **{k: statistics.median(r[k] for r in runs) for k in ("view_s", "draw_s", "png_s", "redraw_s")},
        "png_bytes": runs[-1]["png_bytes"], "panels": runs[-1]["panels"],
        "runs": runs, "python": platform.python_version(), "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2))
    print(json.dumps({k: v for k, v in figures.items() if k != "runs"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
