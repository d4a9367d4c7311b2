"""Routing policies: how the plant chooses a route from a pack's estimated state of health.

A policy is a class registered under a name (``@register_policy("threshold")``), with a pydantic schema
for its parameters (``Params``) and a ``decide(packs, context)`` method returning a route code per pack.
Scenarios name the policy and its parameters (``fourr_plant.routing``); third-party policies register
through the entry-point group ``evcycle.routing_policies`` (a module that registers on import).
"""

from __future__ import annotations

from importlib.metadata import entry_points

from facilities.policies.base import PackFacts, RoutingContext, RoutingPolicy, ThresholdParams

_POLICIES: dict[str, type[RoutingPolicy]] = {}
_loaded = False
ENTRY_POINT_GROUP = "evcycle.routing_policies"


def register_policy(name: str):
    """Class decorator: make a RoutingPolicy available to scenarios as ``routing.policy: <name>``."""

    def decorate(cls: type[RoutingPolicy]) -> type[RoutingPolicy]:
        if not (isinstance(cls, type) and issubclass(cls, RoutingPolicy)):
            raise TypeError(f"{cls!r} is not a RoutingPolicy")
        cls.name = name
        _POLICIES[name] = cls
        return cls

    return decorate


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import facilities.policies.builtin  # noqa: F401  (registers threshold, risk_aware, value_max)

    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        ep.load()


def policy_names() -> list[str]:
    _load()
    return sorted(_POLICIES)


def get_policy(name: str) -> type[RoutingPolicy] | None:
    _load()
    return _POLICIES.get(name)


__all__ = ["PackFacts", "RoutingContext", "RoutingPolicy", "ThresholdParams", "get_policy", "policy_names",
           "register_policy"]
