"""Fundamental value of a company from a run's cash flows.

Two entry points, both vectorised over ensemble members:

:func:`fundamental_value`
    the shared one (experiments, the browser view): DCF at the start of ``valuation_year``
    of the company's yearly free cash flows from that year to the end of the run, plus a
    Gordon terminal value on the last year; optionally after operating tax.
:func:`value_cash_flows`
    the multi-stage DCF behind ``ecosim value``: explicit stage (the run's years), fade
    stage and terminal value (normalised value-driver, Gordon or exit multiple), with tax.

Taxes (a decision; the world itself has none)
----------------------------------------------
Operating profit is taxed at the scenario's ``capital_market.tax_rate_pct`` with **full
expensing** of capex: 100 % bonus depreciation is permanent in the US for property acquired
after 2025-01-19 and domestic R&D is expensed (``ecosim/data/valuation.toml`` has the
sources). The world has no interest and no working capital, so a year's taxable income is its
pre-tax free cash flow ``EBITDA - capex``. Losses carry forward from the run's first year and
offset at most ``nol_limit_frac`` (80 %) of a later year's taxable income. Tax is never
negative. In the terminal value, steady-state NOPAT is taxed at the full rate on EBIT
(EBITDA less straight-line economic depreciation of capex over ``asset_life_yr``).

Price basis, capital structure and timing (``valuation.toml [basis]``)
-------------------------------------------------------------------
The world has no inflation: its flows are real (constant dollars). The scenario's rates are
nominal market figures, so :func:`valuation_rates` turns them real (Fisher, at the stated
expected inflation). The world has no debt, so the rate is the unlevered cost of capital
``rf + beta_u x MRP`` (no tax shield the world never books; nothing to deduct in the equity
bridge). Flows arrive monthly: discounted at mid-year by default (``discounting``).

Stages of :func:`value_cash_flows` (yearly, value at the start of the valuation year)
---------------------------------------------------------------------------------
1. explicit: every full year of the run from ``valuation_year`` on, after tax;
2. fade (``normalised`` only): ``fade_years`` beyond the run, NOPAT growing at a rate that
   moves linearly from the run's revenue CAGR over its last ``normalise_years`` years (rounded) to
   ``g``; net capex ``g / RONIC`` of NOPAT [1], expensed like the explicit stage's (it costs
   ``(1 - t)`` of itself after tax);
3. terminal: ``NOPAT (1 + g) (1 - (1 - t) g / RONIC) / (WACC - g)`` (normalised), or
   ``FCF_n (1 + g) / (WACC - g)`` (gordon), or ``multiple x revenue_n`` (exit).

The normalised stages start from steady-state NOPAT (:func:`normalised_nopat`): the last
year's revenue times the NOPAT margin of the last ``normalise_years`` years, EBIT being EBITDA
less straight-line economic depreciation of capex (what keeps the assets in place). A run can
end in the middle of a compute race (a lab's capex above its EBITDA for a few years): its last
year's EBITDA is depressed and its depreciation climbing, so a value built on that year alone
is a snapshot of the race, not a steady state [2, ch. 22: normalised earnings for a firm whose
last year is abnormal]. Only replacement is carried into perpetuity, plus the net investment
``g / RONIC`` of NOPAT that steady growth needs [1, ch. 14; 2, ch. 12: reinvestment in stable
growth = g / return on capital]; capex beyond it (growth capex of the race) is not.

With mid-year discounting the fade and the perpetuity flows are mid-year too (the terminal value
is discounted like the last flow); an exit value is a price at the last year's end.

Equity value = enterprise value + cash at the valuation date (the world has no debt).

References
----------
[1] Koller, Goedhart and Wessels (2020). Valuation, 7th ed., ch. 10 and 14 (continuing value,
    value-driver formula).
[2] Damodaran, A. (2012). Investment Valuation, 3rd ed., ch. 12-13 (terminal value, stable
    growth reinvestment), ch. 22 (firms with negative or abnormal earnings: normalised earnings).
[3] US Internal Revenue Code 168(k), 172(a)(2), 174A.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ecosim.economics.dcf import TIMINGS, dcf_value, discount_factors, real_rate, yearly_sums
from ecosim.results.results import CostOfCapital
from ecosim.scenario.params import params_of
from ecosim.timeline import full_years

TERMINAL_METHODS = ("normalised", "gordon", "exit")
PRICE_BASES = ("real", "nominal")
CAPITAL_STRUCTURES = ("unlevered", "levered")


@lru_cache(maxsize=1)
def valuation_data() -> dict[str, Any]:
    """``ecosim/data/valuation.toml`` (tax, terminal, entities, operational requirements)."""
    text = (resources.files("ecosim") / "data" / "valuation.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def unlevered_rate(wacc: ArrayLike, cm: Any) -> np.ndarray:
    """Unlevered cost of capital ``rf + beta_u x MRP`` of a WACC built by CAPM with Hamada's
    levered beta [fraction/yr] (``cm``: a ``[capital_market]`` section in fractions).

    Per member, the WACC is inverted for ``beta_u x MRP`` at the section's other inputs:
    ``WACC = (1 - D/V) rf + beta_u MRP (1 - t D/V) + D/V r_d (1 - t)``, since
    ``(1 - D/V) beta_L = beta_u (1 - t D/V)`` (Hamada).

    Hand check, rf 4.5 %, beta_u 1.05, MRP 5.5 %, D/V 30 %, r_d 5 %, t 21 %: the WACC is
    9.746 % and the unlevered rate 4.5 + 1.05 x 5.5 = 10.275 %.

    >>> from types import SimpleNamespace as NS
    >>> cm = NS(tax_rate_frac=0.21, debt_to_capital_frac=0.3, beta_unlevered=1.05, risk_free_frac=0.045,
    ...         market_risk_premium_frac=0.055, cost_of_debt_frac=0.05)
    >>> round(float(unlevered_rate(0.0974615, cm)), 5)
    0.10275
    """
    dv, t = float(cm.debt_to_capital_frac), float(cm.tax_rate_frac)
    rf, rd = float(cm.risk_free_frac), float(cm.cost_of_debt_frac)
    premium = (np.asarray(wacc, dtype=float) - (1.0 - dv) * rf - dv * rd * (1.0 - t)) / (1.0 - t * dv)
    return rf + premium


def valuation_rates(wacc: ArrayLike, terminal_growth: ArrayLike, cm: Any, basis: dict[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The discount rate and terminal growth a valuation uses [fraction/yr], from a run's WACC
    and terminal growth (nominal, levered, as its capital market used them) and
    ``valuation.toml [basis]``: unlevered if the world has no debt, real if its flows are.

    Hand check (the scenario's rates, 2.3 % inflation): 1.10275 / 1.023 - 1 = 7.796 % and
    1.035 / 1.023 - 1 = 1.173 %.

    >>> from types import SimpleNamespace as NS
    >>> cm = NS(tax_rate_frac=0.21, debt_to_capital_frac=0.3, beta_unlevered=1.05, risk_free_frac=0.045,
    ...         market_risk_premium_frac=0.055, cost_of_debt_frac=0.05)
    >>> b = {"price_basis": "real", "inflation_pct": 2.3, "rates_basis": "nominal", "capital_structure": "unlevered"}
    >>> [round(float(x), 5) for x in valuation_rates(0.0974615, 0.035, cm, b)]
    [0.07796, 0.01173]
    """
    b = valuation_data()["basis"] if basis is None else basis
    if b["price_basis"] not in PRICE_BASES or b["capital_structure"] not in CAPITAL_STRUCTURES:
        raise ValueError(f"valuation.toml [basis] must have price_basis in {PRICE_BASES} and capital_structure in {CAPITAL_STRUCTURES} (got {b['price_basis']!r}, {b['capital_structure']!r})")
    rate = unlevered_rate(wacc, cm) if b["capital_structure"] == "unlevered" else np.asarray(wacc, dtype=float)
    g = np.asarray(terminal_growth, dtype=float)
    if b["price_basis"] == "real" and b["rates_basis"] == "nominal":
        i = float(b["inflation_pct"]) / 100.0
        rate, g = real_rate(rate, i), real_rate(g, i)
    return np.asarray(rate, dtype=float), np.asarray(g, dtype=float)


