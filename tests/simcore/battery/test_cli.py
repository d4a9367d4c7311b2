"""``evcycle battery age`` through the subcommand's own parser (and the main CLI when present)."""

import argparse

import numpy as np
import pytest

from simcore.battery.cli import add_subcommand
from simcore.errors import InputError


def run_cli(argv):
    parser = argparse.ArgumentParser(prog="evcycle")
    add_subcommand(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def make_profile(path, days=20):
    t = np.arange(0, days * 86400 + 1, 1800.0)
    hour = (t / 3600) % 24
    soc = np.clip(0.8 - 0.3 * ((hour >= 8) & (hour < 20)) * (hour - 8) / 12, 0, 1)
    np.savetxt(path, np.column_stack([t, soc, np.full(t.size, 30.0)]), delimiter=",", header="time_s,soc,temperature_c", comments="")


def test_age_prints_q_end_and_writes_daily_capacity(tmp_path, capsys):
    prof, out = tmp_path / "p.csv", tmp_path / "out" / "q.csv"
    make_profile(prof)
    assert run_cli(["battery", "age", str(prof), "--model", "nmc622", "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("q_end: ")
    q_end = float(line.split()[1])
    data = np.loadtxt(out, delimiter=",", skiprows=1)
    assert out.read_text().startswith("day,q\n")
    assert data.shape == (20, 2) and np.isclose(data[-1, 1], q_end, atol=1e-6)
    assert np.all(np.diff(data[:, 1]) <= 0) and q_end < 1.0


def test_lfp_model_is_selectable(tmp_path, capsys):
    prof = tmp_path / "p.csv"
    make_profile(prof, days=3)
    assert run_cli(["battery", "age", str(prof), "--model", "lfp"]) == 0
    assert 0.9 < float(capsys.readouterr().out.split()[1]) < 1.0


def test_unknown_model_and_bad_file_raise_input_error(tmp_path):
    prof = tmp_path / "p.csv"
    make_profile(prof, days=1)
    with pytest.raises(InputError, match="^command line: --model: got 'lmo'"):
        run_cli(["battery", "age", str(prof), "--model", "lmo"])
    prof.write_text("time_s,soc,temperature_c\n0,0.5,20\n60,x,20\n")
    with pytest.raises(InputError, match="row 3, column soc"):
        run_cli(["battery", "age", str(prof)])


def test_main_cli_exit_code_2_on_bad_input(tmp_path, capsys):
    cli = pytest.importorskip("simcore.cli")
    prof = tmp_path / "p.csv"
    prof.write_text("time_s,soc,temperature_c\n0,0.5,20\n60,x,20\n")
    try:
        code = cli.main(["battery", "age", str(prof)])
    except SystemExit as exc:  # subcommand not wired yet
        pytest.skip(f"battery subcommand not wired into simcore.cli ({exc.code})")
    assert code == 2
