"""Registry of component types: built-in and third-party types register the same way.

A type registers with the :func:`register` decorator when its module is imported. Modules are found
through the entry-point group ``evcycle.components``: each entry point names a module (imported, so its
decorators run) or a Component class (registered directly). The project's own types come in through
the same group, so a third-party package needs no edit of the kernel.
"""

from __future__ import annotations

import inspect
from importlib.metadata import entry_points
from typing import TypeVar

from simcore.component import Component

ENTRY_POINT_GROUP = "evcycle.components"

_TYPES: dict[str, type[Component]] = {}
_loaded_entry_points = False

C = TypeVar("C", bound=type[Component])


def register(type_name: str):
    """Class decorator: make a Component subclass available to scenarios as ``type: <type_name>``."""

    def decorate(cls: C) -> C:
        if not (inspect.isclass(cls) and issubclass(cls, Component)):
            raise TypeError(f"{cls!r} is not a Component subclass")
        existing = _TYPES.get(type_name)
        if existing is not None and existing is not cls and existing.__qualname__ != cls.__qualname__:
            raise ValueError(f"component type {type_name!r} is already registered by {existing!r}")
        cls.type_name = type_name
        _TYPES[type_name] = cls
        return cls

    return decorate


def load_entry_points(force: bool = False) -> None:
    """Import every provider in the ``evcycle.components`` entry-point group (once)."""
    global _loaded_entry_points
    if _loaded_entry_points and not force:
        return
    _loaded_entry_points = True
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        obj = ep.load()
        if inspect.isclass(obj) and issubclass(obj, Component) and obj not in _TYPES.values():
            register(obj.type_name or ep.name)(obj)


def get_type(type_name: str) -> type[Component] | None:
    """The registered class for ``type_name``, or None."""
    load_entry_points()
    return _TYPES.get(type_name)


def available_types() -> dict[str, type[Component]]:
    """All registered types, sorted by name."""
    load_entry_points()
    return dict(sorted(_TYPES.items()))
