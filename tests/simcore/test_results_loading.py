"""load_runs: a sweep folder or run folders as a runs table, a long series frame and units."""

from __future__ import annotations

import pandas as pd
import yaml

from simcore.cli import main
from simcore.results import load_runs
from tests.simcore.toy_components import toy_scenario


def test_load_runs_of_a_sweep_gives_the_table_series_and_units(tmp_path):
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(toy_scenario()), encoding="utf-8")
    assert main(["sweep", str(scen), "--grid", "pulse.level_mw=1,2", "--seeds", "1", "2", "--workers", "1",
                 "--quiet", "--out", str(tmp_path / "s")]) == 0
    runs = load_runs(tmp_path / "s")
    assert list(runs.table["run"]) == ["r000-s1", "r001-s1", "r002-s2", "r003-s2"]
    assert runs.table["folder"].iloc[0] == str(tmp_path / "s" / "r000-s1")
    assert set(runs.series.columns) == {"run", "time", "series", "value"} and len(runs.series) == 4 * 96
    one = runs.series[runs.series["run"] == "r001-s1"]["value"].to_numpy()
    ts = pd.read_parquet(tmp_path / "s" / "r001-s1" / "timeseries.parquet")["pulse.output_mw"].to_numpy()
    assert (one == ts).all()
    assert runs.units["pulse.energy_mwh"] == "MWh" and runs.units["pulse.output_mw"] == "MW"
    assert runs.units["pulse.level_mw"] == "MW" and runs.units["pulse.pulses"] == "count"


def test_load_runs_of_run_folders_lists_their_overrides(tmp_path):
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(toy_scenario()), encoding="utf-8")
    main(["run", str(scen), "--out", str(tmp_path / "a"), "--quiet"])
    main(["run", str(scen), "--set", "pulse.level_mw=3", "--seed", "9", "--out", str(tmp_path / "b"), "--quiet"])
    runs = load_runs([tmp_path / "a", tmp_path / "b"], series=["nothing*"])
    assert list(runs.table["seed"]) == [7, 9] and runs.table["pulse.level_mw"].iloc[1] == 3
    assert runs.series.empty and runs.table["scenario"].tolist() == ["toy", "toy"]
