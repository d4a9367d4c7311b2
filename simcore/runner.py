"""Run a scenario to its end and write its results folder (what ``evcycle run`` does)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simcore.results import package_versions, results_folder, write_results_into
from simcore.scenario.loader import ResolvedScenario

if TYPE_CHECKING:
    from simcore.world import World


def default_out_dir(scenario: ResolvedScenario) -> Path:
    """``runs/<name>[-<variant>]-seed<seed>`` under the current directory."""
    label = scenario.name + (f"-{scenario.variant}" if scenario.variant else "")
    return Path("runs") / f"{label}-seed{scenario.seed}"


def run_to_end(world: "World", progress: bool = False) -> float:
    """Run the world over its horizon, a simulated day at a time (so a progress bar can move)."""
    started = time.perf_counter()
    days = world.clock.days
    bar = _progress_bar() if progress else nullcontext()
    with bar as prog:
        task = prog.add_task(world.scenario.name, total=days) if prog is not None else None
        for day in range(world.clock.days):
            world.run(until=min((day + 1) * 24.0, world.clock.horizon_h))
            if prog is not None:
                prog.update(task, completed=day + 1)
        world.run()
    return time.perf_counter() - started


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("days"), TimeElapsedColumn(), transient=True)


def run_scenario(scenario: ResolvedScenario, out: Path | None = None, progress: bool = False,
                 overwrite: bool = False, manifest_extra: dict[str, Any] | None = None,
                 before_manifest: Callable[[Path], None] | None = None) -> tuple[Path, "World"]:
    """Build, run and write results; returns the results folder and the finished world.

    The destination is checked before the world is built (a refused ``out`` costs no simulation), and
    nothing appears at ``out`` unless the run completes. ``manifest_extra`` adds keys to the manifest
    (a sweep records the run's place in it); ``before_manifest(folder)`` may add files last.
    """
    from simcore.world import World

    out = Path(out) if out is not None else default_out_dir(scenario)
    with results_folder(out, overwrite=overwrite) as tmp:
        started = time.perf_counter()
        world = World(scenario)
        build_s = time.perf_counter() - started
        run_s = run_to_end(world, progress=progress)
        summary = world.summary().to_dict()
        manifest: dict[str, Any] = {
            **(manifest_extra or {}),
            "status": "ok",
            "scenario_file": scenario.file,
            "scenario": scenario.as_dict(),
            "seed": scenario.seed,
            "variant": scenario.variant,
            "overrides": scenario.overrides,
            "versions": package_versions(),
            "wall_time_s": {"build": build_s, "run": run_s, "total": time.perf_counter() - started},
            "series_units": world.recorder.units,
            "kpi_units": world.kpi_units(summary),
            "events_recorded": len(world.trace.events),
            "events_dropped": world.trace.dropped,
            # KPIs with no value (NaN: nothing to average, e.g. no pack reached ten years) become null in
            # summary.json; an infinite KPI would be a bug or an input the checks should have refused
            "kpis_without_value": sorted(k for k, v in summary.items() if isinstance(v, float) and math.isnan(v)),
            "kpis_infinite": sorted(k for k, v in summary.items() if isinstance(v, float) and math.isinf(v)),
        }

        def component_tables(folder: Path) -> None:
            world.write_tables(folder)
            for component in world.components.values():
                component.write_tables(folder)
            if before_manifest is not None:
                before_manifest(folder)

        write_results_into(tmp, manifest=manifest, summary=summary, timeseries=world.timeseries(),
                           events=world.trace.frame(), extra=component_tables)
    return out, world
