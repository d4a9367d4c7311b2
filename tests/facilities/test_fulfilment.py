"""Planning a day's second-life orders against racks and shelves."""

import numpy as np

from facilities.plant.fulfilment import plan_orders


def test_large_orders_take_whole_packs_small_ones_modules():
    packs = np.array([10, 11, 12])
    pack_est = np.array([0.85, 0.75, 0.62])
    pack_kwh = np.array([40.0, 40.0, 40.0]) * pack_est
    modules = np.arange(100, 120)
    mod_est = np.linspace(0.9, 0.5, 20)
    mod_kwh = 5.0 * mod_est
    plan = plan_orders(order_app=np.array([0, 1, 1]), order_placed_h=np.array([0.0, 1.0, 2.0]),
                       need_kwh=np.array([60.0, 6.0, 6.0]), min_soh=np.array([0.6, 0.6, 0.6]),
                       packs=packs, pack_est=pack_est, pack_usable_kwh=pack_kwh, modules=modules,
                       module_chem=np.zeros(20, np.int8), module_est=mod_est, module_usable_kwh=mod_kwh,
                       build_budget=10, width=8)
    assert plan.whole_orders == [0] and plan.whole_packs[0].tolist() == [10, 11]  # 34 + 30 kWh >= 60
    assert plan.build_orders == [1, 2]
    first, second = plan.build_groups[0][0], plan.build_groups[1][0]
    assert first.tolist() == [100, 101] and second.tolist() == [102, 103]  # best modules first, no module twice
    assert mod_kwh[:2].sum() >= 6.0 and mod_kwh[2:4].sum() >= 6.0


def test_grades_chemistry_and_line_budget_limit_what_is_met():
    modules = np.arange(6)
    plan = plan_orders(order_app=np.array([0, 0, 0]), order_placed_h=np.zeros(3), need_kwh=np.full(3, 4.0),
                       min_soh=np.full(3, 0.7), packs=np.zeros(0, np.int64), pack_est=np.zeros(0),
                       pack_usable_kwh=np.zeros(0), modules=modules, module_chem=np.array([0, 0, 1, 1, 0, 0], np.int8),
                       module_est=np.array([0.9, 0.9, 0.9, 0.9, 0.6, 0.6]), module_usable_kwh=np.full(6, 2.5),
                       build_budget=2, width=8)
    # two orders met (one per chemistry, never mixed); the grade-0.6 modules never qualify; budget 2
    assert plan.build_orders == [0, 1]
    for groups in plan.build_groups:
        chem = np.array([0, 0, 1, 1, 0, 0])[np.concatenate(groups)]
        assert np.unique(chem).size == 1
