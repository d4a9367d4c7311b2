"""``evcycle battery ...`` subcommands: ``age`` runs one cell through a usage profile (reference path)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from simcore.errors import InputError

from .ageing import MODEL_NAMES
from .profile import load_profile, simulate_profile


def add_subcommand(subparsers) -> None:
    """Add ``battery`` with its ``age`` action to the main CLI's subparsers."""
    p = subparsers.add_parser("battery", help="battery ageing tools")
    sub = p.add_subparsers(dest="battery_command", required=True)
    age = sub.add_parser("age", help="age one cell through a time,soc,temperature profile")
    age.add_argument("profile", help="CSV with columns time_s,soc,temperature_c")
    age.add_argument("--model", default="nmc622", help=f"ageing model ({', '.join(sorted(MODEL_NAMES))})")
    age.add_argument("--out", default=None, help="write daily capacity (day,q) to this CSV")
    age.set_defaults(handler=run_age)


def run_age(args: argparse.Namespace) -> int:
    """Handler of ``battery age``: prints ``q_end: <relative capacity>``."""
    if args.model not in MODEL_NAMES:
        raise InputError(None, "--model", args.model, ", ".join(sorted(MODEL_NAMES)))
    prof = load_profile(args.profile)
    res = simulate_profile(prof.time_s, prof.soc, prof.temperature_c, args.model)
    print(f"q_end: {res.q[-1]:.6f}")
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        np.savetxt(tmp, np.column_stack([res.day, res.q]), delimiter=",", header="day,q", comments="", fmt=["%d", "%.8f"])
        tmp.replace(out)
    return 0
