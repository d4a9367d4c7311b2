"""The evcycle kernel: World, clock, random streams, trace and breakpoints, registry, scenarios."""

from simcore.component import Component, ComponentParams
from simcore.errors import InputError
from simcore.registry import register
from simcore.world import StopReason, World

__version__ = "0.1.0"
__all__ = ["Component", "ComponentParams", "InputError", "StopReason", "World", "register", "__version__"]
