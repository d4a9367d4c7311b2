"""Parameter schema of the ``collection_point`` component (units in every name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from facilities.params_common import DATA_DIR_FIELD, check_data_dir
from simcore.params import ComponentParams, ComponentRef

if TYPE_CHECKING:
    from simcore.scenario.checks import CheckContext


class CollectionParams(ComponentParams):
    """Dealers and dismantlers hand in used packs; trucks take them to the plant in lots."""

    to: str = ComponentRef("plant", provides="battery_sink", description="where lots of used packs go (the 4R plant)")
    end_of_life_to: str | None = ComponentRef(
        None, provides="battery_sink",
        description="where packs at the end of their second life and warranty returns go (null: like the rest)")
    lot_size_packs: int = Field(20, ge=1, le=10_000,
                                description="packs per truck (count); assumption: a 10 t truck, ~300 kg packs in cases")
    max_wait_days: float = Field(14.0, gt=0, le=3650, description="a part lot leaves after this many days (days)")
    distance_dealer_km: float = Field(400.0, ge=0, le=5000,
                                      description="haul from a dealer to the plant (km); assumption: Japan to Namie")
    distance_dismantler_km: float = Field(400.0, ge=0, le=5000,
                                          description="haul from a dismantler to the plant (km); assumption")
    transport_jpy_per_t_km: float = Field(50.0, ge=0, le=10_000, description="truck freight price (JPY/t-km); assumption")
    purchase_jpy_per_kwh: float = Field(0.0, ge=0, le=1e6,
                                        description="paid to the owner per kWh of nominal capacity (JPY/kWh)")
    data_dir: str = DATA_DIR_FIELD

    def check(self, ctx: CheckContext) -> None:
        check_data_dir(ctx, self.data_dir)
