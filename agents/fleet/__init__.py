"""The vectorised EV population: behaviour (daily activity chains) and charging (plug-in, policies).

``agents.fleet.component.EVFleet`` is the ``ev_fleet`` scenario component; ``agents.fleet.model.FleetModel``
is the same fleet without the World, for tests and tools.
"""
