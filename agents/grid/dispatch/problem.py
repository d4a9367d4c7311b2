"""The dispatch problem as data: a dataclass of tables, read from and written to a problem folder.

A problem folder holds ``problem.json`` (scalars) and CSV tables (see docs/dispatch.md). Every table
is checked on load and before a solve; a bad value raises :class:`simcore.errors.InputError` naming
the file, the unit (or period) and the column.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simcore.errors import InputError

# assumption: order of magnitude of value-of-lost-load estimates (thousands to tens of thousands per
# MWh); high enough that shedding load is the last resort in any realistic fleet.
DEFAULT_UNSERVED_PENALTY_PER_MWH = 10_000.0
# assumption: above any thermal marginal cost, so reserve is held whenever it is physically possible,
# and ten times below the unserved-energy penalty, so serving energy always comes first.
DEFAULT_RESERVE_SHORTFALL_PENALTY_PER_MWH = 1_000.0

THERMAL_COLUMNS = (
    "name", "p_min_mw", "p_max_mw", "ramp_up_mw_per_h", "ramp_down_mw_per_h", "startup_mw",
    "shutdown_mw", "min_up_h", "min_down_h", "initial_status_h", "initial_p_mw", "must_run",
    "co2_t_per_mwh",
)
DEMAND_COLUMNS = ("period", "demand_mw", "reserve_mw")
COST_COLUMNS = ("name", "p_mw", "cost_per_h")
STARTUP_COLUMNS = ("name", "lag_h", "cost")
RENEWABLE_COLUMNS = ("name", "period", "p_max_mw", "p_min_mw")
STORAGE_COLUMNS = (
    "name", "p_charge_max_mw", "p_discharge_max_mw", "energy_max_mwh", "energy_min_mwh",
    "eff_charge", "eff_discharge", "energy_initial_mwh", "energy_final_mwh",
)
EV_COLUMNS = (
    "cluster", "period", "p_charge_max_mw", "p_discharge_max_mw", "energy_min_mwh",
    "energy_max_mwh", "energy_drive_mwh",
)
EV_PARAM_COLUMNS = ("cluster", "eff_charge", "eff_discharge", "energy_initial_mwh")

JSON_KEYS = {
    "name": "text",
    "periods": "integer in 1..100000",
    "period_hours": "number > 0",
    "carbon_price_per_t": "number >= 0",
    "unserved_penalty_per_mwh": "number > 0",
    "reserve_shortfall_penalty_per_mwh": "number > 0",
    "storage_final_penalty_per_mwh": "number > 0 (default: unserved_penalty_per_mwh)",
}

FILES = {
    "demand": "demand.csv",
    "thermal": "thermal.csv",
    "thermal_cost": "thermal_cost.csv",
    "thermal_startup": "thermal_startup.csv",
    "renewables": "renewables.csv",
    "storage": "storage.csv",
    "ev_clusters": "ev_clusters.csv",
    "ev_cluster_params": "ev_cluster_params.csv",
}
OPTIONAL_TABLES = ("thermal_startup", "renewables", "storage", "ev_clusters", "ev_cluster_params")
_COLUMNS = {
    "demand": DEMAND_COLUMNS, "thermal": THERMAL_COLUMNS, "thermal_cost": COST_COLUMNS,
    "thermal_startup": STARTUP_COLUMNS, "renewables": RENEWABLE_COLUMNS, "storage": STORAGE_COLUMNS,
    "ev_clusters": EV_COLUMNS, "ev_cluster_params": EV_PARAM_COLUMNS,
}
_TEXT_COLUMNS = {"name", "cluster"}
_OPTIONAL_COLUMNS = {# 1: the unit can be started after the day-ahead stage (intraday recourse); 0: it cannot
                     "thermal": {"quick_start": 0},
                     "renewables": {"p_min_mw": 0.0},
                     # upward LFC reserve a storage plant may hold (0: it holds none)
                     # and for how many hours the stored energy must be able to sustain it
                     "storage": {"reserve_max_mw": 0.0, "reserve_duration_h": 1.0},
                     # battery wear priced per MWh a cluster discharges to the grid (0: wear is free)
                     # and the value of each MWh the cluster holds at the end of the horizon (0: none)
                     # 1: the cluster holds upward LFC reserve (by charging less and, with discharge power,
                     # discharging more; the discharge part backed by energy for reserve_duration_h); 0: none
                     "ev_cluster_params": {"discharge_cost_per_mwh": 0.0, "energy_final_value_per_mwh": 0.0,
                                           "provides_reserve": 0, "reserve_duration_h": 1.0},
                     # least charge / discharge power in a period (0: none): pins a realised schedule
                     "ev_clusters": {"p_charge_min_mw": 0.0, "p_discharge_min_mw": 0.0}}


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c in _TEXT_COLUMNS else float) for c in columns})


@dataclass
class DispatchProblem:
    """One single-bus unit-commitment problem: scalars plus tables (pandas frames, long format).

    Tables keep extra columns (e.g. ``fuel``) untouched. Periods are numbered 1..``periods``.
    """

    name: str
    periods: int
    period_hours: float
    demand: pd.DataFrame
    thermal: pd.DataFrame
    thermal_cost: pd.DataFrame
    thermal_startup: pd.DataFrame = field(default_factory=lambda: _empty(STARTUP_COLUMNS))
    renewables: pd.DataFrame = field(default_factory=lambda: _empty(RENEWABLE_COLUMNS))
    storage: pd.DataFrame = field(default_factory=lambda: _empty(STORAGE_COLUMNS))
    ev_clusters: pd.DataFrame = field(default_factory=lambda: _empty(EV_COLUMNS))
    ev_cluster_params: pd.DataFrame = field(default_factory=lambda: _empty(EV_PARAM_COLUMNS))
    carbon_price_per_t: float = 0.0
    unserved_penalty_per_mwh: float = DEFAULT_UNSERVED_PENALTY_PER_MWH
    reserve_shortfall_penalty_per_mwh: float = DEFAULT_RESERVE_SHORTFALL_PENALTY_PER_MWH
    # per MWh a storage plant ends below energy_final_mwh; None: the unserved-energy penalty
    storage_final_penalty_per_mwh: float | None = None

    # ------------------------------------------------------------------ convenience
    @property
    def unit_names(self) -> list[str]:
        return [str(n) for n in self.thermal["name"]]

    @property
    def renewable_names(self) -> list[str]:
        return sorted({str(n) for n in self.renewables["name"]}) if len(self.renewables) else []

    @property
    def storage_names(self) -> list[str]:
        return [str(n) for n in self.storage["name"]]

    @property
    def cluster_names(self) -> list[str]:
        return [str(n) for n in self.ev_cluster_params["cluster"]]

    def scalars(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "periods": int(self.periods),
            "period_hours": float(self.period_hours),
            "carbon_price_per_t": float(self.carbon_price_per_t),
            "unserved_penalty_per_mwh": float(self.unserved_penalty_per_mwh),
            "reserve_shortfall_penalty_per_mwh": float(self.reserve_shortfall_penalty_per_mwh),
        } | ({} if self.storage_final_penalty_per_mwh is None
             else {"storage_final_penalty_per_mwh": float(self.storage_final_penalty_per_mwh)})

    @property
    def storage_final_penalty(self) -> float:
        """Penalty per MWh of missed end-of-horizon storage energy (the unserved penalty unless set)."""
        v = self.storage_final_penalty_per_mwh
        return float(self.unserved_penalty_per_mwh if v is None else v)

    def validate(self, folder: str | Path | None = None) -> "DispatchProblem":
        """Check every table; raise InputError on the first bad value. Returns self (normalised)."""
        validate_problem(self, folder)
        return self


# ---------------------------------------------------------------------- reading / writing
def load_problem(folder: str | Path) -> DispatchProblem:
    """Read and validate a problem folder (problem.json + CSV tables)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(str(folder), "problem folder", str(folder), "an existing directory")
    jpath = folder / "problem.json"
    if not jpath.is_file():
        raise InputError(str(jpath), "file", "missing", "problem.json with name, periods, period_hours")
    try:
        raw = json.loads(jpath.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(str(jpath), f"line {exc.lineno}", exc.msg, "valid JSON") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError(str(jpath), "file", type(exc).__name__, "a readable UTF-8 JSON file") from None
    if not isinstance(raw, dict):
        raise InputError(str(jpath), "top level", raw, "a JSON object")
    for key in raw:
        if key not in JSON_KEYS:
            raise InputError(str(jpath), key, raw[key], "one of keys " + ", ".join(JSON_KEYS))
    for key in ("name", "periods", "period_hours"):
        if key not in raw:
            raise InputError(str(jpath), key, "missing", JSON_KEYS[key])
    tables: dict[str, pd.DataFrame] = {}
    for attr, fname in FILES.items():
        path = folder / fname
        if not path.is_file():
            if attr in OPTIONAL_TABLES:
                continue
            raise InputError(str(path), "file", "missing", f"{fname} with columns {', '.join(_COLUMNS[attr])}")
        try:
            df = pd.read_csv(path, dtype={c: str for c in _TEXT_COLUMNS}, keep_default_na=False,
                             na_values=[""])
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError) as exc:
            raise InputError(str(path), "file", str(exc).strip()[:60], "a CSV table with a header row") from None
        tables[attr] = df
    scalars = {k: raw[k] for k in raw}
    problem = DispatchProblem(**scalars, **tables)
    return problem.validate(folder)


