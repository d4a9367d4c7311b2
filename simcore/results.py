"""Results folders: written atomically, never written over anything that is not one of ours.

A results folder is a directory holding ``manifest.json`` whose ``format`` names this project and whose
``files`` list everything the folder holds. Every command that writes one goes through
:func:`results_folder`:

* the destination is checked before any work starts: an existing path that is not a results folder
  (a user's folder, a file, a symbolic link, the working directory or one of its parents) is refused
  with a message saying what to do; an earlier results folder is replaced only with ``overwrite``, and
  only if it holds nothing but what its manifest lists (and plots this project drew into it);
* everything is built in a hidden sibling (``.NAME.partial-*``) and renamed into place at the end, so
  an interrupted or failed run leaves no half-written folder, and the earlier results (if replaced)
  stay intact until the new ones are complete.

Files outside results folders (``battery age --out q.csv``, ``plot --out fig.png``) go through
:func:`new_file`: written whole, never replacing an existing path.

Readers (:func:`read_summary`, :func:`read_timeseries`...) turn missing or corrupt files into
:class:`~simcore.errors.InputError`.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simcore.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

TRACKED_PACKAGES = ("evcycle", "simpy", "mesa", "numpy", "pandas", "pyomo", "highspy", "pydantic", "pyarrow")
MANIFEST = "manifest.json"
#: the ``format`` a manifest carries; folders with another (or none) are not ours to replace
RESULTS_FORMAT = "evcycle-results-1"
#: sub-folder of a results folder that ``evcycle plot`` draws into by default
PLOTS_DIR = "plots"
PLOT_SUFFIXES = (".png", ".html", ".svg", ".pdf")


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
    import numpy as np
    import pandas as pd

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


# ------------------------------------------------------------------------------------------------
# What is ours


def read_manifest(folder: Path | str) -> dict[str, Any] | None:
    """The manifest of a results folder of this project, or None if ``folder`` is not one."""
    folder = Path(folder)
    path = folder / MANIFEST
    if folder.is_symlink() or not folder.is_dir() or path.is_symlink() or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("format") == RESULTS_FORMAT and isinstance(data.get("files"), list):
        return data
    versions = data.get("versions")
    if isinstance(versions, dict) and "evcycle" in versions:  # written before manifests listed their files
        return data
    return None


def is_results_folder(folder: Path | str) -> bool:
    """Whether ``folder`` is a results folder written by this project."""
    return read_manifest(folder) is not None


def foreign_entries(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Entries of a results folder that its manifest does not account for (a user's files)."""
    listed = manifest.get("files")
    if isinstance(listed, list):
        ours = {str(f) for f in listed} | {MANIFEST}
        is_ours = ours.__contains__
    else:  # an older manifest: only the kinds of file results folders hold
        def is_ours(name: str) -> bool:
            return name == MANIFEST or name.endswith((".json", ".parquet", ".csv"))
    foreign = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name == PLOTS_DIR and entry.is_dir() and not entry.is_symlink():
            foreign += [f"{PLOTS_DIR}/{p.name}" for p in sorted(entry.iterdir())
                        if p.is_symlink() or not p.is_file() or p.suffix not in PLOT_SUFFIXES]
        elif entry.is_symlink() or not entry.is_file() or not is_ours(entry.name):
            foreign.append(entry.name)
    return foreign


# ------------------------------------------------------------------------------------------------
# Writing a results folder


@dataclass
class _Destination:
    """A checked destination and the hidden sibling the new results are built in."""

    out: Path
    option: str
    replace: bool
    tmp: Path | None = None
    created_parents: list[Path] = field(default_factory=list)

    def commit(self) -> None:
        """Put the finished folder in place (replacing the earlier results folder, if allowed)."""
        assert self.tmp is not None
        out = self.out
        trash = None
        if self.replace and out.exists():
            manifest = read_manifest(out)
            if manifest is None or foreign_entries(out, manifest):  # changed while we ran
                raise InputError(self.option, self.option, str(out),
                                 "an earlier results folder that still holds only results (it changed during "
                                 f"the run; the new results are kept in {self.tmp})")
            trash = out.with_name(f".{out.name}.old-{secrets.token_hex(4)}")
            os.rename(out, trash)
        elif out.exists() or out.is_symlink():
            raise InputError(self.option, self.option, str(out),
                             f"a new path (something appeared there during the run; the new results are kept "
                             f"in {self.tmp})")
        os.rename(self.tmp, out)
        self.tmp = None
        if trash is not None:
            remove_tree(trash)

    def abandon(self) -> None:
        """Remove what this destination created (the hidden sibling, parents made for it).

        A second Ctrl-C while this cleans up is held until it is done (it would otherwise break the
        removal half-way and leave a hidden partial folder behind).
        """
        with sigint_deferred():
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
            for parent in reversed(self.created_parents):
                try:
                    parent.rmdir()  # only if still empty
                except OSError:
                    break


@contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) for the duration; one that arrived meanwhile is raised at the end.

    For cleanup that must not stop half-way. Outside the main thread (signals cannot be handled there)
    and where SIGINT is ignored, this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN or previous is None:
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received and callable(previous):
        previous(signal.SIGINT, None)  # the default handler raises KeyboardInterrupt here
    elif received:
        os.kill(os.getpid(), signal.SIGINT)  # SIG_DFL: end as the signal would have


def remove_tree(path: Path) -> None:
    """Remove a folder of ours whole, Ctrl-C held until it is gone."""
    with sigint_deferred():
        shutil.rmtree(path, ignore_errors=True)


def _check_writable_parent(path: Path, option: str, text: str) -> None:
    """The nearest existing parent of ``path`` must be a folder we may write in."""
    ancestor = path.parent
    while not ancestor.exists() and not ancestor.is_symlink():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise _refuse(option, text, f"a path whose parents are folders ({ancestor} is a file)")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise _refuse(option, text, f"a folder you can write in ({ancestor} is not writable)")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def make_ordinary(path: Path | str) -> None:
    """Give a folder or file that mkdtemp / mkstemp made private the permissions the umask allows:
    results are ordinary files and folders."""
    os.chmod(path, (0o777 if Path(path).is_dir() else 0o666) & ~_umask())


