"""A stop on ``grid.day``: the day's unit commitment and dispatch, and its problem folders re-run alone."""

from __future__ import annotations

import json

import pytest

from simcore import World
from simcore.cli import main
from simcore.stepper import Stepper
from tests.agents.grid.test_agent import scenario


@pytest.fixture(scope="module")
def settled() -> World:
    world = World.from_dict(scenario(policy="v2g", sample=400))
    world.break_on("grid.day")
    assert world.run().event.kind == "grid.day"
    return world


def test_show_grid_at_a_day_stop_gives_commitment_and_dispatch(settled):
    view = settled.inspect("grid")["settled_day"]
    assert view["day"] == 0 and set(view["stages"]) == {"day_ahead", "intraday", "settlement"}
    assert view["stages"]["settlement"]["co2_t"] == settled.last_stop.event.payload["co2_t"]
    assert all(len(on) == 24 and set(on) <= {"0", "1"} for on in view["commitment"].values())
    assert view["thermal_mw"] and all(len(mw) == 24 for mw in view["thermal_mw"].values())
    assert view["units_on_by_hour"] == [sum(int(on[h]) for on in view["commitment"].values()) for h in range(24)]


def test_a_unit_is_shown_by_name_and_unknown_units_are_rejected(settled):
    unit = next(iter(settled.inspect("grid")["settled_day"]["thermal_mw"]))
    shown = settled.inspect(f"grid:{unit}")
    assert shown["unit"] == unit and len(shown["settlement"]["mw"]) == 24
    lines: list[str] = []
    Stepper(settled, say=lines.append).execute("show grid:unit")
    assert lines[0].startswith("error: the grid has no thermal unit 'unit'")


def test_the_day_ahead_problem_folder_re_runs_with_evcycle_dispatch(settled, tmp_path, capsys):
    what = settled.write("grid", tmp_path / "day0")
    assert f"evcycle dispatch {tmp_path / 'day0'}" in what
    in_run = json.loads((tmp_path / "day0" / "result_in_run.json").read_text())
    capsys.readouterr()
    assert main(["dispatch", str(tmp_path / "day0"), "--gap", "0.01"]) == 0
    objective = float(capsys.readouterr().out.split("objective: ")[1].split()[0])
    assert objective == pytest.approx(in_run["objective"], rel=0.01)   # both within the 1 % MIP gap


def test_the_settlement_re_runs_with_its_fixed_commitment(settled, tmp_path, capsys):
    out = tmp_path / "settle"
    lines: list[str] = []
    Stepper(settled, say=lines.append).execute(f"show grid --out {out} --stage settlement")
    assert lines[0].startswith("written: day 0") and (out / "commitment.csv").is_file()
    capsys.readouterr()
    assert main(["dispatch", str(out), "--commitment", str(out / "commitment.csv")]) == 0
    co2 = float(capsys.readouterr().out.split("co2_t: ")[1].split()[0])
    assert co2 == pytest.approx(settled.last_stop.event.payload["co2_t"], rel=1e-6)
