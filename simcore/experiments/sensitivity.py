"""Sensitivity of a KPI over a finished sweep's design (SALib analysis of what the sweep sampled).

* ``sobol`` designs: first-order (S1) and total (ST) Sobol indices (Saltelli/Jansen estimators);
* ``morris`` designs: elementary-effect screening, mu* (mean absolute effect), mu and sigma;
* ``lhs`` designs: first-order indices (S1) by RBD-FAST from the same points (a variance-based
  estimator that works on any sample; a Latin hypercube has no Saltelli structure, so no total
  indices: use a sobol design for those).

Each with a bootstrap confidence interval (``conf_level``, default 95 %). Where every design point
ran with several seeds, the KPI is averaged over the seeds first (the indices then describe the
parameters, not the sampling noise). Where ``--grid`` values crossed the design (e.g. variants), each
combination is analysed on its own.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simcore.errors import InputError
from simcore.experiments.designs import MORRIS_LEVELS
from simcore.experiments.spec import BASE

#: the index columns each design's analysis reports (value, then its confidence half-width)
COLUMNS = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
    "lhs": ("S1", "S1_conf"),
}

#: below these N the bootstrap intervals say little (a note is printed): sobol base samples, morris
#: trajectories, lhs points
MEANINGFUL_N = {"sobol": 64, "morris": 10, "lhs": 100}


@dataclass
class Analysis:
    """The indices of one KPI: one row per (grid combination,) parameter."""

    kpi: str
    unit: str
    design: str
    table: pd.DataFrame
    runs: int
    seeds_per_point: int
    conf_level: float
    n: int | None
    #: one-line remarks printed under the table (e.g. N too small for meaningful intervals)
    notes: list[str] = field(default_factory=list)


def analyze_sweep(folder: Path | str, kpi: str, conf_level: float = 0.95, num_resamples: int = 1000,
                  seed: int = 0) -> Analysis:
    """Analyse ``kpi`` over the sweep in ``folder`` (see the module docstring)."""
    from simcore.experiments.sweep import DESIGN_FILE, is_sweep_folder
    from simcore.results import read_manifest, read_parquet

    folder = Path(folder)
    if not is_sweep_folder(folder):
        raise InputError(folder, "(folder)", str(folder), "a sweep folder written by evcycle sweep")
    manifest = read_manifest(folder) or {}
    design = manifest.get("design") or {}
    kind = design.get("kind")
    if kind not in COLUMNS:
        raise InputError(folder / "manifest.json", "design.kind", kind,
                         "a sampled design (sweep --design sobol, morris or lhs); compare grid points with "
                         "evcycle report")
    if "kpis.parquet" not in manifest.get("files", []):
        raise InputError(folder, "kpis.parquet", None, "a sweep that has written its table (rerun it with --resume)")
    table = read_parquet(folder, "kpis.parquet")
    kpis = _kpi_columns(table)
    if kpi not in kpis:
        raise InputError("--kpi", "kpi", kpi, f"a numeric KPI of this sweep: {', '.join(kpis[:15])}"
                                              f"{'...' if len(kpis) > 15 else ''}")
    bad = table[table["status"] != "ok"]
    if len(bad):
        raise InputError(folder, "status", f"{len(bad)} run(s) not ok (e.g. {bad['run'].iloc[0]}: "
                                           f"{bad['status'].iloc[0]})",
                         "every run of the design finished: rerun the sweep with --resume")
    params = design["params"]
    problem = {"num_vars": len(params), "names": [p["path"] for p in params],
               "bounds": [[0.0, float(len(p["levels"]))] if "levels" in p else [p["lo"], p["hi"]] for p in params]}
    sample = read_parquet(folder, DESIGN_FILE).to_numpy(dtype=float)
    per_point = table.groupby("point")[kpi].mean().sort_index()
    seeds_per_point = int(table.groupby("point").size().max())
    n_sampled = len(sample)
    if len(per_point) % n_sampled or not np.array_equal(per_point.index.to_numpy(), np.arange(len(per_point))):
        raise InputError(folder, "point", len(per_point), f"a multiple of the {n_sampled} sampled points, all present")
    grid_keys = [k for k in design.get("grid", {})]
    rows = []
    warned: list[str] = []
    for g in range(len(per_point) // n_sampled):
        y = per_point.to_numpy(dtype=float)[g * n_sampled:(g + 1) * n_sampled]
        group = _group_label(table, g * n_sampled, grid_keys)
        if not np.all(np.isfinite(y)):
            raise InputError(folder, kpi, "NaN", f"a KPI with a value in every run ({group or 'all runs'})")
        if np.ptp(y) == 0.0:
            raise InputError("--kpi", "kpi", kpi, f"a KPI that varies over the design (it is {y[0]:g} in every run"
                                                  f"{' of ' + group if group else ''}; nothing to attribute)")
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
            warnings.simplefilter("always")  # SALib's and numpy's warnings become a note, never raw stderr
            result = _analyze(kind, problem, sample, y, conf_level, num_resamples, seed)
        warned += [str(w.message).splitlines()[0] for w in caught]
        for i, name in enumerate(problem["names"]):
            row: dict[str, Any] = {"group": group} if grid_keys else {}
            row["param"] = name
            row.update({c: float(result[c][i]) for c in COLUMNS[kind]})
            rows.append(row)
    units = _units(folder)
    frame = pd.DataFrame(rows)
    notes = []
    n = design.get("n")
    conf_cols = [c for c in COLUMNS[kind] if c.endswith("_conf")]
    without = int((~np.isfinite(frame[conf_cols].to_numpy(dtype=float))).any(axis=1).sum())
    if (n is not None and n < MEANINGFUL_N[kind]) or without or warned:
        why = [f"N={n} is small for meaningful intervals (use --n {MEANINGFUL_N[kind]} or more)"
               if n is not None and n < MEANINGFUL_N[kind] else "",
               f"{without} row(s) without an interval" if without else "",
               f"SALib/numpy warned: {warned[0]}" if warned else ""]
        notes.append("note: " + "; ".join(w for w in why if w))
    return Analysis(kpi, units.get(kpi, ""), kind, frame, len(table), seeds_per_point, conf_level, n, notes)


def _analyze(kind: str, problem: dict[str, Any], x: np.ndarray, y: np.ndarray, conf_level: float,
             num_resamples: int, seed: int) -> dict[str, Any]:
    if kind == "sobol":
        from SALib.analyze import sobol

        return sobol.analyze(problem, y, calc_second_order=False, conf_level=conf_level,
                             num_resamples=num_resamples, seed=seed, print_to_console=False)
    if kind == "morris":
        from SALib.analyze import morris

        return morris.analyze(problem, x, y, conf_level=conf_level, num_resamples=num_resamples,
                              num_levels=MORRIS_LEVELS, seed=seed, print_to_console=False)
    from SALib.analyze import rbd_fast

    return rbd_fast.analyze(problem, x, y, num_resamples=num_resamples, conf_level=conf_level, seed=seed,
                            print_to_console=False)


def _kpi_columns(table: pd.DataFrame) -> list[str]:
    first = list(table.columns).index("wall_s") + 1
    return [c for c in table.columns[first:] if c != "error" and pd.api.types.is_numeric_dtype(table[c])]


def _group_label(table: pd.DataFrame, point: int, keys: list[str]) -> str:
    row = table[table["point"] == point].iloc[0]
    parts = []
    for key in keys:
        value = row["variant"] if key == "variant" else row[key]
        parts.append(f"{key}={value if value is not None else BASE}")
    return ",".join(parts)


def _units(folder: Path) -> dict[str, str]:
    import json

    try:
        return json.loads((folder / "units.json").read_text(encoding="utf-8")).get("columns", {})
    except (OSError, ValueError, AttributeError):
        return {}


def format_analysis(analysis: Analysis) -> str:
    """The indices as a text table, with what they were computed from."""
    t = analysis.table
    pct = f"{analysis.conf_level * 100:g} %"
    unit = f" ({analysis.unit})" if analysis.unit else ""
    head = {
        "sobol": f"Sobol indices of {analysis.kpi}{unit}: first order S1 and total ST, +/- the {pct} confidence "
                 f"half-width",
        "morris": f"Morris screening of {analysis.kpi}{unit}: mu* (mean |elementary effect|) +/- its {pct} "
                  f"confidence half-width, mu and sigma (in the KPI's unit per unit of the parameter's range)",
        "lhs": f"First-order indices S1 (RBD-FAST) of {analysis.kpi}{unit}, +/- the {pct} confidence half-width",
    }[analysis.design]
    lines = [head, f"from {analysis.runs} runs (design {analysis.design}, N={analysis.n}, "
                   f"{analysis.seeds_per_point} seed(s) per point, averaged)"]
    a, a_conf, *rest = COLUMNS[analysis.design]
    shown = pd.DataFrame({"param": t["param"]})
    if "group" in t:
        shown.insert(0, "group", t["group"])
    shown[a] = [f"{v:.3f} +/- {c:.3f}" for v, c in zip(t[a], t[a_conf], strict=True)]
    if analysis.design == "morris":
        for col in rest:
            shown[col] = [f"{v:.4g}" for v in t[col]]
    elif rest:
        b, b_conf = rest
        shown[b] = [f"{v:.3f} +/- {c:.3f}" for v, c in zip(t[b], t[b_conf], strict=True)]
    lines.append(shown.to_string(index=False))
    lines.extend(analysis.notes)
    return "\n".join(lines)

