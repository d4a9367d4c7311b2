"""Named random streams: independent of each other and of creation order; reproducible."""

import numpy as np

from simcore.rng import RngStreams


def test_same_seed_and_name_give_identical_draws():
    a = RngStreams(5)("ev.trips").random(10)
    b = RngStreams(5)("ev.trips").random(10)
    assert np.array_equal(a, b)


def test_adding_a_stream_never_changes_another():
    plain = RngStreams(5)
    expected = plain("fleet").random(5)
    busy = RngStreams(5)
    busy("grid").random(1000)
    assert np.array_equal(busy("fleet").random(5), expected)


def test_different_names_and_seeds_differ():
    s = RngStreams(5)
    assert not np.array_equal(s("a").random(5), s("b").random(5))
    assert not np.array_equal(RngStreams(1)("a").random(5), RngStreams(2)("a").random(5))


def test_mesa_methods_come_from_a_dedicated_stream():
    s = RngStreams(3)
    assert 0 <= s.random() < 1 and "mesa" in s.names()
