"""Sales table of a cohort: how many EVs per sale year, which chemistry, which pack size.

``scenarios/data/lifecycle/ev_sales_japan.csv`` (sources in ``SOURCES.md`` there): one row per year
with ``bev_sales``, chemistry shares ``share_<chemistry>`` and ``mean_pack_kwh``. The cohort is spread
over the years in proportion to sales (largest remainder, so the counts add up exactly) and over the
days of each year uniformly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.battery.chemistry import CHEMISTRY_CODE
from simcore.errors import InputError
from simcore.tables import numeric_column, read_table_csv

DATA_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "lifecycle"
SHARE_PREFIX = "share_"


@dataclass
class SalesTable:
    """Per sale year: sales, chemistry shares (years x chemistries, rows sum to 1), mean pack kWh."""

    years: np.ndarray
    sales: np.ndarray
    chemistry_codes: np.ndarray  # chemistry code of each share column
    shares: np.ndarray
    mean_pack_kwh: np.ndarray


def load_sales(file: str | Path, first_year: int, last_year: int) -> SalesTable:
    """Read and check the sales table, keeping ``first_year..last_year`` (all of them must be present)."""
    path = Path(file)
    if not path.is_absolute():
        path = DATA_DIR / path
    if not path.exists():
        raise InputError(path, "sales_file", str(file), "an existing CSV under scenarios/data/lifecycle/")
    df = read_table_csv(path, ["year", "bev_sales", "mean_pack_kwh"])
    df["year"] = numeric_column(df, "year", path, 1900, 2200)
    share_cols = [c for c in df.columns if c.startswith(SHARE_PREFIX)]
    codes = []
    for c in share_cols:
        name = c[len(SHARE_PREFIX):].upper()
        if name not in CHEMISTRY_CODE:
            raise InputError(path, c, name, ", ".join(CHEMISTRY_CODE))
        codes.append(CHEMISTRY_CODE[name])
    if not codes:
        raise InputError(path, "columns", ",".join(df.columns), "at least one share_<chemistry> column")
    df = df[(df["year"] >= first_year) & (df["year"] <= last_year)].sort_values("year")
    years = df["year"].to_numpy(dtype=np.int64)
    if years.size != last_year - first_year + 1 or np.any(np.diff(years) != 1):
        raise InputError(path, "year", f"{first_year}..{last_year}", "one row for every sale year of the cohort")
    sales = numeric_column(df, "bev_sales", path, lo=0.0)
    shares = np.column_stack([numeric_column(df, c, path, 0.0, 1.0) for c in share_cols])
    kwh = numeric_column(df, "mean_pack_kwh", path, lo=0.0)
    for name, arr, ok in (("bev_sales", sales, sales >= 0), ("mean_pack_kwh", kwh, kwh > 0)):
        if not np.all(ok & np.isfinite(arr)):
            raise InputError(path, name, arr[~(ok & np.isfinite(arr))][0], "a finite number (> 0 for pack kWh, >= 0 for sales)")
    if sales.sum() <= 0:
        raise InputError(path, "bev_sales", 0, "sales > 0 in at least one year")
    row_sum = shares.sum(axis=1)
    if np.any(shares < 0) or np.any(np.abs(row_sum - 1.0) > 1e-6):
        bad = int(years[np.argmax(np.abs(row_sum - 1.0))])
        raise InputError(path, f"year {bad}.share_*", float(row_sum[years == bad][0]), "shares >= 0 summing to 1")
    return SalesTable(years, sales, np.array(codes, dtype=np.int8), shares, kwh)


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts proportional to ``weights`` that add up to ``total`` (largest remainder, ties by order)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    rest = total - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


@dataclass
class CohortDraw:
    """Per EV: sale year, sale day (days since ``epoch``), chemistry code, nominal pack kWh."""

    sale_year: np.ndarray
    sale_day: np.ndarray
    chemistry: np.ndarray
    nominal_kwh: np.ndarray


def draw_cohort(table: SalesTable, size: int, epoch: pd.Timestamp, rng: np.random.Generator) -> CohortDraw:
    """Spread ``size`` EVs over the years by sales, over each year's days uniformly; draw their chemistry."""
    counts = allocate(size, table.sales)
    year_idx = np.repeat(np.arange(table.years.size), counts)
    years = table.years[year_idx]
    first = np.array([(pd.Timestamp(year=int(y), month=1, day=1) - epoch).days for y in table.years])
    length = np.array([366 if pd.Timestamp(year=int(y), month=1, day=1).is_leap_year else 365 for y in table.years])
    u = rng.random((2, size))
    sale_day = first[year_idx] + np.floor(u[0] * length[year_idx]).astype(np.int64)
    cum = np.cumsum(table.shares, axis=1)[year_idx]
    k = np.minimum((u[1][:, None] >= cum).sum(axis=1), table.chemistry_codes.size - 1)
    chem = table.chemistry_codes[k]
    order = np.argsort(sale_day, kind="stable")  # EV index = order of sale
    return CohortDraw(years[order], sale_day[order], chem[order], table.mean_pack_kwh[year_idx][order])
