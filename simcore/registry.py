"""Registry of component types: built-in and third-party types register the same way.

Two ways to register:

* :func:`register` — a class decorator, run when the component's module is imported;
* :func:`register_lazy` — a catalogue entry naming the parameter schema and the class by import path,
  so a scenario can be validated (and ``--help`` printed) without importing the simulation stack. The
  class is imported only when a World is built.

Providers are found through the entry-point group ``evcycle.components``: each entry point names a
module (imported, so its ``register`` / ``register_lazy`` calls run) or a Component class (registered
directly). The project's own types come in through the same group, so a third-party package needs no
edit of the kernel.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from simcore.component import Component
    from simcore.params import ComponentParams

ENTRY_POINT_GROUP = "evcycle.components"

C = TypeVar("C")


@dataclass
class TypeEntry:
    """One registered type: where its schema and class live, and the capabilities it provides."""

    type_name: str
    component_path: str = ""  # "module:Class" (lazy entries)
    params_path: str = ""  # "module:Params" (lazy entries)
    provides: tuple[str, ...] = ()
    cls: Any = None  # the Component class once imported
    params: Any = None  # the Params class once imported

    def load_params(self) -> type[ComponentParams]:
        if self.params is None:
            self.params = self.cls.Params if self.cls is not None else _import(self.params_path)
        return self.params

    def load_class(self) -> type[Component]:
        if self.cls is None:
            cls = _import(self.component_path)
            if self.params is not None and cls.Params is not self.params:
                raise TypeError(f"{self.component_path}.Params is not {self.params_path}")
            cls.type_name = self.type_name
            cls.provides = self.provides
            self.cls = cls
        return self.cls


_TYPES: dict[str, TypeEntry] = {}
_loaded_entry_points = False


def _import(path: str) -> Any:
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def register(type_name: str):
    """Class decorator: make a Component subclass available to scenarios as ``type: <type_name>``."""

    def decorate(cls: C) -> C:
        from simcore.component import Component

        if not (inspect.isclass(cls) and issubclass(cls, Component)):
            raise TypeError(f"{cls!r} is not a Component subclass")
        existing = _TYPES.get(type_name)
        if existing is not None and existing.cls is not None and existing.cls is not cls \
                and existing.cls.__qualname__ != cls.__qualname__:
            raise ValueError(f"component type {type_name!r} is already registered by {existing.cls!r}")
        if existing is not None and existing.cls is None:  # the lazy entry's class being imported
            existing.cls = cls
            cls.type_name = type_name
            return cls
        cls.type_name = type_name
        _TYPES[type_name] = TypeEntry(type_name, provides=tuple(cls.provides), cls=cls, params=cls.Params)
        return cls

    return decorate


def register_lazy(type_name: str, *, component: str, params: str, provides: tuple[str, ...] = ()) -> None:
    """Catalogue ``type_name``: its class at ``component`` and schema at ``params`` ("module:Name"),
    imported only when needed. ``provides`` lists the capabilities peers may require of it."""
    existing = _TYPES.get(type_name)
    if existing is not None and existing.component_path not in ("", component):
        raise ValueError(f"component type {type_name!r} is already registered by {existing.component_path}")
    if existing is None or existing.cls is None:
        _TYPES[type_name] = TypeEntry(type_name, component, params, tuple(provides))


def load_entry_points(force: bool = False) -> None:
    """Import every provider in the ``evcycle.components`` entry-point group (once)."""
    global _loaded_entry_points
    if _loaded_entry_points and not force:
        return
    _loaded_entry_points = True
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        obj = ep.load()
        if inspect.isclass(obj) and all(e.cls is not obj for e in _TYPES.values()):
            register(obj.type_name or ep.name)(obj)  # a class: a Component subclass, or a TypeError


def entry(type_name: str) -> TypeEntry | None:
    """The registry entry of ``type_name``, or None."""
    load_entry_points()
    return _TYPES.get(type_name)


def get_params(type_name: str) -> type[ComponentParams] | None:
    """The parameter schema of ``type_name`` (imports only the schema's module), or None."""
    found = entry(type_name)
    return found.load_params() if found is not None else None


def get_type(type_name: str) -> type[Component] | None:
    """The registered class for ``type_name`` (imports it), or None."""
    found = entry(type_name)
    return found.load_class() if found is not None else None


def provides(type_name: str) -> tuple[str, ...]:
    """Capabilities the type declares (``battery_sink``, ``ev_fleet``...)."""
    found = entry(type_name)
    return found.provides if found is not None else ()


def type_names() -> list[str]:
    """Every registered type name, sorted (imports nothing beyond the catalogues)."""
    load_entry_points()
    return sorted(_TYPES)


def available_types() -> dict[str, type[Component]]:
    """All registered types with their classes, sorted by name (imports every class)."""
    return {name: get_type(name) for name in type_names()}
