"""Debugging the 4R chain: break on a misrouted pack, then follow it and its modules."""

import re

import agents.builtin_components  # noqa: F401
from simcore import World
from simcore.stepper import Stepper
from tests.facilities.test_chain import chain


def test_break_on_a_pack_sent_to_reuse_below_its_grade_and_show_its_journey():
    worn = {"age_years_mean": 14, "age_years_sd": 5, "temp_c": 35, "efc_per_day": 0.3}
    world = World.from_dict(chain(days=400, source=worn, plant={"measurement_sigma_pct": 20}))
    out: list[str] = []
    stepper = Stepper(world, say=out.append)
    stepper.execute("break fourr.routed true_soh < 0.8 and route == reuse")
    stepper.execute("continue")
    text = "\n".join(out)
    assert "breakpoint" in text and "fourr.routed" in text
    event = world.last_stop.event
    assert event.payload["route"] == "reuse" and event.payload["true_soh"] < 0.8 <= event.payload["soh_est"]
    passport = event.payload["battery"]
    out.clear()
    stepper.execute(f"show battery:{passport}")
    shown = "\n".join(out)
    assert passport in shown and "FACILITY:plant.grading" in shown and "soh_est" in shown
    assert '"route": "reuse"' in shown  # the route by name, as the event gives it
    module = re.search(r"M\d{7}", shown).group(0)
    out.clear()
    stepper.execute(f"show module:{module}")
    assert passport in "\n".join(out) and f"PACK:{passport}" in "\n".join(out)


def test_a_wrong_battery_or_module_id_is_rejected():
    world = World.from_dict(chain(days=3))
    out: list[str] = []
    stepper = Stepper(world, say=out.append)
    stepper.execute("tick 2")
    stepper.execute("show battery:71")
    stepper.execute("show module:B000001")
    assert sum("error" in line for line in out) == 2
