"""Dotted-path overrides (``fleet.size=1000``, ``clock.days=7``) applied to a scenario mapping.

The first path segment is either a top-level scenario key (``clock``, ``seed``...) or a component
name, which stands for ``components.<name>``; the rest walks into that mapping. A list item is
``name[1]`` (as error messages print it) or ``name.1``.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from simcore.errors import InputError, format_key_path, split_key_path
from simcore.scenario.yaml_io import parse_yaml_value

TOP_LEVEL_KEYS = ("name", "description", "seed", "clock", "components", "variants", "trace")


def parse_set_option(text: str) -> tuple[str, Any]:
    """Split ``a.b=value``; the value is read as YAML so numbers, booleans and lists keep their type."""
    if "=" not in text:
        raise InputError("--set", text, text, "PATH=VALUE, e.g. fleet.size=1000")
    path, raw = text.split("=", 1)
    path = path.strip()
    if split_key_path(path) is None:
        raise InputError("--set", text, path,
                         "a dotted path such as fleet.size or clock.days (list items as plant.usable_routes[0])")
    return path, (parse_yaml_value(raw) if raw.strip() else "")


def canonical_path(data: dict[str, Any], path: str) -> list[str]:
    """The full key list for ``path`` (component names expand to ``components.<name>``; list indices
    ``[1]`` or ``.1`` become the key ``'1'``)."""
    parts = split_key_path(path) or path.split(".")
    if parts[0] in TOP_LEVEL_KEYS:
        return parts
    return ["components", *parts]


def describe_override(path: str, value: Any, option: str = "--set") -> str:
    """How an override reads in a message: ``--set fleet.size=-3`` (long values cut short)."""
    if isinstance(value, str):
        text = value
    else:
        text = yaml.safe_dump(value, default_flow_style=True, width=10**9).strip().removesuffix("...").strip()
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{option} {path}={text}"


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any], file: str) -> dict[str, Any]:
    """A deep copy of ``data`` with each ``path: value`` set (into mappings, or list items by index).

    An error names the key path it stopped at; the caller adds where the override came from.
    """
    out = copy.deepcopy(data)
    components = out.get("components") if isinstance(out.get("components"), dict) else {}
    for path, value in overrides.items():
        keys = canonical_path(out, path)
        if keys[0] == "components" and len(keys) > 1 and keys[1] not in components:
            allowed = ", ".join(list(TOP_LEVEL_KEYS[:4]) + sorted(components)) or "none"
            raise InputError(file, format_key_path(keys[:2]), keys[1], f"a top-level key or a component name: {allowed}")
        node: Any = out
        done: list[str | int] = []   # the key path walked so far (list items as ints)
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            if isinstance(node, list):
                if not key.isdigit() or int(key) >= len(node):
                    allowed = f"an index 0..{len(node) - 1}" if node else "none: the list is empty"
                    shown = int(key) if key.isdigit() else key
                    raise InputError(file, format_key_path([*done, shown]), shown,
                                     f"{allowed} of the list {format_key_path(done)}")
                index: str | int = int(key)
            else:
                index = key
            if last:
                node[index] = value
                break
            nxt = node[index] if isinstance(node, list) else node.get(index)
            if nxt is None:
                nxt = {}
                node[index] = nxt
            done.append(index)
            if not isinstance(nxt, (dict, list)):
                where = format_key_path(done)
                raise InputError(file, where, nxt, f"{where} to be a mapping (or a list) to set keys inside it")
            node = nxt
    return out


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mapping -> dotted paths (used for variants written as nested YAML)."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            flat.update(flatten(value, path))
        else:
            flat[path] = value
    return flat
