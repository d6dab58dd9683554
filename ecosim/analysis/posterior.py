"""What a posterior-backed ensemble says: medians and 5–95 % intervals of outcomes and values,
and each claim's probability.

The ensemble is a :class:`~ecosim.results.Results` whose members are equally weighted draws of
a calibration's posterior (:func:`ecosim.simulate.simulate` with ``posterior``; draws resampled
by :meth:`ecosim.results.posterior.Posterior.draws`), so a share of members is a posterior
probability and a quantile over members a posterior quantile:

* :func:`yearly_intervals` — a quantity per year, read as every command reads it
  (:mod:`ecosim.analysis.quantities`: a flow's calendar-year total, a stock in December, a mark
  or value in January) as its 5th, 50th and 95th percentiles over the members, next to the
  point run;
* :func:`equity_intervals` — SpaceX + xAI's (pro forma, as ``ecosim value`` books it) and Tesla's equity value
  at the start of the valuation year, valued member by member as ``ecosim value`` values a run
  (:mod:`ecosim.finance.series_value`), with the probability that it reaches each market mark;
* :func:`claim_probabilities` — each claim of the narrative scorecard: the share of draws in
  which it comes true on time (and by the run's end), its median year.

Reads results only; returns tables, never draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ecosim.analysis.quantities import QUANTITIES, with_equity, year_value
from ecosim.analysis.scorecard import Claim, ensemble_scorecard, score_results
from ecosim.errors import UsageError
from ecosim.finance.gap import entity_specs
from ecosim.finance.series_value import (
    COMPANY_ENTITY,
    company_equity,
    company_of_mark,
    marks_like_for_like,
    results_equity,
)
from ecosim.finance.valuation import Assumptions, assumptions_for, member_assumptions
from ecosim.results.results import Results
from ecosim.timeline import format_month, full_years, parse_month

#: the posterior quantiles every table gives [fraction]
QUANTILES = (0.05, 0.5, 0.95)
COMPANY_LABELS = {"spacex": "SpaceX+xAI", "tesla": "Tesla", "spacex_alone": "SpaceX alone", "anthropic": "Anthropic"}


def quantiles(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """The 5th, 50th and 95th percentiles over finite values (NaN where none), stacked on a
    new first axis.

    >>> quantiles(np.arange(101.0)).tolist()
    [5.0, 50.0, 95.0]
    """
    v = np.asarray(values, dtype=float)
    if not np.isfinite(v).any():
        return np.full((len(QUANTILES), *np.delete(v.shape, axis % v.ndim)), np.nan)
    with np.errstate(all="ignore"):
        return np.asarray(np.nanquantile(v, QUANTILES, axis=axis))


def yearly_intervals(results: Results, keys: Sequence[str], years: Sequence[int], point: Results | None = None) -> pd.DataFrame:
    """Each quantity of :data:`ecosim.analysis.quantities.QUANTITIES` (``keys``) in each year,
    read as every command reads it (:func:`ecosim.analysis.quantities.year_value`): p5,
    median, p95 over the members, and the point run's figure (``point``, member 0) when given.
    Columns: key, year, p5, median, p95, point."""
    series = with_equity(results.series, results_equity(results))
    point_series = with_equity(point.series, results_equity(point)) if point is not None else {}
    out = []
    for key in keys:
        q = QUANTITIES[key]
        for y in years:
            lo, mid, hi = quantiles(year_value(series, results.months, q, y))
            p = float(year_value(point_series, point.months, q, y)[0]) if point is not None else np.nan
            out.append({"key": key, "year": int(y), "p5": float(lo), "median": float(mid), "p95": float(hi), "point": p})
    return pd.DataFrame(out, columns=["key", "year", "p5", "median", "p95", "point"])


def _assumptions(results: Results, overrides: Mapping[str, Any]) -> list[Assumptions | None]:
    """Each member's valuation assumptions: its own rates (``ecosim value``'s defaults), with
    ``overrides`` (``wacc``, ``terminal``...) replacing them for every member."""
    cm = results.scenario.model.capital_market
    given = {k: v for k, v in overrides.items() if v is not None}
    if not given:
        return member_assumptions(cm, results.cost_of_capital)
    try:
        return [assumptions_for(cm, results.cost_of_capital.take(slice(k, k + 1)), **given) for k in range(results.members)]
    except ValueError as exc:
        raise UsageError(f"valuation: {exc}") from None


def member_equity(results: Results, valuation_year: int | None = None, **overrides: Any) -> tuple[int, dict[str, np.ndarray]]:
    """Each company's equity value per member at the start of ``valuation_year`` (default: the
    run's first full year) [USD]: (year, company -> (members,)).

    Raises
    ------
    UsageError
        ``valuation_year`` is not a full year of the run, or an override is not usable.
    """
    years = full_years(results.months)
    if not years:
        raise UsageError(f"valuation: the run has no full calendar year ({results.months[0]} to {results.months[-1]})")
    year = years[0] if valuation_year is None else int(valuation_year)
    if year not in years:
        raise UsageError(f"--valuation-year must be a full year of the run ({years[0]}-{years[-1]}) (got {year})")
    equity = company_equity(results.series, results.months, _assumptions(results, overrides), results.cash_start)
    row = results.months.index(f"{year}-01")
    return year, {c: np.asarray(v[row], dtype=float) for c, v in equity.items()}


def equity_intervals(results: Results, point: Results | None = None, valuation_year: int | None = None, **overrides: Any) -> pd.DataFrame:
    """SpaceX's (+xAI) and Tesla's equity value at the start of the valuation year over the
    members: p5, median, p95, mean [USD], the share of members with a value, and the point
    run's value. Columns: company, entity, label, valuation_year, p5, median, p95, mean,
    valued, point."""
    year, eq = member_equity(results, valuation_year, **overrides)
    point_eq = member_equity(point, year, **overrides)[1] if point is not None else {}
    rows = []
    for company, v in eq.items():
        q = quantiles(v)
        finite = v[np.isfinite(v)]
        entity = COMPANY_ENTITY.get(company, company)
        rows.append({"company": company, "entity": entity, "label": COMPANY_LABELS.get(company, company), "valuation_year": year,
                     "p5": q[0], "median": q[1], "p95": q[2], "mean": float(finite.mean()) if len(finite) else np.nan,
                     "valued": len(finite) / len(v), "point": float(point_eq[company][0]) if company in point_eq else np.nan})
    return pd.DataFrame(rows)


def mark_probabilities(results: Results, valuation_year: int | None = None, **overrides: Any) -> pd.DataFrame:
    """Every market mark of ``valuation_marks.csv`` set against a company valued from the run,
    like for like (as ``ecosim value`` sets a mark against a run, and the scorecard judges a claim
    on it): each member's value at the valuation date carried to the mark's month at its own rate,
    plus the scenario's scheduled raises in between and a post-money round's raise once
    (:func:`ecosim.finance.series_value.marks_like_for_like`). The share of members whose value so
    carried reaches the mark, and the median gap (mark less value) as a share of the mark. Columns:
    entity, date, kind, value_usd, company, valuation_year, p_reaches, median_gap_share,
    median_value_usd (the median value compared)."""
    year = member_equity(results, valuation_year, **overrides)[0]
    assumptions = _assumptions(results, overrides)
    equity = company_equity(results.series, results.months, assumptions, results.cash_start)
    like = marks_like_for_like(equity, results.months, assumptions, results.scenario.model.capital_market, year, series=results.series)
    order = {s.id: k for k, s in enumerate(entity_specs())}
    rows = []
    for m in sorted(like, key=lambda m: order[COMPANY_ENTITY[company_of_mark(m) or ""]]):
        v = like[m][np.isfinite(like[m])]
        rows.append({"entity": m.entity, "date": m.date, "kind": m.kind, "value_usd": m.value_usd, "company": company_of_mark(m), "valuation_year": year,
                     "p_reaches": float(np.mean(v >= m.value_usd)) if len(v) else np.nan,
                     "median_gap_share": float(np.median((m.value_usd - v) / m.value_usd)) if len(v) else np.nan,
                     "median_value_usd": float(np.median(v)) if len(v) else np.nan})
    return pd.DataFrame(rows, columns=["entity", "date", "kind", "value_usd", "company", "valuation_year", "p_reaches", "median_gap_share", "median_value_usd"])


def claim_probabilities(results: Results, claims: Sequence[Claim] | None = None) -> list[dict[str, Any]]:
    """Each claim over the members (:func:`ecosim.analysis.scorecard.ensemble_scorecard`):
    ``p_on_time`` is the share of draws in which it comes true by its deadline, ``p_by_end``
    by the run's end, ``median_year`` the median year it comes true among those draws, and
    ``when_p5`` / ``when_median`` / ``when_p95`` the 5th, 50th and 95th percentiles of the
    month it first comes true among them (``YYYY-MM``; None when it never does, or for a
    claim checked in every month)."""
    evals = score_results(results, claims)
    rows = ensemble_scorecard(evals)
    for row, e in zip(rows, evals, strict=True):
        t = e.claim.test
        st = e.status.astype(str)
        came = np.isin(st, ("true", "late")) if t is not None and t.check == "first" else np.zeros(len(st), bool)
        months = np.array([parse_month(str(w)) for w in e.when[came]], dtype=float)
        q = np.quantile(months, QUANTILES, method="inverted_cdf") if len(months) else [None] * 3
        row.update({k: None if m is None else format_month(int(m)) for k, m in zip(("when_p5", "when_median", "when_p95"), q, strict=True)})
        row["check"] = t.check if t is not None else None
    return rows


@dataclass(frozen=True)
class PosteriorSummary:
    """Everything :func:`summarise` gives: yearly intervals of outcomes, equity intervals, each
    mark's and each claim's probability."""

    intervals: pd.DataFrame
    equity: pd.DataFrame
    marks: pd.DataFrame
    claims: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready records."""
        return {"intervals": self.intervals.to_dict("records"), "equity": self.equity.to_dict("records"),
                "marks": self.marks.to_dict("records"), "claims": self.claims}


def summarise(
    results: Results,
    point: Results | None = None,
    keys: Sequence[str] = (),
    years: Sequence[int] = (),
    claims: Sequence[Claim] | None = None,
    valuation_year: int | None = None,
    **overrides: Any,
) -> PosteriorSummary:
    """The tables of a posterior-backed ensemble: :func:`yearly_intervals` of the quantities ``keys`` in ``years``,
    :func:`equity_intervals`, :func:`mark_probabilities` and :func:`claim_probabilities`."""
    return PosteriorSummary(
        yearly_intervals(results, keys, years, point),
        equity_intervals(results, point, valuation_year, **overrides),
        mark_probabilities(results, valuation_year, **overrides),
        claim_probabilities(results, claims),
    )
