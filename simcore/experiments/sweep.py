"""Sweeps: every run of a design (points x seeds) in its own results folder inside one sweep folder.

Safety and restarts:

* the sweep folder is a new path or an earlier sweep folder of ours (its manifest says ``kind: sweep``);
  a run folder inside it is replaced only with ``overwrite`` (each checked as any results folder is);
* every run is resolved and checked before the first starts, so a bad value costs no simulation;
* ``resume`` skips runs whose folder's manifest records exactly the resolved scenario of the spec
  (variant, overrides, seed and every parameter) and status ``ok``, and re-runs failed ones;
* a failing run is a ``failed`` row of the table (its folder's manifest holds the error), not the end
  of the sweep; Ctrl-C cancels queued runs, interrupts running ones, writes the table of what is on
  disk and says exactly which runs were written.

Runs are indexed seed-major (every point for the first seed, then the next seed), so adding seeds to
a finished sweep and resuming appends runs and keeps the earlier folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from simcore.errors import InputError
from simcore.experiments.designs import Design
from simcore.experiments.progress import ProgressLine
from simcore.experiments.spec import BASE, RunSpec, folder_name
from simcore.experiments.table import TABLE_FILES, build_table, table_units
from simcore.experiments.worker import (STATUS_CANCELLED, STATUS_FAILED, STATUS_INTERRUPTED, STATUS_OK, Job,
                                        Outcome)
from simcore.results import (MANIFEST, PLOT_SUFFIXES, PLOTS_DIR, RESULTS_FORMAT, check_destination, dump_json,
                             foreign_entries, hidden_sibling, make_ordinary, read_manifest, remove_tree,
                             to_jsonable)

#: what a sweep folder's own manifest says it is (its runs are results folders inside it)
SWEEP_KIND = "sweep"
DESIGN_FILE = "design.parquet"


@dataclass
class SweepPlan:
    """Every run of a sweep, resolved and checked, with the folder each one writes."""

    scenario_file: str
    scenario_data: dict[str, Any]
    design: Design
    fixed: dict[str, Any]
    seeds: list[int | None]
    runs: list[RunSpec]
    folders: list[str]
    #: the resolved scenario of each run, as its manifest records it (what --resume compares)
    resolved: list[dict[str, Any]]
    component_modules: list[str] = field(default_factory=list)


@dataclass
class SweepResult:
    """What a sweep did: the table, and which runs were written now, earlier, failed or not at all."""

    out: Path
    table: Any
    written: list[str]
    earlier: list[str]
    failed: list[str]
    not_written: list[str]
    interrupted: bool = False
    #: interrupted while replacing an earlier sweep (--overwrite): the earlier sweep was kept as it was
    kept_earlier: bool = False


def plan_sweep(scenario_file: str | Path, design: Design, fixed: dict[str, Any] | None = None,
               seeds: Sequence[int | None] = (None,)) -> SweepPlan:
    """Resolve every run of ``design`` x ``seeds`` (with the ``fixed`` overrides); any bad value fails here."""
    from simcore.registry import entry
    from simcore.scenario.loader import read_yaml, resolve_scenario

    fixed = dict(fixed or {})
    path = Path(scenario_file)
    data = read_yaml(path)
    if BASE in (data.get("variants") or {}):
        raise InputError(path, f"variants.{BASE}", BASE,
                         f"variant names other than {BASE!r} (a sweep uses it for the scenario without a variant)")
    runs, resolved, modules = [], [], {}
    origins = {**{p: "--grid" for p in design.grid}, **{p.path: "--param" for p in design.params}}
    for seed in seeds:
        for p, point in enumerate(design.points):
            clash = sorted(set(fixed) & set(point.overrides))
            if clash:
                raise InputError("--set", clash[0], fixed[clash[0]], "a path not also varied by --grid or --param")
            overrides = {**fixed, **point.overrides}
            scenario = resolve_scenario(data, file=str(path), variant=point.variant, overrides=overrides, seed=seed,
                                        origins=origins)
            as_dict = to_jsonable(scenario.as_dict())
            varied = {k: (value_at(as_dict, k) if v == BASE else v) for k, v in point.varied.items()}
            runs.append(RunSpec(len(runs), point.variant, overrides, scenario.seed, p, varied))
            resolved.append(as_dict)
            for component in scenario.components:
                found = entry(component.type_name)
                module = (found.component_path.partition(":")[0] if found and found.component_path
                          else getattr(getattr(found, "cls", None), "__module__", None))
                if module:
                    modules[module] = None
    folders = [folder_name(spec, len(runs)) for spec in runs]
    return SweepPlan(str(path), data, design, fixed, list(seeds), runs, folders, resolved, list(modules))


def value_at(scenario: dict[str, Any], path: str) -> Any:
    """The value a resolved scenario (``as_dict``) has at a dotted path (components by name)."""
    from simcore.scenario.overrides import canonical_path

    node: Any = scenario
    for key in canonical_path(scenario, path):
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return None
    return node


# ------------------------------------------------------------------------------------------------
# The sweep folder


#: hidden leftovers of ours inside a sweep folder: a run folder or a sweep file being built
#: (``.NAME.partial-XXXXXXXX``) or an earlier run folder being replaced (``.NAME.old-XXXXXXXX``)
_STALE = re.compile(r"^\.(r\d{3,}[^/]*|kpis\.csv|kpis\.parquet|units\.json|manifest\.json|design\.parquet)"
                    r"\.(partial|old)-[A-Za-z0-9_]{6,}$")


def check_sweep_out(out: Path, *, resume: bool = False, overwrite: bool = False) -> str:
    """Whether sweep results may go to ``out``, and how; nothing is written.

    ``new`` (a new path), ``continue`` (an earlier sweep folder with ``resume``) or ``replace`` (an
    earlier sweep folder with ``overwrite`` and no ``resume``: only if everything in it is ours).
    Anything else is refused: an earlier sweep folder without either option, a folder of the user's.
    """
    out = Path(out)
    if not is_sweep_folder(out):
        check_destination(out, overwrite=False)  # refuses any existing path that is not ours
        if out.exists():  # a run's results folder, say: not a sweep, so not ours to add runs to
            raise InputError("--out", "--out", str(out), "a new folder, or an earlier sweep folder (this one is the "
                                                         "results folder of a single run)")
        return "new"
    if resume:
        return "continue"
    if not overwrite:
        raise InputError("--out", "--out", str(out), "a new folder; this is an earlier sweep: use --resume to "
                                                     "continue it or --overwrite to replace it")
    real, cwd = out.resolve(), Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise InputError("--out", "--out", str(out), "a sweep folder that is not the working directory or one of its "
                                                     "parents (it would be replaced)")
    foreign = sweep_foreign_entries(out)
    if foreign:
        raise InputError("--out", "--out", str(out),
                         f"a sweep folder holding only what evcycle wrote: it also holds {foreign[0]!r}"
                         f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}, which are not ours; "
                         "move them out or choose a new folder name")
    return "replace"


def sweep_foreign_entries(out: Path) -> list[str]:
    """Entries of a sweep folder that are not ours: ours are its manifest and the files it lists, run
    folders (each holding only its results), ``sensitivity-*.csv`` of ``analyze``, plots and hidden
    leftovers of an interrupted sweep."""
    manifest = read_manifest(out) or {}
    listed = {str(f) for f in manifest.get("files") or []} | {MANIFEST}
    foreign = []
    for entry in sorted(out.iterdir(), key=lambda p: p.name):
        name = entry.name
        if entry.is_symlink():
            foreign.append(name)
        elif entry.is_file() and (name in listed or (name.startswith("sensitivity-") and name.endswith(".csv"))
                                  or _STALE.match(name)):
            continue
        elif entry.is_dir() and _STALE.match(name):
            continue
        elif entry.is_dir() and name == PLOTS_DIR:
            foreign += [f"{name}/{p.name}" for p in sorted(entry.iterdir())
                        if p.is_symlink() or not p.is_file() or p.suffix not in PLOT_SUFFIXES]
        elif entry.is_dir() and (run := read_manifest(entry)) is not None and run.get("kind") is None:
            foreign += [f"{name}/{p}" for p in foreign_entries(entry, run)]
        else:
            foreign.append(name)
    return foreign


def remove_stale_partials(out: Path) -> list[str]:
    """Remove hidden leftovers of ours (a run folder or table file an interrupted sweep was building)."""
    removed = []
    for entry in sorted(out.iterdir(), key=lambda p: p.name):
        if _STALE.match(entry.name) and not entry.is_symlink():
            if entry.is_dir():
                remove_tree(entry)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry.name)
    return removed


def _new_sweep_folder(out: Path, at: Path | None = None) -> Path:
    """Create the sweep folder (at ``out``, or at the hidden sibling ``at``) and mark it as ours."""
    folder = at if at is not None else out
    folder.mkdir(parents=True, exist_ok=at is not None)
    _write_atomic(folder / MANIFEST, lambda p: dump_json({"format": RESULTS_FORMAT, "kind": SWEEP_KIND, "files": []}, p))
    return folder


def is_sweep_folder(folder: Path | str) -> bool:
    """Whether ``folder`` is a sweep folder this project wrote."""
    manifest = read_manifest(folder)
    return manifest is not None and manifest.get("kind") == SWEEP_KIND


def _write_atomic(path: Path, write: Any) -> None:
    """Write a file of the sweep folder through a temporary sibling, then rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.partial-", dir=path.parent)
    os.close(fd)
    try:
        make_ordinary(tmp)
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sweep_manifest(plan: SweepPlan, files: list[str]) -> dict[str, Any]:
    return {
        "format": RESULTS_FORMAT, "kind": SWEEP_KIND, "files": sorted(files),
        "scenario_file": plan.scenario_file,
        "scenario_sha256": hashlib.sha256(json.dumps(to_jsonable(plan.scenario_data), sort_keys=True)
                                          .encode()).hexdigest(),
        "fixed": plan.fixed, "seeds": plan.seeds, "design": plan.design.describe(),
        "runs": [{"index": s.index, "folder": f, "point": s.point, "variant": s.variant, "overrides": s.overrides,
                  "seed": s.seed, "varied": s.varied} for s, f in zip(plan.runs, plan.folders, strict=True)],
    }


