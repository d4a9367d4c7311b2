"""Strict YAML reading for scenarios and ``--set`` values.

Stricter than ``yaml.safe_load`` where silence would hide a mistake: a key given twice in one mapping
is an error (naming its key path and line), and a date-like value that is not a real date
(``2030-13-45``) stays text, so the schema rejects it with the key path instead of the YAML library
raising on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from simcore.errors import InputError, format_key_path


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose timestamps fall back to text when the date is impossible."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)


def _duplicate_key(node: yaml.Node, path: list[str | int]) -> tuple[str, str, yaml.Mark] | None:
    """The first key given twice in a mapping under ``node``: (key path, key, where), or None."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
            if key == "<<":
                continue
            if key in seen:
                return format_key_path([*path, key]), key, key_node.start_mark
            seen.add(key)
            found = _duplicate_key(value_node, [*path, key])
            if found:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found = _duplicate_key(item, [*path, i])
            if found:
                return found
    return None


def load_yaml_text(text: str, file: str | Path) -> Any:
    """Parse one YAML document strictly; an :class:`InputError` names what is wrong and where."""
    loader = None
    try:
        loader = _StrictLoader(text)  # the reader rejects control characters already here
        node = loader.get_single_node()
        if node is None:
            return None
        dup = _duplicate_key(node, [])
        if dup is not None:
            key_path, key, mark = dup
            raise InputError(file, key_path, f"{key!r} again at line {mark.line + 1}",
                             "each key once per mapping (a duplicate would silently replace the first)")
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise InputError(file, where, getattr(exc, "problem", None) or str(exc), "valid YAML") from None
    except RecursionError:
        raise InputError(file, "(file)", "nesting too deep", "valid YAML of reasonable depth") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml_file(path: Path, what: str = "scenario YAML file") -> Any:
    """Read and parse a YAML file; missing, unreadable or undecodable files are InputErrors."""
    if not path.is_file():
        raise InputError(path, "(file)", str(path), f"an existing {what}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "(file)", "undecodable bytes", "UTF-8 text") from None
    except OSError as exc:
        raise InputError(path, "(file)", exc.strerror or str(exc), f"a readable {what}") from None
    return load_yaml_text(text, path)


def parse_yaml_value(raw: str) -> Any:
    """A ``--set`` value read as YAML (numbers, booleans and lists keep their type); text if it is not
    valid YAML."""
    try:
        return load_yaml_text(raw, "--set")
    except InputError:
        return raw
