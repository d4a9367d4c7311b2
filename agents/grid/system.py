"""The Kyushu 2030 power system as data, and one dispatch problem per day (or range of days).

Reads and checks the tables of ``scenarios/data/kyushu_2030/`` (see its SOURCES.md and
docs/kyushu_2030.md) and turns a date and a stage into a
:class:`agents.grid.dispatch.problem.DispatchProblem`:

- ``stage="day_ahead"``: PV and wind upper bounds are the day-ahead forecasts;
- ``stage="intraday"``: the same day on actual PV and wind (the caller fixes the day-ahead
  commitment, e.g. with ``DispatchSession.redispatch``).

Demand and the LFC reserve requirement are the same in both stages (the requirement is set day-ahead
on forecasts). Nuclear, conventional hydro and geothermal enter as fixed renewable-table rows
(``p_min_mw == p_max_mw``), biomass, PV and wind as curtailable ones; pumped hydro as storage.
Pure functions of the tables: no kernel needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agents.grid.dispatch.problem import DispatchProblem, save_problem
from agents.grid.params import DATA_DIR, STAGES
from simcore.errors import InputError

FILES = {
    "params": "system_params.csv", "climate": "climate_monthly.csv", "demand_shape": "demand_shape.csv",
    "holidays": "holidays_2030.csv", "technology": "thermal_technology.csv", "fuels": "fuels.csv",
    "plants": "thermal_plants.csv", "nuclear": "nuclear.csv", "must_take": "must_take.csv",
    "storage": "storage_units.csv",
    # derived by agents.grid.profiles
    "thermal_units": "thermal_units.csv", "thermal_cost": "thermal_cost.csv",
    "thermal_startup": "thermal_startup.csv", "hourly": "hourly_2030.csv",
}


# ---------------------------------------------------------------------- checked table reading
@dataclass(frozen=True)
class Col:
    """One column: kind 'text', 'num' or 'date'; numeric bounds inclusive unless lo_open."""

    kind: str = "num"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    integer: bool = False
    choices: tuple[str, ...] | None = None

    def allowed(self) -> str:
        if self.kind == "text":
            return "one of " + ", ".join(self.choices) if self.choices else "a non-empty text"
        if self.kind == "date":
            return "a date YYYY-MM-DD"
        kind = "an integer" if self.integer else "a number"
        lo = "" if self.lo is None else f"{'>' if self.lo_open else '>='} {self.lo:g}"
        hi = "" if self.hi is None else f"<= {self.hi:g}"
        return " ".join(x for x in (kind, lo, "and" if lo and hi else "", hi) if x)


NUM = Col()
POS = Col(lo=0, lo_open=True)
NONNEG = Col(lo=0)
PCT = Col(lo=0, hi=100)
TEXT = Col("text")
DATE = Col("date")


def _shown(v: Any) -> Any:
    try:
        f = float(v)
        return int(f) if f.is_integer() else f
    except (TypeError, ValueError):
        return v


def _where(df: pd.DataFrame, i: int, column: str, key: str | None) -> str:
    label = f"row {i + 2}"   # line number in the file: the header is line 1
    if key and key in df.columns:
        label += f" ({key} {str(df[key].iloc[i])!r})"
    return f"{label}, column {column}"


def fail(path: Path | str, df: pd.DataFrame, i: int, column: str, value: Any, allowed: str,
         key: str | None = "name") -> None:
    """Raise an InputError for row ``i`` of a table read by :func:`read_table`."""
    raise InputError(str(path), _where(df, i, column, key), _shown(value), allowed)


def read_table(path: Path | str, spec: dict[str, Col], key: str | None = "name",
               rows: int | None = None) -> pd.DataFrame:
    """Read a CSV and check every column in ``spec`` (other columns are kept as text)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "file", "missing", "a CSV table with columns " + ", ".join(spec))
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(str(path), "file", str(exc).strip()[:60], "a CSV table with a header row") from None
    for c in spec:
        if c not in df.columns:
            raise InputError(str(path), f"column {c}", "missing", "a header with columns " + ", ".join(spec))
    if len(df) == 0 or (rows is not None and len(df) != rows):
        raise InputError(str(path), "rows", len(df), f"exactly {rows} data rows" if rows else "at least one data row")
    for c, col in spec.items():
        raw = df[c].str.strip()
        if col.kind == "text":
            bad = (raw == "") | (~raw.isin(col.choices) if col.choices else False)
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                fail(path, df, i, c, raw.iloc[i], col.allowed(), key)
            df[c] = raw
        elif col.kind == "date":
            vals = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
            if vals.isna().any():
                i = int(np.flatnonzero(vals.isna().to_numpy())[0])
                fail(path, df, i, c, raw.iloc[i], col.allowed(), key)
            df[c] = vals
        else:
            v = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                bad = ~np.isfinite(v)
                if col.lo is not None:
                    bad |= (v <= col.lo) if col.lo_open else (v < col.lo)
                if col.hi is not None:
                    bad |= v > col.hi
                if col.integer:
                    bad |= v != np.round(v)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                fail(path, df, i, c, raw.iloc[i], col.allowed(), key)
            df[c] = v.astype(int) if col.integer else v
    if key:
        dup = df[key].duplicated().to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            fail(path, df, i, key, df[key].iloc[i], f"each {key} once", key)
    return df


