"""Outcomes of an ensemble: scalars per member from monthly metric series (months, members).

Pure functions of arrays (no model), so a chunk's outcomes can be recomputed member by
member when one member's value cannot be computed (e.g. a terminal growth at or above its
WACC) without simulating again.

Stats (``stat`` of an outcome):

``last``               value in the last month of ``year`` (the run's last month without a year)
``sum``/``mean``       total / average over the months of ``year`` (or the whole run)
``min``/``max``        extreme over the months of ``year`` (or the whole run)
``first_year``         first calendar year whose last month is >= ``threshold`` (NaN if never)
``fundamental_value``  :func:`ecosim.finance.valuation.fundamental_value` of the metric
                       (a monthly pre-tax free cash flow) at the start of ``year`` [USD], at
                       each member's WACC and terminal growth, after operating tax at its
                       tax rate (``after_tax``, the default; loss carry-forward limited to
                       ``nol_limit_frac`` of ``ecosim/data/valuation.toml``)
``series``             the monthly series itself (stored in the time-series table)

``relative_to`` divides the metric by another metric month by month first (0/0 -> NaN).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ecosim.experiments.spec import OutcomeSpec
from ecosim.finance.series_value import company_of
from ecosim.finance.valuation import fundamental_value


def needed_metrics(outcomes: tuple[OutcomeSpec, ...] | list[OutcomeSpec]) -> list[str]:
    """Metrics the outcomes read, in first-use order."""
    out: list[str] = []
    for o in outcomes:
        for m in (o.metric, o.relative_to):
            if m and m not in out:
                out.append(m)
    return out


def _series(o: OutcomeSpec, series: dict[str, np.ndarray]) -> np.ndarray:
    x = series[o.metric]
    if o.relative_to is None:
        return x
    with np.errstate(divide="ignore", invalid="ignore"):
        return x / series[o.relative_to]


def scalar_outcome(
    o: OutcomeSpec,
    series: dict[str, np.ndarray],
    dates: list[str],
    wacc: np.ndarray,
    terminal_growth: np.ndarray,
    tax_rate: np.ndarray | float = 0.0,
    equity: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """One scalar outcome per member, shape (members,).

    ``fundamental_value`` of a company's free-cash-flow metric is ``ecosim value``'s equity
    value (after tax, normalised terminal value, cash included) at the start of the year, read
    from ``equity`` (company -> January rows of (months, members),
    :func:`ecosim.finance.series_value.results_equity`); with ``after_tax = false`` it is the
    pre-tax Gordon DCF of the metric (:func:`ecosim.finance.valuation.fundamental_value`).

    Parameters
    ----------
    series : metric name -> monthly values, shape (months, members).
    dates : ``YYYY-MM`` of each month.
    wacc, terminal_growth : per member [fraction/yr] (used by ``fundamental_value`` only).
    tax_rate : per member [fraction] (``fundamental_value`` with ``after_tax`` only).

    >>> from ecosim.experiments.spec import OutcomeSpec
    >>> o = OutcomeSpec("x", "m", "sum", 2031, None, None, "info", "", "")
    >>> d = [f"{2030 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
    >>> scalar_outcome(o, {"m": np.ones((24, 2))}, d, np.zeros(2), np.zeros(2)).tolist()
    [12.0, 12.0]
    """
    x = _series(o, series)
    years = np.array([int(d[:4]) for d in dates])
    if o.stat == "fundamental_value":
        if not o.after_tax:
            return fundamental_value(x, dates, int(o.year), wacc, terminal_growth)  # type: ignore[arg-type]
        assert o.year is not None  # the spec requires a year for fundamental_value
        company = company_of(o.metric)
        jan = f"{int(o.year)}-01"
        if jan not in dates:
            raise ValueError(f"fundamental_value year must be a full year of the run (got {o.year})")
        g, w = np.broadcast_to(np.asarray(terminal_growth, dtype=float), np.shape(wacc)), np.asarray(wacc, dtype=float)
        if np.any(g >= w):
            bad = int(np.argmax(g >= w))
            raise ValueError(f"terminal growth must be below the WACC (got g={g[bad]:.4f} >= wacc={w[bad]:.4f})")
        if equity is None or company not in equity:
            raise ValueError(f"fundamental_value of {o.metric} needs the equity values of {company} (the run's metrics for it)")
        return np.asarray(equity[company][dates.index(jan)], dtype=float)
    if o.stat == "first_year":
        uniq = np.unique(years)
        last_idx = np.array([np.nonzero(years == y)[0][-1] for y in uniq])
        reached = x[last_idx] >= float(o.threshold)  # type: ignore[arg-type]
        first = np.argmax(reached, axis=0)
        return np.where(reached.any(axis=0), uniq[first].astype(float), np.nan)
    rows = x[years == o.year] if o.year is not None else x
    if o.stat == "last":
        return rows[-1].astype(float)
    reducers: dict[str, Callable[..., Any]] = {"sum": np.sum, "mean": np.mean, "min": np.min, "max": np.max}
    return np.asarray(reducers[o.stat](rows, axis=0), dtype=float)


def series_outcome(o: OutcomeSpec, series: dict[str, np.ndarray]) -> np.ndarray:
    """A ``series`` outcome: the monthly values (months, members)."""
    return np.asarray(_series(o, series), dtype=float)


def first_nonfinite(series: dict[str, np.ndarray], dates: list[str]) -> dict[int, str]:
    """Members whose metrics hold NaN or infinity: member -> "metric is not finite from YYYY-MM"."""
    out: dict[int, str] = {}
    for name, x in series.items():
        bad = ~np.isfinite(x)
        if not bad.any():
            continue
        for k in np.nonzero(bad.any(axis=0))[0]:
            if int(k) not in out:
                out[int(k)] = f"{name} is not finite from {dates[int(np.argmax(bad[:, k]))]}"
    return out
