"""SOH estimator statistics on simulated batteries whose truth is known (fixed seeds)."""

import numpy as np
import pytest

from simcore.battery import BatteryStore, DailyStressors, HolderKind, MeasurementModel, grade


@pytest.fixture(scope="module")
def aged_fleet():
    """2000 packs aged 1-12 years under varied use, each with a hidden deviation from the model."""
    rng = np.random.default_rng(42)
    store = BatteryStore(modules_per_pack=8)
    n = 2000
    ids = store.create(n, "NMC622", 60.0, 0.0, HolderKind.VEHICLE, np.arange(n), rng)
    years = rng.uniform(1, 12, n)
    temp = rng.uniform(12, 30, n)
    dod = rng.uniform(0.1, 0.6, n)
    steps = 120
    for k in range(steps):
        alive = years * 365 > k * 365 * 12 / steps
        sel = ids[alive]
        dt = 365 * 12 / steps
        store.age(sel, DailyStressors(0.65, temp[alive], dod[alive], dod[alive] * dt, 0.2, dt))
    return store, ids


def errors(est, store, ids):
    nominal_mod = store.col("nominal_kwh")[ids][:, None] / store.modules_per_pack
    return {
        "pack": est.pack_soh - store.soh(ids),
        "measured": est.measured_pack_soh - store.soh(ids),
        "model": est.model_pack_soh - store.soh(ids),
        "module": est.module_soh - store.module_capacity_kwh(ids) / nominal_mod,
        "cathode": est.cathode_health - store.cathode_health(ids),
    }


def test_fleet_covers_a_realistic_soh_range(aged_fleet):
    store, ids = aged_fleet
    soh = store.soh(ids)
    assert soh.min() < 0.8 and soh.max() > 0.93


def test_fused_estimate_beats_each_source(aged_fleet):
    store, ids = aged_fleet
    e = errors(grade(store, ids, np.random.default_rng(7)), store, ids)
    rmse = {k: float(np.sqrt(np.mean(v**2))) for k, v in e.items()}
    assert rmse["pack"] < rmse["measured"] and rmse["pack"] < rmse["model"]


@pytest.mark.parametrize("quantity", ["pack", "module", "cathode"])
def test_at_least_95_percent_within_5_points(aged_fleet, quantity):
    store, ids = aged_fleet
    e = errors(grade(store, ids, np.random.default_rng(8)), store, ids)[quantity]
    assert np.mean(np.abs(e) <= 0.05) >= 0.95


def test_reported_sigma_is_calibrated(aged_fleet):
    store, ids = aged_fleet
    est = grade(store, ids, np.random.default_rng(9))
    z = (est.pack_soh - store.soh(ids)) / est.pack_sigma
    assert 0.8 < z.std() < 1.2 and abs(z.mean()) < 0.15


def test_longer_tests_lower_the_uncertainty_and_cost_time(aged_fleet):
    store, ids = aged_fleet
    short = grade(store, ids[:50], np.random.default_rng(1), MeasurementModel(test_time_min_per_module=5.0))
    long = grade(store, ids[:50], np.random.default_rng(1), MeasurementModel(test_time_min_per_module=40.0))
    assert np.all(long.measured_pack_sigma < short.measured_pack_sigma)
    assert np.all(long.test_time_min == 8 * 40.0) and np.all(short.test_time_min == 8 * 5.0)


def test_same_seed_same_estimates(aged_fleet):
    store, ids = aged_fleet
    a = grade(store, ids[:100], np.random.default_rng(3))
    b = grade(store, ids[:100], np.random.default_rng(3))
    assert np.array_equal(a.module_soh, b.module_soh) and np.array_equal(a.cathode_health, b.cathode_health)