# ---------------------------------------------------------------------- table specs
PARAM_SPEC: dict[str, Col] = {   # key -> allowed value (peak_day is a date)
    "national_demand_2030_twh": POS, "kyushu_share_pct": Col(lo=0, hi=100, lo_open=True),
    "peak_day": DATE, "peak_demand_mw": POS, "peak_day_temp_anomaly_c": NUM,
    "pv_capacity_mw": NONNEG, "wind_capacity_mw": NONNEG, "carbon_price_jpy_per_t": NONNEG,
    "jpy_per_usd": POS, "latitude_deg": Col(lo=-66, hi=66), "longitude_deg": Col(lo=-180, hi=180),
    "utc_offset_h": Col(lo=-12, hi=14), "angstrom_a": Col(lo=0, hi=1), "angstrom_b": Col(lo=0, hi=1),
    "pv_tilt_gain": Col(lo=0.5, hi=1.5), "pv_performance_ratio": Col(lo=0, hi=1, lo_open=True),
    "kt_daily_sd": NONNEG, "kt_daily_ar1": Col(lo=0, hi=0.999), "kt_min": Col(lo=0, hi=1),
    "kt_max": Col(lo=0, hi=1, lo_open=True), "kt_hourly_sd": NONNEG, "kt_hourly_ar1": Col(lo=0, hi=0.999),
    "sunny_day_kt": Col(lo=0, hi=1), "pv_forecast_kt_sd": NONNEG,
    "wind_cf_pct": Col(lo=0, hi=100, lo_open=True), "wind_cf_sd": POS, "wind_latent_ar1": Col(lo=0, hi=0.999),
    "wind_forecast_sd": NONNEG, "wind_forecast_ar1": Col(lo=0, hi=0.999),
    "temp_anomaly_sd_c": NONNEG, "temp_anomaly_ar1": Col(lo=0, hi=0.999),
    "cooling_base_c": NUM, "heating_base_c": NUM, "cooling_coef_per_c": NONNEG, "heating_coef_per_c": NONNEG,
    "diurnal_response_share": Col(lo=0, hi=1),
    "reserve_demand_pct": PCT, "reserve_vre_pct": PCT, "storage_initial_pct": PCT, "storage_lfc_pct": PCT,
    "unserved_penalty_jpy_per_mwh": POS, "reserve_shortfall_penalty_jpy_per_mwh": POS,
    "storage_final_penalty_jpy_per_mwh": POS,
    "seed": Col(lo=0, integer=True),
}
SPECS: dict[str, tuple[dict[str, Col], str | None, int | None]] = {
    "climate": ({"month": Col(lo=1, hi=12, integer=True), "temp_mean_c": Col(lo=-40, hi=45),
                 "diurnal_amp_c": Col(lo=0, hi=20), "sunshine_h": Col(lo=0, hi=450),
                 "precip_mm": NONNEG, "wind_cf_factor": NONNEG}, "month", 12),
    "demand_shape": ({"hour": Col(lo=0, hi=23, integer=True), "weekday": POS, "saturday": POS,
                      "holiday": POS, "cooling_weight": NONNEG, "heating_weight": NONNEG}, "hour", 24),
    "holidays": ({"date": DATE, "day_type": Col("text", choices=("saturday", "holiday"))}, "date", None),
    "technology": ({"technology": TEXT, "p_min_pct": Col(lo=0, hi=100, lo_open=True),
                    "ramp_pct_per_h": Col(lo=0, lo_open=True), "startup_at_pmax": Col(lo=0, hi=1, integer=True),
                    "quick_start": Col(lo=0, hi=1, integer=True), "min_up_h": NONNEG, "min_down_h": NONNEG, "part_load_loss_pct": Col(lo=0, hi=90),
                    "curvature": Col(lo=0, hi=0.5),
                    **{f"{c}_lag_h": NONNEG for c in ("hot", "warm", "cold")},
                    **{f"{c}_wear_usd_per_mw": NONNEG for c in ("hot", "warm", "cold")},
                    **{f"{c}_fuel_gj_per_mw": NONNEG for c in ("hot", "warm", "cold")}}, "technology", None),
    "fuels": ({"fuel": TEXT, "price_jpy_per_unit": NONNEG, "unit": TEXT, "heat_gj_per_unit": POS,
               "co2_t_per_mwh": Col(lo=0, hi=2)}, "fuel", None),
    "plants": ({"name": TEXT, "plant": TEXT, "owner": TEXT, "fuel": TEXT, "technology": TEXT,
                "p_max_mw": POS, "efficiency_hhv_pct": Col(lo=10, hi=70)}, "name", None),
    "nuclear": ({"name": TEXT, "plant": TEXT, "capacity_mw": POS, "station_service_pct": Col(lo=0, hi=20),
                 "outage_start": DATE, "outage_days": Col(lo=0, hi=365, integer=True)}, "name", None),
    "must_take": ({"name": TEXT, "kind": TEXT, "capacity_mw": POS, "annual_cf_pct": PCT,
                   "curtailable": Col(lo=0, hi=1, integer=True),
                   "monthly_profile": Col("text", choices=("flat", "precipitation"))}, "name", None),
    "storage": ({"name": TEXT, "p_charge_max_mw": NONNEG, "p_discharge_max_mw": NONNEG,
                 "hours_at_full_output_h": POS, "round_trip_eff_pct": Col(lo=0, hi=100, lo_open=True)}, "name", None),
    "thermal_units": ({"name": TEXT, "p_min_mw": NONNEG, "p_max_mw": POS, "ramp_up_mw_per_h": POS,
                       "ramp_down_mw_per_h": POS, "startup_mw": NONNEG, "shutdown_mw": NONNEG,
                       "min_up_h": NONNEG, "min_down_h": NONNEG, "initial_status_h": NUM,
                       "initial_p_mw": NONNEG, "must_run": Col(lo=0, hi=1, integer=True),
                       "quick_start": Col(lo=0, hi=1, integer=True), "co2_t_per_mwh": Col(lo=0, hi=2), "fuel": TEXT, "plant": TEXT,
                       "full_load_cost_jpy_per_mwh": NONNEG}, "name", None),
    "thermal_cost": ({"name": TEXT, "p_mw": NONNEG, "cost_per_h": NUM}, None, None),
    "thermal_startup": ({"name": TEXT, "lag_h": NONNEG, "cost": NONNEG}, None, None),
}
HOURLY_BASE = ("demand_mw", "reserve_mw", "pv_actual_mw", "pv_forecast_mw", "wind_actual_mw", "wind_forecast_mw")


