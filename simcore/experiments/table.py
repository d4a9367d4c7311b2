"""The experiment table: one row per run, written as ``kpis.csv`` and ``kpis.parquet`` in the sweep folder.

Columns, in order: ``run`` (the run folder's name), ``point`` (the design point), one column per varied
path, ``variant`` (``base`` for none), ``seed``, ``status``, ``wall_s``, the KPIs (sorted by name), and
``error`` (empty unless the run failed). ``units.json`` beside it maps every column to its unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from simcore.experiments.spec import BASE, RunSpec
from simcore.experiments.worker import STATUS_NOT_RUN, Outcome

if TYPE_CHECKING:
    import pandas as pd

ID_COLUMNS = ("run", "point")
RUN_COLUMNS = ("variant", "seed", "status", "wall_s")
TABLE_FILES = ("kpis.csv", "kpis.parquet", "units.json")


def build_table(runs: Sequence[RunSpec], folders: Sequence[str], outcomes: dict[int, Outcome]) -> pd.DataFrame:
    """The runs table from the specs and what became of each (runs without an outcome: ``not run``)."""
    import numpy as np
    import pandas as pd

    varied_paths = list(dict.fromkeys(p for spec in runs for p in spec.varied))
    kpi_names = sorted({k for o in outcomes.values() for k in o.kpis})
    rows = []
    for spec, folder in zip(runs, folders, strict=True):
        outcome = outcomes.get(spec.index)
        row: dict[str, Any] = {"run": folder, "point": spec.point}
        row.update({p: spec.varied.get(p) for p in varied_paths})
        row.update({"variant": spec.variant or BASE, "seed": spec.seed,
                    "status": outcome.status if outcome else STATUS_NOT_RUN,
                    "wall_s": outcome.wall_s if outcome else math.nan})
        kpis = outcome.kpis if outcome else {}
        row.update({k: kpis.get(k, np.nan) for k in kpi_names})
        row["error"] = outcome.error if outcome else ""
        rows.append(row)
    columns = [*ID_COLUMNS, *varied_paths, *RUN_COLUMNS, *kpi_names, "error"]
    table = pd.DataFrame(rows, columns=columns)
    for col in [*varied_paths, *kpi_names]:  # object columns of numbers (NaN for runs without) -> numeric
        if table[col].dtype == object:
            converted = pd.to_numeric(table[col], errors="coerce")
            if converted.notna().sum() == table[col].notna().sum():
                table[col] = converted
    for col in kpi_names:  # whole-number KPIs stay whole numbers when some runs have none (failed ones)
        values = [outcome.kpis.get(col) for outcome in outcomes.values() if col in outcome.kpis]
        if (values and table[col].isna().any()
                and all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in values)):
            table[col] = table[col].astype("Int64")
    return table


def table_units(table: pd.DataFrame, outcomes: dict[int, Outcome], series_units: dict[str, str]) -> dict[str, Any]:
    """``{"columns": {column: unit}, "series": {series: unit}}`` for ``units.json``."""
    from simcore.units import unit_from_name

    kpi_units: dict[str, str] = {}
    for outcome in outcomes.values():
        kpi_units.update(outcome.kpi_units)
    columns: dict[str, str] = {"run": "", "point": "", "variant": "", "seed": "", "status": "", "wall_s": "s",
                               "error": ""}
    for col in table.columns:
        if col not in columns:
            columns[col] = kpi_units.get(col) or unit_from_name(col, _first_value(table[col]))
    return {"columns": columns, "series": dict(sorted(series_units.items()))}


def _first_value(column: Any) -> Any:
    values = column.dropna()
    if values.empty:
        return None
    return int(values.iloc[0]) if column.dtype.kind in "iu" else values.iloc[0]