def hidden_sibling(out: Path) -> Path:
    """A new empty hidden folder ``.NAME.partial-XXXX`` beside ``out``, where results are built before
    they are renamed into place."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    make_ordinary(tmp)
    return tmp


def _refuse(option: str, out: Any, allowed: str) -> InputError:
    return InputError(option, option, str(out), allowed)


def check_destination(out: Path | str, *, overwrite: bool = False, option: str = "--out") -> _Destination:
    """Check that results may be written at ``out``; nothing is created. See the module docstring."""
    if not isinstance(out, (str, os.PathLike)):  # argparse gives [] for "--out=--"
        raise _refuse(option, out, "a folder path")
    text = str(out)
    if not text.strip():
        raise _refuse(option, text, "a folder path (empty given)")
    try:
        return _check_destination(Path(os.path.abspath(os.path.expanduser(text))), text, overwrite, option)
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise _refuse(option, text, f"a path the file system accepts ({exc.strerror or exc})") from None


def _check_destination(path: Path, text: str, overwrite: bool, option: str) -> _Destination:
    try:
        real = path.resolve()
        cwd = Path.cwd().resolve()
    except (OSError, RuntimeError) as exc:
        raise _refuse(option, text, f"a path that can be resolved ({exc})") from None
    if real == cwd or real in cwd.parents:
        raise _refuse(option, text, "a new folder for the results, not the working directory or one of its parents")
    if path.is_symlink():
        raise _refuse(option, text, "a path that is not a symbolic link (results never replace links)")
    replace = False
    if path.exists():
        if not path.is_dir():
            raise _refuse(option, text, "a new folder name: this path is a file, and results never replace files")
        manifest = read_manifest(path)
        if manifest is None:
            raise _refuse(option, text, "a new folder name: this folder exists and is not an evcycle results "
                                        "folder (no manifest.json of ours), so it is left alone")
        if not overwrite:
            raise _refuse(option, text, "a new folder name, or --overwrite to replace these earlier results")
        foreign = foreign_entries(path, manifest)
        if foreign:
            raise _refuse(option, text, f"a results folder holding only results: it also holds {foreign[0]!r}"
                                        f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}, "
                                        "which are not ours; move them out or choose a new folder name")
        replace = True
    for above in path.parents:  # a run's results folder holds only its results (sweeps hold runs)
        holder = read_manifest(above) if above.is_dir() else None
        if holder is not None and holder.get("kind") is None:
            raise _refuse(option, text, f"a folder outside earlier results ({above} is a results folder: "
                                        "new results inside it would make it no longer ours to replace)")
    _check_writable_parent(path, option, text)
    return _Destination(path, option, replace)


def _open_destination(dest: _Destination) -> _Destination:
    """Create missing parents and the hidden sibling (an OSError becomes an InputError)."""
    missing = []
    p = dest.out.parent
    while not p.exists():
        missing.append(p)
        p = p.parent
    try:
        for parent in reversed(missing):
            parent.mkdir()
            dest.created_parents.append(parent)
        dest.tmp = hidden_sibling(dest.out)
    except OSError as exc:
        dest.abandon()
        raise _refuse(dest.option, dest.out, f"a folder you can write in ({exc.strerror or exc})") from None
    return dest


@contextmanager
def results_folder(out: Path | str, *, overwrite: bool = False, option: str = "--out") -> Iterator[Path]:
    """Check ``out``, yield an empty hidden folder beside it, and on success rename it into place.

    Write :func:`write_manifest` last, inside the block. On any exception (Ctrl-C included) nothing is
    left behind and an earlier results folder at ``out`` is untouched.
    """
    dest = _open_destination(check_destination(out, overwrite=overwrite, option=option))
    try:
        assert dest.tmp is not None
        yield dest.tmp
        try:
            dest.commit()
        except OSError as exc:
            raise _refuse(option, out, f"a folder you can write in ({exc.strerror or exc})") from None
    except BaseException:
        dest.abandon()
        raise


def write_manifest(folder: Path, data: dict[str, Any]) -> None:
    """Write ``manifest.json`` last: ``data`` plus the format and the list of every file in ``folder``."""
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    dump_json({**data, "format": RESULTS_FORMAT, "files": files}, folder / MANIFEST)


def write_results(out: Path, *, manifest: dict[str, Any], summary: dict[str, Any],
                  timeseries: pd.DataFrame, events: pd.DataFrame | None = None,
                  extra: Callable[[Path], None] | None = None, overwrite: bool = False) -> Path:
    """Write a complete results folder at ``out`` atomically and return its path."""
    with results_folder(out, overwrite=overwrite) as tmp:
        write_results_into(tmp, manifest=manifest, summary=summary, timeseries=timeseries, events=events,
                           extra=extra)
    return Path(out)


def write_results_into(tmp: Path, *, manifest: dict[str, Any], summary: dict[str, Any],
                       timeseries: pd.DataFrame, events: pd.DataFrame | None = None,
                       extra: Callable[[Path], None] | None = None) -> None:
    """The files of a run's results folder, into an open (hidden) folder; the manifest last."""
    dump_json(summary, tmp / "summary.json")
    timeseries.to_parquet(tmp / "timeseries.parquet", index=False)
    if events is not None:
        events.to_parquet(tmp / "events.parquet", index=False)
    if extra is not None:
        extra(tmp)
    write_manifest(tmp, manifest)


# ------------------------------------------------------------------------------------------------
# Single files


