"""``evcycle battery ...`` subcommands: ``age`` runs one cell through a usage profile (reference path)."""

from __future__ import annotations

import argparse

from simcore.errors import InputError


def add_subcommand(subparsers) -> None:
    """Add ``battery`` with its ``age`` action to the main CLI's subparsers."""
    p = subparsers.add_parser("battery", help="battery ageing tools")
    sub = p.add_subparsers(dest="battery_command", required=True)
    age = sub.add_parser("age", help="age one cell through a time,soc,temperature profile")
    age.add_argument("profile", help="CSV with columns time_s,soc,temperature_c")
    age.add_argument("--model", default="nmc622", help="ageing model (default nmc622; an unknown name is answered with the list)")
    age.add_argument("--out", default=None, help="write daily capacity (day,q) to this new CSV file")
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
    # the destination is checked before the (possibly long) ageing run, and written whole or not at all
    with (new_file(args.out) if args.out else contextlib.nullcontext()) as tmp:
        prof = load_profile(args.profile)
        res = simulate_profile(prof.time_s, prof.soc, prof.temperature_c, args.model)
        if tmp is not None:
            np.savetxt(tmp, np.column_stack([res.day, res.q]), delimiter=",", header="day,q", comments="",
                       fmt=["%d", "%.8f"])
    print(f"q_end: {res.q[-1]:.6f}")
    if args.out:
        print(f"written: {args.out}")
    return 0
