"""The early LMO-blend packs' ageing law: shipped parameters are what the derivation gives, and reproduce
the fleet statistics they were derived from."""

import numpy as np
import pytest

from simcore.battery.ageing import AgeingState, DailyStressors, ModelCode, age_batteries
from simcore.battery.chemistry import AGEING_MODEL
from simcore.battery.lmo_leaf import derive_law, load_law, read_table, reference_loss
from simcore.errors import InputError


def test_shipped_parameters_are_the_derived_ones():
    table = read_table()
    a_cal, p_cal = derive_law(table)
    assert table["a_cal"] == pytest.approx(a_cal, rel=1e-5)
    assert table["p_cal"] == pytest.approx(p_cal, rel=1e-5)


def test_reference_use_reproduces_the_fleet_survey():
    t = read_table()
    mean_dev = np.exp(0.5 * t["fade_scalar_sigma"] ** 2)
    loss_at, lo, hi = reference_loss(t["a_cal"], t["p_cal"], t, np.array([4.6, 1.5, 2.5]))
    assert 1 - mean_dev * loss_at == pytest.approx(0.85, abs=1e-4)
    assert mean_dev * (hi - lo) == pytest.approx(0.031, abs=1e-4)


def test_lmo_packs_age_with_the_lmo_leaf_law_and_faster_than_nmc622_when_warm():
    assert AGEING_MODEL["LMO"] == ModelCode.LMO_LEAF
    state = AgeingState.new(2, np.array([ModelCode.NMC622, ModelCode.LMO_LEAF], dtype=np.int8))
    day = DailyStressors(soc_mean=0.8, temp_c=28.0, dod=0.2, efc=0.15, c_chg=0.2)
    for _ in range(365 * 5):
        state = age_batteries(state, day)
    assert state.q[1] < state.q[0] - 0.05
    assert load_law().p_cal == pytest.approx(read_table()["p_cal"])


def test_a_missing_row_is_an_input_error(tmp_path):
    bad = tmp_path / "law.csv"
    bad.write_text("name,value,unit,source\nb_cal_k,-7580,K,x\n")
    with pytest.raises(InputError, match="c_cal_k"):
        read_table(bad)