def _write_sweep_files(out: Path, plan: SweepPlan, table: Any | None, units: dict[str, Any] | None) -> None:
    """The design sample, the table and ``units.json``, then the sweep manifest listing them."""
    import pandas as pd

    files = []
    if plan.design.sample is not None:
        sample = pd.DataFrame(plan.design.sample, columns=[p.path for p in plan.design.params])
        _write_atomic(out / DESIGN_FILE, lambda p: sample.to_parquet(p, index=False))
        files.append(DESIGN_FILE)
    if table is not None:
        _write_atomic(out / "kpis.csv", lambda p: table.to_csv(p, index=False))
        _write_atomic(out / "kpis.parquet", lambda p: table.to_parquet(p, index=False))
        _write_atomic(out / "units.json", lambda p: dump_json(units, p))
        files.extend(TABLE_FILES)
    _write_atomic(out / MANIFEST, lambda p: dump_json(_sweep_manifest(plan, files), p))


# ------------------------------------------------------------------------------------------------
# Which runs are already on disk


def _state_on_disk(folder: Path, resolved: dict[str, Any]) -> str | None:
    """``ok`` (this very run, finished), ``failed`` (ours, failed), ``other`` (ours, another run), or None."""
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    if manifest.get("status") == STATUS_FAILED:
        return STATUS_FAILED
    if manifest.get("status", STATUS_OK) == STATUS_OK and manifest.get("scenario") == resolved:
        return STATUS_OK
    return "other"


