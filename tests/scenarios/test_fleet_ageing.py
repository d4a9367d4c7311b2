"""scenarios/fleet_ageing.yaml: a cohort sold 2012-2030 aged to 2040 at daily resolution."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agents.builtin_components  # noqa: F401
from simcore.battery.lifecycle import VehicleLifeParams, survival
from simcore.runner import run_scenario
from simcore.scenario.loader import load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "fleet_ageing.yaml"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("fleet_ageing") / "small"
    return run_scenario(load_scenario(SCENARIO, variant="small"), out=out)


def test_results_folder_has_the_kpis_and_yearly_tables(small_run):
    out, _ = small_run
    summary = json.loads((out / "summary.json").read_text())
    for key in ("battery.mean_soh_at_10y", "battery.soh_est_rmse", "battery.soh_est_within_band", "battery.unaccounted"):
        assert key in summary
    assert summary["battery.unaccounted"] == 0 and summary["module.unaccounted"] == 0
    assert 0.6 < summary["battery.mean_soh_at_10y"] < 1.0
    assert summary["battery.soh_est_within_band"] >= 0.95
    yearly = pd.read_parquet(out / "cohort_yearly.parquet")
    assert list(yearly["year"]) == list(range(2012, 2041))
    assert yearly["sold"].sum() == summary["cohort.sold"] == 2000
    by_age = pd.read_parquet(out / "cohort_soh_by_age.parquet")
    assert {"year", "pack_age_y", "packs", "mean_soh", "p10_soh", "p50_soh", "p90_soh"} <= set(by_age.columns)
    passports = pd.read_parquet(out / "batteries_passports.parquet")
    graded = passports["grade_soh_est"].notna()
    assert graded.sum() == summary["fourr.graded"] > 0
    assert (passports.loc[graded, "grade_soh_est"] - passports.loc[graded, "grade_true_soh"]).abs().max() < 0.1


def test_soh_at_milestone_ages_by_vintage_and_chemistry(small_run):
    out, world = small_run
    at = pd.read_parquet(out / "cohort_soh_at_age.parquet")
    assert {"vintage", "chemistry", "age_y", "packs", "mean_soh", "sd_soh"} <= set(at.columns)
    assert set(at["age_y"]) <= {5, 8, 10, 12} and at["vintage"].between(2012, 2040 - 5).all()
    assert (at["vintage"] + at["age_y"] <= 2040).all()  # no pack is seen older than the horizon allows
    mean = lambda d: float(np.average(d["mean_soh"], weights=d["packs"]))  # noqa: E731
    early = at[(at["chemistry"] == "LMO") & (at["age_y"] == 5)]
    modern = at[(at["chemistry"] == "NMC622") & (at["age_y"] == 5)]
    assert mean(early) < mean(modern) - 0.03  # the LMO-blend packs age faster (lmo_leaf law)
    for age in (5, 8):  # SOH falls with age within the early vintages
        assert mean(at[(at["chemistry"] == "LMO") & (at["age_y"] == age)]) > mean(
            at[(at["chemistry"] == "LMO") & (at["age_y"] == age + (3 if age == 5 else 2))])


def test_batteries_are_conserved_through_the_whole_run(small_run):
    _, world = small_run
    s = world.summary()
    store = world.batteries
    assert store.unaccounted() == 0 and store.modules_unaccounted() == 0
    assert len(store) == s["cohort.sold"] + s["cohort.replaced_packs"]
    assert s["battery.at_vehicle"] == s["cohort.on_road"]
    assert s.get("battery.at_facility", 0) + s.get("battery.at_recycled", 0) == s["cohort.retired"] + s["cohort.replaced_packs"]
    assert s["battery.at_exported"] == s["cohort.exported"]


def test_exits_are_events(small_run):
    out, world = small_run
    events = pd.read_parquet(out / "events.parquet")
    kinds = events["kind"].value_counts()
    s = world.summary()
    assert kinds.get("vehicle.retired", 0) == s["cohort.retired"] > 0
    assert kinds.get("vehicle.exported", 0) == s["cohort.exported"] > 0
    assert kinds.get("battery.handed_off", 0) == s["cohort.retired"] + s["cohort.exported"] + s["cohort.replaced_packs"]


def test_early_cohorts_leave_the_road_as_survival_and_exports_predict(small_run):
    _, world = small_run
    m = world.components["cohort"].model
    life = VehicleLifeParams.from_csv()
    early = m.draw.sale_year <= 2014
    age_end = (world.clock.days - m.draw.sale_day[early]) / 365.25
    # on the road at the end: survived retirement and was not exported (hazards compete)
    exp_years = np.maximum(age_end - life.export_min_age_y, 0)
    expected = np.mean(survival(age_end, life) * np.exp(-life.export_hazard_per_y * exp_years))
    got = np.mean(m.status[early] == 1)
    assert abs(got - expected) < 4 * np.sqrt(max(expected * (1 - expected), 1e-4) / early.sum()) + 0.005


def test_same_seed_same_results(small_run, tmp_path):
    out, _ = small_run
    again, _ = run_scenario(load_scenario(SCENARIO, variant="small"), out=tmp_path / "again")
    assert (out / "summary.json").read_bytes() == (again / "summary.json").read_bytes()
    for name in ("cohort_yearly.parquet", "cohort_soh_by_age.parquet", "events.parquet", "timeseries.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / name), pd.read_parquet(again / name))


@pytest.mark.slow
def test_full_scenario_50k(tmp_path):
    out, world = run_scenario(load_scenario(SCENARIO), out=tmp_path / "full")
    s = world.summary()
    assert s["battery.unaccounted"] == 0
    assert s["cohort.sold"] == 50_000
    assert s["battery.packs_seen_at_10y"] > 10_000
    assert s["battery.soh_est_within_band"] >= 0.95
