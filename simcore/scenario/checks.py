"""Scenario checks beyond single values, shared by ``validate`` and ``run``.

After every component's parameters pass their schema, the loader builds one :class:`CheckContext`
per component and calls ``params.check(ctx)``: data files and their columns, rules on the clock,
wiring to peers (every :func:`~simcore.params.ComponentRef` field is checked here, without the
component writing code) and the memory a run would need, estimated before anything is allocated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, NoReturn

from simcore.errors import InputError

#: share of the memory the machine reports available that a run may plan to use
MEMORY_BUDGET_SHARE = 0.8


@dataclass(frozen=True)
class PeerSpec:
    """What the checks know of another component of the scenario."""

    name: str
    type_name: str
    params: Any
    provides: tuple[str, ...]


@dataclass
class MemoryClaim:
    """A component's estimate of the bytes a run needs, and the parameter that drives it."""

    key_path: str
    value: Any
    n_bytes: float


@dataclass
class CheckContext:
    """What a component's ``check`` sees: the file, the clock, its peers, and ways to fail."""

    file: str
    component: str
    clock_start: Any  # datetime.date of the first simulated day
    days: int
    tick_minutes: int
    peers: dict[str, PeerSpec]
    memory: list[MemoryClaim] = field(default_factory=list)

    def key(self, name: str) -> str:
        """The key path of one of this component's parameters."""
        return f"components.{self.component}.{name}"

    def fail(self, name: str, value: Any, allowed: str) -> NoReturn:
        """Reject this component's parameter ``name`` (a dotted path inside the component)."""
        raise InputError(self.file, self.key(name), value, allowed)

    def fail_at(self, key_path: str, value: Any, allowed: str) -> NoReturn:
        """Reject a value outside this component (e.g. ``clock.tick_minutes``)."""
        raise InputError(self.file, key_path, value, allowed)

    def peer(self, name: str) -> PeerSpec:
        """Another component by name (its wiring was already checked)."""
        return self.peers[name]

    def claim_memory(self, name: str, value: Any, n_bytes: float) -> None:
        """Declare that parameter ``name`` (set to ``value``) makes a run need about ``n_bytes``."""
        self.memory.append(MemoryClaim(self.key(name), value, float(n_bytes)))


def check_wiring(file: str, name: str, params: Any, peers: dict[str, PeerSpec]) -> None:
    """Every ``ComponentRef`` field of ``params`` names a peer that provides what it needs."""
    for field_name, info in type(params).model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        needed = extra.get("component_ref")
        if needed is None:
            continue
        target = getattr(params, field_name)
        if target is None:
            continue
        fitting = sorted(p.name for p in peers.values() if needed in p.provides and p.name != name)
        allowed = (f"the name of a component providing '{needed}': {', '.join(fitting)}" if fitting
                   else f"the name of a component providing '{needed}' (none in this scenario; add one or set null)")
        peer = peers.get(target)
        if peer is None or needed not in peer.provides or target == name:
            raise InputError(file, f"components.{name}.{field_name}", target, allowed)


def available_memory_bytes() -> float | None:
    """Memory the machine reports available now (Linux ``MemAvailable``), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(file: str, claims: list[MemoryClaim], available: float | None = None) -> None:
    """Refuse a scenario whose estimated memory exceeds the budget, naming its largest driver."""
    if not claims:
        return
    available = available_memory_bytes() if available is None else available
    if available is None:
        return
    need = sum(c.n_bytes for c in claims)
    budget = MEMORY_BUDGET_SHARE * available
    if need > budget:
        top = max(claims, key=lambda c: c.n_bytes)
        raise InputError(file, top.key_path, top.value,
                         f"a size this machine can hold: the run would need about {need / 2**30:.3g} GiB, "
                         f"{budget / 2**30:.3g} GiB is available ({MEMORY_BUDGET_SHARE:.0%} of free memory)")
