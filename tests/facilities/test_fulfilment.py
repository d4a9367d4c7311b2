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
    assert plan.whole_orders == [0] and plan.whole_pack.tolist() == [10, 11]  # 34 + 30 kWh >= 60
    assert plan.build_orders == [1, 2]
    first, second = plan.modules_of(1)[0], plan.modules_of(2)[0]
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
    for row in plan.build_orders:
        chem = np.array([0, 0, 1, 1, 0, 0])[np.concatenate(plan.modules_of(row))]
        assert np.unique(chem).size == 1


def test_an_order_larger_than_a_rebuilt_pack_gets_several_and_no_module_twice():
    modules = np.arange(30)
    plan = plan_orders(order_app=np.zeros(2, np.int64), order_placed_h=np.zeros(2), need_kwh=np.full(2, 40.0),
                       min_soh=np.full(2, 0.6), packs=np.zeros(0, np.int64), pack_est=np.zeros(0),
                       pack_usable_kwh=np.zeros(0), modules=modules, module_chem=np.zeros(30, np.int8),
                       module_est=np.full(30, 0.8), module_usable_kwh=np.full(30, 4.0), build_budget=10, width=8)
    # 40 kWh of 4 kWh modules: 10 modules an order, in packs of 8 + 2
    assert [[g.size for g in plan.modules_of(r)] for r in plan.build_orders] == [[8, 2], [8, 2]]
    used = plan.build_modules[plan.build_modules >= 0]
    assert used.size == 20 and np.unique(used).size == 20


def test_a_part_delivered_order_takes_only_what_it_still_needs():
    modules = np.arange(10)
    plan = plan_orders(order_app=np.zeros(2, np.int64), order_placed_h=np.array([0.0, 5.0]),
                       need_kwh=np.array([4.0, 12.0]), min_soh=np.full(2, 0.6), packs=np.zeros(0, np.int64),
                       pack_est=np.zeros(0), pack_usable_kwh=np.zeros(0), modules=modules,
                       module_chem=np.zeros(10, np.int8), module_est=np.full(10, 0.8),
                       module_usable_kwh=np.full(10, 4.0), build_budget=10, width=8)
    # the older order, cut to 4 kWh by a part delivery, gets one module; the next its full three
    assert [np.concatenate(plan.modules_of(r)).size for r in plan.build_orders] == [1, 3]
