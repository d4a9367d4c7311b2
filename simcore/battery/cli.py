"""``evcycle battery ...`` subcommands: ``age`` runs one cell through a usage profile (reference path, BLAST-Lite windows)."""

from __future__ import annotations

import argparse

from simcore.cli.common import out_path
from simcore.errors import InputError


def add_subcommand(subparsers) -> None:
    """Add ``battery`` with its ``age`` action to the main CLI's subparsers."""
    p = subparsers.add_parser("battery", help="battery ageing tools")
    sub = p.add_subparsers(dest="battery_command", required=True)
    age = sub.add_parser("age", help="age one cell through a time,soc,temperature profile")
    age.add_argument("profile", help="CSV with columns time_s,soc,temperature_c")
    age.add_argument("--model", default="nmc622", help="ageing model (default nmc622; an unknown name is answered with the list)")
    age.add_argument("--out", type=out_path, default=None, help="write daily capacity (day,q) to this new CSV file")
    # BLAST-Lite's modes (simulate_battery_life): energy conservation and the window limits
    age.add_argument("--conserve-energy", action=argparse.BooleanOptionalAction, default=True,
                     help="deepen SOC swings as the cell fades (BLAST-Lite default: on)")
    age.add_argument("--window-max-days", type=float, default=1.0, help="longest degradation window, days (default 1)")
    age.add_argument("--window-max-efc", type=float, default=1.0,
                     help="a window also closes at a cycle end after this many equivalent full cycles (default 1)")
    age.set_defaults(handler=run_age)


def run_age(args: argparse.Namespace) -> int:
    """Handler of ``battery age``: prints ``q_end: <relative capacity>``."""
    import contextlib

    import numpy as np

    from simcore.results import new_file

    from .ageing import MODEL_NAMES
    from .profile import load_profile, simulate_profile

    if args.model not in MODEL_NAMES:
        raise InputError(None, "--model", args.model, ", ".join(sorted(MODEL_NAMES)))
    for flag, value in (("--window-max-days", args.window_max_days), ("--window-max-efc", args.window_max_efc)):
        if not (np.isfinite(value) and value > 0):
            raise InputError(None, flag, value, "a finite number > 0")
    # the destination is checked before the (possibly long) ageing run, and written whole or not at all
    with (new_file(args.out) if args.out is not None else contextlib.nullcontext()) as tmp:
        prof = load_profile(args.profile)
        res = simulate_profile(prof.time_s, prof.soc, prof.temperature_c, args.model, conserve_energy=args.conserve_energy,
                               window_max_days=args.window_max_days, window_max_efc=args.window_max_efc)
        if tmp is not None:
            day, q = res.daily()
            np.savetxt(tmp, np.column_stack([day, q]), delimiter=",", header="day,q", comments="", fmt=["%d", "%.8f"])
    print(f"q_end: {res.q[-1]:.6f}")
    if args.out is not None:
        print(f"written: {args.out}")
    return 0
