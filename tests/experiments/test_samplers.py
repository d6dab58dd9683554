"""Samplers and distributions: each design has its documented size and stays within bounds."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from ecosim.experiments import load_experiment
from ecosim.experiments.distributions import Dist
from ecosim.experiments.samplers import build_design, design_size, unit_points

HEAD = """
[experiment]
name = "s"
description = "sampler test"
scenario = "baseline"
sampler = "{sampler}"
size = {size}
seed = 3
replications = {reps}
chunk_size = 7
{extra}

[uncertainties."launch.starship.cost_progress_ratio"]
distribution = "uniform"
low = 0.7
high = 0.9
source = "assumption"

[uncertainties."orbital_dc.satellite_hardware_usd_per_w"]
distribution = "triangular"
low = 5
mode = 22
high = 40
source = "assumption"

[uncertainties."capital_market.risk_free_pct"]
distribution = "normal"
mean = 4.5
sd = 0.5
low = 3.0
high = 6.0
source = "assumption"

[outcomes.cost]
metric = "launch_cost_usd_per_kg"
year = 2030
direction = "minimize"
"""
BOUNDS = {"starship_cost_progress_ratio": (0.7, 0.9), "orbital_dc_satellite_hardware_usd_per_w": (5, 40), "capital_market_risk_free_pct": (3.0, 6.0)}


def _spec(write_experiment, sampler: str, size: int, reps: int = 1, extra: str = ""):  # type: ignore[no-untyped-def]
    return load_experiment(write_experiment(HEAD.format(sampler=sampler, size=size, reps=reps, extra=extra)))


@pytest.mark.parametrize(
    ("sampler", "size", "extra", "draws"),
    [
        ("grid", 3, "", 3 * 3 * 3),
        ("monte_carlo", 50, "", 50),
        ("lhs", 40, "", 40),
        ("sobol", 16, "", 16 * (3 + 2)),
        ("sobol", 16, "second_order = true", 16 * (2 * 3 + 2)),
        ("morris", 6, "levels = 4", 6 * (3 + 1)),
    ],
)
def test_size_and_bounds(write_experiment, sampler: str, size: int, extra: str, draws: int) -> None:  # type: ignore[no-untyped-def]
    """Each sampler gives its documented number of draws, every value within its distribution's support."""
    spec = _spec(write_experiment, sampler, size, reps=2, extra=extra)
    d = build_design(spec)
    assert d.n_draws == draws
    assert d.n_runs == 2 * draws == design_size(spec)[2]
    for col, (lo, hi) in BOUNDS.items():
        v = d.frame[col].to_numpy()
        assert np.all((v >= lo) & (v <= hi)), col
    assert d.frame["run_id"].tolist() == list(range(d.n_runs))
    # replications repeat each draw's inputs
    first = d.frame["starship_cost_progress_ratio"].to_numpy()
    assert_allclose(first[::2], first[1::2])


def test_grid_includes_range_ends(write_experiment) -> None:  # type: ignore[no-untyped-def]
    """A grid over a bounded law spans it end to end; an unbounded one takes central quantiles."""
    d = build_design(_spec(write_experiment, "grid", 3))
    assert sorted(d.frame["starship_cost_progress_ratio"].unique()) == pytest.approx([0.7, 0.8, 0.9])
    assert sorted(d.frame["orbital_dc_satellite_hardware_usd_per_w"].unique()) == pytest.approx([5.0, 22.5, 40.0])


def test_lhs_is_stratified(write_experiment) -> None:  # type: ignore[no-untyped-def]
    """Latin hypercube: each input has exactly one point in each of the n equal-probability strata."""
    spec = _spec(write_experiment, "lhs", 40)
    u = unit_points(spec, np.random.SeedSequence(1))
    for j in range(u.shape[1]):
        assert sorted(np.floor(u[:, j] * 40).astype(int)) == list(range(40))


def test_morris_levels(write_experiment) -> None:  # type: ignore[no-untyped-def]
    """Morris draws sit on the (i + 0.5)/L quantiles: 4 distinct values per input for L = 4."""
    d = build_design(_spec(write_experiment, "morris", 6, extra="levels = 4"))
    v = np.sort(d.frame["starship_cost_progress_ratio"].unique())
    assert_allclose(v, 0.7 + 0.2 * (np.arange(4) + 0.5) / 4)


def test_chunks_cover_runs_once_with_fixed_seeds(write_experiment) -> None:  # type: ignore[no-untyped-def]
    """Chunks partition the runs in order, at most chunk_size each; seeds depend on the experiment seed only."""
    spec = _spec(write_experiment, "monte_carlo", 50)
    a, b = build_design(spec), build_design(spec)
    covered = np.concatenate([np.arange(c.first_run, c.first_run + c.runs) for c in a.chunks])
    assert covered.tolist() == list(range(50))
    assert max(c.runs for c in a.chunks) == 7 and len(a.chunks) == 8
    assert [c.seed for c in a.chunks] == [c.seed for c in b.chunks]
    assert len({c.seed for c in a.chunks}) == len(a.chunks)


def test_text_levers_split_chunks(write_experiment) -> None:  # type: ignore[no-untyped-def]
    """A lever that cannot vary between members (text) never shares a chunk across its settings."""
    extra = '\n[levers."terrestrial_dc.energy_source"]\nvalues = ["grid", "onsite_gas"]\nsource = "assumption"\n'
    spec = load_experiment(write_experiment(HEAD.format(sampler="monte_carlo", size=10, reps=1, extra="") + extra))
    d = build_design(spec)
    assert [(c.first_run, c.runs, c.group) for c in d.chunks] == [(0, 7, 0), (7, 3, 0), (10, 7, 1), (17, 3, 1)]
    assert d.groups == [{"terrestrial_dc.energy_source": "grid"}, {"terrestrial_dc.energy_source": "onsite_gas"}]


def test_distribution_quantiles_match_scipy() -> None:
    """Inverse CDFs: triangular, truncated normal, lognormal median, discrete weights (hand and scipy values)."""
    u = np.array([0.1, 0.5, 0.9])
    tri = Dist("triangular", low=0.0, mode=1.0, high=4.0)
    # F(x) = x^2/4 on [0, 1]: F^-1(0.1) = sqrt(0.4)
    assert_allclose(tri.ppf(u)[0], np.sqrt(0.4))
    assert_allclose(tri.ppf(u), stats.triang(c=0.25, loc=0, scale=4).ppf(u))
    tn = Dist("normal", mean=0.0, sd=1.0, low=0.0, high=1.0)
    assert_allclose(tn.ppf(u), stats.truncnorm(0.0, 1.0).ppf(u))
    assert_allclose(Dist("lognormal", median=20.0, sigma=0.5).ppf(np.array([0.5])), [20.0])
    disc = Dist("discrete", values=(1.0, 2.0, 3.0), weights=(0.2, 0.3, 0.5))
    draws = disc.ppf(np.random.default_rng(0).random(100_000))
    assert_allclose([np.mean(draws == v) for v in (1.0, 2.0, 3.0)], [0.2, 0.3, 0.5], atol=0.005)


def test_monte_carlo_moments(write_experiment) -> None:  # type: ignore[no-untyped-def]
    """Monte Carlo draws reproduce the laws' means: uniform (0.8) and triangular ((5+22+40)/3)."""
    d = build_design(_spec(write_experiment, "monte_carlo", 20_000))
    assert_allclose(d.frame["starship_cost_progress_ratio"].mean(), 0.8, rtol=3e-3)
    assert_allclose(d.frame["orbital_dc_satellite_hardware_usd_per_w"].mean(), (5 + 22 + 40) / 3, rtol=5e-3)
