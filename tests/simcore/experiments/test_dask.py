"""A sweep on a Dask LocalCluster writes the same bytes as a serial sweep (the optional 'dask' extra)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simcore.experiments.designs import build_design
from simcore.experiments.spec import parse_grid
from simcore.experiments.sweep import plan_sweep, run_sweep
from tests.simcore.toy_components import toy_scenario

pytest.importorskip("distributed", reason="the 'dask' extra (pip install 'evcycle[dask]')")

TOYS = ("tests.simcore.toy_components",)  # workers import them first: types registered by import


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.glob("r*/*")) if p.name in ("summary.json", "timeseries.parquet", "events.parquet")}


def test_dask_local_cluster_sweep_is_bit_identical_to_serial(tmp_path):
    data = toy_scenario(variants={"high": {"pulse.level_mw": 5.0}})
    scen = tmp_path / "toy.yaml"
    scen.write_text(yaml.safe_dump(data), encoding="utf-8")
    plan = plan_sweep(scen, build_design("grid", parse_grid(["variant=base,high", "pulse.every_ticks=2,3"]), [], None),
                      {}, [1, 2])
    serial = run_sweep(plan, tmp_path / "serial", workers=1, quiet=True)
    dask = run_sweep(plan, tmp_path / "dask", executor="dask", workers=2, quiet=True, import_modules=TOYS)
    assert set(dask.table["status"]) == {"ok"} and len(dask.written) == 8
    assert serial.table.drop(columns="wall_s").equals(dask.table.drop(columns="wall_s"))
    assert _files(tmp_path / "serial") == _files(tmp_path / "dask") and len(_files(tmp_path / "dask")) == 24
