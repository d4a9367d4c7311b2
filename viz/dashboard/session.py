"""One dashboard user's World and what the page shows of it, aggregated on the server.

Nothing here knows about the browser: :class:`DashboardSession` builds a World from a scenario choice,
steps or runs it in short chunks (so a page refresh never waits long for the lock), pauses it, and
turns its state into a :class:`View` of small aggregates: the clock, the latest value of each series,
KPIs, windows of the recorded series, a state-of-health histogram and battery-flow counts, recent
events. Its size depends on the clock and the number of series, never on the number of EVs, which is
how the page stays responsive for a fleet of 100,000.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from simcore.scenario import load_scenario, parse_set_option
from simcore.stepper import _short, pretty
from simcore.world import StopReason, World

#: cumulative cohort KPIs shown next to where the packs are now, when the scenario has them
COHORT_FLOW_KPIS = (("sold (so far)", "cohort.sold"), ("retired (so far)", "cohort.retired"),
                    ("exported (so far)", "cohort.exported"), ("packs replaced (so far)", "cohort.replaced_packs"))
SOH_BINS = np.linspace(0.5, 1.0, 26)


@dataclass(frozen=True)
class Choice:
    """What to simulate: a scenario file, a variant, a seed and ``PATH=VALUE`` overrides."""

    scenario: Path
    variant: str | None = None
    seed: int | None = None
    overrides: tuple[str, ...] = ()

    def override_map(self) -> dict[str, Any]:
        return dict(parse_set_option(text) for text in self.overrides)


@dataclass
class View:
    """What the page shows at one moment (plain data, small)."""

    clock: str
    ticks_done: int
    n_ticks: int
    status: str
    now: dict[str, float]
    kpis: dict[str, str]
    window: dict[str, np.ndarray]          # series name -> values over the plotted window
    window_time: np.ndarray
    units: dict[str, str]
    soh_counts: np.ndarray | None = None   # packs in vehicles per SOH bin (SOH_BINS)
    flows: dict[str, int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)
    events_note: str = ""


class DashboardSession:
    """A World for one dashboard page, safe to drive from a worker thread while the page reads it."""

    def __init__(self, choice: Choice, window_days: float = 2.0) -> None:
        self.lock = threading.RLock()
        self.window_days = window_days
        self.event_filter = ""
        self.record_filtered_kind = False
        self.running = False
        self.status = "ready"
        self.choice = choice
        self.world = self._build(choice)

    # -- building ------------------------------------------------------------------------------
    @staticmethod
    def _build(choice: Choice) -> World:
        scenario = load_scenario(choice.scenario, variant=choice.variant, overrides=choice.override_map(),
                                 seed=choice.seed)
        world = World(scenario)
        world.interruptible = True   # Pause stops after the SimPy event in progress
        return world

    def reset(self, choice: Choice | None = None) -> None:
        """A fresh World from ``choice`` (default: the current one); InputError if the choice is invalid."""
        world = self._build(choice or self.choice)
        with self.lock:
            self.running = False
            self.world = world
            self.choice = choice or self.choice
            self.status = "reset"

    # -- driving -------------------------------------------------------------------------------
    def step(self, ticks: int = 1) -> StopReason | None:
        """Advance ``ticks`` ticks (fewer at the end of the horizon or on a pause)."""
        stop = None
        with self.lock:
            for _ in range(ticks):
                if self.world.ticks_done >= self.world.clock.n_ticks:
                    break
                self.world.step()
                stop = self.world.last_stop
                if stop is not None and stop.reason in ("paused", "breakpoint", "end"):
                    break
            self.status = self._status(stop)
        return stop

    def run_for(self, seconds: float = 0.25) -> bool:
        """Run whole ticks for about ``seconds``; False once the run ended or was paused."""
        end = time.perf_counter() + seconds
        with self.lock:
            while time.perf_counter() < end:
                if self.world.ticks_done >= self.world.clock.n_ticks or not self.running:
                    break
                self.world.step()
                stop = self.world.last_stop
                if stop is not None and stop.reason in ("paused", "breakpoint"):
                    self.running = False
                    break
            if self.world.ticks_done >= self.world.clock.n_ticks:
                self.running = False
                self.status = "finished"
            else:
                self.status = "running" if self.running else "paused"
            return self.running

    def start_run(self, chunk_s: float = 0.25) -> None:
        """Run in a background thread, in chunks of ``chunk_s``, until the end or :meth:`pause`."""
        with self.lock:
            if self.running or self.world.ticks_done >= self.world.clock.n_ticks:
                return
            self.running = True
            self.status = "running"

        def loop() -> None:
            while self.run_for(chunk_s):
                time.sleep(0.001)   # let page reads take the lock between chunks

        self._runner = threading.Thread(target=loop, name="evcycle-dashboard-run", daemon=True)
        self._runner.start()

    def pause(self) -> None:
        """Stop a run after the SimPy event in progress (callable from any thread, without the lock)."""
        self.running = False
        self.world.request_pause()

    def _status(self, stop: StopReason | None) -> str:
        if self.world.ticks_done >= self.world.clock.n_ticks:
            return "finished"
        if stop is not None and stop.reason == "paused":
            return "paused"
        return "stepped"

    # -- reading -------------------------------------------------------------------------------
    def inspect(self, key: str) -> str:
        """``world.inspect(key)`` as text, or the reason nothing answers."""
        key = key.strip()
        if not key:
            return "type an id: ev:12, battery:B000012, fleet, grid"
        with self.lock:
            try:
                return pretty(self.world.inspect(key))
            except (KeyError, ValueError) as exc:
                return f"error: {exc.args[0] if exc.args else exc}"

    def view(self) -> View:
        """The page's data now (taken under the lock, so never half a tick)."""
        with self.lock:
            w = self.world
            done = w.ticks_done
            rec = w.recorder
            now = {name: float(rec[name][done - 1]) for name in rec.names()} if done else {}
            kpis = {k: _short(v) for k, v in w.summary().items()}
            span = max(int(round(self.window_days * w.clock.ticks_per_day)), 1)
            lo = max(done - span, 0)
            window = {name: rec[name][lo:done].copy() for name in rec.names()}
            times = np.asarray(w.clock.times[lo:done])
            events, note = self._events()
            return View(clock=f"{str(w.timestamp)[:16]}", ticks_done=done, n_ticks=w.clock.n_ticks,
                        status=self.status, now=now, kpis=kpis, window=window, window_time=times,
                        units=dict(rec.units), soh_counts=self._soh_counts(), flows=self._flows(kpis), events=events,
                        events_note=note)

    def _events(self, last: int = 30) -> tuple[list[str], str]:
        text = self.event_filter.strip()
        kind_text, sep, cond = text.partition(" where ")
        if not sep and text.startswith("where "):
            kind_text, cond = "", text[len("where "):]
        kind = kind_text.strip() or None
        w = self.world
        try:
            if kind is not None and self.record_filtered_kind:
                w.kind_fields(kind)
                w.trace.verbose_kinds.add(kind)
            found = w.events(kind, last=last, where=cond.strip() or None)
        except ValueError as exc:   # ConditionError is a ValueError
            return [], f"filter: {exc.args[0] if exc.args else exc}"
        lines = [f"{str(w.clock.timestamp(e.time_h))[:16]}  {e.source}  {e.kind}  "
                 + " ".join(f"{k}={_short(v)}" for k, v in e.payload.items()) for e in reversed(found)]
        note = "" if found else "no recorded events match (per-entity kinds such as ev.plugin are recorded " \
                                "only when 'record them' is ticked)"
        return lines, note

    def _soh_counts(self) -> np.ndarray | None:
        stores = battery_stores(self.world)
        if not stores:
            return None
        from simcore.battery.store import HolderKind

        counts = np.zeros(len(SOH_BINS) - 1, np.int64)
        for store in stores:
            held = np.flatnonzero(store.col("holder_kind") == HolderKind.VEHICLE)
            if held.size:
                counts += np.histogram(np.clip(store.soh(held), SOH_BINS[0], SOH_BINS[-1]), SOH_BINS)[0]
        return counts

    def _flows(self, kpis: dict[str, str]) -> dict[str, int]:
        """Packs by stage now (cars, collection, grading, stock, second life, recycled, ...: the stages of
        ``evcycle plot --flows``), then the cohort's cumulative counts. One pass per holder block."""
        from viz.flows import stage_of, stage_rank

        now: dict[str, int] = {}
        for store in battery_stores(self.world):
            kind, hid = store.col("holder_kind"), store.col("holder_id")
            for block in store.holders.blocks():
                n = int(np.count_nonzero((kind == block.kind) & (hid >= block.base) & (hid < block.base + block.size)))
                if n:
                    stage = stage_of(block.kind.name, block.name)
                    now[stage] = now.get(stage, 0) + n
        flows = {f"{stage} (now)": now[stage] for stage in sorted(now, key=lambda st: (stage_rank(st), st))}
        flows.update({label: int(float(kpis[key])) for label, key in COHORT_FLOW_KPIS if key in kpis})
        return flows


def battery_stores(world: World) -> list[Any]:
    """The battery stores a world holds (the World's own, or its components'), each once."""
    found: list[Any] = []
    # world.batteries makes the store on first use: read it only when the world has one
    candidates = [world.batteries if getattr(world, "has_batteries", False) else None]
    for component in world.components.values():
        candidates.append(getattr(component, "store", None))
        fleet_batteries = getattr(component, "batteries", None)
        candidates.append(getattr(fleet_batteries, "store", None))
    for store in candidates:
        if store is not None and hasattr(store, "soh") and hasattr(store, "col") and all(s is not store for s in found):
            found.append(store)
    return found
