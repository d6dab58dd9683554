"""Samplers: from a validated experiment to its design — every run's inputs, chunks and seeds.

A design crosses three axes, in this order (``run_id`` counts through them)::

    lever settings (full factorial of the levers)  x  draws of the uncertainties  x  replications

Draws come from the sampler, always as points ``u`` in the unit hypercube mapped through
each uncertainty's inverse CDF (:mod:`ecosim.experiments.distributions`):

``grid``         full factorial of each uncertainty's grid values (``size`` points each)
``monte_carlo``  ``size`` pseudo-random points (NumPy ``Generator``)
``lhs``          ``size`` Latin-hypercube points (``scipy.stats.qmc.LatinHypercube``) [1]
``sobol``        Saltelli's scheme on a scrambled Sobol' sequence (``SALib.sample.sobol``):
                 ``size * (D + 2)`` points, ``size * (2 D + 2)`` with second order [2, 3]
``morris``       ``size`` one-at-a-time trajectories on a ``levels`` grid
                 (``SALib.sample.morris``): ``size * (D + 1)`` points [4]

Runs are grouped into chunks of at most ``chunk_size`` consecutive runs that one model
advances together on its member axis. A chunk never mixes settings of a lever that cannot
vary between members (text, yes/no and list fields): those settings are scenario overrides.
Chunk ``i``'s model seed is ``SeedSequence(seed).spawn(2)[1].spawn(n_chunks)[i]``, so a
run's results depend only on the experiment, never on how many workers ran it.

References
----------
[1] McKay, Beckman and Conover (1979). A comparison of three methods for selecting values of
    input variables in the analysis of output from a computer code. Technometrics 21(2).
[2] Saltelli, A. (2002). Making best use of model evaluations to compute sensitivity
    indices. Computer Physics Communications 145(2).
[3] Saltelli et al. (2010). Variance based sensitivity analysis of model output. Design and
    estimator for the total sensitivity index. Computer Physics Communications 181(2).
[4] Morris, M. D. (1991). Factorial sampling plans for preliminary computational
    experiments. Technometrics 33(2). Campolongo, Cariboni and Saltelli (2007), mu*.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecosim.experiments.spec import ExperimentSpec, InputSpec


@dataclass(frozen=True)
class ChunkPlan:
    """A chunk: consecutive runs ``[first_run, first_run + runs)`` advanced by one model."""

    id: int
    first_run: int
    runs: int
    seed: int
    group: int  # index of the setting of the levers that cannot vary between members


@dataclass
class Design:
    """Every run of an experiment, its chunks, and the sampler's unit-cube points."""

    frame: pd.DataFrame  # run_id, lever_setting, draw, replicate, then one column per input
    unit: np.ndarray | None  # (draws, uncertainties) points in [0, 1] (None for grid)
    settings: list[dict[str, Any]]  # lever setting index -> {path: value}
    groups: list[dict[str, Any]]  # group index -> {path: value} of the levers that split chunks
    chunks: list[ChunkPlan]
    n_draws: int
    count_text: str

    @property
    def n_runs(self) -> int:
        return len(self.frame)


def _seed_int(ss: np.random.SeedSequence) -> int:
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def unit_points(spec: ExperimentSpec, seed_seq: np.random.SeedSequence) -> np.ndarray:
    """The sampler's points in the unit hypercube, shape (draws, uncertainties)."""
    m = spec.meta
    d = len(spec.uncertainties)
    size = int(m.size or 0)
    if m.sampler == "monte_carlo":
        return np.random.default_rng(seed_seq).random((size, d))
    if m.sampler == "lhs":
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed_seq)).random(size)
    problem = {"num_vars": d, "names": [u.column for u in spec.uncertainties], "bounds": [[0.0, 1.0]] * d}
    if m.sampler == "sobol":
        from SALib.sample import sobol

        return np.asarray(sobol.sample(problem, size, calc_second_order=m.second_order, scramble=True, seed=_seed_int(seed_seq)))
    if m.sampler == "morris":
        from SALib.sample import morris

        return np.asarray(morris.sample(problem, size, num_levels=m.levels, seed=_seed_int(seed_seq)))
    raise ValueError(f"no unit points for sampler {m.sampler!r}")


def morris_quantiles(u: np.ndarray, levels: int) -> np.ndarray:
    """Morris grid levels {0, 1/(L-1), ..., 1} moved to the interior quantiles (i + 0.5)/L,
    so that unbounded distributions stay finite (a linear map: rankings are unchanged).

    >>> morris_quantiles(np.array([0.0, 1 / 3, 1.0]), 4).tolist()
    [0.125, 0.375, 0.875]
    """
    return (np.asarray(u) * (levels - 1) + 0.5) / levels


def draw_values(spec: ExperimentSpec, seed_seq: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray | None]:
    """Values of every uncertainty per draw (draws, uncertainties), and the unit points."""
    unc = spec.uncertainties
    if spec.meta.sampler == "grid":
        if not unc:
            return np.zeros((1, 0)), None
        n = int(spec.meta.size or 2)
        axes = [u.dist.grid(n) for u in unc]  # type: ignore[union-attr]
        return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(unc)), None
    u = unit_points(spec, seed_seq)
    q = morris_quantiles(u, spec.meta.levels) if spec.meta.sampler == "morris" else u
    values = np.column_stack([inp.dist.ppf(q[:, j]) for j, inp in enumerate(unc)])  # type: ignore[union-attr]
    return values, u


