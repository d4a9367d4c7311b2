"""An error about a value ``--set`` (or a variant, or ``--seed``) put there says so; list items read ``name[i]``."""

import pickle
from pathlib import Path

import pytest
import yaml

import scenarios
import tests.simcore.toy_components  # noqa: F401  (registers the toy types)
from simcore.cli import main
from simcore.errors import InputError, format_key_path, split_key_path
from simcore.scenario import parse_set_option
from tests.simcore.toy_components import toy_scenario

FOURR = scenarios.path("fourr_grading_study.yaml")
ALLOWED_ROUTES = "allowed: Input should be 'reuse', 'refabricate' or 'resell'"


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "scen.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _error(capsys, *argv: str) -> str:
    """``argv`` fails with exit 2 and one line; that line."""
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def test_a_set_value_failing_its_schema_names_the_set_option(tmp_path, capsys):
    scen = _write(tmp_path, toy_scenario())
    err = _error(capsys, "validate", str(scen), "--set", "pulse.level_mw=-3")
    assert err == (f"error: {scen} with --set pulse.level_mw=-3: components.pulse.level_mw: got -3; "
                   "allowed: Input should be greater than or equal to 0")


def test_the_same_value_written_in_the_yaml_keeps_the_plain_message(tmp_path, capsys):
    data = toy_scenario()
    data["components"]["pulse"]["level_mw"] = -3
    scen = _write(tmp_path, data)
    err = _error(capsys, "validate", str(scen), "--set", "pulse.every_ticks=2")   # an override elsewhere
    assert err == (f"error: {scen}: components.pulse.level_mw: got -3; "
                   "allowed: Input should be greater than or equal to 0")
    assert "--set" not in err and " with " not in err


def test_a_key_below_an_overridden_mapping_names_that_override(tmp_path, capsys):
    scen = _write(tmp_path, toy_scenario())
    err = _error(capsys, "run", str(scen), "--set", "pulse={type: test_pulse, every_ticks: 0}",
                 "--out", str(tmp_path / "o"))
    assert err.startswith(f"error: {scen} with --set pulse={{every_ticks: 0, type: test_pulse}}: "
                          "components.pulse.every_ticks: got 0; allowed: ")
    assert not (tmp_path / "o").exists()


def test_an_unknown_key_given_by_set(tmp_path, capsys):
    scen = _write(tmp_path, toy_scenario())
    err = _error(capsys, "validate", str(scen), "--set", "pulse.levl_mw=3")
    assert err.startswith(f"error: {scen} with --set pulse.levl_mw=3: components.pulse.levl_mw: got 3; "
                          "allowed: a known key: did you mean 'level_mw'?")


def test_set_on_an_unknown_component_names_the_set_option(tmp_path, capsys):
    scen = _write(tmp_path, toy_scenario())
    err = _error(capsys, "validate", str(scen), "--set", "fleat.size=3")
    assert err.startswith(f"error: {scen} with --set fleat.size=3: components.fleat: got 'fleat'; "
                          "allowed: a top-level key or a component name: ")


def test_a_variant_value_names_the_variant(tmp_path, capsys):
    scen = _write(tmp_path, {**toy_scenario(), "variants": {"broken": {"pulse.every_ticks": 0}}})
    err = _error(capsys, "validate", str(scen), "--variant", "broken")
    assert err.startswith(f"error: {scen} with variant broken: components.pulse.every_ticks: got 0; ")
    # --set replacing the variant's value is what the message names then
    err = _error(capsys, "validate", str(scen), "--variant", "broken", "--set", "pulse.every_ticks=-1")
    assert err.startswith(f"error: {scen} with --set pulse.every_ticks=-1: components.pulse.every_ticks: got -1; ")


def test_a_bad_seed_option_is_named(tmp_path, capsys):
    scen = _write(tmp_path, toy_scenario())
    err = _error(capsys, "validate", str(scen), "--seed", str(2**64))
    assert err.startswith(f"error: {scen} with --seed {2**64}: seed: got {2**64}; ")


def test_cross_field_and_file_checks_name_the_set_option(capsys):
    quick = scenarios.path("quickstart.yaml")
    err = _error(capsys, "validate", str(quick), "--set", "fleet.sample=99999")
    assert err.startswith(f"error: {quick} with --set fleet.sample=99999: "
                          "components.fleet.sample / components.fleet.size: got ")
    err = _error(capsys, "validate", str(quick), "--set", "fleet.travel_dir=no_such_travel")
    assert err.startswith(f"error: {quick} with --set fleet.travel_dir=no_such_travel: components.fleet.travel_dir: ")
    # a rule on the clock as a whole, broken by a date --set gave
    kyushu = scenarios.path("kyushu_2030_vgi.yaml")
    err = _error(capsys, "validate", str(kyushu), "--set", "clock.start=2031-01-01")
    assert err.startswith(f"error: {kyushu} with --set clock.start=2031-01-01: clock: got ")
    # a wire to a component that does not provide what is needed
    ageing = scenarios.path("fleet_ageing.yaml")
    err = _error(capsys, "validate", str(ageing), "--set", "cohort.collection=nowhere")
    assert err.startswith(f"error: {ageing} with --set cohort.collection=nowhere: components.cohort.collection: ")


