"""Equity value of SpaceX (+xAI) and Tesla from a run's monthly metrics, at the start of each
year: ``ecosim value``'s multi-stage DCF (:func:`ecosim.finance.valuation.value_cash_flows`:
operating tax with loss carry-forward, fade, normalised terminal value; cash added) applied to
the company's revenue, free cash flow and capex metrics, so runs and experiment members are
valued alike without their ledgers.

The company is taken as the run books it: SpaceX with xAI from the merger month
(``spacex_*`` metrics), Tesla (``tesla_*``). Cash at the start of a year is the cash metrics'
value at the end of the year before; at the start of the run's first year it is the first
month's cash less that month's free cash flow and the money raised in it (``raised_first``;
zero when unknown, e.g. for an experiment without ledgers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from ecosim.finance.valuation import Assumptions, CashFlows, value_cash_flows


@dataclass(frozen=True)
class CompanyMetrics:
    """The metrics a company is valued from [USD/month, cash in USD]."""

    revenue: str
    fcf: str
    capex: str
    cash: tuple[str, ...]

    @property
    def needed(self) -> tuple[str, ...]:
        return (self.revenue, self.fcf, self.capex, *self.cash)


COMPANIES: dict[str, CompanyMetrics] = {
    "spacex": CompanyMetrics("spacex_revenue_usd", "spacex_fcf_usd", "spacex_capex_usd", ("spacex_cash_usd", "xai_cash_usd")),
    "tesla": CompanyMetrics("tesla_revenue_usd", "tesla_fcf_usd", "tesla_capex_usd", ("tesla_cash_usd",)),
}


def company_of(fcf_metric: str) -> str:
    """The company whose free-cash-flow metric this is.

    >>> company_of("spacex_fcf_usd")
    'spacex'
    """
    for name, c in COMPANIES.items():
        if c.fcf == fcf_metric:
            return name
    raise ValueError(f"must be the free-cash-flow metric of {', '.join(c.fcf for c in COMPANIES.values())} (got {fcf_metric!r})")


def full_years(dates: Sequence[str]) -> list[int]:
    """Calendar years with all 12 months in ``dates``.

    >>> full_years(["2025-12"] + [f"2026-{m:02d}" for m in range(1, 13)])
    [2026]
    """
    years = [int(d[:4]) for d in dates]
    return [y for y in sorted(set(years)) if years.count(y) == 12]


RATE_FIELDS = ("wacc", "terminal_growth", "tax_rate")


def _group(assumptions: Sequence[Assumptions | None]) -> list[tuple[Assumptions, np.ndarray]]:
    """Members that differ at most in their rates, valued together: one Assumptions per group
    with per-member rate arrays (members without assumptions are left out: no value)."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for k, a in enumerate(assumptions):
        if a is None:
            continue
        key = tuple(getattr(a, f.name) for f in fields(a) if f.name not in (*RATE_FIELDS, "sources"))
        groups.setdefault(key, []).append(k)
    out = []
    for ix in groups.values():
        first = assumptions[ix[0]]
        assert first is not None
        rates = {name: np.asarray([float(getattr(assumptions[k], name)) for k in ix]) for name in RATE_FIELDS}
        out.append((first.replace(**rates), np.asarray(ix)))
    return out


def _col(series: Mapping[str, np.ndarray], m: str) -> np.ndarray:
    x = np.asarray(series[m], dtype=float)
    return x[:, None] if x.ndim == 1 else x


def cash_at_start(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    company: str,
    year: int,
    raised_first: np.ndarray | float = 0.0,
    cash_start: np.ndarray | None = None,
) -> np.ndarray:
    """Cash [USD] per member at the start of ``year``: the cash metrics at the end of the year
    before; at the start of the run, ``cash_start`` when known (the model's cash before its
    first month), else the first month's cash less its free cash flow and ``raised_first``."""
    c = COMPANIES[company]
    cash = sum((_col(series, m) for m in c.cash), np.zeros_like(_col(series, c.fcf)))
    d = list(dates)
    if f"{year - 1}-12" in d:
        return np.asarray(cash[d.index(f"{year - 1}-12")])
    if cash_start is not None:
        return np.broadcast_to(np.asarray(cash_start, dtype=float), cash.shape[1:]).copy()
    return np.asarray(cash[0] - _col(series, c.fcf)[0] - np.broadcast_to(np.asarray(raised_first, float), cash.shape[1:]))


