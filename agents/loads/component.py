"""Base-load and PV profile components: exogenous series the grid and the analyst compare EV demand to."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import Field, field_validator

from agents.loads.shapes import at_hours, load_shape_columns
from simcore.component import Component, ComponentParams
from simcore.errors import InputError
from simcore.registry import register


def _check_series(value: str) -> str:
    if not value.endswith("_mw") or "." not in value:
        raise ValueError("a series name like 'load.residential_mw' (a namespace, a dot, ending in _mw)")
    return value


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


class LoadCurveParams(ComponentParams):
    """A daily load shape by hour for weekdays and weekends, scaled to a weekday peak."""

    peak_mw: float = Field(gt=0, description="weekday peak of this load (MW); the weekday column's maximum maps to it")
    shape_file: str = Field(description="hourly shape table (relative: scenarios/data/)")
    weekday_column: str = Field("weekday", description="column of the weekday shape")
    weekend_column: str = Field("weekend", description="column of the weekend shape (scaled like the weekday one)")
    series: str = Field(description="recorded series name, e.g. load.residential_mw")

    @field_validator("series")
    @classmethod
    def _series_name(cls, value: str) -> str:
        return _check_series(value)


@register("load_curve")
class LoadCurve(Component):
    """A base-load curve recorded each tick (MW)."""

    Params = LoadCurveParams
    tick_order = 10

    def setup(self) -> None:
        p: LoadCurveParams = self.params
        cols = load_shape_columns(p.shape_file, [p.weekday_column, p.weekend_column])
        norm = cols[p.weekday_column].max()
        if norm <= 0:
            raise InputError(p.shape_file, p.weekday_column, 0.0, "a shape with a positive maximum")
        clock = self.world.clock
        hours = clock.hour_of_day + clock.tick_h / 2.0  # tick midpoints
        weekday = at_hours(cols[p.weekday_column] / norm, hours)
        weekend = at_hours(cols[p.weekend_column] / norm, hours)
        day = np.arange(clock.n_ticks) // clock.ticks_per_day
        is_weekend = np.array([clock.day_start(d).day_of_week >= 5 for d in range(clock.days)])[day]
        self.values = p.peak_mw * np.where(is_weekend, weekend, weekday)
        self.out = self.world.recorder.add(p.series, "MW")

    def on_tick(self, tick: int) -> None:
        self.out[tick] = self.values[tick]

    def summary(self) -> dict[str, Any]:
        return _profile_summary(self)


class PVProfileParams(ComponentParams):
    """PV output: installed capacity times a normalised diurnal shape for the calendar month."""

    capacity_mw: float = Field(ge=0, description="installed PV capacity (MW, AC)")
    shape_file: str = Field("tepco/pv_shape.csv",
                            description="hourly output per unit capacity, columns m01..m12 (relative: scenarios/data/)")
    series: str = Field("pv.output_mw", description="recorded series name")

    @field_validator("series")
    @classmethod
    def _series_name(cls, value: str) -> str:
        return _check_series(value)


@register("pv_profile")
class PVProfile(Component):
    """PV output recorded each tick (MW)."""

    Params = PVProfileParams
    tick_order = 10

    def setup(self) -> None:
        p: PVProfileParams = self.params
        months = [f"m{m:02d}" for m in range(1, 13)]
        cols = load_shape_columns(p.shape_file, months)
        clock = self.world.clock
        hours = clock.hour_of_day + clock.tick_h / 2.0
        month = np.asarray(clock.times.month) - 1
        for m in months:
            if cols[m].max() > 1.0:
                raise InputError(p.shape_file, m, float(cols[m].max()), "output per unit capacity in [0, 1]")
        by_month = np.stack([at_hours(cols[m], hours) for m in months])
        self.values = p.capacity_mw * by_month[month, np.arange(clock.n_ticks)]
        self.out = self.world.recorder.add(p.series, "MW")

    def on_tick(self, tick: int) -> None:
        self.out[tick] = self.values[tick]

    def summary(self) -> dict[str, Any]:
        return _profile_summary(self)
