"""Load-curve plots from a results folder."""

import numpy as np
import pandas as pd
import pytest

from simcore.cli import main
from simcore.errors import InputError
from simcore.results import write_manifest
from viz.load_curves import plot_day, select_day


def _results(tmp_path):
    times = pd.date_range("2040-08-01", periods=2 * 96, freq="15min")
    hours = np.arange(len(times)) * 0.25 % 24
    frame = pd.DataFrame({"time": times, "load.residential_mw": 20000 + 5000 * np.sin(hours / 24 * 2 * np.pi),
                          "ev.demand_home_mw": 1000.0 * (hours > 18), "pv.output_mw": 3000.0 * (np.abs(hours - 12) < 5)})
    folder = tmp_path / "res"
    folder.mkdir()
    frame.to_parquet(folder / "timeseries.parquet")
    write_manifest(folder, {"note": "a results folder made by hand"})
    return folder


def test_plot_writes_a_png_of_the_last_day(tmp_path):
    out = plot_day(_results(tmp_path), tmp_path / "day.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_day_outside_the_run_is_an_input_error(tmp_path):
    frame = pd.read_parquet(_results(tmp_path) / "timeseries.parquet")
    assert len(select_day(frame, "2040-08-01")) == 96
    with pytest.raises(InputError, match="2040-08-01 to 2040-08-02"):
        select_day(frame, "2041-01-01")


def test_plot_command(tmp_path, capsys):
    results = _results(tmp_path)
    assert main(["plot", str(results), "--day", "2040-08-02"]) == 0
    assert (results / "plots" / "day-2040-08-02.png").is_file()
    assert main(["plot", str(results), "--day", "2040-08-02"]) == 0   # drawn again into our own results folder
    assert main(["plot", str(results), "--day", "someday"]) == 2
    assert main(["plot", str(results), "--out", str(results / "plots" / "day-2040-08-02.png")]) == 2  # named: new only
    assert main(["plot", str(tmp_path / "missing")]) == 2


def test_ev_compare_plot_overlays_runs(tmp_path):
    from viz.load_curves import plot_ev_compare

    folder = _results(tmp_path)
    frame = pd.read_parquet(folder / "timeseries.parquet")
    frame["ev.demand_mw"] = frame["ev.demand_home_mw"]
    frame.to_parquet(folder / "timeseries.parquet")
    out = plot_ev_compare({"a": folder, "b": folder}, tmp_path / "cmp.png")
    assert out.read_bytes()[:4] == b"\x89PNG"