@dataclass
class Inputs:
    """The hand-written, sourced tables (what agents.grid.profiles derives the rest from)."""

    params: dict[str, Any]
    climate: pd.DataFrame
    demand_shape: pd.DataFrame
    holidays: pd.DataFrame
    technology: pd.DataFrame
    fuels: pd.DataFrame
    plants: pd.DataFrame
    nuclear: pd.DataFrame
    must_take: pd.DataFrame
    storage: pd.DataFrame


@dataclass
class KyushuSystem:
    """Inputs plus the derived tables: the thermal fleet in dispatch format and 8760 hourly rows."""

    inputs: Inputs
    thermal: pd.DataFrame
    thermal_cost: pd.DataFrame
    thermal_startup: pd.DataFrame
    hourly: pd.DataFrame          # indexed by hour-beginning JST timestamp
    folder: Path

    @property
    def params(self) -> dict[str, Any]:
        return self.inputs.params


def _read_params(path: Path) -> dict[str, Any]:
    df = read_table(path, {"key": TEXT, "value": TEXT}, key="key")
    known = dict(zip(df["key"], range(len(df))))
    for k in PARAM_SPEC:
        if k not in known:
            raise InputError(str(path), f"key {k}", "missing", f"a row for {k} ({PARAM_SPEC[k].allowed()})")
    out: dict[str, Any] = {}
    for k, i in known.items():
        if k not in PARAM_SPEC:
            fail(path, df, i, "key", k, "one of " + ", ".join(PARAM_SPEC), key="key")
        col, raw = PARAM_SPEC[k], df["value"].iloc[i]
        if col.kind == "date":
            v = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
            if pd.isna(v):
                fail(path, df, i, "value", raw, col.allowed(), key="key")
            out[k] = v
            continue
        try:
            v = float(raw)
        except ValueError:
            v = float("nan")
        ok = (math.isfinite(v) and (col.lo is None or (v > col.lo if col.lo_open else v >= col.lo))
              and (col.hi is None or v <= col.hi) and (not col.integer or v == round(v)))
        if not ok:
            fail(path, df, i, "value", raw, col.allowed(), key="key")
        out[k] = int(v) if col.integer else v
    return out


