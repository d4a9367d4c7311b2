"""Drawing the EV population: type, vehicle model, chargers at home and work, commute distance, SOC.

Every attribute is drawn from its own uniform numbers for all EVs, in a fixed order, so two scenario
variants that change a share (say, ``home_charger_share``) keep the same EVs and differ only where the
share moves the threshold (common random numbers make variant differences less noisy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.fleet.params import FleetParams
from agents.fleet.tables import COMMUTER, NON_COMMUTER, TravelTables, VehicleModels


@dataclass
class Population:
    """Static per-EV attributes (struct of arrays)."""

    ev_type: np.ndarray  # int8: 0 commuter, 1 non-commuter
    model: np.ndarray  # int8 index into the vehicle models
    battery_kwh: np.ndarray  # float32
    km_per_kwh: np.ndarray  # float32
    home_kw: np.ndarray  # float32, 0 = no home charger
    work_kw: np.ndarray  # float32, 0 = no workplace charger
    commute_km: np.ndarray  # float32 one-way, 0 for non-commuters
    initial_energy_kwh: np.ndarray  # float64
    model_names: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return len(self.ev_type)


def draw_population(rng: np.random.Generator, p: FleetParams, models: VehicleModels,
                    travel: TravelTables) -> Population:
    """Draw ``p.n_sim`` EVs."""
    n = p.n_sim
    u = rng.random((6, n))
    ev_type = np.where(u[0] < p.commuter_share, COMMUTER, NON_COMMUTER).astype(np.int8)
    model = np.minimum(np.searchsorted(np.cumsum(models.share), u[1] * models.share.sum(), side="right"),
                       len(models.share) - 1).astype(np.int8)
    battery = models.battery_kwh[model].astype(np.float32)
    km_per_kwh = models.km_per_kwh[model].astype(np.float32)
    has_home = u[2] < p.home_charger_share
    home_kw = np.where(has_home, np.float32(p.home_charger_kw), np.float32(0.0)).astype(np.float32)
    work_share = np.where(has_home, p.work_charger_share_with_home, p.work_charger_share_no_home)
    has_work = (ev_type == COMMUTER) & (u[3] < work_share)
    work_kw = np.where(has_work, np.float32(p.work_charger_kw), np.float32(0.0)).astype(np.float32)
    commute = travel.distance["commute"].sample(rng, n)
    commute_km = np.where(ev_type == COMMUTER, commute, np.float32(0.0)).astype(np.float32)
    lo, hi = p.initial_soc_lo_pct / 100.0, p.initial_soc_hi_pct / 100.0
    soc0 = lo + u[4] * (hi - lo)
    energy = soc0 * battery.astype(np.float64)
    return Population(ev_type, model, battery, km_per_kwh, home_kw, work_kw, commute_km, energy,
                      models.names)
