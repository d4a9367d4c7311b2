"""Rainflow turning points: reversals of a series and where its counted cycles end."""

import numpy as np

from simcore.battery.rainflow import cycle_end_indices, reversal_indices


def test_reversals_skip_plateaus_and_keep_their_last_sample():
    x = np.array([0.5, 0.5, 0.2, 0.2, 0.2, 0.6, 0.9, 0.9, 0.3])
    assert reversal_indices(x).tolist() == [0, 4, 7, 8]


def test_a_small_cycle_inside_a_large_swing_ends_where_it_closes():
    # 0 -> 1 -> 0.4 -> 0.6 -> 0: the 0.4-0.6 wiggle is a full cycle ending at the 0.6 sample (index 3);
    # the rest are half cycles ending at 1 (index 1) and at the last sample
    x = np.array([0.0, 1.0, 0.4, 0.6, 0.0])
    assert cycle_end_indices(x).tolist() == [1, 3, 4]


def test_regular_full_cycles_end_at_each_peak_and_valley_reached_again():
    x = np.tile([1.0, 0.0], 4)
    ends = cycle_end_indices(x)
    assert ends[-1] == x.size - 1 and set(ends.tolist()) <= set(range(x.size))
    assert ends.size >= 4


def test_flat_series_has_only_its_end():
    assert cycle_end_indices(np.full(10, 0.7)).tolist() == [9]
