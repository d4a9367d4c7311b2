"""The grading station's FIFO servers against queueing theory."""

import numpy as np
import pytest

from facilities.queueing import FifoServers, erlang_c_wait_h


def test_fifo_single_server_by_hand():
    q = FifoServers(1)
    start, finish = q.serve(np.array([0.0, 1.0, 1.5, 10.0]), np.array([2.0, 2.0, 1.0, 1.0]))
    assert start.tolist() == [0.0, 2.0, 4.0, 10.0] and finish.tolist() == [2.0, 4.0, 5.0, 11.0]
    assert q.served == 4 and q.busy_h == 6.0 and q.wait_h == 3.5


def test_fifo_serves_the_same_whether_given_a_day_at_a_time_or_all_at_once():
    rng = np.random.default_rng(4)
    a = np.cumsum(rng.exponential(0.3, 2000))
    s = rng.exponential(1.0, 2000)
    for c in (1, 3):
        whole = FifoServers(c).serve(a, s)[0]
        parts, q = [], FifoServers(c)
        for chunk in np.array_split(np.arange(a.size), 17):
            parts.append(q.serve(a[chunk], s[chunk])[0])
        assert np.allclose(whole, np.concatenate(parts), rtol=1e-12, atol=1e-9)  # cumulative sums round differently


def test_erlang_c_known_values():
    assert erlang_c_wait_h(0.8, 1.0, 1) == pytest.approx(4.0)  # M/M/1: rho / (mu - lambda)
    assert erlang_c_wait_h(2.0, 1.0, 3) == pytest.approx(4 / 9)
    assert erlang_c_wait_h(1.0, 1.0, 1) == float("inf")


@pytest.mark.parametrize("servers, load", [(1, 0.75), (3, 0.8), (5, 0.7)])
def test_poisson_arrivals_with_exponential_service_match_erlang_c_within_5pct(servers, load):
    """A grading station (c analysers, 4 h mean test) fed Poisson arrivals: mean wait = Erlang C."""
    mu = 1 / 4.0
    lam = load * servers * mu
    waits = []
    for seed in range(6):
        rng = np.random.default_rng(seed)
        n = 150_000
        a = np.cumsum(rng.exponential(1 / lam, n))
        s = rng.exponential(1 / mu, n)
        start, _ = FifoServers(servers).serve(a, s)
        waits.append((start - a)[n // 10:].mean())
    assert np.mean(waits) == pytest.approx(erlang_c_wait_h(lam, mu, servers), rel=0.05)
