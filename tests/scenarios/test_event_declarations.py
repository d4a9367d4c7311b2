"""Every event the shipped scenarios emit is declared by the component that emits it, with its fields."""

from __future__ import annotations

import pytest

import scenarios
from simcore import World
from simcore.trace import Event

CASES = {
    "quickstart": ("quickstart.yaml", None, {"fleet.sample": 300}),
    "quickstart_night_tariff": ("quickstart.yaml", "night_tariff", {"fleet.sample": 300}),
    "fleet_ageing": ("fleet_ageing.yaml", None, {"cohort.size": 300}),
}


def _emitted(file: str, variant: str | None, overrides: dict) -> tuple[World, list[Event]]:
    world = World.from_scenario(scenarios.path(file), variant=variant, overrides=overrides)
    seen: list[Event] = []
    world.listen("*", seen.append)   # per-entity kinds are built too
    world.run()
    return world, seen


def _check(world: World, seen: list[Event]) -> None:
    assert seen and not world.undeclared_kinds
    for event in seen:
        source = world.components.get(event.source)
        declared = type(source).events if source is not None else world.own_events
        assert event.kind in declared, f"{event.source} emits undeclared {event.kind}"
        spec = declared[event.kind]
        keys = set(event.payload)
        assert spec.required <= keys <= set(spec.fields), (event.kind, keys)
        for field_name, prefix in spec.refs.items():   # entity references resolve
            world.inspect(f"{prefix}:{event.payload[field_name]}")


@pytest.mark.parametrize("case", sorted(CASES))
def test_emitted_events_are_declared_with_their_fields(case):
    _check(*_emitted(*CASES[case]))


@pytest.mark.slow
def test_ecocycle_events_are_declared_with_their_fields():
    world, seen = _emitted("ecocycle_japan.yaml", None, {"cohort.size": 300})
    assert {"fourr.routed", "battery.moved", "module.moved"} <= {e.kind for e in seen}
    _check(world, seen)


@pytest.mark.slow
def test_grid_events_are_declared_with_their_fields():
    world, seen = _emitted("kyushu_2030_vgi.yaml", "v2g", {"fleet.sample": 200, "clock.start": "2030-08-01",
                                                          "clock.days": 2, "grid.day_ahead_hour": 10})
    assert {"grid.day", "grid.day_ahead"} <= {e.kind for e in seen}
    _check(world, seen)
