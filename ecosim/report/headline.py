"""The findings that matter, in words, before any table: what ``ecosim run`` prints first, what
``summary.json`` opens with, and what a report says right after its title.

Three findings, each from the function that owns the quantity:

* **value against each mark** — SpaceX's (with xAI from the merger) equity value at the start
  of the run's first full year (:func:`ecosim.finance.series_value.equity_values_by_year`, the
  DCF of ``ecosim value``) against every SpaceX+xAI mark of ``ecosim/data/valuation_marks.csv``
  (:func:`ecosim.finance.gap.marks`), as a share of each mark;
* **the scorecard** — how many of the seeds' testable claims come true on time, late, never,
  or are still open (:mod:`ecosim.analysis.scorecard`);
* **binding constraints** — what limits SpaceX's orbital data-center build and xAI's ground
  compute in most months (metrics ``odc_binding``, ``tdc_binding``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ecosim.finance.gap import marks
from ecosim.report.numbers import human
from ecosim.timeline import full_years

#: marks set against SpaceX as the run books it (with xAI from the merger month)
MARK_ENTITY = "SpaceX+xAI"


@dataclass(frozen=True)
class MarkComparison:
    """The run's value against one mark: ``share`` = value / mark [fraction]."""

    mark_date: str
    kind: str
    mark_usd: float
    value_usd: float

    @property
    def share(self) -> float:
        return self.value_usd / self.mark_usd if self.mark_usd else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"mark_date": self.mark_date, "kind": self.kind, "mark_usd": self.mark_usd, "value_usd": self.value_usd, "value_share_of_mark": self.share}


def against_marks(value_usd: float) -> list[MarkComparison]:
    """The value [USD] against each SpaceX+xAI mark of ``valuation_marks.csv``, in file order."""
    return [MarkComparison(m.date, m.kind, m.value_usd, value_usd) for m in marks() if m.entity == MARK_ENTITY]


def valuation_year(dates: Sequence[str]) -> int | None:
    """The valuation date of a run: the start of its first full year (as ``ecosim value``)."""
    years = full_years(dates)
    return years[0] if years else None


def value_sentence(value_usd: float, year: int | None, members: int = 1) -> str:
    """"SpaceX+xAI is worth $0.42T at the start of 2026 ... 34 % of the $1.25T merger mark ..."."""
    if year is None or value_usd != value_usd:
        return "SpaceX+xAI has no DCF value in this run (no full year, or terminal growth not below the WACC)."
    parts = [f"{100 * c.share:.0f}% of the {human(c.mark_usd, 'USD')} {c.kind.split(' (')[0]} mark ({c.mark_date})" for c in against_marks(value_usd)]
    what = "median equity value" if members > 1 else "equity value"
    return (
        f"SpaceX+xAI's {what} on this run's cash flows is {human(value_usd, 'USD')} at the start of {year} "
        f"(`ecosim value`'s DCF): " + "; ".join(parts) + "."
    )


def scorecard_sentence(statuses: Sequence[str]) -> str:
    """Counts of verdicts of one run's scorecard, in words."""
    st = list(statuses)
    testable = sum(s not in ("not modelled", "not recorded") for s in st)
    return (
        f"Narrative scorecard: {st.count('true')} of {testable} testable claims of the seeds come true on time, "
        f"{st.count('late')} late, {st.count('false')} never, {st.count('open')} still open at the end of the run."
    )


def binding_sentence(series: Mapping[str, np.ndarray]) -> str:
    """What limits SpaceX's orbital build and xAI's ground compute in most months (member 0)."""
    from ecosim.economics.binding import BINDING  # the codes the agents record (a data table)

    parts = []
    for metric, what in (("odc_binding", "SpaceX's orbital data-center build"), ("tdc_binding", "xAI's terrestrial compute")):
        if metric not in series:
            continue
        codes = np.asarray(series[metric], dtype=float).reshape(len(series[metric]), -1)[:, 0]
        counts = Counter(BINDING[int(c)] for c in codes if np.isfinite(c))
        if not counts:
            continue
        name, n = counts.most_common(1)[0]
        parts.append(f"{what} is limited by {name} in {n} of {len(codes)} months")
    if not parts:
        return ""
    return "Binding constraints: " + "; ".join(parts) + "."


def run_headline(series: Mapping[str, np.ndarray], dates: Sequence[str], equity_spacex: np.ndarray | None, statuses: Sequence[str], name: str) -> list[str]:
    """The headline of one run: value against each mark, the scorecard, binding constraints."""
    year = valuation_year(dates)
    value = float("nan")
    if equity_spacex is not None and year is not None:
        v = np.asarray(equity_spacex, dtype=float).reshape(len(dates), -1)[dates.index(f"{year}-01")]
        finite = v[np.isfinite(v)]
        value = float(np.median(finite)) if len(finite) else float("nan")
    lines = [f"**{name}** — " + value_sentence(value, year), scorecard_sentence(statuses)]
    binding = binding_sentence(series)
    if binding:
        lines.append(binding)
    return lines


def valuation_summary(equity_spacex: np.ndarray | None, dates: Sequence[str]) -> dict[str, Any]:
    """``summary.json``'s ``valuation``: the equity value at the valuation date and each mark."""
    year = valuation_year(dates)
    if equity_spacex is None or year is None:
        return {"entity": MARK_ENTITY, "valuation_year": year, "equity_value_usd": None, "marks": []}
    value = float(np.asarray(equity_spacex, dtype=float).reshape(len(dates), -1)[dates.index(f"{year}-01"), 0])
    ok = value == value
    return {
        "entity": MARK_ENTITY,
        "valuation_year": year,
        "equity_value_usd": value if ok else None,
        "method": "ecosim value's DCF (after tax, fade, normalised terminal value, plus cash) at the scenario's cost of capital",
        "marks": [c.as_dict() for c in against_marks(value)] if ok else [],
    }
