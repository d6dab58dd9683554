"""AI capability from training compute and data (a Chinchilla scaling law).

References
----------
[1] Hoffmann, J. et al. (2022). Training Compute-Optimal Large Language Models.
    arXiv 2203.15556. L(N, D) = E + A/N^alpha + B/D^beta with E=1.69, A=406.4, B=410.7,
    alpha=0.34, beta=0.28; compute C = 6 N D; compute-optimal D ~ 20 N.
[2] Villalobos, P. et al. (2024). Will we run out of data? Epoch AI: ~300e12 tokens of
    public human text.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike


def chinchilla_loss(params: ArrayLike, tokens: ArrayLike, e: float, a: float, b: float, alpha: float, beta: float) -> np.ndarray:
    """Pre-training loss of a model with ``params`` parameters trained on ``tokens`` [nats/token].

    >>> round(float(chinchilla_loss(70e9, 1.4e12, 1.69, 406.4, 410.7, 0.34, 0.28)), 3)  # Chinchilla
    1.937
    """
    n = np.maximum(params, 1.0)  # float64 (the float 1.0 casts numbers and integer arrays)
    d = np.maximum(tokens, 1.0)
    return e + a / n**alpha + b / d**beta


def trained_model(compute_flop: ArrayLike, tokens_available: ArrayLike, tokens_per_param: float) -> tuple[np.ndarray, np.ndarray]:
    """Parameters and tokens of the best run a compute budget and a data stock allow.

    Compute-optimal: ``N = sqrt(C / (6 r))``, ``D = r N`` [1]. When the data stock is
    smaller than ``D``, the run is data-limited: ``D = stock`` and ``N = C / (6 D)``.

    >>> n, d = trained_model(5.88e23, 1e15, 20.0)
    >>> round(float(n) / 1e9), round(float(d) / 1e12, 1)
    (70, 1.4)
    """
    c = np.maximum(compute_flop, 1.0)  # float64 (the float 1.0 casts numbers and integer arrays)
    n_opt = np.sqrt(c / (6.0 * tokens_per_param))
    d_opt = tokens_per_param * n_opt
    d = np.minimum(d_opt, np.maximum(tokens_available, 1.0))
    n = c / (6.0 * d)
    return n, d


def capability_index(
    compute_flop: ArrayLike,
    tokens_available: ArrayLike,
    *,
    param_coeff: float,
    data_coeff: float,
    param_exponent: float,
    data_exponent: float,
    tokens_per_param_optimal: float,
    reference_compute_flop: float,
    reference_tokens: float,
) -> np.ndarray:
    """Capability relative to a reference run [index; reference = 1].

    The ratio of reducible losses, ``(L_ref - E) / (L - E)``: 2 means the model's
    reducible loss is half the reference's. The irreducible loss E cancels out, so the law
    needs no E.

    >>> law = dict(param_coeff=406.4, data_coeff=410.7, param_exponent=0.34,
    ...            data_exponent=0.28, tokens_per_param_optimal=20.0,
    ...            reference_compute_flop=1e26, reference_tokens=1e15)
    >>> float(capability_index(1e26, 1e15, **law))
    1.0
    >>> round(float(capability_index(1e27, 1e15, **law)), 2)   # 10x compute
    1.41
    """
    law = (tokens_per_param_optimal, param_coeff, data_coeff, param_exponent, data_exponent)
    return reference_reducible(reference_compute_flop, reference_tokens, *law) / reducible_loss(compute_flop, tokens_available, *law)


def reference_reducible(reference_compute_flop: float, reference_tokens: float, *law: float) -> np.ndarray:
    """:func:`reducible_loss` of a law's reference run (``law``: tokens per parameter, A, B,
    alpha, beta), the numerator of :func:`capability_index` [nats/token]."""
    try:  # one law for every member (numbers): its reference run, once per process
        return _reference_reducible(reference_compute_flop, reference_tokens, *law)
    except TypeError:  # a law per member (arrays, unhashable)
        return reducible_loss(reference_compute_flop, reference_tokens, *law)


def reducible_loss(compute_flop: ArrayLike, tokens_available: ArrayLike, tokens_per_param: float, a: float, b: float, alpha: float, beta: float) -> np.ndarray:
    """Reducible loss (``L - E``) of the best run of a compute budget and a data stock [nats/token]."""
    n, d = trained_model(compute_flop, tokens_available, tokens_per_param)
    return chinchilla_loss(n, d, 0.0, a, b, alpha, beta)


@functools.lru_cache(maxsize=64)
def _reference_reducible(*args: float) -> np.ndarray:
    """:func:`reducible_loss` of numbers, computed once (the reference run of a law: the labs ask for
    it thousands of times a run; equal numbers give the same float64 result whatever their type).
    NumPy scalars come back, never written into."""
    return reducible_loss(*args)
