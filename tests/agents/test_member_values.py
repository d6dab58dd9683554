"""Every numeric scenario field can differ between ensemble members (what experiments vary), and
each member computes what a model of its own values alone computes."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from pydantic import BaseModel

from ecosim.metrics import METRICS
from ecosim.model import EcosimModel
from ecosim.scenario import LoadedScenario, load_scenario
from ecosim.scenario.params import bounds_of, field_info, is_numeric

K = 3


def numeric_fields(node: BaseModel, prefix: str = "") -> Iterator[tuple[str, float]]:
    """Every numeric field a loaded scenario gives a value, as (path, value): defaults included,
    every item of a list section (``pv.suppliers[3].x``), whole-number fields too."""
    for name in type(node).model_fields:
        value = getattr(node, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            yield from numeric_fields(value, path + ".")
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            for i, item in enumerate(value):
                yield from numeric_fields(item, f"{path}[{i}].")
        elif isinstance(value, int | float) and not isinstance(value, bool) and path != "scenario.seed" and is_numeric(path):
            yield path, float(value)


def varied(loaded: LoadedScenario) -> dict[str, np.ndarray]:
    """Each numeric field of the scenario: member 0 as is, member k 2k % off (0.01 k from 0; a
    whole-number field k off), downward where upward leaves its bounds."""
    k = np.arange(K)
    out = {}
    for path, v in numeric_fields(loaded.model):
        whole = field_info(path).annotation is int
        b = bounds_of(path)
        top = min(b.get("le", np.inf), b.get("lt", np.inf) - 1e-9)
        up = v + k if whole else (v * (1 + 0.02 * k) if v else 0.01 * k)
        out[path] = np.where(up > top, v - k if whole else v * (1 - 0.02 * k), up)
    return out


def series(loaded: LoadedScenario, values: dict[str, np.ndarray], members: int) -> dict[str, np.ndarray]:
    """Every metric (months, members) of a model of ``members`` members, each drawing as a
    one-member model of the scenario's seed does."""
    seed = int(loaded.model.scenario.seed)
    model = EcosimModel(loaded, members=members, member_values=values, record_ledger=False, member_seeds=[(seed, 1)] * members)
    model.run()
    return {name: model.series(name) for name in METRICS}


def differing(loaded: LoadedScenario, values: dict[str, np.ndarray], joint: dict[str, np.ndarray] | None = None) -> dict[int, list[str]]:
    """The metrics in which a member of the joint model (``joint``, if run) differs from its
    own one-member model."""
    joint = series(loaded, values, K) if joint is None else joint
    out = {}
    for k in range(K):
        alone = series(loaded, {p: v[k : k + 1] for p, v in values.items()}, 1)
        bad = [n for n in METRICS if not np.array_equal(joint[n][:, k], alone[n][:, 0], equal_nan=True)]
        if bad:
            out[k] = bad
    return out


def culprits(loaded: LoadedScenario, values: dict[str, np.ndarray]) -> list[str]:
    """The fields that alone make a member differ from its own model (halving the set; only
    called when a test fails, to name them)."""
    if not differing(loaded, values):
        return []
    if len(values) == 1:
        return list(values)
    paths = list(values)
    half = len(paths) // 2
    return culprits(loaded, {p: values[p] for p in paths[:half]}) + culprits(loaded, {p: values[p] for p in paths[half:]})


def check_each_member_alone(name: str, end: str) -> None:
    loaded = load_scenario(name, [f'scenario.end_month="{end}"'])
    values = varied(loaded)
    assert len(values) > 700 and any(field_info(p).annotation is int for p in values)
    joint = series(loaded, values, K)
    fcf = joint["spacex_fcf_usd"]
    assert np.isfinite(fcf).all() and not np.array_equal(fcf[:, 0], fcf[:, 2])  # finite, and the members do differ
    bad = differing(loaded, values, joint)
    if bad:
        pytest.fail(f"{name}: members differ from their own runs in {bad}; fields read for all members: {culprits(loaded, values)}")


@pytest.mark.parametrize(("name", "end"), [("history", "2021-12"), ("baseline", "2027-12")])
def test_each_member_computes_what_it_computes_alone(name: str, end: str) -> None:
    """A model whose members differ in every numeric field (defaults, list items and whole
    numbers included) runs, stays finite, and gives each member exactly the series of a
    one-member model of its own values: no field is read once for all members (a ring sized by the largest member's term, a
    switch on any member's value, a per-member value broadcast on another axis)."""
    check_each_member_alone(name, end)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["history", "baseline", "musk_narrative", "skeptic", "china_pv", "kuiper_race", "regulatory_drag"])
def test_each_member_computes_what_it_computes_alone_to_the_end(name: str) -> None:
    """The same over each bundled scenario's whole run (a field read only in later years)."""
    check_each_member_alone(name, load_scenario(name).model.scenario.end_month)
