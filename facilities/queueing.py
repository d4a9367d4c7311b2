"""First-come-first-served service by ``c`` identical servers, and the Erlang C formula that checks it.

A station (grading analysers, a line) knows each arrival's time and service time, so FIFO service is
exact arithmetic: each arrival starts when it has arrived and a server is free. :class:`FifoServers`
keeps when each server is next free between calls, so a SimPy process can hand it a day's arrivals at
a time (identity and timing per pack, one process per station).
"""

from __future__ import annotations

import heapq
import math

import numpy as np


class FifoServers:
    """``c`` servers in FIFO order; times in hours. Keeps busy time and waits for utilisation and
    mean-wait statistics."""

    def __init__(self, c: int) -> None:
        if c < 1:
            raise ValueError("a station needs at least one server")
        self.c = int(c)
        self._free = [0.0] * self.c  # a heap of the times each server is next free
        self.busy_h = 0.0
        self.served = 0
        self.wait_h = 0.0

    def serve(self, arrival_h: np.ndarray, service_h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start and finish times of arrivals (non-decreasing ``arrival_h``) with their service times."""
        a = np.asarray(arrival_h, dtype=float)
        s = np.asarray(service_h, dtype=float)
        n = a.size
        start = np.empty(n)
        if n == 0:
            return start, start.copy()
        if self.c == 1:  # Lindley's recursion, vectorised: start_i = S_i + max(F, max_{j<=i} (a_j - S_j))
            before = np.concatenate([[0.0], np.cumsum(s)[:-1]])  # service of the arrivals ahead in this call
            start = before + np.maximum(self._free[0], np.maximum.accumulate(a - before))
            finish = start + s
            self._free[0] = float(finish[-1])
        else:
            free = self._free
            pop, push = heapq.heappop, heapq.heappush
            for i in range(n):
                t = pop(free)
                st = a[i] if a[i] > t else t
                start[i] = st
                push(free, st + s[i])
            finish = start + s
        self.busy_h += float(s.sum())
        self.served += n
        self.wait_h += float((start - a).sum())
        return start, finish

    def next_free_h(self) -> float:
        """When the first server is free."""
        return min(self._free)


def erlang_c_wait_h(arrival_rate_per_h: float, service_rate_per_h: float, servers: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C), hours; infinite when the load is >= 1.

    Computed through Erlang B (B_0 = 1, B_k = a B_{k-1} / (k + a B_{k-1})), which is stable for large c.
    """
    lam, mu, c = float(arrival_rate_per_h), float(service_rate_per_h), int(servers)
    a = lam / mu
    if a >= c:
        return math.inf
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    p_wait = c * b / (c - a * (1.0 - b))
    return p_wait / (c * mu - lam)
