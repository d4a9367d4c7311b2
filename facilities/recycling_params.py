"""Parameter schema of the ``recycling_plant`` component (units in every name)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from facilities.params_common import DATA_DIR_FIELD, check_data_dir
from simcore.params import ComponentParams

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext

Chemistry = Literal["NMC622", "NMC811", "NCA", "LFP", "LMO"]


class RecyclingParams(ComponentParams):
    """A recycling plant with a direct cathode line and a conventional (hydro or pyro) line."""

    direct_enabled: bool = Field(True, description="run the direct cathode-recycling line")
    direct_chemistries: list[Chemistry] = Field(default_factory=lambda: ["NMC622", "NMC811", "NCA"],
                                                description="chemistries the direct line takes (SOURCES.md R5)")
    direct_min_cathode_health: float = Field(0.70, ge=0, le=1,
                                             description="the direct line takes cathodes at least this healthy (0-1); "
                                                         "assumption: badly damaged cathodes are not regenerated")
    structural_loss_share: float = Field(0.3, ge=0, le=1,
                                         description="share of cathode capacity loss relithiation cannot restore (R7)")
    direct_capacity_kg_per_day: float = Field(2000.0, ge=0, le=1e9,
                                              description="cells the direct line takes per day (kg/day); assumption")
    conventional_route: Literal["hydro", "pyro"] = Field("hydro", description="the conventional line's process")
    conventional_capacity_kg_per_day: float = Field(20_000.0, gt=0, le=1e9,
                                                    description="cells the conventional line takes per day (kg/day)")
    conventional_lead_days: float = Field(7.0, ge=0, le=365,
                                          description="days from intake to recovered materials (days); assumption")
    dismantling_hours_per_pack: float = Field(1.5, ge=0, le=100,
                                              description="pack to modules (h); EverBatt 2020: 0.5 removal + 1 pack to "
                                                          "modules")
    electricity_jpy_per_kwh: float = Field(25.0, ge=0, le=1000,
                                           description="industrial electricity price (JPY/kWh); assumption")
    wage_jpy_per_h: float = Field(2500.0, ge=0, le=1e6, description="labour cost (JPY/h); assumption")
    data_dir: str = DATA_DIR_FIELD

    def check(self, ctx: CheckContext) -> None:
        check_data_dir(ctx, self.data_dir)
