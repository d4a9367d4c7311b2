"""What a sweep runs: parameters and their ranges, the runs (variant, overrides, seed) and their folder names.

Command-line forms, parsed here into plain data:

* ``--set PATH=VALUE`` — a fixed override applied to every run;
* ``--grid PATH=V1,V2,...`` — values to cross (``variant`` is a path too); the token ``base`` stands for
  the scenario as written (no variant, or the value the scenario has at PATH);
* ``--param PATH=LO:HI`` (``:int`` rounds to whole numbers) or ``--param PATH=A,B,...`` (equally likely
  levels) — a factor of a sampled design (lhs, sobol, morris; a grid of N points per range).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from simcore.errors import InputError

#: the grid token for "the scenario as written" (no variant; the scenario's own value at a path)
BASE = "base"


@dataclass(frozen=True)
class Param:
    """One factor of a design: a range ``lo..hi`` (optionally whole numbers) or a list of levels."""

    path: str
    lo: float = 0.0
    hi: float = 1.0
    integer: bool = False
    levels: tuple[Any, ...] = ()

    @property
    def categorical(self) -> bool:
        return bool(self.levels)

    def bounds(self) -> tuple[float, float]:
        """What the sampler draws from: the range, or ``[0, k)`` for k levels (cut into k equal bins)."""
        return (0.0, float(len(self.levels))) if self.categorical else (self.lo, self.hi)

    def value(self, x: float) -> Any:
        """The scenario value for a sampled number ``x`` (a level, a rounded integer, or ``x``)."""
        if self.categorical:
            return self.levels[min(int(math.floor(x)), len(self.levels) - 1)]
        if self.integer:
            return int(round(x))
        return float(x)

    def describe(self) -> dict[str, Any]:
        if self.categorical:
            return {"path": self.path, "levels": list(self.levels)}
        return {"path": self.path, "lo": self.lo, "hi": self.hi, "integer": self.integer}


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: its position, design point, variant, overrides and seed.

    ``overrides`` holds everything applied with ``--set`` semantics (fixed and varied); ``varied`` is
    what the table shows per varied path (the scenario's own value where the point is ``base``).
    """

    index: int
    variant: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    point: int = 0
    varied: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """A readable description (variant, varied values, seed)."""
        parts = [self.variant or BASE] + [f"{k}={_short(v)}" for k, v in self.varied.items()]
        return ",".join(parts) + f",seed={self.seed}"


def folder_name(spec: RunSpec, total: int) -> str:
    """``r<index>[-<variant>]-s<seed>``: short, sortable, and never cut (the table holds the values)."""
    width = max(3, len(str(max(total - 1, 0))))
    variant = "" if spec.variant is None else "-" + _safe(spec.variant)[:24]
    return f"r{spec.index:0{width}d}{variant}-s{spec.seed}"


def parse_set(items: Sequence[str]) -> dict[str, Any]:
    """``--set PATH=VALUE`` options as ``{path: value}`` (values read as YAML)."""
    from simcore.scenario import parse_set_option

    fixed: dict[str, Any] = {}
    for item in items:
        path, value = parse_set_option(item)
        if path in fixed:
            raise InputError("--set", path, item, "each path once")
        fixed[path] = value
    return fixed


def parse_grid(items: Sequence[str]) -> dict[str, list[Any]]:
    """``["fleet.size=100,200", "variant=base,a"]`` -> ``{"fleet.size": [100, 200], "variant": [BASE, "a"]}``."""
    from simcore.scenario import parse_set_option

    grid: dict[str, list[Any]] = {}
    for item in items:
        path, _ = parse_set_option(item)
        raw_values = item.split("=", 1)[1].split(",")
        if any(v.strip() == "" for v in raw_values):
            raise InputError("--grid", item, item, "PATH=V1,V2,... with no empty values")
        if path in grid:
            raise InputError("--grid", path, item, "each path once")
        values = [BASE if v.strip() == BASE else (v.strip() if path == "variant" else parse_set_option(f"{path}={v}")[1])
                  for v in raw_values]
        if len(set(map(repr, values))) < len(values):
            raise InputError("--grid", path, item, "distinct values")
        grid[path] = values
    return grid


def parse_param(item: str) -> Param:
    """``PATH=LO:HI``, ``PATH=LO:HI:int`` or ``PATH=A,B,...`` as a :class:`Param`."""
    from simcore.scenario import parse_set_option

    path, _ = parse_set_option(item)
    raw = item.split("=", 1)[1].strip()
    allowed = "PATH=LO:HI (finite numbers, LO < HI), PATH=LO:HI:int, or PATH=A,B,... (two or more levels)"
    if path == "variant":
        levels = [v.strip() for v in raw.split(",")]
        if len(levels) < 2 or "" in levels:
            raise InputError("--param", path, item, "variant=A,B,... (two or more variants; base for none)")
        return Param(path, levels=tuple(None if v == BASE else v for v in levels))
    if ":" in raw:
        parts = raw.split(":")
        integer = len(parts) == 3 and parts[2].strip() == "int"
        if len(parts) not in (2, 3) or (len(parts) == 3 and not integer):
            raise InputError("--param", path, item, allowed)
        try:
            lo, hi = float(parts[0]), float(parts[1])
        except ValueError:
            raise InputError("--param", path, item, allowed) from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError("--param", path, item, allowed)
        return Param(path, lo, hi, integer=integer)
    levels = [parse_set_option(f"{path}={v}")[1] for v in raw.split(",")]
    if len(levels) < 2 or any(v == "" for v in levels) or len(set(map(repr, levels))) < len(levels):
        raise InputError("--param", path, item, allowed)
    return Param(path, levels=tuple(levels))


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


def _short(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)