@contextmanager
def new_file(path: Path | str, *, option: str = "--out", replace_inside: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it becomes ``path``, which must not exist.

    ``replace_inside``: a results folder of ours; a file at ``path`` inside it may be replaced (a plot
    drawn again into the results it shows). Parents are created as needed (and removed on failure).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise _refuse(option, path, "a file path")
    text = str(path)
    if not text.strip():
        raise _refuse(option, text, "a file path (empty given)")
    target = Path(os.path.abspath(os.path.expanduser(text)))
    try:
        inside = replace_inside is not None and is_results_folder(replace_inside) and \
            Path(os.path.abspath(replace_inside)) in target.parents
        if target.is_symlink() or (target.exists() and not (inside and target.is_file())):
            raise _refuse(option, text, "a new file name: this path exists and is not ours to replace")
        _check_writable_parent(target, option, text)
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise _refuse(option, text, f"a path the file system accepts ({exc.strerror or exc})") from None
    dest = _Destination(target, option, replace=False)
    _open_destination(dest)
    assert dest.tmp is not None
    tmp_file = dest.tmp / target.name
    try:
        yield tmp_file
        if not tmp_file.is_file():
            raise RuntimeError(f"nothing was written to {tmp_file}")
        try:
            if inside:
                os.replace(tmp_file, target)
            else:
                os.link(tmp_file, target)  # fails if something appeared there meanwhile: never replaces
        except FileExistsError:
            raise _refuse(option, text, "a new file name (something appeared there while writing)") from None
        except OSError as exc:
            raise _refuse(option, text, f"a file you can write ({exc.strerror or exc})") from None
        shutil.rmtree(dest.tmp, ignore_errors=True)
        dest.tmp = None
    except BaseException:
        dest.abandon()
        raise


# ------------------------------------------------------------------------------------------------
# Reading results back


def results_file(folder: Path | str, name: str) -> Path:
    """``folder/name`` of a results folder, or an InputError saying what is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "(folder)", str(folder), "an existing results folder")
    path = folder / name
    if not path.is_file():
        raise InputError(path, "(file)", str(folder), f"a results folder holding {name}")
    return path


def read_summary(folder: Path | str) -> dict[str, Any]:
    """The KPIs of a results folder (``summary.json``)."""
    path = results_file(folder, "summary.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(path, "(file)", str(exc)[:60], "a complete summary.json written by evcycle run") from None
    if not isinstance(data, dict):
        raise InputError(path, "(top level)", type(data).__name__, "a JSON object of KPIs")
    return data


def read_parquet(folder: Path | str, name: str) -> pd.DataFrame:
    """A Parquet table of a results folder (``timeseries.parquet``, ``events.parquet``...)."""
    import pandas as pd

    path = results_file(folder, name)
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(path, "(file)", f"{type(exc).__name__}: {str(exc)[:50]}",
                         f"a complete {name} written by evcycle run") from None


def read_timeseries(folder: Path | str) -> pd.DataFrame:
    """The recorded series of a results folder, with a ``time`` column."""
    df = read_parquet(folder, "timeseries.parquet")
    if "time" not in df.columns:
        raise InputError(Path(folder) / "timeseries.parquet", "(columns)", list(df.columns)[:5],
                         "a table with a time column")
    return df


# ------------------------------------------------------------------------------------------------
# Loading many runs (a sweep folder, or run folders) as tables


@dataclass
class Runs:
    """Runs loaded for analysis: one row per run, a long frame of their series, and units.

    ``table``: the experiment table (``run``, [``point``] or [``scenario``], one column per varied or
    overridden path, ``variant``, ``seed``, ``status``, ``wall_s``, KPIs..., ``error``) plus ``folder``
    (the run folder's path).
    ``series``: columns ``run``, ``time``, ``series``, ``value`` (runs with status ok; empty if not
    asked for). ``units``: ``{column or series name: unit}``.
    """

    table: pd.DataFrame
    series: pd.DataFrame
    units: dict[str, str]


def load_runs(paths: Path | str | list[Path | str] | tuple[Path | str, ...], *, series: bool | list[str] = True) -> Runs:
    """Load a sweep folder, or run folders (any mix), into a :class:`Runs`.

    ``series``: True for every recorded series, False for none, or a list of names / glob patterns
    (``["ev.demand_mw", "grid.*_mw"]``) to keep the long frame small.
    """
    import pandas as pd

    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise InputError("(runs)", "(paths)", [], "a sweep folder or one or more run folders")
    tables, units = [], {}
    for item in items:
        folder = Path(item)
        manifest = read_manifest(folder)
        if manifest is not None and manifest.get("kind") == "sweep":
            table, found_units = _sweep_table(folder, manifest)
        elif manifest is not None and ("scenario" in manifest or manifest.get("status") == "failed"):
            table, found_units = _run_rows([folder])
        else:
            raise InputError(folder, "(folder)", str(folder), "a results folder of evcycle run, or a sweep folder")
        tables.append(table)
        units.update({k: v for k, v in found_units.items() if v or k not in units})
    table = pd.concat(tables, ignore_index=True, sort=False) if len(tables) > 1 else tables[0]
    table = _unique_run_labels(table)
    # what sets runs apart (up to wall_s in each table) before every KPI, whichever run brought it
    head: dict[str, None] = {}
    for t in tables:
        cols = list(t.columns)
        head.update(dict.fromkeys(cols[: cols.index("wall_s") + 1] if "wall_s" in cols else []))
    head.pop("wall_s", None)
    head.pop("variant", None)
    head.pop("seed", None)
    head.pop("status", None)
    lead = [*head, "variant", "seed", "status", "wall_s"]
    order = lead + [c for c in table.columns if c not in lead and c not in ("error", "folder")] + ["error", "folder"]
    table = table[[c for c in order if c in table.columns]]
    frames = []
    if series is not False:
        import fnmatch

        patterns = None if series is True else list(series)
        for run, folder, status in zip(table["run"], table["folder"], table["status"], strict=True):
            if status != "ok":
                continue
            ts = read_timeseries(folder)
            cols = [c for c in ts.columns if c != "time"
                    and (patterns is None or any(fnmatch.fnmatchcase(c, p) for p in patterns))]
            long = ts.melt(id_vars="time", value_vars=cols, var_name="series", value_name="value")
            long.insert(0, "run", run)
            frames.append(long)
    if frames:
        long = pd.concat(frames, ignore_index=True)
        long["run"] = long["run"].astype("category")
        long["series"] = long["series"].astype("category")
    else:
        long = pd.DataFrame({"run": pd.Series(dtype="category"), "time": pd.Series(dtype="datetime64[ns]"),
                             "series": pd.Series(dtype="category"), "value": pd.Series(dtype=float)})
    return Runs(table, long, units)


def _sweep_table(folder: Path, manifest: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, str]]:
    """A sweep folder's table (``kpis.parquet``) with each run's folder path, and its units."""
    if "kpis.parquet" in manifest.get("files", []):
        table = read_parquet(folder, "kpis.parquet")
        try:
            units = json.loads((folder / "units.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            units = {}
        merged = {**dict(units.get("series") or {}), **dict(units.get("columns") or {})}
        table["folder"] = [str(folder / run) for run in table["run"]]
        # the sweep's fixed overrides (--set) are settings of every run, as they are for run folders:
        # columns, so that runs from several folders are grouped by all they were run with
        at = list(table.columns).index("variant") if "variant" in table.columns else 1
        for path, value in (manifest.get("fixed") or {}).items():
            if path not in table.columns:
                table.insert(at, path, [value] * len(table))
                at += 1
        return table, merged
    runs = [folder / r["folder"] for r in manifest.get("runs", []) if (folder / r["folder"]).is_dir()]
    if not runs:
        raise InputError(folder, "kpis.parquet", None, "a sweep with at least one finished run")
    return _run_rows(runs)


def _run_rows(folders: list[Path]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rows of the experiment table built from run folders' manifests and summaries."""
    import pandas as pd

    from simcore.units import unit_from_name

    rows, units = [], {}
    overridden: dict[str, None] = {}  # every overridden path, so that all of them precede the KPIs
    for folder in folders:
        manifest = read_manifest(folder) or {}
        status = manifest.get("status", "ok")
        row: dict[str, Any] = {"run": folder.name, "scenario": (manifest.get("scenario") or {}).get("name")}
        row.update({str(k): v for k, v in (manifest.get("overrides") or {}).items()})
        overridden.update(dict.fromkeys(str(k) for k in (manifest.get("overrides") or {})))
        row.update({"variant": manifest.get("variant") or "base", "seed": manifest.get("seed"), "status": status,
                    "wall_s": (manifest.get("wall_time_s") or {}).get("total")})
        if status == "ok":
            summary = read_summary(folder)
            row.update(summary)
            units.update(manifest.get("kpi_units") or {k: unit_from_name(k, v) for k, v in summary.items()})
            units.update(manifest.get("series_units") or {})
        row["error"] = manifest.get("error", "")
        row["folder"] = str(folder)
        rows.append(row)
    table = pd.DataFrame(rows)
    head = ["run", "scenario", *overridden, "variant", "seed", "status", "wall_s"]
    table = table[head + [c for c in table.columns if c not in head]]
    for key in table.columns:
        if key not in units and key not in ("run", "scenario", "variant", "seed", "status", "error", "folder"):
            units[key] = unit_from_name(key)
    return table, units


def _unique_run_labels(table: pd.DataFrame) -> pd.DataFrame:
    """Runs from different places may share a folder name: label those by their path instead."""
    if table["run"].duplicated().any():
        dup = table["run"].duplicated(keep=False)
        table.loc[dup, "run"] = table.loc[dup, "folder"]
    return table
