"""Named, seeded random streams: each name gets its own generator derived from (seed, name).

Adding a component or a draw in one stream never changes another stream's draws, and a run is
bit-identical for the same scenario and seed whether it runs serially or in parallel processes.
"""

from __future__ import annotations

import hashlib

import numpy as np


def stream_key(name: str) -> list[int]:
    """A stable 128-bit key for a stream name (Python's hash() is salted per process; sha256 is not)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


class RngStreams:
    """Hands out one ``numpy.random.Generator`` per stream name, created on first use."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __call__(self, name: str) -> np.random.Generator:
        gen = self._streams.get(name)
        if gen is None:
            seq = np.random.SeedSequence(entropy=[self.seed & 0xFFFFFFFF, self.seed >> 32, *stream_key(name)])
            gen = np.random.Generator(np.random.PCG64(seq))
            self._streams[name] = gen
        return gen

    def names(self) -> list[str]:
        return sorted(self._streams)

    def __getattr__(self, attr: str):
        """Mesa calls ``model.rng.<method>``: serve it from the dedicated ``mesa`` stream."""
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self("mesa"), attr)
