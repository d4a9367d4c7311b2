"""The project's own component types; importing this module registers them.

It is the single provider the project lists in the ``evcycle.components`` entry-point group, the same
group third-party packages use.
"""

import agents.fleet.component  # noqa: F401,E402  (ev_fleet)
import agents.loads.component  # noqa: F401,E402  (load_curve, pv_profile)
import agents.grid.agent  # noqa: F401,E402  (grid)
import agents.lifecycle.component  # noqa: F401,E402  (ev_cohort)
import facilities.collection  # noqa: F401,E402  (collection_point)
