"""Parameter schema of the ``fourr_plant`` component (units in every name; sources in the scenario and
``scenarios/data/fourr/SOURCES.md``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from facilities.params_common import DATA_DIR_FIELD, check_data_dir
from simcore.params import ComponentParams, ComponentRef

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext


class PlantParams(ComponentParams):
    """A 4R plant: acceptance inspection, grading, racks and shelves, refabrication, reuse and resale."""

    recycler: str = ComponentRef("recycling", provides="recycler", description="where packs and modules to recycle go")
    second_life: str | None = ComponentRef("second_life", provides="second_life_sink",
                                           description="where resold packs go to work (null: resale off)")
    # intake and acceptance inspection
    intake_capacity_packs: int = Field(400, ge=1, le=10_000_000,
                                       description="packs the intake area holds (count); a full intake stops trucks")
    inspection_fail_share: float = Field(0.05, ge=0, le=1,
                                         description="share failing the acceptance inspection (damage, leaks) (0-1)")
    # grading station
    analysers: int = Field(5, ge=1, le=100_000, description="pack test channels at the grading station (count)")
    test_min_per_module: float = Field(5.0, gt=0, le=1440, description="grading test time per module (min)")
    service_time: Literal["fixed", "exponential"] = Field(
        "fixed", description="test time as given, or exponentially distributed with that mean (queue studies)")
    measurement_sigma_pct: float = Field(2.5, ge=0, le=50,
                                         description="module capacity error at the reference test time (% of nominal)")
    reference_test_min_per_module: float = Field(5.0, gt=0, le=1440,
                                                 description="test time at which measurement_sigma_pct holds (min)")
    test_energy_kwh_per_kwh: float = Field(0.2, ge=0, le=5,
                                           description="energy lost testing, per kWh of nominal capacity (kWh/kWh)")
    # routing
    routing: dict[str, Any] = Field(default_factory=lambda: {"policy": "threshold"},
                                    description="routing policy and its parameters: {policy: NAME, ...}")
    usable_routes: list[Literal["reuse", "refabricate", "resell"]] = Field(
        default_factory=lambda: ["reuse", "refabricate", "resell"],
        description="routes the plant offers; a pack routed to another goes to recycling ([]: recycle everything)")
    accuracy_band: float = Field(0.05, gt=0, le=0.5,
                                 description="band for fourr.grading_within_band: |estimate - truth| <= band (SOH)")
    # racks and shelves
    rack_capacity_packs: int = Field(800, ge=1, le=10_000_000, description="pack racks (count)")
    shelf_capacity_modules: int = Field(38_400, ge=1, le=100_000_000, description="module shelf places (count)")
    storage_temp_c: float = Field(25.0, ge=-20, le=60, description="warehouse temperature (C)")
    storage_soc: float = Field(0.5, ge=0, le=1, description="state of charge packs are stored at (0-1)")
    max_storage_days: float = Field(730.0, gt=0, le=36500, description="stock older than this is recycled (days)")
    ageing_step_days: int = Field(7, ge=1, le=365, description="calendar ageing of the stock in steps of (days)")
    # refabrication line
    refab_packs_per_day: float = Field(9.0, ge=0, le=1e7,
                                       description="packs the line disassembles or builds per day (count/day)")
    refab_hours_per_pack: float = Field(8.0, gt=0, le=1000, description="labour per pack rebuilt (h)")
    refab_final_test_yield: float = Field(0.98, ge=0, le=1, description="rebuilt packs passing the final test (0-1)")
    refab_cost_jpy_per_kwh: float = Field(5300.0, ge=0, le=1e7, description="repurposing cost (JPY/kWh)")
    refab_energy_kwh_per_pack: float = Field(2.0, ge=0, le=1e4, description="electricity per pack rebuilt (kWh)")
    # orders: reuse channel (EV replacement packs) and resale (second-life applications)
    reuse_price_ratio: float = Field(0.46, ge=0, le=2, description="reused / refabricated pack price over a new one (-)")
    reuse_orders_per_year: float = Field(0.0, ge=0, le=1e8,
                                         description="replacement packs wanted by owners of cars outside the simulation "
                                                     "(packs/year, Poisson by day; 0: only a cohort's requests)")
    pack_match_tolerance: float = Field(0.10, ge=0, le=1,
                                        description="a replacement pack's nominal may differ by this share (-)")
    demand_scale: float = Field(1.0, ge=0, le=1e6, description="multiplies every application's order rate (-)")
    applications: list[str] | None = Field(None, description="applications the plant sells to (rows of "
                                                             "applications.csv; null: all of them)")
    order_patience_days: float = Field(90.0, gt=0, le=3650, description="an order not met within this is lost (days)")
    # warranty
    warranty_return_days: float = Field(180.0, gt=0, le=3650,
                                        description="a pack below its grade fails and comes back after (days)")
    warranty_handling_jpy: float = Field(20_000.0, ge=0, le=1e8,
                                         description="handling of one warranty return, on top of the refund (JPY)")
    # economics
    staff: int = Field(10, ge=0, le=100_000, description="plant staff (count)")
    wage_jpy_per_h: float = Field(2500.0, ge=0, le=1e6, description="labour cost (JPY/h); assumption")
    usd_jpy: float = Field(150.0, gt=0, le=10_000, description="exchange rate (JPY/USD); assumption")
    grid_kgco2_per_kwh: float | None = Field(None, ge=0, le=5,
                                             description="grid intensity (kg CO2/kWh); null: the data's Japan factor")
    co2_basis: str = Field("reference_2017", description="manufacturing CO2 basis of co2_bases.csv")
    reference_pack_kwh: float = Field(24.0, gt=0, le=1000,
                                      description="pack size a per-pack CO2 basis refers to (kWh)")
    data_dir: str = DATA_DIR_FIELD

    def routing_policy(self):
        """The routing policy instance the parameters name (validated)."""
        from facilities.policies import get_policy

        body = dict(self.routing)
        name = body.pop("policy", "threshold")
        cls = get_policy(str(name))
        if cls is None:
            raise KeyError(name)
        return cls(cls.Params.model_validate(body))

    def check(self, ctx: CheckContext) -> None:
        """Data tables, the routing policy and its parameters, the CO2 basis."""
        from pydantic import ValidationError

        from facilities.data import load_fourr_data
        from facilities.policies import get_policy, policy_names
        from simcore.scenario.loader import validation_error

        check_data_dir(ctx, self.data_dir)
        body = dict(self.routing)
        name = body.pop("policy", "threshold")
        cls = get_policy(str(name))
        if cls is None:
            ctx.fail("routing.policy", name, "a registered routing policy: " + ", ".join(policy_names()))
        try:
            cls.Params.model_validate(body)
        except ValidationError as exc:
            raise validation_error(ctx.file, exc, prefix=ctx.key("routing"), schema=cls.Params) from None
        data = load_fourr_data(self.data_dir)
        if self.co2_basis not in data.co2_bases.index:
            ctx.fail("co2_basis", self.co2_basis, "one of " + ", ".join(data.co2_bases.index))
        known = data.applications.names
        for i, app in enumerate(self.applications or []):
            if app not in known:
                ctx.fail(f"applications[{i}]", app, "an application of applications.csv: " + ", ".join(known))
        ctx.claim_memory("rack_capacity_packs", self.rack_capacity_packs, 64 * self.rack_capacity_packs)
