"""What misrouting costs as grading gets worse: the curve of docs/fourr.md, from one command.

    python -m facilities.studies.misrouting --out runs/misrouting [--seeds 1 2 3] [--workers N]

Two sweeps of ``scenarios/fourr_grading_study.yaml`` (or ``--scenario``): the measurement error at the
reference test time (sigma 0, 1, 2.5, 5, 10 % of module capacity), and the test time per module
(0.5-20 min, the error growing as sqrt(reference / test time)). Each point is run for every seed. The
folder ``--out`` holds both sweeps (``sigma/``, ``test_time/``; ``--resume`` finishes them) and the
curve (``curve/``: ``misrouting_curve.csv`` and ``misrouting_curve.png``).

Misrouting cost (million JPY over the run) = warranty returns of packs sold above their true grade
(refund and handling) + the value lost on usable packs sent to recycling.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SIGMAS_PCT = (0.0, 1.0, 2.5, 5.0, 10.0)
TEST_MIN = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
KPIS = ("fourr.misrouted_to_reuse", "fourr.misrouted_to_recycling", "fourr.misrouted_to_reuse_cost_mjpy",
        "fourr.misrouted_to_recycling_cost_mjpy", "fourr.grading_mae", "fourr.station.grading.mean_wait_h",
        "fourr.station.grading.utilisation", "fourr.graded")


def default_scenario() -> Path:
    import scenarios

    return scenarios.path("fourr_grading_study.yaml")


def run_study(scenario: Path, out: Path, seeds: list[int], workers: int | None, resume: bool, quiet: bool):
    """Both sweeps, then the curve table (pandas) written with its figure into ``out/curve``."""
    import pandas as pd

    from simcore.experiments.designs import build_design
    from simcore.experiments.sweep import open_sweep_folder, plan_sweep, run_sweep
    from simcore.results import package_versions, results_folder, write_manifest

    open_sweep_folder(out)
    axes = {"sigma": ("plant.measurement_sigma_pct", SIGMAS_PCT), "test_time": ("plant.test_min_per_module", TEST_MIN)}
    rows = []
    for name, (path, values) in axes.items():
        plan = plan_sweep(scenario, build_design("grid", {path: list(values)}, [], None), seeds=seeds)
        result = run_sweep(plan, out / name, workers=workers, resume=resume, quiet=quiet)
        table = result.table
        ok = table[table["status"] == "ok"]
        for value, group in ok.groupby(path):
            cost = group["fourr.misrouted_to_reuse_cost_mjpy"] + group["fourr.misrouted_to_recycling_cost_mjpy"]
            row = {"axis": name, "value": float(value), "runs": len(group),
                   "misrouting_cost_mjpy_mean": float(cost.mean()), "misrouting_cost_mjpy_sd": float(cost.std(ddof=1))
                   if len(group) > 1 else 0.0}
            for k in KPIS:
                row[k] = float(group[k].mean())
            rows.append(row)
    curve = pd.DataFrame(rows)
    with results_folder(out / "curve", overwrite=(out / "curve").exists()) as tmp:
        curve.to_csv(tmp / "misrouting_curve.csv", index=False)
        _plot(curve, tmp / "misrouting_curve.png")
        write_manifest(tmp, {"command": "facilities.studies.misrouting", "scenario_file": str(scenario),
                             "seeds": seeds, "versions": package_versions()})
    return curve


def _plot(curve, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, (axis, label) in zip(axes, (("sigma", "measurement error at the reference test, % of module capacity"),
                                        ("test_time", "test time per module, min"))):
        c = curve[curve["axis"] == axis]
        ax.errorbar(c["value"], c["misrouting_cost_mjpy_mean"], yerr=c["misrouting_cost_mjpy_sd"], marker="o",
                    capsize=3, label="total")
        ax.plot(c["value"], c["fourr.misrouted_to_reuse_cost_mjpy"], "s--", label="warranty returns")
        ax.plot(c["value"], c["fourr.misrouted_to_recycling_cost_mjpy"], "^--", label="usable packs recycled")
        ax.set_xlabel(label)
        if axis == "test_time":
            ax.set_xscale("log")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("misrouting cost over the run, million JPY")
    axes[0].legend()
    fig.suptitle("What grading errors cost a 4R plant (scenarios/fourr_grading_study.yaml)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facilities.studies.misrouting", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=None, help="scenario (default: scenarios/fourr_grading_study.yaml)")
    parser.add_argument("--out", type=Path, required=True, help="study folder (new, or one of this study's)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3], help="seeds per point (default 1 2 3)")
    parser.add_argument("--workers", type=int, default=None, help="parallel runs (default: one per core)")
    parser.add_argument("--resume", action="store_true", help="keep the runs already done")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    from simcore.errors import InputError

    try:
        curve = run_study(args.scenario or default_scenario(), args.out, args.seeds, args.workers, args.resume, args.quiet)
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; finished runs are kept (use --resume)", file=sys.stderr)
        return 130
    print(curve[["axis", "value", "runs", "misrouting_cost_mjpy_mean", "misrouting_cost_mjpy_sd",
                 "fourr.misrouted_to_reuse", "fourr.misrouted_to_recycling"]].to_string(index=False))
    print(f"curve: {args.out / 'curve'}")
    return 0


if __name__ == "__main__":
    if __spec__ is not None:  # run as a module: worker processes re-import it by name
        sys.exit(main())