def lever_settings(levers: tuple[InputSpec, ...]) -> tuple[list[dict[str, Any]], list[int], list[dict[str, Any]]]:
    """Full factorial of the levers, those that split chunks varying slowest.

    Returns the settings ({path: value} each), the group of each setting, and the groups.
    """
    order = sorted(levers, key=lambda lv: lv.numeric)  # non-numeric first (outer loops)
    settings: list[dict[str, Any]] = []
    group_of: list[int] = []
    groups: list[dict[str, Any]] = []
    keys: dict[str, int] = {}
    for combo in itertools.product(*[lv.settings for lv in order]):
        setting = {lv.path: v for lv, v in zip(order, combo, strict=True)}
        split = {p: v for p, v in setting.items() if not next(lv for lv in order if lv.path == p).numeric}
        key = json.dumps(split, sort_keys=True, default=str)
        if key not in keys:
            keys[key] = len(groups)
            groups.append(split)
        settings.append(setting)
        group_of.append(keys[key])
    return settings, group_of, groups


def store_value(value: Any) -> Any:
    """A lever setting as stored in a table column: numbers as numbers, text as text,
    anything else (yes/no, lists) as its JSON text."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return json.dumps(value)
    return value


def build_design(spec: ExperimentSpec) -> Design:
    """Every run of the experiment with its inputs, and its chunks with their seeds."""
    m = spec.meta
    draws_ss, chunks_ss = np.random.SeedSequence(m.seed).spawn(2)
    values, unit = draw_values(spec, draws_ss)
    n_draws = values.shape[0]
    settings, group_of, groups = lever_settings(spec.levers)
    R = m.replications
    n_set = len(settings)
    n = n_set * n_draws * R

    s_idx = np.repeat(np.arange(n_set), n_draws * R)
    d_idx = np.tile(np.repeat(np.arange(n_draws), R), n_set)
    r_idx = np.tile(np.arange(R), n_set * n_draws)
    cols: dict[str, Any] = {"run_id": np.arange(n, dtype=np.int64), "lever_setting": s_idx, "draw": d_idx, "replicate": r_idx}
    for lv in spec.levers:
        per_setting = [store_value(s[lv.path]) for s in settings]
        cols[lv.column] = np.asarray(per_setting, dtype=float if lv.numeric else object)[s_idx]
    for j, u in enumerate(spec.uncertainties):
        cols[u.column] = values[d_idx, j] if n else np.zeros(0)
    frame = pd.DataFrame(cols)

    # chunks: consecutive runs of one group, at most chunk_size each
    bounds: list[tuple[int, int, int]] = []  # (first run, runs, group)
    per_setting_runs = n_draws * R
    start = 0
    for s in range(n_set + 1):
        if s == n_set or (s > 0 and group_of[s] != group_of[s - 1]):
            end = s * per_setting_runs
            for a in range(start, end, m.chunk_size):
                bounds.append((a, min(m.chunk_size, end - a), group_of[s - 1]))
            start = end
    seeds = [_seed_int(c) for c in chunks_ss.spawn(len(bounds))]
    chunks = [ChunkPlan(i, a, k, seeds[i], g) for i, (a, k, g) in enumerate(bounds)]
    return Design(frame, unit, settings, groups, chunks, n_draws, count_text(spec, n_set, n_draws, n))


def count_text(spec: ExperimentSpec, n_settings: int, n_draws: int, n_runs: int) -> str:
    """``3 lever settings × 500 draws × 2 seeds = 3,000 runs`` (with the sampler's own words)."""
    m = spec.meta
    d = len(spec.uncertainties)
    parts = []
    if spec.levers:
        parts.append(f"{n_settings:,} lever setting{'s' if n_settings != 1 else ''}")
    plural = "s" if n_draws != 1 else ""
    if m.sampler == "grid":
        parts.append(f"{n_draws:,} grid point{plural} of {d} uncertaint{'ies' if d != 1 else 'y'}" if d else "1 draw (no uncertainties)")
    elif m.sampler == "monte_carlo":
        parts.append(f"{n_draws:,} Monte Carlo draw{plural} of {d} uncertaint{'ies' if d != 1 else 'y'}")
    elif m.sampler == "lhs":
        parts.append(f"{n_draws:,} Latin-hypercube draw{plural} of {d} uncertaint{'ies' if d != 1 else 'y'}")
    elif m.sampler == "sobol":
        k = 2 * d + 2 if m.second_order else d + 2
        parts.append(f"{n_draws:,} Sobol' draws (N={m.size:,} × {k} for {d} uncertainties)")
    else:
        parts.append(f"{n_draws:,} Morris draws ({m.size:,} trajectories × {d + 1})")
    parts.append(f"{m.replications:,} seed{'s' if m.replications != 1 else ''}")
    return " × ".join(parts) + f" = {n_runs:,} runs"


def design_size(spec: ExperimentSpec) -> tuple[int, int, int]:
    """(lever settings, draws, runs) of an experiment, without sampling."""
    m = spec.meta
    d = len(spec.uncertainties)
    n_set = math.prod(len(lv.settings) for lv in spec.levers)
    size = int(m.size or 0)
    if m.sampler == "grid":
        n_draws = math.prod(u.dist.grid_size(size or 2) for u in spec.uncertainties if u.dist is not None)
    elif m.sampler == "sobol":
        n_draws = size * (2 * d + 2 if m.second_order else d + 2)
    elif m.sampler == "morris":
        n_draws = size * (d + 1)
    else:
        n_draws = size
    return n_set, n_draws, n_set * n_draws * m.replications
