"""Helpers shared by the BLAST-Lite oracle test and its recorder: run BLAST-Lite, read the fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = ("v2g_two_cycles_1y.csv.gz", "irregular_1y.csv.gz")
BLAST_MODELS = {
    "nmc622": "Nmc622_Gr_DENSO50Ah_Battery",
    "lfp": "Lfp_Gr_250AhPrismatic",
    "lmo_2ndlife": "Lmo_Gr_NissanLeaf66Ah_2ndLife_Battery",
}


def fixture_series(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A shipped fixture profile as arrays (time s, SOC, temperature degC)."""
    from simcore.battery.profile import load_profile

    p = load_profile(DATA / name)
    return p.time_s, p.soc, p.temperature_c


def blast_q_end(t: np.ndarray, soc: np.ndarray, temp: np.ndarray, model: str, conserve: bool) -> float:
    """BLAST-Lite's relative capacity at the end of the series (its default settings but the mode)."""
    import warnings

    import blast.models as bm

    cell = getattr(bm, BLAST_MODELS[model])()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cell.simulate_battery_life({"Time_s": t, "SOC": soc, "Temperature_C": temp}, is_conserve_energy_throughput=conserve)
    return float(cell.outputs["q"][-1])
