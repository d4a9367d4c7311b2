"""Scenario files: YAML with a clock, a seed, components by type, and named variants of overrides."""

from simcore.scenario.loader import ResolvedScenario, load_scenario, resolve_scenario
from simcore.scenario.overrides import parse_set_option

__all__ = ["ResolvedScenario", "load_scenario", "resolve_scenario", "parse_set_option"]
