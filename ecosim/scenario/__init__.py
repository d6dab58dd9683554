"""Scenarios: the typed schema, loading TOML with ``extends`` and ``--set``, validation."""

from ecosim.scenario.loader import (
    LoadedScenario,
    bundled_dir,
    bundled_scenarios,
    load_scenario,
    parse_set,
)
from ecosim.scenario.schema import Scenario

__all__ = ["LoadedScenario", "Scenario", "bundled_dir", "bundled_scenarios", "load_scenario", "parse_set"]
