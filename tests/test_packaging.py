"""Our top-level packages must be the ones imported: other PyPI distributions claim the same names."""

import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("package", ["simcore", "agents", "facilities", "scenarios", "viz"])
def test_top_level_package_resolves_inside_this_repository(package):
    module = importlib.import_module(package)
    location = Path(module.__file__).resolve()
    assert REPO in location.parents, (
        f"'{package}' imports from {location}, not from {REPO}: another distribution installed a package "
        f"of the same name; use a fresh virtual environment (see README)")


def test_default_scenario_ships_with_the_package():
    import scenarios

    assert scenarios.path("quickstart.yaml").is_file()
