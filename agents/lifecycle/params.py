"""Parameter schema of the ``ev_cohort`` component (units in every name, a description on every field)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from simcore.params import ComponentParams, ComponentRef, FieldsError

if TYPE_CHECKING:
    from simcore.battery import VehicleLifeParams
    from simcore.scenario.checks import CheckContext

#: bytes a run holds per EV of the cohort (its arrays, one or two batteries with modules, holder log);
#: assumption: measured order of magnitude with x1.5 margin, see docs/performance.md
BYTES_PER_COHORT_EV = 1500


class CohortParams(ComponentParams):
    """A cohort of EVs sold year by year, driven and charged daily, retired, exported or repacked."""

    size: int = Field(50_000, ge=1, description="EVs simulated over all sale years (count)")
    sales_file: str = Field("ev_sales_japan.csv",
                            description="sales by year, chemistry mix, pack size (relative: scenarios/data/lifecycle/)")
    first_sale_year: int = Field(2012, ge=1990, le=2100, description="first sale year taken from the table")
    last_sale_year: int = Field(2030, ge=1990, le=2100, description="last sale year taken from the table")
    vehicle_life_file: str = Field("vehicle_life.csv",
                                   description="survival, export, replacement parameters (relative: scenarios/data/battery/)")
    modules_per_pack: int = Field(8, ge=1, le=64, description="modules per pack (count)")

    # daily usage, per EV (calibrated to ev_fleet, see scenarios/data/lifecycle/SOURCES.md)
    km_per_day_mean: float = Field(20.6, gt=0, le=500, description="cohort mean of the EVs' mean daily distance (km/day)")
    km_between_ev_sigma: float = Field(0.64, ge=0, le=3, description="lognormal sd of the EVs' mean daily distance (-)")
    km_day_to_day_sigma: float = Field(0.7, ge=0, le=3,
                                       description="lognormal sd of one EV's distance from day to day (-)")
    km_per_kwh: float = Field(6.5, gt=0, le=20, description="energy use at the battery (km/kWh)")
    charge_target_soc_lo_pct: float = Field(85.0, gt=0, le=100, description="per-EV charge target drawn from lo..hi (%)")
    charge_target_soc_hi_pct: float = Field(100.0, gt=0, le=100, description="per-EV charge target drawn from lo..hi (%)")
    plug_below_soc_lo_pct: float = Field(55.0, ge=0, le=100,
                                         description="per-EV SOC under which the owner plugs in at night, drawn lo..hi (%)")
    plug_below_soc_hi_pct: float = Field(85.0, ge=0, le=100,
                                         description="per-EV SOC under which the owner plugs in at night, drawn lo..hi (%)")
    charger_kw: float = Field(6.0, gt=0, le=350, description="home charger power (kW)")
    charger_efficiency_pct: float = Field(90.0, gt=0, le=100, description="energy into the battery per grid energy (%)")
    climate_site: Literal["tokyo", "fukuoka"] = Field("tokyo", description="column of the monthly ambient table")
    pack_offset_c: float = Field(5.0, ge=-20, le=30, description="mean cell temperature above ambient (K)")
    pack_offset_sd_c: float = Field(1.5, ge=0, le=10, description="between-EV sd of the pack offset (K)")

    replace_packs: bool = Field(True, description="replace packs below the SOH threshold of vehicle_life_file")
    export_vehicles: bool = Field(True, description="export used EVs at the hazard of vehicle_life_file")
    collection: str | None = ComponentRef("collection", provides="battery_sink",
                                          description="where retired and replaced packs go (null: the cohort's yard)")
    pack_supplier: str | None = ComponentRef(None, provides="pack_supplier",
                                             description="who may supply used packs for replacements (null: new packs only)")

    @model_validator(mode="after")
    def _check(self) -> CohortParams:
        for lo, hi in (("first_sale_year", "last_sale_year"),
                       ("charge_target_soc_lo_pct", "charge_target_soc_hi_pct"),
                       ("plug_below_soc_lo_pct", "plug_below_soc_hi_pct"),
                       ("plug_below_soc_hi_pct", "charge_target_soc_lo_pct")):
            if getattr(self, lo) > getattr(self, hi):
                raise FieldsError({lo: getattr(self, lo), hi: getattr(self, hi)}, f"{lo} must not exceed {hi}")
        return self

    def vehicle_life(self) -> VehicleLifeParams:
        """The survival, export and replacement table (relative paths: scenarios/data/battery/)."""
        from simcore.battery import VehicleLifeParams
        from simcore.battery.chemistry import DATA_DIR

        path = Path(self.vehicle_life_file)
        return VehicleLifeParams.from_csv(path if path.is_absolute() else DATA_DIR / path)

    def check(self, ctx: CheckContext) -> None:
        """A daily clock from January 1 of the first sale year or earlier; the tables load; memory."""
        from agents.lifecycle.sales import load_sales

        if ctx.tick_minutes != 24 * 60:
            ctx.fail_at("clock.tick_minutes", ctx.tick_minutes, "1440 (ev_cohort steps one day per tick)")
        start = ctx.clock_start
        if start.year > self.first_sale_year or (start.month, start.day) != (1, 1):
            ctx.fail_at("clock.start", str(start),
                        f"January 1 of {self.first_sale_year} or earlier (the cohort's first sale year)")
        ctx.claim_memory("size", self.size, BYTES_PER_COHORT_EV * self.size)
        load_sales(self.sales_file, self.first_sale_year, self.last_sale_year)
        self.vehicle_life()
