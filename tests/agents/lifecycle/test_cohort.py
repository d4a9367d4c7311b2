"""The EV cohort: sales by year, daily use and ageing, retirement, export, pack replacement, hand-off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agents.builtin_components  # noqa: F401  (registers ev_cohort, collection_point)
from agents.lifecycle.cohort import EXPORTED, ON_ROAD, RETIRED, CohortModel
from agents.lifecycle.params import CohortParams
from agents.lifecycle.sales import CohortDraw, allocate, draw_cohort, load_sales
from simcore import World
from simcore.battery import BatteryStore, HandOffReason, HolderKind, VehicleLifeParams, monthly_ambient_c
from simcore.battery.lifecycle import survival
from simcore.errors import InputError


def cohort_model(n: int, life: VehicleLifeParams, seed: int = 0, **params) -> CohortModel:
    """``n`` NMC622 EVs of 40 kWh, all sold on day 0; released packs go to FACILITY:1 (or abroad) and are
    listed in ``model.received`` (one array per hand-off)."""
    p = CohortParams(size=n, collection=None, **params)
    draw = CohortDraw(np.full(n, 2012), np.zeros(n, np.int64), np.zeros(n, np.int8), np.full(n, 40.0))
    ss = np.random.SeedSequence(seed).spawn(4)
    g = [np.random.default_rng(s) for s in ss]
    store = BatteryStore(capacity=n)
    received: list[np.ndarray] = []

    def release(ids, t_h, reason):
        if reason == HandOffReason.VEHICLE_EXPORTED:
            store.transfer(ids, t_h, HolderKind.EXPORTED, 1)
        else:
            store.transfer(ids, t_h, HolderKind.FACILITY, 1)
            received.append(ids)

    model = CohortModel(p, life, draw, store, monthly_ambient_c=monthly_ambient_c("tokyo"), first_day_of_year=0,
                        vehicle_base=0, release=release, rng_population=g[0], rng_usage=g[1], rng_life=g[2],
                        rng_batteries=g[3])
    model.received = received
    return model


def run_days(model: CohortModel, days: int) -> None:
    for d in range(days):
        model.step(d, 2012 + d // 365)


def test_allocation_is_proportional_and_exact():
    counts = allocate(1000, np.array([1.0, 2.0, 3.0, 0.0]))
    assert counts.sum() == 1000
    assert list(counts) == [167, 333, 500, 0]


def test_cohort_spreads_over_sale_years_by_sales():
    table = load_sales("ev_sales_japan.csv", 2012, 2030)
    draw = draw_cohort(table, 20_000, pd.Timestamp("2012-01-01"), np.random.default_rng(0))
    per_year = np.bincount(draw.sale_year - 2012, minlength=19)
    np.testing.assert_allclose(per_year / 20_000, table.sales / table.sales.sum(), atol=1e-4)
    assert np.all(np.diff(draw.sale_day) >= 0)  # ordered by sale
    first_2023 = (pd.Timestamp("2023-01-01") - pd.Timestamp("2012-01-01")).days
    in_2023 = draw.sale_year == 2023
    assert draw.sale_day[in_2023].min() >= first_2023 and draw.sale_day[in_2023].max() < first_2023 + 365


def test_sales_table_errors_name_the_problem(tmp_path: Path):
    bad = tmp_path / "sales.csv"
    bad.write_text("year,bev_sales,share_nmc622,share_lfp,mean_pack_kwh\n2012,10,0.5,0.4,40\n")
    with pytest.raises(InputError, match="share"):
        load_sales(bad, 2012, 2012)
    with pytest.raises(InputError, match="year"):
        load_sales("ev_sales_japan.csv", 2011, 2013)


def test_on_road_share_follows_the_survival_curve():
    life = VehicleLifeParams(export_min_age_y=99.0)
    m = cohort_model(4000, life, replace_packs=False)
    checkpoints = {int(8 * 365.25): 8.0, int(13 * 365.25): 13.0, int(18 * 365.25): 18.0}
    for d in range(int(18 * 365.25) + 1):
        m.step(d, 2012)
        if d in checkpoints:
            share = np.mean(m.status == ON_ROAD)
            expected = float(survival(np.array([(d + 1) / 365.25]), life)[0])
            sd = np.sqrt(expected * (1 - expected) / m.n)
            assert abs(share - expected) < 4 * sd + 1e-3, (checkpoints[d], share, expected)
    assert m.counts.retired == np.count_nonzero(m.status == RETIRED)


def test_exports_start_at_the_minimum_age_at_the_sourced_hazard():
    life = VehicleLifeParams(mean_vehicle_life_y=1e6)  # nobody retires: exports alone
    m = cohort_model(4000, life, replace_packs=False)
    run_days(m, int(3 * 365.25) - 1)
    assert m.counts.exported == 0
    days = int(5 * 365.25)
    for d in range(int(3 * 365.25) - 1, days):
        m.step(d, 2012)
    t_export = (days - np.ceil(3 * 365.25)) / 365.25
    expected = 1 - np.exp(-life.export_hazard_per_y * t_export)
    share = np.mean(m.status == EXPORTED)
    assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / m.n)
    exported = m.battery[m.status == EXPORTED]
    assert np.all(m.store.col("holder_kind")[exported] == HolderKind.EXPORTED)
    assert m.store.unaccounted() == 0


def test_packs_below_threshold_are_replaced_by_new_batteries():
    life = VehicleLifeParams(mean_vehicle_life_y=1e6, export_min_age_y=99.0, pack_replacement_soh_threshold=0.97)
    m = cohort_model(300, life)
    events: list[tuple[str, dict]] = []
    m.sink = lambda kind, payload: events.append((kind, payload))
    run_days(m, 2 * 365)
    received = m.received
    assert m.counts.replaced > 0
    replaced = [p for k, p in events if k == "battery.replaced"]
    handed = [p for k, p in events if k == "battery.handed_off"]
    assert len(replaced) == m.counts.replaced == len(handed) == sum(len(r) for r in received)
    assert all(p["old_soh"] < 0.97 for p in replaced)
    assert len(m.store) == 300 + m.counts.replaced
    in_cars = m.battery[m.status == ON_ROAD]
    assert np.all(m.store.col("holder_kind")[in_cars] == HolderKind.VEHICLE)
    old = np.setdiff1d(np.arange(len(m.store)), in_cars)
    assert np.all(m.store.col("holder_kind")[old] == HolderKind.FACILITY)
    assert m.store.unaccounted() == 0


def test_fast_soh_equals_the_store():
    m = cohort_model(500, VehicleLifeParams(export_min_age_y=99.0), replace_packs=False)
    run_days(m, 3 * 365)
    ids = np.arange(len(m.store))
    np.testing.assert_allclose(m.soh(ids), m.store.soh(ids), rtol=1e-6)


def test_daily_stressors_match_the_energy_driven():
    m = cohort_model(2000, VehicleLifeParams())
    m.step(0, 2012)
    evs = np.flatnonzero(m.status == ON_ROAD)
    before = m.soc[evs].copy()
    st, throughput, after = m.daily_stressors(evs, 1)
    # energy in + out over the day = 2 x EFC x nominal kWh; SOC stays within 0..1; charging only when plugged
    np.testing.assert_allclose(throughput, 2 * st.efc * 40.0)
    assert np.all((after >= 0.05) & (after <= 1.0))
    assert np.all(st.dod >= np.abs(after - before) - 1e-12)
    # mean distance driven is the configured cohort mean (out of the battery = km / km_per_kwh)
    driven_kwh = (before - after + (throughput / 40.0 - (before - after)) / 2) * 40.0
    assert np.mean(driven_kwh) * m.p.km_per_kwh == pytest.approx(m.p.km_per_day_mean, rel=0.08)


def scenario(days: int = 800, size: int = 300, **cohort) -> dict:
    """A cohort handing its packs to a collection point that trucks them to a plant (graded, recycled)."""
    return {"name": "cohort_test", "seed": 3, "clock": {"start": "2012-01-01", "days": days, "tick_minutes": 1440},
            "components": {"collection": {"type": "collection_point", "to": "plant", "lot_size_packs": 5},
                           "plant": {"type": "fourr_plant", "recycler": "recycling", "second_life": None,
                                     "usable_routes": []},
                           "recycling": {"type": "recycling_plant"},
                           "cohort": {"type": "ev_cohort", "size": size, "last_sale_year": 2013, **cohort}}}


def test_cohort_needs_a_daily_clock_and_a_real_collection_point():
    bad_clock = scenario()
    bad_clock["clock"]["tick_minutes"] = 60
    with pytest.raises(InputError, match="1440"):
        World.from_dict(bad_clock)
    with pytest.raises(InputError, match="collection"):
        World.from_dict(scenario(collection="nowhere"))


def test_every_exit_is_an_event_and_retired_packs_reach_the_collection_point(tmp_path):
    life = tmp_path / "life.csv"
    life.write_text("parameter,value\nmean_vehicle_life_y,3.0\nweibull_shape,3.5\npack_replacement_soh_threshold,0.96\n"
                    "used_ev_exports_per_y,20000\nused_ev_stock_vehicles,100000\nexport_min_age_y,1.0\n")
    world = World.from_dict(scenario(vehicle_life_file=str(life)))
    world.run()
    ev = world.trace.frame()
    kinds = ev["kind"].value_counts()
    s = world.summary()
    assert kinds["vehicle.retired"] == s["cohort.retired"] > 0
    assert kinds["vehicle.exported"] == s["cohort.exported"] > 0
    assert kinds["battery.replaced"] == s["cohort.replaced_packs"] > 0
    assert kinds["battery.handed_off"] == s["cohort.retired"] + s["cohort.exported"] + s["cohort.replaced_packs"]
    handed_in = s["collection.received_from_dealer"] + s["collection.received_from_dismantler"]
    assert handed_in == s["cohort.retired"] + s["cohort.replaced_packs"]
    assert handed_in == s["collection.held"] + s["collection.shipped"]
    assert s["battery.at_exported"] == s["cohort.exported"]
    assert s["battery.unaccounted"] == 0
    assert s["battery.count"] == (s["battery.at_vehicle"] + s.get("battery.at_facility", 0) + s["battery.at_exported"]
                                  + s.get("battery.at_recycled", 0))
    view = world.inspect("battery:B000000")
    assert view["journey"][0]["holder"] == "VEHICLE:cohort/0"
    assert s["module.unaccounted"] == 0 and s["module.count"] == 8 * s["battery.count"]


def test_yearly_tables_cover_every_year():
    world = World.from_dict(scenario(days=3 * 365 + 1))
    world.run()
    tables = world.components["cohort"].tables()
    assert list(tables["yearly"]["year"]) == [2012, 2013, 2014]
    assert tables["yearly"]["sold"].sum() == 300
    by_age = tables["soh_by_age"]
    assert set(by_age["pack_age_y"]) <= {0, 1, 2}
    assert np.all(by_age["p10_soh"] <= by_age["p90_soh"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mean_life=st.floats(1.0, 20.0), threshold=st.floats(0.5, 0.99), hazard_stock=st.floats(2e4, 1e6),
       seed=st.integers(0, 2**16))
def test_property_batteries_are_conserved_whatever_the_life_parameters(mean_life, threshold, hazard_stock, seed):
    life = VehicleLifeParams(mean_vehicle_life_y=mean_life, pack_replacement_soh_threshold=threshold,
                             used_ev_stock_vehicles=hazard_stock, export_min_age_y=0.5)
    m = cohort_model(150, life, seed=seed)
    run_days(m, 600)
    received = m.received
    st_ = m.store
    assert st_.unaccounted() == 0
    assert len(st_) == m.n + m.counts.replaced
    kinds = st_.col("holder_kind")
    assert np.count_nonzero(kinds == HolderKind.VEHICLE) == np.count_nonzero(m.status == ON_ROAD)
    assert np.count_nonzero(kinds == HolderKind.EXPORTED) == m.counts.exported
    assert np.count_nonzero(kinds == HolderKind.FACILITY) == m.counts.retired + m.counts.replaced
    assert sum(len(r) for r in received) == m.counts.retired + m.counts.replaced