def operating_tax(pre_tax: ArrayLike, tax_rate: ArrayLike, nol_limit_frac: ArrayLike = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """Yearly tax on pre-tax FCF (years, members) with loss carry-forward [USD].

    Returns ``(tax, losses carried forward at each year end)``. A loss adds to the pool; a
    profit is reduced by at most ``nol_limit_frac`` of itself from the pool, the rest is taxed.

    Hand check, 21 %, 80 % limit: -100, then +100 (80 sheltered, 20 taxed), then +100 (20 left
    to shelter, 80 taxed):

    >>> tax, nol = operating_tax([[-100.0], [100.0], [100.0]], 0.21)
    >>> np.round(tax[:, 0], 6).tolist(), nol[:, 0].tolist()
    ([0.0, 4.2, 16.8], [100.0, 20.0, 0.0])
    """
    x = np.asarray(pre_tax, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    rate = np.asarray(tax_rate, dtype=float)
    limit = np.asarray(nol_limit_frac, dtype=float)
    pool = np.zeros(x.shape[1])
    tax = np.zeros_like(x)
    nol = np.zeros_like(x)
    for t in range(x.shape[0]):
        profit = np.maximum(x[t], 0.0)
        used = np.minimum(pool, limit * profit)
        tax[t] = rate * (profit - used)
        pool = pool - used + np.maximum(-x[t], 0.0)
        nol[t] = pool
    return tax, nol


def straight_line_depreciation(capex: ArrayLike, life_yr: float) -> np.ndarray:
    """Economic depreciation of yearly capex (years, members) over ``life_yr`` years [USD].

    Capex before the first year is taken equal to the first year's (a run starts mid-life).

    >>> straight_line_depreciation([[60.0], [120.0], [0.0]], 3)[:, 0].tolist()
    [60.0, 80.0, 60.0]
    """
    c = np.asarray(capex, dtype=float)
    if c.ndim == 1:
        c = c[:, None]
    L = max(int(round(life_yr)), 1)
    padded = np.concatenate([np.repeat(c[:1], L - 1, axis=0), c], axis=0)
    kernel = np.cumsum(padded, axis=0)
    window = kernel[L - 1 :] - np.concatenate([np.zeros((1, c.shape[1])), kernel[:-L]], axis=0)
    return window / L


def fundamental_value(
    fcf_monthly_usd: ArrayLike,
    dates: list[str],
    valuation_year: int,
    wacc: ArrayLike,
    terminal_growth: ArrayLike,
    *,
    tax_rate: ArrayLike = 0.0,
    nol_limit_frac: ArrayLike = 0.8,
) -> np.ndarray:
    """Value [USD] per member at the start of ``valuation_year``.

    Parameters
    ----------
    fcf_monthly_usd : pre-tax free cash flow per month, shape (months,) or (months, members) [USD/month].
    dates : ``YYYY-MM`` of each month.
    valuation_year : first year whose cash flows count; must have 12 months in the run.
    wacc, terminal_growth : [fraction/yr], scalars or per member.
    tax_rate : [fraction] operating tax on yearly pre-tax FCF with loss carry-forward from the
        run's first full year (see the module docstring); 0 (the default) values pre-tax flows.
    nol_limit_frac : [fraction] share of a year's taxable income that losses may offset.

    Hand check: 12/month for 2 years (144/yr) at 10 %, no growth:
    144/1.1 + 144/1.21 + 1440/1.21 = 1440; at a 25 % tax rate everything is 0.75 of that.

    >>> d = [f"{2030 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
    >>> round(float(fundamental_value(np.full(24, 12.0), d, 2030, 0.10, 0.0)[0]), 6)
    1440.0
    >>> round(float(fundamental_value(np.full(24, 12.0), d, 2030, 0.10, 0.0, tax_rate=0.25)[0]), 6)
    1080.0
    """
    years, yearly = yearly_sums(fcf_monthly_usd, dates)
    full = full_years(dates)
    if valuation_year not in full:
        raise ValueError(f"valuation_year must be a full year of the run ({full[0]}-{full[-1]}) (got {valuation_year})")
    rows = [i for i, y in enumerate(years) if y in full]
    flows = yearly[rows]
    if np.any(np.asarray(tax_rate) != 0.0):
        flows = flows - operating_tax(flows, tax_rate, nol_limit_frac)[0]
    keep = [j for j, i in enumerate(rows) if years[i] >= valuation_year]
    return dcf_value(flows[keep], wacc, terminal_growth=terminal_growth)


# ---------------------------------------------------------------- the multi-stage DCF


@dataclass(frozen=True)
class Assumptions:
    """Everything a valuation depends on beyond the cash flows (rates as fractions).

    ``wacc``, ``terminal_growth``, ``tax_rate`` and ``normalise_years`` may also be arrays
    with one value per member: :func:`value_cash_flows` then values each member at its own
    (experiments whose runs differ in their cost of capital or their normalisation window).
    ``normalise_years`` [yr] (the scenario's ``capital_market.terminal_normalise_yr``) may be
    fractional: the NOPAT margin weighs the year before the whole years by the fraction
    (:func:`window_weights`); the fade's starting revenue CAGR is over the window rounded to
    whole years.
    """

    wacc: float
    terminal_growth: float
    tax_rate: float
    nol_limit_frac: float = 0.8
    terminal: str = "normalised"
    exit_multiple: float = 6.0
    exit_metric: str = "revenue"
    asset_life_yr: float = 6.0
    fade_years: int = 5
    normalise_years: float = 5.0
    ronic: float | None = None
    valuation_year: int | None = None
    discounting: str = "mid"
    basis: str = "real, unlevered"
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.terminal not in TERMINAL_METHODS:
            raise ValueError(f"terminal must be one of {', '.join(TERMINAL_METHODS)} (got {self.terminal!r})")
        if self.discounting not in TIMINGS:
            raise ValueError(f"discounting must be one of {', '.join(TIMINGS)} (got {self.discounting!r})")
        if np.any(np.asarray(self.normalise_years) < 1):
            raise ValueError(f"normalise_years must be >= 1 (got {float(np.min(self.normalise_years)):g})")
        if self.exit_metric not in ("revenue", "ebitda"):
            raise ValueError(f"exit_metric must be 'revenue' or 'ebitda' (got {self.exit_metric!r})")
        if self.terminal != "exit" and not np.all(np.asarray(self.wacc) > np.asarray(self.terminal_growth)):
            bad = np.asarray(self.wacc) <= np.asarray(self.terminal_growth)
            g, w = (float(np.broadcast_to(x, bad.shape)[bad].ravel()[0]) for x in (self.terminal_growth, self.wacc))
            raise ValueError(f"terminal growth must be below the WACC (got g={100 * g:.2f}% >= WACC={100 * w:.2f}%)")

    @property
    def ronic_value(self) -> float:
        """Return on new invested capital in the continuing value [fraction/yr]."""
        return self.wacc if self.ronic is None else self.ronic

    def replace(self, **changes: Any) -> Assumptions:
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["ronic"] = self.ronic_value
        return d


def _defaults(capital_market: Any) -> dict[str, Any]:
    """Everything but the rates: ``valuation.toml``'s terminal method, fade and tax carry-forward
    limit, and the section's mature revenue multiple for an exit terminal value."""
    data = valuation_data()
    term = data["terminal"]
    ronic = term["ronic"]
    b = data["basis"]
    basis = f"{b['price_basis']} ({b['inflation_pct']:g} % inflation)" if b["price_basis"] == "real" and b["rates_basis"] == "nominal" else b["price_basis"]
    return {
        "discounting": str(b["discounting"]),
        "basis": f"{basis}, {b['capital_structure']}",
        "nol_limit_frac": float(data["tax"]["nol_limit_frac"]),
        "terminal": str(term["method"]),
        "exit_multiple": float(capital_market.mark_revenue_multiple_mature),
        "exit_metric": str(term["exit_metric"]),
        "asset_life_yr": float(term["asset_life_yr"]),
        "fade_years": int(term["fade_years"]),
        "ronic": None if ronic == "wacc" else float(ronic),
        "sources": {
            "wacc": "scenario [capital_market] on valuation.toml [basis]: rf + beta_u x MRP (no debt in the world), Fisher-real",
            "terminal_growth": "scenario capital_market.terminal_growth_pct on valuation.toml [basis] (Fisher-real)",
            "discounting": "ecosim/data/valuation.toml [basis]",
            "tax_rate": "scenario capital_market.tax_rate_pct",
            "nol_limit_frac": "ecosim/data/valuation.toml [tax]",
            "exit_multiple": "scenario capital_market.mark_revenue_multiple_mature",
            "asset_life_yr": "ecosim/data/valuation.toml [terminal]",
            "fade_years": "ecosim/data/valuation.toml [terminal]",
            "normalise_years": "scenario capital_market.terminal_normalise_yr",
            "ronic": "ecosim/data/valuation.toml [terminal]",
        },
    }


def assumptions_for(capital_market: Any, cost_of_capital: CostOfCapital | None = None, **overrides: Any) -> Assumptions:
    """Assumptions from a scenario's ``[capital_market]`` section and ``valuation.toml``.

    ``cost_of_capital``: the rates to value at (member 0; default the section's own,
    :meth:`ecosim.results.CostOfCapital.of`): a run's are what its capital market used, put on
    the valuation's basis by :func:`valuation_rates`. ``overrides`` replace any field (e.g.
    ``wacc=0.10``, a rate on the valuation's basis); ``None`` values are ignored.
    """
    p = params_of(capital_market)
    rates = cost_of_capital if cost_of_capital is not None else CostOfCapital.of(p)
    rate, growth = valuation_rates(rates.wacc[:1], rates.terminal_growth[:1], p)
    base: dict[str, Any] = {
        "wacc": float(rate[0]),
        "terminal_growth": float(growth[0]),
        "tax_rate": float(rates.tax_rate[0]),
        "normalise_years": float(rates.normalise_yr[0]),
        **_defaults(capital_market),
    }
    for key, value in overrides.items():
        if value is not None:
            base[key] = value
            base["sources"] = {**base["sources"], key: "command-line override"}
    return Assumptions(**base)


def member_assumptions(capital_market: Any, cost_of_capital: CostOfCapital) -> list[Assumptions | None]:
    """``ecosim value``'s assumptions for each member of an ensemble at the member's own rates
    (experiments whose runs differ in their cost of capital); None for a member whose WACC is
    not above its terminal growth (it has no DCF value)."""
    defaults = _defaults(capital_market)
    c = cost_of_capital
    rate, growth = valuation_rates(c.wacc, c.terminal_growth, params_of(capital_market))
    return [
        Assumptions(wacc=float(rate[k]), terminal_growth=float(growth[k]), tax_rate=float(c.tax_rate[k]), normalise_years=float(c.normalise_yr[k]), **defaults)
        if rate[k] > growth[k] else None
        for k in range(len(c.wacc))
    ]


@dataclass(frozen=True)
class CashFlows:
    """Yearly flows of one entity over the run's full years, shape (years, members) [USD/yr]."""

    years: list[int]
    revenue: np.ndarray
    ebitda: np.ndarray
    capex: np.ndarray

    @classmethod
    def from_monthly(cls, dates: list[str], revenue: ArrayLike, ebitda: ArrayLike, capex: ArrayLike) -> CashFlows:
        """Yearly sums of monthly series (months,) or (months, members); partial years dropped."""
        years, rev = yearly_sums(revenue, dates)
        _, eb = yearly_sums(ebitda, dates)
        _, cx = yearly_sums(capex, dates)
        whole = full_years(dates)
        full = [i for i, y in enumerate(years) if y in whole]
        if not full:
            raise ValueError(f"the run has no full calendar year ({dates[0]} to {dates[-1]})")
        return cls([years[i] for i in full], rev[full], eb[full], cx[full])

    def scaled(self, factor: ArrayLike) -> CashFlows:
        f = np.asarray(factor, dtype=float)
        return CashFlows(self.years, self.revenue * f, self.ebitda * f, self.capex * f)

    @cached_property
    def _taxed(self) -> dict[tuple[float, float], tuple[np.ndarray, np.ndarray]]:
        return {}

    def pre_tax_and_tax(self, tax_rate: ArrayLike, nol_limit_frac: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Pre-tax FCF (EBITDA less capex) and :func:`operating_tax` on it, (years, members)
        [USD/yr]; kept per (rate, limit) when both are numbers (a root finder values the same
        flows thousands of times at other rates). Read-only: index, never change them."""
        numbers = isinstance(tax_rate, float | int) and isinstance(nol_limit_frac, float | int)
        key = (float(tax_rate), float(nol_limit_frac)) if numbers else None  # type: ignore[arg-type]
        got = self._taxed.get(key) if key is not None else None
        if got is None:
            pre = self.ebitda - self.capex
            got = (pre, operating_tax(pre, tax_rate, nol_limit_frac)[0])
            if key is not None:
                self._taxed[key] = got
        return got



def window_weights(n_years: int, years: ArrayLike, members: int) -> np.ndarray:
    """Weights (n_years, members) of the run's last ``years`` years: 1 for each of the last
    ``floor(years)``, the fraction for the year before them, 0 before (``years`` is clipped to
    1..n_years; one value, or one per member).

    >>> window_weights(4, [2.5, 1.0], 2).T.tolist()
    [[0.0, 0.5, 1.0, 1.0], [0.0, 0.0, 0.0, 1.0]]
    """
    n = np.clip(np.broadcast_to(np.asarray(years, dtype=float), (members,)), 1.0, float(n_years))
    back = np.arange(n_years - 1, -1, -1, dtype=float)[:, None]  # years before the last
    return np.clip(n[None, :] - back, 0.0, 1.0)


def normalised_nopat(flows: CashFlows, tax_rate: ArrayLike, asset_life_yr: float, years: ArrayLike) -> np.ndarray:
    """Steady-state NOPAT of the run's last year, (members,) [USD/yr]: its revenue times the
    NOPAT margin of the last ``years`` years (:func:`window_weights`; one value or one per
    member), ``(1 - t) sum(EBITDA - D) / sum(revenue)`` with D the straight-line economic
    depreciation of capex over ``asset_life_yr`` (the replacement of what wears out; capex
    beyond it is growth, not carried into perpetuity). A member whose revenue over those years
    is not positive gets their mean NOPAT instead.

    A margin normalised over several years, applied to the last year's revenue, is Damodaran's
    normalised operating income for a firm whose last year is not representative (Damodaran
    2012, ch. 22; Koller et al. 2020, ch. 14: the continuing value's NOPAT at a normalised,
    mid-cycle level); one year (``years=1``) is the last year's NOPAT.

    Hand check, 6-year life, no capex (D = 0), 20 % tax: revenue 100 and 200, EBITDA 10 and
    50: over 2 years the margin is 0.8 x 60 / 300 = 16 %, so 200 x 16 % = 32; over 1.5 years
    0.8 x 55 / 250 x 200 = 35.2; the last year alone 0.8 x 50 = 40.

    >>> cf = CashFlows([2039, 2040], np.array([[100.0], [200.0]]), np.array([[10.0], [50.0]]), np.zeros((2, 1)))
    >>> [round(float(normalised_nopat(cf, 0.2, 6, n)[0]), 6) for n in (2, 1.5, 1)]
    [32.0, 35.2, 40.0]
    """
    K = flows.revenue.shape[1]
    w = window_weights(len(flows.years), years, K)
    dep = straight_line_depreciation(flows.capex, asset_life_yr)
    ebit = ((flows.ebitda - dep) * w).sum(axis=0)
    rev = (flows.revenue * w).sum(axis=0)
    t = 1.0 - np.asarray(tax_rate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where(rev > 0, ebit / rev, 0.0)
    return np.asarray(np.where(rev > 0, flows.revenue[-1] * margin, ebit / w.sum(axis=0)) * t, dtype=float)


#: the columns of :attr:`Valuation.fade`
FADE_COLUMNS = ["year", "growth", "nopat_usd", "reinvestment_usd", "fcf_usd", "discount", "pv_usd"]


@dataclass(frozen=True)
class Valuation:
    """A multi-stage DCF, per member (arrays of shape (members,) unless noted) [USD]."""

    assumptions: Assumptions
    flows: CashFlows
    cash: np.ndarray
    years: list[int]  # explicit years valued
    fcf_pre_tax: np.ndarray  # (explicit years, members)
    tax: np.ndarray
    fcf: np.ndarray
    discount: np.ndarray  # (explicit years, members)
    fade_rows: tuple[dict[str, float], ...]  # the fade years of member 0 (see :attr:`fade`)
    pv_explicit: np.ndarray
    pv_fade: np.ndarray
    terminal_value: np.ndarray  # at the end of the last explicit (or fade) year
    pv_terminal: np.ndarray
    nopat_terminal: np.ndarray  # steady-state NOPAT in the last run year (normalised), else nan
    growth_start: np.ndarray  # revenue CAGR over the last normalise_years run years (fade start)

    @property
    def fade(self) -> pd.DataFrame:
        """The fade years of member 0 (normalised terminal): year, growth, nopat_usd,
        reinvestment_usd, fcf_usd, discount, pv_usd [USD]; no rows for another terminal.
        Built when asked (root finders value thousands of times and never read it)."""
        if not self.fade_rows:
            return pd.DataFrame(columns=FADE_COLUMNS)
        return pd.DataFrame(list(self.fade_rows))

    @property
    def enterprise_value(self) -> np.ndarray:
        return self.pv_explicit + self.pv_fade + self.pv_terminal

    @property
    def equity_value(self) -> np.ndarray:
        return self.enterprise_value + self.cash

    @property
    def terminal_share(self) -> np.ndarray:
        """Share of the enterprise value after the run's last year (fade + terminal) [fraction]."""
        ev = self.enterprise_value
        return np.divide(self.pv_fade + self.pv_terminal, ev, out=np.full_like(ev, np.nan), where=ev != 0)

    def table(self, member: int = 0) -> pd.DataFrame:
        """The cash flows behind the value, one row per year (explicit, fade, terminal) [USD]."""
        f = self.flows
        idx = [f.years.index(y) for y in self.years]
        rows = pd.DataFrame(
            {
                "year": self.years,
                "stage": "explicit (run)",
                "revenue_usd": f.revenue[idx, member],
                "ebitda_usd": f.ebitda[idx, member],
                "capex_usd": f.capex[idx, member],
                "fcf_pre_tax_usd": self.fcf_pre_tax[:, member],
                "tax_usd": self.tax[:, member],
                "fcf_usd": self.fcf[:, member],
                "discount": self.discount[:, member],
            }
        )
        rows["pv_usd"] = rows["fcf_usd"] * rows["discount"]
        if not self.fade.empty:
            fade = self.fade.rename(columns={"fcf_usd": "fcf_usd"}).assign(stage="fade")
            rows = pd.concat([rows, fade[["year", "stage", "fcf_usd", "discount", "pv_usd"]]], ignore_index=True)
        last_year = int(rows["year"].iloc[-1])
        term = pd.DataFrame({"year": [last_year], "stage": [f"terminal ({self.assumptions.terminal}) at end of {last_year}"], "fcf_usd": [self.terminal_value[member]], "discount": [self.pv_terminal[member] / self.terminal_value[member] if self.terminal_value[member] else rows["discount"].iloc[-1]], "pv_usd": [self.pv_terminal[member]]})
        return pd.concat([rows, term], ignore_index=True)

    def as_dict(self, member: int = 0) -> dict[str, Any]:
        def f(x: ArrayLike) -> float:
            return float(np.ravel(np.asarray(x, dtype=float))[member])

        return {
            "valuation_year": self.years[0],
            "enterprise_value_usd": f(self.enterprise_value),
            "cash_usd": f(self.cash),
            "equity_value_usd": f(self.equity_value),
            "pv_explicit_usd": f(self.pv_explicit),
            "pv_fade_usd": f(self.pv_fade),
            "pv_terminal_usd": f(self.pv_terminal),
            "terminal_value_usd": f(self.terminal_value),
            "terminal_share": f(self.terminal_share),
            "growth_start": f(self.growth_start),
            "assumptions": self.assumptions.as_dict(),
            "cash_flows": [{k: (v if isinstance(v, str) else (None if v != v else float(v))) for k, v in r.items()} for r in self.table(member).to_dict("records")],
        }


def _col(x: ArrayLike, K: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=float), (K,)).copy()


def value_cash_flows(flows: CashFlows, a: Assumptions, cash: ArrayLike = 0.0) -> Valuation:
    """Multi-stage DCF of an entity's yearly flows (see the module docstring) [USD].

    Hand check (gordon, no tax, year-end): 100 of EBITDA a year for 2 years at 10 %, g = 0:
    100/1.1 + 100/1.21 + (100/0.1)/1.21 = 1000; the normalised value with no capex and no
    fade is the same (NOPAT = 100, no reinvestment at g = 0); at mid-year every flow comes half
    a year sooner: 1000 x 1.1^0.5 = 1048.81.

    >>> cf = CashFlows([2030, 2031], np.full((2, 1), 200.0), np.full((2, 1), 100.0), np.zeros((2, 1)))
    >>> a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="gordon", discounting="end")
    >>> round(float(value_cash_flows(cf, a).enterprise_value[0]), 6)
    1000.0
    >>> round(float(value_cash_flows(cf, a.replace(terminal="normalised", fade_years=0)).enterprise_value[0]), 6)
    1000.0
    >>> round(float(value_cash_flows(cf, a.replace(discounting="mid")).enterprise_value[0]), 2)
    1048.81
    """
    years = list(flows.years)
    K = flows.ebitda.shape[1]
    vy = years[0] if a.valuation_year is None else int(a.valuation_year)
    if vy not in years:
        raise ValueError(f"valuation year must be a full year of the run ({years[0]}-{years[-1]}) (got {vy})")
    pre, tax_all = flows.pre_tax_and_tax(a.tax_rate, a.nol_limit_frac)
    keep = [i for i, y in enumerate(years) if y >= vy]
    pre_k, tax_k = pre[keep], tax_all[keep]
    fcf_k = pre_k - tax_k
    n = len(keep)
    w, g = a.wacc, a.terminal_growth
    disc = discount_factors(n, np.full(K, w), a.discounting)
    shift = 0.5 if a.discounting == "mid" else 0.0
    pv_explicit = (fcf_k * disc).sum(axis=0)
    last = len(years) - 1
    rev = flows.revenue
    back = np.minimum(np.floor(np.broadcast_to(np.asarray(a.normalise_years, dtype=float), (K,)) + 0.5).astype(int), last)
    base = rev[last - back, np.arange(K)]
    with np.errstate(divide="ignore", invalid="ignore"):
        g0 = np.where((base > 0) & (rev[last] > 0) & (back > 0), (rev[last] / base) ** (1.0 / np.maximum(back, 1)) - 1.0, g)
    g0 = np.asarray(g0, dtype=float)
    nopat_n = np.full(K, np.nan)
    pv_fade = np.zeros(K)
    rows: list[dict[str, float]] = []
    if a.terminal == "gordon":
        tv = fcf_k[-1] * (1.0 + g) / (w - g)
        d_tv = disc[-1]
    elif a.terminal == "exit":
        metric = rev[last] if a.exit_metric == "revenue" else flows.ebitda[last]
        tv = a.exit_multiple * metric
        d_tv = (1.0 + np.full(K, w)) ** -float(n)
    else:
        nopat_n = normalised_nopat(flows, a.tax_rate, a.asset_life_yr, a.normalise_years)
        ronic = a.ronic_value
        nopat = nopat_n.copy()
        F = int(a.fade_years)
        for k in range(1, F + 1):
            gk = g0 + (g - g0) * k / F
            nopat = nopat * (1.0 + gk)
            reinvest = nopat * gk / ronic
            fcf = nopat - (1.0 - a.tax_rate) * reinvest
            d = (1.0 + w) ** -(n + k - shift)
            pv_fade = pv_fade + fcf * d
            rows.append({"year": years[last] + k, "growth": float(gk[0]), "nopat_usd": float(nopat[0]), "reinvestment_usd": float(reinvest[0]), "fcf_usd": float(fcf[0]), "discount": float(np.ravel(d)[0]), "pv_usd": float(fcf[0] * np.ravel(d)[0])})
        tv = nopat * (1.0 + g) * (1.0 - (1.0 - a.tax_rate) * g / ronic) / (w - g)
        d_tv = np.full(K, (1.0 + w) ** -(n + F - shift))
    return Valuation(
        assumptions=a.replace(valuation_year=vy),
        flows=flows,
        cash=_col(cash, K),
        years=[years[i] for i in keep],
        fcf_pre_tax=pre_k,
        tax=tax_k,
        fcf=fcf_k,
        discount=disc,
        fade_rows=tuple(rows),
        pv_explicit=pv_explicit,
        pv_fade=pv_fade,
        terminal_value=np.asarray(tv, dtype=float) * np.ones(K),
        pv_terminal=np.asarray(tv * d_tv, dtype=float) * np.ones(K),
        nopat_terminal=nopat_n,
        growth_start=g0 * np.ones(K),
    )


def sensitivity(flows: CashFlows, a: Assumptions, cash: ArrayLike = 0.0, scenario_rates: tuple[float, float] | None = None) -> list[tuple[str, float]]:
    """The headline equity value (member 0) and what it becomes when one choice changes:
    terminal method, discounting convention, the rate and the growth one point either way,
    RONIC twice the rate, the terminal NOPAT margin of the last year alone and of twice
    ``normalise_years``, and (``scenario_rates``: the scenario's nominal levered WACC and
    nominal growth) the scenario's rates taken as they are with year-end discounting [USD].

    >>> cf = CashFlows([2030, 2031], np.full((2, 1), 200.0), np.full((2, 1), 100.0), np.zeros((2, 1)))
    >>> rows = dict(sensitivity(cf, Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="gordon", discounting="end")))
    >>> round(rows["headline"], 2), round(rows["discounted at mid-year"], 2)
    (1000.0, 1048.81)
    """

    def value(**changes: Any) -> float:
        return float(value_cash_flows(flows, a.replace(**changes), cash).equity_value[0])

    w, g = float(np.ravel(a.wacc)[0]), float(np.ravel(a.terminal_growth)[0])
    other = "end" if a.discounting == "mid" else "mid"
    rows = [("headline", value())]
    rows += [(f"terminal value: {m}", value(terminal=m)) for m in TERMINAL_METHODS if m != a.terminal]
    rows.append((f"discounted at {'year end' if other == 'end' else 'mid-year'}", value(discounting=other)))
    rows += [(f"rate {100 * (w + d):.2f} % ({'+' if d > 0 else '−'}1 pt)", value(wacc=w + d)) for d in (-0.01, 0.01)]
    rows += [(f"terminal growth {100 * (g + d):.2f} % ({'+' if d > 0 else '−'}1 pt)", value(terminal_growth=g + d)) for d in (-0.01, 0.01) if g + d < w]
    if a.terminal == "normalised":
        rows.append((f"RONIC {100 * 2 * a.ronic_value:.2f} % (2 × the rate)", value(ronic=2 * a.ronic_value)))
        n = float(np.ravel(a.normalise_years)[0])
        rows += [(f"terminal NOPAT margin of the last {m:g} year{'s' if m > 1 else ''} (not {n:g})", value(normalise_years=m)) for m in (1.0, 2 * n) if m != n]
    if scenario_rates is not None and scenario_rates[0] > scenario_rates[1]:
        sw, sg = scenario_rates
        rows.append((f"the scenario's rates as they are (nominal levered WACC {100 * sw:.2f} %, g {100 * sg:.2f} %), year end", value(wacc=sw, terminal_growth=sg, discounting="end")))
    return rows
