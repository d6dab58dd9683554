"""Equity value of SpaceX (+xAI) and Tesla from a run's monthly metrics, at the start of each
year: ``ecosim value``'s multi-stage DCF (:func:`ecosim.finance.valuation.value_cash_flows`:
operating tax with loss carry-forward, fade, normalised terminal value; cash added) applied to
the company's revenue, free cash flow and capex metrics, so runs and experiment members are
valued alike without their ledgers.

SpaceX is SpaceX + xAI pro forma, as ``ecosim value`` books it from the ledger (the same
agents in every month, trade between them eliminated): the ``spacex_*`` metrics (xAI inside from
the merger month) plus, before it, what xAI adds (``xai_premerger_*``: its flows with other
companies, trade between the two taken out), with both companies' cash. Tesla is ``tesla_*``;
SpaceX alone ``spacex_alone_*``. Cash at the start of a year is the cash metrics'
value at the end of the year before; at the start of the run it is the companies' cash before
the first month (:attr:`ecosim.results.Results.cash_start`). Results that do not carry it (an
experiment store keeps only its outcomes' series) fall back to the first month's cash less
that month's free cash flow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np

from ecosim.finance.gap import Mark, entity_specs, like_for_like, marks, scheduled_raises
from ecosim.finance.valuation import Assumptions, CashFlows, member_assumptions, value_cash_flows
from ecosim.results.results import Results
from ecosim.timeline import full_years


@dataclass(frozen=True)
class CompanyMetrics:
    """The metrics a company is valued from [USD/month, cash in USD]."""

    revenue: str
    fcf: str
    capex: str
    cash: tuple[str, ...]
    #: revenue, free cash flow and capex a pro-forma company adds to those metrics (a company
    #: merged into it, before the merger month)
    plus: tuple[str, str, str] | tuple[()] = ()
    #: the raises booked to it each month (summed) [USD/month]: what ``ecosim value`` counts
    #: between the valuation date and a mark (the ledger's raises of its agents)
    raised: tuple[str, ...] = ()

    @property
    def needed(self) -> tuple[str, ...]:
        return (self.revenue, self.fcf, self.capex, *self.cash, *self.plus)


COMPANIES: dict[str, CompanyMetrics] = {
    # SpaceX + xAI pro forma: xAI's flows before the merger month added (as its cash is)
    "spacex": CompanyMetrics("spacex_revenue_usd", "spacex_fcf_usd", "spacex_capex_usd", ("spacex_cash_usd", "xai_cash_usd"),
                             ("xai_premerger_revenue_usd", "xai_premerger_fcf_usd", "xai_premerger_capex_usd"), ("spacex_raised_usd", "xai_raised_usd")),
    "tesla": CompanyMetrics("tesla_revenue_usd", "tesla_fcf_usd", "tesla_capex_usd", ("tesla_cash_usd",), raised=("tesla_raised_usd",)),
    # SpaceX alone (never xAI): its cash is spacex_cash_usd before the merger; from the merger
    # month that metric holds xAI's cash too, so values after it overstate SpaceX alone's cash
    "spacex_alone": CompanyMetrics("spacex_alone_revenue_usd", "spacex_alone_fcf_usd", "spacex_alone_capex_usd", ("spacex_cash_usd",), raised=("spacex_raised_usd",)),
    # Anthropic (its own company, never merged): what the scorecard values its marks with
    "anthropic": CompanyMetrics("anthropic_revenue_usd", "anthropic_fcf_usd", "anthropic_capex_usd", ("anthropic_cash_usd",), raised=("anthropic_raised_usd",)),
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


RATE_FIELDS = ("wacc", "terminal_growth", "tax_rate", "normalise_years")


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


def _flow(series: Mapping[str, np.ndarray], c: CompanyMetrics, which: int) -> np.ndarray:
    """The company's revenue (0), free cash flow (1) or capex (2) [USD/month], (months, members),
    with what a pro-forma company adds (``plus``)."""
    names = ((c.revenue, c.fcf, c.capex)[which], *c.plus[which:which + 1])
    return sum((_col(series, m) for m in names[1:]), _col(series, names[0]))


def cash_at_start(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    company: str,
    year: int,
    cash_start: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Cash [USD] per member at the start of ``year``: the cash metrics at the end of the year
    before; at the start of the run, the companies' cash before the first month
    (``cash_start``: cash metric -> (members,), :attr:`ecosim.results.Results.cash_start`), or
    without it the first month's cash less its free cash flow."""
    c = COMPANIES[company]
    fcf = _flow(series, c, 1)
    cash = sum((_col(series, m) for m in c.cash), np.zeros_like(fcf))
    d = list(dates)
    if f"{year - 1}-12" in d:
        return np.asarray(cash[d.index(f"{year - 1}-12")])
    if cash_start:
        start = sum((np.asarray(cash_start[m], dtype=float) for m in c.cash), np.zeros(cash.shape[1]))
        return np.broadcast_to(start, cash.shape[1:]).copy()
    return np.asarray(cash[0] - fcf[0])


