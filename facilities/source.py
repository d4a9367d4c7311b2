"""The ``retired_pack_source`` component: used packs arriving at a steady rate, without simulating cars.

For what-if studies of the 4R facilities alone and for benchmarks: every day a Poisson number of packs
is made (in ``FACTORY:<name>``), aged in one exact step by their past use (age drawn around
``age_years_mean``; the power-law states integrate constant stressors exactly), and handed to ``to``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from facilities.source_params import SourceParams
from simcore.battery.ageing import DailyStressors
from simcore.battery.holders import HolderKind
from simcore.battery.lifecycle import HandOffReason
from simcore.component import Component


class RetiredPackSource(Component):
    """Used packs handed in at a steady rate."""

    Params = SourceParams
    tick_order = 20

    def setup(self) -> None:
        p: SourceParams = self.params
        w = self.world
        self.store = w.batteries
        self.factory = self.store.holders.register(HolderKind.FACTORY, self.name)
        self.to = w.peer(p.to)
        self.rng_arrivals = w.rng(f"{self.name}.arrivals")
        self.rng_packs = w.rng(f"{self.name}.packs")
        self.ticks_per_day = w.clock.ticks_per_day
        self.made = 0

    def on_tick(self, tick: int) -> None:
        if tick % self.ticks_per_day:
            return
        p: SourceParams = self.params
        n = int(self.rng_arrivals.poisson(p.packs_per_year / 365.25))
        if n == 0:
            return
        t = self.world.env.now
        ids = self.store.create(n, p.chemistry, p.nominal_kwh, t, HolderKind.FACTORY, self.factory, self.rng_packs,
                                modules_per_pack=p.modules_per_pack)
        days = np.maximum(self.rng_arrivals.normal(p.age_years_mean, p.age_years_sd, n), 0.1) * 365.25
        st = DailyStressors(soc_mean=p.soc_mean, temp_c=p.temp_c, dod=p.dod, efc=p.efc_per_day * days, c_chg=0.15,
                            dt_days=days)
        self.store.age(ids, st)
        retired = self.rng_arrivals.random(n) < p.retired_share
        reasons = np.where(retired, int(HandOffReason.VEHICLE_RETIRED), int(HandOffReason.PACK_REPLACED)).astype(np.int8)
        self.made += n
        self.to.receive(ids, t, reasons)

    def summary(self) -> dict[str, Any]:
        return {f"{self.name}.packs_made": self.made}
