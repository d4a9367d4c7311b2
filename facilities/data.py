"""The 4R data tables (``scenarios/data/fourr/``), read once, checked, and turned into arrays.

Every number the facility model uses comes from these tables or from scenario parameters, each with a
source note (``scenarios/data/fourr/SOURCES.md``); the code holds none. A table can be replaced by a
user's copy: scenario parameter ``data_dir`` of the components that read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.battery.chemistry import CHEMISTRIES, MATERIALS
from simcore.errors import InputError
from simcore.tables import numeric_column, read_table_csv

DATA_DIR = Path(__file__).resolve().parents[1] / "scenarios" / "data" / "fourr"
#: the recycling routes, in the order of their codes
RECYCLING_ROUTES = ("pyro", "hydro", "direct")


def _path(folder: str | Path, name: str) -> Path:
    return Path(folder) / name


def _numbers(df: pd.DataFrame, path: Path, cols: list[str], lo: float = 0.0, hi: float = np.inf) -> None:
    for c in cols:
        df[c] = numeric_column(df, c, path, lo, hi)


def _rows_by(df: pd.DataFrame, key: str, path: Path, allowed: tuple[str, ...] | None = None) -> pd.DataFrame:
    names = df[key].astype(str).str.strip()
    if names.duplicated().any():
        raise InputError(path, f"{key}", names[names.duplicated()].iloc[0], f"each {key} once")
    if allowed is not None:
        bad = [n for n in names if n not in allowed]
        if bad:
            raise InputError(path, key, bad[0], ", ".join(allowed))
    return df.assign(**{key: names}).set_index(key)


class Applications:
    """Second-life applications (one row each): demand, size, grade, price, duty, end of life."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.names: tuple[str, ...] = tuple(table.index)
        self._cols = {c: table[c].to_numpy(dtype=float) for c in table.columns}  # read in hot paths: no pandas

    def col(self, name: str) -> np.ndarray:
        return self._cols[name]


