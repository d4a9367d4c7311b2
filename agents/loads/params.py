"""Parameter schemas of the ``load_curve`` and ``pv_profile`` components (and the shape checks they share
with ``run``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from pydantic import Field, field_validator

from simcore.errors import InputError
from simcore.params import ComponentParams

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext


def _check_series(value: str) -> str:
    if not value.endswith("_mw") or "." not in value:
        raise ValueError("a series name like 'load.residential_mw' (a namespace, a dot, ending in _mw)")
    return value


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

    def normalised_shapes(self) -> tuple[np.ndarray, np.ndarray]:
        """Weekday and weekend shapes by hour, scaled so the weekday maximum is 1."""
        from agents.loads.shapes import load_shape_columns

        cols = load_shape_columns(self.shape_file, [self.weekday_column, self.weekend_column])
        norm = cols[self.weekday_column].max()
        if norm <= 0:
            raise InputError(self.shape_file, self.weekday_column, 0.0, "a shape with a positive maximum")
        return cols[self.weekday_column] / norm, cols[self.weekend_column] / norm

    def check(self, ctx: CheckContext) -> None:
        """The shape table exists, has both columns and a positive weekday maximum."""
        self.normalised_shapes()


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

    def monthly_shapes(self) -> list[np.ndarray]:
        """Output per unit capacity by hour for each calendar month (January first), each within [0, 1]."""
        from agents.loads.shapes import load_shape_columns

        months = [f"m{m:02d}" for m in range(1, 13)]
        cols = load_shape_columns(self.shape_file, months)
        for m in months:
            if cols[m].max() > 1.0:
                raise InputError(self.shape_file, m, float(cols[m].max()), "output per unit capacity in [0, 1]")
        return [cols[m] for m in months]

    def check(self, ctx: CheckContext) -> None:
        """The shape table exists with twelve monthly columns of output per unit capacity."""
        self.monthly_shapes()
