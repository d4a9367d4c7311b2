"""The results folder, written atomically: build everything in a hidden sibling, then rename.

An interrupted run leaves no half-written results folder: either the old folder (if any) is still
there untouched, or the new one is complete.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd

TRACKED_PACKAGES = ("evcycle", "simpy", "mesa", "numpy", "pandas", "pyomo", "highspy", "pydantic", "pyarrow")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages results depend on (recorded in the manifest)."""
    found = {"python": platform.python_version()}
    for name in TRACKED_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def to_jsonable(value: Any) -> Any:
    """Plain JSON types; non-finite floats become None so the file stays strict JSON."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (pd.Timestamp, datetime.date)):  # date: a YAML date given through --set
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    return value


def dump_json(data: Any, path: Path) -> None:
    """Canonical JSON (sorted keys, fixed separators): identical data gives identical bytes."""
    path.write_text(json.dumps(to_jsonable(data), sort_keys=True, indent=2, allow_nan=False) + "\n",
                    encoding="utf-8")


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it replaces ``out`` in one rename."""
    out = Path(out).absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        yield tmp
        if out.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, trash / out.name)
            os.replace(tmp, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_results(out: Path, *, manifest: dict[str, Any], summary: dict[str, Any],
                  timeseries: pd.DataFrame, events: pd.DataFrame | None = None,
                  extra: Callable[[Path], None] | None = None) -> Path:
    """Write a complete results folder at ``out`` atomically and return its path."""
    with atomic_folder(out) as tmp:
        dump_json(summary, tmp / "summary.json")
        timeseries.to_parquet(tmp / "timeseries.parquet", index=False)
        if events is not None:
            events.to_parquet(tmp / "events.parquet", index=False)
        if extra is not None:
            extra(tmp)
        dump_json(manifest, tmp / "manifest.json")
    return Path(out)
