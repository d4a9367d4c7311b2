"""A World class bound to a scenario file, so Mesa's tools can build and drive worlds by keywords.

``World.factory("scenarios/quickstart.yaml")`` returns a subclass of :class:`~simcore.world.World`
whose constructor takes ``seed``, ``variant`` and dotted overrides as keywords, as
``mesa.batch_run(model_cls, parameters, ...)`` calls it and as Mesa's visualisation re-creates a model
(``type(model)(**model_params)``)::

    Model = World.factory("scenarios/quickstart.yaml")
    rows = mesa.batch_run(Model, {"seed": [1, 2], "fleet.home_charger_kw": [3.0, 6.0]},
                          max_steps=Model.n_ticks, number_processes=1)

Each instance has a ``datacollector``: every recorded series at the tick just done, collected once per
``step()`` (one tick), and the KPIs as extra columns once the run has ended (``None`` before), so
``batch_run``'s last row per run holds the run's KPIs. The class pickles by its scenario and keywords,
so ``batch_run(..., number_processes=N)`` works too.
"""

from __future__ import annotations

import copyreg
from pathlib import Path
from typing import Any, ClassVar

import mesa
import numpy as np

from simcore.scenario.loader import load_scenario
from simcore.world import World


class WorldCollector(mesa.DataCollector):
    """Series at the tick just done on every collect; the KPIs join as columns when the run has ended."""

    def __init__(self, series: list[str]) -> None:
        super().__init__(model_reporters={name: _series_reporter(name) for name in series})
        self._kpis_added = False

    def collect(self, model: Any) -> None:
        if model.finished and not self._kpis_added:
            done = len(next(iter(self.model_vars.values()), []))
            for name in model.final_summary():
                if name not in self.model_reporters:
                    self.model_reporters[name] = _kpi_reporter(name)
                    self.model_vars[name] = [None] * done
            self._kpis_added = True
        super().collect(model)


def _series_reporter(name: str):
    def report(model: Any) -> float:
        done = model.ticks_done
        return float(model.recorder[name][done - 1]) if done else float("nan")

    return report


def _kpi_reporter(name: str):
    def report(model: Any) -> Any:
        return model.final_summary().get(name)

    return report


class ScenarioWorld(World):
    """A World built from keywords: ``seed``, ``variant`` and dotted overrides (``**{"fleet.size": 10}``)."""

    scenario_file: ClassVar[str] = ""
    fixed_seed: ClassVar[int | None] = None
    fixed_variant: ClassVar[str | None] = None
    fixed_overrides: ClassVar[dict[str, Any]] = {}
    #: ticks in the scenario's horizon (``max_steps`` for ``batch_run``)
    n_ticks: ClassVar[int] = 0

    def __init__(self, seed: int | None = None, variant: str | None = None, **overrides: Any) -> None:
        scenario = load_scenario(self.scenario_file, seed=seed if seed is not None else self.fixed_seed,
                                 variant=variant if variant is not None else self.fixed_variant,
                                 overrides={**self.fixed_overrides, **overrides})
        super().__init__(scenario)
        self._final: dict[str, Any] | None = None
        self.datacollector = WorldCollector(self.recorder.names())

    def step(self) -> None:
        """One tick, then a row of the data collector (Mesa counts the step)."""
        super().step()
        self.datacollector.collect(self)

    def final_summary(self) -> dict[str, Any]:
        """The KPIs once the run has ended (computed once), as plain values."""
        if self._final is None:
            values = self.summary().to_dict()
            self._final = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()}
        return self._final


class _FactoryMeta(type):
    """Metaclass of factory-made World classes, so they pickle by scenario and keywords (see copyreg)."""


def world_factory(path: str, *, seed: int | None = None, variant: str | None = None,
                  overrides: dict[str, Any] | None = None) -> type[World]:
    """A :class:`ScenarioWorld` subclass bound to ``path`` (checked now) and the given defaults."""
    path = str(Path(path).resolve())
    overrides = dict(overrides or {})
    scenario = load_scenario(path, seed=seed, variant=variant, overrides=overrides)  # bad input fails here
    name = "".join(part.capitalize() for part in scenario.name.replace("-", "_").split("_")) + "World"
    return _FactoryMeta(name, (ScenarioWorld,), {
        "__module__": __name__, "__doc__": f"World of {path} (see simcore.experiments.mesa_interop).",
        "scenario_file": path, "fixed_seed": seed, "fixed_variant": variant, "fixed_overrides": overrides,
        "n_ticks": scenario.clock.n_ticks,
    })


def _reduce_factory_class(cls: type) -> tuple[Any, ...]:
    return (_rebuild, (cls.scenario_file, cls.fixed_seed, cls.fixed_variant, cls.fixed_overrides))


def _rebuild(path: str, seed: int | None, variant: str | None, overrides: dict[str, Any]) -> type[World]:
    return world_factory(path, seed=seed, variant=variant, overrides=overrides)


copyreg.pickle(_FactoryMeta, _reduce_factory_class)
