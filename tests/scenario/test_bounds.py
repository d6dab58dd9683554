"""Every number of the scenario schema is finite and bounded above and below, each bound with
its reason: a field's own bounds, or the ceiling of its unit with a source."""

from __future__ import annotations

import math
import re

import pytest

from ecosim.errors import ScenarioError
from ecosim.scenario import load_scenario
from ecosim.scenario.loader import all_schema_paths
from ecosim.scenario.params import bounds_of, field_info
from ecosim.scenario.schema import CEILINGS, ceiling, numeric_kind

NUMERIC = [p for p in all_schema_paths() if numeric_kind(field_info(p).annotation) is not None]


def test_every_number_has_finite_bounds_both_ways() -> None:
    """Every numeric field (new ones included) has a finite lower and upper bound; a unit without a ceiling fails here."""
    lacking = []
    for path in NUMERIC:
        b = bounds_of(path)
        low = b.get("ge", b.get("gt"))
        high = b.get("le", b.get("lt"))
        if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)) or not low < high:
            unit = (field_info(path).json_schema_extra or {}).get("unit")
            lacking.append(f"{path} [{unit}]: {b}")
    assert not lacking, "give these fields bounds, or their unit a ceiling in ecosim.scenario.schema.CEILINGS: " + "; ".join(lacking)


def test_every_ceiling_has_a_reason() -> None:
    """Each unit's ceiling is finite, positive, far below 1e308, and says why (a source or the reason)."""
    for unit, (value, why) in CEILINGS.items():
        assert 0 < value <= 1e35, unit
        assert len(why) >= 10, unit


def test_ceilings_sit_above_every_bundled_value() -> None:
    """No bundled scenario comes within a factor 2 of a ceiling: the ceilings judge no scenario, they only stop nonsense."""
    from ecosim.scenario import bundled_scenarios

    for name in bundled_scenarios():
        for path, value in _leaves(load_scenario(name).data, ""):
            top = ceiling(field_info(path)) if path in NUMERIC_BY_VALUE else None
            if top is not None:
                assert abs(value) <= top[0] / 2, f"{name}: {path} = {value} is within a factor 2 of its unit's ceiling {top[0]:g}"


def _leaves(node: object, prefix: str) -> list[tuple[str, float]]:
    """Every number of a scenario's data with its path."""
    if isinstance(node, dict):
        return [x for k, v in node.items() for x in _leaves(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(node, list):
        return [x for i, v in enumerate(node) for x in _leaves(v, f"{prefix}[{i}]")]
    if isinstance(node, int | float) and not isinstance(node, bool):
        return [(prefix, float(node))]
    return []


NUMERIC_BY_VALUE = {p.replace("[0]", f"[{i}]") for p in NUMERIC for i in range(20)}


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "-1e308"])
def test_every_number_refuses_non_finite_and_huge(value: str) -> None:
    """NaN, infinities and ±1e308 are refused in every numeric field of the scenario (sampled: one per unit)."""
    seen: set[str] = set()
    for path in NUMERIC:
        unit = str((field_info(path).json_schema_extra or {}).get("unit"))
        if unit in seen or "[" in path or numeric_kind(field_info(path).annotation) != "number" or path.startswith("scenario."):
            continue
        seen.add(unit)
        with pytest.raises(ScenarioError, match=re.escape(path) + " must be"):
            load_scenario("history", [f"{path}={value}"])
    assert len(seen) > 40
