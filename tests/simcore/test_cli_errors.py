"""Malformed input: exit 2, one line naming file, key path, value and what is allowed, no results."""

from pathlib import Path

import pytest
import yaml

import tests.simcore.toy_components  # noqa: F401  (registers the toy types)
from simcore.cli import main
from tests.simcore.toy_components import toy_scenario

GOOD = toy_scenario()


def _write(tmp_path: Path, data, name: str = "scen.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def _with(path: str, value):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


_DELETE = object()

CASES = {
    "yaml_syntax": ("name: [unclosed\n", "line", "valid YAML"),
    "top_level_not_mapping": ("- a\n- b\n", "(top level)", "mapping"),
    "unknown_top_key": ({**GOOD, "sead": 1}, "sead", "top-level keys"),
    "negative_seed": (_with("seed", -1), "seed", "greater than or equal to 0"),
    "seed_not_int": (_with("seed", "abc"), "seed", "integer"),
    "missing_clock": (_with("clock", _DELETE), "clock", "required"),
    "bad_start_date": (_with("clock.start", "2030-13-45"), "clock.start", "date"),
    "tick_not_dividing_day": (_with("clock.tick_minutes", 7), "clock.tick_minutes", "divide a day"),
    "zero_days": (_with("clock.days", 0), "clock.days", "greater than or equal to 1"),
    "unknown_clock_key": (_with("clock.tick_minute", 15), "clock.tick_minute", "did you mean 'tick_minutes'"),
    "unknown_component_type": (_with("components.pulse.type", "nope"), "components.pulse.type",
                               "registered component type"),
    "unknown_param": (_with("components.pulse.levl_mw", 3), "components.pulse.levl_mw",
                      "did you mean 'level_mw'? (all: every_ticks, level_mw)"),
    "unknown_param_far_from_any": (_with("components.pulse.colour", 3), "components.pulse.colour",
                                   "known keys: every_ticks, level_mw"),
    "param_out_of_range": (_with("components.pulse.level_mw", -5), "components.pulse.level_mw",
                           "greater than or equal to 0"),
    "param_wrong_type": (_with("components.pulse.every_ticks", "often"), "components.pulse.every_ticks", "integer"),
    "component_not_mapping": (_with("components.pulse", 3), "components.pulse", "mapping"),
    "no_components": (_with("components", {}), "components", "at least one component"),
    "variants_not_mapping": ({**GOOD, "variants": [1, 2]}, "variants", "mapping"),
    "start_not_midnight": (_with("clock.start", "2030-01-01T06:00:00"), "clock.start", "zero time"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_scenario_exits_2_with_one_clear_line(case, tmp_path, capsys):
    data, key_path, allowed = CASES[case]
    scen = _write(tmp_path, data)
    out_dir = tmp_path / "out"
    code = main(["run", str(scen), "--out", str(out_dir)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert str(scen) in lines[0] and key_path in lines[0] and allowed in lines[0]
    assert not out_dir.exists() and not list(tmp_path.glob(".out*"))


def test_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_unknown_variant_lists_the_known_ones(tmp_path, capsys):
    scen = _write(tmp_path, {**GOOD, "variants": {"high": {"pulse.level_mw": 5}}})
    assert main(["run", str(scen), "--variant", "low", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--variant" in err and "'low'" in err and "high" in err


def test_set_on_unknown_component(tmp_path, capsys):
    scen = _write(tmp_path, GOOD)
    assert main(["run", str(scen), "--set", "fleat.size=3", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "fleat" in err and "pulse" in err


def test_set_without_equals(tmp_path, capsys):
    scen = _write(tmp_path, GOOD)
    assert main(["run", str(scen), "--set", "pulse.level_mw", "--out", str(tmp_path / "o")]) == 2
    assert "PATH=VALUE" in capsys.readouterr().err


def test_set_invalid_value_names_the_key(tmp_path, capsys):
    scen = _write(tmp_path, GOOD)
    assert main(["run", str(scen), "--set", "pulse.level_mw=-1", "--out", str(tmp_path / "o")]) == 2
    assert "components.pulse.level_mw" in capsys.readouterr().err


def test_variant_with_bad_value_names_the_key(tmp_path, capsys):
    scen = _write(tmp_path, {**GOOD, "variants": {"broken": {"pulse.every_ticks": 0}}})
    assert main(["run", str(scen), "--variant", "broken", "--out", str(tmp_path / "o")]) == 2
    assert "components.pulse.every_ticks" in capsys.readouterr().err


def test_negative_seed_option(tmp_path, capsys):
    scen = _write(tmp_path, GOOD)
    assert main(["run", str(scen), "--seed", "-3", "--out", str(tmp_path / "o")]) == 2
    assert "--seed" in capsys.readouterr().err


def test_an_input_error_rebuilt_from_its_args_keeps_its_message():
    """SimPy re-raises a process's exception as ``type(e)(*e.args)``: an error raised mid-run stays ours."""
    from simcore.errors import InputError

    err = InputError("s.yaml", "components.grid.time_limit_s", 1e-4, "a longer limit")
    again = type(err)(*err.args)
    assert str(again) == str(err) == "s.yaml: components.grid.time_limit_s: got 0.0001; allowed: a longer limit"


def test_a_dispatch_time_limit_too_short_for_any_plan_is_a_clear_error(tmp_path, capsys):
    from agents.grid.dispatch import save_problem
    from tests.agents.grid.dispatch.dispatch_testkit import problem, unit

    p = problem([unit("A", 0, 100, marginal=10, status=10, p0=50), unit("B", 20, 120, marginal=30, min_up=2)],
                demand=[80, 150, 120, 60] * 12, reserve=[0, 10, 10, 0] * 12)
    save_problem(p, tmp_path / "p")
    code = main(["dispatch", str(tmp_path / "p"), "--time-limit", "1e-7", "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --time-limit") and err.count("\n") == 1


@pytest.mark.parametrize("command", [["run", "--set", "clock.days=2"], ["battery", "age", "profile.csv"]])
@pytest.mark.parametrize("out, allowed", [("", "a path (empty given)"), ("a\nb", "without control characters")])
def test_out_that_is_empty_or_holds_control_characters_is_refused(command, out, allowed, tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and allowed in err and "--out" in err
    assert list(tmp_path.iterdir()) == []


def test_out_with_a_name_longer_than_the_file_system_allows_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--set", "clock.days=2", "--out", "a" * 300]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a path the file system accepts" in err
    assert list(tmp_path.iterdir()) == []


def _tepco(tmp_path: Path, **variants) -> Path:
    import scenarios

    data = yaml.safe_load(scenarios.path("tepco_2040_demand.yaml").read_text(encoding="utf-8"))
    data["variants"] = {**data.get("variants", {}), **variants}
    return _write(tmp_path, data)


def test_a_missing_data_file_is_named_by_the_scenario_key_that_names_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scen = _tepco(tmp_path)
    assert main(["validate", str(scen), "--set", "residential.shape_file=tepco/nosuch.csv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {scen} with --set residential.shape_file=tepco/nosuch.csv: "
                          "components.residential.shape_file: got 'tepco/nosuch.csv'; allowed: an existing CSV file")
    assert str(tmp_path / "tepco" / "nosuch.csv") in err


def test_a_data_file_without_its_columns_names_the_key_and_the_missing_column(tmp_path, capsys):
    table = tmp_path / "shape.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    scen = _tepco(tmp_path)
    assert main(["validate", str(scen), "--set", f"residential.shape_file={table}"]) == 2
    err = capsys.readouterr().err
    assert ": components.residential.shape_file: " in err and "(missing hour)" in err and "['a', 'b']" in err


def test_validate_names_the_variant_whose_data_file_is_missing(tmp_path, capsys):
    scen = _tepco(tmp_path, broken={"residential": {"shape_file": "tepco/nosuch.csv"}})
    assert main(["validate", str(scen)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {scen} with variant broken: components.residential.shape_file: ")
