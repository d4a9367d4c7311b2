"""Cell temperature from monthly ambient normals plus a pack offset.

Ambient: monthly mean air temperature normals (JMA 1991-2020) in
``scenarios/data/battery/ambient_temperature_monthly.csv``, interpolated linearly between mid-month
points (cyclic over the year). Cell temperature = ambient + ``pack_offset_c`` (parameter: heat from
driving/charging and the parked-car greenhouse effect minus thermal management; assumption default
+5 K, see docs/battery.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError

from .chemistry import DATA_DIR

AMBIENT_TABLE = DATA_DIR / "ambient_temperature_monthly.csv"
DEFAULT_PACK_OFFSET_C = 5.0
_MID_MONTH_DOY = np.array([15.5, 45.0, 74.5, 105.0, 135.5, 166.0, 196.5, 227.5, 258.0, 288.5, 319.0, 349.5])


def monthly_ambient_c(site: str = "tokyo", path: str | Path = AMBIENT_TABLE) -> np.ndarray:
    """The 12 monthly mean temperatures (deg C) of ``site`` (a column ``<site>_c`` of the table)."""
    from simcore.tables import read_table_csv

    path = Path(path)
    df = read_table_csv(path, ["month"])
    col = f"{site}_c"
    if col not in df.columns:
        sites = [c[:-2] for c in df.columns if c.endswith("_c")]
        raise InputError(path, "site", site, ", ".join(sites))
    values = pd.to_numeric(df.sort_values("month")[col], errors="coerce").to_numpy(dtype=float)
    if values.size != 12 or not np.all(np.isfinite(values)):
        raise InputError(path, col, values.size, "12 finite monthly values")
    return values


def ambient_c(day_of_year: np.ndarray, monthly_c: np.ndarray) -> np.ndarray:
    """Daily ambient temperature (deg C) for day-of-year values (0-based, any real, wraps at 365)."""
    doy = np.mod(np.asarray(day_of_year, dtype=float), 365.0)
    xp = np.r_[_MID_MONTH_DOY[-1] - 365.0, _MID_MONTH_DOY, _MID_MONTH_DOY[0] + 365.0]
    fp = np.r_[monthly_c[-1], monthly_c, monthly_c[0]]
    return np.interp(doy, xp, fp)


def cell_temperature_c(
    day_of_year: np.ndarray, monthly_c: np.ndarray, pack_offset_c: float | np.ndarray = DEFAULT_PACK_OFFSET_C
) -> np.ndarray:
    """Daily mean cell temperature: interpolated ambient plus the pack offset (scalar or per battery)."""
    return ambient_c(day_of_year, monthly_c) + pack_offset_c
