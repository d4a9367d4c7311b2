"""Synthesise the Kyushu 2030 hourly profiles and the derived thermal tables (deterministic, seeded).

Inputs are the hand-written, sourced tables of ``scenarios/data/kyushu_2030/`` (see its SOURCES.md);
outputs are the derived tables in the same folder:

- ``hourly_2030.csv``: 8760 rows of demand, temperature, PV / wind actual and day-ahead forecast,
  must-take hydro / geothermal / biomass / nuclear output and the LFC reserve requirement;
- ``thermal_units.csv``, ``thermal_cost.csv``, ``thermal_startup.csv``: the thermal fleet in the
  dispatch problem-folder format, built from plants x technology x fuel.

Regenerate with ``python -m agents.grid.profiles [folder]``; the same inputs and seed give
bit-identical files (a test checks the stored files are up to date).

Models, each a few lines (docs/kyushu_2030.md gives the equations):
solar geometry (Spencer 1971) -> extraterrestrial and Haurwitz clear-sky irradiance; daily clearness
index from the Angstrom-Prescott relation on sunshine normals plus an AR(1) weather process; wind as an
AR(1) latent Gaussian mapped through a Beta distribution of capacity factor; demand as an hourly base
shape by day type, scaled by a heating/cooling response to an hourly temperature, then fitted
(affine) to the annual energy and the 1 August peak.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import beta as beta_dist
from scipy.stats import norm

from agents.grid import system as S
from simcore.errors import InputError

YEAR = 2030
HOURS = 8760
SOLAR_CONSTANT_W_M2 = 1361.0  # Kopp & Lean 2011


# ---------------------------------------------------------------------- time axis and calendar
def hour_index(year: int = YEAR) -> pd.DatetimeIndex:
    """Hour-beginning local (JST) timestamps of a non-leap year."""
    idx = pd.date_range(f"{year}-01-01", periods=HOURS, freq="h")
    if idx[-1].year != year:
        raise ValueError("only non-leap years are supported")
    return idx


def day_types(days: pd.DatetimeIndex, holidays: pd.DataFrame) -> np.ndarray:
    """weekday / saturday / holiday per day: Sundays are holidays, listed dates override."""
    out = np.where(days.day_of_week == 6, "holiday", np.where(days.day_of_week == 5, "saturday", "weekday"))
    over = dict(zip(holidays["date"].dt.normalize(), holidays["day_type"]))
    for i, d in enumerate(days):
        if d in over and not (out[i] == "holiday" and over[d] == "saturday"):
            out[i] = over[d]
    return out.astype(object)


def _monthly_to_daily(days: pd.DatetimeIndex, monthly: np.ndarray) -> np.ndarray:
    """Periodic linear interpolation of 12 monthly means placed at mid-month."""
    mid = np.array([pd.Timestamp(YEAR, m, 15).day_of_year for m in range(1, 13)], dtype=float)
    x = np.concatenate([mid - 365, mid, mid + 365])
    y = np.tile(np.asarray(monthly, dtype=float), 3)
    return np.interp(days.day_of_year.to_numpy(dtype=float), x, y)


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) with unit variance."""
    e = rng.standard_normal(n)
    z = np.empty(n)
    z[0] = e[0]
    s = np.sqrt(1.0 - phi * phi)
    for i in range(1, n):
        z[i] = phi * z[i - 1] + s * e[i]
    return z


# ---------------------------------------------------------------------- solar
def solar_position(idx: pd.DatetimeIndex, lat_deg: float, lon_deg: float, utc_offset_h: float):
    """cos(zenith) at mid-hour, extraterrestrial normal irradiance factor, and declination (rad)."""
    doy = idx.day_of_year.to_numpy(dtype=float)
    b = 2 * np.pi * (doy - 1) / 365.0
    decl = (0.006918 - 0.399912 * np.cos(b) + 0.070257 * np.sin(b) - 0.006758 * np.cos(2 * b)
            + 0.000907 * np.sin(2 * b) - 0.002697 * np.cos(3 * b) + 0.00148 * np.sin(3 * b))
    eot_min = 229.18 * (0.000075 + 0.001868 * np.cos(b) - 0.032077 * np.sin(b)
                        - 0.014615 * np.cos(2 * b) - 0.040849 * np.sin(2 * b))
    e0 = (1.000110 + 0.034221 * np.cos(b) + 0.001280 * np.sin(b) + 0.000719 * np.cos(2 * b)
          + 0.000077 * np.sin(2 * b))
    clock = idx.hour.to_numpy(dtype=float) + 0.5
    solar_time = clock + (4.0 * (lon_deg - 15.0 * utc_offset_h) + eot_min) / 60.0
    omega = np.radians(15.0 * (solar_time - 12.0))
    phi = np.radians(lat_deg)
    cosz = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(omega)
    return cosz, e0, decl


