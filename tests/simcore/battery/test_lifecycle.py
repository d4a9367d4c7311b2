"""Vehicle retirement, pack replacement, export, and the hand-off record."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from simcore.battery import BatteryStore, DailyStressors, HandOffReason, HolderKind, RetiredBatteries, VehicleLifeParams, hand_off
from simcore.battery.lifecycle import (
    draw_exports,
    draw_retirements,
    export_probability,
    pack_replacement_due,
    retirement_probability,
    survival,
)
from simcore.errors import InputError


def test_default_table_loads_and_weibull_mean_is_the_sourced_vehicle_life():
    p = VehicleLifeParams.from_csv()
    mean, _ = integrate.quad(lambda a: float(survival(np.array([a]), p)[0]), 0, 100)
    assert np.isclose(mean, p.mean_vehicle_life_y, rtol=1e-6) and np.isclose(mean, 13.0)


def test_retirement_probability_is_consistent_with_survival():
    p = VehicleLifeParams()
    a = np.array([0.0, 5.0, 13.0, 20.0])
    expected = 1 - survival(a + 1, p) / survival(a, p)
    assert np.allclose(retirement_probability(a, 1.0, p), expected)
    assert np.all(np.diff(retirement_probability(a, 1.0, p)) > 0)  # older cars retire faster


def test_simulated_retirements_reproduce_the_mean_life():
    rng = np.random.default_rng(5)
    age = np.zeros(20000)
    life = np.full(age.size, np.nan)
    for month in range(12 * 40):
        alive = np.isnan(life)
        gone = draw_retirements(age[alive], 1 / 12, rng)
        idx = np.flatnonzero(alive)[gone]
        life[idx] = age[idx] + 1 / 24
        age[alive] += 1 / 12
    assert abs(np.nanmean(life) - 13.0) < 0.15


def test_export_probability_from_sourced_count_and_assumed_stock():
    p = VehicleLifeParams()
    prob = export_probability(np.array([1.0, 5.0]), 1.0, p)
    assert prob[0] == 0.0 and np.isclose(prob[1], 1 - np.exp(-20000 / 150000))
    rng = np.random.default_rng(2)
    stock = np.full(150000, 6.0)
    exported = sum(int(draw_exports(stock, 1 / 12, rng, p).sum()) for _ in range(12))
    assert abs(exported - 20000) < 1000  # a year on a fixed stock ~ the reported 20,000


def test_pack_replacement_threshold():
    assert pack_replacement_due(np.array([0.69, 0.70, 0.9])).tolist() == [True, False, False]


def test_bad_life_table_raises_input_error(tmp_path):
    bad = tmp_path / "life.csv"
    bad.write_text("parameter,value\nmean_vehicle_life_y,abc\n")
    with pytest.raises(InputError, match="mean_vehicle_life_y"):
        VehicleLifeParams.from_csv(bad)
    bad.write_text("parameter,value\nmystery,1\n")
    with pytest.raises(InputError, match="mystery"):
        VehicleLifeParams.from_csv(bad)


def test_hand_off_records_truth_and_moves_batteries():
    rng = np.random.default_rng(0)
    store = BatteryStore(modules_per_pack=4)
    ids = store.create(6, "NMC622", 40.0, 0.0, HolderKind.VEHICLE, np.arange(6), rng)
    for _ in range(200):
        store.age(slice(None), DailyStressors(0.7, 25.0, 0.3, 0.3, 0.2))
    r1 = hand_off(store, ids[:2], 4800.0, HandOffReason.VEHICLE_RETIRED, HolderKind.FACILITY, 3)
    r2 = hand_off(store, ids[2:3], 4900.0, HandOffReason.PACK_REPLACED)
    both = RetiredBatteries.concat([r1, r2])
    assert len(both) == 3 and both.module_capacity_kwh.shape == (3, 4)
    assert np.allclose(both.true_soh, store.soh(ids[:3])) and np.all(both.age_days == 200)
    assert both.from_kind.tolist() == [HolderKind.VEHICLE] * 3 and both.from_id.tolist() == [0, 1, 2]
    df = both.to_frame()
    assert df["passport"].tolist() == ["B000000", "B000001", "B000002"]
    assert df["reason"].tolist() == ["vehicle_retired", "vehicle_retired", "pack_replaced"]
    assert store.location_at("B000001", 4850.0) == (HolderKind.FACILITY, 3)
    assert store.location_at("B000001", 4700.0) == (HolderKind.VEHICLE, 1)
    assert store.unaccounted() == 0 and store.counts_by_holder()["FACILITY"] == 3


@settings(max_examples=30, deadline=None)
@given(events=st.lists(st.tuples(st.integers(0, 29), st.sampled_from(list(HandOffReason)), st.sampled_from([3, 4, 5, 6])), max_size=40))
def test_batteries_conserved_through_random_hand_offs(events):
    store = BatteryStore(modules_per_pack=2)
    store.create(30, "NMC622", 40.0, 0.0, HolderKind.VEHICLE, np.arange(30), np.random.default_rng(0))
    parts, t = [], 0.0
    for i, reason, kind in events:
        t += 1.0
        if store.col("holder_kind")[i] == HolderKind.RECYCLED:
            continue
        parts.append(hand_off(store, np.array([i]), t, reason, HolderKind(kind), 1))
    assert store.unaccounted() == 0 and len(store) == 30
    assert sum(store.counts_by_holder().values()) == 30
    if parts:
        table = RetiredBatteries.concat(parts)
        last = {int(b): int(k) for b, k in zip(table.battery_id, table.to_kind)}
        assert all(store.col("holder_kind")[b] == k for b, k in last.items())
