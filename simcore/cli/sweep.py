"""``sweep``: many runs of one scenario (a grid or a sampled design, x seeds), each in its own folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from simcore.cli.common import add_out_args, positive_int

#: KPIs shown in the printed table when --show is not given (those that differ between runs)
SHOWN_KPIS = 4


def workers_arg(text: str) -> int | str:
    """argparse type: ``auto`` or a whole number >= 1."""
    return "auto" if text == "auto" else positive_int(text)


def cmd_sweep(args: argparse.Namespace) -> int:
    from simcore.experiments.designs import build_design
    from simcore.experiments.spec import parse_grid, parse_param, parse_set
    from simcore.experiments.sweep import describe_result, plan_sweep, run_sweep

    if args.scheduler and args.executor != "dask":
        from simcore.errors import InputError

        raise InputError("--scheduler", "scheduler", args.scheduler, "--scheduler together with --executor dask")
    if args.seeds and len(set(args.seeds)) < len(args.seeds):
        from simcore.errors import InputError

        repeated = next(s for s in args.seeds if args.seeds.count(s) > 1)
        raise InputError("--seeds", "seeds", repeated, "distinct seeds (the same scenario and seed give the same "
                                                       "run: a repeated seed would only run it twice)")
    design = build_design(args.design, parse_grid(args.grid), [parse_param(p) for p in args.param], args.n,
                          seed=args.design_seed)
    plan = plan_sweep(args.scenario, design, parse_set(args.overrides), args.seeds or [None])
    out = args.out if args.out is not None else Path("runs/sweep")
    workers = None if args.workers == "auto" else args.workers
    result = run_sweep(plan, out, executor=args.executor, workers=workers, scheduler=args.scheduler,
                       resume=args.resume, overwrite=args.overwrite, quiet=args.quiet)
    if result.kept_earlier:
        describe_result(result)
        return 130
    if not args.quiet:
        print(shown_table(result.table, args.show))
    describe_result(result)
    print(f"table: {out / 'kpis.csv'} ({len(result.table)} runs)")
    if result.interrupted:
        return 130
    return 1 if result.failed else 0


def shown_table(table, show: str | None) -> str:
    """The runs table for the terminal: one row per run, its settings, status, time and a few KPIs."""
    import pandas as pd

    from simcore.experiments.table import ID_COLUMNS, RUN_COLUMNS

    fixed_cols = [c for c in table.columns if c in ID_COLUMNS or c in RUN_COLUMNS]
    first_kpi = list(table.columns).index("wall_s") + 1
    kpis = [c for c in table.columns[first_kpi:] if c != "error"]
    varied = [c for c in table.columns[2:first_kpi] if c not in RUN_COLUMNS]
    if show:
        wanted = [k.strip() for k in show.split(",") if k.strip()]
        missing = [k for k in wanted if k not in kpis]
        if missing:
            from simcore.errors import InputError

            raise InputError("--show", "show", missing[0], f"KPIs of this sweep: {', '.join(kpis[:12])}...")
        chosen = wanted
    else:
        chosen = [k for k in kpis if table[k].nunique(dropna=True) > 1][:SHOWN_KPIS]
    cols = ["run", *varied, *[c for c in fixed_cols if c not in ("run", "point")], *chosen]
    if (table["error"] != "").any():
        cols.append("error")
    with pd.option_context("display.max_rows", 40, "display.width", 200, "display.max_colwidth", 60):
        return table[cols].to_string(index=False, float_format=lambda v: f"{v:.6g}")


def add_subcommand(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run a grid or a sampled design (lhs, sobol, morris) of a scenario, x seeds, "
                                     "in parallel; --resume finishes an interrupted sweep")
    p.add_argument("scenario", type=Path, help="scenario YAML")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="PATH=VALUE",
                   help="a fixed override for every run, e.g. --set fleet.sample=20000 (repeatable)")
    p.add_argument("--grid", action="append", default=[], metavar="PATH=V1,V2",
                   help="values to cross, e.g. --grid variant=base,night_tariff (base: the scenario as written; "
                        "repeatable)")
    p.add_argument("--design", choices=("grid", "lhs", "sobol", "morris"), default="grid",
                   help="how --param ranges are sampled (default grid: --n points per range)")
    p.add_argument("--param", action="append", default=[], metavar="PATH=LO:HI",
                   help="a factor of the design: PATH=LO:HI, PATH=LO:HI:int or PATH=A,B,... levels (repeatable)")
    p.add_argument("--n", type=positive_int,
                   help="design size: sobol base samples (a power of 2; runs = N x (params + 2)), morris "
                        "trajectories (runs = N x (params + 1)), lhs points, grid points per range")
    p.add_argument("--design-seed", type=int, default=0, help="seed of the design's sampler (default 0)")
    p.add_argument("--seeds", type=int, nargs="+", help="scenario seeds to run every design point with")
    p.add_argument("--workers", type=workers_arg, default="auto",
                   help="parallel processes, or auto (default: one per core; the first run, done in this process, "
                        "decides whether starting them pays; 1 = serial)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask cluster (pip install 'evcycle[dask]')")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a local cluster of --workers)")
    p.add_argument("--resume", action="store_true",
                   help="skip runs already done in --out (same scenario, variant, overrides, seed); rerun failed ones")
    p.add_argument("--show", metavar="KPI,KPI", help="KPIs to print (default: up to 4 that differ between runs)")
    p.add_argument("--quiet", action="store_true", help="no progress line and no table; only what was written")
    add_out_args(p, "sweep folder", default="runs/sweep")
    p.set_defaults(handler=cmd_sweep)