def pv_profiles(idx, climate, params, rng_weather, rng_forecast, sunny_day: pd.Timestamp):
    """PV actual and day-ahead forecast (MW) plus the daily clearness indices (actual, forecast)."""
    p = params
    cosz, e0, decl = solar_position(idx, p["latitude_deg"], p["longitude_deg"], p["utc_offset_h"])
    cz = np.clip(cosz, 0.0, None)
    g0 = SOLAR_CONSTANT_W_M2 * e0 * cz                       # extraterrestrial horizontal, W/m2
    with np.errstate(divide="ignore", invalid="ignore"):
        gcs = np.where(cz > 0.01, 1098.0 * cz * np.exp(-0.057 / np.maximum(cz, 0.01)), 0.0)  # Haurwitz
    ndays = HOURS // 24
    days = idx[::24]
    h0_day = g0.reshape(ndays, 24).sum(axis=1)               # Wh/m2/day
    cs_day = gcs.reshape(ndays, 24)
    shape = cs_day / cs_day.sum(axis=1, keepdims=True)
    # monthly mean clearness: Angstrom-Prescott on sunshine normals, S0 = astronomical day length
    phi = np.radians(p["latitude_deg"])
    decl_d = decl[::24]
    daylen = 24.0 / np.pi * np.arccos(np.clip(-np.tan(phi) * np.tan(decl_d), -1, 1))
    month = days.month.to_numpy()
    n_month = np.array([daylen[month == m].sum() for m in range(1, 13)])
    kt_month = p["angstrom_a"] + p["angstrom_b"] * climate["sunshine_h"].to_numpy() / n_month
    kt_mean = _monthly_to_daily(days, kt_month)
    z = _ar1(rng_weather, ndays, p["kt_daily_ar1"])
    kt = np.clip(kt_mean + p["kt_daily_sd"] * z, p["kt_min"], p["kt_max"])
    sunny = int((sunny_day - idx[0]).days)
    kt[sunny] = p["sunny_day_kt"]
    hourly = _ar1(rng_weather, HOURS, p["kt_hourly_ar1"]).reshape(ndays, 24)
    ghi = (kt * h0_day)[:, None] * shape * np.clip(1.0 + p["kt_hourly_sd"] * hourly, 0.0, None)
    kt_f = np.clip(kt + p["pv_forecast_kt_sd"] * rng_forecast.standard_normal(ndays), p["kt_min"], p["kt_max"])
    ghi_f = (kt_f * h0_day)[:, None] * shape
    cap = p["pv_capacity_mw"]
    k = cap * p["pv_performance_ratio"] * p["pv_tilt_gain"] / 1000.0
    actual = np.clip(k * ghi.ravel(), 0.0, cap)
    forecast = np.clip(k * ghi_f.ravel(), 0.0, cap)
    return actual, forecast, kt, kt_f, ghi.ravel()


# ---------------------------------------------------------------------- wind
def wind_profiles(idx, climate, params, rng_weather, rng_forecast):
    """Wind actual and day-ahead forecast (MW): latent AR(1) Gaussian -> Beta capacity factor."""
    p = params
    month = idx.month.to_numpy()
    hours_m = np.bincount(month, minlength=13)[1:]
    f = climate["wind_cf_factor"].to_numpy()
    f = f / (f * hours_m).sum() * hours_m.sum()              # hour-weighted mean factor = 1
    mu = np.clip(p["wind_cf_pct"] / 100.0 * f[month - 1], 0.02, 0.9)
    var = p["wind_cf_sd"] ** 2
    kappa = np.maximum(mu * (1 - mu) / var - 1.0, 0.5)
    a, b = mu * kappa, (1 - mu) * kappa
    z = _ar1(rng_weather, HOURS, p["wind_latent_ar1"])
    s = p["wind_forecast_sd"]
    zf = (z + s * _ar1(rng_forecast, HOURS, p["wind_forecast_ar1"])) / np.sqrt(1.0 + s * s)
    cap = p["wind_capacity_mw"]
    actual = cap * beta_dist.ppf(norm.cdf(z), a, b)
    forecast = cap * beta_dist.ppf(norm.cdf(zf), a, b)
    return actual, forecast


# ---------------------------------------------------------------------- demand
def temperature(idx, climate, params, rng, peak_day: pd.Timestamp) -> np.ndarray:
    """Hourly temperature (deg C): monthly normals + AR(1) daily anomaly + diurnal cosine (max 14 h)."""
    days = idx[::24]
    anomaly = params["temp_anomaly_sd_c"] * _ar1(rng, len(days), params["temp_anomaly_ar1"])
    anomaly[int((peak_day - idx[0]).days)] = params["peak_day_temp_anomaly_c"]
    t_day = _monthly_to_daily(days, climate["temp_mean_c"].to_numpy()) + anomaly
    amp = _monthly_to_daily(days, climate["diurnal_amp_c"].to_numpy())
    h = np.arange(24)
    return (t_day[:, None] + amp[:, None] * np.cos(2 * np.pi * (h - 14) / 24)[None, :]).ravel()


