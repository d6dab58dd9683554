"""Every numeric scenario field can differ between ensemble members (what experiments vary)."""

from __future__ import annotations

import numpy as np
import pytest

from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario
from ecosim.scenario.loader import _split_path, all_schema_paths
from ecosim.scenario.params import bounds_of, field_info, is_numeric


def _value(data: dict, path: str) -> float | None:  # type: ignore[type-arg]
    node: object = data
    for part in _split_path(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
            node = node[part]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def _varied(name: str, K: int) -> dict[str, np.ndarray]:
    """Each float field of the scenario: member 0 as is, the others 2 % and 4 % off, within bounds."""
    data = load_scenario(name).data
    out = {}
    for path in all_schema_paths():
        v = _value(data, path)
        if v is None or not is_numeric(path) or field_info(path).annotation is int:
            continue
        b = bounds_of(path)
        vals = np.array([v * (1 + 0.02 * k) if v else 0.01 * k for k in range(K)])
        hi = min(b.get("le", np.inf), b.get("lt", np.inf) - 1e-9)
        vals = np.where(vals > hi, v * (1 - 0.02 * np.arange(K)), vals)
        out[path] = vals
    return out


@pytest.mark.parametrize(("name", "end"), [("history", "2025-12"), ("baseline", "2030-12")])
def test_all_float_fields_vary_between_members(name: str, end: str) -> None:
    """A model whose members differ in every float field runs, and each member stays finite."""
    K = 3
    values = _varied(name, K)
    assert len(values) > 300
    model = EcosimModel(load_scenario(name, [f'scenario.end_month="{end}"']), members=K, member_values=values, record_ledger=False)
    model.run()
    fcf = model.series("spacex_fcf_usd")
    assert fcf.shape[1] == K and np.isfinite(fcf).all()
    assert not np.array_equal(fcf[:, 0], fcf[:, 2])  # the members did differ
