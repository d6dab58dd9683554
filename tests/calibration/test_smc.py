"""The ABC-SMC sampler on small synthetic models with known parameters."""

from __future__ import annotations

import numpy as np

from ecosim.calibration.smc import (
    ABCSMC,
    Prior,
    Settings,
    ess,
    next_epsilon,
    run,
    systematic_resample,
)
from ecosim.experiments.distributions import Dist

T = np.arange(8.0)
NOISE = 0.3


def _line(theta: np.ndarray, seed: int) -> np.ndarray:
    """y_t = a + b t + noise, for a batch of (a, b) at once (the member axis of a toy model)."""
    rng = np.random.default_rng(seed)
    return theta[:, :1] + theta[:, 1:2] * T[None, :] + rng.normal(0.0, NOISE, (len(theta), len(T)))


def _sampler(observed: np.ndarray, settings: Settings, seed: int = 11) -> ABCSMC:
    prior = Prior(("a", "b"), (Dist("uniform", low=-5.0, high=5.0), Dist("uniform", low=0.0, high=5.0)), (False, False))

    def distance(s: np.ndarray) -> np.ndarray:
        return np.sqrt(np.mean(((s - observed) / NOISE) ** 2, axis=1))

    return ABCSMC(prior, distance, settings, seed)


def _simulator(seed: int):
    def simulate(theta: np.ndarray, generation: int, move: int) -> np.ndarray:
        return _line(theta, seed * 1000 + generation * 10 + move)

    return simulate


def test_recovers_known_parameters_within_90pct_interval() -> None:
    """Data drawn at a=1.5, b=2.0: the truth lies inside the posterior's 5-95 % interval, which is narrower than the prior's."""
    truth = np.array([[1.5, 2.0]])
    observed = _line(truth, 99)[0]
    smc = _sampler(observed, Settings(particles=800, alpha=0.5, min_acceptance=0.1, max_generations=12))
    pop = run(smc, _simulator(1))
    theta = smc.prior.theta(pop.z)
    w = pop.weight
    for j, (lo_prior, hi_prior) in enumerate(((-5.0, 5.0), (0.0, 5.0))):
        order = np.argsort(theta[:, j])
        cdf = np.cumsum(w[order])
        lo, hi = theta[order, j][np.searchsorted(cdf, 0.05)], theta[order, j][np.searchsorted(cdf, 0.95)]
        assert lo <= truth[0, j] <= hi, (j, lo, hi)
        assert hi - lo < 0.25 * (hi_prior - lo_prior)
    assert pop.generation >= 3


def test_same_seed_same_posterior_and_other_seed_differs() -> None:
    """The sampler is a pure function of its seed and the simulations it is given."""
    observed = _line(np.array([[0.0, 1.0]]), 5)[0]
    a = run(_sampler(observed, Settings(particles=200, max_generations=4)), _simulator(2))
    b = run(_sampler(observed, Settings(particles=200, max_generations=4)), _simulator(2))
    c = run(_sampler(observed, Settings(particles=200, max_generations=4), seed=12), _simulator(2))
    assert np.array_equal(a.z, b.z) and np.array_equal(a.weight, b.weight)
    assert not np.array_equal(a.z, c.z)


def test_tolerance_keeps_alpha_of_the_ess() -> None:
    """eps_n is the smallest distance at which alpha x ESS survives: with 10 equal weights and alpha 0.3, the 3rd smallest."""
    d = np.array([5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 8.0, 4.0, 6.0, 10.0])
    assert next_epsilon(d, np.full(10, 0.1), 0.3) == 3.0
    assert ess(np.array([0.5, 0.5, 0.0])) == 2.0


def test_systematic_resampling_keeps_proportions() -> None:
    """Systematic resampling of weights (0.5, 0.25, 0.25) over 8 draws gives 4, 2 and 2 copies."""
    counts = np.bincount(systematic_resample(np.r_[0.5, 0.25, 0.25, np.zeros(5)], np.random.default_rng(3)), minlength=8)
    assert counts[:3].tolist() == [4, 2, 2] and counts[3:].sum() == 0


def test_latent_map_round_trips_and_log_uniform() -> None:
    """theta(latent(x)) = x; a log-uniform prior's median is the geometric mean of its ends."""
    prior = Prior(("x", "y"), (Dist("uniform", low=2.0, high=4.0), Dist("uniform", low=np.log(1.0), high=np.log(100.0))), (False, True))
    x = np.array([[2.5, 3.0], [3.9, 50.0]])
    assert np.allclose(prior.theta(prior.latent(x)), x)
    assert np.allclose(prior.theta(np.zeros((1, 2))), [[3.0, 10.0]])
