"""Reading the CSV data tables scenarios point to, with one error path.

Every reader of a shipped or user-supplied table goes through :func:`read_table_csv`: a missing,
unreadable, undecodable or malformed file, or a missing column, is an
:class:`~simcore.errors.InputError` naming the file; :func:`numeric_column` checks that a column holds
finite numbers within a range and names the first bad row.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simcore.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def read_table_csv(path: Path | str, columns: list[str] | tuple[str, ...] = (), **read_options: Any) -> pd.DataFrame:
    """A CSV with a header holding at least ``columns`` (``#`` starts a comment unless told otherwise)."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "(file)", str(path), "an existing CSV file")
    read_options.setdefault("comment", "#")
    try:
        df = pd.read_csv(path, **read_options)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(path, "(file)", f"{type(exc).__name__}: {str(exc)[:50]}",
                         "a readable comma-separated UTF-8 table with a header row") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(path, "(header)", list(map(str, df.columns))[:8],
                         f"columns {', '.join(columns)} (missing {missing[0]})")
    return df


def numeric_column(df: pd.DataFrame, col: str, path: Path | str, lo: float = float("-inf"),
                   hi: float = float("inf")) -> np.ndarray:
    """Column ``col`` as finite floats within [lo, hi]; the first bad row is an InputError."""
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values) | (values < lo) | (values > hi))
    if bad.size:
        i = int(bad[0])
        raise InputError(path, f"row {i + 2}.{col}", df[col].iloc[i], f"a finite number in [{lo:g}, {hi:g}]")
    return values


_CHECKED: set[tuple] = set()


def check_files_once(paths: list[Path] | tuple[Path, ...], check: Callable[[], object]) -> None:
    """Run ``check`` (a loader that raises InputError on bad content) unless it already passed on these
    files as they are now (same size and modification time): ``validate`` resolves a scenario once per
    variant, and every variant names the same tables."""
    stamp = []
    for path in paths:
        p = Path(path)
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            try:
                st = f.stat()
            except OSError:
                stamp.append((str(f), None))
                continue
            stamp.append((str(f), st.st_size, st.st_mtime_ns))
    key = (getattr(check, "__qualname__", repr(check)), tuple(stamp))
    if key in _CHECKED:
        return
    check()
    _CHECKED.add(key)
