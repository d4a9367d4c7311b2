"""World.factory: Mesa's batch_run and visualisation build and drive worlds of a scenario by keywords."""

from __future__ import annotations

import inspect
import pickle

import mesa
import pytest
import yaml

from simcore import World
from tests.simcore.toy_components import toy_scenario


@pytest.fixture()
def scenario_file(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})), encoding="utf-8")
    return path


def test_batch_run_drives_worlds_and_reports_their_kpis(scenario_file):
    Model = World.factory(scenario_file)
    rows = mesa.batch_run(Model, {"seed": [1, 2], "pulse.level_mw": [1.0, 3.0]}, max_steps=Model.n_ticks,
                          number_processes=1, display_progress=False)
    assert len(rows) == 4 and {r["seed"] for r in rows} == {1, 2}
    for row in rows:
        assert row["Step"] == Model.n_ticks - 1  # the last step holds the KPIs
        world = World.from_scenario(scenario_file, seed=row["seed"], overrides={"pulse.level_mw": row["pulse.level_mw"]})
        world.run()
        assert row["pulse.energy_mwh"] == world.summary()["pulse.energy_mwh"]
        assert row["pulse.output_mw"] == world.recorder["pulse.output_mw"][-1]


def test_the_class_rebuilds_a_world_from_keywords_as_mesa_visualisation_does(scenario_file):
    Model = World.factory(scenario_file, variant="high")
    model = Model(seed=3)
    params = inspect.signature(type(model).__init__).parameters
    assert "kwargs" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())
    again = type(model)(seed=3, **{"pulse.every_ticks": 2})
    model.step()
    again.step()
    assert model.steps == again.steps == 1 and model.ticks_done == 1
    rows = model.datacollector.get_model_vars_dataframe()
    assert len(rows) == 1 and rows["pulse.output_mw"].iloc[0] == model.recorder["pulse.output_mw"][0]
    assert again.components["pulse"].count == 1  # every_ticks=2 came through: a pulse at tick 0


def test_the_class_pickles_by_scenario_and_keywords(scenario_file):
    Model = World.factory(scenario_file, seed=5, overrides={"pulse.level_mw": 2.5})
    copy = pickle.loads(pickle.dumps(Model))
    assert copy.scenario_file == Model.scenario_file and copy.fixed_overrides == {"pulse.level_mw": 2.5}
    assert copy().seed == 5


def test_a_bad_scenario_fails_when_the_factory_is_made(scenario_file):
    from simcore.errors import InputError

    with pytest.raises(InputError, match="pulse.level_mw"):
        World.factory(scenario_file, overrides={"pulse.level_mw": -1})


def test_batch_run_in_parallel_processes_matches_serial():
    import scenarios

    Model = World.factory(scenarios.path("quickstart.yaml"), overrides={"fleet.sample": 500, "clock.days": 2})
    params = {"seed": [1, 2], "fleet.home_charger_kw": [3.0, 6.0]}
    serial = mesa.batch_run(Model, params, max_steps=Model.n_ticks, number_processes=1, display_progress=False)
    parallel = mesa.batch_run(Model, params, max_steps=Model.n_ticks, number_processes=2, display_progress=False)
    key = lambda r: (r["seed"], r["fleet.home_charger_kw"])  # noqa: E731
    for a, b in zip(sorted(serial, key=key), sorted(parallel, key=key), strict=True):
        assert a["ev.energy_mwh"] == b["ev.energy_mwh"] and a["ev.peak_mw"] == b["ev.peak_mw"]
