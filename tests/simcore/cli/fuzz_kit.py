"""Mutations for fuzzing the command line: scenario mappings, text files and CSV tables.

Each mutation is drawn by hypothesis, so a failing case shrinks to a small one and is replayed by seed.
The contract the fuzz tests hold every command to: exit 0 with finite results, or exit 2 with one line
and no traceback; and no file outside the results folder changes.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import strategies as st

from simcore.cli import main

#: values that break types, ranges and finiteness
WEIRD = st.sampled_from([
    None, "", "abc", "2030-13-45", "1e15", -1, 0, 1, 0.5, -0.5, 1e300, -1e300, 2**63, -(2**63), 10**15,
    math.nan, math.inf, -math.inf, [], [1, 2], {}, {"x": 1}, True, False, "..", "/etc/passwd", "\x00",
])


def leaf_paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a nested mapping (mappings and leaves alike)."""
    paths = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*prefix, key)
            paths.append(here)
            paths.extend(leaf_paths(value, here))
    return paths


def _set(data: dict, path: tuple, value: Any, delete: bool = False) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value


@st.composite
def mutated_mapping(draw, data: dict[str, Any], n_max: int = 3) -> tuple[dict[str, Any], list[str]]:
    """``data`` with 1..n_max mutations: a value replaced, a number scaled, a key deleted or added."""
    data = json.loads(json.dumps(data, default=str))
    done = []
    for _ in range(draw(st.integers(1, n_max))):
        paths = leaf_paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        kind = draw(st.sampled_from(["replace", "scale", "delete", "extra", "stringify"]))
        node = data
        for key in path[:-1]:
            node = node[key]
        old = node.get(path[-1]) if isinstance(node, dict) else None
        if kind == "replace":
            _set(data, path, copy.deepcopy(draw(WEIRD)))  # WEIRD's {} and [] are shared: never mutate them
        elif kind == "scale" and isinstance(old, (int, float)) and not isinstance(old, bool):
            _set(data, path, old * draw(st.sampled_from([-1, 0, 10, 1000, 1e6, 1e-6])))
        elif kind == "delete":
            _set(data, path, None, delete=True)
        elif kind == "extra" and isinstance(old, dict):
            old[draw(st.sampled_from(["extra_key", "typo_mw", "seed"]))] = copy.deepcopy(draw(WEIRD))
        else:
            _set(data, path, str(old))
        done.append(f"{kind} {'.'.join(map(str, path))}")
    return data, done


@st.composite
def mutated_text(draw, text: str) -> str:
    """A text file damaged: truncated, a line doubled or dropped, bytes inserted."""
    kind = draw(st.sampled_from(["truncate", "double", "drop", "insert"]))
    lines = text.splitlines(keepends=True)
    if kind == "truncate":
        return text[: draw(st.integers(0, max(len(text) - 1, 0)))]
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "double" and lines:
        return "".join(lines[: i + 1] + lines[i:])
    if kind == "drop" and lines:
        return "".join(lines[:i] + lines[i + 1:])
    junk = draw(st.sampled_from(["\x00\x01", "{[", ": :", "\ufffd", ",,,,", "\"", "NaN,inf"]))
    at = draw(st.integers(0, len(text)))
    return text[:at] + junk + text[at:]


@st.composite
def mutated_csv(draw, text: str) -> str:
    """A CSV table with a cell, a row or a column damaged."""
    df = pd.read_csv(io.StringIO(text), comment="#", dtype=str)
    kind = draw(st.sampled_from(["cell", "drop_row", "dup_row", "drop_col", "rename_col", "text"]))
    if kind == "text" or df.empty:
        return draw(mutated_text(text))
    if kind == "cell":
        r = draw(st.integers(0, len(df) - 1))
        c = draw(st.sampled_from(list(df.columns)))
        df.loc[df.index[r], c] = str(draw(WEIRD))
    elif kind == "drop_row":
        df = df.drop(df.index[draw(st.integers(0, len(df) - 1))])
    elif kind == "dup_row":
        r = draw(st.integers(0, len(df) - 1))
        df = pd.concat([df, df.iloc[[r]]])
    elif kind == "drop_col":
        df = df.drop(columns=[draw(st.sampled_from(list(df.columns)))])
    else:
        c = draw(st.sampled_from(list(df.columns)))
        df = df.rename(columns={c: c + "_x"})
    return df.to_csv(index=False)


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every folder and file under ``root`` with its bytes."""
    found: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            found[os.path.relpath(os.path.join(dirpath, d), root)] = None
        for f in filenames:
            p = os.path.join(dirpath, f)
            found[os.path.relpath(p, root)] = Path(p).read_bytes()
    return found


def call(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run the CLI in-process; any exception other than the handled ones fails the test with it."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_contract(code: int, err: str, *, allowed: tuple[int, ...] = (0, 2)) -> None:
    """Exit 0, or exit 2 with exactly one line on stderr and no traceback."""
    assert code in allowed, f"exit {code}: {err}"
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err


def assert_finite_results(folder: Path) -> None:
    """A finished run's results: every KPI that has a value is finite; none is infinite."""
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kpis_infinite"] == [], manifest["kpis_infinite"]
    summary = json.loads((folder / "summary.json").read_text())
    for key, value in summary.items():
        if isinstance(value, float):
            assert math.isfinite(value), key