def load_inputs(folder: Path | str = DATA_DIR) -> Inputs:
    """Read and check the hand-written tables; cross-references included."""
    folder = Path(folder)
    params = _read_params(folder / FILES["params"])
    t = {name: read_table(folder / FILES[name], *SPECS[name]) for name in
         ("climate", "demand_shape", "holidays", "technology", "fuels", "plants", "nuclear", "must_take", "storage")}
    for name, col in (("climate", "month"), ("demand_shape", "hour")):
        t[name] = t[name].sort_values(col).reset_index(drop=True)
    plants = t["plants"]
    for col, ref in (("fuel", "fuels"), ("technology", "technology")):
        known = set(t[ref][col])
        for i, v in enumerate(plants[col]):
            if v not in known:
                fail(folder / FILES["plants"], plants, i, col, v, f"a {col} listed in {FILES[ref]}")
    tech = t["technology"]
    for i, r in enumerate(tech.itertuples(index=False)):
        if not r.hot_lag_h <= r.min_down_h:
            fail(folder / FILES["technology"], tech, i, "hot_lag_h", r.hot_lag_h,
                 f"<= min_down_h ({r.min_down_h:g}) so every start has a cost", key="technology")
        if not r.hot_lag_h < r.warm_lag_h < r.cold_lag_h:
            fail(folder / FILES["technology"], tech, i, "warm_lag_h", r.warm_lag_h,
                 "hot_lag_h < warm_lag_h < cold_lag_h", key="technology")
    nuc = t["nuclear"]
    for i, d in enumerate(nuc["outage_start"]):
        if d.year != 2030:
            fail(folder / FILES["nuclear"], nuc, i, "outage_start", d.date().isoformat(), "a date in 2030")
    hol = t["holidays"]
    for i, d in enumerate(hol["date"]):
        if d.year != 2030:
            fail(folder / FILES["holidays"], hol, i, "date", d.date().isoformat(), "a date in 2030", key="date")
    if params["peak_day"].year != 2030:
        raise InputError(str(folder / FILES["params"]), "key peak_day", params["peak_day"].date().isoformat(),
                         "a date in 2030")
    return Inputs(params=params, **t)


def load_system(folder: Path | str = DATA_DIR) -> KyushuSystem:
    """Read and check every table of the Kyushu 2030 folder (inputs and derived)."""
    folder = Path(folder)
    inputs = load_inputs(folder)
    thermal = read_table(folder / FILES["thermal_units"], *SPECS["thermal_units"])
    units = set(thermal["name"])
    for i, r in enumerate(thermal.itertuples(index=False)):
        if r.p_min_mw > r.p_max_mw:
            fail(folder / FILES["thermal_units"], thermal, i, "p_min_mw", r.p_min_mw, f"<= p_max_mw ({r.p_max_mw:g})")
    tables = {}
    for name in ("thermal_cost", "thermal_startup"):
        df = read_table(folder / FILES[name], *SPECS[name])
        for i, n in enumerate(df["name"]):
            if n not in units:
                fail(folder / FILES[name], df, i, "name", n, f"a unit of {FILES['thermal_units']}")
        tables[name] = df
    hourly = _read_hourly(folder / FILES["hourly"], inputs)
    return KyushuSystem(inputs=inputs, thermal=thermal, thermal_cost=tables["thermal_cost"],
                        thermal_startup=tables["thermal_startup"], hourly=hourly, folder=folder)


