"""Plots of many runs over a date range (seed bands, groups), lifecycle plots, and nothing-to-plot errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from simcore.cli import main
from simcore.results import write_manifest
from tests.simcore.toy_components import toy_scenario

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def scenario(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(toy_scenario(days=3, variants={"high": {"pulse.level_mw": 5.0}})), encoding="utf-8")
    return path


def test_series_of_a_sweep_over_a_date_range_with_seed_bands(scenario, tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sweep", str(scenario), "--grid", "variant=base,high", "--seeds", "1", "2", "--quiet",
                 "--workers", "1", "--out", str(out)]) == 0
    assert main(["plot", str(out), "--series", "pulse.*", "--from", "2030-01-02", "--to", "2030-01-03"]) == 0
    png = out / "plots" / "series-2030-01-02_2030-01-03.png"
    assert png.read_bytes()[:8] == PNG and png.stat().st_size > 10_000
    assert main(["plot", str(out), "--series", "pulse.output_mw", "--group-by", "seed", "--out",
                 str(tmp_path / "by_seed.png")]) == 0
    assert main(["plot", str(out), "--series", "nothing_like_this"]) == 2
    assert "pulse.output_mw" in capsys.readouterr().err
    assert main(["plot", str(out), "--series", "pulse.output_mw", "--from", "2031-01-01"]) == 2


def test_a_run_with_nothing_to_plot_is_an_error_not_an_empty_png(scenario, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["run", str(scenario), "--out", str(run), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["plot", str(run)]) == 2
    err = capsys.readouterr().err
    assert "pulse.output_mw" in err and "--series" in err and not (run / "plots").exists()
    assert main(["plot", str(run), "--lifecycle"]) == 2


def _cohort_results(tmp_path):
    """A results folder holding the three lifecycle tables, made by hand."""
    rng = np.random.default_rng(1)
    folder = tmp_path / "cohort_run"
    folder.mkdir()
    years = np.arange(2012, 2031)
    pd.DataFrame({"time": pd.date_range("2012-01-01", periods=3, freq="D"), "cohort.on_road": [1.0, 2.0, 3.0]}) \
        .to_parquet(folder / "timeseries.parquet")
    pd.DataFrame({"year": years, "on_road": np.arange(19) * 10, "sold": 12, "retired": 3, "exported": 2,
                  "replaced_packs": 1}).to_parquet(folder / "cohort_yearly.parquet")
    ages = np.arange(10)
    pd.DataFrame({"year": 2030, "pack_age_y": ages, "packs": 20, "mean_soh": 1 - 0.02 * ages,
                  "p10_soh": 0.97 - 0.02 * ages, "p50_soh": 1 - 0.02 * ages, "p90_soh": 1.0 - 0.015 * ages}) \
        .to_parquet(folder / "cohort_soh_by_age.parquet")
    true = rng.uniform(0.7, 0.95, 300)
    pd.DataFrame({"grade_true_soh": true, "grade_soh_est": true + rng.normal(0, 0.01, 300)}).to_parquet(
        folder / "batteries_passports.parquet")
    write_manifest(folder, {"note": "lifecycle tables made by hand"})
    return folder


def test_a_cohort_run_plots_its_lifecycle_by_default(tmp_path, capsys):
    folder = _cohort_results(tmp_path)
    assert main(["plot", str(folder)]) == 0
    assert (folder / "plots" / "lifecycle.png").read_bytes()[:8] == PNG
    assert main(["plot", str(folder), "--lifecycle", "--year", "1999"]) == 2


def test_lifecycle_tables_are_found_by_suffix(tmp_path):
    from viz.lifecycle import lifecycle_tables

    tables = lifecycle_tables(_cohort_results(tmp_path))
    assert len(tables.yearly) == 19 and len(tables.soh_by_age) == 10 and len(tables.received) == 300


@pytest.mark.slow
def test_lifecycle_plot_of_the_small_fleet_ageing_run(tmp_path, capsys):
    import scenarios

    run = tmp_path / "fa"
    assert main(["run", str(scenarios.path("fleet_ageing.yaml")), "--variant", "small", "--out", str(run), "--quiet"]) == 0
    assert main(["plot", str(run)]) == 0
    assert (run / "plots" / "lifecycle.png").stat().st_size > 30_000
