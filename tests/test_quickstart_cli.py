"""The README's first command on the embedded default scenario, and the stepper on it."""

import json
import subprocess
import sys

from simcore.cli import main


def test_run_without_a_scenario_runs_the_quickstart(tmp_path, capsys):
    assert main(["run", "--out", str(tmp_path / "r")]) == 0
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["ev.count"] == 22750 and summary["ev.energy_mwh"] > 0
    assert 0 < summary["ev.mean_soc_at_plugin"] < 1


def test_set_fleet_size_changes_the_represented_fleet(tmp_path):
    assert main(["run", "--set", "fleet.size=30000", "--quiet", "--out", str(tmp_path / "r")]) == 0
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["ev.count"] == 30000


def test_validate_reports_the_components(capsys):
    import scenarios

    assert main(["validate", str(scenarios.path("quickstart.yaml"))]) == 0
    assert "fleet (ev_fleet)" in capsys.readouterr().out


def test_step_command_reads_a_script_from_stdin():
    script = "break ev.plugin soc < 0.5 and location == home\ncontinue\nshow ev:3\ntick 2\nsummary\nquit\n"
    done = subprocess.run([sys.executable, "-m", "simcore.cli", "step"], input=script, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "stopped at breakpoint 1" in done.stdout
    assert '"soc"' in done.stdout and "ev.count: 22750" in done.stdout
