"""The first-life ageing law of early LMO-blend packs (``lmo_leaf``) and its derivation from published data.

The early packs (first-generation Nissan Leaf, LiMn2O4 + LiNiO2 / graphite cells, passively cooled,
sold until 2017) get a law of the form of BLAST-Lite's Leaf-cell fit (``lmo_2ndlife``)::

    q_loss_cal = a_cal exp(b_cal/T) exp(c_cal soc/T) t_days**p_cal       q_loss_cyc = a_cyc EFC**p_cyc

* ``b_cal``, ``c_cal`` (temperature and SOC dependence of calendar fade) and the throughput law are
  the Leaf-cell laboratory fit (Braco et al., second-life modules; BLAST-Lite
  ``lmo_gr_NissanLeaf66Ah_2ndLife_2020``). The throughput law is restated per new capacity assuming
  the same ampere-hours of lithium are lost per ampere-hour moved: ``a_cyc = a_2nd (66/46)**(p_cyc-1)``.
* ``a_cal`` and ``p_cal`` cannot come from cells that had already lost 30 %: they are derived here so
  that a pack in reference use reproduces two statistics of a fleet survey of 24 kWh Leafs (Myall et
  al. 2018, 201 cars, mostly imported used from Japan): mean SOH 0.85 at 4.6 years of age, and a
  mean decline of 3.1 %/year at two years of age (taken as the loss between 1.5 and 2.5 years).

Reference use (assumptions, scenarios/data/battery/SOURCES.md): Tokyo monthly normals + 5 K pack
offset, mean SOC 0.82, 20.6 km a day at 6.5 km/kWh on a 24 kWh pack. The fleet figures are means
of true pack SOH, so the nominal model is fitted to them divided by the mean of the hidden per-pack
fade deviation (lognormal, sd 0.15).

:func:`derive_law` recomputes ``a_cal`` and ``p_cal`` from the inputs in
``scenarios/data/battery/lmo_leaf_law.csv``; :func:`load_law` reads the shipped values (a test checks
they are what the derivation gives).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError

from .ageing import KELVIN, LmoLeafParams, advance_power_state, lmo2nd_cal_rate

LAW_TABLE = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "battery" / "lmo_leaf_law.csv"
DERIVED = ("a_cal", "p_cal")
INPUTS = (
    "b_cal_k", "c_cal_k", "a_cyc_2ndlife", "p_cyc", "capacity_new_ah", "capacity_2ndlife_ah",
    "fleet_soh", "fleet_soh_age_y", "fleet_decline_per_y", "fleet_decline_age_y",
    "ref_km_per_day", "ref_km_per_kwh", "ref_pack_kwh", "ref_soc_mean", "ref_pack_offset_c", "fade_scalar_sigma",
)


def read_table(path: str | Path = LAW_TABLE) -> dict[str, float]:
    """The ``name,value,unit,source`` table as ``{name: value}`` (InputError on missing/bad rows)."""
    from simcore.tables import read_table_csv

    path = Path(path)
    df = read_table_csv(path, ["name", "value"])
    values = dict(zip(df["name"].astype(str), pd.to_numeric(df["value"], errors="coerce")))
    for name in INPUTS + DERIVED:
        v = values.get(name)
        if v is None or not np.isfinite(v):
            raise InputError(path, name, v, "a finite number (see scenarios/data/battery/SOURCES.md)")
    return {k: float(v) for k, v in values.items()}


def cycle_coefficient(t: dict[str, float]) -> float:
    """Throughput law of the second-life fit restated per new capacity (same Ah lost per Ah moved)."""
    return t["a_cyc_2ndlife"] * (t["capacity_new_ah"] / t["capacity_2ndlife_ah"]) ** (t["p_cyc"] - 1.0)


def _reference_parts(p_cal: float, t: dict[str, float], days: int) -> tuple[np.ndarray, np.ndarray]:
    """Calendar loss per unit ``a_cal`` and cycle loss of a pack in reference use, at the end of each day.

    The calendar state is homogeneous in its coefficient (scaling ``k`` scales ``y``), so it is stepped
    once with ``a_cal = 1``.
    """
    from .climate import cell_temperature_c, monthly_ambient_c

    temp_k = cell_temperature_c(np.arange(days), monthly_ambient_c("tokyo"), t["ref_pack_offset_c"]) + KELVIN
    unit = LmoLeafParams(1.0, t["b_cal_k"], t["c_cal_k"], p_cal, cycle_coefficient(t), t["p_cyc"])
    k_cal = lmo2nd_cal_rate(temp_k, np.full(days, t["ref_soc_mean"]), unit)
    cal = np.empty(days)
    y = np.zeros(1)
    for d in range(days):
        y = advance_power_state(y, 1.0, k_cal[d : d + 1], p_cal)
        cal[d] = y[0]
    efc_per_day = t["ref_km_per_day"] / t["ref_km_per_kwh"] / t["ref_pack_kwh"]  # (drive + its recharge) / 2
    cyc = unit.a_cyc * (efc_per_day * np.arange(1, days + 1)) ** unit.p_cyc
    return cal, cyc


def _day_index(ages_y: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(ages_y, dtype=float) * 365.25).astype(int) - 1


def reference_loss(a_cal: float, p_cal: float, t: dict[str, float], ages_y: np.ndarray) -> np.ndarray:
    """Model loss (nominal) of a pack in reference use at the given ages (years), stepped daily."""
    idx = _day_index(ages_y)
    cal, cyc = _reference_parts(p_cal, t, int(idx.max()) + 1)
    return a_cal * cal[idx] + cyc[idx]


def derive_law(t: dict[str, float]) -> tuple[float, float]:
    """``(a_cal, p_cal)`` reproducing the fleet statistics in reference use.

    For a trial ``p_cal`` the calendar magnitude follows from the SOH at ``fleet_soh_age_y``
    (the loss is linear in ``a_cal``); ``p_cal`` is then found so that the loss between half a year
    before and after ``fleet_decline_age_y`` equals the reported decline per year.
    """
    from scipy.optimize import brentq

    mean_scalar = np.exp(0.5 * t["fade_scalar_sigma"] ** 2)  # mean of the lognormal per-pack deviation
    target_loss = (1.0 - t["fleet_soh"]) / mean_scalar
    target_rate = t["fleet_decline_per_y"] / mean_scalar
    i_age = _day_index([t["fleet_soh_age_y"]])[0]
    i_lo, i_hi = _day_index([t["fleet_decline_age_y"] - 0.5, t["fleet_decline_age_y"] + 0.5])
    days = int(max(i_age, i_hi)) + 1

    def solve(p_cal: float) -> tuple[float, float]:
        cal, cyc = _reference_parts(p_cal, t, days)
        a = (target_loss - cyc[i_age]) / cal[i_age]
        rate = a * (cal[i_hi] - cal[i_lo]) + cyc[i_hi] - cyc[i_lo]
        return a, rate - target_rate

    p_cal = brentq(lambda p: solve(p)[1], 0.2, 1.5, xtol=1e-12)
    return float(solve(p_cal)[0]), float(p_cal)


@lru_cache(maxsize=2)
def load_law(path: str | Path = LAW_TABLE) -> LmoLeafParams:
    """The shipped ``lmo_leaf`` parameters."""
    t = read_table(path)
    return LmoLeafParams(t["a_cal"], t["b_cal_k"], t["c_cal_k"], t["p_cal"], cycle_coefficient(t), t["p_cyc"])


if __name__ == "__main__":  # print the derived values for the table
    table = read_table()
    a, p = derive_law(table)
    print(f"a_cal,{a:.6g}\np_cal,{p:.6g}")
