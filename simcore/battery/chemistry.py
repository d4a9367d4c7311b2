"""Chemistries: which ageing model each uses and its material content per kWh (derived, sourced).

Material content is derived from the cathode stoichiometry, practical specific capacities and cell
voltages in ``scenarios/data/battery/cathode_chemistry.csv`` (sources in ``SOURCES.md`` there), so
every number can be traced to its inputs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from simcore.errors import InputError
from simcore.tables import numeric_column

from .ageing import ModelCode

DATA_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "battery"
CATHODE_TABLE = DATA_DIR / "cathode_chemistry.csv"

# Chemistry code (int8 per battery) -> name; order is the code.
CHEMISTRIES: tuple[str, ...] = ("NMC622", "NMC811", "NCA", "LFP", "LMO")
CHEMISTRY_CODE: dict[str, int] = {name: i for i, name in enumerate(CHEMISTRIES)}

# Ageing model per chemistry. NMC622, LFP and the early LMO-blend packs (first-generation Leaf) have
# their own law; NMC811 and NCA use the NMC622 model as a proxy (assumption: same graphite-anode
# SEI/cracking family). LMO packs in a car follow ``lmo_leaf`` (simcore/battery/lmo_leaf.py).
AGEING_MODEL: dict[str, ModelCode] = {
    "NMC622": ModelCode.NMC622,
    "NMC811": ModelCode.NMC622,
    "NCA": ModelCode.NMC622,
    "LFP": ModelCode.LFP,
    "LMO": ModelCode.LMO_LEAF,
}

MATERIALS: tuple[str, ...] = ("li", "ni", "co", "mn", "cu", "al", "graphite")
MOLAR_MASS_G_PER_MOL = {"li": 6.94, "ni": 58.693, "mn": 54.938, "co": 58.933, "al": 26.982, "fe": 55.845, "p": 30.974, "o": 15.999}


def chemistry_codes(names: str | list[str] | np.ndarray, n: int | None = None) -> np.ndarray:
    """Names -> ``int8`` chemistry codes (a single name is broadcast to ``n``)."""
    if isinstance(names, str):
        if names not in CHEMISTRY_CODE:
            raise InputError(None, "chemistry", names, ", ".join(CHEMISTRIES))
        return np.full(1 if n is None else n, CHEMISTRY_CODE[names], dtype=np.int8)
    bad = [x for x in names if x not in CHEMISTRY_CODE]
    if bad:
        raise InputError(None, "chemistry", bad[0], ", ".join(CHEMISTRIES))
    return np.array([CHEMISTRY_CODE[x] for x in names], dtype=np.int8)


def model_code_of(chem_codes: np.ndarray) -> np.ndarray:
    """Ageing model code for each chemistry code."""
    lut = np.array([int(AGEING_MODEL[c]) for c in CHEMISTRIES], dtype=np.int8)
    return lut[np.asarray(chem_codes, dtype=np.int64)]


@lru_cache(maxsize=4)
def materials_per_kwh(path: str | Path = CATHODE_TABLE) -> pd.DataFrame:
    """kg of each material per kWh of nominal pack energy, one row per chemistry (index: name).

    Cathode metals: moles per formula unit x molar mass / cathode molar mass x cathode mass per kWh,
    cathode mass per kWh = 1000 / (specific capacity mAh/g x cell voltage V). Graphite: anode mass per
    kWh from its practical capacity x N/P ratio. Copper and aluminium per kWh are taken from the table
    (cathode aluminium of NCA is added).
    """
    path = Path(path)
    from simcore.tables import read_table_csv

    df = read_table_csv(path, ["chemistry"]).set_index("chemistry")
    elements = ["li", "ni", "mn", "co", "al", "fe", "p", "o"]
    for col in [f"{e}_mol" for e in elements] + ["cam_capacity_mah_per_g", "cell_voltage_v"]:
        if col not in df.columns:
            raise InputError(path, "header", col, "column present")
        df[col] = numeric_column(df, col, path, lo=0.0)
    formula_mass = sum(df[f"{e}_mol"] * MOLAR_MASS_G_PER_MOL[e] for e in elements)
    cam_kg_per_kwh = 1000.0 / (df["cam_capacity_mah_per_g"] * df["cell_voltage_v"])
    out = pd.DataFrame(index=df.index)
    for e in ("li", "ni", "co", "mn"):
        out[e] = cam_kg_per_kwh * df[f"{e}_mol"] * MOLAR_MASS_G_PER_MOL[e] / formula_mass
    out["cu"] = df["cu_kg_per_kwh"]
    out["al"] = df["al_kg_per_kwh"] + cam_kg_per_kwh * df["al_mol"] * MOLAR_MASS_G_PER_MOL["al"] / formula_mass
    out["graphite"] = 1000.0 / (df["graphite_capacity_mah_per_g"] * df["cell_voltage_v"]) * df["anode_np_ratio"]
    out.columns = [f"{m}_kg_per_kwh" for m in out.columns]
    return out


@lru_cache(maxsize=1)
def material_matrix() -> np.ndarray:
    """(n_chemistries, n_materials) kg/kWh in ``CHEMISTRIES`` x ``MATERIALS`` order (for vector maths)."""
    table = materials_per_kwh()
    cols = [f"{m}_kg_per_kwh" for m in MATERIALS]
    out = table.reindex(list(CHEMISTRIES))[cols].to_numpy(dtype=float)
    out.flags.writeable = False  # cached: shared by every caller
    return out
