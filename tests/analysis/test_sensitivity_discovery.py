"""Sensitivity (Sobol', Morris) and scenario discovery (PRIM) against known answers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ecosim.analysis.discovery import condition, describe_box, prim_box
from ecosim.analysis.sensitivity import mean_by_draw, morris_indices, sobol_indices


def _ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_ishigami_published_indices() -> None:
    """Ishigami (a=7, b=0.1): S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244 (Saltelli et al. 2008, Global Sensitivity Analysis, 4.3)."""
    from SALib.sample import sobol

    u = sobol.sample({"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}, 4096, calc_second_order=False, seed=1)
    first, s2 = sobol_indices(_ishigami(u), ["x1", "x2", "x3"], seed=1)
    assert s2 is None
    assert_allclose(first["S1"], [0.314, 0.442, 0.0], atol=0.03)
    assert_allclose(first["ST"], [0.558, 0.442, 0.244], atol=0.03)
    assert (first["S1_conf"] > 0).all() and (first["S1_conf"] < 0.1).all()


def test_morris_linear_effects() -> None:
    """For y = 3 u1 + 1 u2 + 0 u3 every elementary effect is the coefficient: mu* = (3, 1, 0), sigma = 0."""
    from SALib.sample import morris

    x = morris.sample({"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}, 20, num_levels=4, seed=2)
    y = 3 * x[:, 0] + 1 * x[:, 1]
    res = morris_indices(x, y, ["a", "b", "c"], levels=4, seed=2)
    assert_allclose(res["mu_star"], [3.0, 1.0, 0.0], atol=1e-9)
    assert_allclose(res["sigma"], [0.0, 0.0, 0.0], atol=1e-9)


def test_mean_by_draw_averages_replications_and_flags_missing() -> None:
    """Replications of a draw are averaged; a draw without a successful run is NaN and counted."""
    df = pd.DataFrame({"draw": [0, 0, 1, 1, 2], "status": ["ok", "ok", "ok", "failed", "failed"], "y": [1.0, 3.0, 5.0, np.nan, np.nan]})
    y, missing = mean_by_draw(df, "y", 3)
    assert_allclose(y[:2], [2.0, 5.0]) and np.isnan(y[2])
    assert missing == 1


@pytest.mark.slow
def test_prim_recovers_a_box() -> None:
    """Runs of interest where a > 0.6 and b < 0.3: PRIM finds that box (coverage and density near 1), c left free."""
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 4000), "b": rng.uniform(0, 1, 4000), "c": rng.uniform(0, 1, 4000)})
    y = condition((x["a"] > 0.6) & (x["b"] < 0.3), ">=", 1.0)
    res = prim_box(x, y, name="t", label="test", density_threshold=0.9)
    assert res.coverage > 0.9 and res.density > 0.9
    lim = res.limits.set_index("input")
    assert lim.loc["a", "restricted"] and lim.loc["b", "restricted"] and not lim.loc["c", "restricted"]
    assert_allclose([lim.loc["a", "min"], lim.loc["b", "max"]], [0.6, 0.3], atol=0.03)
    lines = describe_box(res, {"a": "USD/W"})
    assert any(re.match(r"a in \[0\.(59|60)\d*, 0\.99\d*\] USD/W \(of \[", line) for line in lines), lines


def test_prim_with_categories_and_nothing_to_find() -> None:
    """A text input is a category PRIM can restrict; no run of interest gives a note, not an error."""
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 2000), "src": rng.choice(["grid", "onsite_gas"], 2000)})
    y = (x["src"] == "grid").to_numpy() & (x["a"] > 0.5).to_numpy()
    res = prim_box(x, y, name="t", label="t", density_threshold=0.9)
    lim = res.limits.set_index("input")
    assert lim.loc["src", "restricted"] and lim.loc["src", "values"] == "grid"
    none = prim_box(x, np.zeros(2000, dtype=bool), name="n", label="n")
    assert none.of_interest == 0 and "no run meets the condition" in none.note and none.trajectory.empty
