"""Shipped scenarios (YAML) and the data tables they use; ``path()`` finds them after install."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def path(name: str) -> Path:
    """Absolute path of a shipped scenario or data file, e.g. ``path("quickstart.yaml")``."""
    return Path(str(files(__name__).joinpath(name)))
