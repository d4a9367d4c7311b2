"""The project's own component types, catalogued without importing them.

It is the single provider the project lists in the ``evcycle.components`` entry-point group, the same
group third-party packages use. Each entry names the parameter schema (a light module: validating a
scenario imports only these) and the class (imported when a World is built), and the capabilities a
peer may require of the type through a ``ComponentRef`` parameter.
"""

from simcore.registry import register_lazy

register_lazy("ev_fleet", component="agents.fleet.component:EVFleet", params="agents.fleet.params:FleetParams",
              provides=("ev_fleet",))
register_lazy("load_curve", component="agents.loads.component:LoadCurve",
              params="agents.loads.params:LoadCurveParams")
register_lazy("pv_profile", component="agents.loads.component:PVProfile",
              params="agents.loads.params:PVProfileParams")
register_lazy("grid", component="agents.grid.agent:GridAgent", params="agents.grid.params:GridParams")
register_lazy("ev_cohort", component="agents.lifecycle.component:EVCohort",
              params="agents.lifecycle.params:CohortParams")
register_lazy("collection_point", component="facilities.collection:CollectionPoint",
              params="facilities.collection_params:CollectionParams", provides=("battery_sink",))
register_lazy("fourr_plant", component="facilities.plant.component:FourRPlant",
              params="facilities.plant.params:PlantParams", provides=("battery_sink", "pack_supplier"))
register_lazy("second_life", component="facilities.second_life:SecondLife",
              params="facilities.second_life_params:SecondLifeParams", provides=("second_life_sink",))
register_lazy("recycling_plant", component="facilities.recycling:RecyclingPlant",
              params="facilities.recycling_params:RecyclingParams", provides=("battery_sink", "recycler"))
register_lazy("retired_pack_source", component="facilities.source:RetiredPackSource",
              params="facilities.source_params:SourceParams")
