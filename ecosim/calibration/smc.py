"""Adaptive approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), in NumPy.

The sampler of Del Moral, Doucet & Jasra (2012) [1]_ with one simulation per particle
(their M = 1), written so that every simulation of a generation is one *batch*: the batch is
run by the caller on the model's ensemble-member axis (one model advances hundreds of
particles at once) and may be split into chunks over worker processes. A generation:

1. **tolerance**: the new tolerance ``eps_n`` is the smallest distance at which the
   effective sample size (ESS) of the reweighted population is ``alpha`` times the last
   one's [1, eq. 12];
2. **reweight**: ``w_n ∝ w_{n-1} · 1[d ≤ eps_n]`` (particles outside the tolerance die);
3. **resample** (systematic) when the ESS falls below ``resample_frac · N``;
4. **move**: ``moves`` Metropolis-Hastings steps per living particle with a Gaussian random
   walk whose covariance is ``2.38² / d`` times the population's weighted covariance
   (Roberts & Rosenthal 2001 [2]_); a proposal is accepted when its simulated distance is
   within ``eps_n`` and by the prior ratio. The acceptance rate is recorded.

It stops when the acceptance rate falls below ``min_acceptance`` (the population no longer
moves: [1] stops the same way), when ``eps`` reaches ``epsilon_min``, after
``max_generations``, or before a generation would exceed ``max_simulations``.

Parameters live in a *latent* space where the prior is standard normal: a parameter with
prior CDF ``F`` is ``theta = F^-1(Phi(z))``, so every prior (uniform, log-uniform, normal,
...) is handled alike, the random walk has no walls, and the prior ratio in step 4 is
``phi(z') / phi(z)``.

Determinism: every random draw comes from a generator seeded by ``(seed, generation, move,
purpose)`` (NumPy ``SeedSequence``), and batches are given to the caller whole, so the same
seed gives the same posterior whatever runs the simulations, in whatever order.

Why not a library: ELFI [3]_ runs batched simulators (its batches could be ensemble
members) but pins ``matplotlib<3.9`` and pulls GPy, ipyparallel and arviz, keeps its SMC
rounds in memory only (no resume after a crash) and draws until a count is accepted (no
fixed budget per generation); pyabc [4]_ and ABCpy [5]_ simulate one particle per call
(ABCpy does not install on Python 3.11). ``docs/calibration.md`` has the comparison.

References
----------
.. [1] P. Del Moral, A. Doucet, A. Jasra, "An adaptive sequential Monte Carlo method for
   approximate Bayesian computation", Statistics and Computing 22 (2012) 1009-1020.
.. [2] G. O. Roberts, J. S. Rosenthal, "Optimal scaling for various Metropolis-Hastings
   algorithms", Statistical Science 16 (2001) 351-367.
.. [3] J. Lintusaari et al., "ELFI: Engine for likelihood-free inference", JMLR 19 (2018).
.. [4] E. Klinger, D. Rickert, J. Hasenauer, "pyABC: distributed, likelihood-free
   inference", Bioinformatics 34 (2018) 3591-3593.
.. [5] R. Dutta et al., "ABCpy: a high-performance computing perspective to approximate
   Bayesian computation", J. Stat. Software 100 (2021).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats

from ecosim.experiments.distributions import Dist
from ecosim.results.posterior import weighted_index

#: purposes of the random streams of a generation (part of each stream's seed)
_INIT, _RESAMPLE, _PROPOSE, _ACCEPT = 0, 1, 2, 3


def stream(seed: int, generation: int, move: int, purpose: int) -> np.random.Generator:
    """The random generator of one step of the sampler (independent of everything else).

    >>> float(stream(1, 2, 0, 3).random()) == float(stream(1, 2, 0, 3).random())
    True
    """
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(generation), int(move), int(purpose)]))


@dataclass(frozen=True)
class Prior:
    """Independent priors of the parameters, as maps from the standard-normal latent space.

    ``log[i]`` marks a log-uniform prior: ``dists[i]`` is then uniform on the logarithms.
    """

    names: tuple[str, ...]
    dists: tuple[Dist, ...]
    log: tuple[bool, ...]

    @property
    def dim(self) -> int:
        return len(self.names)

    def theta(self, z: np.ndarray) -> np.ndarray:
        """Parameter values of latent points ``z`` (n, d) -> (n, d)."""
        u = stats.norm.cdf(np.asarray(z, dtype=float))
        cols = [d.ppf(u[:, i]) for i, d in enumerate(self.dists)]
        out = np.column_stack(cols) if cols else np.zeros((len(u), 0))
        lg = np.asarray(self.log, dtype=bool)
        out[:, lg] = np.exp(out[:, lg])
        return out

    def latent(self, theta: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`theta` for continuous priors (n, d) -> (n, d)."""
        theta = np.asarray(theta, dtype=float).copy()
        lg = np.asarray(self.log, dtype=bool)
        theta[:, lg] = np.log(theta[:, lg])
        cols = []
        for i, d in enumerate(self.dists):
            if d.kind == "uniform":
                u = (theta[:, i] - float(d.low)) / (float(d.high) - float(d.low))  # type: ignore[arg-type]
            else:
                u = d._frozen().cdf(theta[:, i])
            cols.append(stats.norm.ppf(np.clip(u, 1e-15, 1 - 1e-15)))
        return np.column_stack(cols)