class RecyclingRoutes:
    """Per route (pyro, hydro, direct): energy, CO2 and recovery per kg of cells."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table  # index: route
        self._recovery = table[[f"recovery_{m}" for m in MATERIALS]].to_numpy(dtype=float)
        self.values = {r: {c: float(table.loc[r, c]) for c in table.columns} for r in table.index}

    def recovery(self) -> np.ndarray:
        """(routes x MATERIALS) recovered share of each material."""
        return self._recovery


@dataclass
class FourRData:
    """Everything the 4R facility model reads from its data folder."""

    folder: Path
    applications: Applications
    routes: RecyclingRoutes
    direct_stages: pd.DataFrame
    cells: pd.DataFrame  # index: chemistry
    material_prices: pd.DataFrame  # index: material
    gate_fees: pd.Series  # chemistry -> USD/kg cells
    pack_prices: pd.DataFrame  # year, usd_per_kwh
    targets: pd.DataFrame
    co2_bases: pd.DataFrame  # index: basis
    factors: pd.Series  # name -> value
    powder: pd.Series  # item -> value

    def pack_price_usd_per_kwh(self, year: float | np.ndarray) -> np.ndarray:
        """New-pack price in a year: linear between published years, flat beyond them."""
        years, prices = self._pack_price_points
        return np.interp(np.asarray(year, dtype=float), years, prices)

    @cached_property
    def _pack_price_points(self) -> tuple[np.ndarray, np.ndarray]:
        t = self.pack_prices
        return t["year"].to_numpy(float), t["usd_per_kwh"].to_numpy(float)

    @cached_property
    def cell_kg_per_kwh(self) -> np.ndarray:
        """kg of cells per kWh of nominal energy, by chemistry code."""
        return 1000.0 / self.cells.reindex(list(CHEMISTRIES))["cell_wh_per_kg"].to_numpy(float)

    @cached_property
    def pack_kg_per_kwh(self) -> np.ndarray:
        """kg of pack per kWh, by chemistry code (cells / their share of pack mass)."""
        c = self.cells.reindex(list(CHEMISTRIES))
        return 1000.0 / c["cell_wh_per_kg"].to_numpy(float) / c["cells_share_of_pack_mass"].to_numpy(float)

    @cached_property
    def cathode_kg_per_kwh(self) -> np.ndarray:
        """kg of cathode active material per kWh, by chemistry code."""
        return self.cells.reindex(list(CHEMISTRIES))["cathode_kg_per_kwh"].to_numpy(float)

    @cached_property
    def material_value_usd_per_kg(self) -> np.ndarray:
        """Value of one kg of each element in ``MATERIALS`` when recovered (USD)."""
        t = self.material_prices
        return np.array([t.loc[m, "usd_per_kg_product"] / t.loc[m, "element_kg_per_kg_product"] for m in MATERIALS])

    @cached_property
    def cathode_value_usd_per_kg(self) -> np.ndarray:
        """Value of one kg of regenerated cathode by chemistry code (priced as virgin powder)."""
        t = self.material_prices
        return np.array([float(t.loc[f"cathode_{c.lower()}", "usd_per_kg_product"])
                         if f"cathode_{c.lower()}" in t.index else 0.0 for c in CHEMISTRIES])

    @cached_property
    def gate_fee_usd_per_kg(self) -> np.ndarray:
        """What a recycler pays (+) or charges (-) per kg of cells, by chemistry code."""
        return self.gate_fees.reindex(list(CHEMISTRIES)).fillna(0.0).to_numpy(float)

    def targets_in_force(self, year: int) -> dict[tuple[str, str], float]:
        """(body, element) -> recovery target in force in ``year`` (the latest step already started)."""
        out: dict[tuple[str, str], float] = {}
        for r in self.targets.sort_values("from_year").itertuples(index=False):
            if r.from_year <= year:
                out[(r.body, r.element)] = float(r.target_share)
        return out


@lru_cache(maxsize=8)
def load_fourr_data(folder: str | Path = DATA_DIR) -> FourRData:
    """Read and check every table of a 4R data folder (an InputError names the file, row and column)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "(folder)", str(folder), "a folder holding the 4R data tables")

    p = _path(folder, "applications.csv")
    apps = read_table_csv(p, ["application", "orders_per_year", "order_kwh", "min_module_soh", "price_jpy_per_kwh",
                              "efc_per_day", "soc_mean", "dod", "temp_c", "eol_soh", "max_years"])
    _numbers(apps, p, ["orders_per_year", "order_kwh", "price_jpy_per_kwh", "efc_per_day", "max_years"])
    _numbers(apps, p, ["min_module_soh", "soc_mean", "dod", "eol_soh"], 0.0, 1.0)
    _numbers(apps, p, ["temp_c"], -40.0, 80.0)
    apps = _rows_by(apps, "application", p)
    if (apps["order_kwh"] <= 0).any():
        raise InputError(p, "order_kwh", float(apps["order_kwh"].min()), "a size > 0 kWh")

    p = _path(folder, "recycling_routes.csv")
    cols = ["electricity_mj_per_kg", "natural_gas_mj_per_kg", "diesel_mj_per_kg", "reagents_kgco2e_per_kg",
            "process_kgco2_per_kg"]
    rec = [f"recovery_{m}" for m in MATERIALS]
    routes = read_table_csv(p, ["route", *cols, *rec])
    _numbers(routes, p, cols)
    _numbers(routes, p, rec, 0.0, 1.0)
    routes = _rows_by(routes, "route", p, RECYCLING_ROUTES)
    missing = [r for r in RECYCLING_ROUTES if r not in routes.index]
    if missing:
        raise InputError(p, "route", missing[0], "a row for each of " + ", ".join(RECYCLING_ROUTES))
    routes = routes.reindex(list(RECYCLING_ROUTES))

    p = _path(folder, "direct_line_stages.csv")
    stages = read_table_csv(p, ["stage", "time_h", "electricity_share", "loss_share"])
    _numbers(stages, p, ["time_h"])
    _numbers(stages, p, ["electricity_share", "loss_share"], 0.0, 1.0)
    for c in ("electricity_share", "loss_share"):
        if abs(stages[c].sum() - 1.0) > 1e-6:
            raise InputError(p, c, round(float(stages[c].sum()), 6), "shares summing to 1 over the stages")

    p = _path(folder, "cells.csv")
    cells = read_table_csv(p, ["chemistry", "cell_wh_per_kg", "cathode_kg_per_kwh", "cells_share_of_pack_mass"])
    _numbers(cells, p, ["cell_wh_per_kg", "cathode_kg_per_kwh"], 1e-6)
    _numbers(cells, p, ["cells_share_of_pack_mass"], 1e-6, 1.0)
    cells = _rows_by(cells, "chemistry", p, CHEMISTRIES)
    missing = [c for c in CHEMISTRIES if c not in cells.index]
    if missing:
        raise InputError(p, "chemistry", missing[0], "a row for each of " + ", ".join(CHEMISTRIES))

    p = _path(folder, "material_prices.csv")
    prices = read_table_csv(p, ["material", "usd_per_kg_product", "element_kg_per_kg_product"])
    _numbers(prices, p, ["usd_per_kg_product"])
    _numbers(prices, p, ["element_kg_per_kg_product"], 1e-6, 1.0)
    prices = _rows_by(prices, "material", p)
    missing = [m for m in MATERIALS if m not in prices.index]
    if missing:
        raise InputError(p, "material", missing[0], "a row for each of " + ", ".join(MATERIALS))

    p = _path(folder, "gate_fees.csv")
    fees = read_table_csv(p, ["chemistry", "usd_per_kg_cells"])
    _numbers(fees, p, ["usd_per_kg_cells"], -1e6, 1e6)
    fees = _rows_by(fees, "chemistry", p, CHEMISTRIES)["usd_per_kg_cells"]

    p = _path(folder, "pack_prices.csv")
    pack = read_table_csv(p, ["year", "usd_per_kwh"])
    _numbers(pack, p, ["year"], 1990, 2200)
    _numbers(pack, p, ["usd_per_kwh"], 1e-6)
    if not np.all(np.diff(pack["year"].to_numpy()) > 0):
        raise InputError(p, "year", pack["year"].tolist()[:6], "strictly increasing years")

    p = _path(folder, "regulation_targets.csv")
    targets = read_table_csv(p, ["body", "element", "target_share", "from_year"])
    _numbers(targets, p, ["target_share"], 0.0, 1.0)
    _numbers(targets, p, ["from_year"], 1990, 2200)
    bad = [e for e in targets["element"] if e not in MATERIALS]
    if bad:
        raise InputError(p, "element", bad[0], ", ".join(MATERIALS))

    p = _path(folder, "co2_bases.csv")
    bases = read_table_csv(p, ["basis", "kgco2_per_pack", "kgco2_per_kwh"])
    bases = _rows_by(bases, "basis", p)
    for name, row in bases.iterrows():
        per_pack, per_kwh = pd.to_numeric(row["kgco2_per_pack"], errors="coerce"), pd.to_numeric(row["kgco2_per_kwh"], errors="coerce")
        if np.isnan(per_pack) == np.isnan(per_kwh) or (not np.isnan(per_pack) and per_pack <= 0) or (
                not np.isnan(per_kwh) and per_kwh <= 0):
            raise InputError(p, f"basis {name}", [row["kgco2_per_pack"], row["kgco2_per_kwh"]],
                             "exactly one of kgco2_per_pack, kgco2_per_kwh, > 0")
    bases = bases.apply(pd.to_numeric, errors="coerce")

    p = _path(folder, "emission_factors.csv")
    factors = read_table_csv(p, ["factor", "value"])
    _numbers(factors, p, ["value"])
    factors = _rows_by(factors, "factor", p)["value"]
    for need in ("natural_gas", "diesel", "truck", "grid_japan"):
        if need not in factors.index:
            raise InputError(p, "factor", need, "a row for natural_gas, diesel, truck, grid_japan")

    p = _path(folder, "cathode_powder.csv")
    powder = read_table_csv(p, ["item", "value"])
    _numbers(powder, p, ["value"])
    powder = _rows_by(powder, "item", p)["value"]
    for need in ("electricity", "natural_gas", "naoh", "nh4oh", "naoh_factor", "nh4oh_factor"):
        if need not in powder.index:
            raise InputError(p, "item", need, "rows electricity, natural_gas, naoh, nh4oh, naoh_factor, nh4oh_factor")

    return FourRData(folder, Applications(apps), RecyclingRoutes(routes), stages, cells, prices, fees, pack, targets,
                     bases, factors, powder)
