"""Base-load and PV profile components: exogenous series the grid and the analyst compare EV demand to."""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.loads.params import LoadCurveParams, PVProfileParams
from agents.loads.shapes import at_hours
from simcore.component import Component


def _profile_summary(component: Component) -> dict[str, Any]:
    """Peak (MW and time) and mean daily energy of a profile over the ticks done so far."""
    world = component.world
    done = world.ticks_done
    if done == 0:
        return {}
    values = component.out[:done]
    k = int(np.argmax(values))
    key = component.params.series.removesuffix("_mw")
    return {f"{key}.peak_mw": float(values[k]), f"{key}.peak_time": world.clock.times[k].isoformat(),
            f"{key}.energy_mwh_per_day": float(values.mean() * 24.0)}


class LoadCurve(Component):
    """A base-load curve recorded each tick (MW)."""

    Params = LoadCurveParams
    tick_order = 10

    def setup(self) -> None:
        p: LoadCurveParams = self.params
        weekday_shape, weekend_shape = p.normalised_shapes()
        clock = self.world.clock
        hours = clock.hour_of_day + clock.tick_h / 2.0  # tick midpoints
        weekday = at_hours(weekday_shape, hours)
        weekend = at_hours(weekend_shape, hours)
        day = np.arange(clock.n_ticks) // clock.ticks_per_day
        is_weekend = np.array([clock.day_start(d).day_of_week >= 5 for d in range(clock.days)])[day]
        self.values = p.peak_mw * np.where(is_weekend, weekend, weekday)
        self.out = self.world.recorder.add(p.series, "MW")

    def on_tick(self, tick: int) -> None:
        self.out[tick] = self.values[tick]

    def summary(self) -> dict[str, Any]:
        return _profile_summary(self)


class PVProfile(Component):
    """PV output recorded each tick (MW)."""

    Params = PVProfileParams
    tick_order = 10

    def setup(self) -> None:
        p: PVProfileParams = self.params
        shapes = p.monthly_shapes()
        clock = self.world.clock
        hours = clock.hour_of_day + clock.tick_h / 2.0
        month = np.asarray(clock.times.month) - 1
        by_month = np.stack([at_hours(shape, hours) for shape in shapes])
        self.values = p.capacity_mw * by_month[month, np.arange(clock.n_ticks)]
        self.out = self.world.recorder.add(p.series, "MW")

    def on_tick(self, tick: int) -> None:
        self.out[tick] = self.values[tick]

    def summary(self) -> dict[str, Any]:
        return _profile_summary(self)