def company_flows(series: Mapping[str, np.ndarray], dates: Sequence[str], company: str) -> CashFlows:
    """The company's yearly revenue, EBITDA (free cash flow + capex) and capex over the full
    years of ``dates`` [USD/yr], per member."""
    c = COMPANIES[company]
    rev, fcf, capex = (_flow(series, c, k) for k in range(3))
    return CashFlows.from_monthly(list(dates), rev, fcf + capex, capex)


def equity_values_by_year(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    company: str,
    assumptions: Assumptions | Sequence[Assumptions | None],
    cash_start: Mapping[str, np.ndarray] | None = None,
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
    cash_start : cash metric -> (members,), the cash before the first month [USD] (see
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
            cash = cash_at_start(series, dates, company, y, cash_start)[ix]
            out[d.index(f"{y}-01"), ix] = value_cash_flows(part, a.replace(valuation_year=y), cash).equity_value
    return out


def company_equity(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    assumptions: Assumptions | Sequence[Assumptions | None],
    cash_start: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """:func:`equity_values_by_year` of every company of :data:`COMPANIES` whose metrics are
    all in ``series`` (company -> (months, members))."""
    return {
        name: equity_values_by_year(series, dates, name, assumptions, cash_start)
        for name, c in COMPANIES.items()
        if all(m in series for m in c.needed)
    }


def results_equity(results: Results) -> dict[str, np.ndarray]:
    """Equity value of each company of :data:`COMPANIES` at the start of each full year of a
    simulation (January rows of (months, members), NaN between), every member valued as
    ``ecosim value`` values a run, at the cost of capital its capital market used and with its
    cash before the first month. Empty when no member has a value (its terminal growth is
    not below its WACC)."""
    assumptions = member_assumptions(results.scenario.model.capital_market, results.cost_of_capital)
    if all(a is None for a in assumptions):
        return {}
    return company_equity(results.series, results.months, assumptions, results.cash_start)


def equity_at_start(results: Results) -> dict[str, np.ndarray]:
    """SpaceX's (+xAI) and Tesla's equity value per member at the start of the run's first full
    year, as :func:`results_equity` values them [USD] (NaN for a member without a value)."""
    equity = results_equity(results)
    row = results.months.index(f"{full_years(results.months)[0]}-01")
    return {c: equity[c][row] if c in equity else np.full(results.members, np.nan) for c in COMPANIES}


#: company of :data:`COMPANIES` -> the ``valuation.toml`` entity whose marks its value is set
#: against (SpaceX's series value is SpaceX + xAI pro forma)
COMPANY_ENTITY = {"spacex": "spacex_xai", "tesla": "tesla", "spacex_alone": "spacex", "anthropic": "anthropic"}
#: company -> the companies whose scheduled raises count between the valuation date and a mark
#: (None: SpaceX and xAI, the merger's; :func:`ecosim.finance.gap.scheduled_raises`)
COMPANY_RAISES: dict[str, tuple[str, ...] | None] = {"spacex": None, "tesla": ("tesla",), "spacex_alone": ("spacex",), "anthropic": ("anthropic",)}


def company_of_mark(mark: Mark) -> str | None:
    """The company of :data:`COMPANIES` whose value a mark is set against (None: no company of
    the series values the mark's entity).

    >>> company_of_mark(marks()[0]), company_of_mark(next(m for m in marks() if m.entity == "OpenAI"))
    ('spacex_alone', None)
    """
    entity = next((s.id for s in entity_specs() if mark.entity in s.mark_entities), None)
    return next((c for c, e in COMPANY_ENTITY.items() if e == entity), None)


def marks_like_for_like(
    equity: Mapping[str, np.ndarray],
    dates: Sequence[str],
    assumptions: Sequence[Assumptions | None],
    capital_market: object,
    valuation_year: int | None = None,
    series: Mapping[str, np.ndarray] | None = None,
) -> dict[Mark, np.ndarray]:
    """Each mark of ``valuation_marks.csv`` whose entity a company of ``equity`` values, like for
    like per member [USD] (members,): the company's equity at the start of the valuation year
    (default the first full year of ``dates``, ``ecosim value``'s) carried to the mark's month at
    the member's own rate with the raises ``capital_market`` (the scenario's section, or its
    table) schedules for the company in between, a post-money round's raise once
    (:func:`ecosim.finance.gap.like_for_like`: the value ``ecosim value`` sets against the mark).
    The raises are those the run books, scheduled rounds and follow-ons alike, as ``ecosim
    value`` counts them from the ledger, when ``series`` holds the company's ``raised`` metrics
    (every run does), per member; else (an experiment store that kept only its outcomes) those
    the scenario schedules. NaN for a member without a value. What the scorecard judges a claim
    on a mark with, what the posterior's mark probabilities count.
    """
    years = full_years(dates)
    year = valuation_year if valuation_year is not None else (years[0] if years else None)
    if year is None or f"{year}-01" not in dates:
        return {}
    row = list(dates).index(f"{year}-01")
    rates = np.array([np.nan if a is None else float(a.wacc) for a in assumptions])
    out: dict[Mark, np.ndarray] = {}
    booked_of: dict[str, list[dict[str, float]] | None] = {}  # each company's, once for all its marks
    for m in marks():
        company = company_of_mark(m)
        if company is None or company not in equity:
            continue
        v = np.asarray(equity[company][row], dtype=float)
        if company not in booked_of:
            booked_of[company] = booked_raises(series, dates, company) if series is not None else None
        booked = booked_of[company]
        scheduled = scheduled_raises(capital_market, COMPANY_RAISES.get(company)) if booked is None else {}
        ok = np.isfinite(v) & np.isfinite(rates)
        out[m] = np.array([like_for_like(m, float(x), float(r), f"{year}-01", scheduled if booked is None else booked[k]).value_usd if okk else np.nan
                           for k, (x, r, okk) in enumerate(zip(v, rates, ok, strict=True))])
    return out


def booked_raises(series: Mapping[str, np.ndarray], dates: Sequence[str], company: str) -> list[dict[str, float]] | None:
    """The raises a run books to ``company`` each month, per member [USD by month] (the months
    with none left out), from its :attr:`CompanyMetrics.raised` metrics; None when ``series``
    does not hold them all (or the company has none).

    >>> booked_raises({"tesla_raised_usd": np.array([[0.0, 1.0], [2.0, 0.0]])}, ["2026-01", "2026-02"], "tesla")
    [{'2026-02': 2.0}, {'2026-01': 1.0}]
    """
    names = COMPANIES[company].raised
    if not names or not all(n in series for n in names):
        return None
    total = sum((_col(series, n) for n in names), np.zeros_like(_col(series, names[0])))
    if len(dates) != total.shape[0]:
        raise ValueError(f"booked_raises: {len(dates)} dates for {total.shape[0]} months of {names[0]}")
    # a member's months with a raise (non-zero, NaN included, as ``if x`` keeps them), in month
    # order: the same dicts as going through every month of every member, sooner
    out: list[dict[str, float]] = [{} for _ in range(total.shape[1])]
    members, months = np.nonzero(total.T)
    days = [str(d) for d in dates]
    for k, t, x in zip(members.tolist(), months.tolist(), total.T[members, months].tolist(), strict=True):
        out[k][days[t]] = x
    return out


def results_marks(results: Results, equity: Mapping[str, np.ndarray] | None = None) -> dict[Mark, np.ndarray]:
    """:func:`marks_like_for_like` of a simulation, each member at the cost of capital its capital
    market used (``equity``: :func:`results_equity` when not given)."""
    assumptions = member_assumptions(results.scenario.model.capital_market, results.cost_of_capital)
    equity = results_equity(results) if equity is None else equity
    return marks_like_for_like(equity, results.months, assumptions, results.scenario.model.capital_market, series=results.series)
