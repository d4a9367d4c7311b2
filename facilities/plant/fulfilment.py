"""Which stock meets which second-life order today: a plan made first, executed in one batch.

Orders of an application are taken first come first served, applications in the order of their oldest
open order. An order is met with whole packs from the racks when packs of its grade are about its size
or smaller (resale packs first, then refabrication, then reuse packs: a better pack serves a lesser
need), else with shelf modules of its grade and of one chemistry, rebuilt into packs of at most
``width`` modules by the refabrication line (one line slot per pack).

Planning works on cumulative usable kWh of the sorted free stock. An order of ``need`` kWh starting at
item ``s`` ends where the cumulative sum first reaches ``cum[s - 1] + need``; those ends are found with
``searchsorted`` in chunks for the starts the day's orders reach, so walking through a day's orders
costs a few integer operations each. An order part-delivered earlier (some rebuilt packs failed their
final test) asks only for what it still needs. The result is flat arrays (which order each pack or
module goes to), so the plant moves everything in one batch. Planning only marks stock as taken.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _ints() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class DayPlan:
    """Orders met today: whole packs per order, and rebuilt packs (a module matrix) per order."""

    whole_order: np.ndarray = field(default_factory=_ints)  # order row of each whole pack taken
    whole_pack: np.ndarray = field(default_factory=_ints)  # pack ids, grouped by order
    build_order: np.ndarray = field(default_factory=_ints)  # order row of each pack to be rebuilt
    build_modules: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.int64))  # (packs, width), -1 pads

    @property
    def whole_orders(self) -> list[int]:
        """Order rows met with whole packs, in planning order."""
        return _distinct_in_order(self.whole_order)

    @property
    def build_orders(self) -> list[int]:
        """Order rows met with rebuilt packs, in planning order."""
        return _distinct_in_order(self.build_order)

    @property
    def builds(self) -> int:
        return int(self.build_order.size)

    def modules_of(self, order_row: int) -> list[np.ndarray]:
        """Module ids of each pack rebuilt for one order."""
        return [row[row >= 0] for row in self.build_modules[self.build_order == order_row]]


def _distinct_in_order(a: np.ndarray) -> list[int]:
    if a.size == 0:
        return []
    keep = np.ones(a.size, dtype=bool)
    keep[1:] = a[1:] != a[:-1]
    return a[keep].tolist()


def _ends(cum: np.ndarray, need: float, lo: int, hi: int) -> list[int]:
    """For each start index in ``[lo, hi)``, the end (exclusive) of the shortest run from it whose
    cumulative kWh reach ``need``; -1 if none."""
    before = cum[lo - 1: hi - 1] if lo > 0 else np.concatenate([[0.0], cum[: hi - 1]])
    end = np.searchsorted(cum, before + need - 1e-12) + 1
    end[end > cum.size] = -1
    return end.tolist()


def _walk(cum: np.ndarray, needs: list[float], width: int | None, budget: int) -> tuple[list[int], list[int], int]:
    """Consecutive runs, one per order of ``needs`` kWh (in order), over items of cumulative kWh ``cum``:
    (starts, ends, budget left). With ``width``, each run costs ceil(run / width) line slots and the walk
    stops when the budget would be exceeded. Run ends for the usual order size (the largest need: only
    part-delivered orders need less) are looked up for the starts reached only, in growing chunks (a
    day's orders usually take a small part of the stock); other sizes are searched one by one."""
    starts: list[int] = []
    stops: list[int] = []
    ends: list[int] = []
    need = max(needs) if needs else 0.0
    chunk = 2 * len(needs) + 16
    start, size = 0, cum.size
    while len(starts) < len(needs) and start < size:
        own = needs[len(starts)]
        if own != need:
            end = _ends(cum, own, start, start + 1)[0]
        else:
            if start >= len(ends):
                ends.extend(_ends(cum, need, len(ends), min(max(len(ends) + chunk, start + 1), size)))
                chunk *= 2
            end = ends[start]
        if end < 0:
            break
        if width is not None:
            cost = -(-(end - start) // width)
            if cost > budget:
                break
            budget -= cost
        starts.append(start)
        stops.append(end)
        start = end
    return starts, stops, budget


def _ranges(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ``arange(start, stop)`` for each run, and the run index of each element."""
    lengths = stops - starts
    run = np.repeat(np.arange(starts.size), lengths)
    offset = np.arange(run.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return starts[run] + offset, run


def plan_orders(order_app: np.ndarray, order_placed_h: np.ndarray, need_kwh: np.ndarray, min_soh: np.ndarray,
                packs: np.ndarray, pack_est: np.ndarray, pack_usable_kwh: np.ndarray, modules: np.ndarray,
                module_chem: np.ndarray, module_est: np.ndarray, module_usable_kwh: np.ndarray,
                build_budget: int, width: int) -> DayPlan:
    """Plan today's fulfilment of the open orders (arrays per order / per stock item, see module doc)."""
    pack_free = np.ones(packs.size, dtype=bool)
    order = np.argsort(-module_est, kind="stable")  # best modules first
    modules, module_chem, module_est, module_usable_kwh = (modules[order], module_chem[order], module_est[order],
                                                           module_usable_kwh[order])
    mod_free = np.ones(modules.size, dtype=bool)
    chemistries = np.unique(module_chem)
    whole_order: list[np.ndarray] = []
    whole_pack: list[np.ndarray] = []
    build_order: list[np.ndarray] = []
    build_mods: list[np.ndarray] = []
    smallest_pack_kwh = float(pack_usable_kwh.min()) if packs.size else np.inf
    by_app = np.argsort(order_app, kind="stable")
    apps, first_row, counts = np.unique(order_app[by_app], return_index=True, return_counts=True)
    oldest = np.minimum.reduceat(order_placed_h[by_app], first_row) if apps.size else np.zeros(0)
    for i in np.argsort(oldest, kind="stable"):
        rows = by_app[first_row[i]: first_row[i] + counts[i]]
        rows = rows[np.argsort(order_placed_h[rows], kind="stable")]
        grade = float(min_soh[rows[0]])
        needs = need_kwh[rows].tolist()
        k = 0
        # whole packs, for orders at least about a pack's size
        fit = (np.flatnonzero(pack_free & (pack_est >= grade)) if smallest_pack_kwh <= max(needs) * 1.25
               else packs[:0])  # no pack is near this order's size: skip the racks
        if fit.size and pack_usable_kwh[fit].min() <= max(needs) * 1.25:
            starts, stops, _ = _walk(np.cumsum(pack_usable_kwh[fit]), needs, None, 0)
            if starts:
                pos, run = _ranges(np.array(starts), np.array(stops))
                pack_free[fit[pos]] = False
                whole_pack.append(packs[fit[pos]])
                whole_order.append(rows[run])
                k = len(starts)
        # the rest from modules, one chemistry per order
        for c in chemistries:
            if k >= rows.size or build_budget <= 0:
                break
            fit = np.flatnonzero(mod_free & (module_est >= grade) & (module_chem == c))
            if fit.size == 0:
                continue
            starts, stops, build_budget = _walk(np.cumsum(module_usable_kwh[fit]), needs[k:], width, build_budget)
            if not starts:
                continue
            pos, run = _ranges(np.array(starts), np.array(stops))
            mod_free[fit[pos]] = False
            # split each order's modules into packs of at most ``width``
            within = pos - np.array(starts)[run]
            per_order = -(-(np.array(stops) - np.array(starts)) // width)
            first_pack = np.cumsum(per_order) - per_order
            pack_no = first_pack[run] + within // width
            matrix = np.full((int(per_order.sum()), width), -1, dtype=np.int64)
            matrix[pack_no, within % width] = modules[fit[pos]]
            build_mods.append(matrix)
            build_order.append(rows[k + np.repeat(np.arange(len(starts)), per_order)])
            k += len(starts)
    matrix = np.concatenate(build_mods) if build_mods else np.zeros((0, 1), dtype=np.int64)
    used = (matrix >= 0).any(axis=0)  # rows fill from the left: drop the empty columns
    return DayPlan(
        whole_order=np.concatenate(whole_order) if whole_order else _ints(),
        whole_pack=np.concatenate(whole_pack) if whole_pack else _ints(),
        build_order=np.concatenate(build_order) if build_order else _ints(),
        build_modules=matrix[:, : max(int(used.sum()), 1)])
