"""Data tables under scenarios/data/battery: sourced, loadable, plausible."""

from pathlib import Path

import numpy as np
import pytest

from simcore.battery.chemistry import CHEMISTRIES, DATA_DIR, material_matrix, materials_per_kwh
from simcore.battery.climate import ambient_c, cell_temperature_c, monthly_ambient_c
from simcore.errors import InputError


def test_every_data_file_has_a_source_note():
    notes = (DATA_DIR / "SOURCES.md").read_text()
    for csv in Path(DATA_DIR).glob("*.csv"):
        assert f"## {csv.name}" in notes


def test_every_default_parameter_is_mentioned_in_the_notes():
    notes = (DATA_DIR / "SOURCES.md").read_text()
    for line in (DATA_DIR / "vehicle_life.csv").read_text().splitlines()[1:]:
        assert f"`{line.split(',')[0]}`" in notes


def test_derived_material_content_is_in_the_published_order_of_magnitude():
    t = materials_per_kwh()
    assert list(t.index) == list(CHEMISTRIES)
    assert ((t["li_kg_per_kwh"] > 0.07) & (t["li_kg_per_kwh"] < 0.15)).all()
    assert 0.45 < t.loc["NMC622", "ni_kg_per_kwh"] < 0.7 and 0.12 < t.loc["NMC622", "co_kg_per_kwh"] < 0.25
    assert t.loc["LFP", ["ni_kg_per_kwh", "co_kg_per_kwh", "mn_kg_per_kwh"]].sum() == 0
    assert t.loc["NCA", "al_kg_per_kwh"] > t.loc["NMC622", "al_kg_per_kwh"]  # cathode aluminium
    assert material_matrix().shape == (len(CHEMISTRIES), 7)


def test_nmc622_metals_follow_the_cathode_stoichiometry():
    t = materials_per_kwh().loc["NMC622"]
    # Ni:Mn:Co = 6:2:2 in moles
    assert np.isclose(t["ni_kg_per_kwh"] / 58.693 / (t["co_kg_per_kwh"] / 58.933), 3.0)
    assert np.isclose(t["mn_kg_per_kwh"] / 54.938 / (t["co_kg_per_kwh"] / 58.933), 1.0)


def test_ambient_interpolation_hits_monthly_normals_mid_month_and_wraps():
    tokyo = monthly_ambient_c("tokyo")
    assert np.isclose(ambient_c(196.5, tokyo), tokyo[6])  # mid July
    assert np.isclose(ambient_c(15.5, tokyo), tokyo[0])
    assert np.isclose(ambient_c(0.0, tokyo), ambient_c(365.0, tokyo))
    assert 15.0 < np.mean(ambient_c(np.arange(365), tokyo)) < 17.0  # Tokyo annual normal 15.8 C
    assert np.allclose(cell_temperature_c(np.arange(3), tokyo, 5.0) - ambient_c(np.arange(3), tokyo), 5.0)


def test_unknown_site_is_an_input_error():
    with pytest.raises(InputError, match="tokyo"):
        monthly_ambient_c("atlantis")
