"""Per-tick accumulation of daily stressors for a fleet (what the EV fleet feeds the fast path).

The fleet calls :meth:`StressorAccumulator.add_tick` every tick with the SOC of each battery before
and after the tick and the cell temperature, and :meth:`StressorAccumulator.finish_day` once per day
to get a :class:`DailyStressors` for ``BatteryStore.age``. The definitions are the ones of
:func:`simcore.battery.profile.daily_stressors` with ``means="time"`` (equal ticks: time and sample
means differ only by a day's first and last tick) (time-mean SOC and its variance, time-mean
temperature — Arrhenius-weighted if an activation energy is given —, max - min SOC, the highest SOC,
sum |dSOC| / 2, mean charging C-rate above 0.01 C and the number of charging ticks), so a fleet fed
this way ages like the fast path applied to the same series.
"""

from __future__ import annotations

import numpy as np

from .ageing import KELVIN, R_GAS_J_PER_MOL_K, T_REF_K, DailyStressors, arrhenius
from .profile import CHARGE_THRESHOLD_C


class StressorAccumulator:
    """Running sums over one day for ``n`` batteries (arrays, no per-battery Python)."""

    def __init__(self, n: int, ea_j_per_mol: float | None = None) -> None:
        """``ea_j_per_mol``: None averages temperature plainly (as BLAST-Lite's NMC622 window means);
        a value averages it in Arrhenius space with that activation energy."""
        self.n = n
        self.ea = ea_j_per_mol
        self.reset()

    def reset(self) -> None:
        """Start a new day."""
        n = self.n
        self.t_h = 0.0
        self.soc_h = np.zeros(n)
        self.soc2_h = np.zeros(n)
        self.arr_h = np.zeros(n)
        self.soc_min = np.full(n, np.inf)
        self.soc_max = np.full(n, -np.inf)
        self.abs_dsoc = np.zeros(n)
        self.chg_h = np.zeros(n)
        self.chg_dsoc = np.zeros(n)
        self.chg_ticks = np.zeros(n)

    def add_tick(self, soc_before: np.ndarray, soc_after: np.ndarray, dt_h: float, temp_c: np.ndarray | float) -> None:
        """Add one tick: SOC at its start and end (0..1) and the cell temperature during it."""
        if dt_h <= 0:
            raise ValueError("dt_h must be > 0")
        mid = 0.5 * (soc_before + soc_after)
        dsoc = soc_after - soc_before
        self.t_h += dt_h
        self.soc_h += mid * dt_h
        self.soc2_h += (soc_before * soc_before + soc_before * soc_after + soc_after * soc_after) / 3.0 * dt_h
        temp_c = np.asarray(temp_c, dtype=float)
        self.arr_h += (temp_c if self.ea is None else arrhenius(temp_c + KELVIN, self.ea)) * dt_h
        np.minimum(self.soc_min, np.minimum(soc_before, soc_after), out=self.soc_min)
        np.maximum(self.soc_max, np.maximum(soc_before, soc_after), out=self.soc_max)
        self.abs_dsoc += np.abs(dsoc)
        charging = dsoc / dt_h > CHARGE_THRESHOLD_C
        self.chg_h += np.where(charging, dt_h, 0.0)
        self.chg_dsoc += np.where(charging, dsoc, 0.0)
        self.chg_ticks += charging

    def finish_day(self) -> DailyStressors:
        """The accumulated stressors (then starts a new day)."""
        if self.t_h <= 0:
            raise ValueError("no ticks accumulated")
        t = self.t_h
        if self.ea is None:
            temp_c = self.arr_h / t
        else:
            temp_c = 1.0 / (1.0 / T_REF_K - np.log(self.arr_h / t) * R_GAS_J_PER_MOL_K / self.ea) - KELVIN
        soc_mean = self.soc_h / t
        out = DailyStressors(
            soc_mean=soc_mean,
            temp_c=temp_c,
            dod=self.soc_max - self.soc_min,
            efc=self.abs_dsoc / 2.0,
            c_chg=np.divide(self.chg_dsoc, self.chg_h, out=np.zeros(self.n), where=self.chg_h > 0),
            dt_days=t / 24.0,
            soc_max=self.soc_max.copy(),
            soc_var=np.maximum(self.soc2_h / t - soc_mean * soc_mean, 0.0),
            charge_steps=self.chg_ticks.copy(),
        )
        self.reset()
        return out