@dataclass(frozen=True)
class Settings:
    """Tuning of the sampler (defaults from [1]: alpha 0.9 there; 0.5 spends a budget faster)."""

    particles: int = 1000
    alpha: float = 0.5  #: ESS kept from one tolerance to the next [-]
    resample_frac: float = 0.5  #: resample when ESS < this x particles [-]
    moves: int = 1  #: Metropolis-Hastings steps per particle and generation
    min_acceptance: float = 0.05  #: stop when the acceptance rate falls below [-]
    epsilon_min: float = 0.0  #: stop when the tolerance reaches it [discrepancy units]
    max_generations: int = 20
    max_simulations: int = 10**9

    def check(self) -> None:
        if self.particles < 2:
            raise ValueError(f"particles must be >= 2 (got {self.particles})")
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1) (got {self.alpha})")
        if not 0 < self.resample_frac <= 1:
            raise ValueError(f"resample_frac must be in (0, 1] (got {self.resample_frac})")
        if self.moves < 1:
            raise ValueError(f"moves must be >= 1 (got {self.moves})")


@dataclass
class Population:
    """The particle population after a generation (everything a resume needs)."""

    generation: int
    z: np.ndarray  #: (N, d) latent positions
    distance: np.ndarray  #: (N,) discrepancy of each particle's simulation
    summaries: np.ndarray  #: (N, R) each particle's simulated summaries
    weight: np.ndarray  #: (N,) normalised weights
    epsilon: float  #: tolerance of this generation
    acceptance: float = float("nan")  #: Metropolis-Hastings acceptance rate of its moves
    simulations: int = 0  #: simulations so far, all generations
    resampled: bool = False
    stop: str = ""  #: why the sampler stopped after this generation ("" if it goes on)
    proposals: int = 0
    accepted: int = 0

    @property
    def ess(self) -> float:
        return ess(self.weight)


def ess(w: np.ndarray) -> float:
    """Effective sample size ``(sum w)^2 / sum w^2`` (Kong 1992).

    >>> ess(np.array([1.0, 1.0, 0.0, 0.0]))
    2.0
    """
    s = float(np.sum(w))
    return s * s / float(np.sum(w * w)) if s > 0 else 0.0


def next_epsilon(distance: np.ndarray, weight: np.ndarray, alpha: float) -> float:
    """Smallest tolerance whose reweighted population keeps ``alpha`` x the current ESS.

    >>> next_epsilon(np.array([1.0, 2.0, 3.0, 4.0]), np.full(4, 0.25), 0.5)
    2.0
    """
    target = alpha * ess(weight)
    order = np.argsort(distance, kind="stable")
    d, w = distance[order], weight[order]
    cw, cw2 = np.cumsum(w), np.cumsum(w * w)
    with np.errstate(invalid="ignore", divide="ignore"):
        e = np.where(cw2 > 0, cw * cw / cw2, 0.0)
    # the ESS of {d <= d[i]} counts every particle tied with d[i]
    last_of_tie = np.r_[d[1:] != d[:-1], True]
    ok = np.flatnonzero(last_of_tie & (e >= target - 1e-12) & np.isfinite(d))
    if len(ok) == 0:
        finite = d[np.isfinite(d)]
        return float(finite.max()) if len(finite) else float("inf")
    return float(d[ok[0]])


def systematic_resample(weight: np.ndarray, rng: np.random.Generator, n: int | None = None) -> np.ndarray:
    """Indices drawn by systematic resampling (Kitagawa 1996): ``n`` (default N) draws proportional to ``weight``."""
    n = len(weight) if n is None else int(n)
    return weighted_index(weight, (rng.random() + np.arange(n)) / n)


@dataclass(frozen=True)
class Move:
    """One batch of Metropolis-Hastings proposals of a generation."""

    generation: int
    move: int
    idx: np.ndarray  #: particles that propose (living ones)
    z: np.ndarray  #: (len(idx), d) proposed latent positions


