"""A component type installed from outside the project registers through the entry-point group and
runs in a scenario, with no edit of the kernel."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]

PLUGIN = textwrap.dedent('''
    """A third-party agent type: a street lamp that draws power at night."""
    from pydantic import Field
    from simcore import Component, ComponentParams


    class LampParams(ComponentParams):
        power_kw: float = Field(0.1, gt=0, description="draw when lit, kW")
        count: int = Field(100, ge=1, description="lamps")


    class StreetLamps(Component):
        Params = LampParams
        type_name = "street_lamps"

        def setup(self):
            self.series = self.world.recorder.add("lamps.demand_mw", "MW")
            self.energy_mwh = 0.0

        def on_tick(self, tick):
            hour = self.world.clock.hour_of_day[tick]
            mw = self.params.power_kw * self.params.count / 1000 if (hour >= 18 or hour < 6) else 0.0
            self.series[tick] = mw
            self.energy_mwh += mw * self.world.clock.tick_h

        def summary(self):
            return {"lamps.energy_mwh": self.energy_mwh}
''')


def _install_fake_distribution(site: Path) -> None:
    """What pip leaves behind: the module plus a dist-info with an entry_points.txt."""
    (site / "evc_lamps.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "evc_lamps-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evc-lamps\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[evcycle.components]\nstreet_lamps = evc_lamps:StreetLamps\n",
                                           encoding="utf-8")


def test_third_party_type_runs_in_a_scenario(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _install_fake_distribution(site)
    scenario = {
        "name": "lamps", "seed": 1, "clock": {"start": "2030-01-01", "days": 2},
        "components": {"lamps": {"type": "street_lamps", "count": 1000, "power_kw": 0.2}},
    }
    scen = tmp_path / "lamps.yaml"
    scen.write_text(yaml.safe_dump(scenario), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    out = tmp_path / "out"
    listed = subprocess.run([sys.executable, "-m", "simcore.cli", "components"], env=env, capture_output=True,
                            text=True, check=True)
    assert "street_lamps" in listed.stdout and "power_kw" in listed.stdout
    subprocess.run([sys.executable, "-m", "simcore.cli", "run", str(scen), "--out", str(out), "--quiet"],
                   env=env, capture_output=True, text=True, check=True)
    summary = json.loads((out / "summary.json").read_text())
    assert abs(summary["lamps.energy_mwh"] - 2 * 12 * 0.2) < 1e-9  # 2 nights x 12 h x 0.2 MW
