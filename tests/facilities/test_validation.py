"""Bad 4R input: exit 2 with one line naming the key, the value and what is allowed."""

from pathlib import Path

import pytest
import yaml

from simcore.cli import main
from tests.facilities.test_chain import chain

CASES = {
    "thresholds out of order": ({"plant": {"routing": {"policy": "threshold", "reuse_min_soh": 0.6,
                                                       "refabricate_min_soh": 0.7}}},
                                "components.plant.routing.reuse_min_soh"),
    "unknown routing policy": ({"plant": {"routing": {"policy": "coin_flip"}}}, "components.plant.routing.policy"),
    "unknown policy parameter": ({"plant": {"routing": {"policy": "threshold", "k_sigma": 2}}},
                                 "components.plant.routing.k_sigma"),
    "zero analysers": ({"plant": {"analysers": 0}}, "components.plant.analysers"),
    "zero racks": ({"plant": {"rack_capacity_packs": 0}}, "components.plant.rack_capacity_packs"),
    "zero lot size": ({"collection": {"lot_size_packs": 0}}, "components.collection.lot_size_packs"),
    "unknown route": ({"plant": {"usable_routes": ["reuse", "teleport"]}}, "components.plant.usable_routes"),
    "unknown application": ({"plant": {"applications": ["ess", "moon_base"]}}, "components.plant.applications[1]"),
    "unknown chemistry": ({"recycling": {"direct_chemistries": ["NMC622", "NMC999"]}},
                          "components.recycling.direct_chemistries"),
    "unknown CO2 basis": ({"plant": {"co2_basis": "guess"}}, "components.plant.co2_basis"),
    "wiring to a missing component": ({"plant": {"recycler": "nowhere"}}, "components.plant.recycler"),
    "wiring to the wrong type": ({"plant": {"recycler": "collection"}}, "components.plant.recycler"),
    "second life wired to a plant": ({"plant": {"second_life": "plant"}}, "components.plant.second_life"),
    "missing data folder": ({"recycling": {"data_dir": "/nonexistent/fourr"}}, "components.recycling.data_dir"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_4r_input_exits_2_with_one_line(case, tmp_path: Path, capsys):
    parts, key = CASES[case]
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(chain(days=10, **parts)))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and key in err, err
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()


def test_a_damaged_data_table_is_named(tmp_path: Path, capsys):
    import shutil

    from facilities.data import DATA_DIR

    data = tmp_path / "fourr"
    shutil.copytree(DATA_DIR, data)
    (data / "recycling_routes.csv").write_text("route,electricity_mj_per_kg\npyro,abc\n")
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(chain(days=10, recycling={"data_dir": str(data)})))
    assert main(["validate", str(path)]) == 2
    assert "recycling_routes.csv" in capsys.readouterr().err
