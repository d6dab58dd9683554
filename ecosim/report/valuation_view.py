"""The valuation side of a comparison: equity values against the market marks, the valuation
bridges between runs, as tables.

* :func:`valuation_table`: SpaceX (+xAI) and Tesla equity value at each source's valuation date
  (its first full year, as ``ecosim value`` values a run) and, for SpaceX, the gap to each mark
  of ``ecosim/data/valuation_marks.csv`` (:func:`ecosim.finance.gap.marks`).
* :func:`source_bridges`: for every run after the first, the bridge of each company's equity
  value from the first run (:func:`ecosim.finance.bridge.value_bridge`: Shapley shares of its
  segments, the valuation assumptions and the cash).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ecosim.errors import UsageError
from ecosim.finance.bridge import Bridge, Segment, company_segments, value_bridge
from ecosim.finance.gap import mark_gaps, scheduled_raises
from ecosim.finance.series_value import COMPANIES, cash_at_start
from ecosim.numbers import human
from ecosim.report.headline import (
    HEADLINE_ENTITY,
    MARK_ENTITY,
    NO_VALUE,
    MarkComparison,
    from_gaps,
    member_comparisons,
)
from ecosim.report.sources import Source
from ecosim.timeline import full_years

COMPANY_LABELS = {"spacex": "SpaceX+xAI", "tesla": "Tesla"}


def valuation_year(source: Source) -> int | None:
    """The source's valuation date: the start of its first full year (None without one)."""
    years = full_years(source.dates)
    return years[0] if years else None


def equity_at(source: Source, company: str, year: int) -> np.ndarray:
    """Equity value per member at the start of ``year`` [USD] (NaN when not available)."""
    if company not in source.equity or f"{year}-01" not in source.dates:
        return np.full(source.members, np.nan)
    return np.asarray(source.equity[company][source.dates.index(f"{year}-01")], dtype=float)


@dataclass(frozen=True)
class SourceMarks:
    """SpaceX+xAI's equity value at a source's valuation date (``value_usd``; the median over an
    ensemble's members) and each SpaceX+xAI mark like for like (:mod:`ecosim.report.headline`)."""

    year: int | None
    value_usd: float
    comparisons: list[MarkComparison]
    members: int
    why: str = NO_VALUE  #: why there is no value (when ``value_usd`` is NaN)
    every_mark: list[MarkComparison] = field(default_factory=list)  #: a run's every mark of every entity, as ``ecosim value`` sets them


def source_marks(source: Source) -> SourceMarks:
    """The headline's value and marks of one source: a run with its ledger as ``ecosim value``
    books it (:func:`ecosim.finance.gap.mark_gaps`); an ensemble member by member from its
    series, each carried to the mark by :func:`ecosim.finance.gap.like_for_like` at its own rate
    with the scenario's scheduled raises."""
    year = valuation_year(source)
    if year is None:
        return SourceMarks(None, float("nan"), [], source.members)
    if source.saved is not None:
        try:
            booked, gaps = mark_gaps(source.saved)
        except UsageError:
            return SourceMarks(year, float("nan"), [], 1)
        every = from_gaps(gaps)
        return SourceMarks(year, float(booked[HEADLINE_ENTITY].valuation.equity_value[0]), [c for c in every if c.entity == MARK_ENTITY], 1, every_mark=every)
    if "spacex" not in source.equity:
        return SourceMarks(year, float("nan"), [], source.members,
                           "the source does not hold the series its valuation needs: SpaceX's revenue, free cash flow, capex and cash "
                           f"({', '.join(COMPANIES['spacex'].needed)}); an experiment stores only its outcomes' series")
    v = equity_at(source, "spacex", year)
    rates = np.array([a.wacc if a is not None else np.nan for a in source.assumptions])
    finite = np.isfinite(v)
    med = float(np.median(v[finite])) if finite.any() else float("nan")
    raised = scheduled_raises(source.scenario_data.get("capital_market", {}))
    return SourceMarks(year, med, member_comparisons(v[finite], rates[finite], f"{year}-01", raised), int(finite.sum()))


def valuation_table(sources: Sequence[Source], by_source: Mapping[str, SourceMarks] | None = None) -> pd.DataFrame:
    """One row per (source, company): valuation year, median equity value (10th and 90th
    percentiles for experiments) and, for SpaceX+xAI, one column per mark: the mark less the
    value like for like (at the mark's month, :func:`source_marks`) [USD] and that gap as a
    share of the mark. The equity value is the company from its series (SpaceX + xAI pro forma, as
    the outcomes table and the bridge value it); the value at each mark is ``ecosim value``'s,
    booked from the run's ledger, the same pro forma entity (equal to 1e-9 relative)."""
    rows = []
    for s in sources:
        sm = by_source[s.label] if by_source is not None and s.label in by_source else source_marks(s)
        year = sm.year
        for company, label in COMPANY_LABELS.items():
            v = equity_at(s, company, year) if year is not None else np.full(s.members, np.nan)
            finite = v[np.isfinite(v)]
            med = float(np.median(finite)) if len(finite) else np.nan
            row: dict[str, Any] = {"source": s.label, "company": label, "valuation_year": year, "equity_value_usd": med,
                                   "p10_usd": float(np.quantile(finite, 0.1)) if len(finite) else np.nan,
                                   "p90_usd": float(np.quantile(finite, 0.9)) if len(finite) else np.nan, "members": len(finite)}
            for c in sm.comparisons if company == "spacex" else []:
                key = f"{c.entity} {c.mark_date} {c.kind}"
                row[f"mark {key} [USD]"] = c.mark_usd
                row[f"value at {key} [USD]"] = c.value_usd
                row[f"gap to {key} [USD]"] = c.mark_usd - c.value_usd
                row[f"gap to {key} [share of mark]"] = (c.mark_usd - c.value_usd) / c.mark_usd
            rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class PairBridge:
    """The bridge of one company from source ``a`` to source ``b``; ``drivers``: per segment,
    the change of its sales, operating costs and capex over the valued years (B - A) [USD]
    and its share of the value change."""

    a: str
    b: str
    bridge: Bridge
    drivers: pd.DataFrame


