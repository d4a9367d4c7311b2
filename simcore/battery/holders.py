"""Who holds a battery or a module, and the passport status of a pack.

Holder ids are registered, never free integers: every component that holds batteries asks the
:class:`HolderRegistry` for an id (or a block of ids, one per vehicle), so two components can never
name the same holder, and every id has a readable name (``FACILITY:grading``, ``VEHICLE:cohort/17``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class HolderKind(IntEnum):
    """Who holds a battery or module. RECYCLED is terminal: the item stays accounted there.

    EXPORTED leaves the domestic loop but stays accounted; PACK holds modules (the holder id is the
    pack's battery id); STATIONARY is a second-life unit.
    """

    NONE = 0
    FACTORY = 1
    VEHICLE = 2
    FACILITY = 3
    STATIONARY = 4
    EXPORTED = 5
    RECYCLED = 6
    PACK = 7


TERMINAL_KINDS = (HolderKind.RECYCLED,)


class PassportStatus(IntEnum):
    """Battery status as in the battery passport data model (IDTA 02035: original, repurposed, re-used,
    remanufactured, waste)."""

    ORIGINAL = 0
    REUSED = 1  # the pack as it is, in a vehicle again
    REMANUFACTURED = 2  # rebuilt from graded modules for the same kind of use (an EV replacement pack)
    REPURPOSED = 3  # rebuilt or sold for another use (storage, backup, AGV, street light)
    WASTE = 4  # handed to recycling

    @property
    def label(self) -> str:
        return {0: "original", 1: "re-used", 2: "remanufactured", 3: "repurposed", 4: "waste"}[int(self)]


@dataclass(frozen=True)
class HolderBlock:
    """A registered range of holder ids of one kind: ``base .. base + size - 1``."""

    kind: HolderKind
    name: str
    base: int
    size: int


class HolderRegistry:
    """Registered holder ids per kind; ids of a kind never overlap."""

    def __init__(self) -> None:
        self._blocks: list[HolderBlock] = []
        self._known: set[tuple[int, int]] = set()  # (kind, id) found registered (blocks are never removed)
        self._next: dict[HolderKind, int] = {}
        self._by_name: dict[tuple[HolderKind, str], HolderBlock] = {}

    def register(self, kind: HolderKind, name: str, size: int = 1) -> int:
        """A new block of ``size`` ids of ``kind`` named ``name``; returns its first id.

        PACK ids are battery ids and are not registered here.
        """
        kind = HolderKind(kind)
        if kind in (HolderKind.NONE, HolderKind.PACK):
            raise ValueError(f"{kind.name} holders are not registered")
        if size < 1:
            raise ValueError("a holder block needs at least one id")
        if (kind, name) in self._by_name:
            raise ValueError(f"holder {kind.name}:{name} is already registered")
        base = self._next.get(kind, 1)
        block = HolderBlock(kind, name, base, int(size))
        self._blocks.append(block)
        self._by_name[(kind, name)] = block
        self._next[kind] = base + int(size)
        return base

    def id_of(self, kind: HolderKind, name: str) -> int:
        """The first id of the block registered as ``kind:name``."""
        return self._by_name[(HolderKind(kind), name)].base

    def is_registered(self, kind: HolderKind, holder_id: int) -> bool:
        """Whether ``holder_id`` lies in a registered block of ``kind`` (PACK ids are not checked here)."""
        key = (int(kind), int(holder_id))
        if key in self._known:
            return True
        if self.block_of(kind, holder_id) is None:
            return False
        self._known.add(key)
        return True

    def block_of(self, kind: HolderKind, holder_id: int) -> HolderBlock | None:
        for b in self._blocks:
            if b.kind == kind and b.base <= holder_id < b.base + b.size:
                return b
        return None

    def name(self, kind: int, holder_id: int) -> str:
        """Readable holder name: ``FACILITY:grading``, ``VEHICLE:cohort/17``, ``PACK:B000012``."""
        kind = HolderKind(int(kind))
        if kind == HolderKind.PACK:
            return f"PACK:B{int(holder_id):06d}"
        block = self.block_of(kind, int(holder_id))
        if block is None:
            return f"{kind.name}:{int(holder_id)}"
        if block.size == 1:
            return f"{kind.name}:{block.name}"
        return f"{kind.name}:{block.name}/{int(holder_id) - block.base}"

    def blocks(self) -> list[HolderBlock]:
        return list(self._blocks)
