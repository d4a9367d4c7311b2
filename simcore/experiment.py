"""Sweeps: many runs of one scenario (variants x overrides x seeds), serial or in parallel processes.

Every run is independent and seeded from its scenario, so a sweep's results are bit-identical whether
it runs serially or on any ``concurrent.futures.Executor`` (a local process pool by default; a Dask
cluster's ``client.get_executor()`` works the same way).
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from simcore.errors import InputError
from simcore.results import atomic_folder, dump_json
from simcore.scenario import load_scenario


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: a label, the variant, overrides and seed."""

    label: str
    variant: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None


def grid_runs(grid: dict[str, Sequence[Any]], seeds: Sequence[int | None] = (None,)) -> list[RunSpec]:
    """The cartesian product of ``{path: [values]}`` (``variant`` is a path too) and seeds."""
    keys = list(grid)
    runs = []
    for values in itertools.product(*(grid[k] for k in keys), seeds):
        *combo, seed = values
        settings = dict(zip(keys, combo, strict=True))
        variant = settings.pop("variant", None)
        parts = ([f"{variant}"] if variant else []) + [f"{k}={v}" for k, v in settings.items()]
        if seed is not None:
            parts.append(f"seed={seed}")
        label = ",".join(parts) or "base"
        runs.append(RunSpec(label, variant, settings, seed))
    return runs


def _run_one(scenario_file: str, spec: RunSpec, out: str) -> dict[str, Any]:
    from simcore.runner import run_scenario

    scenario = load_scenario(scenario_file, variant=spec.variant, overrides=spec.overrides, seed=spec.seed)
    folder, world = run_scenario(scenario, out=Path(out))
    return {"run": spec.label, "folder": str(folder), **world.summary().to_dict()}


def _import_all(modules: Sequence[str]) -> None:
    for name in modules:
        importlib.import_module(name)


def run_sweep(scenario_file: str | Path, runs: list[RunSpec], out: Path, executor: Executor | None = None,
              workers: int = 2, import_modules: Sequence[str] = ()) -> pd.DataFrame:
    """Run every spec, each into ``out/<index>-<label>``; write ``out/sweep.json`` and return the KPI table.

    All specs are resolved first, so a bad value fails the sweep before any run starts. Worker
    processes find component types through entry points; ``import_modules`` are imported in each
    worker first (types registered by import only, e.g. in tests).
    """
    for spec in runs:
        load_scenario(scenario_file, variant=spec.variant, overrides=spec.overrides, seed=spec.seed)
    out = Path(out)
    folders = [str(out / f"{i:03d}-{_safe(spec.label)}") for i, spec in enumerate(runs)]
    own = executor is None and workers > 1 and len(runs) > 1
    pool = (ProcessPoolExecutor(max_workers=workers, initializer=_import_all, initargs=(tuple(import_modules),))
            if own else executor)
    try:
        if pool is None:
            rows = [_run_one(str(scenario_file), spec, folder) for spec, folder in zip(runs, folders)]
        else:
            futures = [pool.submit(_run_one, str(scenario_file), spec, folder) for spec, folder in zip(runs, folders)]
            rows = [f.result() for f in futures]
    finally:
        if own:
            pool.shutdown()
    table = pd.DataFrame(rows).set_index("run")
    with atomic_folder(out / "sweep") as tmp:
        dump_json({"scenario_file": str(scenario_file), "runs": rows}, tmp / "sweep.json")
        table.drop(columns=["folder"]).to_csv(tmp / "kpis.csv")
    return table


def parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    """``["fleet.size=100,200", "variant=a,b"]`` -> ``{"fleet.size": [100, 200], "variant": ["a", "b"]}``."""
    from simcore.scenario import parse_set_option

    grid: dict[str, list[Any]] = {}
    for item in items:
        path, _ = parse_set_option(item)
        raw_values = item.split("=", 1)[1].split(",")
        values = [parse_set_option(f"{path}={v}")[1] for v in raw_values]
        if not raw_values or any(v == "" for v in raw_values):
            raise InputError("--grid", item, item, "PATH=V1,V2,... with no empty values")
        grid[path] = values
    return grid


def _safe(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_.=" else "_" for c in label)[:80]
