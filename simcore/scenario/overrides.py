"""Dotted-path overrides (``fleet.size=1000``, ``clock.days=7``) applied to a scenario mapping.

The first path segment is either a top-level scenario key (``clock``, ``seed``...) or a component
name, which stands for ``components.<name>``; the rest walks into that mapping.
"""

from __future__ import annotations

import copy
from typing import Any

from simcore.errors import InputError
from simcore.scenario.yaml_io import parse_yaml_value

TOP_LEVEL_KEYS = ("name", "description", "seed", "clock", "components", "variants", "trace")


def parse_set_option(text: str) -> tuple[str, Any]:
    """Split ``a.b=value``; the value is read as YAML so numbers, booleans and lists keep their type."""
    if "=" not in text:
        raise InputError("--set", text, text, "PATH=VALUE, e.g. fleet.size=1000")
    path, raw = text.split("=", 1)
    path = path.strip()
    if not path or any(not part for part in path.split(".")):
        raise InputError("--set", text, path, "a dotted path such as fleet.size or clock.days")
    return path, (parse_yaml_value(raw) if raw.strip() else "")


def canonical_path(data: dict[str, Any], path: str) -> list[str]:
    """The full key list for ``path`` (component names expand to ``components.<name>``)."""
    parts = path.split(".")
    if parts[0] in TOP_LEVEL_KEYS:
        return parts
    return ["components", *parts]


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any], file: str, origin: str) -> dict[str, Any]:
    """A deep copy of ``data`` with each ``path: value`` set; ``origin`` says where they came from."""
    out = copy.deepcopy(data)
    components = out.get("components") if isinstance(out.get("components"), dict) else {}
    for path, value in overrides.items():
        keys = canonical_path(out, path)
        if keys[0] == "components" and len(keys) > 1 and keys[1] not in components:
            allowed = ", ".join(list(TOP_LEVEL_KEYS[:4]) + sorted(components)) or "none"
            raise InputError(file, f"{origin} {path}", keys[1],
                             f"a top-level key or a component name: {allowed}")
        node: Any = out
        for depth, key in enumerate(keys[:-1]):
            nxt = node.get(key)
            if nxt is None:
                nxt = {}
                node[key] = nxt
            if not isinstance(nxt, dict):
                where = ".".join(keys[: depth + 1])
                raise InputError(file, f"{origin} {path}", nxt, f"{where} to be a mapping to set keys inside it")
            node = nxt
        node[keys[-1]] = value
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