def demand_profile(idx, temp_c, dtype_hourly, shape, params, peak_day: pd.Timestamp):
    """Hourly demand (MW): base shape x temperature response, fitted to annual energy and peak."""
    p = params
    hour = idx.hour.to_numpy()
    base = np.select([dtype_hourly == "weekday", dtype_hourly == "saturday"],
                     [shape["weekday"].to_numpy()[hour], shape["saturday"].to_numpy()[hour]],
                     shape["holiday"].to_numpy()[hour])
    # buildings respond to the day's heat more than to the hour's: damp the diurnal swing
    t_day = np.repeat(temp_c.reshape(-1, 24).mean(axis=1), 24)
    t_eff = t_day + p["diurnal_response_share"] * (temp_c - t_day)
    cool = p["cooling_coef_per_c"] * shape["cooling_weight"].to_numpy()[hour] * np.clip(t_eff - p["cooling_base_c"], 0, None)
    heat = p["heating_coef_per_c"] * shape["heating_weight"].to_numpy()[hour] * np.clip(p["heating_base_c"] - t_eff, 0, None)
    raw = base * (1.0 + cool + heat)
    energy_mwh = p["national_demand_2030_twh"] * 1e6 * p["kyushu_share_pct"] / 100.0
    d0 = int((peak_day - idx[0]).days) * 24
    r_peak = raw[d0:d0 + 24].max()
    # alpha * raw + beta: sum = energy, max on the peak day = peak
    alpha = (energy_mwh - HOURS * p["peak_demand_mw"]) / (raw.sum() - HOURS * r_peak)
    beta_ = p["peak_demand_mw"] - alpha * r_peak
    if alpha <= 0:
        raise InputError("demand_shape.csv", "shape", "annual energy and peak inconsistent with the shape",
                         "a shape whose peak-day maximum exceeds its annual mean")
    return alpha * raw + beta_, alpha, beta_


# ---------------------------------------------------------------------- assembly
def build_hourly(folder: Path | str = S.DATA_DIR) -> pd.DataFrame:
    """All hourly profiles of 2030 from the input tables of ``folder`` (deterministic)."""
    inp = S.load_inputs(folder)
    p = inp.params
    idx = hour_index()
    days = idx[::24]
    peak_day = pd.Timestamp(p["peak_day"])
    seed = int(p["seed"])
    # independent named streams: changing one model's draws leaves the others unchanged
    rng = {name: np.random.default_rng([seed, k]) for k, name in
           enumerate(("temperature", "pv.weather", "pv.forecast", "wind.weather", "wind.forecast"))}
    dtype_day = day_types(days, inp.holidays)
    dtype_hourly = np.repeat(dtype_day, 24)
    temp = temperature(idx, inp.climate, p, rng["temperature"], peak_day)
    demand, _, _ = demand_profile(idx, temp, dtype_hourly, inp.demand_shape, p, peak_day)
    pv, pv_f, _, _, _ = pv_profiles(idx, inp.climate, p, rng["pv.weather"], rng["pv.forecast"], peak_day)
    wind, wind_f = wind_profiles(idx, inp.climate, p, rng["wind.weather"], rng["wind.forecast"])
    out = pd.DataFrame({
        "time": idx.strftime("%Y-%m-%dT%H:%M"), "day_type": dtype_hourly, "temperature_c": temp,
        "demand_mw": demand, "pv_actual_mw": pv, "pv_forecast_mw": pv_f,
        "wind_actual_mw": wind, "wind_forecast_mw": wind_f,
    })
    out["reserve_mw"] = (p["reserve_demand_pct"] / 100.0 * demand
                         + p["reserve_vre_pct"] / 100.0 * (pv_f + wind_f))
    month = idx.month.to_numpy()
    hours_m = np.bincount(month, minlength=13)[1:]
    precip = inp.climate["precip_mm"].to_numpy()
    rel = 0.5 + 0.5 * precip / precip.mean()
    rel = rel / (rel * hours_m).sum() * hours_m.sum()
    for r in inp.must_take.itertuples(index=False):
        level = r.capacity_mw * r.annual_cf_pct / 100.0
        prof = rel[month - 1] if r.monthly_profile == "precipitation" else np.ones(HOURS)
        out[f"{r.name}_mw"] = np.minimum(level * prof, r.capacity_mw)
    day0 = idx.normalize()
    for r in inp.nuclear.itertuples(index=False):
        off = (day0 >= r.outage_start) & (day0 < r.outage_start + pd.Timedelta(days=int(r.outage_days)))
        out[f"{r.name}_mw"] = np.where(off, 0.0, r.capacity_mw * (1 - r.station_service_pct / 100.0))
    return out