def _read_hourly(path: Path, inputs: Inputs) -> pd.DataFrame:
    cols = HOURLY_BASE + tuple(f"{n}_mw" for n in inputs.must_take["name"]) + tuple(
        f"{n}_mw" for n in inputs.nuclear["name"])
    spec = {"time": TEXT, **{c: NONNEG for c in cols}}
    df = read_table(path, spec, key="time", rows=8760)
    t = pd.to_datetime(df["time"], format="%Y-%m-%dT%H:%M", errors="coerce")
    expected = pd.date_range("2030-01-01", periods=8760, freq="h")
    bad = (t.isna() | (t.to_numpy() != expected.to_numpy())).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        fail(path, df, i, "time", df["time"].iloc[i], f"{expected[i].strftime('%Y-%m-%dT%H:%M')} (hourly, 2030)", key=None)
    caps = {"pv_actual_mw": inputs.params["pv_capacity_mw"], "pv_forecast_mw": inputs.params["pv_capacity_mw"],
            "wind_actual_mw": inputs.params["wind_capacity_mw"], "wind_forecast_mw": inputs.params["wind_capacity_mw"]}
    caps.update({f"{r.name}_mw": r.capacity_mw for r in inputs.must_take.itertuples(index=False)})
    caps.update({f"{r.name}_mw": r.capacity_mw for r in inputs.nuclear.itertuples(index=False)})
    for c, cap in caps.items():
        over = df[c].to_numpy() > cap + 1e-6
        if over.any():
            i = int(np.flatnonzero(over)[0])
            fail(path, df, i, c, df[c].iloc[i], f"<= installed capacity {cap:g} MW", key="time")
    df.index = pd.DatetimeIndex(t, name="time")
    return df.drop(columns="time")


# ---------------------------------------------------------------------- day problems
@dataclass
class InitialState:
    """Thermal status before the first period (+k on / -k off, output) and storage energy (MWh)."""

    thermal: pd.DataFrame             # name, initial_status_h, initial_p_mw
    storage_energy_mwh: dict[str, float]


def _hours(system: KyushuSystem, day: str | pd.Timestamp, days: int) -> pd.DataFrame:
    start = pd.Timestamp(day).normalize()
    end = start + pd.Timedelta(days=days)
    if days < 1 or start.year != 2030 or (end - pd.Timedelta(hours=1)).year != 2030:
        raise InputError(None, "day", f"{start.date()} + {days} days", "whole days inside 2030 (days >= 1)")
    return system.hourly.loc[start:end - pd.Timedelta(hours=1)]


def storage_table(system: KyushuSystem, energy_mwh: dict[str, float] | None = None) -> pd.DataFrame:
    """Pumped hydro in the dispatch storage format; energy counted before discharge losses."""
    rows = []
    init_pct = system.params["storage_initial_pct"] / 100.0
    lfc = system.params["storage_lfc_pct"] / 100.0
    for r in system.inputs.storage.itertuples(index=False):
        eff = math.sqrt(r.round_trip_eff_pct / 100.0)
        emax = r.p_discharge_max_mw * r.hours_at_full_output_h / eff
        e0 = emax * init_pct if energy_mwh is None or r.name not in energy_mwh else float(energy_mwh[r.name])
        rows.append({"name": r.name, "p_charge_max_mw": r.p_charge_max_mw,
                     "p_discharge_max_mw": r.p_discharge_max_mw, "energy_max_mwh": round(emax, 3),
                     "energy_min_mwh": 0.0, "eff_charge": eff, "eff_discharge": eff,
                     "energy_initial_mwh": round(e0, 3), "energy_final_mwh": round(emax * init_pct, 3),
                     "reserve_max_mw": r.p_discharge_max_mw * lfc})
    return pd.DataFrame(rows)


