"""Battery registry: identity, holders over time, the conservation invariant and its detection."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simcore.battery import BatteryStore, DailyStressors, HolderKind
from simcore.battery.chemistry import MATERIALS, materials_per_kwh


def make(n=10, seed=0, **kw):
    store = BatteryStore(**kw)
    rng = np.random.default_rng(seed)
    ids = store.create(n, "NMC622", 60.0, 0.0, HolderKind.VEHICLE, np.arange(n) + 100, rng)
    return store, ids, rng


def test_passport_round_trip_and_view():
    store, ids, _ = make(200)
    assert store.passport(123) == "B000123" and store.index_of("B000123") == 123
    v = store["B000007"]
    assert v.holder == ("VEHICLE", 107) and v.chemistry == "NMC622" and len(v.modules["capacity_kwh"]) == 8
    assert "B000007" in repr(v) and v.holder_log == [(0.0, "VEHICLE", 107)]
    assert v.as_dict()["journey"] == [{"t_h": 0.0, "holder": "VEHICLE:107"}]
    with pytest.raises(KeyError):
        store.index_of("B999999")


def test_module_count_and_manufacturing_spread_come_from_parameters_and_rng():
    a, _, _ = make(50, seed=1, modules_per_pack=12)
    b, _, _ = make(50, seed=1, modules_per_pack=12)
    caps = a.module_capacity_kwh()
    assert caps.shape == (50, 12) and np.array_equal(caps, b.module_capacity_kwh())
    assert 0.002 < caps.std() / caps.mean() < 0.03 and np.isclose(a.soh().mean(), 1.0, atol=0.01)


def test_location_at_follows_the_holder_log():
    store, ids, _ = make(3)
    store.transfer(ids[:2], 100.0, HolderKind.FACILITY, 7)
    store.transfer(ids[:1], 200.0, HolderKind.STATIONARY, 9)
    assert store.location_at("B000000", -1.0) is None
    assert store.location_at(0, 50.0) == (HolderKind.VEHICLE, 100)
    assert store.location_at(0, 150.0) == (HolderKind.FACILITY, 7)
    assert store.location_at(0, 250.0) == (HolderKind.STATIONARY, 9)
    kinds, hids = store.locations_at(150.0)
    assert kinds.tolist() == [HolderKind.FACILITY, HolderKind.FACILITY, HolderKind.VEHICLE]
    assert hids.tolist() == [7, 7, 102]
    assert store.unaccounted() == 0


def test_transfers_reject_time_travel_and_moves_after_recycling():
    store, ids, _ = make(2)
    store.transfer(ids[:1], 10.0, HolderKind.RECYCLED, 1)
    with pytest.raises(ValueError):
        store.transfer(ids[:1], 20.0, HolderKind.FACILITY, 1)
    with pytest.raises(ValueError):
        store.transfer(ids[1:], -5.0, HolderKind.FACILITY, 1)
    with pytest.raises(KeyError):
        store.transfer(np.array([5]), 20.0, HolderKind.FACILITY, 1)


@pytest.mark.parametrize("corruption", ["drop_holder", "mismatch_log", "ghost_row", "lost_log"])
def test_unaccounted_detects_corrupted_state(corruption):
    store, ids, _ = make(5)
    store.transfer(ids[:3], 10.0, HolderKind.FACILITY, 1)
    assert store.unaccounted() == 0
    if corruption == "drop_holder":
        store.col("holder_kind")[2] = HolderKind.NONE  # a battery vanished from its holder
    elif corruption == "mismatch_log":
        store.col("holder_id")[4] = 999  # moved without a log event
    elif corruption == "ghost_row":
        store._log.reserve(1)  # a log row for a battery that was never made (appeared from nowhere)
        store._log.cols["battery"][store._log.n - 1] = 77
        store._log.cols["kind"][store._log.n - 1] = HolderKind.VEHICLE
    else:
        store._log.n = 5  # the transfer events are lost
    assert store.unaccounted() >= 1


@settings(max_examples=40, deadline=None)
@given(moves=st.lists(st.tuples(st.integers(0, 19), st.integers(1, 6), st.integers(0, 3)), max_size=60))
def test_batteries_are_conserved_through_any_sequence_of_hand_offs(moves):
    store, ids, rng = make(20)
    t = 0.0
    for i, kind, hid in moves:
        t += 1.0
        if store.col("holder_kind")[i] == HolderKind.RECYCLED:
            continue
        store.transfer(np.array([i]), t, HolderKind(kind), hid)
    if moves and moves[0][0] == 0:
        store.create(3, "LFP", 50.0, t, HolderKind.FACTORY, 0, rng)
    assert store.unaccounted() == 0
    assert sum(store.counts_by_holder().values()) == len(store)
    kinds, _ = store.locations_at(t)
    assert np.array_equal(kinds, store.col("holder_kind"))


def test_ageing_updates_history_and_lowers_soh():
    store, ids, _ = make(4)
    s = DailyStressors(soc_mean=0.6, temp_c=25.0, dod=0.3, efc=0.3, c_chg=0.1)
    for _ in range(100):
        store.age(slice(None), s, v2g_throughput_kwh=1.0)
    store.age(ids[:2], s)  # index-array path
    h = store.history_summary()
    assert np.allclose(h["age_days"], [101, 101, 100, 100]) and np.allclose(h["efc"][2:], 30.0)
    assert np.allclose(h["mean_temp_c"], 25.0) and np.allclose(h["v2g_throughput_kwh"], 100.0)
    assert np.all(store.soh() < 0.99)
    assert np.all(store.module_resistance_mohm() > store.module_values("res0_mohm"))


def test_module_repair_is_the_only_way_capacity_rises():
    store, ids, rng = make(1)
    for _ in range(365):
        store.age(slice(None), DailyStressors(0.8, 35.0, 0.5, 0.5, 0.3))
    before = store.module_capacity_kwh()[0].copy()
    store.repair_modules(0, [2], rng)
    after = store.module_capacity_kwh()[0]
    assert after[2] > before[2] and np.array_equal(np.delete(after, 2), np.delete(before, 2))


def test_material_content_scales_with_energy_and_chemistry():
    store, ids, rng = make(1)
    store.create(1, "LFP", 50.0, 0.0, HolderKind.VEHICLE, 5, rng)
    kg = store.materials_kg()
    table = materials_per_kwh()
    assert np.isclose(kg[0, MATERIALS.index("co")], 60.0 * table.loc["NMC622", "co_kg_per_kwh"])
    assert kg[1, MATERIALS.index("co")] == 0.0 and kg[1, MATERIALS.index("li")] > 0


def test_whole_store_ageing_equals_per_battery_ageing_for_mixed_chemistries():
    rng = np.random.default_rng(4)
    a, b = BatteryStore(), BatteryStore()
    for s in (a, b):
        s.create(3, "NMC622", 60.0, 0.0, HolderKind.VEHICLE, 0, np.random.default_rng(1))
        s.create(2, "LFP", 50.0, 0.0, HolderKind.VEHICLE, 0, np.random.default_rng(2))
    soc = rng.uniform(0.3, 0.9, 5)
    for _ in range(30):
        a.age(slice(None), DailyStressors(soc, 25.0, 0.3, 0.3, 0.2), throughput_kwh=1.0)
        for i in range(5):
            b.age(np.array([i]), DailyStressors(soc[i : i + 1], 25.0, 0.3, 0.3, 0.2), throughput_kwh=1.0)
    assert np.allclose(a.soh(), b.soh(), rtol=0, atol=1e-14)
    assert np.array_equal(a.history_summary()["age_days"], b.history_summary()["age_days"])


def test_tables_for_the_results_folder(tmp_path):
    store, ids, _ = make(3)
    store.transfer(ids[:1], 5.0, HolderKind.FACILITY, 2)
    store.record_soh(5.0)
    frames = store.to_frames()
    assert frames["passports"]["passport"].tolist() == ["B000000", "B000001", "B000002"]
    assert frames["passports"]["holder_kind"].tolist() == ["FACILITY", "VEHICLE", "VEHICLE"]
    assert len(frames["holder_log"]) == 4 and len(frames["soh_log"]) == 3
    for name, df in frames.items():
        df.to_parquet(tmp_path / f"{name}.parquet")
    t, soh = store.soh_trajectory("B000001")
    assert t.tolist() == [5.0] and np.isclose(soh[0], store.soh(np.array([1]))[0], atol=1e-6)


def test_rejected_creation_leaves_no_trace():
    store, ids, rng = make(2)
    with pytest.raises(ValueError):
        store.create(2, "NMC622", np.array([60.0, -1.0]), 0.0, HolderKind.VEHICLE, 0, rng)
    with pytest.raises(Exception):
        store.create(1, "NMC999", 60.0, 0.0, HolderKind.VEHICLE, 0, rng)
    assert len(store) == 2 and store.unaccounted() == 0
