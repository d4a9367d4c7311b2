"""Batteries of the simulated EV fleet: one battery entity per EV, aged daily from the fleet's own usage.

The ``ev_fleet`` component owns a :class:`FleetBatteries` when its ``batteries`` option is set. It
creates one battery per simulated EV in a :class:`~simcore.battery.BatteryStore` (held by the vehicle:
``HolderKind.VEHICLE``, holder id = EV index) and then, without touching the fleet's behaviour:

* every tick, updates the day's SOC stressors of the EVs whose energy changed in the tick
  (:class:`SparseStressorTracker`: the definitions of :class:`~simcore.battery.StressorAccumulator`,
  but parked EVs cost nothing until their SOC moves); the cell temperature is one value per day
  (monthly ambient normals + pack offset); discharge to the grid (``power_kw < 0``, V2G) is summed
  per EV;
* once per simulated day, computes each EV's exact energy throughput from the day's energy balance
  (``in + out`` with ``out = driven km / km_per_kWh + V2G discharge``), ages every battery with the
  fast path (``store.age``), and, when there was discharge, attributes the V2G share of the day's
  capacity loss with :func:`~simcore.battery.v2g_extra_loss` (same batteries, same state, the day's
  stressors with and without the V2G cycles).

The fleet's range still uses the nominal pack size (capacity fade does not feed back into driving;
see docs/fleet_ageing.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import numpy as np

from agents.fleet.params import BatteryOptions
from simcore.battery import (BatteryStore, DailyStressors, HolderKind, cell_temperature_c, monthly_ambient_c,
                             v2g_extra_loss)
from simcore.battery.profile import CHARGE_THRESHOLD_C


class SparseStressorTracker:
    """Daily SOC stressors of ``n`` batteries, updated only where the SOC moved.

    Same definitions as :class:`simcore.battery.StressorAccumulator` (time-mean SOC and SOC variance
    with a linear SOC within a tick, max - min SOC, the highest SOC, sum |dSOC| / 2, mean charging
    C-rate over ticks above 0.01 C and their number) for a day whose cell temperature is one value.
    The time integrals of SOC and SOC² are kept lazily: an EV's constant stretch is added when its SOC
    next moves, or at the end of the day.
    """

    def __init__(self, soc: np.ndarray, tick_h: float) -> None:
        self.n = soc.size
        self.dt = float(tick_h)
        self.start_day(np.asarray(soc, dtype=np.float64))

    def start_day(self, soc: np.ndarray) -> None:
        n = self.n
        self.ticks = 0
        self.soc = soc.copy()  # current SOC
        self.since = np.zeros(n, dtype=np.int32)  # tick from which ``soc`` has been constant
        self.soc_ticks = np.zeros(n)  # integral of SOC in tick units
        self.soc2_ticks = np.zeros(n)  # integral of SOC**2 in tick units
        self.soc_min = self.soc.copy()
        self.soc_max = self.soc.copy()
        self.abs_dsoc = np.zeros(n)
        self.chg_ticks = np.zeros(n)
        self.chg_dsoc = np.zeros(n)

    def add_tick(self, ids: np.ndarray, soc_after: np.ndarray) -> None:
        """Tick ``self.ticks`` of the day: batteries ``ids`` moved to ``soc_after`` (all others kept their SOC)."""
        k = self.ticks
        if ids.size:
            before = self.soc[ids]
            still = k - self.since[ids]
            self.soc_ticks[ids] += before * still + 0.5 * (before + soc_after)
            self.soc2_ticks[ids] += before * before * still + (before * before + before * soc_after + soc_after * soc_after) / 3.0
            self.since[ids] = k + 1
            self.soc[ids] = soc_after
            self.soc_min[ids] = np.minimum(self.soc_min[ids], soc_after)
            self.soc_max[ids] = np.maximum(self.soc_max[ids], soc_after)
            d = soc_after - before
            self.abs_dsoc[ids] += np.abs(d)
            chg = d / self.dt > CHARGE_THRESHOLD_C
            if chg.any():
                c = ids[chg]
                self.chg_ticks[c] += 1.0
                self.chg_dsoc[c] += d[chg]
        self.ticks = k + 1

    def finish_day(self, temp_c: float) -> DailyStressors:
        """The day's stressors (then starts the next day from the current SOC)."""
        if self.ticks == 0:
            raise ValueError("no ticks accumulated")
        t = self.ticks
        still = t - self.since
        soc_mean = (self.soc_ticks + self.soc * still) / t
        soc_sq = (self.soc2_ticks + self.soc * self.soc * still) / t
        chg_h = self.chg_ticks * self.dt
        out = DailyStressors(
            soc_mean=soc_mean, temp_c=temp_c, dod=self.soc_max - self.soc_min, efc=self.abs_dsoc / 2.0,
            c_chg=np.divide(self.chg_dsoc, chg_h, out=np.zeros(self.n), where=chg_h > 0),
            dt_days=t * self.dt / 24.0, soc_max=self.soc_max.copy(),
            soc_var=np.maximum(soc_sq - soc_mean * soc_mean, 0.0), charge_steps=self.chg_ticks.copy())
        self.start_day(self.soc)
        return out


