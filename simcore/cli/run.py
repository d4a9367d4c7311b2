"""``run``, ``validate`` and ``components``: one scenario at a time (``step`` is in ``simcore.cli.step``)."""

from __future__ import annotations

import argparse
import sys

from simcore.cli.common import add_out_args, add_scenario_args, resolve_args


def cmd_run(args: argparse.Namespace) -> int:
    from simcore.runner import run_scenario

    scenario = resolve_args(args)
    out, world = run_scenario(scenario, out=args.out, overwrite=args.overwrite,
                              progress=sys.stderr.isatty() and not args.quiet)
    if not args.quiet:
        for key, value in world.summary().items():
            print(f"{key}: {value}")
    print(f"results: {out}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Every check ``run`` makes, for the base scenario (or the named variant) and every variant."""
    scenario = resolve_args(args)
    checked = [args.variant] if args.variant else [None, *scenario.variants]
    for variant in checked[1:] if args.variant is None else []:
        resolve_args(args, variant=variant)
    names = ", ".join(f"{c.name} ({c.type_name})" for c in scenario.components)
    variants = ", ".join(scenario.variants) or "none"
    which = f"variant {args.variant}" if args.variant else f"base and {len(scenario.variants)} variant(s)"
    print(f"ok: {scenario.file} ({which} checked): {scenario.clock.days} days from {scenario.clock.start.date()} "
          f"in {scenario.clock.tick_minutes}-minute ticks; components: {names}; variants: {variants}")
    return 0


def cmd_components(args: argparse.Namespace) -> int:
    """Registered types and their parameters, read from the schemas (no simulation code imported)."""
    from simcore.registry import entry, type_names

    for type_name in type_names():
        found = entry(type_name)
        schema = found.load_params()
        where = found.component_path or f"{found.cls.__module__}:{found.cls.__qualname__}"
        doc = (schema.__doc__ or "").strip().splitlines()
        provides = f" [provides {', '.join(found.provides)}]" if found.provides else ""
        print(f"{type_name}  ({where}){provides}" + (f": {doc[0]}" if doc else ""))
        if args.brief:
            continue
        for field_name, field in schema.model_fields.items():
            default = "required" if field.is_required() else f"default {field.get_default(call_default_factory=True)!r}"
            described = f" - {field.description}" if field.description else ""
            print(f"    {field_name}: {_type_name(field.annotation)}, {default}{described}")
    return 0


def _type_name(annotation: object) -> str:
    name = getattr(annotation, "__name__", None)
    return name if name and "[" not in str(annotation) else str(annotation).replace("typing.", "")


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    """``run``, ``validate``, ``components``."""
    p = sub.add_parser("run", help="run a scenario and write its results folder")
    add_scenario_args(p, optional=True)
    add_out_args(p, "results folder", default="runs/<name>[-<variant>]-seed<seed>")
    p.add_argument("--quiet", action="store_true", help="print only the results folder")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("validate", help="make every check a run makes (files, columns, wiring, every variant), "
                                        "without running")
    add_scenario_args(p, optional=False)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("components", help="list component types and their parameters")
    p.add_argument("--brief", action="store_true", help="type names only")
    p.set_defaults(handler=cmd_components)
