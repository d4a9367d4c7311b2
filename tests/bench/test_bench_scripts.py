"""The benchmark scripts run on tiny sizes and write the figures their docs promise."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: benchmark smoke tests run the scripts end to end: the slow tier (.ci/run runs it after the fast one)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, *args: str, out: Path) -> dict:
    subprocess.run([sys.executable, str(ROOT / "bench" / script), *args, "--out", str(out)], check=True,
                   capture_output=True, cwd=ROOT)
    return json.loads(out.read_text())


def test_fleet_bench_with_batteries_reports_speed_and_memory(tmp_path):
    figures = _run("fleet.py", "--evs", "300", "--days", "1", "--batteries", out=tmp_path / "f.json")
    assert figures["batteries"] is True and figures["ticks"] == 96
    assert figures["ev_steps_per_s"] > 0 and figures["wall_s"] > 0 and figures["peak_rss_mib"] > 0


def test_ageing_bench_reports_wall_time_and_memory(tmp_path):
    figures = _run("ageing.py", "--batteries", "200", "--years", "1", out=tmp_path / "a.json")
    assert figures["wall_s"] > 0 and figures["peak_rss_mib"] > 0
    assert 0 < figures["stressors_s"] < figures["wall_s"]


def test_v2g_wear_bench_reports_the_extra_loss_per_season_and_age(tmp_path):
    figures = _run("v2g_wear.py", "--size", "60", "--days", "2", "--ages", "3", out=tmp_path / "v.json")
    runs = {r["season"]: r for r in figures["runs"]}
    assert set(runs) == {"january", "july"}
    assert all(r["battery.v2g_extra_loss_pct_per_ev_year"] > 0 for r in runs.values())
    # the NMC622 cycle term grows in the cold: winter V2G costs more than summer V2G
    assert runs["january"]["battery.v2g_extra_loss_pct_per_ev_year"] > runs["july"]["battery.v2g_extra_loss_pct_per_ev_year"]


def test_day_ahead_settings_bench_resolves_the_loops_own_problems(tmp_path):
    figures = _run("day_ahead_settings.py", "--weeks", "2030-01-15", "--days", "2", "--sample", "300",
                   "--gaps", "0.05", "--storage-lfc", "0,50",
                   "--highs-options", "default;mip_heuristic_run_root_reduced_cost=true", out=tmp_path / "d.json")
    assert figures["problems"] == 2 and len(figures["totals"]) == 4   # both days, on one reused model
    assert sum("highs:mip_heuristic_run_root_reduced_cost=true" in k for k in figures["totals"]) == 2
    day = figures["per_day"][0]
    assert day["problem"].endswith("day_ahead")
    for key, res in day.items():
        if key != "problem":
            assert res["solve_s"] > 0 and res["co2_t"] > 0 and res["mip_gap"] <= float(key.split(",")[0][4:]) + 1e-9


def test_dashboard_bench_reports_redraw_cost_and_bytes(tmp_path):
    figures = _run("dashboard.py", "--evs", "300", "--ticks", "4", "--repeat", "2", out=tmp_path / "d.json")
    assert figures["panels"] == 2 and figures["png_bytes"] > 0
    assert figures["redraw_s"] > 0 and figures["step_s_per_tick"] > 0


def test_fourr_bench_reports_time_memory_and_a_consistent_chain(tmp_path):
    figures = _run("fourr.py", "--packs", "3000", "--years", "3", "--repeats", "2", out=tmp_path / "r.json")
    assert len(figures["wall_s_runs"]) == len(figures["cpu_s_runs"]) == 2
    assert figures["wall_s"] > 0 and figures["cpu_s"] > 0 and figures["peak_rss_mib"] > 0
    assert figures["chain_same_every_run"]  # same scenario and seed, same chain
    chain = figures["chain"]
    assert 0 < chain["fourr.received"] <= chain["source.packs_made"]
    assert chain["fourr.repurposed"] > 0 and chain["recycling.packs_dismantled"] > 0
    # every pack and module is somewhere, and the materials balance
    assert chain["battery.unaccounted"] == 0 and chain["module.unaccounted"] == 0
    assert chain["materials.mass_balance_rel_error"] < 1e-9