def _outcome_from_disk(spec: RunSpec, folder: Path) -> Outcome:
    from simcore.results import read_summary

    manifest = read_manifest(folder) or {}
    wall = (manifest.get("wall_time_s") or {}).get("total", float("nan"))
    return Outcome(spec.index, str(folder), STATUS_OK, float(wall), kpis=read_summary(folder),
                   kpi_units=dict(manifest.get("kpi_units") or {}))


def _series_units(out: Path, folders: Sequence[str], outcomes: dict[int, Outcome]) -> dict[str, str]:
    for index, outcome in sorted(outcomes.items()):
        if outcome.status == STATUS_OK:
            manifest = read_manifest(out / folders[index]) or {}
            return dict(manifest.get("series_units") or {})
    return {}


# ------------------------------------------------------------------------------------------------
# Running


def run_sweep(plan: SweepPlan, out: Path | str, *, executor: str = "local", workers: int | None = None,
              scheduler: str | None = None, resume: bool = False, overwrite: bool = False,
              import_modules: Sequence[str] = (), quiet: bool = False, stream: TextIO | None = None,
              start_method: str = "forkserver") -> SweepResult:
    """Run the plan into ``out``; write the table; return what was written (see the module docstring).

    ``executor``: ``local`` (``workers`` processes; 1 runs in this process; None: one per core, and the
    first run, done here, decides whether a pool is worth starting) or ``dask`` (``scheduler``, or a
    local cluster of ``workers``, default 2).
    """
    from simcore.experiments.executors import make_executor

    out = Path(out)
    mode = check_sweep_out(out, resume=resume, overwrite=overwrite)  # refuses before anything is written
    outcomes: dict[int, Outcome] = {}
    todo: list[tuple[RunSpec, str, bool]] = []
    earlier: list[str] = []
    ship = executor == "dask"
    sweep_note = {"folder": str(out), "scenario_file": plan.scenario_file}
    for spec, name, resolved in zip(plan.runs, plan.folders, plan.resolved, strict=True):
        folder = out / name
        state = _state_on_disk(folder, resolved) if mode == "continue" else None
        if state == STATUS_OK:
            outcomes[spec.index] = _outcome_from_disk(spec, folder)
            earlier.append(name)
            continue
        replace = state is not None and (overwrite or state == STATUS_FAILED)
        if state == "other" and not overwrite:
            raise InputError("--resume", name, str(folder),
                             "run folders that hold the same run (this one holds another scenario, variant, "
                             "override or seed); use --overwrite to replace it, or a new --out")
        if mode == "continue":
            check_destination(folder, overwrite=replace)  # refuse before any run starts, not after some finished
        todo.append((spec, name, replace))

    adaptive = workers is None
    if workers is None:
        workers = available_cores() if executor != "dask" else 2
    workers_used = max(1, min(workers, len(todo))) if executor != "dask" else workers
    # connect (a Dask scheduler) before creating anything: a bad address writes nothing
    runner = (make_executor(executor, workers_used, scheduler, [*plan.component_modules, *import_modules],
                            start_method, adaptive=adaptive) if todo else None)
    build = out
    try:
        if mode == "new":
            _new_sweep_folder(out)
        elif mode == "replace":  # built beside the earlier sweep, which stays whole until this one ends
            build = hidden_sibling(out)
            _new_sweep_folder(out, at=build)
        else:
            remove_stale_partials(out)
    except BaseException:
        if runner is not None:
            runner.close()
        if build != out:
            remove_tree(build)
        raise
    jobs = [Job(plan.scenario_data, plan.scenario_file, spec, str((build / name).resolve()), replace=replace,
                ship=ship, capture=not ship, sweep_manifest=sweep_note, import_modules=tuple(import_modules))
            for spec, name, replace in todo]
    by_index = {job.spec.index: job for job in jobs}

    progress = ProgressLine(len(plan.runs), len(earlier), workers_used, stream=stream, quiet=quiet)
    written: list[str] = []
    interrupted = False
    try:
        _write_sweep_files(build, plan, None, None)
        if runner is not None:
            progress.start(runner.name)
            for outcome in runner.outcomes(jobs):
                outcomes[outcome.index] = _land(outcome, by_index)
                progress.update(outcomes[outcome.index], plan.folders[outcome.index])
    except KeyboardInterrupt:
        interrupted = True
        if runner is not None:
            for outcome in runner.stop():
                if outcome.index not in outcomes or outcomes[outcome.index].status != STATUS_OK:
                    outcomes[outcome.index] = _land(outcome, by_index)
    except BaseException:
        if build != out:
            remove_tree(build)
        raise
    finally:
        progress.finish()
        if runner is not None:
            runner.close()

    if interrupted and build != out:  # --overwrite replaces the earlier sweep only once the new one has ended
        remove_tree(build)
        table = build_table(plan.runs, plan.folders, {})
        return SweepResult(out, table, [], [], [], list(plan.folders), True, kept_earlier=True)
    if interrupted:  # what is on disk decides: a run may have finished as the interrupt arrived
        for spec, name, resolved in zip(plan.runs, plan.folders, plan.resolved, strict=True):
            current = outcomes.get(spec.index)
            if (current is None or current.status != STATUS_OK) and _state_on_disk(out / name, resolved) == STATUS_OK:
                outcomes[spec.index] = _outcome_from_disk(spec, out / name)
            elif current is None:
                outcomes[spec.index] = Outcome(spec.index, str(out / name), STATUS_CANCELLED)
    for spec, name in zip(plan.runs, plan.folders, strict=True):
        o = outcomes.get(spec.index)
        if o is not None and o.status == STATUS_OK and name not in earlier:
            written.append(name)
    table = build_table(plan.runs, plan.folders, outcomes)
    units = table_units(table, outcomes, _series_units(build, plan.folders, outcomes))
    try:
        _write_sweep_files(build, plan, table, units)
        if build != out:
            _swap_in(build, out)
    except BaseException:
        if build != out:
            remove_tree(build)
        raise
    failed = [plan.folders[i] for i, o in sorted(outcomes.items()) if o.status == STATUS_FAILED]
    not_written = [name for spec, name in zip(plan.runs, plan.folders, strict=True)
                   if outcomes.get(spec.index) is None
                   or outcomes[spec.index].status in (STATUS_CANCELLED, STATUS_INTERRUPTED)]
    return SweepResult(out, table, written, earlier, failed, not_written, interrupted)


