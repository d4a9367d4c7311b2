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
from simcore.results import MANIFEST, RESULTS_FORMAT, check_destination, dump_json, results_folder, write_manifest
from simcore.scenario import load_scenario

#: what a sweep folder's own manifest says it is (its runs are results folders inside it)
SWEEP_KIND = "sweep"


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


def _run_one(scenario_file: str, spec: RunSpec, out: str, overwrite: bool = False) -> dict[str, Any]:
    from simcore.runner import run_scenario

    scenario = load_scenario(scenario_file, variant=spec.variant, overrides=spec.overrides, seed=spec.seed)
    folder, world = run_scenario(scenario, out=Path(out), overwrite=overwrite)
    return {"run": spec.label, "folder": str(folder), **world.summary().to_dict()}


def _import_all(modules: Sequence[str]) -> None:
    for name in modules:
        importlib.import_module(name)


def open_sweep_folder(out: Path, overwrite: bool = False) -> None:
    """Check that ``out`` is a new path or an earlier sweep folder of ours, and mark a new one as ours.

    Runs land in their own results folders inside it; an existing run folder is replaced only with
    ``overwrite`` (each one checked as any results folder is).
    """
    import json

    out = Path(out)
    manifest_path = out / MANIFEST
    if out.is_dir() and not out.is_symlink() and manifest_path.is_file():
        try:
            kind = json.loads(manifest_path.read_text(encoding="utf-8")).get("kind")
        except (OSError, ValueError, AttributeError):
            kind = None
        if kind == SWEEP_KIND:
            return
    check_destination(out, overwrite=False)  # refuses any existing path that is not ours
    out.mkdir(parents=True)
    dump_json({"format": RESULTS_FORMAT, "kind": SWEEP_KIND, "files": []}, manifest_path)


def run_sweep(scenario_file: str | Path, runs: list[RunSpec], out: Path, executor: Executor | None = None,
              workers: int = 2, import_modules: Sequence[str] = (), overwrite: bool = False) -> pd.DataFrame:
    """Run every spec, each into ``out/<index>-<label>``; write ``out/sweep.json`` and return the KPI table.

    All specs are resolved first, so a bad value fails the sweep before any run starts. Worker
    processes find component types through entry points; ``import_modules`` are imported in each
    worker first (types registered by import only, e.g. in tests).
    """
    for spec in runs:
        load_scenario(scenario_file, variant=spec.variant, overrides=spec.overrides, seed=spec.seed)
    out = Path(out)
    open_sweep_folder(out, overwrite=overwrite)
    folders = [str(out / f"{i:03d}-{_safe(spec.label)}") for i, spec in enumerate(runs)]
    for folder in folders:  # refuse before any run starts, not after some have finished
        check_destination(folder, overwrite=overwrite)
    own = executor is None and workers > 1 and len(runs) > 1
    pool = (ProcessPoolExecutor(max_workers=workers, initializer=_import_all, initargs=(tuple(import_modules),))
            if own else executor)
    try:
        if pool is None:
            rows = [_run_one(str(scenario_file), spec, folder, overwrite) for spec, folder in zip(runs, folders)]
        else:
            futures = [pool.submit(_run_one, str(scenario_file), spec, folder, overwrite)
                       for spec, folder in zip(runs, folders)]
            rows = [f.result() for f in futures]
    finally:
        if own:
            pool.shutdown()
    table = pd.DataFrame(rows).set_index("run")
    with results_folder(out / "sweep", overwrite=True) as tmp:  # the table of this sweep folder of ours
        dump_json({"scenario_file": str(scenario_file), "runs": rows}, tmp / "sweep.json")
        table.drop(columns=["folder"]).to_csv(tmp / "kpis.csv")
        write_manifest(tmp, {"kind": "sweep_table", "scenario_file": str(scenario_file)})
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
