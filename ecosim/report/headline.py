"""The findings that matter, in words, before any table: what ``ecosim run`` prints first, what
``summary.json`` opens with, and what a report says right after its title.

Three findings, each from the function that owns the quantity:

* **value against each mark** — SpaceX+xAI's equity value at the start of the run's first full
  year and, for each SpaceX+xAI mark of ``ecosim/data/valuation_marks.csv``, the value like for
  like (the same entity at the mark's month, on its basis, each raise counted once:
  :func:`ecosim.finance.gap.mark_gaps`, the rows ``ecosim value`` prints), as a share of the mark.
  A run with its ledger is booked as ``ecosim value`` books it; an ensemble without ledgers (a
  posterior-backed run, an experiment) values each member from its series
  (:mod:`ecosim.finance.series_value`) and carries it to the mark with the same
  :func:`ecosim.finance.gap.like_for_like` and the scenario's scheduled raises (the median over
  members is stated);
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

from ecosim.finance.gap import GapRow, like_for_like, marks
from ecosim.numbers import human
from ecosim.timeline import full_years

#: the entity of the headline: SpaceX with xAI (``valuation.toml``'s ``spacex_xai``), whose marks it states
MARK_ENTITY = "SpaceX+xAI"
HEADLINE_ENTITY = "spacex_xai"


@dataclass(frozen=True)
class MarkComparison:
    """The run's value against one mark, like for like: ``value_usd`` is the mark's entity at the
    mark's month on its basis (``ecosim value``'s "value compared"); ``share`` = value / mark
    [fraction]; ``note`` says how the value at the valuation date was carried to the mark."""

    entity: str
    mark_date: str
    kind: str
    basis: str
    mark_usd: float
    value_usd: float
    note: str = ""

    @property
    def share(self) -> float:
        return self.value_usd / self.mark_usd if self.mark_usd else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"entity": self.entity, "mark_date": self.mark_date, "kind": self.kind, "basis": self.basis, "mark_usd": self.mark_usd,
                "value_usd": self.value_usd, "value_share_of_mark": self.share, "like_for_like": self.note}


def from_gaps(gaps: Sequence[GapRow]) -> list[MarkComparison]:
    """Each mark row of :func:`ecosim.finance.gap.mark_gaps` (or ``value_run``) as a comparison."""
    return [MarkComparison(g.mark.entity, g.mark.date, g.mark.kind, g.mark.basis, g.mark.value_usd, g.value_usd, g.like.note if g.like else "") for g in gaps]


def member_comparisons(values_usd: np.ndarray, rates: np.ndarray, start_month: str, raised_usd_by_month: Mapping[str, float]) -> list[MarkComparison]:
    """Each SpaceX+xAI mark against an ensemble: every member's value at ``start_month`` carried to
    the mark like for like (:func:`ecosim.finance.gap.like_for_like` at its own rate, with
    ``raised_usd_by_month``), the median over the members with a value."""
    out = []
    for m in marks():
        if m.entity != MARK_ENTITY:
            continue
        like = [like_for_like(m, float(v), float(r), start_month, dict(raised_usd_by_month)) for v, r in zip(values_usd, rates, strict=True) if np.isfinite(v)]
        value = float(np.median([x.value_usd for x in like])) if like else float("nan")
        note = f"median over {len(like):,} members, each carried at its own rate (member 0: {like[0].note})" if like else ""
        out.append(MarkComparison(m.entity, m.date, m.kind, m.basis, m.value_usd, value, note))
    return out


def valuation_year(dates: Sequence[str]) -> int | None:
    """The valuation date of a run: the start of its first full year (as ``ecosim value``)."""
    years = full_years(dates)
    return years[0] if years else None


#: why a source has no value, when nothing more precise is known
NO_VALUE = "no full year, or terminal growth not below the WACC"


def value_sentence(value_usd: float, year: int | None, comparisons: Sequence[MarkComparison], members: int = 1, why: str = NO_VALUE) -> str:
    """"SpaceX+xAI's equity value ... is $1.27T at the start of 2026 ...; like for like ...: 104 % of the $1.25T merger mark (2026-02) ..."."""
    if year is None or value_usd != value_usd:
        return f"SpaceX+xAI has no DCF value in this {'source' if members > 1 else 'run'} ({why})."
    parts = [f"{100 * c.share:.0f}% of the {human(c.mark_usd, 'USD')} {c.kind.split(' (')[0]} mark ({c.mark_date}; {human(c.value_usd, 'USD')} then)"
             for c in comparisons if c.entity == MARK_ENTITY]
    what = "median equity value" if members > 1 else "equity value"
    return (
        f"SpaceX+xAI's {what} on this run's cash flows is {human(value_usd, 'USD')} at the start of {year} "
        f"(`ecosim value`'s DCF); like for like (carried to each mark's month, each raise counted once): " + "; ".join(parts) + "."
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


def run_headline(series: Mapping[str, np.ndarray], dates: Sequence[str], value_usd: float, comparisons: Sequence[MarkComparison], statuses: Sequence[str], name: str) -> list[str]:
    """The headline of one run: value against each mark, the scorecard, binding constraints."""
    lines = [f"**{name}** — " + value_sentence(value_usd, valuation_year(dates), comparisons), scorecard_sentence(statuses)]
    binding = binding_sentence(series)
    if binding:
        lines.append(binding)
    return lines


def valuation_summary(value_usd: float, year: int | None, comparisons: Sequence[MarkComparison], entities: Mapping[str, tuple[str, float]] | None = None) -> dict[str, Any]:
    """``summary.json``'s ``valuation``: SpaceX+xAI's equity value at the valuation date, every
    entity's (``entities``: id -> (label, equity value)) and every mark like for like."""
    ok = year is not None and value_usd == value_usd
    return {
        "entity": MARK_ENTITY,
        "valuation_year": year,
        "equity_value_usd": value_usd if ok else None,
        "method": "ecosim value's DCF (after tax, fade, normalised terminal value, plus cash) at the scenario's cost of capital, on the valuation's basis",
        "marks_like_for_like": "each mark against its entity at the mark's month on the mark's basis: the value at the valuation date carried at the discount "
                               "rate, plus the raises booked in between, plus a post-money round's raise once (ecosim value's marks table)",
        "entities": {k: {"label": label, "equity_value_usd": v if v == v else None} for k, (label, v) in (entities or {}).items()},
        "marks": [c.as_dict() for c in comparisons] if ok else [],
    }