def _swap_in(build: Path, out: Path) -> None:
    """Replace the earlier sweep at ``out`` by the finished one built at ``build`` (checked again: it must
    still hold only what is ours). The earlier one is renamed aside first, then removed."""
    from simcore.results import sigint_deferred

    if not is_sweep_folder(out) or sweep_foreign_entries(out):
        raise InputError("--out", "--out", str(out), "an earlier sweep folder that still holds only our results (it "
                                                     f"changed during the sweep; the new sweep is kept in {build})")
    trash = out.with_name(f".{out.name}.old-{secrets.token_hex(4)}")
    with sigint_deferred():  # never between the two renames
        os.rename(out, trash)
        os.rename(build, out)
    remove_tree(trash)


def available_cores() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _land(outcome: Outcome, jobs: dict[int, Job]) -> Outcome:
    """Write a shipped run folder (Dask workers send its files back) through ``results_folder``."""
    if outcome.files is None:
        return outcome
    from simcore.results import results_folder

    job = jobs[outcome.index]
    files, outcome.files = outcome.files, None
    if outcome.status not in (STATUS_OK, STATUS_FAILED):
        return outcome
    with results_folder(job.folder, overwrite=job.replace) as tmp:
        for rel, data in files.items():
            if rel != MANIFEST:
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / rel).write_bytes(data)
        (tmp / MANIFEST).write_bytes(files[MANIFEST])  # the manifest last, as written by the worker
    return outcome


