"""The base class every scenario component derives from.

A component is a registered type with a pydantic parameter schema (``Params``). The World builds one
instance per entry in the scenario's ``components`` section, calls :meth:`setup` once all exist, then
calls :meth:`on_tick` once per tick in ``tick_order`` (lower first, ties in scenario order). Components
that are event-driven instead start SimPy processes on ``world.env`` in :meth:`setup`.

State lives in attributes and numpy arrays, never only in generator locals, so any moment can be
inspected and summarised.
"""

from __future__ import annotations

import itertools
import weakref
from pathlib import Path
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import mesa

from simcore.params import ComponentParams
from simcore.trace import EventKind

if TYPE_CHECKING:
    from simcore.world import World

__all__ = ["Component", "ComponentParams"]


class _CountersByWorld(weakref.WeakKeyDictionary):
    """Agent id counters per model, held weakly. Mesa 3.3 keeps them in a class-level dict keyed by the
    model itself, so no model is ever freed (mesa issue 3179, fixed after 3.3.1); a process running
    several worlds in turn (sweeps, benchmarks, the dashboard) would keep every one of them."""

    def __getitem__(self, world: Any) -> itertools.count:
        try:
            return super().__getitem__(world)
        except KeyError:
            counter = self[world] = itertools.count(1)
            return counter


class Component(mesa.Agent):
    """A named part of the simulated world (an EV fleet, a grid, a facility...)."""

    _ids = _CountersByWorld()  # replaces mesa.Agent._ids for our components (see above)

    type_name: ClassVar[str] = ""
    Params: ClassVar[type[ComponentParams]] = ComponentParams
    #: lower ticks first; the grid (which needs the fleet's demand) ticks after the fleet
    tick_order: ClassVar[int] = 100
    #: id prefixes this component answers in ``world.inspect("<prefix>:<key>")``, e.g. ("ev",)
    id_prefixes: ClassVar[tuple[str, ...]] = ()
    #: capabilities peers may require through a ``ComponentRef`` parameter (``"battery_sink"``...)
    provides: ClassVar[tuple[str, ...]] = ()
    #: the event kinds this type emits and their payload fields (``simcore.trace.event_kind``); the
    #: stepper lists them (``kinds``) and rejects breakpoints on kinds or fields nobody declares
    events: ClassVar[Mapping[str, EventKind]] = {}

    def __init__(self, world: World, name: str, params: ComponentParams) -> None:
        super().__init__(world)
        self.world = world
        self.name = name
        self.params = params

    # -- lifecycle -----------------------------------------------------------------------------
    def setup(self) -> None:
        """Called once after every component exists: look up peers, allocate series, start processes."""

    def on_tick(self, tick: int) -> None:
        """Advance this component over tick ``tick`` (the interval [tick*dt, (tick+1)*dt) hours).

        Components that do nothing per tick leave this as it is; the World skips them.
        """

    def start(self, generator: Generator[Any, Any, Any]):
        """Start a SimPy process owned by this component (the stepper's ``event`` names its owner)."""
        return self.world.start_process(self, generator)

    def finish(self) -> None:
        """Called once when the run reaches the end of the horizon."""

    def write_tables(self, folder: Path) -> None:
        """Write this component's extra result tables (Parquet) into the results ``folder``.

        Called by the runner while the results folder is being built; file names should start with the
        component's name (``<name>_<table>.parquet``) so components never collide. Default: nothing.
        """

    # -- observation ---------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Simulated KPIs, namespaced (``ev.energy_mwh``); must depend only on scenario and seed."""
        return {}

    def summary_units(self) -> dict[str, str]:
        """Units of KPIs whose names do not say them (``{"ev.count": "EVs"}``); the rest follow the naming
        convention of :mod:`simcore.units` (``_mw`` -> MW, ``X_per_day`` -> X/day...). Default: none."""
        return {}

    def inspect(self, key: str | None = None) -> dict[str, Any]:
        """A plain-data view of this component, or of the entity ``key`` it owns (e.g. one EV).

        ``key`` is what follows the prefix in ``world.inspect("<prefix>:<key>")`` (or the component's
        name); ``prefix`` tells which of :attr:`id_prefixes` was used, so a component answering several
        (``ev``, ``battery``) can reject an id of the wrong kind with a KeyError.
        """
        if key is not None:
            raise KeyError(f"{self.name!r} ({self.type_name}) holds no entities by id; `show {self.name}` shows it")
        return {"name": self.name, "type": self.type_name, "params": self.params.model_dump()}

    def inspect_id(self, prefix: str, key: str) -> dict[str, Any]:
        """The entity ``<prefix>:<key>``; by default :meth:`inspect` with ``key`` (override to route
        several prefixes). Raise KeyError with a message for ids this component does not hold."""
        return self.inspect(key)

    def write_state(self, key: str | None, folder: Path) -> str:
        """Write what this component (or its entity ``key``) can export for re-use (e.g. the grid's
        day problem) into the open results ``folder``; return one line saying what was written.
        Default: nothing to write (a KeyError with a message)."""
        raise KeyError(f"{self.name!r} ({self.type_name}) has nothing to write")

    @classmethod
    def ticks(cls) -> bool:
        """Whether this type overrides :meth:`on_tick` (the World only calls those that do)."""
        return cls.on_tick is not Component.on_tick
