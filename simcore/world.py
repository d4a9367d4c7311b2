"""The World: a Mesa model that owns the SimPy environment (the only clock) and the components.

Time is ``env.now`` in hours since the scenario start. A ticker process calls every ticking component
once per tick; event-driven components run their own SimPy processes on the same environment. Runs
take the fast path (``env.run``) unless an event breakpoint or listener is set, in which case the World
steps SimPy event by event so it can stop right after the event during which a breakpoint fired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import pandas as pd
import simpy

from simcore.component import Component
from simcore.recorder import Recorder
from simcore.rng import RngStreams
from simcore.scenario.loader import ResolvedScenario, load_scenario, resolve_scenario
from simcore.trace import Breakpoint, Event, Predicate, Trace


@dataclass(frozen=True)
class StopReason:
    """Why ``run`` returned: ``until`` reached, ``end`` of horizon, a ``breakpoint``, or ``no_events``."""

    reason: str
    time_h: float
    breakpoint: Breakpoint | None = None
    event: Event | None = None

    def __str__(self) -> str:
        text = f"{self.reason} at {self.time_h:g} h"
        if self.breakpoint is not None:
            text += f" (breakpoint {self.breakpoint.id}: {self.breakpoint.description})"
        if self.event is not None:
            text += f" on {self.event.kind} from {self.event.source} {self.event.payload}"
        return text


class World(mesa.Model):
    """One simulated world built from a resolved scenario."""

    def __init__(self, scenario: ResolvedScenario) -> None:
        super().__init__(seed=scenario.seed)
        self.scenario = scenario
        self.seed = scenario.seed
        self.env = simpy.Environment()
        self.clock = scenario.clock
        self.rng = RngStreams(scenario.seed)
        self.trace = Trace(limit=scenario.trace.limit)
        self.trace.verbose_kinds.update(scenario.trace.kinds)
        self.recorder = Recorder(self.clock.times)
        self._batteries = None  # the battery store, made on first use (world.batteries)
        self.components: dict[str, Component] = {}
        for spec in scenario.components:
            from simcore.registry import get_type

            cls = get_type(spec.type_name)
            assert cls is not None  # resolved scenarios only name registered types
            self.components[spec.name] = cls(self, spec.name, spec.params)
        self._ticking = sorted(
            (c for c in self.components.values() if c.ticks()),
            key=lambda c: c.tick_order,  # sorted() is stable: ties keep scenario order
        )
        self.ticks_done = 0
        self.finished = False
        self.last_stop: StopReason | None = None
        for component in self.components.values():
            component.setup()
        self.env.process(self._ticker())
        self.battery_violations = [0, 0]  # packs, modules found unaccounted by the daily checks
        if self._batteries is not None:
            self.env.process(self._battery_checks())

    @property
    def batteries(self):
        """The one battery store of this world (``simcore.battery.BatteryStore``): every component that
        holds packs or modules keeps them here, under holder ids it registers in ``batteries.holders``."""
        if self._batteries is None:
            from simcore.battery.store import BatteryStore

            self._batteries = BatteryStore(strict_holders=True)
            self._batteries.on_move = self._battery_moved
        return self._batteries

    @property
    def has_batteries(self) -> bool:
        """Whether any component made the battery store (and it holds something)."""
        return self._batteries is not None and (len(self._batteries) > 0 or self._batteries.n_modules_total > 0)

    def _battery_moved(self, what, ids, t_h, from_kind, from_id, to_kind, to_id) -> None:
        """``battery.moved`` / ``module.moved`` events, one per item, built only when someone listens."""
        kind = "battery.moved" if what == "battery" else "module.moved"
        if not self.wants(kind):
            return
        store = self._batteries
        label = store.passport if what == "battery" else store.module_label
        names = store.holders
        for i, fk, fi in zip(ids.tolist(), from_kind.tolist(), from_id.tolist()):
            self.emit(kind, "batteries", **{what: label(i), "from": names.name(fk, fi),
                                            "to": names.name(to_kind, to_id) if to_id >= 0 else "PACK"})

    def peer(self, name: str) -> Component:
        """The component named by a ``ComponentRef`` parameter (the loader checked it exists and fits)."""
        return self.components[name]

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def from_scenario(cls, path: str | Path, *, seed: int | None = None, variant: str | None = None,
                      overrides: dict[str, Any] | None = None) -> World:
        """Build from a scenario file (see ``simcore.scenario``)."""
        return cls(load_scenario(path, variant=variant, overrides=overrides, seed=seed))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, seed: int | None = None, variant: str | None = None,
                  overrides: dict[str, Any] | None = None) -> World:
        """Build from a scenario mapping (what a YAML file holds)."""
        return cls(resolve_scenario(data, variant=variant, overrides=overrides, seed=seed))

    # -- time ----------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """Hours since scenario start."""
        return self.env.now

    @property
    def timestamp(self) -> pd.Timestamp:
        return self.clock.timestamp(self.env.now)

    def _ticker(self):
        """The SimPy process that drives ticking components, one tick per ``clock.tick_h``."""
        clock = self.clock
        for tick in range(clock.n_ticks):
            delay = clock.tick_time_h(tick) - self.env.now
            if delay > 0:
                yield self.env.timeout(delay)
            for component in self._ticking:
                component.on_tick(tick)
            self.ticks_done = tick + 1
            self.steps = self.ticks_done
        yield self.env.timeout(clock.horizon_h - self.env.now)
        self._finish()

    def _battery_checks(self):
        """Every simulated day (after the day's ticks), check what moved in the store that day."""
        for day in range(1, self.clock.days + 1):
            yield self.env.timeout(day * 24.0 - self.env.now)
            bad_packs, bad_modules = self._batteries.check_recent()
            self.battery_violations[0] += bad_packs
            self.battery_violations[1] += bad_modules

    def _finish(self) -> None:
        if not self.finished:
            self.finished = True
            self.running = False
            for component in self.components.values():
                component.finish()

    # -- observation ---------------------------------------------------------------------------
    def emit(self, kind: str, source: str, **payload: Any) -> Event:
        """Record an event to the trace (listeners and breakpoints see it)."""
        return self.trace.emit(self.env.now, kind, source, payload)

    def wants(self, kind: str) -> bool:
        """Whether a high-volume event of ``kind`` is worth building (someone listens)."""
        return self.trace.wants(kind)

    def listen(self, kind: str, fn: Callable[[Event], None]) -> None:
        """Call ``fn`` with every event of ``kind`` (``"*"`` for all). Switches to event stepping."""
        self.trace.listeners.append((kind, fn))

    def break_on(self, kind: str, predicate: Predicate | None = None, description: str = "") -> Breakpoint:
        """Stop a run after the SimPy event during which an event of ``kind`` satisfying ``predicate``
        is emitted."""
        return self.trace.add_breakpoint(kind=kind, predicate=predicate, description=description or kind)

    def break_at(self, when: float | str | pd.Timestamp) -> Breakpoint:
        """Stop a run when the clock reaches ``when`` (hours, or a timestamp), before events at it."""
        time_h = self._to_hours(when)
        return self.trace.add_breakpoint(time_h=time_h, description=f"at {self.clock.timestamp(time_h)}")

    def clear_breakpoint(self, bp_id: int) -> None:
        self.trace.remove_breakpoint(bp_id)

    def inspect(self, key: str) -> dict[str, Any]:
        """A plain-data view of a component (``"fleet"``) or an entity (``"ev:12"``, ``"battery:B000123"``,
        ``"module:M0000042"``: their whole journey)."""
        if key in self.components:
            return self.components[key].inspect(None)
        prefix, _, rest = key.partition(":")
        if prefix in ("battery", "module") and rest:
            if not self.has_batteries:
                raise KeyError("this world holds no batteries")
            if prefix == "battery":
                return self.batteries[rest].as_dict()
            return self.batteries.module(rest).as_dict()
        if prefix in self.components and rest:
            return self.components[prefix].inspect(rest)
        for component in self.components.values():
            if prefix in component.id_prefixes:
                return component.inspect(rest)
        known = sorted(self.components) + sorted(
            f"{p}:<id>" for c in self.components.values() for p in c.id_prefixes) + (
            ["battery:<passport>", "module:<id>"] if self.has_batteries else [])
        raise KeyError(f"nothing answers to {key!r}; try one of: {', '.join(known)}")

    def summary(self) -> pd.Series:
        """KPIs of every component (simulated results only), as a pandas Series sorted by key."""
        values: dict[str, Any] = {}
        for component in self.components.values():
            values.update(component.summary())
        if self.has_batteries:
            values.update(self._battery_summary())
        return pd.Series(dict(sorted(values.items())), dtype=object)

    def _battery_summary(self) -> dict[str, Any]:
        """Counts of the battery store and its invariants (daily checks of what moved, plus a full check)."""
        store = self._batteries
        out: dict[str, Any] = {"battery.count": len(store), "module.count": store.n_modules_total,
                               "battery.unaccounted": int(store.unaccounted()) + self.battery_violations[0],
                               "module.unaccounted": int(store.modules_unaccounted()) + self.battery_violations[1]}
        for kind, count in store.counts_by_holder().items():
            if count and kind not in ("NONE", "PACK"):
                out[f"battery.at_{kind.lower()}"] = count
        return out

    def write_tables(self, folder: Path) -> None:
        """The battery store's passports, modules and holder logs (Parquet), when the world holds batteries."""
        if not self.has_batteries:
            return
        for name, frame in self._batteries.to_frames().items():
            if len(frame):
                frame.to_parquet(Path(folder) / f"batteries_{name}.parquet", index=False)

    def timeseries(self) -> pd.DataFrame:
        """Recorded series for the ticks done so far, with a ``time`` column."""
        return self.recorder.frame(upto_tick=self.ticks_done)

    # -- running -------------------------------------------------------------------------------
    def _to_hours(self, when: float | str | pd.Timestamp) -> float:
        if isinstance(when, (int, float)):
            return float(when)
        return self.clock.hours_since_start(when)

    def step(self) -> None:
        """Advance exactly one tick (Mesa calls this once per step), stopping early at a breakpoint."""
        tick_end = self.clock.tick_time_h(self.clock.tick_at(self.env.now) + 1)
        self.run(until=tick_end)

    def next_event(self) -> dict[str, Any] | None:
        """Process exactly one SimPy event; describe it, or return None when nothing is scheduled.

        Spent markers (events nobody waits for, such as a finished run's ``until``) are skipped.
        """
        self.trace.hit = None
        while self.env.peek() != simpy.core.Infinity:
            event = self.env._queue[0][3]
            callbacks = list(event.callbacks or [])
            time_h = self.env.peek()
            self.env.step()
            if not callbacks:
                continue
            return {"time_h": time_h, "timestamp": str(self.clock.timestamp(time_h)),
                    "event": _describe(event, callbacks), "breakpoint": self._consume_hit()}
        return None

    def run(self, until: float | str | pd.Timestamp | None = None) -> StopReason:
        """Run until ``until`` (hours or a timestamp; default the horizon's end) or a breakpoint."""
        self.last_stop = self._run(until)
        return self.last_stop

    def _run(self, until: float | str | pd.Timestamp | None) -> StopReason:
        target = self.clock.horizon_h if until is None else min(self._to_hours(until), self.clock.horizon_h)
        self.trace.hit = None
        if target < self.env.now:
            raise ValueError(f"cannot run backwards: now {self.env.now} h, until {target} h")
        time_bp = self._next_time_breakpoint(target)
        stop_at = time_bp.time_h if time_bp is not None else target
        if self.trace.debugging:
            reason = self._run_stepping(stop_at)
            if reason is not None:
                return reason
        elif stop_at > self.env.now:
            self.env.run(until=stop_at)
        if time_bp is not None and self.env.now >= time_bp.time_h:
            time_bp.hits += 1
            self.trace.remove_breakpoint(time_bp.id)
            return StopReason("breakpoint", self.env.now, time_bp)
        if self.env.now >= self.clock.horizon_h:
            self._drain_at(self.clock.horizon_h)
            return StopReason("end", self.env.now)
        return StopReason("until", self.env.now)

    def _run_stepping(self, stop_at: float) -> StopReason | None:
        env = self.env
        while env.peek() < stop_at:
            env.step()
            hit = self._consume_hit()
            if hit is not None:
                bp, event = hit
                return StopReason("breakpoint", env.now, bp, event)
        if stop_at > env.now and stop_at != simpy.core.Infinity:
            env.run(until=stop_at)  # no events left before stop_at: just move the clock
        return None

    def _drain_at(self, time_h: float) -> None:
        """Process the events scheduled exactly at ``time_h`` (the horizon: the ticker's finish)."""
        while self.env.peek() == time_h:
            self.env.step()

    def _consume_hit(self) -> tuple[Breakpoint, Event] | None:
        hit, self.trace.hit = self.trace.hit, None
        return hit

    def _next_time_breakpoint(self, target: float) -> Breakpoint | None:
        pending = [bp for bp in self.trace.breakpoints
                   if bp.time_h is not None and self.env.now <= bp.time_h <= target]
        return min(pending, key=lambda bp: bp.time_h, default=None)


def _describe(event: simpy.Event, callbacks: list[Callable[..., Any]]) -> str:
    """A short human description of a SimPy event (which processes it resumes)."""
    owners = [getattr(cb, "__self__", None) for cb in callbacks]
    names = [o.name for o in owners if isinstance(o, simpy.Process)]
    label = type(event).__name__
    return f"{label} resuming {', '.join(names)}" if names else label
