"""Parameter schema of the ``grid`` component (importable without the dispatch stack)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from simcore.params import ComponentParams, ComponentRef

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext

#: the shipped Kyushu 2030 system tables (agents.grid.system reads them)
DATA_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "data" / "kyushu_2030"
#: the year the hourly system tables cover
SYSTEM_YEAR = 2030
#: a day's problem on PV / wind forecasts (day-ahead) or on actuals (intraday)
STAGES = ("day_ahead", "intraday")


class GridParams(ComponentParams):
    """How the grid agent dispatches and clusters."""

    system_dir: str = Field(str(DATA_DIR), description="Kyushu 2030 system tables folder (agents.grid.system)")
    fleet: str = ComponentRef("fleet", provides="ev_fleet", description="the EV fleet the agent controls / serves")
    clusters: int = Field(10, ge=1, le=100, description="EV clusters by driving pattern (count; study: 10)")
    cluster_sample_days: int = Field(14, ge=2, le=60,
                                     description="sampled days per EV for clustering and expected occupancy (count)")
    day_end_soc_pct: float = Field(
        80.0, ge=0, le=100, description="smart / v2g: least cluster SOC at the end of each day (% of the "
                                        "charge target)")
    day_end_keep_start: bool = Field(
        True, description="smart / v2g: each day also ends with at least the energy it started with, so no "
                          "energy is banked for later days; False: energy above day_end_soc_pct may be banked on "
                          "one day and spent on a later one")
    banked_energy_value_jpy_per_mwh: float = Field(
        0.0, ge=0, description="smart / v2g: value of each MWh the clusters hold at the end of a day's plan, "
                               "a credit in the MILP objective (JPY/MWh; 0: none). Below the cheapest thermal "
                               "energy it makes the fleet bank only surplus that would be curtailed")
    reachable_energy_bounds: bool = Field(
        True, description="smart / v2g: bound each cluster's energy by the sum of what its members can reach "
                          "hour by hour (charging whenever plugged, capped by capacity, less their trips); False: "
                          "by the sum of capacities and trip needs, which lets plans fill EVs that are away")
    ev_reserve: bool = Field(
        False, description="smart / v2g: the EV clusters hold upward LFC reserve, by charging less and (v2g) by "
                           "discharging more; the settlement credits the reserve the realised charging could give")
    ev_reserve_duration_h: float = Field(
        1.0, ge=0, description="v2g: hours the energy above each cluster's floor must sustain its discharge reserve (h)")
    day_ahead_hour: int = Field(
        0, ge=0, le=23, description="clock hour of the day before at which each day's day-ahead UC is solved, on "
                                    "the planned end state of that day (0: at 00:00 of the day itself, no lead "
                                    "time); the day then starts with an intraday solve on the realised state")
    need_margin_kwh: float = Field(0.05, ge=0, description="energy kept above each EV's trip need (kWh; rounding)")
    v2g_wear_cost_jpy_per_mwh: float = Field(
        0.0, ge=0, description="v2g: battery wear priced per MWh the fleet discharges to the grid (JPY/MWh; 0: wear "
                               "is free, as in the reference study); enters the MILP objective, reported apart")
    intraday_recourse: bool = Field(
        False, description="when the day-ahead commitment, fixed, leaves load unserved or reserve short on actual "
                           "PV / wind / EV load, re-solve with the quick-start units (thermal_technology.csv "
                           "quick_start) free to start; they never stop a planned hour")
    reuse_model: bool = Field(
        True, description="keep one built MILP and solver for the whole run, each day re-stated by bound changes "
                          "(DispatchSession.start_day); False: build both afresh every day (same optimum, slower)")
    mip_gap: float = Field(0.005, ge=0, le=0.5, description="relative MIP gap of the day-ahead solve (0-1)")
    time_limit_s: float = Field(120.0, gt=0, description="HiGHS time limit per solve (s)")

    def check(self, ctx: CheckContext) -> None:
        """Hourly periods inside the system's year, a fleet policy the agent can serve, the tables load."""
        from agents.grid.system import load_system
        from simcore.tables import check_files_once

        if 60 % ctx.tick_minutes:
            ctx.fail_at("clock.tick_minutes", ctx.tick_minutes, "a tick dividing an hour (hourly dispatch periods)")
        last_day = ctx.clock_start + dt.timedelta(days=ctx.days - 1)
        if ctx.clock_start.year != SYSTEM_YEAR or last_day.year != SYSTEM_YEAR:
            ctx.fail_at("clock", f"{ctx.clock_start} + {ctx.days} days",
                        f"days inside {SYSTEM_YEAR}, the year of the system tables")
        policy = ctx.peer(self.fleet).params.charging_policy
        if policy == "night_tariff":
            ctx.fail_at(f"components.{self.fleet}.charging_policy", policy,
                        "uncontrolled, smart or v2g with a grid agent")
        if not Path(self.system_dir).is_dir():
            ctx.fail("system_dir", self.system_dir, "a folder holding the Kyushu 2030 system tables")
        check_files_once([Path(self.system_dir)], lambda: load_system(self.system_dir))
