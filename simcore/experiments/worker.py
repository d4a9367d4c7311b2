"""One run of a sweep, as a worker process (or the sweep's own process) executes it.

:func:`execute` never raises for a failing run: it returns an :class:`Outcome` whose ``status`` says
what happened (``ok``, ``failed`` with the error, ``interrupted`` by Ctrl-C, ``cancelled`` before it
started), so one bad run never aborts a sweep. A failed run still leaves a small results folder whose
manifest records the spec, the error and its traceback.

While a run executes in a local worker, file descriptors 1 and 2 go to a log file (solver banners and
library chatter never reach the progress line); anything captured is kept as ``output.log`` in the
run folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simcore.experiments.spec import RunSpec

STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_INTERRUPTED = "interrupted"
STATUS_CANCELLED = "cancelled"
STATUS_NOT_RUN = "not run"
OUTPUT_LOG = "output.log"

_cancel_event: Any = None  # a multiprocessing Event set by the sweep on Ctrl-C (worker processes only)
_sigint_seen = False  # Ctrl-C arrived during the current run: whatever it turned into, the run was interrupted


@dataclass(frozen=True)
class Job:
    """What a worker needs to run one spec: the scenario mapping (not a path: workers may be remote)."""

    scenario_data: dict[str, Any]
    scenario_file: str
    spec: RunSpec
    folder: str
    replace: bool = False
    #: return the folder's files instead of writing them (workers without the sweep's filesystem)
    ship: bool = False
    #: send fds 1 and 2 to the run's log while it executes
    capture: bool = True
    sweep_manifest: dict[str, Any] = field(default_factory=dict)
    #: modules to import first (component types registered by import, e.g. in tests)
    import_modules: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What became of one run."""

    index: int
    folder: str
    status: str
    wall_s: float = float("nan")
    kpis: dict[str, Any] = field(default_factory=dict)
    kpi_units: dict[str, str] = field(default_factory=dict)
    error: str = ""
    #: relative path -> bytes, when the job asked to ship the folder back
    files: dict[str, bytes] | None = None


def init_worker(modules: tuple[str, ...], cancel_event: Any) -> None:
    """Pool initializer: import what the runs need once, ignore Ctrl-C between runs, keep the cancel flag."""
    import importlib

    global _cancel_event
    _cancel_event = cancel_event
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in modules:
        importlib.import_module(name)


def execute(job: Job) -> Outcome:
    """Run ``job.spec`` and write (or ship) its results folder; report the outcome, never raise for the run."""
    import importlib
    import threading

    global _sigint_seen
    spec = job.spec
    if _cancel_event is not None and _cancel_event.is_set():
        return Outcome(spec.index, job.folder, STATUS_CANCELLED)
    for name in job.import_modules:
        importlib.import_module(name)
    in_worker = _cancel_event is not None
    _sigint_seen = False
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _on_sigint_in_worker if in_worker else _on_sigint) if main_thread else None
    started = time.perf_counter()
    try:
        return _execute(job, started)
    except KeyboardInterrupt:
        return Outcome(spec.index, job.folder, STATUS_INTERRUPTED, time.perf_counter() - started)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN if in_worker else previous)


def _on_sigint(signum: int, frame: Any) -> None:
    """Ctrl-C during a run (the sweep's own process): remember it, then stop the run."""
    global _sigint_seen
    _sigint_seen = True
    raise KeyboardInterrupt


def _on_sigint_in_worker(signum: int, frame: Any) -> None:
    """Ctrl-C reaches a worker twice (from the terminal, and from the sweep stopping it): the first stops
    the run, later ones are ignored so that the cleanup of its partial folder is never cut short."""
    global _sigint_seen
    _sigint_seen = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _execute(job: Job, started: float) -> Outcome:
    from simcore.results import read_manifest, read_summary

    spec = job.spec
    staging = Path(tempfile.mkdtemp(prefix="evcycle-run-")) if job.ship else None
    target = staging / Path(job.folder).name if staging is not None else Path(job.folder)
    log_path = Path(tempfile.mkstemp(prefix="evcycle-output-", suffix=".log")[1])
    try:
        with _captured(log_path, job.capture):
            try:
                _run(job, target, log_path)
                status, error = STATUS_OK, ""
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 (any failure of one run is that run's status)
                if _sigint_seen:  # Ctrl-C that surfaced as another error (e.g. an OSError of cut-short I/O)
                    raise KeyboardInterrupt from exc
                status, error = STATUS_FAILED, f"{type(exc).__name__}: {exc}"
                trace = traceback.format_exc()
        wall = time.perf_counter() - started
        if status == STATUS_OK:  # one source for a run's wall time: its manifest (the table and --resume agree)
            wall = float(((read_manifest(target) or {}).get("wall_time_s") or {}).get("total", wall))
        if status == STATUS_FAILED:
            _write_failed(job, target, error, trace, log_path, wall)
        outcome = Outcome(spec.index, job.folder, status, wall, error=error)
        if status == STATUS_OK:
            outcome.kpis = read_summary(target)
            outcome.kpi_units = dict((read_manifest(target) or {}).get("kpi_units") or {})
        if staging is not None:
            outcome.files = {str(p.relative_to(target)): p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}
        return outcome
    finally:
        log_path.unlink(missing_ok=True)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _run(job: Job, target: Path, log_path: Path) -> None:
    from simcore.runner import run_scenario
    from simcore.scenario.loader import resolve_scenario

    spec = job.spec
    scenario = resolve_scenario(job.scenario_data, file=job.scenario_file, variant=spec.variant,
                                overrides=spec.overrides, seed=spec.seed)

    def keep_log(folder: Path) -> None:
        _flush()
        if log_path.stat().st_size:
            shutil.copyfile(log_path, folder / OUTPUT_LOG)

    run_scenario(scenario, out=target, overwrite=job.replace, before_manifest=keep_log,
                 manifest_extra={"sweep": {**job.sweep_manifest, "index": spec.index, "point": spec.point,
                                           "varied": spec.varied}})


def _write_failed(job: Job, target: Path, error: str, trace: str, log_path: Path, wall: float) -> None:
    """A results folder that says the run failed, and why (the manifest lists the spec)."""
    from simcore.results import package_versions, results_folder, write_manifest

    spec = job.spec
    with results_folder(target, overwrite=job.replace) as tmp:
        if log_path.stat().st_size:
            shutil.copyfile(log_path, tmp / OUTPUT_LOG)
        write_manifest(tmp, {"status": STATUS_FAILED, "error": error, "traceback": trace,
                             "scenario_file": job.scenario_file, "variant": spec.variant,
                             "overrides": spec.overrides, "seed": spec.seed, "versions": package_versions(),
                             "wall_time_s": {"total": wall},
                             "sweep": {**job.sweep_manifest, "index": spec.index, "point": spec.point,
                                       "varied": spec.varied}})


def _flush() -> None:
    """Flush Python's and C's stdio buffers (so captured output lands before the fds move back)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):
        pass


@contextmanager
def _captured(log_path: Path, enabled: bool) -> Iterator[None]:
    """Point file descriptors 1 and 2 at ``log_path`` for the duration (C libraries included)."""
    if not enabled:
        yield
        return
    _flush()
    saved = [os.dup(1), os.dup(2)]
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        _flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (*saved, fd):
            os.close(f)