def company_flows(series: Mapping[str, np.ndarray], dates: Sequence[str], company: str) -> CashFlows:
    """The company's yearly revenue, EBITDA (free cash flow + capex) and capex over the full
    years of ``dates`` [USD/yr], per member."""
    c = COMPANIES[company]
    rev, fcf, capex = _col(series, c.revenue), _col(series, c.fcf), _col(series, c.capex)
    return CashFlows.from_monthly(list(dates), rev, fcf + capex, capex)


def equity_values_by_year(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    company: str,
    assumptions: Assumptions | Sequence[Assumptions | None],
    raised_first: np.ndarray | float = 0.0,
    cash_start: np.ndarray | None = None,
) -> np.ndarray:
    """Equity value [USD] at the start of each full year, in that year's January row of a
    (months, members) array, NaN elsewhere (and for members whose WACC is not above their
    terminal growth).

    Parameters
    ----------
    series : metric -> (months, members) (or (months,)); needs the company's
        :data:`COMPANIES` metrics.
    assumptions : one for every member (None: no value for that member), or one for all
        (``ecosim value``'s defaults for the member's scenario:
        :func:`ecosim.finance.valuation.assumptions_for`).
    raised_first, cash_start : per member [USD], for the cash at the start of the run (see
        :func:`cash_at_start`).

    Raises
    ------
    KeyError
        When a metric the company needs is not in ``series``.
    """
    fcf = _col(series, COMPANIES[company].fcf)
    K = fcf.shape[1]
    per_member = [assumptions] * K if isinstance(assumptions, Assumptions) else list(assumptions)
    if len(per_member) != K:
        raise ValueError(f"assumptions must be one or one per member ({K}) (got {len(per_member)})")
    out = np.full_like(fcf, np.nan)
    years = full_years(dates)
    if not years:
        return out
    d = list(dates)
    flows = company_flows(series, dates, company)
    for a, ix in _group(per_member):
        part = CashFlows(flows.years, flows.revenue[:, ix], flows.ebitda[:, ix], flows.capex[:, ix])
        for y in years:
            cash = cash_at_start(series, dates, company, y, raised_first, cash_start)[ix]
            out[d.index(f"{y}-01"), ix] = value_cash_flows(part, a.replace(valuation_year=y), cash).equity_value
    return out


def company_equity(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    assumptions: Assumptions | Sequence[Assumptions | None],
    raised_first: Mapping[str, np.ndarray | float] | None = None,
    cash_start: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """:func:`equity_values_by_year` of every company of :data:`COMPANIES` whose metrics are
    all in ``series`` (company -> (months, members))."""
    raised_first = raised_first or {}
    cash_start = cash_start or {}
    return {
        name: equity_values_by_year(series, dates, name, assumptions, raised_first.get(name, 0.0), cash_start.get(name))
        for name, c in COMPANIES.items()
        if all(m in series for m in c.needed)
    }


def first_month_raises(ledger: pd.DataFrame, agent_company: Mapping[str, str], first_month: str) -> dict[str, float]:
    """Money raised (``raise`` rows of the ledger, member 0) in ``first_month`` by the agents of
    each company of :data:`COMPANIES` [USD]; ``agent_company`` maps agents to their company
    at the end of the run (xAI's agents to SpaceX)."""
    if ledger.empty:
        return {}
    rows = ledger[(ledger["kind"] == "raise") & (ledger["date"] == first_month)]
    if "member" in rows.columns:
        rows = rows[rows["member"] == 0]
    by_company = rows.groupby(rows["to"].map(lambda a: agent_company.get(a, a)))["usd"].sum()
    return {c: float(by_company.get(c, 0.0)) for c in COMPANIES}
