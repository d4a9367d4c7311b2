"""The collection point: the hand-off interface, grading on receipt, batteries held and accounted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import agents.builtin_components  # noqa: F401
from simcore import World
from simcore.battery import DailyStressors, HandOffReason, HolderKind, hand_off
from simcore.battery.store import BatteryStore


def world_with_collection(**params) -> World:
    return World.from_dict({"name": "collect", "seed": 5, "clock": {"start": "2030-01-01", "days": 1, "tick_minutes": 1440},
                            "components": {"site": {"type": "collection_point", "site_id": 4, **params}}})


def aged_store(n: int = 400) -> BatteryStore:
    store = BatteryStore(capacity=n)
    store.create(n, "NMC622", 40.0, 0.0, HolderKind.VEHICLE, np.arange(n), np.random.default_rng(0))
    st = DailyStressors(soc_mean=0.7, temp_c=np.linspace(15, 40, n), dod=0.3, efc=0.3, c_chg=0.15)
    for _ in range(8):
        store.age(slice(None), DailyStressors(st.soc_mean, st.temp_c, st.dod, st.efc * 365, st.c_chg, 365.0))
    return store


def test_received_batteries_are_graded_held_and_accounted():
    world = world_with_collection()
    site = world.components["site"]
    store = aged_store()
    records = hand_off(store, np.arange(100, 300), 10.0, HandOffReason.VEHICLE_RETIRED, HolderKind.FACILITY, 4)
    site.receive(store, records)
    s = site.summary()
    assert s["collection.received"] == s["collection.held"] == 200
    assert store.unaccounted() == 0
    assert 0 < s["battery.soh_est_rmse"] < 0.03  # fused estimate, sigma ~1-2 points
    assert s["battery.soh_est_within_5pct"] > 0.95
    table = site.table()
    assert list(table["passport"][:2]) == ["B000100", "B000101"]
    assert np.all(table["reason"] == "vehicle_retired")
    assert np.abs(table["soh_est"] - table["true_soh"]).max() < 0.1
    assert any(e.kind == "collection.received" and e.payload["count"] == 200 for e in world.trace.events)


def test_batteries_not_moved_to_the_site_are_refused():
    site = world_with_collection().components["site"]
    store = aged_store(10)
    records = hand_off(store, np.arange(3), 1.0, HandOffReason.PACK_REPLACED, HolderKind.FACILITY, 9)
    with pytest.raises(ValueError, match="FACILITY:4"):
        site.receive(store, records)


def test_graded_events_only_when_wanted():
    world = world_with_collection()
    got = []
    world.listen("battery.graded", got.append)
    store = aged_store(20)
    world.components["site"].receive(store, hand_off(store, np.arange(5), 1.0, HandOffReason.VEHICLE_RETIRED,
                                                     HolderKind.FACILITY, 4))
    assert [e.payload["battery"] for e in got] == [f"B00000{i}" for i in range(5)]


def test_received_table_written_as_parquet(tmp_path):
    site = world_with_collection(grade_on_receipt=False).components["site"]
    store = aged_store(10)
    site.receive(store, hand_off(store, np.arange(4), 1.0, HandOffReason.VEHICLE_RETIRED, HolderKind.FACILITY, 4))
    site.write_tables(tmp_path)
    df = pd.read_parquet(tmp_path / "site_received.parquet")
    assert len(df) == 4 and "soh_est" not in df.columns
    assert "battery.soh_est_rmse" not in site.summary()
