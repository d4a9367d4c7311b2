"""Where a sweep's runs execute: this process, a pool of local worker processes, or a Dask cluster.

Each executor takes jobs (:class:`~simcore.experiments.worker.Job`) and yields their outcomes as they
finish; :meth:`stop` (on Ctrl-C) cancels queued runs, interrupts running ones and waits until nothing
more can be written.

Local workers come from a *forkserver*, not from Python's default start method: ``import mesa``
switches the default to "spawn" for the whole process (``mesa/batchrunner.py``), and spawn re-imports
the world in every worker. The forkserver imports the simulation stack once (its preload list: the
worker module, the runner, the World and the scenario's component modules) and forks each worker
from it; workers then stay warm across runs (a process pool reuses them), so the import is paid once
per sweep. The first run of each worker still pays what the scenario's components cache per process
(data tables).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from simcore.experiments.worker import STATUS_FAILED, STATUS_INTERRUPTED, Job, Outcome, execute, init_worker

#: modules every local worker needs; the scenario's component modules are added per sweep
WORKER_MODULES = ("simcore.experiments.worker", "simcore.runner", "simcore.world", "simcore.scenario.loader")


class SerialExecutor:
    """Runs each job in this process, one after the other (no start-up cost: best for short runs)."""

    name = "serial"

    def __init__(self) -> None:
        self._stopped = False

    def outcomes(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        for job in jobs:
            if self._stopped:
                return
            outcome = execute(job)
            yield outcome
            if outcome.status == STATUS_INTERRUPTED:
                raise KeyboardInterrupt

    def stop(self) -> list[Outcome]:
        self._stopped = True
        return []

    def close(self) -> None:
        pass


class LocalPoolExecutor:
    """A pool of ``workers`` warm processes forked from a preloaded forkserver."""

    def __init__(self, workers: int, preload: Sequence[str] = (), start_method: str = "forkserver") -> None:
        import multiprocessing as mp

        self.name = f"local ({workers} processes)"
        ctx = mp.get_context(start_method)
        modules = tuple(dict.fromkeys([*WORKER_MODULES, *preload]))
        if start_method == "forkserver":
            ctx.set_forkserver_preload(list(modules))
        self.cancel = ctx.Event()
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init_worker,
                                        initargs=(modules, self.cancel))
        self.futures: list[Future] = []

    def outcomes(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        self.futures = [self.pool.submit(execute, job) for job in jobs]
        job_of = {future: job for future, job in zip(self.futures, jobs, strict=True)}
        pending = set(self.futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: job_of[f].spec.index):
                yield _result(future, job_of[future])

    def stop(self) -> list[Outcome]:
        """Cancel queued runs, interrupt running ones (SIGINT to each worker) and collect what they say."""
        self.cancel.set()
        for future in self.futures:
            future.cancel()
        for process in list(getattr(self.pool, "_processes", {}).values()):
            try:
                os.kill(process.pid, signal.SIGINT)
            except (ProcessLookupError, OSError):
                pass
        finished = []
        for future in self.futures:
            if future.cancelled():
                continue
            try:
                finished.append(future.result())
            except BaseException:  # noqa: BLE001 (a worker that died: its run counts as not written)
                continue
        return finished

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


#: what starting a local pool costs before its first run (forkserver importing the stack, forking
#: workers): ~0.5-1 s measured here; an estimate for deciding, not a promise
POOL_START_S = 1.0


def pool_pays(first_run_s: float, remaining: int, workers: int, start_s: float = POOL_START_S) -> bool:
    """Whether ``workers`` processes finish ``remaining`` runs of ``first_run_s`` sooner than this process."""
    return workers > 1 and first_run_s * remaining * (1.0 - 1.0 / workers) > start_s


class AdaptiveExecutor:
    """Runs the first job in this process, then the rest here as well when that is faster than a pool.

    The first run's wall time (imports included, so an overestimate) decides with :func:`pool_pays`:
    short runs stay serial (a pool would cost more to start than it saves), longer ones go to a
    :class:`LocalPoolExecutor` of ``workers`` processes.
    """

    def __init__(self, workers: int, preload: Sequence[str] = (), start_method: str = "forkserver") -> None:
        self.workers, self.preload, self.start_method = workers, preload, start_method
        self.name = f"local (up to {workers} processes; serial if the runs are short)"
        self.inner: Any = None

    def outcomes(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        first = execute(jobs[0])
        yield first
        if first.status == STATUS_INTERRUPTED:
            raise KeyboardInterrupt
        rest = list(jobs[1:])
        if not rest:
            return
        if pool_pays(first.wall_s, len(rest), min(self.workers, len(rest))):
            self.inner = LocalPoolExecutor(min(self.workers, len(rest)), self.preload, self.start_method)
        else:
            self.inner = SerialExecutor()
        yield from self.inner.outcomes(rest)

    def stop(self) -> list[Outcome]:
        return self.inner.stop() if self.inner is not None else []

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()


class DaskExecutor:
    """Runs jobs on a Dask distributed cluster (``scheduler`` address) or a LocalCluster of ``workers``.

    Workers need evcycle (and any plug-in packages) installed; they do not need the sweep's
    filesystem: each run's folder comes back as bytes and is written here.
    """

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        import logging

        try:
            from distributed import Client, LocalCluster
        except ImportError:
            from simcore.errors import InputError

            raise InputError("--executor", "executor", "dask",
                             "an installed Dask distributed: pip install 'evcycle[dask]'") from None
        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            self.name = f"dask (local cluster, {workers} workers)"
        else:
            try:
                self.client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                from simcore.errors import InputError

                raise InputError("--scheduler", "scheduler", scheduler,
                                 f"the address of a running Dask scheduler, e.g. tcp://host:8786 ({exc})") from None
            self.name = f"dask ({scheduler})"
        self.futures: list[Any] = []

    def outcomes(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        from distributed import as_completed

        self.futures = [self.client.submit(execute, job, pure=False, key=f"evcycle-run-{job.spec.index}-{os.getpid()}")
                        for job in jobs]
        job_of = {future.key: job for future, job in zip(self.futures, jobs, strict=True)}
        for future in as_completed(self.futures):
            yield _result(future, job_of[future.key])

    def stop(self) -> list[Outcome]:
        """Cancel every run not yet returned (results arrive here, so nothing more is written)."""
        if self.futures:
            self.client.cancel(self.futures)
        return []

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _result(future: Any, job: Job) -> Outcome:
    """The outcome a worker returned, or a failed one if the worker itself died (killed, out of memory)."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 (BrokenProcessPool, KilledWorker...: that run failed)
        return Outcome(job.spec.index, job.folder, STATUS_FAILED,
                       error=f"the worker running it died: {type(exc).__name__}: {exc}")


def make_executor(kind: str, workers: int, scheduler: str | None, preload: Sequence[str],
                  start_method: str = "forkserver", adaptive: bool = False) -> Any:
    """``local`` (``workers`` processes; 1: this process; ``adaptive``: serial if the runs are short)
    or ``dask`` (``scheduler`` or a local cluster of ``workers``).

    ``start_method`` of local workers: forkserver (default); spawn and fork exist for comparisons
    (``bench/sweep.py``).
    """
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    if workers <= 1:
        return SerialExecutor()
    if adaptive:
        return AdaptiveExecutor(workers, preload, start_method)
    return LocalPoolExecutor(workers, preload, start_method)