def test_a_rule_across_keys_names_the_set_that_broke_it(capsys):
    """--set clock.days=1 makes the YAML's warm-up too long: the rule names both keys, and the --set."""
    quick = scenarios.path("quickstart.yaml")
    err = _error(capsys, "validate", str(quick), "--set", "clock.days=1")
    assert err.startswith(f"error: {quick} with --set clock.days=1: components.fleet.warmup_days / clock.days: got ")


def test_sweep_names_the_option_a_point_came_from(tmp_path, capsys):
    scen = _write(tmp_path, toy_scenario())
    err = _error(capsys, "sweep", str(scen), "--grid", "pulse.level_mw=1,-2", "--out", str(tmp_path / "s"))
    assert err.startswith(f"error: {scen} with --grid pulse.level_mw=-2: components.pulse.level_mw: got -2; ")
    err = _error(capsys, "sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--set", "pulse.every_ticks=0",
                 "--out", str(tmp_path / "s"))
    assert err.startswith(f"error: {scen} with --set pulse.every_ticks=0: components.pulse.every_ticks: got 0; ")
    assert not (tmp_path / "s").exists()


# ------------------------------------------------------------------------------------------------
# List items: name[i] in every message, and --set takes name[i] or name.i


def test_a_list_item_in_the_yaml_reads_name_index(tmp_path, capsys):
    text = FOURR.read_text(encoding="utf-8").replace("    routing:\n",
                                                     "    usable_routes: [reuse, nope]\n    routing:\n", 1)
    path = tmp_path / "fourr.yaml"
    path.write_text(text, encoding="utf-8")
    err = _error(capsys, "validate", str(path))
    assert err == f"error: {path}: components.plant.usable_routes[1]: got 'nope'; {ALLOWED_ROUTES}"


def test_a_list_item_in_a_check_reads_name_index(capsys):
    err = _error(capsys, "validate", str(FOURR), "--set", "plant.applications=[ess, nope]")
    assert err.startswith(f"error: {FOURR} with --set plant.applications=[ess, nope]: "
                          "components.plant.applications[1]: got 'nope'; allowed: an application of applications.csv")


@pytest.mark.parametrize("item", ["plant.usable_routes[1]", "plant.usable_routes.1"])
def test_set_reaches_a_list_item_in_either_notation(item, capsys):
    base = ["validate", str(FOURR), "--set", "plant.usable_routes=[reuse, resell]"]
    assert main([*base, "--set", f"{item}=refabricate"]) == 0
    capsys.readouterr()
    err = _error(capsys, *base, "--set", f"{item}=nope")
    assert err == (f"error: {FOURR} with --set plant.usable_routes=[reuse, resell], --set {item}=nope: "
                   f"components.plant.usable_routes[1]: got 'nope'; {ALLOWED_ROUTES}")


def test_set_past_the_end_of_a_list(capsys):
    err = _error(capsys, "validate", str(FOURR), "--set", "plant.usable_routes=[reuse]",
                 "--set", "plant.usable_routes[3]=resell")
    assert err.endswith("components.plant.usable_routes[3]: got 3; allowed: an index 0..0 of the list "
                        "components.plant.usable_routes")


def test_a_duplicate_key_inside_a_list_item_reads_name_index(tmp_path, capsys):
    data = toy_scenario()
    data["trace"] = {"kinds": ["pulse"], "limit": 10}
    text = yaml.safe_dump(data) + "notes:\n  - a: 1\n  - b: 1\n    b: 2\n"
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    err = _error(capsys, "validate", str(path))
    assert err.startswith(f"error: {path}: notes[1].b: got \"'b' again at line ")


@pytest.mark.parametrize("text, parts", [
    ("fleet.size", ["fleet", "size"]),
    ("plant.usable_routes[1]", ["plant", "usable_routes", "1"]),
    ("plant.usable_routes.1", ["plant", "usable_routes", "1"]),
    ("a[0][2].b", ["a", "0", "2", "b"]),
    ("a..b", None), ("a.", None), (".a", None), ("a[x]", None), ("a[1]b", None), ("a.[1]", None), ("", None),
])
def test_key_paths_split_and_format(text, parts):
    assert split_key_path(text) == parts
    assert format_key_path(["components", "plant", "usable_routes", 1, "x"]) == "components.plant.usable_routes[1].x"


def test_a_malformed_set_path_is_refused():
    with pytest.raises(InputError, match=r"list items as plant.usable_routes\[0\]"):
        parse_set_option("plant.usable_routes[x]=1")


def test_an_input_error_with_an_origin_survives_args_and_pickling():
    err = InputError("s.yaml", "components.fleet.size", -3, ">= 1", "--set fleet.size=-3")
    assert str(err) == "s.yaml with --set fleet.size=-3: components.fleet.size: got -3; allowed: >= 1"
    assert str(type(err)(*err.args)) == str(pickle.loads(pickle.dumps(err))) == str(err)
