"""Problem folders: round trip, and one InputError (file, unit, column) per kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from agents.grid.dispatch import load_problem, save_problem, solve
from tests.agents.grid.dispatch.dispatch_testkit import problem, unit
from simcore.errors import InputError


def _full_problem():
    T = 3
    return problem(
        [unit("coal_1", 50, 200, [(50, 1000), (120, 1900), (200, 3100)], status=8, p0=100, min_up=4, co2=0.9),
         unit("gas_1", 10, 80, marginal=60, no_load=150, status=-3)],
        demand=[150, 260, 180], reserve=[10, 20, 10], startups=[("gas_1", 1, 50.0), ("gas_1", 6, 120.0)],
        renewables=[{"name": "pv", "period": t + 1, "p_max_mw": [0, 40, 10][t], "p_min_mw": 0} for t in range(T)],
        storage=[{"name": "ph", "p_charge_max_mw": 20, "p_discharge_max_mw": 20, "energy_max_mwh": 80,
                  "energy_min_mwh": 0, "eff_charge": 0.87, "eff_discharge": 0.87, "energy_initial_mwh": 40,
                  "energy_final_mwh": 40}],
        ev=[{"cluster": "home", "period": t + 1, "p_charge_max_mw": 5, "p_discharge_max_mw": 0,
             "energy_min_mwh": 0 if t < 2 else 6, "energy_max_mwh": 20, "energy_drive_mwh": 1} for t in range(T)],
        ev_params=[{"cluster": "home", "eff_charge": 0.92, "eff_discharge": 0.92, "energy_initial_mwh": 4}],
        carbon_price_per_t=30.0, name="full",
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    save_problem(_full_problem(), tmp_path / "p")
    return tmp_path / "p"


def test_save_and_load_round_trip_gives_the_same_optimum(folder):
    p = _full_problem()
    q = load_problem(folder)
    assert q.scalars() == p.scalars()
    for table in ("demand", "thermal", "thermal_cost", "thermal_startup", "renewables", "storage",
                  "ev_clusters", "ev_cluster_params"):
        pd.testing.assert_frame_equal(getattr(q, table), getattr(p, table), check_dtype=False)
    assert solve(q, gap=0).objective == pytest.approx(solve(p, gap=0).objective, rel=1e-9)


def test_extra_columns_are_kept(folder):
    df = pd.read_csv(folder / "thermal.csv")
    df["fuel"] = ["coal", "gas"]
    df.to_csv(folder / "thermal.csv", index=False)
    assert load_problem(folder).thermal["fuel"].tolist() == ["coal", "gas"]


def _edit(folder: Path, fname: str, fn) -> None:
    df = pd.read_csv(folder / fname)
    df = fn(df)
    df.to_csv(folder / fname, index=False)


def _set(unit_col: str, name: str, col: str, value):
    def fn(df):
        df[col] = df[col].astype(object)
        df.loc[df[unit_col] == name, col] = value
        return df
    return fn


BAD = [
    # (file, edit, words that must appear in the key path / message)
    ("thermal.csv", lambda df: df.drop(columns="ramp_up_mw_per_h"), ["column ramp_up_mw_per_h", "missing"]),
    ("thermal.csv", _set("name", "gas_1", "p_min_mw", 90), ["unit 'gas_1', column p_min_mw", "<= p_max_mw"]),
    ("thermal.csv", _set("name", "coal_1", "initial_status_h", 0), ["unit 'coal_1', column initial_status_h"]),
    ("thermal.csv", _set("name", "coal_1", "co2_t_per_mwh", -1), ["unit 'coal_1', column co2_t_per_mwh", ">= 0"]),
    ("thermal.csv", _set("name", "gas_1", "startup_mw", 5), ["unit 'gas_1', column startup_mw", ">= p_min_mw"]),
    ("thermal.csv", _set("name", "gas_1", "must_run", 2), ["unit 'gas_1', column must_run"]),
    ("thermal.csv", lambda df: pd.concat([df, df.iloc[[0]]]), ["unit 'coal_1', column name", "each name once"]),
    ("thermal_cost.csv", _set("p_mw", 120, "cost_per_h", 2600), ["unit 'coal_1', column cost_per_h", "convex"]),
    ("thermal_cost.csv", lambda df: df[~((df["name"] == "coal_1") & (df["p_mw"] == 50))],
     ["unit 'coal_1', column p_mw", "p_min_mw"]),
    ("thermal_cost.csv", lambda df: df[~((df["name"] == "coal_1") & (df["p_mw"] == 200))],
     ["unit 'coal_1', column p_mw", "p_max_mw"]),
    ("thermal_cost.csv", _set("name", "gas_1", "name", "gas_9"), ["unit 'gas_9', column name", "thermal.csv"]),
    ("thermal_startup.csv", _set("lag_h", 6, "cost", 10), ["unit 'gas_1', column cost", "colder start"]),
    ("thermal_startup.csv", _set("lag_h", 1, "lag_h", 5), ["unit 'gas_1', column lag_h", "min_down_h"]),
    ("demand.csv", lambda df: df[df["period"] != 2], ["column period", "period 2 missing"]),
    ("demand.csv", _set("period", 3, "period", 4), ["period 4, column period", "1..3"]),
    ("demand.csv", _set("period", 2, "demand_mw", -5), ["period 2, column demand_mw", ">= 0"]),
    ("demand.csv", _set("period", 2, "reserve_mw", "lots"), ["period 2, column reserve_mw"]),
    ("renewables.csv", _set("period", 2, "p_min_mw", 50), ["unit 'pv', period 2, column p_min_mw"]),
    ("storage.csv", _set("name", "ph", "eff_charge", 1.2), ["unit 'ph', column eff_charge", "(0, 1]"]),
    ("storage.csv", _set("name", "ph", "energy_initial_mwh", 100), ["unit 'ph', column energy_initial_mwh"]),
    ("storage.csv", _set("name", "ph", "reserve_max_mw", -1), ["unit 'ph', column reserve_max_mw", ">= 0"]),
    ("storage.csv", _set("name", "ph", "reserve_duration_h", "long"), ["unit 'ph', column reserve_duration_h"]),
    ("ev_clusters.csv", _set("period", 3, "energy_min_mwh", 50), ["cluster 'home', period 3, column energy_min_mwh"]),
    ("ev_clusters.csv", _set("period", 1, "cluster", "work"), ["cluster 'work'", "ev_cluster_params.csv"]),
    ("ev_cluster_params.csv", _set("cluster", "home", "eff_discharge", 0), ["cluster 'home', column eff_discharge"]),
    ("ev_cluster_params.csv", _set("cluster", "home", "discharge_cost_per_mwh", -5),
     ["cluster 'home', column discharge_cost_per_mwh", ">= 0"]),
    ("ev_cluster_params.csv", _set("cluster", "home", "energy_final_value_per_mwh", -1),
     ["cluster 'home', column energy_final_value_per_mwh", ">= 0"]),
    ("ev_cluster_params.csv", _set("cluster", "home", "provides_reserve", 2),
     ["cluster 'home', column provides_reserve", "0 or 1"]),
    ("ev_cluster_params.csv", _set("cluster", "home", "reserve_duration_h", -1),
     ["cluster 'home', column reserve_duration_h", ">= 0"]),
    ("ev_clusters.csv", _set("period", 2, "p_charge_min_mw", 1e6),
     ["cluster 'home', period 2, column p_charge_min_mw", "<= p_charge_max_mw"]),
    ("ev_clusters.csv", _set("period", 2, "p_discharge_min_mw", -1),
     ["cluster 'home', period 2, column p_discharge_min_mw", ">= 0"]),
]


@pytest.mark.parametrize("fname, edit, words", BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_table_raises_input_error_naming_file_row_and_column(folder, fname, edit, words):
    _edit(folder, fname, edit)
    with pytest.raises(InputError) as exc:
        load_problem(folder)
    assert exc.value.file.endswith(fname)
    for w in words:
        assert w in exc.value.message, exc.value.message


@pytest.mark.parametrize("key, value, words", [
    ("periods", 0, ["periods", "integer in 1..100000"]),
    ("period_hours", -1, ["period_hours", "> 0"]),
    ("carbon_price_per_t", "high", ["carbon_price_per_t"]),
    ("unserved_penalty", 5, ["unserved_penalty", "one of keys"]),
    ("storage_final_penalty_per_mwh", -3, ["storage_final_penalty_per_mwh", "number > 0"]),
])
def test_bad_problem_json_raises_input_error(folder, key, value, words):
    raw = json.loads((folder / "problem.json").read_text())
    raw[key] = value
    (folder / "problem.json").write_text(json.dumps(raw))
    with pytest.raises(InputError) as exc:
        load_problem(folder)
    assert exc.value.file.endswith("problem.json")
    for w in words:
        assert w in exc.value.message


def test_missing_required_file_is_named(folder):
    (folder / "thermal_cost.csv").unlink()
    with pytest.raises(InputError, match="thermal_cost.csv"):
        load_problem(folder)


def test_optional_tables_may_be_absent(folder):
    for f in ("renewables.csv", "storage.csv", "ev_clusters.csv", "ev_cluster_params.csv", "thermal_startup.csv"):
        (folder / f).unlink()
    p = load_problem(folder)
    assert p.renewable_names == [] and p.storage_names == [] and p.cluster_names == []
    assert solve(p).status == "optimal"


def test_storage_final_penalty_survives_a_save_and_load(tmp_path):
    p = _full_problem()
    p.storage_final_penalty_per_mwh = 1234.0
    save_problem(p, tmp_path / "p")
    q = load_problem(tmp_path / "p")
    assert q.storage_final_penalty_per_mwh == 1234.0 and q.storage_final_penalty == 1234.0
    assert load_problem(_saved_default(tmp_path)).storage_final_penalty == q.unserved_penalty_per_mwh


def _saved_default(tmp_path):
    save_problem(_full_problem(), tmp_path / "d")
    return tmp_path / "d"
