"""``validate`` makes every check ``run`` makes: files, columns, clock rules, wiring, memory, variants.

Each case fails both commands with the same single line (exit 2), before any simulation.
"""

from pathlib import Path

import pytest
import yaml

import scenarios
from simcore.cli import main
from simcore.scenario.checks import check_memory, MemoryClaim
from simcore.errors import InputError

QUICKSTART = scenarios.path("quickstart.yaml")
KYUSHU = scenarios.path("kyushu_2030_vgi.yaml")
AGEING = scenarios.path("fleet_ageing.yaml")


def _both(capsys, tmp_path, scenario: Path, *options: str) -> str:
    """Run validate and run on the same input; both exit 2 with the same one line; return it."""
    assert main(["validate", str(scenario), *options]) == 2
    validate_err = capsys.readouterr().err
    assert main(["run", str(scenario), *options, "--out", str(tmp_path / "o")]) == 2
    run_err = capsys.readouterr().err
    assert validate_err == run_err and validate_err.count("\n") == 1 and "Traceback" not in validate_err
    assert not (tmp_path / "o").exists()
    return validate_err


CASES = {
    "warm-up covers the whole run": (QUICKSTART, ["--set", "clock.days=1"], "components.fleet.warmup_days"),
    "missing shape file": (QUICKSTART, ["--set", "residential.shape_file=nope/shape.csv"],
                           "components.residential.shape_file: got 'nope/shape.csv'; allowed: an existing CSV file"),
    "CSV without the named column": (QUICKSTART, ["--set", "residential.weekday_column=nope"],
                                     "components.residential.weekday_column: got 'nope'; allowed: a column of "),
    "missing travel folder": (QUICKSTART, ["--set", "fleet.travel_dir=no_such_travel"], "components.fleet.travel_dir"),
    "infinite peak": (QUICKSTART, ["--set", "residential.peak_mw=.inf"], "components.residential.peak_mw"),
    "NaN share": (QUICKSTART, ["--set", "fleet.commuter_share=.nan"], "components.fleet.commuter_share"),
    "absurd fleet size": (QUICKSTART, ["--set", "fleet.size=1000000000000000"], "components.fleet.size"),
    "sample beyond memory": (QUICKSTART, ["--set", "fleet.size=2000000000", "--set", "fleet.sample=2000000000"],
                             "components.fleet.sample"),
    "impossible date": (QUICKSTART, ["--set", "clock.start=2030-13-45"], "clock.start"),
    "cross-field rule names its keys": (QUICKSTART, ["--set", "fleet.sample=99999"],
                                        "components.fleet.sample / components.fleet.size"),
    "grid wired to a component that is not a fleet": (KYUSHU, ["--set", "grid.fleet=grid"], "components.grid.fleet"),
    "grid outside its system year": (KYUSHU, ["--set", "clock.start=2031-01-01"], "clock"),
    "cohort wired to nothing": (AGEING, ["--set", "cohort.collection=nowhere"], "components.cohort.collection"),
    "cohort on an hourly clock": (AGEING, ["--set", "clock.tick_minutes=60"], "clock.tick_minutes"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_and_run_refuse_the_same_way(case, capsys, tmp_path):
    scenario, options, key = CASES[case]
    assert key in _both(capsys, tmp_path, scenario, *options)


def test_a_broken_variant_fails_validate_without_naming_it(capsys, tmp_path):
    data = yaml.safe_load(QUICKSTART.read_text())
    data["variants"]["broken"] = {"fleet.home_charger_kw": -6}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["validate", str(path)]) == 2
    assert "components.fleet.home_charger_kw" in capsys.readouterr().err
    assert main(["validate", str(path), "--variant", "night_tariff"]) == 0   # a named variant checks only itself


def test_a_key_given_twice_is_an_error_with_its_path_and_line(capsys, tmp_path):
    text = QUICKSTART.read_text().replace("  days: 3 ", "  days: 3\n  days: 5 ", 1)
    path = tmp_path / "dup.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "clock.days" in err and "line" in err


def test_an_unquoted_impossible_date_names_the_key(capsys, tmp_path):
    text = QUICKSTART.read_text().replace("start: 2030-07-30", "start: 2030-13-45", 1)
    path = tmp_path / "date.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    assert "clock.start" in capsys.readouterr().err


def test_every_shipped_scenario_and_variant_validates(capsys):
    for path in sorted(Path(scenarios.path("")).glob("*.yaml")):
        assert main(["validate", str(path)]) == 0, capsys.readouterr().err


def test_memory_claims_beyond_the_budget_name_the_largest():
    claims = [MemoryClaim("components.a.size", 10, 2e9), MemoryClaim("components.b.sample", 5, 9e9)]
    with pytest.raises(InputError, match="components.b.sample"):
        check_memory("s.yaml", claims, available=4e9)
    check_memory("s.yaml", claims, available=100e9)


def test_sweep_refuses_zero_workers(capsys):
    assert main(["sweep", str(QUICKSTART), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err
