"""The World: a Mesa model that owns the SimPy environment (the only clock) and the components.

Time is ``env.now`` in hours since the scenario start. A ticker process calls every ticking component
once per tick; event-driven components run their own SimPy processes on the same environment. Runs
take the fast path (``env.run``) unless an event breakpoint or listener is set, in which case the World
steps SimPy event by event so it can stop right after the event during which a breakpoint fired.

**One tick counter.** ``ticks_done`` counts ticks every ticking component has finished. All of a
tick's ``on_tick`` calls happen in one SimPy event, so a breakpoint on an event emitted during tick
``k`` stops with tick ``k`` finished (``ticks_done == k + 1``) while the clock still reads tick ``k``'s
start; after ``step()`` or ``run(until=...)`` the clock reads the start of tick ``ticks_done``, which
has not run. :meth:`World.position` says which of the two holds. Entities an event names (``ev``,
``battery``) are snapshotted the moment a breakpoint matches it, so the state *at the event* is
kept next to the state now (:attr:`StopReason.snapshots`, ``world.inspect(key, at="event")``).
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import pandas as pd
import simpy

from simcore.component import Component
from simcore.conditions import Condition, ConditionError, parse_condition
from simcore.recorder import Recorder
from simcore.rng import RngStreams
from simcore.scenario.loader import ResolvedScenario, load_scenario, resolve_scenario
from simcore.trace import Breakpoint, Event, EventKind, Predicate, Trace, event_kind, kind_matches


@dataclass(frozen=True)
class StopReason:
    """Why ``run`` returned: ``until`` reached, ``end`` of horizon, a ``breakpoint``, ``paused`` on
    request (Ctrl-C in the stepper, Pause in the dashboard), or ``no_events``.

    For an event breakpoint: ``during`` names what was running when the event fired (``"tick 72:
    fleet"`` or a component's process) and ``snapshots`` holds the entities the event names
    (``"ev:12"``), inspected at that moment.
    """

    reason: str
    time_h: float
    breakpoint: Breakpoint | None = None
    event: Event | None = None
    during: str | None = None
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __str__(self) -> str:
        text = f"{self.reason} at {self.time_h:g} h"
        if self.breakpoint is not None:
            text += f" (breakpoint {self.breakpoint.id}: {self.breakpoint.description})"
        if self.event is not None:
            text += f" on {self.event.kind} from {self.event.source} {self.event.payload}"
        return text


TimeLike = float | int | str | pd.Timestamp


class World(mesa.Model):
    """One simulated world built from a resolved scenario."""

    #: source name of the events the World itself emits (its battery store's moves)
    STORE_SOURCE = "batteries"
    #: the event kinds the World itself emits, declared as components declare theirs
    own_events = {
        "battery.moved": event_kind("a pack changes holder in the world's battery store", per_entity=True,
                                    refs={"battery": "battery"}, battery="battery passport (battery:B000123)",
                                    **{"from": "previous holder (registered name)", "to": "new holder"}),
        "module.moved": event_kind("a module changes holder in the world's battery store", per_entity=True,
                                   refs={"module": "module"}, module="module label (module:M0000042)",
                                   **{"from": "previous holder (registered name, or PACK)",
                                      "to": "new holder (PACK when regrouped into a pack)"}),
    }

    def __init__(self, scenario: ResolvedScenario) -> None:
        super().__init__(seed=scenario.seed)
        self.scenario = scenario
        self.seed = scenario.seed
        self.env = simpy.Environment()
        self.clock = scenario.clock
        self.rng = RngStreams(scenario.seed)
        self.trace = Trace(limit=scenario.trace.limit)
        self.trace.verbose_kinds.update(scenario.trace.kinds)
        self.trace.on_hit = self._snapshot_hit
        self.recorder = Recorder(self.clock.times)
        self._batteries = None  # the battery store, made on first use (world.batteries)
        self._services: dict[str, Any] = {}  # shared objects components use together (world.service)
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
        #: kind -> [(component name, declaration)] for every kind the components declare
        self.event_kinds: dict[str, list[tuple[str, EventKind]]] = {
            kind: [(self.STORE_SOURCE, spec)] for kind, spec in self.own_events.items()}
        for component in self.components.values():
            for kind, spec in component.events.items():
                self.event_kinds.setdefault(kind, []).append((component.name, spec))
        self.undeclared_kinds: set[str] = set()
        self.ticks_done = 0
        self.finished = False
        self.last_stop: StopReason | None = None
        self._in_tick: tuple[int, str] | None = None   # (tick, component) while a component ticks
        self._hit_context: tuple[str | None, dict[str, dict[str, Any]]] = (None, {})
        self._process_owner: dict[simpy.Process, str] = {}
        self._pause_requested = False
        self.interruptible = False   # True: runs check for a pause request after every SimPy event
        for component in self.components.values():
            component.setup()
        self._ticker_process = self.env.process(self._ticker())
        self.battery_violations = [0, 0]  # packs, modules found unaccounted by the daily checks
        if self._batteries is not None:
            self._process_owner[self.env.process(self._battery_checks())] = "world"

    @property
    def batteries(self):
        """The one battery store of this world (``simcore.battery.BatteryStore``): every component that
        holds packs or modules keeps them here, under holder ids it registers in ``batteries.holders``."""
        if self._batteries is None:
            from simcore.battery.store import BatteryStore

            self._batteries = BatteryStore(strict_holders=True)
            self._batteries.on_move = self._battery_moved
            self._batteries.move_wanted = lambda what: self.wants(f"{what}.moved")
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
            self.emit(kind, self.STORE_SOURCE, **{what: label(i), "from": names.name(fk, fi),
                                            "to": names.name(to_kind, to_id) if to_id >= 0 else "PACK"})

    def service(self, name: str, factory: Callable[[World], Any]) -> Any:
        """A shared object several components use (a ledger, a market), made by ``factory(world)`` on
        first request. A service with ``summary()`` adds its KPIs to the world's; with
        ``write_tables(folder)`` it writes to the results folder."""
        if name not in self._services:
            self._services[name] = factory(self)
        return self._services[name]

    def peer(self, name: str) -> Component:
        """The component named by a ``ComponentRef`` parameter (the loader checked it exists and fits)."""
        return self.components[name]

    def start_process(self, owner: Component, generator: Generator[Any, Any, Any]) -> simpy.Process:
        """Start a SimPy process on the World's clock, remembered as ``owner``'s (``Component.start``)."""
        process = self.env.process(generator)
        self._process_owner[process] = owner.name
        return process

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

    def replay(self, until: TimeLike | None = None) -> World:
        """A new World from the same resolved scenario and seed, run to ``until`` (default: stay at the
        start), then given this world's breakpoints, listeners and traced kinds.

        The world is deterministic, so the replay reaches the same state this world had at ``until``.
        Breakpoints are installed after the replay (they do not stop it and their hit counts are kept);
        per-entity events before ``until`` are in the new trace only for kinds traced in full
        (``trace.verbose_kinds``), which are copied before the replay.
        """
        target = 0.0 if until is None else self._to_hours(until)
        if not 0.0 <= target <= self.clock.horizon_h:
            raise ValueError(f"cannot replay to {until}: the horizon is 0..{self.clock.horizon_h:g} h")
        new = World(self.scenario)
        new.trace.verbose_kinds = set(self.trace.verbose_kinds)
        if target > 0:
            new.run(until=target)
        new.trace.copy_breakpoints_from(self.trace)
        new.trace.listeners = list(self.trace.listeners)
        new.interruptible = self.interruptible
        return new

    @classmethod
    def factory(cls, path: str | Path, *, seed: int | None = None, variant: str | None = None,
                overrides: dict[str, Any] | None = None) -> type[World]:
        """A World class bound to a scenario file, for Mesa's ``batch_run`` and visualisation.

        ``Model = World.factory("scenarios/quickstart.yaml")``; ``Model(seed=2, variant="night_tariff",
        **{"fleet.home_charger_kw": 11})`` builds a World (keywords: seed, variant, dotted overrides).
        Instances carry a Mesa ``DataCollector`` (series each step, KPIs at the end); see
        :mod:`simcore.experiments.mesa_interop`.
        """
        from simcore.experiments.mesa_interop import world_factory

        return world_factory(str(path), seed=seed, variant=variant, overrides=overrides)

    # -- time ----------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """Hours since scenario start."""
        return self.env.now

    @property
    def timestamp(self) -> pd.Timestamp:
        return self.clock.timestamp(self.env.now)

    def position(self) -> dict[str, Any]:
        """Where the run is: the clock, ``ticks_done`` and whether the clock's own tick has already run.

        ``tick`` is the tick the clock is in; ``tick_done`` is True after a stop on an event fired
        during it (every component finished it), False when the clock sits at its start.
        """
        tick = min(self.clock.tick_at(self.env.now), self.clock.n_ticks)
        return {"time_h": self.env.now, "timestamp": self.timestamp, "tick": tick,
                "ticks_done": self.ticks_done, "n_ticks": self.clock.n_ticks,
                "tick_done": self.ticks_done > tick, "finished": self.finished}

    def _ticker(self):
        """The SimPy process that drives ticking components, one tick per ``clock.tick_h``."""
        clock = self.clock
        for tick in range(clock.n_ticks):
            delay = clock.tick_time_h(tick) - self.env.now
            if delay > 0:
                yield self.env.timeout(delay)
            for component in self._ticking:
                self._in_tick = (tick, component.name)
                component.on_tick(tick)
            self._in_tick = None
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
        if kind not in self.event_kinds and kind not in self.undeclared_kinds:
            self.undeclared_kinds.add(kind)
            warnings.warn(f"component {source!r} emits event kind {kind!r}, which no component declares "
                          f"(Component.events); breakpoints cannot name it", stacklevel=2)
        return self.trace.emit(self.env.now, kind, source, payload)

    def wants(self, kind: str) -> bool:
        """Whether a per-entity event of ``kind`` is worth building (someone listens)."""
        return self.trace.wants(kind)

    def listen(self, kind: str, fn: Callable[[Event], None]) -> None:
        """Call ``fn`` with every event of ``kind`` (``"*"`` for all). Switches to event stepping."""
        self.trace.listeners.append((kind, fn))

    # -- event kinds -----------------------------------------------------------------------------
    def kind_fields(self, pattern: str) -> dict[str, str]:
        """Payload fields (name -> description) of the declared kinds ``pattern`` matches; a ValueError
        naming close kinds when it matches none."""
        matched = [k for k in self.event_kinds if kind_matches(pattern, k)]
        if not matched:
            close = difflib.get_close_matches(pattern, list(self.event_kinds), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            known = ", ".join(sorted(self.event_kinds)) or "none"
            raise ValueError(f"no component in this scenario declares event kind {pattern!r}{hint} "
                             f"(declared: {known}; `kinds` lists them with their fields)")
        fields: dict[str, str] = {}
        for kind in matched:
            for _, spec in self.event_kinds[kind]:
                for name, text in spec.fields.items():
                    fields.setdefault(name, text)
        return fields

    def condition(self, kind: str, text: str) -> Condition:
        """Parse ``text`` as a condition on events of ``kind`` and check its fields are declared."""
        cond = parse_condition(text)
        cond.check_fields(self.kind_fields(kind), f"event kind {kind!r}")
        return cond

    # -- breakpoints -------------------------------------------------------------------------------
    def break_on(self, kind: str, predicate: Predicate | str | None = None, description: str = "",
                 temporary: bool = False) -> Breakpoint:
        """Stop a run after the SimPy event during which an event of ``kind`` satisfying ``predicate``
        is emitted. ``kind`` must be declared by a component (or a pattern such as ``"ev.*"`` or ``"*"``
        matching declared kinds); ``predicate`` is a callable on the Event or a condition text
        (``"soc < 0.2 or location == work"``) whose fields must be declared. ``temporary``: delete it
        when it stops a run."""
        self.kind_fields(kind)
        if isinstance(predicate, str):
            text = predicate.strip()
            predicate = self.condition(kind, text) if text else None
            description = description or f"{kind} {text}".strip()
        return self.trace.add_breakpoint(kind=kind, predicate=predicate, description=description or kind,
                                         temporary=temporary)

    def break_at(self, when: TimeLike, temporary: bool = False) -> Breakpoint:
        """Stop a run when the clock reaches ``when`` (hours, or a timestamp), before events at it."""
        time_h = self._to_hours(when)
        return self.trace.add_breakpoint(time_h=time_h, description=f"at {self.clock.timestamp(time_h)}",
                                         temporary=temporary)

    def clear_breakpoint(self, bp_id: int) -> None:
        self.trace.remove_breakpoint(bp_id)

    def enable(self, bp_id: int, enabled: bool = True) -> Breakpoint:
        """Enable (or, with ``enabled=False``, disable) a breakpoint; a disabled one costs nothing."""
        bp = self.trace.breakpoint(bp_id)
        bp.enabled = enabled
        return bp

    def disable(self, bp_id: int) -> Breakpoint:
        return self.enable(bp_id, False)

    def ignore(self, bp_id: int, count: int) -> Breakpoint:
        """Let the next ``count`` matches of a breakpoint pass without stopping (pdb's ``ignore``)."""
        if count < 0:
            raise ValueError("the ignore count must be >= 0")
        bp = self.trace.breakpoint(bp_id)
        bp.ignore = count
        return bp

    # -- reading the trace and the state ------------------------------------------------------------
    def events(self, kind: str | None = None, last: int | None = 10, where: Predicate | str | None = None) -> list[Event]:
        """The ``last`` kept events of ``kind`` (a declared kind or pattern; None: all) satisfying
        ``where`` (a callable or a condition text checked against the kind's declared fields)."""
        if kind is not None:
            self.kind_fields(kind)
        if isinstance(where, str):
            where = self.condition(kind or "*", where) if where.strip() else None
        return self.trace.select(kind, where, last)

    def inspect(self, key: str, at: str = "now") -> dict[str, Any]:
        """A plain-data view of a component (``"fleet"``) or an entity (``"ev:12"``, ``"battery:B0001"``).

        ``at="now"``: the state now. ``at="event"``: the snapshot of an entity named by the event the
        last run stopped on, taken when that event fired (KeyError if there is none).
        """
        if at == "event":
            stop = self.last_stop
            if stop is None or key not in stop.snapshots:
                have = ", ".join(stop.snapshots) if stop is not None and stop.snapshots else "none"
                raise KeyError(f"no snapshot of {key!r} at the last stop's event (snapshots: {have})")
            return stop.snapshots[key]
        if at != "now":
            raise ValueError(f"at must be 'now' or 'event', got {at!r}")
        if key in self.components:
            return self.components[key].inspect(None)
        prefix, sep, rest = key.partition(":")
        if not sep or not rest:
            raise KeyError(f"nothing answers to {key!r}; try one of: {', '.join(self.inspectable())}")
        if prefix in ("battery", "module"):   # the World's battery store: a pack's or module's whole journey
            if not self.has_batteries:
                raise KeyError("this world holds no batteries")
            if prefix == "battery":
                return self.batteries[rest].as_dict()
            return self.batteries.module(rest).as_dict()
        if prefix in self.components:
            return self.components[prefix].inspect(rest)
        owners = [c for c in self.components.values() if prefix in c.id_prefixes]
        if not owners:
            raise KeyError(f"nothing answers to {key!r}: no component holds {prefix!r} ids; try one of: "
                           f"{', '.join(self.inspectable())}")
        errors = []
        for component in owners:
            try:
                return component.inspect_id(prefix, rest)
            except KeyError as exc:
                errors.append(str(exc.args[0]) if exc.args else str(exc))
        raise KeyError("; ".join(errors))

    def inspectable(self) -> list[str]:
        """What ``inspect`` answers: component names and ``prefix:<id>`` forms."""
        prefixes = sorted({f"{p}:<id>" for c in self.components.values() for p in c.id_prefixes}
                          | ({"battery:<passport>", "module:<id>"} if self.has_batteries else set()))
        return sorted(self.components) + [f"{n}:<key>" for n in sorted(self.components)] + prefixes

    def write(self, key: str, out: str | Path, overwrite: bool = False, **manifest: Any) -> str:
        """Write what the component ``key`` (``"grid"``) exports into a new results folder ``out``
        (atomically, through :mod:`simcore.results`); return what was written."""
        from simcore.results import package_versions, results_folder, write_manifest

        name, _, rest = key.partition(":")
        if name not in self.components:
            raise KeyError(f"no component {name!r}; components: {', '.join(self.components)}")
        component = self.components[name]
        with results_folder(out, overwrite=overwrite) as tmp:
            what = component.write_state(rest or None, tmp).replace("{out}", str(out))
            write_manifest(tmp, {"command": "write", "component": name, "scenario": self.scenario.file,
                                 "seed": self.seed, "time_h": self.now, "timestamp": str(self.timestamp),
                                 "what": what, **manifest, "versions": package_versions()})
        return what

    def summary(self) -> pd.Series:
        """KPIs of every component (simulated results only), as a pandas Series sorted by key."""
        values: dict[str, Any] = {}
        for component in self.components.values():
            values.update(component.summary())
        for service in self._services.values():
            if hasattr(service, "summary"):
                values.update(service.summary())
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
        """The battery store's passports, modules and holder logs (Parquet) and the services' tables."""
        for service in self._services.values():
            if hasattr(service, "write_tables"):
                service.write_tables(folder)
        if not self.has_batteries:
            return
        for name, frame in self._batteries.to_frames().items():
            if len(frame):
                frame.to_parquet(Path(folder) / f"batteries_{name}.parquet", index=False)

    def kpi_units(self, summary: dict[str, Any] | None = None) -> dict[str, str]:
        """``{kpi: unit}`` of the KPIs: declared by components (``summary_units``), else by their names."""
        from simcore.units import kpi_units

        declared: dict[str, str] = {}
        for component in self.components.values():
            declared.update(component.summary_units())
        for service in self._services.values():
            if hasattr(service, "summary_units"):
                declared.update(service.summary_units())
        return kpi_units(summary if summary is not None else self.summary().to_dict(), declared)

    def timeseries(self) -> pd.DataFrame:
        """Recorded series for the ticks done so far, with a ``time`` column."""
        return self.recorder.frame(upto_tick=self.ticks_done)

    # -- running -------------------------------------------------------------------------------
    def _to_hours(self, when: TimeLike) -> float:
        if isinstance(when, (int, float)):
            return float(when)
        return self.clock.hours_since_start(when)

    def step(self) -> None:
        """Advance to the start of the next tick (Mesa calls this once per step), stopping early at a
        breakpoint. From a stop inside tick ``k`` (``ticks_done == k + 1``) this goes to tick ``k + 1``."""
        tick_end = self.clock.tick_time_h(self.clock.tick_at(self.env.now) + 1)
        self.run(until=tick_end)

    def request_pause(self) -> None:
        """Ask a running ``run`` to stop after the SimPy event it is processing (safe from a signal
        handler or another thread; needs ``interruptible`` or an event breakpoint to be seen)."""
        self._pause_requested = True

    def next_event(self) -> dict[str, Any] | None:
        """Process exactly one SimPy event; describe it, or return None when nothing is scheduled.

        The description names the component (``"tick 12: fleet, grid"``, ``"mail: process _post"``), and
        ``emitted`` lists the events recorded during it. Spent markers (events nobody waits for, such as
        a finished run's ``until``) are skipped.
        """
        self.trace.hit = None
        self.last_stop = None
        while self.env.peek() != simpy.core.Infinity:
            event = self.env._queue[0][3]
            callbacks = list(event.callbacks or [])
            time_h = self.env.peek()
            label = self._describe(event, callbacks)
            first = self.trace.emitted
            self.env.step()
            if not callbacks:
                continue
            hit = self._consume_hit()
            if hit is not None:
                self.last_stop = self._breakpoint_stop(*hit)
            return {"time_h": time_h, "timestamp": str(self.clock.timestamp(time_h)), "event": label,
                    "emitted": self.trace.since(first), "breakpoint": hit}
        return None

    def _describe(self, event: simpy.Event, callbacks: list[Callable[..., Any]]) -> str:
        """What a SimPy event will do, in the model's terms: which tick or whose process it resumes."""
        owners = [getattr(cb, "__self__", None) for cb in callbacks]
        parts = []
        for owner in owners:
            if owner is self._ticker_process:
                tick = self.ticks_done
                if tick >= self.clock.n_ticks:
                    parts.append("end of the horizon (components finish)")
                else:
                    parts.append(f"tick {tick}: " + (", ".join(c.name for c in self._ticking) or "no ticking components"))
            elif isinstance(owner, simpy.Process):
                parts.append(_process_label(owner, self._process_owner.get(owner) or _generator_owner(owner)))
        return "; ".join(parts) if parts else "a SimPy event nobody waits for"

    def run(self, until: TimeLike | None = None) -> StopReason:
        """Run until ``until`` (hours or a timestamp; default the horizon's end) or a breakpoint."""
        self.last_stop = self._run(until)
        bp = self.last_stop.breakpoint
        if bp is not None and bp.temporary and bp in self.trace.breakpoints:
            self.trace.remove_breakpoint(bp.id)
        return self.last_stop

    def _run(self, until: TimeLike | None) -> StopReason:
        target = self.clock.horizon_h if until is None else min(self._to_hours(until), self.clock.horizon_h)
        self.trace.hit = None
        self._pause_requested = False
        if target < self.env.now:
            raise ValueError(f"cannot run backwards: now {self.env.now} h, until {target} h "
                             f"(use replay / the stepper's rewind)")
        time_bp = self._next_time_breakpoint(target)
        stop_at = time_bp.time_h if time_bp is not None else target
        if self.trace.debugging or self.interruptible:
            reason = self._run_stepping(stop_at)
            if reason is not None:
                return reason
        elif stop_at > self.env.now:
            self.env.run(until=stop_at)
        if time_bp is not None and self.env.now >= time_bp.time_h:
            time_bp.hits += 1
            self.trace.remove_breakpoint(time_bp.id)   # a time passes once
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
                return self._breakpoint_stop(*hit)
            if self._pause_requested:
                self._pause_requested = False
                return StopReason("paused", env.now)
        if stop_at > env.now and stop_at != simpy.core.Infinity:
            env.run(until=stop_at)  # no events left before stop_at: just move the clock
        return None

    def _drain_at(self, time_h: float) -> None:
        """Process the events scheduled exactly at ``time_h`` (the horizon: the ticker's finish)."""
        while self.env.peek() == time_h:
            self.env.step()

    def _snapshot_hit(self, bp: Breakpoint, event: Event) -> None:
        """Called by the trace the moment a breakpoint matches: note what was running and inspect the
        entities the event names, before the rest of the SimPy event changes them."""
        if self._in_tick is not None:
            during = f"tick {self._in_tick[0]}: {self._in_tick[1]}"
        else:
            active = self.env.active_process
            during = None if active is None else _process_label(
                active, self._process_owner.get(active) or _generator_owner(active))
        snapshots: dict[str, dict[str, Any]] = {}
        for kind_source, spec in self.event_kinds.get(event.kind, []):
            if kind_source != event.source:
                continue
            for field_name, prefix in spec.refs.items():
                value = event.payload.get(field_name)
                if value is None:
                    continue
                key = f"{prefix}:{value}"
                try:
                    snapshots[key] = self.inspect(key)
                except KeyError:
                    pass
        self._hit_context = (during, snapshots)

    def _breakpoint_stop(self, bp: Breakpoint, event: Event) -> StopReason:
        during, snapshots = self._hit_context
        self._hit_context = (None, {})
        return StopReason("breakpoint", self.env.now, bp, event, during, snapshots)

    def _consume_hit(self) -> tuple[Breakpoint, Event] | None:
        hit, self.trace.hit = self.trace.hit, None
        return hit

    def _next_time_breakpoint(self, target: float) -> Breakpoint | None:
        pending = [bp for bp in self.trace.breakpoints
                   if bp.time_h is not None and bp.enabled and self.env.now <= bp.time_h <= target]
        return min(pending, key=lambda bp: bp.time_h, default=None)


def _process_label(process: simpy.Process, owner: str | None) -> str:
    """``collection: trucks``: the owning component (or ``world``) and what the process does, read from
    its generator's name (``_trucks``) rather than SimPy's ``process _trucks``."""
    what = process.name.strip("_").replace("_", " ")
    return f"{owner}: {what}" if owner else what


def _generator_owner(process: simpy.Process) -> str | None:
    """The component a process's generator method belongs to, read from its suspended frame."""
    frame = getattr(getattr(process, "_generator", None), "gi_frame", None)
    owner = frame.f_locals.get("self") if frame is not None else None
    return getattr(owner, "name", None) if isinstance(owner, Component) else None


__all__ = ["ConditionError", "StopReason", "World"]