def save_problem(problem: DispatchProblem, folder: str | Path) -> None:
    """Write a problem folder that :func:`load_problem` reads back to an equal problem."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "problem.json").write_text(json.dumps(problem.scalars(), indent=2) + "\n")
    for attr, fname in FILES.items():
        df: pd.DataFrame = getattr(problem, attr)
        path = folder / fname
        if attr in OPTIONAL_TABLES and len(df) == 0:
            if path.exists():
                path.unlink()
            continue
        df.to_csv(path, index=False, float_format="%.10g")


# ---------------------------------------------------------------------- validation
#: largest magnitude any number of a problem may have (MW, MWh, cost...): HiGHS treats 1e20 as infinite
#: and its numerics degrade well before; no power system needs more
MAX_ABS_VALUE = 1e10
#: most periods a problem may have (a year of 15-minute periods is 35,136)
MAX_PERIODS = 100_000


class _Checker:
    """Column checks for one table with key paths naming the row (unit, period) and the column."""

    def __init__(self, folder: Path | None, attr: str, df: pd.DataFrame, key: str | tuple[str, ...]):
        self.fname = FILES[attr]
        self.file = str(folder / self.fname) if folder is not None else self.fname
        self.df = df
        self.key = (key,) if isinstance(key, str) else key

    def where(self, i: int, column: str) -> str:
        row = self.df.iloc[i]
        label = {"name": "unit", "cluster": "cluster", "period": "period"}
        parts = []
        for k in self.key:
            v = row[k]
            parts.append(f"{label.get(k, k)} {v!r}" if k != "period" else f"period {v}")
        return ", ".join(parts) + f", column {column}"

    def fail(self, i: int | None, column: str, value: Any, allowed: str) -> None:
        key = self.where(i, column) if i is not None else f"column {column}"
        raise InputError(self.file, key, value, allowed)

    def columns(self, required: tuple[str, ...]) -> None:
        for c in required:
            if c not in self.df.columns:
                raise InputError(self.file, f"column {c}", "missing",
                                 "header with columns " + ", ".join(required))

    def text(self, column: str, unique: bool = False) -> None:
        col = self.df[column]
        for i, v in enumerate(col):
            if not isinstance(v, str) or not v.strip():
                self.fail(i, column, v, "a non-empty name")
        if unique:
            dup = col[col.duplicated()]
            if len(dup):
                i = int(np.flatnonzero(col.duplicated())[0])
                self.fail(i, column, dup.iloc[0], "each name once")

    def numeric(self, column: str, lo: float | None = None, hi: float | None = None,
                lo_open: bool = False, integer: bool = False, allowed: str | None = None) -> np.ndarray:
        raw = self.df[column]
        vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        desc = allowed or _range_text(lo, hi, lo_open, integer)
        for i, v in enumerate(vals):
            if not math.isfinite(v):
                self.fail(i, column, raw.iloc[i], desc)
            if abs(v) > MAX_ABS_VALUE:
                self.fail(i, column, _num(v), f"{desc}, at most {MAX_ABS_VALUE:g} in magnitude")
            if lo is not None and (v < lo or (lo_open and v <= lo)):
                self.fail(i, column, _num(v), desc)
            if hi is not None and v > hi:
                self.fail(i, column, _num(v), desc)
            if integer and v != round(v):
                self.fail(i, column, _num(v), desc)
        self.df[column] = vals
        return vals


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def _range_text(lo, hi, lo_open, integer) -> str:
    kind = "an integer" if integer else "a number"
    if lo is not None and hi is not None:
        return f"{kind} in {'(' if lo_open else '['}{_num(lo)}, {_num(hi)}]"
    if lo is not None:
        return f"{kind} {'>' if lo_open else '>='} {_num(lo)}"
    return f"a finite {kind[2:] if integer else 'number'}"


def _check_periods(ck: _Checker, periods: int, group: str | None) -> None:
    """Every group (or the whole table) must list periods 1..N exactly once."""
    ck.numeric("period", lo=1, hi=periods, integer=True,
               allowed=f"an integer period in 1..{periods}")
    ck.df["period"] = ck.df["period"].astype(int)
    keys = [group, "period"] if group else ["period"]
    dup = ck.df.duplicated(keys)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        ck.fail(i, "period", int(ck.df["period"].iloc[i]), "each period once")
    expected = set(range(1, periods + 1))
    groups = ck.df.groupby(group, sort=False) if group else [(None, ck.df)]
    for gname, sub in groups:
        missing = sorted(expected - set(sub["period"].tolist()))
        if missing:
            where = f"{'unit' if group == 'name' else group} {gname!r}, column period" if group else "column period"
            raise InputError(ck.file, where, f"period {missing[0]} missing",
                             f"periods 1..{periods}, one row each")


def _scalar(folder: Path | None, key: str, value: Any, ok: bool) -> None:
    if not ok:
        file = str(folder / "problem.json") if folder is not None else "problem.json"
        raise InputError(file, key, value, JSON_KEYS[key])


def _is_num(v: Any) -> bool:
    return (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and math.isfinite(v)
            and abs(v) <= MAX_ABS_VALUE)


def validate_problem(p: DispatchProblem, folder: str | Path | None = None) -> None:
    """Check scalars and tables; normalise dtypes and sort order in place (units keep file order)."""
    folder = Path(folder) if folder is not None else None
    _scalar(folder, "name", p.name, isinstance(p.name, str) and bool(p.name.strip()))
    _scalar(folder, "periods", p.periods,
            _is_num(p.periods) and float(p.periods).is_integer() and 1 <= p.periods <= MAX_PERIODS)
    p.periods = int(p.periods)
    _scalar(folder, "period_hours", p.period_hours, _is_num(p.period_hours) and p.period_hours > 0)
    _scalar(folder, "carbon_price_per_t", p.carbon_price_per_t, _is_num(p.carbon_price_per_t) and p.carbon_price_per_t >= 0)
    _scalar(folder, "unserved_penalty_per_mwh", p.unserved_penalty_per_mwh,
            _is_num(p.unserved_penalty_per_mwh) and p.unserved_penalty_per_mwh > 0)
    _scalar(folder, "reserve_shortfall_penalty_per_mwh", p.reserve_shortfall_penalty_per_mwh,
            _is_num(p.reserve_shortfall_penalty_per_mwh) and p.reserve_shortfall_penalty_per_mwh > 0)
    if p.storage_final_penalty_per_mwh is not None:
        _scalar(folder, "storage_final_penalty_per_mwh", p.storage_final_penalty_per_mwh,
                _is_num(p.storage_final_penalty_per_mwh) and p.storage_final_penalty_per_mwh > 0)
    T = p.periods
    for attr in FILES:
        df = getattr(p, attr)
        if not isinstance(df, pd.DataFrame):
            raise InputError(FILES[attr], "table", type(df).__name__, "a pandas DataFrame")
        df = df.copy()
        for col, default in _OPTIONAL_COLUMNS.get(attr, {}).items():
            if col not in df.columns:
                df[col] = default
        setattr(p, attr, df.reset_index(drop=True))

    # demand.csv
    ck = _Checker(folder, "demand", p.demand, "period")
    ck.columns(DEMAND_COLUMNS)
    _check_periods(ck, T, None)
    ck.numeric("demand_mw", lo=0)
    ck.numeric("reserve_mw", lo=0)
    p.demand = ck.df.sort_values("period").reset_index(drop=True)

    # thermal.csv
    ck = _Checker(folder, "thermal", p.thermal, "name")
    ck.columns(THERMAL_COLUMNS)
    ck.text("name", unique=True)
    pmin = ck.numeric("p_min_mw", lo=0)
    pmax = ck.numeric("p_max_mw", lo=0, lo_open=True)
    for i in range(len(pmin)):
        if pmin[i] > pmax[i]:
            ck.fail(i, "p_min_mw", _num(pmin[i]), f"<= p_max_mw ({_num(pmax[i])})")
    ck.numeric("ramp_up_mw_per_h", lo=0, lo_open=True)
    ck.numeric("ramp_down_mw_per_h", lo=0, lo_open=True)
    for col in ("startup_mw", "shutdown_mw"):
        v = ck.numeric(col, lo=0)
        for i in range(len(v)):
            if v[i] < pmin[i] - 1e-9:
                ck.fail(i, col, _num(v[i]), f">= p_min_mw ({_num(pmin[i])}): a unit passes p_min when it starts or stops")
    ck.numeric("min_up_h", lo=0)
    mdt = ck.numeric("min_down_h", lo=0)
    st = ck.numeric("initial_status_h", allowed="a non-zero number of hours (+k on, -k off)")
    p0 = ck.numeric("initial_p_mw", lo=0)
    must = ck.numeric("must_run", allowed="0 or 1")
    for i in range(len(st)):
        if st[i] == 0:
            ck.fail(i, "initial_status_h", 0, "a non-zero number of hours (+k on, -k off)")
        if must[i] not in (0.0, 1.0):
            ck.fail(i, "must_run", _num(must[i]), "0 or 1")
        if st[i] < 0 and p0[i] != 0:
            ck.fail(i, "initial_p_mw", _num(p0[i]), "0 for a unit that is off before period 1")
        if st[i] > 0 and not (pmin[i] - 1e-9 <= p0[i] <= pmax[i] + 1e-9):
            ck.fail(i, "initial_p_mw", _num(p0[i]), f"in [p_min_mw, p_max_mw] = [{_num(pmin[i])}, {_num(pmax[i])}] for a unit that is on")
        if must[i] == 1 and st[i] < 0 and -st[i] < mdt[i]:
            ck.fail(i, "must_run", 1, f"0 while the unit is still inside its minimum down time "
                                      f"(off {_num(-st[i])} h of min_down_h {_num(mdt[i])})")
    ck.numeric("co2_t_per_mwh", lo=0)
    quick = ck.numeric("quick_start", allowed="0 or 1")
    for i in range(len(quick)):
        if quick[i] not in (0.0, 1.0):
            ck.fail(i, "quick_start", _num(quick[i]), "0 or 1")
    ck.df["must_run"] = ck.df["must_run"].astype(int)
    ck.df["quick_start"] = ck.df["quick_start"].astype(int)
    p.thermal = ck.df
    units = {n: i for i, n in enumerate(ck.df["name"])}
    bounds = {n: (pmin[i], pmax[i]) for n, i in units.items()}

    # thermal_cost.csv
    ck = _Checker(folder, "thermal_cost", p.thermal_cost, "name")
    ck.columns(COST_COLUMNS)
    ck.text("name")
    for i, n in enumerate(ck.df["name"]):
        if n not in units:
            ck.fail(i, "name", n, "a unit listed in thermal.csv")
    pts = ck.numeric("p_mw", lo=0)
    ck.numeric("cost_per_h")
    ck.df["_row"] = np.arange(len(ck.df))
    ck.df = ck.df.sort_values(["name", "p_mw"], kind="stable")
    for n in units:
        sub = ck.df[ck.df["name"] == n]
        lo, hi = bounds[n]
        if len(sub) == 0:
            raise InputError(ck.file, f"unit {n!r}", "no cost points",
                             "points from p_min_mw to p_max_mw (one point if p_min_mw == p_max_mw)")
        pv = sub["p_mw"].to_numpy()
        cv = sub["cost_per_h"].to_numpy()
        rows = sub["_row"].to_numpy()
        if not math.isclose(pv[0], lo, rel_tol=1e-9, abs_tol=1e-6):
            ck.fail(int(rows[0]), "p_mw", _num(pv[0]), f"first point at p_min_mw = {_num(lo)}")
        if not math.isclose(pv[-1], hi, rel_tol=1e-9, abs_tol=1e-6):
            ck.fail(int(rows[-1]), "p_mw", _num(pv[-1]), f"last point at p_max_mw = {_num(hi)}")
        if len(pv) == 1 and hi > lo:
            ck.fail(int(rows[0]), "p_mw", _num(pv[0]), "at least two points when p_max_mw > p_min_mw")
        dp = np.diff(pv)
        if np.any(dp <= 1e-9):
            j = int(np.flatnonzero(dp <= 1e-9)[0]) + 1
            ck.fail(int(rows[j]), "p_mw", _num(pv[j]), "each output level once (strictly increasing)")
        slopes = np.diff(cv) / dp if len(pv) > 1 else np.array([])
        for j in range(1, len(slopes)):
            if slopes[j] < slopes[j - 1] - 1e-9 * max(1.0, abs(slopes[j - 1])):
                ck.fail(int(rows[j + 1]), "cost_per_h", _num(cv[j + 1]),
                        f"a convex curve: marginal cost {slopes[j]:.6g} per MWh between "
                        f"{_num(pv[j])} and {_num(pv[j + 1])} MW falls below {slopes[j - 1]:.6g}")
    p.thermal_cost = ck.df.drop(columns="_row").reset_index(drop=True)

    # thermal_startup.csv (optional: a unit without rows starts for free)
    ck = _Checker(folder, "thermal_startup", p.thermal_startup, "name")
    ck.columns(STARTUP_COLUMNS)
    ck.text("name")
    for i, n in enumerate(ck.df["name"]):
        if n not in units:
            ck.fail(i, "name", n, "a unit listed in thermal.csv")
    ck.numeric("lag_h", lo=0)
    ck.numeric("cost", lo=0)
    ck.df["_row"] = np.arange(len(ck.df))
    ck.df = ck.df.sort_values(["name", "lag_h"], kind="stable")
    for n, sub in ck.df.groupby("name", sort=False):
        lags = sub["lag_h"].to_numpy()
        costs = sub["cost"].to_numpy()
        rows = sub["_row"].to_numpy()
        if np.any(np.diff(lags) <= 0):
            j = int(np.flatnonzero(np.diff(lags) <= 0)[0]) + 1
            ck.fail(int(rows[j]), "lag_h", _num(lags[j]), "each lag once per unit")
        if np.any(np.diff(costs) < 0):
            j = int(np.flatnonzero(np.diff(costs) < 0)[0]) + 1
            ck.fail(int(rows[j]), "cost", _num(costs[j]),
                    f">= {_num(costs[j - 1])}: a colder start (longer lag) costs at least as much")
        first_ok = max(mdt[units[n]], p.period_hours)
        if lags[0] > first_ok + 1e-9:
            ck.fail(int(rows[0]), "lag_h", _num(lags[0]),
                    f"<= min_down_h ({_num(mdt[units[n]])} h) for the first category, so every start has a cost")
    p.thermal_startup = ck.df.drop(columns="_row").reset_index(drop=True)

    # renewables.csv
    ck = _Checker(folder, "renewables", p.renewables, ("name", "period"))
    ck.columns(RENEWABLE_COLUMNS)
    ck.text("name")
    for n in ck.df["name"]:
        if n in units:
            raise InputError(ck.file, f"unit {n!r}", n, "a name not used by a thermal unit")
    if len(ck.df):
        _check_periods(ck, T, "name")
    hi = ck.numeric("p_max_mw", lo=0)
    lo = ck.numeric("p_min_mw", lo=0)
    for i in range(len(hi)):
        if lo[i] > hi[i] + 1e-9:
            ck.fail(i, "p_min_mw", _num(lo[i]), f"<= p_max_mw ({_num(hi[i])})")
    p.renewables = ck.df.sort_values(["name", "period"]).reset_index(drop=True)

    # storage.csv
    ck = _Checker(folder, "storage", p.storage, "name")
    ck.columns(STORAGE_COLUMNS)
    ck.text("name", unique=True)
    ck.numeric("p_charge_max_mw", lo=0)
    ck.numeric("p_discharge_max_mw", lo=0)
    emax = ck.numeric("energy_max_mwh", lo=0)
    emin = ck.numeric("energy_min_mwh", lo=0)
    ck.numeric("eff_charge", lo=0, hi=1, lo_open=True)
    ck.numeric("eff_discharge", lo=0, hi=1, lo_open=True)
    e0 = ck.numeric("energy_initial_mwh", lo=0)
    ef = ck.numeric("energy_final_mwh", lo=0)
    ck.numeric("reserve_max_mw", lo=0)
    ck.numeric("reserve_duration_h", lo=0)
    for i in range(len(emax)):
        if emin[i] > emax[i]:
            ck.fail(i, "energy_min_mwh", _num(emin[i]), f"<= energy_max_mwh ({_num(emax[i])})")
        for col, v in (("energy_initial_mwh", e0[i]), ("energy_final_mwh", ef[i])):
            if not emin[i] - 1e-9 <= v <= emax[i] + 1e-9:
                ck.fail(i, col, _num(v), f"in [energy_min_mwh, energy_max_mwh] = [{_num(emin[i])}, {_num(emax[i])}]")
    p.storage = ck.df

    # ev_cluster_params.csv + ev_clusters.csv
    ckp = _Checker(folder, "ev_cluster_params", p.ev_cluster_params, "cluster")
    ckp.columns(EV_PARAM_COLUMNS)
    ckp.text("cluster", unique=True)
    ckp.numeric("eff_charge", lo=0, hi=1, lo_open=True)
    ckp.numeric("eff_discharge", lo=0, hi=1, lo_open=True)
    ckp.numeric("energy_initial_mwh", lo=0)
    ckp.numeric("discharge_cost_per_mwh", lo=0)
    ckp.numeric("energy_final_value_per_mwh", lo=0)
    flags = ckp.numeric("provides_reserve", allowed="0 or 1")
    for i, v in enumerate(flags):
        if v not in (0, 1):
            ckp.fail(i, "provides_reserve", _num(v), "0 or 1")
    ckp.df["provides_reserve"] = ckp.df["provides_reserve"].astype(int)
    ckp.numeric("reserve_duration_h", lo=0)
    p.ev_cluster_params = ckp.df
    ck = _Checker(folder, "ev_clusters", p.ev_clusters, ("cluster", "period"))
    ck.columns(EV_COLUMNS)
    ck.text("cluster")
    known = set(ckp.df["cluster"])
    for i, c in enumerate(ck.df["cluster"]):
        if c not in known:
            ck.fail(i, "cluster", c, "a cluster listed in ev_cluster_params.csv")
    missing = known - set(ck.df["cluster"])
    if missing:
        raise InputError(ck.file, f"cluster {sorted(missing)[0]!r}", "no rows",
                         f"periods 1..{T} for every cluster of ev_cluster_params.csv")
    if len(ck.df):
        _check_periods(ck, T, "cluster")
    ch_hi = ck.numeric("p_charge_max_mw", lo=0)
    dis_hi = ck.numeric("p_discharge_max_mw", lo=0)
    for col, hi, hi_col in (("p_charge_min_mw", ch_hi, "p_charge_max_mw"),
                            ("p_discharge_min_mw", dis_hi, "p_discharge_max_mw")):
        lo = ck.numeric(col, lo=0)
        for i in range(len(lo)):
            if lo[i] > hi[i] + 1e-9:
                ck.fail(i, col, _num(lo[i]), f"<= {hi_col} ({_num(hi[i])})")
    elo = ck.numeric("energy_min_mwh", lo=0)
    ehi = ck.numeric("energy_max_mwh", lo=0)
    ck.numeric("energy_drive_mwh", lo=0)
    for i in range(len(elo)):
        if elo[i] > ehi[i] + 1e-9:
            ck.fail(i, "energy_min_mwh", _num(elo[i]), f"<= energy_max_mwh ({_num(ehi[i])})")
    p.ev_clusters = ck.df.sort_values(["cluster", "period"]).reset_index(drop=True)


def problem_fields() -> list[str]:
    """Names of the DispatchProblem fields (for converters and tests)."""
    return [f.name for f in fields(DispatchProblem)]
