"""Modules are entities: disassembly and regrouping keep their identity, their loss, and one place each."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simcore.battery import DailyStressors
from simcore.battery.holders import HolderKind, PassportStatus
from simcore.battery.store import BatteryStore

HOT = DailyStressors(soc_mean=0.8, temp_c=35.0, dod=0.5, efc=0.5, c_chg=0.3)


def _aged(n: int = 4, days: int = 400, seed: int = 3) -> BatteryStore:
    store = BatteryStore(modules_per_pack=6)
    store.create(n, "NMC622", 60.0, 0.0, HolderKind.VEHICLE, np.arange(n), np.random.default_rng(seed))
    for _ in range(days):
        store.age(slice(None), HOT)
    return store


def test_new_packs_hold_their_modules_in_their_slots():
    store = _aged(days=0)
    mids = store.module_ids()
    assert mids.shape == (4, 6) and np.unique(mids).size == 24
    assert (store.mcol("holder_kind") == HolderKind.PACK).all()
    assert store.mcol("holder_id")[mids[2]].tolist() == [2] * 6
    assert store.modules_unaccounted() == 0 and store.unaccounted() == 0


def test_detached_modules_keep_their_loss_and_keep_ageing_with_their_shell():
    store = _aged()
    before = store.module_capacity_kwh(np.array([0]))[0].copy()
    mids = store.detach(np.array([0]), 10.0, HolderKind.FACILITY, 5)[0]
    assert store.col("n_modules")[0] == 0 and (store.module_ids(np.array([0])) == -1).all()
    assert np.allclose(store.module_capacity(mids), before)
    assert (store.mcol("holder_kind")[mids] == HolderKind.FACILITY).all()
    store.age(np.array([0]), DailyStressors(0.5, 25.0, 0.0, 0.0, 0.0))  # the shell's calendar ageing
    assert np.all(store.module_capacity(mids) < before)
    assert store.modules_unaccounted() == 0


def test_a_rebuilt_pack_is_a_new_passport_listing_its_modules_with_their_capacity():
    store = _aged()
    loose = store.detach(np.array([0, 1]), 10.0, HolderKind.FACILITY, 5)
    chosen = np.concatenate([loose[0, :3], loose[1, :3]])
    cap = store.module_capacity(chosen).copy()
    new = store.assemble(chosen[None, :], 20.0, HolderKind.FACILITY, 6, PassportStatus.REMANUFACTURED)
    assert new.tolist() == [4] and store.passport(4) == "B000004"
    assert store.modules_of(4).tolist() == chosen.tolist()
    assert np.allclose(store.module_capacity_kwh(new)[0, :6], cap)
    assert store.col("status")[4] == PassportStatus.REMANUFACTURED
    assert store.mcol("origin_pack")[chosen].tolist() == [0, 0, 0, 1, 1, 1]
    assert store.modules_unaccounted() == 0 and store.unaccounted() == 0
    # from now on the modules follow the new pack, not their old shells
    store.age(np.array([0, 1]), HOT)
    assert np.allclose(store.module_capacity(chosen), cap)
    store.age(new, HOT)
    assert np.all(store.module_capacity(chosen) < cap)
    journey = store.module(int(chosen[0])).as_dict()["journey"]
    assert [step["holder"] for step in journey] == ["PACK:B000000", "FACILITY:5", "PACK:B000004"]


def test_assembly_refuses_what_would_break_identity():
    store = _aged(days=0)
    store.create(1, "LFP", 50.0, 0.0, HolderKind.VEHICLE, 9, np.random.default_rng(1), modules_per_pack=6)
    in_pack = store.module_ids(np.array([2]))[0]
    with pytest.raises(ValueError, match="detached"):
        store.assemble(in_pack[None, :], 1.0, HolderKind.FACILITY, 1, PassportStatus.REPURPOSED)
    loose = store.detach(np.array([0, 4]), 1.0, HolderKind.FACILITY, 1)
    with pytest.raises(ValueError, match="chemistry"):
        store.assemble(np.concatenate([loose[0, :2], loose[1, :2]])[None, :], 2.0, HolderKind.FACILITY, 1,
                       PassportStatus.REPURPOSED)
    with pytest.raises(ValueError, match="once"):
        store.assemble(np.array([[loose[0, 0], loose[0, 0]]]), 2.0, HolderKind.FACILITY, 1, PassportStatus.REPURPOSED)
    store.transfer_modules(loose[1], 3.0, HolderKind.RECYCLED, 1)
    with pytest.raises(ValueError, match="recycled"):
        store.transfer_modules(loose[1][:1], 4.0, HolderKind.FACILITY, 1)


def test_a_module_in_two_places_is_counted():
    store = _aged(days=0)
    m = int(store.module_ids(np.array([0]))[0, 0])
    store.col("module_ids")[1, 0] = m  # pack 1 also lists module m
    assert store.modules_unaccounted() > 0


def test_recent_moves_are_checked_cheaply_and_a_silent_move_is_caught():
    store = _aged(days=0)
    assert store.check_recent() == (0, 0)
    store.transfer(np.array([1, 2]), 5.0, HolderKind.FACILITY, 3)
    store.detach(np.array([1]), 6.0, HolderKind.FACILITY, 3)
    assert store.check_recent() == (0, 0)
    store.transfer(np.array([3]), 7.0, HolderKind.FACILITY, 3)
    store.col("holder_id")[3] = 99  # moved without a log event
    assert store.check_recent()[0] == 1


def test_a_strict_store_refuses_unregistered_holders():
    store = BatteryStore(strict_holders=True)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="not registered"):
        store.create(1, "NMC622", 40.0, 0.0, HolderKind.VEHICLE, 0, rng)
    base = store.holders.register(HolderKind.VEHICLE, "fleet", size=10)
    store.create(2, "NMC622", 40.0, 0.0, HolderKind.VEHICLE, base + np.arange(2), rng)
    site = store.holders.register(HolderKind.FACILITY, "grading")
    store.transfer(np.array([0]), 1.0, HolderKind.FACILITY, site)
    assert store.holders.name(HolderKind.FACILITY, site) == "FACILITY:grading"
    assert store.holders.name(HolderKind.VEHICLE, base + 1) == "VEHICLE:fleet/1"
    with pytest.raises(ValueError, match="already registered"):
        store.holders.register(HolderKind.FACILITY, "grading")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(st.tuples(st.sampled_from(["detach", "assemble", "ship", "age", "recycle"]),
                              st.integers(0, 10**6)), min_size=1, max_size=25))
def test_property_any_sequence_of_moves_keeps_every_pack_and_module_in_one_place(ops):
    store = _aged(n=6, days=50)
    rng = np.random.default_rng(0)
    t = 100.0
    for op, k in ops:
        t += 1.0
        packs = np.flatnonzero((store.col("n_modules") > 0) & (store.col("holder_kind") != HolderKind.RECYCLED))
        loose = np.flatnonzero((store.mcol("holder_kind") == HolderKind.FACILITY))
        if op == "detach" and packs.size:
            store.detach(packs[k % packs.size: k % packs.size + 1], t, HolderKind.FACILITY, 1)
        elif op == "assemble" and loose.size:
            take = rng.permutation(loose)[: 1 + k % min(loose.size, 8)]
            chem = store.mcol("chemistry")[take]
            store.assemble(take[chem == chem[0]][None, :], t, HolderKind.FACILITY, 2, PassportStatus.REPURPOSED)
        elif op == "ship" and packs.size:
            store.transfer(packs[: 1 + k % packs.size], t, HolderKind.STATIONARY, 1 + k % 3)
        elif op == "age":
            store.age(slice(None), HOT)
        elif op == "recycle" and loose.size:
            store.transfer_modules(loose[: 1 + k % loose.size], t, HolderKind.RECYCLED, 1)
        assert store.check_recent() == (0, 0)
    n_mod = store.n_modules_total
    assert store.unaccounted() == 0 and store.modules_unaccounted() == 0
    in_packs = store.module_ids()
    assert np.unique(in_packs[in_packs >= 0]).size == np.count_nonzero(store.mcol("holder_kind") == HolderKind.PACK)
    assert n_mod == 36  # modules never appear or vanish
