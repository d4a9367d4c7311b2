"""Arguments shared by several commands: the scenario (file, variant, seed, overrides) and ``--out``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simcore.scenario.loader import ResolvedScenario


def default_scenario() -> Path:
    """The embedded quickstart scenario."""
    import scenarios

    return scenarios.path("quickstart.yaml")


def add_scenario_args(parser: argparse.ArgumentParser, optional: bool) -> None:
    """SCENARIO (optional: the quickstart), --variant, --seed, --set."""
    if optional:
        parser.add_argument("scenario", nargs="?", type=Path, help="scenario YAML (default: the quickstart)")
    else:
        parser.add_argument("scenario", type=Path, help="scenario YAML")
    parser.add_argument("--variant", help="apply the named variant of the scenario")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                        help="override a value, e.g. --set fleet.size=1000 (repeatable)")


def add_out_args(parser: argparse.ArgumentParser, what: str, default: str | None = None) -> None:
    """--out (a new folder, or an earlier results folder with --overwrite) and --overwrite."""
    default_text = f" (default {default})" if default else ""
    parser.add_argument("--out", type=out_path, default=None,
                        help=f"{what}{default_text}: a new folder, or an earlier results folder with --overwrite; "
                             "any other existing path is refused")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the earlier results folder at --out (only a folder this program wrote)")


def out_path(text: str) -> Path:
    """argparse type: a path to write to. Empty text is refused here: ``Path('')`` would mean '.'."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"got {text!r}; allowed: a path (empty given)")
    if any(ord(c) < 32 for c in text):
        raise argparse.ArgumentTypeError(f"got {text!r}; allowed: a path without control characters (newline, tab)")
    return Path(text)


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {text!r}; allowed: a whole number >= 1") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"got {value}; allowed: a whole number >= 1")
    return value


def scenario_overrides(args: argparse.Namespace) -> dict[str, object]:
    """The ``--set`` options as a path -> value mapping."""
    from simcore.scenario import parse_set_option

    return dict(parse_set_option(text) for text in args.overrides)


def resolve_args(args: argparse.Namespace, variant: str | None = None) -> ResolvedScenario:
    """The scenario the arguments name, resolved and checked (every check ``run`` makes)."""
    from simcore.errors import InputError
    from simcore.scenario import load_scenario

    path = args.scenario if args.scenario is not None else default_scenario()
    if args.seed is not None and args.seed < 0:
        raise InputError("--seed", "seed", args.seed, "a whole number >= 0")
    return load_scenario(path, variant=variant if variant is not None else args.variant,
                         overrides=scenario_overrides(args), seed=args.seed)
