"""The routes a graded pack can take in the 4R plant, and the names results use for them."""

from __future__ import annotations

from enum import IntEnum


class Route(IntEnum):
    """Where the plant sends a pack after grading (the 4R of reference 002: reuse, refabricate, resell,
    recycle), plus packs rejected at the acceptance inspection."""

    REUSE = 0  # the pack as it is, into an EV again (a replacement pack)
    REFABRICATE = 1  # modules regrouped into a pack to a customer's voltage and capacity
    RESELL = 2  # second-life use: storage, backup, AGV, street light
    RECYCLE = 3
    REJECTED = 4  # failed the acceptance inspection: straight to recycling

    @property
    def label(self) -> str:
        return self.name.lower()


#: usable routes in order of value: a pack truly good enough for one is good enough for those after it
USABLE = (Route.REUSE, Route.REFABRICATE, Route.RESELL)
ROUTE_NAMES = {int(r): r.label for r in Route}