@dataclass
class ABCSMC:
    """The sampler's steps (pure: the caller simulates, stores and loops; see :func:`run`)."""

    prior: Prior
    observed_distance: Callable[[np.ndarray], np.ndarray]  #: summaries (n, R) -> distances (n,)
    settings: Settings = field(default_factory=Settings)
    seed: int = 0

    def initial(self) -> np.ndarray:
        """Latent draws of generation 0 from the prior, (N, d)."""
        return stream(self.seed, 0, 0, _INIT).standard_normal((self.settings.particles, self.prior.dim))

    def first(self, z: np.ndarray, summaries: np.ndarray) -> Population:
        d = self.observed_distance(summaries)
        n = len(z)
        finite = d[np.isfinite(d)]
        eps = float(finite.max()) if len(finite) else float("inf")
        w = np.where(np.isfinite(d), 1.0, 0.0)
        return Population(0, z, d, summaries, w / w.sum(), eps, simulations=n)

    def reweight(self, pop: Population) -> Population:
        """Steps 1-3: the next generation's tolerance, weights and (perhaps) resampled particles."""
        s = self.settings
        g = pop.generation + 1
        eps = max(next_epsilon(pop.distance, pop.weight, s.alpha), s.epsilon_min)
        w = pop.weight * (pop.distance <= eps)
        w = w / w.sum()
        z, d, summ, resampled = pop.z, pop.distance, pop.summaries, False
        if ess(w) < s.resample_frac * s.particles:
            idx = systematic_resample(w, stream(self.seed, g, 0, _RESAMPLE))
            z, d, summ, w = z[idx], d[idx], summ[idx], np.full(len(idx), 1.0 / len(idx))
            resampled = True
        return Population(g, z.copy(), d.copy(), summ.copy(), w, eps, simulations=pop.simulations, resampled=resampled)

    def propose(self, pop: Population, move: int) -> Move:
        """Step 4: random-walk proposals for the living particles."""
        alive = np.flatnonzero(pop.weight > 0)
        za, wa = pop.z[alive], pop.weight[alive]
        dim = self.prior.dim
        cov = np.atleast_2d(np.cov(za, rowvar=False, aweights=wa)) if len(alive) > 1 else np.eye(dim)
        cov = (2.38**2 / dim) * cov + 1e-9 * np.eye(dim)
        chol = np.linalg.cholesky(cov)
        xi = stream(self.seed, pop.generation, move, _PROPOSE).standard_normal((len(alive), dim))
        return Move(pop.generation, move, alive, za + xi @ chol.T)

    def accept(self, pop: Population, mv: Move, summaries: np.ndarray) -> Population:
        """Metropolis-Hastings: keep a proposal within the tolerance, by the prior ratio."""
        d_new = self.observed_distance(summaries)
        z_old = pop.z[mv.idx]
        log_ratio = -0.5 * (np.sum(mv.z**2, axis=1) - np.sum(z_old**2, axis=1))
        u = stream(self.seed, pop.generation, mv.move, _ACCEPT).random(len(mv.idx))
        ok = (d_new <= pop.epsilon) & (np.log(np.maximum(u, 1e-300)) < log_ratio)
        out = replace(pop, z=pop.z.copy(), distance=pop.distance.copy(), summaries=pop.summaries.copy())
        take = mv.idx[ok]
        out.z[take], out.distance[take], out.summaries[take] = mv.z[ok], d_new[ok], summaries[ok]
        out.simulations = pop.simulations + len(mv.idx)
        out.proposals = pop.proposals + len(mv.idx)
        out.accepted = pop.accepted + int(ok.sum())
        out.acceptance = out.accepted / max(out.proposals, 1)
        return out

    def stop_reason(self, pop: Population) -> str:
        """Why to stop after ``pop`` ("" to go on)."""
        s = self.settings
        if pop.generation >= 1 and pop.acceptance < s.min_acceptance:
            return f"acceptance {pop.acceptance:.3f} below {s.min_acceptance:g}"
        if pop.generation >= 1 and pop.epsilon <= s.epsilon_min:
            return f"tolerance reached epsilon_min {s.epsilon_min:g}"
        if pop.generation >= s.max_generations:
            return f"{s.max_generations} generations"
        alive = int(np.count_nonzero(pop.weight > 0))
        if pop.simulations + s.moves * alive > s.max_simulations:
            return f"the next generation would exceed max_simulations {s.max_simulations:,}"
        return ""


Simulate = Callable[[np.ndarray, int, int], np.ndarray]  #: (theta (n, d), generation, move) -> summaries (n, R)


def run(smc: ABCSMC, simulate: Simulate, on_generation: Callable[[Population], None] | None = None, start: Population | None = None) -> Population:
    """Run the sampler to its end in memory; ``simulate`` gets parameter values, not latents.

    ``start`` continues from a stored population; ``on_generation`` sees each finished one.
    """
    pop = start
    if pop is None:
        z0 = smc.initial()
        pop = smc.first(z0, simulate(smc.prior.theta(z0), 0, 0))
        pop.stop = smc.stop_reason(pop)
        if on_generation:
            on_generation(pop)
    while not pop.stop:
        pop = smc.reweight(pop)
        for move in range(smc.settings.moves):
            mv = smc.propose(pop, move)
            pop = smc.accept(pop, mv, simulate(smc.prior.theta(mv.z), pop.generation, move))
        pop.stop = smc.stop_reason(pop)
        if on_generation:
            on_generation(pop)
    return pop
