"""Which stock meets which second-life order today: a plan made first, executed in one batch.

Orders are taken first come first served. An order is met with whole packs from the racks when packs of
its grade are about its size or smaller (resale packs first, then refabrication, then reuse packs: a
better pack serves a lesser need), else with shelf modules of its grade and of one chemistry, rebuilt
into packs of at most ``width`` modules by the refabrication line (one line slot per pack). Planning
only marks stock as taken; the plant then moves everything at once, so a day's cost does not grow with
one store call per order.
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


def plan_orders(need_kwh: np.ndarray, min_soh: np.ndarray, packs: np.ndarray, pack_est: np.ndarray,
                pack_usable_kwh: np.ndarray, modules: np.ndarray, module_chem: np.ndarray, module_est: np.ndarray,
                module_usable_kwh: np.ndarray, build_budget: int, width: int) -> DayPlan:
    """Plan today's fulfilment of the open orders (arrays in order of preference / grade, see module doc)."""
    plan = DayPlan()
    pack_free = np.ones(packs.size, dtype=bool)
    order = np.argsort(-module_est, kind="stable")  # best modules first
    modules, module_chem, module_est, module_usable_kwh = (modules[order], module_chem[order], module_est[order],
                                                           module_usable_kwh[order])
    mod_free = np.ones(modules.size, dtype=bool)
    chemistries = np.unique(module_chem)
    for i in range(need_kwh.size):
        need, grade = float(need_kwh[i]), float(min_soh[i])
        fit = np.flatnonzero(pack_free & (pack_est >= grade))
        if fit.size and pack_usable_kwh[fit].min() <= need * 1.25:
            cum = np.cumsum(pack_usable_kwh[fit])
            if cum[-1] >= need:
                take = fit[: int(np.searchsorted(cum, need)) + 1]
                pack_free[take] = False
                plan.whole_orders.append(i)
                plan.whole_packs.append(packs[take])
                continue
        if build_budget <= 0:
            continue
        for c in chemistries:
            fit = np.flatnonzero(mod_free & (module_est >= grade) & (module_chem == c))
            if fit.size == 0:
                continue
            cum = np.cumsum(module_usable_kwh[fit])
            if cum[-1] < need:
                continue
            take = fit[: int(np.searchsorted(cum, need)) + 1]
            n_packs = -(-take.size // width)
            if n_packs > build_budget:
                continue
            build_budget -= n_packs
            mod_free[take] = False
            plan.build_orders.append(i)
            plan.build_groups.append([modules[take[k: k + width]] for k in range(0, take.size, width)])
            break
    return plan
