"""Discounted cash flow on yearly free cash flows, vectorised over ensemble members.

Shared by ``ecosim value`` (one run) and experiment outcomes (many members at once).
Conventions: cash flows are yearly, discounted to the start of the valuation year, either at
year end (``timing="end"``, t = 1..n) or spread through the year (``timing="mid"``, t = 0.5..n-0.5:
the mid-year convention for flows that arrive monthly [2]); the terminal value is on the last
year's flow (Gordon growth) or on a metric times an exit multiple. Rates and flows must be on
one price basis: :func:`real_rate` turns a nominal rate into a real one (Fisher).

References
----------
[1] Damodaran, A. (2012). Investment Valuation, 3rd ed., ch. 12 (terminal value).
[2] Koller, Goedhart and Wessels (2020). Valuation (McKinsey), ch. 10.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def yearly_sums(monthly: ArrayLike, dates: list[str]) -> tuple[list[int], np.ndarray]:
    """Calendar-year sums of a monthly series (months, members) -> (years, (years, members)).

    >>> years, y = yearly_sums(np.ones((24, 2)), [f"{2026 + i // 12}-{i % 12 + 1:02d}" for i in range(24)])
    >>> years, y[:, 0].tolist()
    ([2026, 2027], [12.0, 12.0])
    """
    arr = np.asarray(monthly, dtype=float)
    if arr.ndim == 1:
        arr = arr[:, None]
    year_of = np.array([int(d[:4]) for d in dates])
    years = sorted(set(year_of.tolist()))
    return years, np.stack([arr[year_of == y].sum(axis=0) for y in years])


TIMINGS = ("mid", "end")


def real_rate(nominal: ArrayLike, inflation: ArrayLike) -> np.ndarray:
    """Real rate of a nominal one, ``(1 + r) / (1 + i) - 1`` (Fisher) [fraction/yr].

    Hand check: 10 % nominal at 2 % inflation is 1.10 / 1.02 - 1 = 7.843 % real.

    >>> round(float(real_rate(0.10, 0.02)), 5)
    0.07843
    """
    return (1.0 + np.asarray(nominal, dtype=float)) / (1.0 + np.asarray(inflation, dtype=float)) - 1.0


def discount_factors(n_years: int, wacc: ArrayLike, timing: str = "end") -> np.ndarray:
    """(1 + wacc)^-t for t = 1..n (``timing="end"``) or t = 0.5..n-0.5 (``"mid"``), shape (n, members) [-].

    >>> np.round(discount_factors(2, 0.10)[:, 0], 4).tolist()
    [0.9091, 0.8264]
    >>> np.round(discount_factors(2, 0.10, "mid")[:, 0], 4).tolist()
    [0.9535, 0.8668]
    """
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {', '.join(TIMINGS)} (got {timing!r})")
    w = np.atleast_1d(np.asarray(wacc, dtype=float))
    t = np.arange(1, n_years + 1, dtype=float)[:, None] - (0.5 if timing == "mid" else 0.0)
    return (1.0 + w[None, :]) ** -t


def gordon_terminal_value(last_fcf: ArrayLike, wacc: ArrayLike, growth: ArrayLike) -> np.ndarray:
    """Value at the last year's end of flows growing at ``growth`` forever [USD].

    ``TV = FCF_n (1 + g) / (wacc - g)`` [1]; needs wacc > g.

    >>> float(gordon_terminal_value(100.0, 0.10, 0.03))
    1471.4285714285713
    """
    w, g = np.asarray(wacc, float), np.asarray(growth, float)
    if np.any(w <= g):
        raise ValueError(f"terminal growth must be below the WACC (got g={np.max(g):.4f} >= wacc={np.min(w):.4f})")
    return np.asarray(last_fcf, float) * (1.0 + g) / (w - g)


def dcf_value(
    fcf: ArrayLike,
    wacc: ArrayLike,
    terminal_growth: ArrayLike | None = None,
    exit_value: ArrayLike | None = None,
) -> np.ndarray:
    """Present value at the start of year 1 of yearly FCFs (years, members) plus a terminal
    value: Gordon growth on the last flow (``terminal_growth``) or a given ``exit_value``
    at the last year's end (e.g. EBITDA x multiple) [USD].

    Hand check: 100 a year for 2 years at 10 %, Gordon growth 0:
    100/1.1 + 100/1.21 + (100/0.10)/1.21 = 90.91 + 82.64 + 826.45

    >>> round(float(dcf_value([[100.0], [100.0]], 0.10, terminal_growth=0.0)[0]), 2)
    1000.0
    """
    f = np.asarray(fcf, dtype=float)
    if f.ndim == 1:
        f = f[:, None]
    df = discount_factors(f.shape[0], wacc)
    pv = (f * df).sum(axis=0)
    if exit_value is not None:
        tv = np.asarray(exit_value, dtype=float)
    elif terminal_growth is not None:
        tv = gordon_terminal_value(f[-1], wacc, terminal_growth)
    else:
        tv = np.zeros(f.shape[1])
    return pv + tv * df[-1]


def growth_path_value(fcf0: ArrayLike, growth: ArrayLike, wacc: ArrayLike, terminal_growth: ArrayLike) -> np.ndarray:
    """Value at the start of year 1 of a flow that starts from ``fcf0`` (year 0) and grows
    at ``growth[t]`` in year t = 1..n, then at ``terminal_growth`` forever [USD].

    ``FCF_t = FCF_{t-1} (1 + g_t)``; PV of years 1..n plus the Gordon value at year n [1].
    Hand check: 100 growing 10 % for 2 years, then 0 %, at 10 %:
    110/1.1 + 121/1.21 + (121/0.1)/1.21 = 100 + 100 + 1000

    >>> round(float(growth_path_value(100.0, [0.10, 0.10], 0.10, 0.0)[0]), 6)
    1200.0
    """
    g = np.asarray(growth, dtype=float)
    if g.ndim == 1:
        g = g[:, None]
    f0 = np.atleast_1d(np.asarray(fcf0, dtype=float))
    flows = f0[None, :] * np.cumprod(1.0 + g, axis=0)
    return dcf_value(flows, wacc, terminal_growth=terminal_growth)


def three_stage_value(
    fcf0: ArrayLike, high_growth: ArrayLike, high_years: int, fade_years: int, terminal_growth: ArrayLike, wacc: ArrayLike
) -> np.ndarray:
    """Three-stage DCF [USD]: ``high_years`` at ``high_growth``, ``fade_years`` with growth
    falling linearly to ``terminal_growth``, then Gordon growth [1, ch. 13].

    In the fade stage year k of m grows at ``g_high + (g_term - g_high) k / (m + 1)``, so
    the last fade year is still above the terminal rate. Hand check, one high year at 20 %,
    one fade year at 15 %, then 10 %, at 20 %: 120/1.2 + 138/1.44 + 138 x 1.1 / 0.1 / 1.44

    >>> round(float(three_stage_value(100.0, 0.20, 1, 1, 0.10, 0.20)[0]), 4)
    1250.0
    """
    gh = np.atleast_1d(np.asarray(high_growth, dtype=float))
    gt = np.atleast_1d(np.asarray(terminal_growth, dtype=float))
    k = np.arange(1, fade_years + 1, dtype=float)[:, None]
    fade = gh[None, :] + (gt[None, :] - gh[None, :]) * k / (fade_years + 1)
    path = np.concatenate([np.broadcast_to(gh, (high_years, gh.size)), np.broadcast_to(fade, (fade_years, max(gh.size, gt.size)))], axis=0)
    return growth_path_value(fcf0, path, wacc, terminal_growth)
