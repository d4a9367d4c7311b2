"""Dispatch-day plots of grid runs."""

import numpy as np
import pandas as pd
import pytest

from simcore.cli import main
from simcore.errors import InputError
from viz.dispatch_day import day_frame, plot_dispatch_days


def _grid_results(tmp_path, name="uncontrolled", v2g=False):
    times = pd.date_range("2030-08-01", periods=96, freq="15min")
    hours = np.arange(96) * 0.25
    ev = 300.0 * (hours > 18)
    frame = pd.DataFrame({"time": times, "grid.demand_mw": 12000.0 + 4000 * np.sin(hours / 24 * np.pi),
                          "grid.renewable_mw": 6000.0, "ev.demand_mw": ev,
                          "grid.storage_charge_mw": 0.0, "grid.storage_discharge_mw": 500.0 * (hours > 18),
                          "ev.discharge_mw": 200.0 * (hours > 19) if v2g else 0.0})
    frame["grid.thermal_mw"] = (frame["grid.demand_mw"] + ev - 6000.0 - frame["grid.storage_discharge_mw"]
                                - frame["ev.discharge_mw"])
    folder = tmp_path / name
    folder.mkdir()
    frame.to_parquet(folder / "timeseries.parquet")
    return folder


def test_day_frame_is_in_gw_by_hour(tmp_path):
    gw = day_frame(_grid_results(tmp_path), "2030-08-01")
    assert gw.index[0] == 0.0 and gw.index[-1] == pytest.approx(23.75)
    assert gw["grid.renewable_mw"].iloc[0] == pytest.approx(6.0)


def test_a_run_without_grid_series_is_refused(tmp_path):
    folder = tmp_path / "fleet_only"
    folder.mkdir()
    pd.DataFrame({"time": pd.date_range("2030-08-01", periods=4, freq="6h"), "ev.demand_mw": 1.0}).to_parquet(
        folder / "timeseries.parquet")
    with pytest.raises(InputError, match="grid"):
        day_frame(folder, None)


def test_dispatch_plot_has_a_panel_per_run(tmp_path):
    runs = {"uncontrolled": _grid_results(tmp_path), "v2g": _grid_results(tmp_path, "v2g", v2g=True)}
    out = plot_dispatch_days(runs, tmp_path / "d.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20_000


def test_plot_command_with_dispatch_and_several_folders(tmp_path, capsys):
    a, b = _grid_results(tmp_path), _grid_results(tmp_path, "v2g", v2g=True)
    assert main(["plot", str(a), str(b), "--dispatch", "--out", str(tmp_path / "x.png")]) == 0
    assert (tmp_path / "x.png").is_file()
    assert main(["plot", str(a), str(b)]) == 0          # several folders: EV demand compared
    assert "compare-last.png" in capsys.readouterr().out