def default_initial_state(system: KyushuSystem, day: str | pd.Timestamp) -> InitialState:
    """A plausible state at midnight when no previous day was solved: a merit-order commitment.

    Units are committed in order of full-load cost (fuel + carbon) until their capacity covers the
    first hour's net load (demand minus forecast PV, wind and must-take) plus reserve; committed units
    have been on long enough to stop freely, the rest off for 24 h. Output fills the net load in the
    same order above the committed units' minimum.
    """
    h = _hours(system, day, 1).iloc[0]
    must = sum(h[c] for c in _must_take_columns(system))
    net = max(0.0, h["demand_mw"] - h["pv_forecast_mw"] - h["wind_forecast_mw"] - must)
    th = system.thermal.sort_values("full_load_cost_jpy_per_mwh", kind="stable")
    on, cap = [], 0.0
    for r in th.itertuples(index=False):
        if cap >= net + h["reserve_mw"]:
            break
        on.append(r.name)
        cap += r.p_max_mw
    t = th.set_index("name")
    p = {n: float(t.at[n, "p_min_mw"]) for n in on}
    rest = net - sum(p.values())
    for n in on:
        add = min(max(rest, 0.0), float(t.at[n, "p_max_mw"] - t.at[n, "p_min_mw"]))
        p[n] += add
        rest -= add
    rows = [{"name": n, "initial_status_h": (max(24.0, float(t.at[n, "min_up_h"])) if n in p
                                             else -max(24.0, float(t.at[n, "min_down_h"]))),
             "initial_p_mw": round(p.get(n, 0.0), 3)} for n in system.thermal["name"]]
    return InitialState(thermal=pd.DataFrame(rows), storage_energy_mwh={})


def carry_over(problem: DispatchProblem, result) -> InitialState:
    """The state at the end of a solved problem, as the initial state of the next day's problem."""
    u = result.commitment
    last = u.iloc[-1]
    status = {}
    for name in u.columns:
        col = u[name].to_numpy()[::-1]
        run = int(np.argmax(col != col[0])) if (col != col[0]).any() else len(col)
        init = float(problem.thermal.set_index("name").at[name, "initial_status_h"])
        if run == len(col) and np.sign(init) == (1 if col[0] else -1):
            run += abs(init)   # the state held through the whole horizon continues the initial one
        status[name] = run * problem.period_hours * (1 if last[name] else -1)
    p_last = result.thermal_mw.iloc[-1]
    thermal = pd.DataFrame({"name": list(u.columns),
                            "initial_status_h": [status[n] for n in u.columns],
                            "initial_p_mw": [float(p_last[n]) if last[n] else 0.0 for n in u.columns]})
    e = result.storage_energy_mwh.iloc[-1] if result.storage_energy_mwh.shape[1] else {}
    return InitialState(thermal=thermal, storage_energy_mwh={k: float(v) for k, v in dict(e).items()})


def _must_take_columns(system: KyushuSystem) -> list[str]:
    return [f"{n}_mw" for n in system.inputs.must_take["name"]] + [f"{n}_mw" for n in system.inputs.nuclear["name"]]


