"""``evcycle dashboard``: a local web page to step, run, pause and reset a scenario and watch it.

Needs the optional ``dashboard`` extra (Solara and its offline assets); without it the command says
how to install it and exits 2. The scenario is checked before the server starts, so a bad file or
``--set`` fails like ``evcycle run`` does.
"""

from __future__ import annotations

import argparse
import importlib.util

from simcore.cli.common import add_scenario_args

INSTALL_HINT = "error: evcycle dashboard needs the dashboard extra: pip install 'evcycle[dashboard]'"


def missing_dependency() -> str | None:
    """The first package of the dashboard extra that is not installed, or None."""
    for module in ("solara", "solara_assets", "uvicorn"):
        if importlib.util.find_spec(module) is None:
            return module
    return None


def cmd_dashboard(args: argparse.Namespace) -> int:
    import sys

    if missing_dependency() is not None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    from simcore.cli.common import default_scenario, resolve_args
    from simcore.errors import InputError

    if not 0 < args.port < 65536:
        raise InputError("--port", "port", args.port, "a TCP port 1..65535")
    resolve_args(args)   # every check a run makes, before the server starts
    _check_port_free(args.host, args.port)
    config = {"scenario": str((args.scenario or default_scenario()).resolve()), "variant": args.variant,
              "seed": args.seed, "overrides": list(args.overrides)}
    from viz.dashboard.server import serve

    print(f"evcycle dashboard: http://{args.host}:{args.port}/  (Ctrl-C stops the server)", flush=True)
    serve(config, host=args.host, port=args.port)
    return 0


def _check_port_free(host: str, port: int) -> None:
    """Bind and release ``host:port`` now, so a busy port is one clear line, not a server traceback."""
    import socket

    from simcore.errors import InputError

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise InputError("--port", "--port", port, f"a free port on {host} ({exc.strerror or exc})") from None


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dashboard", help="a browser dashboard: step, run, pause and reset a scenario, live plots, "
                                         "KPIs, an inspector and recent events (needs the dashboard extra)")
    add_scenario_args(p, optional=True)
    p.add_argument("--port", type=int, default=8765, help="local port to serve on (default 8765)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.set_defaults(handler=cmd_dashboard)