def segment_drivers(seg_a: Mapping[str, Segment], seg_b: Mapping[str, Segment], bridge: Bridge) -> pd.DataFrame:
    """What moved in each segment from A to B over the valued years [USD]."""
    shares = dict(bridge.steps)

    def total(s: Segment | None, line: str) -> float:
        return 0.0 if s is None else float(getattr(s, line)[s.flows.years.index(bridge.year):].sum())

    rows = []
    for name in dict.fromkeys([*seg_a, *seg_b]):
        a, b = seg_a.get(name), seg_b.get(name)
        rows.append({"segment": name, "sales_change_usd": total(b, "sales") - total(a, "sales"), "operating_cost_change_usd": total(b, "costs") - total(a, "costs"),
                     "capex_change_usd": total(b, "capex") - total(a, "capex"), "value_share_usd": shares.get(name, 0.0)})
    return pd.DataFrame(rows)


def _cash(source: Source, company: str, year: int) -> float:
    start = source.saved.results.cash_start if source.saved is not None else None
    return float(cash_at_start(source.series, source.dates, company, year, start)[0])


def bridge_problem(a: Source, b: Source) -> str | None:
    """Why no bridge can be drawn from ``a`` to ``b`` (None when one can)."""
    if a.saved is None or b.saved is None:
        return "a bridge needs two single runs (an experiment or a posterior ensemble has no ledger to split by segment)"
    if a.assumptions[0] is None or b.assumptions[0] is None:
        return "a run's terminal growth is not below its WACC (no value)"
    if full_years(a.dates) != full_years(b.dates) or not full_years(a.dates):
        return f"the runs must cover the same full years ({a.period} and {b.period})"
    return None


def source_bridges(sources: Sequence[Source]) -> tuple[list[PairBridge], list[str]]:
    """Bridges of SpaceX (+xAI) and Tesla from the first source to each other run, and notes
    on the pairs that cannot be bridged."""
    ref = sources[0]
    out: list[PairBridge] = []
    notes: list[str] = []
    for s in sources[1:]:
        problem = bridge_problem(ref, s)
        if problem:
            notes.append(f"{ref.label} → {s.label}: {problem}")
            continue
        assert ref.saved is not None and s.saved is not None and ref.assumptions[0] is not None and s.assumptions[0] is not None
        year = full_years(ref.dates)[0]
        for company in COMPANY_LABELS:
            seg_a = company_segments(ref.saved.ledger, ref.saved.summary, ref.dates, company)
            seg_b = company_segments(s.saved.ledger, s.saved.summary, s.dates, company)
            bridge = value_bridge(company, {k: v.flows for k, v in seg_a.items()}, {k: v.flows for k, v in seg_b.items()},
                                  ref.assumptions[0], s.assumptions[0], _cash(ref, company, year), _cash(s, company, year), year)
            out.append(PairBridge(ref.label, s.label, bridge, segment_drivers(seg_a, seg_b, bridge)))
    return out, notes


def bridge_frame(bridges: Sequence[PairBridge]) -> pd.DataFrame:
    """Tidy bridges: from, to, company, year, step (start value, each player, end value),
    change [USD], and the segment's changes in sales, operating cost and capex."""
    rows = []
    for pb in bridges:
        b = pb.bridge
        drivers = pb.drivers.set_index("segment")
        base = {"from": pb.a, "to": pb.b, "company": COMPANY_LABELS.get(b.company, b.company), "year": b.year}
        rows.append({**base, "step": f"equity value, {pb.a}", "change_usd": b.value_a})
        for name, v in b.steps:
            extra = drivers.loc[name].to_dict() if name in drivers.index else {}
            rows.append({**base, "step": name, "change_usd": v, **{k: extra.get(k, np.nan) for k in ("sales_change_usd", "operating_cost_change_usd", "capex_change_usd")}})
        rows.append({**base, "step": f"equity value, {pb.b}", "change_usd": b.value_b})
    return pd.DataFrame(rows)


def every_mark_table(sources: Sequence[Source], by_source: Mapping[str, SourceMarks]) -> pd.DataFrame:
    """Every mark of ``valuation_marks.csv`` against each run like for like (``ecosim value``'s
    marks table): one row per mark, a column per run with its value at the mark's month and its
    share of the mark (runs only: an ensemble has no ledger to book SpaceX alone, xAI or OpenAI)."""
    runs = [s for s in sources if by_source.get(s.label) is not None and by_source[s.label].every_mark]
    if not runs:
        return pd.DataFrame()
    rows = []
    for k, c in enumerate(by_source[runs[0].label].every_mark):
        row = {"entity": c.entity, "mark": c.kind, "date": c.mark_date, "basis": c.basis, "mark value": human(c.mark_usd, "USD")}
        for s in runs:
            x = by_source[s.label].every_mark[k]
            row[s.label] = f"{human(x.value_usd, 'USD')} ({100 * x.share:.0f}%)"
        rows.append(row)
    return pd.DataFrame(rows)
