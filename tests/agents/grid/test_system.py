"""Kyushu 2030 system tables and day problems (agents.grid.system, agents.grid.profiles)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from agents.grid import profiles as P
from agents.grid import system as S
from agents.grid.dispatch.problem import load_problem
from simcore.cli import main
from simcore.errors import InputError

AUG1 = slice("2030-08-01 00:00", "2030-08-01 23:00")


@pytest.fixture(scope="module")
def ks() -> S.KyushuSystem:
    return S.load_system()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "kyushu"
    shutil.copytree(S.DATA_DIR, dst)
    return dst


# ---------------------------------------------------------------------- demand
def test_annual_demand_is_kyushu_share_of_national_864_twh(ks):
    share = ks.params["kyushu_share_pct"] / 100.0
    assert ks.hourly["demand_mw"].sum() / 1e6 == pytest.approx(864.0 * share, rel=1e-6)
    assert ks.params["national_demand_2030_twh"] == 864


def test_1_august_peak_is_17_2_gw_on_a_weekday_afternoon(ks):
    day = ks.hourly.loc[AUG1]
    assert day["demand_mw"].max() == pytest.approx(17200.0, abs=0.01)
    assert 11 <= int(day["demand_mw"].to_numpy().argmax()) <= 17
    assert set(day["day_type"]) == {"weekday"}


def test_demand_shape_is_plausible_for_kyushu(ks):
    d = ks.hourly["demand_mw"]
    # annual peak close to the 1 August peak, summer above winter, load factor near 57 %
    assert 17200 <= d.max() <= 1.05 * 17200
    assert d["2030-01"].max() < d["2030-08"].max()
    assert 0.5 < d.mean() / d.max() < 0.65
    assert 5500 < d.min() < 8000
    # weekends lower than weekdays in the same month
    may = ks.hourly.loc["2030-06"]
    assert may.loc[may["day_type"] == "holiday", "demand_mw"].mean() < may.loc[may["day_type"] == "weekday", "demand_mw"].mean()


# ---------------------------------------------------------------------- PV and wind
def test_pv_and_wind_capacity_factors_in_sourced_ranges(ks):
    h = ks.hourly
    pv_cf = h["pv_actual_mw"].mean() / ks.params["pv_capacity_mw"]
    wind_cf = h["wind_actual_mw"].mean() / ks.params["wind_capacity_mw"]
    assert 0.125 <= pv_cf <= 0.145
    assert 0.20 <= wind_cf <= 0.25
    assert h["pv_actual_mw"].max() <= ks.params["pv_capacity_mw"]
    night = h.index.hour.isin([0, 1, 2, 3, 22, 23])
    assert h.loc[night, "pv_actual_mw"].max() == 0.0


def test_forecasts_differ_from_actuals_with_stated_error_statistics(ks):
    h = ks.hourly
    day = h["pv_forecast_mw"] + h["pv_actual_mw"] > 0
    pv_err = (h.loc[day, "pv_forecast_mw"] - h.loc[day, "pv_actual_mw"]) / ks.params["pv_capacity_mw"]
    wind_err = (h["wind_forecast_mw"] - h["wind_actual_mw"]) / ks.params["wind_capacity_mw"]
    # documented in SOURCES.md: PV daylight RMSE 6.0 % of capacity, wind 5.3 %, both unbiased
    assert 0.04 <= math.sqrt((pv_err ** 2).mean()) <= 0.08
    assert 0.04 <= math.sqrt((wind_err ** 2).mean()) <= 0.09
    assert abs(pv_err.mean()) < 0.01 and abs(wind_err.mean()) < 0.01
    # day-ahead daily PV energy error: relative spread of the same order as the clearness-index error
    daily = h[["pv_actual_mw", "pv_forecast_mw"]].resample("D").sum()
    rel = (daily["pv_forecast_mw"] - daily["pv_actual_mw"]) / daily["pv_actual_mw"]
    assert 0.08 < rel.std() < 0.35


def test_1_august_is_sunny_in_actuals_and_forecast(ks):
    aug = ks.hourly.loc["2030-08", ["pv_actual_mw", "pv_forecast_mw"]].resample("D").sum()
    for col in aug:
        assert aug.loc["2030-08-01", col] >= aug[col].quantile(0.8)


def test_reserve_is_demand_share_plus_share_of_forecast_renewables(ks):
    h, p = ks.hourly, ks.params
    expected = (p["reserve_demand_pct"] * h["demand_mw"]
                + p["reserve_vre_pct"] * (h["pv_forecast_mw"] + h["wind_forecast_mw"])) / 100.0
    np.testing.assert_allclose(h["reserve_mw"], expected, atol=0.002)


# ---------------------------------------------------------------------- fleet
def test_thermal_co2_factors_are_the_studys(ks):
    factors = ks.thermal.groupby("fuel")["co2_t_per_mwh"].unique()
    assert {k: list(v) for k, v in factors.items()} == {"coal": [0.795], "lng": [0.376], "oil": [0.695]}


def test_nuclear_is_off_only_during_its_outage(ks):
    g3 = ks.hourly["genkai_3_mw"]
    assert (g3["2030-04-08":"2030-06-11"] == 0).all()
    assert g3["2030-04-07"].min() == pytest.approx(1180 * 0.96)
    assert g3["2030-06-12"].min() == pytest.approx(1180 * 0.96)


def test_every_hour_has_enough_capacity_and_no_forced_overgeneration(ks):
    h = ks.hourly
    firm = (ks.thermal["p_max_mw"].sum() + ks.inputs.storage["p_discharge_max_mw"].sum()
            + h[S._must_take_columns(ks)].sum(axis=1))
    available = firm + h["pv_forecast_mw"] + h["wind_forecast_mw"]
    assert (available >= h["demand_mw"] + h["reserve_mw"]).all()
    fixed = [f"{r.name}_mw" for r in ks.inputs.must_take.itertuples() if not r.curtailable] + [
        f"{n}_mw" for n in ks.inputs.nuclear["name"]]
    assert (h[fixed].sum(axis=1) <= h["demand_mw"]).all()


def test_derived_tables_are_up_to_date_and_deterministic(tmp_path):
    dst = tmp_path / "regen"
    shutil.copytree(S.DATA_DIR, dst)
    for name in ("thermal_units", "thermal_cost", "thermal_startup", "hourly"):
        (dst / S.FILES[name]).unlink()
    P.write_derived(dst)
    for name in ("thermal_units", "thermal_cost", "thermal_startup", "hourly"):
        assert (dst / S.FILES[name]).read_bytes() == (S.DATA_DIR / S.FILES[name]).read_bytes(), name


# ---------------------------------------------------------------------- day problems
def test_day_problem_day_ahead_uses_forecasts_and_intraday_actuals(ks):
    da = S.day_problem(ks, "2030-08-01", "day_ahead")
    intra = S.day_problem(ks, "2030-08-01", "intraday")
    h = ks.hourly.loc[AUG1]
    assert da.periods == 24 and da.period_hours == 1.0
    np.testing.assert_allclose(da.demand["demand_mw"], h["demand_mw"])
    pv = lambda p: p.renewables[p.renewables["name"] == "pv"]["p_max_mw"].to_numpy()
    np.testing.assert_allclose(pv(da), h["pv_forecast_mw"])
    np.testing.assert_allclose(pv(intra), h["pv_actual_mw"])
    pd.testing.assert_frame_equal(da.demand, intra.demand)
    assert da.carbon_price_per_t == 20000.0


def test_day_problem_fixes_nuclear_and_lets_pv_be_curtailed(ks):
    p = S.day_problem(ks, "2030-08-01")
    r = p.renewables.set_index("name")
    assert (r.loc["nuclear_genkai_3", "p_min_mw"] == r.loc["nuclear_genkai_3", "p_max_mw"]).all()
    assert (r.loc["pv", "p_min_mw"] == 0).all() and (r.loc["biomass", "p_min_mw"] == 0).all()


def test_day_problem_peak_is_covered_by_capacity(ks):
    p = S.day_problem(ks, "2030-08-01")
    ren_max = p.renewables.groupby("period")["p_max_mw"].sum().to_numpy()
    supply = p.thermal["p_max_mw"].sum() + p.storage["p_discharge_max_mw"].sum() + ren_max
    assert (supply >= p.demand["demand_mw"] + p.demand["reserve_mw"]).all()


def test_pumped_hydro_storage_table(ks):
    st = S.storage_table(ks).set_index("name")
    eff = math.sqrt(0.7)
    assert st.loc["omarugawa", "energy_max_mwh"] == pytest.approx(1200 * 7 / eff, abs=0.01)
    assert st.loc["omarugawa", "eff_charge"] * st.loc["omarugawa", "eff_discharge"] == pytest.approx(0.7)
    assert st["p_discharge_max_mw"].sum() == 2300
    assert (st["energy_initial_mwh"] == st["energy_final_mwh"]).all()
    # shipped: each plant may hold half its turbine capacity as LFC reserve (SOURCES.md A18)
    assert st["reserve_max_mw"].to_dict() == {"omarugawa": 600, "ohira": 250, "tenzan": 300}


def test_storage_lfc_share_sets_each_plants_reserve_cap(data_copy):
    _edit(data_copy / "system_params.csv", "storage_lfc_pct,50,", "storage_lfc_pct,20,")
    st = S.storage_table(S.load_system(data_copy)).set_index("name")
    assert st["reserve_max_mw"].to_dict() == {"omarugawa": 240, "ohira": 100, "tenzan": 120}


def test_only_gas_turbine_combined_cycle_shafts_are_quick_start(ks):
    p = S.day_problem(ks, "2030-08-01", "intraday").validate()
    quick = p.thermal.set_index("name")["quick_start"]
    tech = ks.thermal.set_index("name")["technology"]
    assert set(quick[quick == 1].index) == set(tech[tech == "lng_cc"].index)
    assert len(quick[quick == 1]) == 14


def test_default_initial_state_commits_cheapest_units_for_first_hour(ks):
    init = S.default_initial_state(ks, "2030-08-01").thermal.set_index("name")
    on = init[init["initial_status_h"] > 0]
    assert len(on) > 0
    order = ks.thermal.set_index("name")["full_load_cost_jpy_per_mwh"]
    assert order[on.index].max() <= order[init[init["initial_status_h"] < 0].index].min()
    t = ks.thermal.set_index("name")
    assert (on["initial_p_mw"] >= t.loc[on.index, "p_min_mw"] - 1e-6).all()


def test_edited_technology_table_reaches_units_startups_and_initial_state(data_copy):
    """A sensitivity copy of the tables (grid.system_dir) carries an edited technology row everywhere."""
    _edit(data_copy / "thermal_technology.csv", "coal_steam,30,60,0,8,8,8,0.05,8,12,48,",
          "coal_steam,30,60,0,24,48,8,0.05,48,72,120,")
    P.write_derived(data_copy)
    ks = S.load_system(data_copy)
    coal = ks.thermal[ks.thermal["technology"] == "coal_steam"]
    assert (coal["min_up_h"] == 24).all() and (coal["min_down_h"] == 48).all()
    lags = pd.read_csv(data_copy / S.FILES["thermal_startup"]).groupby("name")["lag_h"].apply(sorted)
    assert all(lags[n] == [48, 72, 120] for n in coal["name"])
    init = S.default_initial_state(ks, "2030-04-14").thermal.set_index("name")
    off = init.loc[coal["name"], "initial_status_h"]
    off = off[off < 0]
    assert len(off) > 0 and (off == -48).all()
    p = S.day_problem(ks, "2030-04-14", "day_ahead").validate()
    assert (p.thermal.set_index("name").loc[coal["name"], "min_down_h"] == 48).all()


def test_multi_day_problem_and_range_checks(ks):
    p = S.day_problem(ks, "2030-12-30", days=2)
    assert p.periods == 48
    with pytest.raises(InputError, match="inside 2030"):
        S.day_problem(ks, "2030-12-31", days=2)
    with pytest.raises(InputError, match="stage"):
        S.day_problem(ks, "2030-08-01", stage="tomorrow")


def test_cli_writes_a_problem_folder_that_loads(tmp_path, capsys):
    assert main(["kyushu-day", "2030-08-01", "--out", str(tmp_path / "p")]) == 0
    assert "kyushu_2030_2030-08-01_1d_day_ahead" in capsys.readouterr().out
    loaded = load_problem(tmp_path / "p")
    assert loaded.periods == 24 and len(loaded.thermal) == len(S.load_system().thermal)


# ---------------------------------------------------------------------- bad tables
def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("fname, old, new, parts", [
    ("thermal_plants.csv", "reihoku_1,Reihoku,Kyushu Electric,coal,coal_steam,700,",
     "reihoku_1,Reihoku,Kyushu Electric,coal,coal_steam,-700,", ["row 6 (name 'reihoku_1')", "p_max_mw", "-700", "> 0"]),
    ("thermal_plants.csv", "buzen_1,Buzen,Kyushu Electric,oil,", "buzen_1,Buzen,Kyushu Electric,diesel,",
     ["buzen_1", "column fuel", "diesel", "fuels.csv"]),
    ("thermal_technology.csv", "coal_steam,30,60,0,8,8,8,0.05,8,", "coal_steam,30,60,0,8,8,8,0.05,10,",
     ["coal_steam", "hot_lag_h", "<= min_down_h"]),
    ("system_params.csv", "kyushu_share_pct,10.0,", "kyushu_share_pct,ten,", ["kyushu_share_pct", "value", "ten"]),
    ("nuclear.csv", "genkai_4,Genkai,1180,4,2030-10-14", "genkai_4,Genkai,1180,4,2030-13-14",
     ["genkai_4", "outage_start", "YYYY-MM-DD"]),
    ("storage_units.csv", "tenzan,650,600,6,70", "tenzan,650,600,6,170", ["tenzan", "round_trip_eff_pct", "<= 100"]),
    ("thermal_technology.csv", "2.0,4.0,7.0,0\noil", "2.0,4.0,7.0,2\noil", ["lng_steam", "quick_start", "2"]),
    ("system_params.csv", "storage_lfc_pct,50,", "storage_lfc_pct,150,", ["storage_lfc_pct", "150"]),
    ("must_take.csv", ",35,0,precipitation,", ",35,0,snowmelt,", ["hydro_conventional", "monthly_profile", "snowmelt"]),
])
def test_bad_table_names_file_row_column_value_and_allowed(data_copy, fname, old, new, parts):
    _edit(data_copy / fname, old, new)
    with pytest.raises(InputError) as exc:
        S.load_system(data_copy)
    msg = str(exc.value)
    assert fname in msg
    for part in parts:
        assert part in msg


def test_missing_param_and_short_hourly_table_are_rejected(data_copy):
    path = data_copy / "hourly_2030.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(InputError, match="exactly 8760 data rows"):
        S.load_system(data_copy)
    params = data_copy / "system_params.csv"
    params.write_text("\n".join(l for l in params.read_text().splitlines() if not l.startswith("seed,")) + "\n")
    with pytest.raises(InputError, match="key seed"):
        S.load_inputs(data_copy)


def test_pv_above_capacity_in_hourly_table_is_rejected(data_copy):
    path = data_copy / "hourly_2030.csv"
    df = pd.read_csv(path)
    df.loc[4000, "pv_actual_mw"] = 30000.0
    df.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"row 4002 .*pv_actual_mw.*installed capacity 21800"):
        S.load_system(data_copy)


# ---------------------------------------------------------------------- solved day
@pytest.mark.slow
def test_1_august_holds_its_reserve_when_shortfall_is_priced_high(ks):
    """docs/dispatch.md: the shipped day is short of reserve by choice (priced), not by infeasibility."""
    from agents.grid.dispatch.solve import solve

    problem = S.day_problem(ks, "2030-08-01", "day_ahead")
    priced = solve(problem, gap=1e-3)
    assert 0 < priced.reserve_shortfall_mwh < 20
    problem.reserve_shortfall_penalty_per_mwh = 1e7
    strict = solve(problem, gap=1e-3)
    assert strict.reserve_shortfall_mwh == 0 and strict.unserved_mwh == 0


@pytest.mark.slow
def test_1_august_day_ahead_dispatch_is_plausible(ks):
    from agents.grid.dispatch.solve import DispatchSession

    problem = S.day_problem(ks, "2030-08-01", "day_ahead")
    session = DispatchSession(problem, gap=5e-3, time_limit_s=120)
    r = session.solve()
    assert r.unserved_mwh == 0 and r.overgeneration_mwh == 0
    thermal = r.system["thermal_mw"]
    # midday thermal at its low point, evening ramp-up after sunset (study, Fig. 15)
    assert thermal.loc[11:14].max() < 0.3 * thermal.loc[17:22].max()
    ph_dis = r.storage_discharge_mw.sum(axis=1)
    ph_ch = r.storage_charge_mw.sum(axis=1)
    assert ph_ch.loc[9:14].sum() > 0 and ph_dis.loc[9:14].sum() == 0
    assert ph_dis.loc[17:22].max() > 1000          # pumped hydro generates in the evening ramp
    # day CO2 of the order of an annual 7 Mt divided by 365 days (a peak day: above the mean)
    assert 15_000 < r.co2_t < 60_000
    # intraday on actual PV with the day-ahead commitment, then carry the state into 2 August
    intra = session.redispatch(S.day_problem(ks, "2030-08-01", "intraday"), r.commitment)
    assert intra.unserved_mwh == 0
    state = S.carry_over(problem, intra)
    nxt = S.day_problem(ks, "2030-08-02", "day_ahead", initial=state)
    on_end = r.commitment.iloc[-1]
    t = nxt.thermal.set_index("name")
    assert ((t["initial_status_h"] > 0) == (on_end[t.index] == 1)).all()


def test_annual_estimate_scales_monthly_means_by_days_in_month():
    samples = pd.DataFrame({"month": np.repeat(np.arange(1, 13), 2), "co2_intraday_t": 1.0})
    assert S.annual_estimate_t(samples) == pytest.approx(365.0)
    jan = pd.DataFrame({"month": [1, 1], "co2_intraday_t": [10.0, 30.0]})
    assert S.annual_estimate_t(jan) == pytest.approx(20.0 * 31 * 12)