def describe_result(result: SweepResult, stream: TextIO | None = None) -> None:
    """Say exactly what the sweep wrote (and, if interrupted, what it did not)."""
    stream = stream if stream is not None else sys.stderr
    total = len(result.table)

    def names(items: list[str]) -> str:
        return ", ".join(items) if len(items) <= 12 else f"{', '.join(items[:5])}, ... , {', '.join(items[-5:])}"

    if result.kept_earlier:
        print(f"interrupted: the earlier sweep in {result.out} was kept as it was (--overwrite replaces it only "
              "when the new sweep ends); nothing of this sweep was kept", file=stream)
        return
    if result.interrupted:
        print(f"interrupted: {len(result.written)} run folder(s) written in {result.out} by this sweep"
              + (f": {names(result.written)}" if result.written else ""), file=stream)
    if result.earlier:
        print(f"{len(result.earlier)} run(s) were already done and kept", file=stream)
    if result.failed:
        print(f"{len(result.failed)} run(s) failed (the error is in the table's error column and in each "
              f"folder's manifest): {names(result.failed)}", file=stream)
    if result.not_written:
        print(f"{len(result.not_written)} of {total} run(s) not written (cancelled or interrupted; nothing of "
              f"them is on disk): rerun the same command with --resume to finish", file=stream)
