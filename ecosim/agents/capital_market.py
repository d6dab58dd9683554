"""The capital market: narrative marks, raises (rounds, the 2026 IPO), cost of capital.

Marks: the narrative valuation marks of ``ecosim/data/valuation_marks.csv`` (tenders,
rounds, the merger, IPO talk; analyst DCF values excluded) hold until the last one; after
it a company's mark moves with its trailing-12-month revenue at the EV/revenue multiple
the last mark implied, that multiple decaying toward a mature one.

Raises: every scheduled raise of ``[capital_market] raises`` arrives in its month; beyond
those, a company whose cash falls below ``min_cash_months`` of its spending raises up to
``follow_on_frac_of_mark_per_yr`` of its mark a year. This is how capital binds.

Cost of capital: WACC from CAPM with Hamada's levered beta (:mod:`ecosim.economics.wacc`),
published to the builders that price capital (the ``wacc`` signal).

The merger: at ``merger_month`` every agent of ``merger_company`` moves to
``merger_into_company`` (the exchange's ownership log; prices between them become internal).
The companies it follows and the agent that receives each one's capital come from the actor
roster (``funded`` companies and their ``head``).
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from ecosim.agents.base import EcosimAgent, per_member
from ecosim.economics.wacc import wacc_from_capital_market
from ecosim.scenario.roster import roster
from ecosim.timeline import parse_month


@lru_cache(maxsize=1)
def narrative_marks() -> tuple[tuple[int, str, float, str], ...]:
    """(month, company, usd, kind) of every narrative mark (no analyst DCF) that the world uses
    (column ``world``: rows marked ``no`` are kept for like-for-like valuation only, e.g. OpenAI's
    2024-2025 rounds, which the capital market's history was fitted without), in file order."""
    path = resources.files("ecosim") / "data" / "valuation_marks.csv"
    entity_company = roster().mark_companies()
    rows = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if "DCF" in row["kind"] or (row.get("world") or "yes") == "no":
                continue
            company = entity_company.get(row["entity"])
            if company:
                rows.append((parse_month(row["date"]), company, float(row["value_usd"]), row["kind"]))
    return tuple(rows)


class CapitalMarket(EcosimAgent):
    kind = "capital_market"
    label = "Capital market"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.wacc = self.full(wacc_from_capital_market(p))
        self.heads = world.roster.heads()
        self.companies = world.roster.funded()
        self._column = {c: i for i, c in enumerate(self.companies)}  # each company's column (ci)
        self.publish("wacc", self.wacc)
        n = len(self.companies)
        self.s.mark_usd = np.zeros((self.K, n))
        self.s.revenue_ttm_usd = np.zeros((self.K, n, 12))
        self.s.burn_usd = np.zeros((self.K, n))
        self.s.allowance_usd = np.zeros((self.K, n))
        self.s.multiple = np.zeros((self.K, n))
        self.s.merged = np.zeros(self.K)
        self.s.raised_usd = np.zeros((self.K, n))
        self.raised_month_usd = np.zeros((self.K, n))  # raised this month, by company (the owner at the time) [USD]
        self.marks_by_company = {c: [(m, v) for m, cc, v, _ in narrative_marks() if cc == c] for c in self.companies}
        self.last_mark_month = {c: max((m for m, _ in marks), default=-1) for c, marks in self.marks_by_company.items()}
        #: per company, its marks (as in marks_by_company), the months with a mark (ascending)
        #: and the mark of each (the largest of that month's): the latest mark at or before a
        #: month is a bisection away (:meth:`_marks_of`)
        self._mark_months: dict[str, tuple[list[tuple[int, float]], int, list[int], list[float]]] = {}

    def ci(self, company: str) -> int:
        return self.companies.index(company)

    def raised_this_month(self, company: str) -> np.ndarray:
        """What ``company`` raised this month, scheduled rounds and follow-ons, as booked to it
        (after the merger the absorbed company's raises are its owner's) [USD] (0 if not funded)."""
        i = self._column.get(company)
        if i is None:
            return self.zeros()
        return self.raised_month_usd[:, i].copy()

    def mark(self, company: str) -> np.ndarray:
        """Narrative mark of a company this month [USD] (0 if none)."""
        i = self._column.get(company)
        if i is None:
            return self.zeros()
        return self.s.mark_usd[:, i]

    def owner(self, company: str) -> str:
        """Who owns ``company``'s business now (after the merger, the company it merged into)."""
        p = self.p
        return p.merger_into_company if (company == p.merger_company and self.s.merged[0]) else company

    def _owners(self) -> list[str]:
        """:meth:`owner` of every company, in company order."""
        p = self.p
        merged = self.s.merged[0]
        return [p.merger_into_company if (c == p.merger_company and merged) else c for c in self.companies]

    def offer(self) -> None:
        p = self.p
        if self.t == int(p.merger_month) and not self.s.merged.any():
            for name in self.ex.company_agents(p.merger_company):
                self.ex.set_company(name, p.merger_into_company)
            self.s.merged[:] = 1.0
        owners = self._owners()  # the owners this month (the merger above is the only change)
        self._book_last_month(owners)
        self.raised_month_usd = np.zeros(self.raised_month_usd.shape)
        for r in p.raises:
            if int(r.month) == self.t and r.company in self.companies:
                company = owners[self._column[r.company]]
                self.ex.pay(self.name, self.heads[company], r.usd, "raise")
                self.s.raised_usd[:, self._column[company]] += r.usd
                self.raised_month_usd[:, self._column[company]] += r.usd
        self._follow_on(owners)
        self.publish("wacc", self.wacc)

    def _book_last_month(self, owners: list[str]) -> None:
        """Trailing revenue, burn and marks from last month's complete external flows
        (``owners``: :meth:`_owners`)."""
        ex, s = self.ex, self.s
        slot = self.t % 12
        w = per_member(self.p.burn_smoothing_frac, 2)
        income, outgo = np.zeros(s.burn_usd.shape), np.zeros(s.burn_usd.shape)  # by company
        for i, (company, owner) in enumerate(zip(self.companies, owners, strict=True)):
            cols = ex.company_columns(owner) if company == owner else ()
            if len(cols):
                income[:, i] = np.add.reduce(ex.last_in[:, cols], axis=1)
                outgo[:, i] = np.add.reduce(ex.last_out[:, cols], axis=1)
        s.revenue_ttm_usd[:, :, slot] = income
        # every company's burn at once: the same elementwise operations as one company's
        s.burn_usd[:] = (1.0 - w) * s.burn_usd + w * np.maximum(outgo - income, 0.0)
        ttm = np.add.reduce(self.s.revenue_ttm_usd, axis=2)  # every company's twelve months at once (each row the same sum)
        for i, (company, owner) in enumerate(zip(self.companies, owners, strict=True)):
            self._update_mark(i, company, ttm[:, i], owner)

    def _update_mark(self, i: int, company: str, ttm: np.ndarray, owner: str) -> None:
        if owner != company:
            self.s.mark_usd[:, i] = 0.0
            return
        months, values = self._marks_of(company)
        k = bisect_right(months, self.t)  # marks of months at or before this one
        if k:
            value = values[k - 1]  # the latest such month's
            if self.t <= self.last_mark_month[company]:
                self.s.mark_usd[:, i] = value
                self.s.multiple[:, i] = np.where(ttm > 0, value / np.maximum(ttm, 1.0), self.p.mark_revenue_multiple_initial)
                return
        elif self.s.multiple[0, i] == 0:
            self.s.multiple[:, i] = self.p.mark_revenue_multiple_initial
        decay = self.p.mark_multiple_decay_frac_per_yr / 12.0
        mature = self.p.mark_revenue_multiple_mature
        self.s.multiple[:, i] = mature + (self.s.multiple[:, i] - mature) * (1.0 - decay)
        self.s.mark_usd[:, i] = self.s.multiple[:, i] * ttm

    def _marks_of(self, company: str) -> tuple[list[int], list[float]]:
        """The months with a narrative mark of ``company`` (ascending) and the mark of each (the
        largest of that month's), worked out again when its list in marks_by_company changes."""
        marks = self.marks_by_company[company]
        got = self._mark_months.get(company)
        if got is None or got[0] is not marks or got[1] != len(marks):
            months = sorted({m for m, _ in marks})
            got = self._mark_months[company] = (marks, len(marks), months, [max(v for m, v in marks if m == month) for month in months])
        return got[2], got[3]

    def _follow_on(self, owners: list[str]) -> None:
        ex, p = self.ex, self.p
        # every company's allowance and cash floor at once (the same elementwise operations as one
        # company's), kept for the companies that own their business
        f = per_member(p.follow_on_frac_of_mark_per_yr, 2)
        allowance = np.minimum(self.s.allowance_usd + f * self.s.mark_usd / 12.0, f * self.s.mark_usd)
        floors = per_member(p.min_cash_months, 2) * self.s.burn_usd
        for i, (company, owner) in enumerate(zip(self.companies, owners, strict=True)):
            if owner != company:
                continue
            self.s.allowance_usd[:, i] = allowance[:, i]
            cash = ex.company_cash(company)
            floor = floors[:, i]
            need = np.where(cash < floor, self.p.raise_to_min_cash_ratio * floor - cash, 0.0)
            amount = np.minimum(need, self.s.allowance_usd[:, i])
            if np.logical_or.reduce(amount > 0, axis=None):  # np.any's reduction
                ex.pay(self.name, self.heads[company], amount, "raise")
                self.s.allowance_usd[:, i] -= amount
                self.s.raised_usd[:, i] += amount
                self.raised_month_usd[:, i] += amount
