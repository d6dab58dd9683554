"""The valuation bridge: which segments of a company explain the change in its equity value
from one scenario to another.

The value is ``ecosim value``'s (:func:`ecosim.finance.valuation.value_cash_flows`: tax with
loss carry-forward, fade, normalised terminal value, plus cash), which is not linear in the
cash flows, so the change is shared among the *players* -- each segment's cash flows, the
valuation assumptions (cost of capital, growth, tax) and the cash at the valuation date -- by
their Shapley values [1]: each player's marginal effect of switching from scenario A to B,
averaged over every order of switching. The shares add up exactly to ``V_B - V_A`` and do not
depend on an arbitrary order.

A segment's flows are its accounts (:func:`ecosim.finance.accounts.segment_accounts`) with
sales to and purchases from sister segments at internal prices; internal purchases of capital
goods count as the buyer's operating cost, so the segments add up exactly to the company's
revenue, EBITDA and capex. A company is taken pro forma, as ``ecosim value`` books SpaceX + xAI:
with the companies merged into it in every month (xAI's flows before the merger month
included, as its cash is).

References
----------
[1] Shapley, L. S. (1953). A value for n-person games. Contributions to the Theory of Games
    II, 307-317.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

from ecosim.finance.accounts import AgentBook, segment_accounts, segment_table
from ecosim.finance.valuation import Assumptions, CashFlows, value_cash_flows
from ecosim.results.rundir import RunSummary

RATES = "assumptions (cost of capital, growth, tax)"
CASH = "cash at the valuation date"


def shapley(value: Callable[[frozenset[str]], float], players: Sequence[str]) -> dict[str, float]:
    """Shapley value of every player of a game ``value(coalition)``.

    Hand check: v = 10 per player plus 6 when both play: each gets 10 + 6/2.

    >>> v = lambda s: 10.0 * len(s) + (6.0 if len(s) == 2 else 0.0)
    >>> shapley(v, ["a", "b"])
    {'a': 13.0, 'b': 13.0}
    """
    n = len(players)
    cache: dict[frozenset[str], float] = {}

    def v(s: frozenset[str]) -> float:
        if s not in cache:
            cache[s] = value(s)
        return cache[s]

    out = {}
    for p in players:
        others = [q for q in players if q != p]
        total = 0.0
        for k in range(n):
            w = factorial(k) * factorial(n - k - 1) / factorial(n)
            for combo in combinations(others, k):
                s = frozenset(combo)
                total += w * (v(s | {p}) - v(s))
        out[p] = total
    return out


@dataclass(frozen=True)
class Bridge:
    """Equity value of A, the steps (player, change [USD]) and the value of B, at the start
    of ``year``."""

    company: str
    year: int
    value_a: float
    steps: tuple[tuple[str, float], ...]
    value_b: float

    def residual(self) -> float:
        """``V_A + sum(steps) - V_B`` [USD]: zero up to rounding."""
        return self.value_a + sum(v for _, v in self.steps) - self.value_b


def _sum_flows(parts: Sequence[CashFlows], years: list[int]) -> CashFlows:
    zero = np.zeros((len(years), 1))
    rev, eb, cx = zero.copy(), zero.copy(), zero.copy()
    for f in parts:
        rev, eb, cx = rev + f.revenue, eb + f.ebitda, cx + f.capex
    return CashFlows(years, rev, eb, cx)


def value_bridge(
    company: str,
    segments_a: Mapping[str, CashFlows],
    segments_b: Mapping[str, CashFlows],
    assumptions_a: Assumptions,
    assumptions_b: Assumptions,
    cash_a: float,
    cash_b: float,
    year: int,
) -> Bridge:
    """The bridge of a company's equity value from A to B at the start of ``year``.

    ``segments_*``: segment -> yearly flows over the same full years (a segment missing on one
    side has zero flows there).

    Hand check (no tax, Gordon terminal, no cash): one segment earning 100 a year for two
    years at 10 % is worth 1,000; doubling its flows doubles the value, so the segment's share
    is +1,000 and the assumptions' nothing:

    >>> a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="gordon", discounting="end")
    >>> one = CashFlows([2030, 2031], np.full((2, 1), 100.0), np.full((2, 1), 100.0), np.zeros((2, 1)))
    >>> two = CashFlows([2030, 2031], np.full((2, 1), 200.0), np.full((2, 1), 200.0), np.zeros((2, 1)))
    >>> b = value_bridge("x", {"s": one}, {"s": two}, a, a, 0.0, 0.0, 2030)
    >>> round(b.value_a), [(k, round(v)) for k, v in b.steps], round(b.value_b)
    (1000, [('s', 1000), ('assumptions (cost of capital, growth, tax)', 0), ('cash at the valuation date', 0)], 2000)
    """
    names = list(dict.fromkeys([*segments_a, *segments_b]))
    years = next(iter({**segments_a, **segments_b}.values())).years
    zero = CashFlows(years, np.zeros((len(years), 1)), np.zeros((len(years), 1)), np.zeros((len(years), 1)))

    def value(s: frozenset[str]) -> float:
        parts = [(segments_b if n in s else segments_a).get(n, zero) for n in names]
        a = (assumptions_b if RATES in s else assumptions_a).replace(valuation_year=year)
        cash = cash_b if CASH in s else cash_a
        return float(value_cash_flows(_sum_flows(parts, years), a, cash).equity_value[0])

    players = [*names, RATES, CASH]
    shares = shapley(value, players)
    return Bridge(company, year, value(frozenset()), tuple((p, shares[p]) for p in players), value(frozenset(players)))


@dataclass(frozen=True)
class Segment:
    """A segment's yearly flows as valued (``flows``: external revenue, EBITDA with internal
    lines, external capex; they add up to the company's) and, for reading, its total sales
    (internal included), operating costs (internal purchases included) and capex [USD/yr]."""

    flows: CashFlows
    sales: np.ndarray
    costs: np.ndarray
    capex: np.ndarray


def company_segments(ledger: pd.DataFrame, summary: RunSummary, dates: Sequence[str], company: str) -> dict[str, Segment]:
    """Each segment of a company pro forma (with every company merged into it, in every month;
    see the module docstring), over the full years of ``dates``, keyed by the segment's label."""
    book = AgentBook.from_summary(summary)
    acc = segment_accounts(ledger, book)
    merged = {book.initial[a] for a, c in book.final.items() if c == company} | {company}
    acc = acc[acc["company"].isin(merged)].copy()
    acc["ebitda"] = acc["revenue_usd"] + acc["intra_revenue_usd"] - acc["opex_usd"] - acc["intra_opex_usd"] - acc["intra_capex_usd"]
    acc["sales"] = acc["revenue_usd"] + acc["intra_revenue_usd"]
    acc["costs"] = acc["opex_usd"] + acc["intra_opex_usd"] + acc["intra_capex_usd"]
    table = segment_table()
    labels: dict[str, str] = {}
    for agent, segment in book.segment.items():
        if book.final.get(agent) == company and agent in table:
            labels.setdefault(segment, table[agent].label)
    out = {}
    idx = pd.Index(list(dates), name="date")
    for seg, g in acc.groupby("segment"):
        m = g.groupby("date")[["revenue_usd", "ebitda", "capex_usd", "sales", "costs"]].sum().reindex(idx, fill_value=0.0)
        flows = CashFlows.from_monthly(list(dates), m["revenue_usd"].to_numpy(), m["ebitda"].to_numpy(), m["capex_usd"].to_numpy())
        sales = CashFlows.from_monthly(list(dates), m["sales"].to_numpy(), m["costs"].to_numpy(), m["capex_usd"].to_numpy())
        out[labels.get(str(seg), str(seg))] = Segment(flows, sales.revenue, sales.ebitda, sales.capex)
    return out
