"""Parameter schema of the ``second_life`` component (units in every name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from facilities.params_common import DATA_DIR_FIELD, check_data_dir
from simcore.params import ComponentParams, ComponentRef

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext


class SecondLifeParams(ComponentParams):
    """Second-life units (storage, backup, AGVs, street lights) ageing under their application's duty."""

    end_of_life_to: str = ComponentRef("collection", provides="battery_sink",
                                       description="where units go at the end of their second life")
    ageing_step_days: int = Field(7, ge=1, le=365, description="units age in steps of (days)")
    lmo_second_life_law: bool = Field(True, description="LMO packs age by the BLAST-Lite Leaf second-life law "
                                                        "(SOURCES.md A7); else by their first-life law")
    data_dir: str = DATA_DIR_FIELD

    def check(self, ctx: CheckContext) -> None:
        check_data_dir(ctx, self.data_dir)
