"""Growable tables: rows keep their values through growth, and new rows always hold the fill."""

import numpy as np

from simcore.battery.columns import Growable


def _table(capacity: int = 2) -> Growable:
    return Growable({"x": (np.float64, ()), "slots": (np.int32, (2,))}, capacity, fill={"x": np.nan, "slots": -1})


def test_rows_survive_growth_beyond_the_capacity() -> None:
    t = _table()
    for i in range(50):
        sl = t.reserve(1)
        t.cols["x"][sl] = i
    assert t.n == 50
    assert np.array_equal(t["x"], np.arange(50.0))


def test_reserved_rows_hold_the_fill() -> None:
    t = _table()
    sl = t.reserve(10)
    assert np.isnan(t["x"][sl]).all()
    assert (t["slots"][sl] == -1).all()


def test_rows_reserved_after_compact_hold_the_fill_not_old_values() -> None:
    t = _table()
    sl = t.reserve(4)
    t.cols["x"][sl] = [1.0, 2.0, 3.0, 4.0]
    t.compact(np.array([True, False, False, False]))
    sl = t.reserve(3)
    assert t["x"][0] == 1.0
    assert np.isnan(t["x"][sl]).all()


def test_widen_keeps_values_and_fills_the_new_slots() -> None:
    t = _table()
    sl = t.reserve(3)
    t.cols["slots"][sl] = 7
    t.widen("slots", 4)
    assert t["slots"].shape == (3, 4)
    assert (t["slots"][:, :2] == 7).all() and (t["slots"][:, 2:] == -1).all()
    sl = t.reserve(5)
    assert (t["slots"][sl] == -1).all()
