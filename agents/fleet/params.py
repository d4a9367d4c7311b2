"""Parameter schema of the ``ev_fleet`` component (units in every name, a description on every field)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from simcore.params import ComponentParams, FieldsError

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext

#: bytes a run holds per simulated EV (tracemalloc peak of the quickstart at 5,000 and 20,000 EVs:
#: ~450 B without batteries, ~900 B with; x1.5 for what the Python heap count does not see)
BYTES_PER_EV = 700
BYTES_PER_EV_WITH_BATTERY = 1400


class BatteryOptions(BaseModel):
    """The ``batteries:`` block of an ``ev_fleet`` (units in every name)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    chemistry: Literal["NMC622", "NMC811", "NCA", "LFP", "LMO"] = Field(
        "NMC622", description="chemistry of the packs that are not LFP (ageing model per docs/battery.md)")
    lfp_share: float = Field(0.0, ge=0, le=1, description="share of EVs with an LFP pack (0-1)")
    climate_site: Literal["tokyo", "fukuoka"] = Field(
        "tokyo", description="column of the monthly ambient table (JMA 1991-2020 normals)")
    pack_offset_c: float = Field(5.0, ge=-20, le=30,
                                 description="cell temperature above ambient (K); assumption, docs/battery.md")
    modules_per_pack: int = Field(8, ge=1, le=64, description="modules per pack (count)")
    record_soh_every_days: int = Field(0, ge=0, description="append every pack's SOH to the SOH log every N days (0: never)")
    initial_age_y: float = Field(
        0.0, ge=0, le=30, description="packs start this old: pre-aged in one exact step of typical use (years)")
    initial_efc_per_day: float = Field(
        0.07, ge=0, le=5, description="pre-ageing: equivalent full cycles per day (ev_fleet default tables: 0.07)")
    initial_soc_mean_pct: float = Field(
        82.0, ge=0, le=100, description="pre-ageing: time-mean SOC (ev_fleet default tables: 82 %)")
    initial_dod_pct: float = Field(
        28.0, ge=0, le=100, description="pre-ageing: depth of discharge per cycle (ev_fleet default tables: 28 %)")

    @model_validator(mode="after")
    def _check(self) -> BatteryOptions:
        if self.chemistry == "LFP" and self.lfp_share not in (0.0, 1.0):
            raise FieldsError({"chemistry": self.chemistry, "lfp_share": self.lfp_share},
                              "chemistry LFP with a partial lfp_share is ambiguous; use chemistry NMC622 and lfp_share")
        return self


class FleetParams(ComponentParams):
    """What the fleet is made of, how it behaves and how it charges."""

    size: int = Field(1000, ge=1, le=2_000_000_000,
                      description="represented EVs (count; at most 2e9, the world's cars); outputs are scaled to this many")
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
            raise FieldsError({"sample": self.sample, "size": self.size}, "sample must not exceed size")
        if self.night_start_h == self.night_end_h:
            raise FieldsError({"night_start_h": self.night_start_h, "night_end_h": self.night_end_h},
                              "night_start_h and night_end_h must differ (the window would be empty)")
        if self.initial_soc_lo_pct > self.initial_soc_hi_pct:
            raise FieldsError({"initial_soc_lo_pct": self.initial_soc_lo_pct,
                               "initial_soc_hi_pct": self.initial_soc_hi_pct},
                              "initial_soc_lo_pct must not exceed initial_soc_hi_pct")
        return self

    def check(self, ctx: CheckContext) -> None:
        """The clock leaves a reporting window, the night window holds a tick, every table loads, the
        simulated sample fits in memory."""
        from agents.fleet.model import night_window
        from agents.fleet.tables import (load_plugin_curve, load_plugin_next_trip, load_travel,
                                         load_vehicle_models, resolve)

        if self.warmup_days >= ctx.days:
            ctx.fail_at(f"{ctx.key('warmup_days')} / clock.days", {"warmup_days": self.warmup_days, "clock.days": ctx.days},
                        "warmup_days fewer than the clock's days (the rest is the reporting window)")
        per_ev = BYTES_PER_EV if self.batteries is None else BYTES_PER_EV_WITH_BATTERY
        ctx.claim_memory("sample" if self.sample is not None else "size", self.n_sim, per_ev * self.n_sim)
        if self.charging_policy == "night_tariff":
            ticks_per_day = 24 * 60 // ctx.tick_minutes
            mask, _, _ = night_window(ticks_per_day, ctx.tick_minutes / 60.0, self.night_start_h, self.night_end_h)
            if not mask.any():
                ctx.fail("night_start_h", self.night_start_h,
                         f"a night window that contains at least one {ctx.tick_minutes}-minute tick start")
        if not resolve(self.travel_dir).is_dir():
            ctx.fail("travel_dir", self.travel_dir, "a folder holding the travel tables (relative: scenarios/data/)")
        load_travel(self.travel_dir)
        load_vehicle_models(self.vehicle_models_file)
        if self.plugin_model == "soc_next_trip":
            load_plugin_next_trip(self.plugin_next_trip_file)
        else:
            load_plugin_curve(self.plugin_curve_file)

    @property
    def n_sim(self) -> int:
        """How many EVs are simulated."""
        return self.sample if self.sample is not None else self.size
