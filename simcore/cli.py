"""The ``evcycle`` command line.

Exit codes: 0 success, 2 invalid input (one line naming file, key path, value and what is allowed),
3 a strict dispatch that could not meet demand, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from simcore.errors import InputError, SupplyShortfallError

#: modules that add their own subcommands (``add_subcommand(subparsers)``), when present
SUBCOMMAND_MODULES = ("agents.grid.dispatch.cli", "agents.grid.system", "simcore.battery.cli")


def default_scenario() -> Path:
    import scenarios

    return scenarios.path("quickstart.yaml")


def _scenario_args(parser: argparse.ArgumentParser, optional: bool) -> None:
    if optional:
        parser.add_argument("scenario", nargs="?", type=Path, help="scenario YAML (default: the quickstart)")
    else:
        parser.add_argument("scenario", type=Path, help="scenario YAML")
    parser.add_argument("--variant", help="apply the named variant of the scenario")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                        help="override a value, e.g. --set fleet.size=1000 (repeatable)")


def _resolve(args: argparse.Namespace):
    from simcore.scenario import load_scenario, parse_set_option

    path = args.scenario if args.scenario is not None else default_scenario()
    overrides = dict(parse_set_option(text) for text in args.overrides)
    if args.seed is not None and args.seed < 0:
        raise InputError("--seed", "seed", args.seed, "a whole number >= 0")
    return load_scenario(path, variant=args.variant, overrides=overrides, seed=args.seed)


def cmd_run(args: argparse.Namespace) -> int:
    from simcore.runner import run_scenario

    scenario = _resolve(args)
    out, world = run_scenario(scenario, out=args.out, progress=sys.stderr.isatty() and not args.quiet)
    summary = world.summary()
    if not args.quiet:
        for key, value in summary.items():
            print(f"{key}: {value}")
    print(f"results: {out}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    scenario = _resolve(args)
    names = ", ".join(f"{c.name} ({c.type_name})" for c in scenario.components)
    print(f"ok: {scenario.file}: {scenario.clock.days} days from {scenario.clock.start.date()} in "
          f"{scenario.clock.tick_minutes}-minute ticks; components: {names}; "
          f"variants: {', '.join(scenario.variants) or 'none'}")
    return 0


def cmd_step(args: argparse.Namespace) -> int:
    from simcore.stepper import Stepper
    from simcore.world import World

    world = World(_resolve(args))
    interactive = sys.stdin.isatty()

    def prompt() -> None:
        print("(evcycle) ", end="", flush=True)

    stepper = Stepper(world)
    if interactive:
        print("commands: tick [N], event [N], until TIME, break KIND [CONDITION], continue, show ID, "
              "summary, help, quit")
        prompt()
    stepper.repl(sys.stdin, prompt if interactive else None)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from simcore.experiment import grid_runs, parse_grid, run_sweep

    grid = parse_grid(args.grid)
    seeds = args.seeds or [None]
    runs = grid_runs(grid, seeds)
    table = run_sweep(args.scenario, runs, args.out, workers=args.workers)
    with_pandas_width = table.drop(columns=["folder"])
    print(with_pandas_width.T.to_string())
    print(f"results: {args.out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import json

    import pandas as pd

    columns = {}
    for folder in args.folders:
        path = Path(folder) / "summary.json"
        if not path.is_file():
            raise InputError(path, "(file)", str(folder), "a results folder holding summary.json")
        columns[str(folder)] = pd.Series(json.loads(path.read_text(encoding="utf-8")), dtype=object)
    print(pd.DataFrame(columns).to_string())
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from viz.dispatch_day import plot_dispatch_days
    from viz.load_curves import plot_day, plot_ev_compare

    first = Path(args.results[0])
    labelled = {Path(f).name: Path(f) for f in args.results}
    if len(labelled) < len(args.results):
        labelled = {str(f): Path(f) for f in args.results}
    name = "dispatch" if args.dispatch else ("compare" if len(args.results) > 1 else "day")
    out = args.out or first / f"{name}-{args.day or 'last'}.png"
    if args.dispatch:
        path = plot_dispatch_days(labelled, out, day=args.day)
    elif len(args.results) > 1:
        path = plot_ev_compare(labelled, out, day=args.day)
    else:
        path = plot_day(first, out, day=args.day)
    print(f"plot: {path}")
    return 0


def cmd_components(args: argparse.Namespace) -> int:
    from simcore.registry import available_types

    for type_name, cls in available_types().items():
        doc = (cls.__doc__ or "").strip().splitlines()
        print(f"{type_name}  ({cls.__module__}.{cls.__qualname__})" + (f": {doc[0]}" if doc else ""))
        if args.brief:
            continue
        for field_name, field in cls.Params.model_fields.items():
            default = "required" if field.is_required() else f"default {field.get_default(call_default_factory=True)!r}"
            described = f" - {field.description}" if field.description else ""
            print(f"    {field_name}: {_type_name(field.annotation)}, {default}{described}")
    return 0


def _type_name(annotation: object) -> str:
    name = getattr(annotation, "__name__", None)
    return name if name and "[" not in str(annotation) else str(annotation).replace("typing.", "")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evcycle", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="run a scenario and write its results folder")
    _scenario_args(p, optional=True)
    p.add_argument("--out", type=Path, help="results folder (default runs/<name>[-<variant>]-seed<seed>)")
    p.add_argument("--quiet", action="store_true", help="print only the results folder")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("validate", help="check a scenario without running it")
    _scenario_args(p, optional=False)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("step", help="step through a scenario with commands read from stdin")
    _scenario_args(p, optional=True)
    p.set_defaults(handler=cmd_step)

    p = sub.add_parser("sweep", help="run a grid of variants / overrides / seeds, in parallel processes")
    p.add_argument("scenario", type=Path, help="scenario YAML")
    p.add_argument("--grid", action="append", default=[], metavar="PATH=V1,V2",
                   help="values to sweep, e.g. --grid variant=uncontrolled,night_tariff (repeatable)")
    p.add_argument("--seeds", type=int, nargs="+", help="seeds to run each combination with")
    p.add_argument("--workers", type=int, default=2, help="parallel processes (1 = serial)")
    p.add_argument("--out", type=Path, default=Path("runs/sweep"), help="sweep folder")
    p.set_defaults(handler=cmd_sweep)

    p = sub.add_parser("report", help="KPIs of results folders side by side")
    p.add_argument("folders", nargs="+", type=Path)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("plot", help="plot one day of results folders to PNG (load curves, EV demand, dispatch)")
    p.add_argument("results", type=Path, nargs="+",
                   help="results folder; several: their EV demand on one axis (or, --dispatch, a panel each)")
    p.add_argument("--dispatch", action="store_true",
                   help="grid runs: supply stacked against demand, EV charging and discharge, a panel per folder")
    p.add_argument("--day", help="YYYY-MM-DD (default: the last simulated day)")
    p.add_argument("--out", type=Path, help="PNG file (default: inside the results folder)")
    p.set_defaults(handler=cmd_plot)

    p = sub.add_parser("components", help="list component types and their parameters")
    p.add_argument("--brief", action="store_true", help="type names only")
    p.set_defaults(handler=cmd_components)

    for module_name in SUBCOMMAND_MODULES:
        if importlib.util.find_spec(module_name.rsplit(".", 1)[0]) is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.add_subcommand(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except SupplyShortfallError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted; no results were written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