def day_problem(system: KyushuSystem, day: str | pd.Timestamp, stage: str = "day_ahead", days: int = 1,
                initial: InitialState | None = None, check: bool = True) -> DispatchProblem:
    """The dispatch problem for ``days`` whole days from ``day`` (00:00 JST), 1-hour periods.

    ``check=False`` skips validation, for callers that edit the problem and validate it afterwards
    (a dispatch session validates what it is given).
    """
    if stage not in STAGES:
        raise InputError(None, "stage", stage, " or ".join(STAGES))
    h = _hours(system, day, days)
    start = pd.Timestamp(day).normalize()
    T = len(h)
    periods = np.arange(1, T + 1)
    demand = pd.DataFrame({"period": periods, "demand_mw": h["demand_mw"].to_numpy(),
                           "reserve_mw": h["reserve_mw"].to_numpy()})
    init = initial if initial is not None else default_initial_state(system, start)
    thermal = system.thermal.drop(columns=["initial_status_h", "initial_p_mw"]).merge(
        init.thermal[["name", "initial_status_h", "initial_p_mw"]], on="name", how="left")
    missing = thermal["initial_status_h"].isna().to_numpy()
    if missing.any():
        raise InputError("initial state", f"unit {thermal['name'].iloc[int(np.flatnonzero(missing)[0])]!r}",
                         "missing", "a row for every thermal unit")
    thermal = thermal[list(system.thermal.columns)]
    suffix = "actual" if stage == "intraday" else "forecast"
    ren = []
    for name, col, fixed in ([("pv", f"pv_{suffix}_mw", False), ("wind", f"wind_{suffix}_mw", False)]
                             + [(r.name, f"{r.name}_mw", not r.curtailable)
                                for r in system.inputs.must_take.itertuples(index=False)]
                             + [(f"nuclear_{n}", f"{n}_mw", True) for n in system.inputs.nuclear["name"]]):
        v = h[col].to_numpy()
        ren.append(pd.DataFrame({"name": name, "period": periods, "p_max_mw": v,
                                 "p_min_mw": v if fixed else np.zeros(T)}))
    problem = DispatchProblem(
        name=f"kyushu_2030_{start.date().isoformat()}_{days}d_{stage}", periods=T, period_hours=1.0,
        demand=demand, thermal=thermal, thermal_cost=system.thermal_cost.copy(),
        thermal_startup=system.thermal_startup.copy(), renewables=pd.concat(ren, ignore_index=True),
        storage=storage_table(system, init.storage_energy_mwh),
        carbon_price_per_t=float(system.params["carbon_price_jpy_per_t"]),
        unserved_penalty_per_mwh=float(system.params["unserved_penalty_jpy_per_mwh"]),
        reserve_shortfall_penalty_per_mwh=float(system.params["reserve_shortfall_penalty_jpy_per_mwh"]),
        storage_final_penalty_per_mwh=float(system.params["storage_final_penalty_jpy_per_mwh"]),
    )
    return problem.validate() if check else problem


def write_day_problem(folder: Path | str, day: str, stage: str = "day_ahead", days: int = 1,
                      data: Path | str = DATA_DIR) -> DispatchProblem:
    """Write a problem folder that ``evcycle dispatch FOLDER`` solves."""
    problem = day_problem(load_system(data), day, stage, days)
    save_problem(problem, folder)
    return problem


def sample_days_co2(system: KyushuSystem, days_of_month: tuple[int, ...] = (5, 20), gap: float = 1e-3,
                    time_limit_s: float = 120.0) -> pd.DataFrame:
    """Solve sampled days (day-ahead UC, then intraday on actuals with that commitment), no EVs.

    Each day starts from :func:`default_initial_state`. Returns one row per day with the thermal
    CO2 (t) of both stages, thermal energy by fuel, curtailment and slacks. The annual estimate is
    the monthly mean of the sampled days times the days in the month (see
    :func:`annual_estimate_t`); a rough check of the system, not a replacement for a chained year.
    """
    from agents.grid.dispatch.solve import DispatchSession   # the solver is only needed here

    rows = []
    fuel = system.thermal.set_index("name")["fuel"]
    for month in range(1, 13):
        for d in days_of_month:
            day = pd.Timestamp(2030, month, d)
            da = day_problem(system, day, "day_ahead")
            session = DispatchSession(da, gap=gap, time_limit_s=time_limit_s)
            plan = session.solve()
            act = session.redispatch(day_problem(system, day, "intraday"), plan.commitment)
            by_fuel = act.thermal_mw.sum().groupby(fuel).sum()
            rows.append({"day": day.date().isoformat(), "month": month, "co2_day_ahead_t": plan.co2_t,
                         "co2_intraday_t": act.co2_t, "mip_gap": plan.mip_gap,
                         "demand_mwh": float(da.demand["demand_mw"].sum()),
                         "thermal_mwh": float(act.thermal_mw.to_numpy().sum()),
                         **{f"{k}_mwh": float(v) for k, v in by_fuel.items()},
                         "curtailment_mwh": act.summary()["curtailment_mwh"],
                         "unserved_mwh": act.unserved_mwh, "reserve_shortfall_mwh": act.reserve_shortfall_mwh})
    return pd.DataFrame(rows)


def annual_estimate_t(samples: pd.DataFrame, column: str = "co2_intraday_t") -> float:
    """Scale sampled days to 2030: monthly mean of ``column`` x days in that month, summed."""
    days_in = pd.Series([pd.Timestamp(2030, m, 1).days_in_month for m in range(1, 13)], index=range(1, 13))
    monthly = samples.groupby("month")[column].mean()
    return float((monthly * days_in.reindex(monthly.index)).sum() * 12 / len(monthly))
