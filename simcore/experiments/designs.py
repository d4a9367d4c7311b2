"""Experiment designs: the points a sweep visits, from a grid or sampled with SALib (lhs, sobol, morris).

A design is a list of points (variant, overrides, what the table shows) plus, for sampled designs,
the sample matrix SALib drew, which ``evcycle analyze`` hands back to SALib with the KPI values in
the same order. Grid values (``--grid``) cross every point of a sampled design, so a Sobol design can
be run once per variant and analysed per variant.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simcore.errors import MISSING, InputError
from simcore.experiments.spec import BASE, Param

DESIGNS = ("grid", "lhs", "sobol", "morris")
#: Morris trajectories move on a grid of this many levels per factor (SALib's default)
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Point:
    """One design point: the variant, the overrides it sets, and the values the table shows."""

    variant: str | None
    overrides: dict[str, Any]
    varied: dict[str, Any]


@dataclass
class Design:
    """The points of an experiment design and how they were drawn."""

    kind: str
    points: list[Point]
    params: list[Param] = field(default_factory=list)
    grid: dict[str, list[Any]] = field(default_factory=dict)
    n: int | None = None
    seed: int = 0
    #: the sample matrix (one row per sampled point, in SALib's order); None for a grid
    sample: np.ndarray | None = None

    def problem(self) -> dict[str, Any]:
        """The SALib problem definition of the sampled factors."""
        return {"num_vars": len(self.params), "names": [p.path for p in self.params],
                "bounds": [list(p.bounds()) for p in self.params]}

    def describe(self) -> dict[str, Any]:
        """Plain data for the sweep manifest (enough to analyse the sweep later)."""
        return {"kind": self.kind, "params": [p.describe() for p in self.params],
                "grid": {k: list(v) for k, v in self.grid.items()}, "n": self.n, "seed": self.seed,
                "points": len(self.points), "sampled_points": 0 if self.sample is None else len(self.sample)}


def build_design(kind: str, grid: dict[str, list[Any]], params: Sequence[Param], n: int | None,
                 seed: int = 0) -> Design:
    """The design ``kind`` over ``params`` (N as the design needs it), crossed with the ``grid`` values."""
    if kind not in DESIGNS:
        raise InputError("--design", "design", kind, ", ".join(DESIGNS))
    clash = sorted(set(grid) & {p.path for p in params})
    if clash:
        raise InputError("--param", clash[0], clash[0], "each path in either --grid or --param, not both")
    if kind == "grid":
        axes = dict(grid)
        if params:
            if n is None or n < 2:
                raise InputError("--n", "n", MISSING if n is None else n, "points per --param range for a grid design: a whole number >= 2")
            for p in params:
                axes[p.path] = list(p.levels) if p.categorical else _range_values(p, n)
        return Design(kind, _cross(axes, []), list(params), dict(grid), n, seed)
    if not params:
        raise InputError("--param", "param", MISSING, f"at least one --param PATH=LO:HI for a {kind} design")
    if n is None or n < 1:
        raise InputError("--n", "n", MISSING if n is None else n, f"the {kind} design's N: a whole number >= 1")
    sample = _sample(kind, params, n, seed)
    sampled = [{p.path: p.value(x) for p, x in zip(params, row, strict=True)} for row in sample.tolist()]
    return Design(kind, _cross(grid, sampled), list(params), dict(grid), n, seed, sample)


def _sample(kind: str, params: Sequence[Param], n: int, seed: int) -> np.ndarray:
    problem = {"num_vars": len(params), "names": [p.path for p in params], "bounds": [list(p.bounds()) for p in params]}
    if kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, n, seed=seed)
    if kind == "sobol":
        if n & (n - 1):
            raise InputError("--n", "n", n, "a power of two for a sobol design (Sobol' sequences converge as "
                                            "designed only then): e.g. 32, 64, 128")
        from SALib.sample import sobol

        return sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)


def _range_values(p: Param, n: int) -> list[Any]:
    values = [p.value(x) for x in np.linspace(p.lo, p.hi, n).tolist()]
    if p.integer and len(set(values)) < len(values):
        raise InputError("--n", p.path, n, f"at most {int(p.hi - p.lo) + 1} whole-number points in {p.lo:g}:{p.hi:g}")
    return values


def _cross(axes: dict[str, list[Any]], sampled: list[dict[str, Any]]) -> list[Point]:
    """Every combination of the axes' values, each crossed with every sampled setting (if any)."""
    keys = list(axes)
    points = []
    for combo in itertools.product(*(axes[k] for k in keys)):
        for extra in sampled or [{}]:
            settings = {**dict(zip(keys, combo, strict=True)), **extra}
            variant = settings.pop("variant", None)
            variant = None if variant == BASE else variant
            overrides = {k: v for k, v in settings.items() if v != BASE}
            points.append(Point(variant, overrides, settings))
    return points