class FleetBatteries:
    """The batteries of ``n`` EVs and the daily bookkeeping that ages them from the fleet's usage."""

    def __init__(self, options: BatteryOptions, battery_kwh: np.ndarray, km_per_kwh: np.ndarray,
                 energy_kwh: np.ndarray, km: np.ndarray, *, tick_h: float, ticks_per_day: int,
                 first_day_of_year: int, rng: np.random.Generator, store: BatteryStore | None = None,
                 holder_base: int = 0) -> None:
        self.o = options
        n = self.n = int(battery_kwh.size)
        self.nominal_kwh = np.asarray(battery_kwh, dtype=np.float64)
        self.km_per_kwh = np.asarray(km_per_kwh, dtype=np.float64)
        self.dt = float(tick_h)
        self.T = int(ticks_per_day)
        self.doy0 = int(first_day_of_year)
        self.monthly_c = monthly_ambient_c(options.climate_site)
        lfp = rng.random(n) < options.lfp_share
        chem = np.where(lfp, "LFP", options.chemistry).tolist()
        self.store = store if store is not None else BatteryStore(capacity=max(n, 1))
        # battery ids[i] sits in EV i (vehicle holder holder_base + i), all made at the start of the run in
        # one call, so the fleet's packs are one contiguous slice of the (shared) store
        self.ids = self.store.create(n, chem, self.nominal_kwh, 0.0, HolderKind.VEHICLE, holder_base + np.arange(n), rng,
                                     modules_per_pack=options.modules_per_pack)
        self.rows = slice(int(self.ids[0]), int(self.ids[-1]) + 1) if n else slice(0, 0)
        self.prev_energy = np.asarray(energy_kwh, dtype=np.float64).copy()
        if options.initial_age_y > 0:
            self._pre_age(options)
        # history at the start of the run (pre-ageing included), so KPIs cover the simulated days only
        self._base = {k: self.store.col(k)[self.rows].copy() for k in ("throughput_kwh", "efc", "temp_c_days")}
        self.acc = SparseStressorTracker(self.prev_energy / self.nominal_kwh, tick_h)
        self.day_energy0 = np.asarray(energy_kwh, dtype=np.float64).copy()
        self.day_km0 = np.asarray(km, dtype=np.float64).copy()
        self.v2g_out_kwh = np.zeros(n)  # discharge to the grid today (battery side)
        self.day = 0
        self.temp_c = self._cell_temp(0)
        # run totals
        self.days_aged = 0
        self.v2g_extra_loss = np.zeros(n)  # capacity fraction lost to V2G so far, per battery
        self.v2g_days = np.zeros(n, dtype=np.int64)  # days with discharge, per battery

    def _pre_age(self, o: BatteryOptions) -> None:
        """Age the new packs by ``initial_age_y`` years of constant typical use, in steps of about a month.

        The power-law states are integrated exactly for constant stressors; the month steps let the
        capacity-dependent part (cycles counted in the faded cell's ampere-hours, deeper swings) follow the
        fade. Temperature: the site's annual mean ambient + pack offset (the Arrhenius mean over the seasons
        is slightly higher: this under-ages a little). Starting from used packs makes the marginal cost of
        V2G representative: on new packs the square-root laws make the first weeks' cycles look expensive.
        """
        days = o.initial_age_y * 365.25
        steps = max(1, int(np.ceil(days / 30.0)))
        step_days = days / steps
        efc = o.initial_efc_per_day * step_days
        st = DailyStressors(soc_mean=o.initial_soc_mean_pct / 100.0, temp_c=float(self.monthly_c.mean()) + o.pack_offset_c,
                            dod=o.initial_dod_pct / 100.0, efc=efc, c_chg=0.15, dt_days=step_days)
        for _ in range(steps):
            self.store.age(self.rows, st, throughput_kwh=2.0 * efc * self.nominal_kwh)

    def _cell_temp(self, day: int) -> float:
        return float(cell_temperature_c(np.array([self.doy0 + day]), self.monthly_c, self.o.pack_offset_c)[0])

    # -- per tick ---------------------------------------------------------------------------------
    def after_tick(self, tick: int, energy_kwh: np.ndarray, power_kw: np.ndarray, km: np.ndarray) -> None:
        """Account tick ``tick`` (after the fleet stepped it); ages the batteries after a day's last tick."""
        ids = np.flatnonzero(energy_kwh != self.prev_energy)
        e = energy_kwh[ids]
        self.acc.add_tick(ids, e / self.nominal_kwh[ids])
        if ids.size and power_kw.size and power_kw.min() < 0:
            # discharge to the grid: the battery-side drop of discharging EVs (driving EVs have power 0)
            drop = self.prev_energy[ids] - e
            self.v2g_out_kwh[ids] += np.where((power_kw[ids] < 0) & (drop > 0), drop, 0.0)
        self.prev_energy[ids] = e
        if (tick + 1) % self.T == 0:
            self.end_day(tick // self.T, energy_kwh, km)

    # -- per day ----------------------------------------------------------------------------------
    def day_throughput_kwh(self, energy_kwh: np.ndarray, km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Energy into and out of each battery today, from the day's balance (exact, not tick-sampled)."""
        driven = (np.asarray(km, dtype=np.float64) - self.day_km0) / self.km_per_kwh
        out = driven + self.v2g_out_kwh
        into = np.maximum(energy_kwh - self.day_energy0 + out, 0.0)
        return into, out

    def end_day(self, day: int, energy_kwh: np.ndarray, km: np.ndarray) -> None:
        """Age every battery by the day just simulated and start the next day."""
        into, out = self.day_throughput_kwh(energy_kwh, km)
        s = self.acc.finish_day(self.temp_c)
        # EFC from the exact throughput: ticks in which an EV both drove and charged net out in the SOC samples
        s.efc = (into + out) / (2.0 * self.nominal_kwh)
        v2g = self.v2g_out_kwh
        if v2g.any():
            self._attribute_v2g(s, v2g)
        self.store.age(self.rows, s, throughput_kwh=into + out, v2g_throughput_kwh=2.0 * v2g)
        self.days_aged += 1
        every = self.o.record_soh_every_days
        if every and self.days_aged % every == 0:
            self.store.record_soh((day + 1) * 24.0, self.ids)
        self.day = day + 1
        self.temp_c = self._cell_temp(self.day)
        self.day_energy0 = np.asarray(energy_kwh, dtype=np.float64).copy()
        self.day_km0 = np.asarray(km, dtype=np.float64).copy()
        self.v2g_out_kwh = np.zeros(self.n)

    def _attribute_v2g(self, s: DailyStressors, v2g_out_kwh: np.ndarray) -> None:
        """Extra loss from today's V2G: the same day without its cycles (discharge + recharge = out / capacity EFC).

        DOD, mean SOC and charging C-rate are kept as simulated (the counterfactual day is not re-simulated);
        the cycle count is what V2G adds, so this is the throughput share of the extra ageing.
        """
        rows = np.flatnonzero(v2g_out_kwh > 0)
        with_v2g = s.take(rows)
        efc_wo = np.maximum(with_v2g.efc - v2g_out_kwh[rows] / self.nominal_kwh[rows], 0.0)
        without = replace(with_v2g, efc=efc_wo)
        state = self.store.ageing_state(self.ids[rows])
        fade = self.store.col("fade_scalar")[self.ids[rows]]
        self.v2g_extra_loss[rows] += fade * v2g_extra_loss(state, with_v2g, without,
                                                           conserve_energy=self.store.conserve_energy)
        self.v2g_days[rows] += 1

    # -- observation ------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Battery KPIs of the simulated sample (true state; fractions as 0-1)."""
        st = self.store
        soh = st.soh(self.ids)
        hist = st.history_summary(self.ids)
        years = self.days_aged / 365.0
        run = {k: st.col(k)[self.ids] - v for k, v in self._base.items()}  # over the simulated days
        days = max(self.days_aged, 1)
        out: dict[str, Any] = {
            "battery.fleet_packs": int(self.n),
            "battery.mean_soh": float(soh.mean()) if self.n else float("nan"),
            "battery.min_soh": float(soh.min()) if self.n else float("nan"),
            "battery.days_aged": int(self.days_aged),
            "battery.throughput_kwh_per_ev_day": float(run["throughput_kwh"].mean() / days),
            "battery.efc_per_ev_day": float(run["efc"].mean() / days),
            "battery.mean_cell_temp_c": float(run["temp_c_days"].mean() / days) if self.days_aged else float("nan"),
        }
        if self.v2g_days.any() and years > 0:
            part = self.v2g_days > 0
            out["battery.v2g_throughput_kwh_per_ev_day"] = float(hist["v2g_throughput_kwh"].mean() / self.days_aged)
            out["battery.v2g_extra_loss_pct_per_ev_year"] = float(self.v2g_extra_loss.sum() / (self.n * years) * 100.0)
            out["battery.v2g_extra_loss_pct_per_v2g_ev_year"] = float(
                self.v2g_extra_loss[part].sum() / (part.sum() * years) * 100.0)
        return out
