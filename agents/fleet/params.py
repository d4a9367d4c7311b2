"""Parameter schema of the ``ev_fleet`` component (units in every name, a description on every field)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from agents.fleet.batteries import BatteryOptions
from simcore.component import ComponentParams


class FleetParams(ComponentParams):
    """What the fleet is made of, how it behaves and how it charges."""

    size: int = Field(1000, ge=1, description="represented EVs (count); outputs are scaled to this many")
    sample: int | None = Field(None, ge=1, description="EVs actually simulated (count); default: all of size")
    commuter_share: float = Field(0.5, ge=0, le=1, description="share of EVs that commute by car (0-1)")
    speed_kmh: float = Field(25.0, gt=0, le=120, description="door-to-door average driving speed (km/h)")

    travel_dir: str = Field("travel", description="folder of travel tables (relative: scenarios/data/)")
    vehicle_models_file: str = Field("ev_models.csv",
                                     description="vehicle mix table (relative: scenarios/data/charging/)")
    plugin_model: Literal["soc", "soc_next_trip"] = Field(
        "soc", description="plug-in probability by SOC at arrival alone, or by SOC and next-trip distance")
    plugin_curve_file: str = Field("plugin_probability.csv", description="p(plug | SOC, location) table")
    plugin_next_trip_file: str = Field("plugin_probability_next_trip.csv",
                                       description="p(plug | SOC, next-trip km, location) table")

    home_charger_share: float = Field(0.9, ge=0, le=1, description="share of EVs with a charger at home (0-1)")
    home_charger_kw: float = Field(6.0, gt=0, le=50, description="home charger power (kW)")
    work_charger_share_no_home: float = Field(
        0.0, ge=0, le=1, description="share of commuters without a home charger that can charge at work (0-1)")
    work_charger_share_with_home: float = Field(
        0.0, ge=0, le=1, description="share of commuters with a home charger that can also charge at work (0-1)")
    work_charger_kw: float = Field(6.0, gt=0, le=50, description="workplace charger power (kW)")
    public_charger_share: float = Field(
        0.1, ge=0, le=1, description="chance that an errand/leisure stop offers a normal public charger (0-1)")
    public_charger_kw: float = Field(6.0, gt=0, le=50, description="normal public charger power (kW)")
    fast_charge_target_soc_pct: float = Field(
        80.0, gt=0, le=100, description="SOC a public fast charge fills to when the next trip needs it (%)")
    reserve_soc_pct: float = Field(10.0, ge=0, lt=100, description="SOC a driver wants left after a trip (%)")
    charge_target_soc_pct: float = Field(100.0, gt=0, le=100, description="SOC normal charging stops at (%)")
    charger_efficiency_pct: float = Field(90.0, gt=0, le=100,
                                          description="energy into the battery per grid energy (%)")

    charging_policy: Literal["uncontrolled", "night_tariff", "smart", "v2g"] = Field(
        "uncontrolled", description="uncontrolled: charge on plug-in; night_tariff: home charging waits for the "
                                    "window; smart / v2g: every EV parked at a home or work charger is connected and "
                                    "an external controller (the grid agent) sets its power (v2g: may discharge)")
    discharge_efficiency_pct: float = Field(90.0, gt=0, le=100,
                                            description="grid energy out per battery energy when discharging (%)")
    night_start_h: float = Field(23.0, ge=0, lt=24, description="cheap night tariff window start (clock hour)")
    night_end_h: float = Field(7.0, ge=0, lt=24, description="cheap night tariff window end (clock hour)")
    night_offset_max_min: float = Field(
        0.0, ge=0, le=600, description="home timers start a uniform random 0..this many minutes after the window opens")

    # defaults near the fleet-mean SOC the default tables settle at (~0.8), so short runs need little warm-up
    initial_soc_lo_pct: float = Field(65.0, ge=0, le=100, description="initial SOC drawn uniformly from lo..hi (%)")
    initial_soc_hi_pct: float = Field(95.0, ge=0, le=100, description="initial SOC drawn uniformly from lo..hi (%)")
    warmup_days: int = Field(0, ge=0, description="days before the reporting window (summary KPIs skip them)")
    record_state: bool = Field(True, description="also record ev.plugged_share and ev.mean_soc")
    batteries: BatteryOptions | None = Field(
        None, description="give every simulated EV a battery entity aged by its use (agents/fleet/batteries.py)")

    @model_validator(mode="after")
    def _check(self) -> FleetParams:
        if self.sample is not None and self.sample > self.size:
            raise ValueError(f"sample ({self.sample}) must not exceed size ({self.size})")
        if self.night_start_h == self.night_end_h:
            raise ValueError("night_start_h and night_end_h must differ (the window would be empty)")
        if self.initial_soc_lo_pct > self.initial_soc_hi_pct:
            raise ValueError("initial_soc_lo_pct must not exceed initial_soc_hi_pct")
        return self

    @property
    def n_sim(self) -> int:
        """How many EVs are simulated."""
        return self.sample if self.sample is not None else self.size