def build_thermal(folder: Path | str = S.DATA_DIR) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """thermal_units, thermal_cost (4 points, convex quadratic fuel curve), thermal_startup tables."""
    inp = S.load_inputs(folder)
    folder = Path(folder)
    tech = inp.technology.set_index("technology")
    fuel = inp.fuels.set_index("fuel")
    jpy_usd = inp.params["jpy_per_usd"]
    carbon = inp.params["carbon_price_jpy_per_t"]
    units, costs, starts = [], [], []
    for i, r in enumerate(inp.plants.itertuples(index=False)):
        t, f = tech.loc[r.technology], fuel.loc[r.fuel]
        pmax = float(r.p_max_mw)
        pmin = pmax * t.p_min_pct / 100.0
        price_gj = f.price_jpy_per_unit / f.heat_gj_per_unit
        full_gj_h = pmax * 3.6 / (r.efficiency_hhv_pct / 100.0)
        xmin, d, k2 = t.p_min_pct / 100.0, t.part_load_loss_pct / 100.0, t.curvature
        # fuel(x) / fuel(1) = k0 + k1 x + k2 x^2 with efficiency at p_min reduced by d
        k1 = (xmin / (1 - d) - k2 * xmin * xmin - (1 - k2)) / (xmin - 1.0)
        k0 = 1.0 - k2 - k1
        if k0 < 0 or k1 <= 0:
            S.fail(folder / "thermal_technology.csv", inp.technology,
                   int(np.flatnonzero(inp.technology["technology"] == r.technology)[0]),
                   "part_load_loss_pct", t.part_load_loss_pct,
                   "a loss giving a fuel curve with non-negative no-load fuel", key="technology")
        su = pmax if t.startup_at_pmax else pmin
        units.append({
            "name": r.name, "p_min_mw": round(pmin, 3), "p_max_mw": pmax,
            "ramp_up_mw_per_h": round(pmax * t.ramp_pct_per_h / 100.0, 3),
            "ramp_down_mw_per_h": round(pmax * t.ramp_pct_per_h / 100.0, 3),
            "startup_mw": round(su, 3), "shutdown_mw": round(su, 3),
            "min_up_h": t.min_up_h, "min_down_h": t.min_down_h,
            "initial_status_h": -24, "initial_p_mw": 0.0, "must_run": 0,
            "co2_t_per_mwh": f.co2_t_per_mwh, "quick_start": int(t.quick_start), "plant": r.plant, "owner": r.owner, "fuel": r.fuel,
            "technology": r.technology, "efficiency_hhv_pct": r.efficiency_hhv_pct,
            "fuel_price_jpy_per_gj": round(price_gj, 3),
            "full_load_cost_jpy_per_mwh": round(full_gj_h * price_gj / pmax + carbon * f.co2_t_per_mwh, 1),
        })
        for x in np.linspace(xmin, 1.0, 4):
            costs.append({"name": r.name, "p_mw": round(x * pmax, 3),
                          "cost_per_h": round(full_gj_h * (k0 + k1 * x + k2 * x * x) * price_gj, 2)})
        for cat in ("hot", "warm", "cold"):
            cost = pmax * (getattr(t, f"{cat}_wear_usd_per_mw") * jpy_usd
                           + getattr(t, f"{cat}_fuel_gj_per_mw") * price_gj)
            starts.append({"name": r.name, "lag_h": getattr(t, f"{cat}_lag_h"), "cost": round(cost, 0)})
    return pd.DataFrame(units), pd.DataFrame(costs), pd.DataFrame(starts)


def write_derived(folder: Path | str = S.DATA_DIR) -> dict[str, Path]:
    """Write the derived tables into ``folder``; returns their paths."""
    folder = Path(folder)
    units, costs, starts = build_thermal(folder)
    hourly = build_hourly(folder)
    files = {
        "thermal_units": folder / S.FILES["thermal_units"],
        "thermal_cost": folder / S.FILES["thermal_cost"],
        "thermal_startup": folder / S.FILES["thermal_startup"],
        "hourly": folder / S.FILES["hourly"],
    }
    units.to_csv(files["thermal_units"], index=False, float_format="%.10g")
    costs.to_csv(files["thermal_cost"], index=False, float_format="%.10g")
    starts.to_csv(files["thermal_startup"], index=False, float_format="%.10g")
    hourly.to_csv(files["hourly"], index=False, float_format="%.3f")
    return files


if __name__ == "__main__":   # python -m agents.grid.profiles [folder]
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else S.DATA_DIR
    for name, path in write_derived(target).items():
        print(f"{name}: {path}")
