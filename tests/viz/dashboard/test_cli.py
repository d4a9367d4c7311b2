"""``evcycle dashboard`` before any server starts: missing extra, bad scenario, bad port."""

from __future__ import annotations

import importlib.util

from simcore.cli import main
from viz.dashboard import cli


def test_without_the_extra_it_says_how_to_install_it(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "solara" else real(name, *a))
    assert main(["dashboard"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [cli.INSTALL_HINT]


def test_a_bad_scenario_is_rejected_before_the_server_starts(monkeypatch, capsys):
    monkeypatch.setattr(cli, "missing_dependency", lambda: None)
    assert main(["dashboard", "--set", "fleet.sample=-3"]) == 2
    assert "fleet.sample" in capsys.readouterr().err


def test_a_bad_port_is_rejected(monkeypatch, capsys):
    monkeypatch.setattr(cli, "missing_dependency", lambda: None)
    assert main(["dashboard", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_a_busy_port_is_one_line_before_the_server_starts(monkeypatch, capsys):
    import socket

    monkeypatch.setattr(cli, "missing_dependency", lambda: None)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and f"--port: got {port}; allowed: a free port" in err
