"""The evcycle kernel: World, clock, random streams, trace and breakpoints, registry, scenarios.

Names are imported on first use (PEP 562), so ``import simcore`` and the command line start without
loading Mesa, SimPy or pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Component": "simcore.component",
    "ComponentParams": "simcore.params",
    "ComponentRef": "simcore.params",
    "FieldsError": "simcore.params",
    "InputError": "simcore.errors",
    "StopReason": "simcore.world",
    "World": "simcore.world",
    "register": "simcore.registry",
    "register_lazy": "simcore.registry",
}
__all__ = [*sorted(_LAZY), "__version__"]

if TYPE_CHECKING:
    from simcore.component import Component
    from simcore.errors import InputError
    from simcore.params import ComponentParams, ComponentRef, FieldsError
    from simcore.registry import register, register_lazy
    from simcore.world import StopReason, World


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcore' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
