"""Which stock meets which second-life order today: a plan made first, executed in one batch.

Orders of an application are taken first come first served, applications in the order of their oldest
open order. An order is met with whole packs from the racks when packs of its grade are about its size
or smaller (resale packs first, then refabrication, then reuse packs: a better pack serves a lesser
need), else with shelf modules of its grade and of one chemistry, rebuilt into packs of at most
``width`` modules by the refabrication line (one line slot per pack).

Planning works on cumulative usable kWh of the sorted free stock: each order's share is found with one
binary search, so a day with hundreds of small orders costs microseconds per order. Planning only marks
stock as taken; the plant then moves everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class DayPlan:
    """Orders met today: whole packs per order, or module groups (one rebuilt pack each) per order."""

    whole_orders: list[int] = field(default_factory=list)  # order row indices
    whole_packs: list[np.ndarray] = field(default_factory=list)
    build_orders: list[int] = field(default_factory=list)
    build_groups: list[list[np.ndarray]] = field(default_factory=list)  # per order: module ids per new pack

    @property
    def builds(self) -> int:
        return sum(len(g) for g in self.build_groups)


def _take_consecutive(cum: np.ndarray, start: int, need: float) -> int:
    """End index (exclusive) of the shortest run from ``start`` whose usable kWh reach ``need``; -1 if none."""
    before = cum[start - 1] if start > 0 else 0.0
    end = int(np.searchsorted(cum, before + need - 1e-12)) + 1
    return end if end <= cum.size else -1


def plan_orders(order_app: np.ndarray, order_placed_h: np.ndarray, need_kwh: np.ndarray, min_soh: np.ndarray,
                packs: np.ndarray, pack_est: np.ndarray, pack_usable_kwh: np.ndarray, modules: np.ndarray,
                module_chem: np.ndarray, module_est: np.ndarray, module_usable_kwh: np.ndarray,
                build_budget: int, width: int) -> DayPlan:
    """Plan today's fulfilment of the open orders (arrays per order / per stock item, see module doc)."""
    plan = DayPlan()
    pack_free = np.ones(packs.size, dtype=bool)
    order = np.argsort(-module_est, kind="stable")  # best modules first
    modules, module_chem, module_est, module_usable_kwh = (modules[order], module_chem[order], module_est[order],
                                                           module_usable_kwh[order])
    mod_free = np.ones(modules.size, dtype=bool)
    chemistries = np.unique(module_chem)
    apps = np.unique(order_app)
    first = np.array([order_placed_h[order_app == a].min() for a in apps])
    for a in apps[np.argsort(first, kind="stable")]:
        rows = np.flatnonzero(order_app == a)
        rows = rows[np.argsort(order_placed_h[rows], kind="stable")]
        grade = float(min_soh[rows[0]])
        need = float(need_kwh[rows[0]])
        # whole packs, for orders at least about a pack's size
        fit = np.flatnonzero(pack_free & (pack_est >= grade))
        k = 0
        if fit.size and pack_usable_kwh[fit].min() <= need * 1.25:
            cum = np.cumsum(pack_usable_kwh[fit])
            start = 0
            while k < rows.size:
                end = _take_consecutive(cum, start, need)
                if end < 0:
                    break
                take = fit[start:end]
                pack_free[take] = False
                plan.whole_orders.append(int(rows[k]))
                plan.whole_packs.append(packs[take])
                start, k = end, k + 1
        # the rest from modules, one chemistry per order
        for c in chemistries:
            if k >= rows.size or build_budget <= 0:
                break
            fit = np.flatnonzero(mod_free & (module_est >= grade) & (module_chem == c))
            if fit.size == 0:
                continue
            cum = np.cumsum(module_usable_kwh[fit])
            start = 0
            while k < rows.size and build_budget > 0:
                end = _take_consecutive(cum, start, need)
                if end < 0:
                    break
                n_packs = -(-(end - start) // width)
                if n_packs > build_budget:
                    break
                take = fit[start:end]
                mod_free[take] = False
                build_budget -= n_packs
                plan.build_orders.append(int(rows[k]))
                plan.build_groups.append([modules[take[i: i + width]] for i in range(0, take.size, width)])
                start, k = end, k + 1
    return plan
