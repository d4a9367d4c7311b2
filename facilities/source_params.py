"""Parameter schema of the ``retired_pack_source`` component (units in every name)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from simcore.params import ComponentParams, ComponentRef

Chemistry = Literal["NMC622", "NMC811", "NCA", "LFP", "LMO"]


class SourceParams(ComponentParams):
    """A stream of used packs of a given age and use, handed to a battery sink (what-if studies, benchmarks)."""

    to: str = ComponentRef("collection", provides="battery_sink", description="where the packs are handed in")
    packs_per_year: float = Field(2250.0, ge=0, le=1e9, description="mean arrivals (packs/year), Poisson by day")
    chemistry: Chemistry = Field("NMC622", description="chemistry of the packs")
    nominal_kwh: float = Field(40.0, gt=0, le=1000, description="pack size (kWh)")
    modules_per_pack: int = Field(8, ge=1, le=512, description="modules per pack (count)")
    age_years_mean: float = Field(10.0, ge=0, le=40, description="mean age at hand-in (years)")
    age_years_sd: float = Field(2.0, ge=0, le=20, description="spread of the age at hand-in (years)")
    efc_per_day: float = Field(0.07, ge=0, le=10, description="past use: equivalent full cycles a day (1/day)")
    soc_mean: float = Field(0.8, ge=0, le=1, description="past use: time-mean SOC (0-1)")
    dod: float = Field(0.3, ge=0, le=1, description="past use: depth per cycle (0-1)")
    temp_c: float = Field(21.0, ge=-20, le=60, description="past use: mean cell temperature (C)")
    retired_share: float = Field(0.8, ge=0, le=1,
                                 description="share coming from retired vehicles; the rest are replaced packs (0-1)")
