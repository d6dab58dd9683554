"""Probability distributions of experiment uncertainties, as inverse CDFs of the unit interval.

Every sampler draws points ``u`` in the unit hypercube (pseudo-random, Latin hypercube,
Sobol' or Morris) and each uncertainty maps its column through its inverse CDF
(:meth:`Dist.ppf`), so any sampler works with any distribution. Sobol' and Morris indices
are unchanged by these monotone maps: the analysis runs on ``u`` itself.

A distribution may be truncated to ``[low, high]`` (normal, lognormal): ``u`` is mapped to
``[F(low), F(high)]`` before the inverse CDF, which samples the truncated law exactly.

Distributions (parameters in the unit of the field they vary):

=============  ==========================================  ======================================
name           parameters                                  law
=============  ==========================================  ======================================
uniform        low, high                                   U(low, high)
normal         mean, sd [, low, high]                      N(mean, sd^2), optionally truncated
lognormal      median, sigma [, low, high]                 ln X ~ N(ln median, sigma^2)
triangular     low, mode, high                             triangular on [low, high], peak at mode
discrete       values [, weights]                          one of ``values`` (weights: probabilities)
=============  ==========================================  ======================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import stats

#: probabilities this close to 0 or 1 are clipped so that unbounded laws stay finite [-]
U_EPS = 1e-12


@dataclass(frozen=True)
class Dist:
    """A one-dimensional distribution: its kind, parameters, and support ``[lo, hi]``."""

    kind: str
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    sigma: float | None = None
    values: tuple[float, ...] = field(default=())
    weights: tuple[float, ...] = field(default=())

    # ------------------------------------------------------------ the law

    def _frozen(self) -> stats.rv_continuous:
        # imported here, not with the module: a worker process that only runs chunks never
        # needs it (0.4 s of its start-up)
        from scipy import stats

        if self.kind == "uniform":
            return stats.uniform(loc=self.low, scale=float(self.high) - float(self.low))  # type: ignore[arg-type]
        if self.kind == "triangular":
            lo, hi, mo = float(self.low), float(self.high), float(self.mode)  # type: ignore[arg-type]
            return stats.triang(c=(mo - lo) / (hi - lo), loc=lo, scale=hi - lo)
        if self.kind == "normal":
            return stats.norm(loc=self.mean, scale=self.sd)
        if self.kind == "lognormal":
            return stats.lognorm(s=self.sigma, scale=self.median)
        raise ValueError(f"no continuous law for {self.kind!r}")

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest value the distribution can draw."""
        if self.kind == "discrete":
            return min(self.values), max(self.values)
        lo = -np.inf if self.kind == "normal" else 0.0
        hi = np.inf
        if self.low is not None:
            lo = float(self.low)
        if self.high is not None:
            hi = float(self.high)
        return lo, hi

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values at probabilities ``u`` in [0, 1] (inverse CDF).

        >>> Dist("uniform", low=2.0, high=4.0).ppf(np.array([0.0, 0.5, 1.0])).tolist()
        [2.0, 3.0, 4.0]
        >>> Dist("discrete", values=(1.0, 2.0, 5.0)).ppf(np.array([0.1, 0.5, 0.99])).tolist()
        [1.0, 2.0, 5.0]
        """
        u = np.asarray(u, dtype=float)
        if self.kind == "discrete":
            vals = np.asarray(self.values, dtype=float)
            w = np.asarray(self.weights, dtype=float) if self.weights else np.ones(len(vals))
            cdf = np.cumsum(w / w.sum())
            cdf[-1] = 1.0
            idx = np.searchsorted(cdf, u, side="right")
            return vals[np.minimum(idx, len(vals) - 1)]
        if self.kind == "uniform":
            lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
            return lo + u * (hi - lo)  # exact at the ends, no clipping needed
        law = self._frozen()
        if self.kind in ("normal", "lognormal") and (self.low is not None or self.high is not None):
            f_lo = law.cdf(self.low) if self.low is not None else 0.0
            f_hi = law.cdf(self.high) if self.high is not None else 1.0
            u = f_lo + u * (f_hi - f_lo)
        out = law.ppf(np.clip(u, U_EPS, 1.0 - U_EPS))
        lo, hi = self.support
        return np.clip(out, lo, hi)

    def grid_size(self, n: int) -> int:
        """How many values :meth:`grid` gives for ``n`` (without making them)."""
        return len(self.values) if self.kind == "discrete" else max(1, int(n))

    def grid(self, n: int) -> np.ndarray:
        """``n`` representative values for a full-factorial grid.

        Bounded laws: ``n`` evenly spaced values from low to high (ends included).
        Unbounded laws: the quantiles at ``(i + 0.5) / n``. Discrete: every value.

        >>> Dist("uniform", low=0.0, high=1.0).grid(3).tolist()
        [0.0, 0.5, 1.0]
        >>> np.round(Dist("normal", mean=0.0, sd=1.0).grid(2), 4).tolist()
        [-0.6745, 0.6745]
        """
        if self.kind == "discrete":
            return np.asarray(self.values, dtype=float)
        lo, hi = self.support
        if np.isfinite(lo) and np.isfinite(hi) and self.kind in ("uniform", "triangular"):
            return np.linspace(lo, hi, n) if n > 1 else np.array([self.ppf(np.array([0.5]))[0]])
        return self.ppf((np.arange(n) + 0.5) / n)

    def describe(self) -> str:
        """Short text of the law, for tables: ``triangular(1e+07, 1.5e+07, 2.5e+07)``."""
        g = "{:.4g}".format
        if self.kind == "uniform":
            return f"uniform({g(self.low)}, {g(self.high)})"
        if self.kind == "triangular":
            return f"triangular({g(self.low)}, {g(self.mode)}, {g(self.high)})"
        if self.kind == "discrete":
            return "one of {" + ", ".join(g(v) for v in self.values) + "}"
        trunc = ""
        if self.low is not None or self.high is not None:
            trunc = f" on [{g(self.low) if self.low is not None else '-inf'}, {g(self.high) if self.high is not None else 'inf'}]"
        if self.kind == "normal":
            return f"normal({g(self.mean)}, sd {g(self.sd)}){trunc}"
        return f"lognormal(median {g(self.median)}, sigma {g(self.sigma)}){trunc}"
