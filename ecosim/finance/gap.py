"""The valuation gap: a saved run's fundamental values next to the narrative marks.

For each entity of ``ecosim/data/valuation.toml`` (SpaceX + xAI pro forma, SpaceX without xAI,
xAI, Tesla, OpenAI) this module books the run's ledger into accounts
(:mod:`ecosim.finance.accounts`), values them with the multi-stage DCF
(:func:`ecosim.finance.valuation.value_cash_flows`) at the scenario's cost of capital, and sets
each mark of ``ecosim/data/valuation_marks.csv`` against the value of its entity: the gap in
USD, as a share of the mark (the part of the mark the run does not support) and as a premium
over the value, what the reverse DCF says the mark requires (:mod:`ecosim.finance.reverse`)
and what peers' multiples give (:mod:`ecosim.finance.comparables`).

Everything is read from the run directory: re-valuing under another WACC, growth or terminal
method does not re-simulate. Several runs (scenarios) can be weighted by probability.

Values are at the start of the valuation year (default: the run's first full year); a mark
dated earlier or later is compared without adjustment and its date is shown.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from ecosim.errors import UsageError
from ecosim.finance.accounts import (
    AgentBook,
    Entity,
    by_year,
    entity_accounts,
    entity_revenue_by_segment,
    segment_table,
)
from ecosim.finance.comparables import (
    Peer,
    group_multiples,
    mark_implied_multiple,
    peer_table,
    sum_of_parts,
)
from ecosim.finance.reverse import Requirement, reverse_dcf
from ecosim.finance.valuation import (
    TERMINAL_METHODS,
    Assumptions,
    CashFlows,
    Valuation,
    assumptions_for,
    sensitivity,
    valuation_data,
    value_cash_flows,
)
from ecosim.results.rundir import SavedRun


@dataclass(frozen=True)
class Mark:
    """A valuation mark from ``valuation_marks.csv`` [USD]; ``narrative`` is False for an
    analyst's DCF estimate (shown for reference, not a narrative price)."""

    entity: str
    date: str
    value_usd: float
    kind: str
    source: str

    @property
    def narrative(self) -> bool:
        return "DCF" not in self.kind


@lru_cache(maxsize=1)
def marks() -> tuple[Mark, ...]:
    """Every row of ``ecosim/data/valuation_marks.csv``."""
    path = resources.files("ecosim") / "data" / "valuation_marks.csv"
    with path.open(encoding="utf-8") as fh:
        return tuple(Mark(r["entity"], r["date"], float(r["value_usd"]), r["kind"], r["source"]) for r in csv.DictReader(fh))


@dataclass(frozen=True)
class EntitySpec:
    """An entity to value: a company as booked, or a pro-forma group of agents."""

    id: str
    label: str
    company: str | None
    agents: tuple[str, ...]
    mark_entities: tuple[str, ...]
    cash_metrics: tuple[str, ...]
    peer_group: str = ""

    def entity(self, book: AgentBook) -> Entity:
        if self.company is not None:
            return book.company_entity(self.company, self.label)
        return Entity.of_agents(self.id, self.label, [a for a in self.agents if a in book.initial])


def entity_specs() -> list[EntitySpec]:
    """The ``[[entity]]`` tables of ``valuation.toml``."""
    return [
        EntitySpec(e["id"], e["label"], e.get("company"), tuple(e.get("agents", ())), tuple(e.get("marks", ())), tuple(e.get("cash_metrics", ())), e.get("peer_group", ""))
        for e in valuation_data()["entity"]
    ]


@dataclass
class EntityValue:
    """One entity of one run, valued."""

    spec: EntitySpec
    accounts: pd.DataFrame  # monthly
    valuation: Valuation
    cash_note: str
    comparables: pd.DataFrame  # sum of the parts at peer multiples, valuation-year revenue
    by_method: dict[str, float] = field(default_factory=dict)  # equity value by terminal method
    sensitivity: list[tuple[str, float]] = field(default_factory=list)  # (change, equity value) [USD]

    @property
    def equity_usd(self) -> float:
        return float(self.valuation.equity_value[0])

    def yearly(self) -> pd.DataFrame:
        return by_year(self.accounts)


@dataclass
class GapRow:
    """A mark against its entity's value."""

    mark: Mark
    entity_id: str
    value_usd: float
    revenue_in_mark_year_usd: float | None
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def gap_usd(self) -> float:
        return self.mark.value_usd - self.value_usd

    @property
    def gap_share_of_mark(self) -> float:
        """Part of the mark the run's value does not support [fraction] (negative: value above mark)."""
        return self.gap_usd / self.mark.value_usd

    @property
    def premium_over_value(self) -> float:
        """Mark over value minus one [fraction]; nan when the value is not positive."""
        return self.mark.value_usd / self.value_usd - 1.0 if self.value_usd > 0 else float("nan")

    @property
    def implied_ev_revenue(self) -> float:
        return mark_implied_multiple(self.mark.value_usd, self.revenue_in_mark_year_usd or 0.0)

    def as_dict(self) -> dict[str, Any]:
        def clean(x: float | None) -> float | None:
            return None if x is None or x != x else float(x)

        return {
            "mark": {"entity": self.mark.entity, "date": self.mark.date, "value_usd": self.mark.value_usd, "kind": self.mark.kind, "source": self.mark.source, "narrative": self.mark.narrative},
            "entity": self.entity_id,
            "value_usd": self.value_usd,
            "gap_usd": self.gap_usd,
            "gap_share_of_mark": self.gap_share_of_mark,
            "premium_over_value": clean(self.premium_over_value),
            "revenue_in_mark_year_usd": clean(self.revenue_in_mark_year_usd),
            "mark_ev_revenue_on_run_revenue": clean(self.implied_ev_revenue),
            "requires": [r.as_dict() for r in self.requirements],
        }


@dataclass
class RunValue:
    """A saved run, valued: every entity and every mark."""

    run: SavedRun
    assumptions: Assumptions
    entities: dict[str, EntityValue]
    gaps: list[GapRow]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": str(self.run.path),
            "scenario": self.run.name,
            "assumptions": self.assumptions.as_dict(),
            "entities": {
                k: {
                    "label": e.spec.label,
                    **e.valuation.as_dict(),
                    "cash_note": e.cash_note,
                    "equity_value_by_terminal_method_usd": e.by_method,
                    "sensitivity_usd": [{"change": k, "equity_value_usd": v} for k, v in e.sensitivity],
                    "accounts_by_year": _records(e.yearly().reset_index()),
                    "comparables": _records(e.comparables),
                }
                for k, e in self.entities.items()
            },
            "gaps": [g.as_dict() for g in self.gaps],
        }


def _num(x: Any) -> float:
    """A pandas cell as a float (pandas' stubs type cells too broadly for ``float()``)."""
    return float(x)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in df.to_dict("records"):
        out.append({str(k): (None if isinstance(v, float) and v != v else (v.item() if hasattr(v, "item") else v)) for k, v in r.items()})
    return out


def _cash_at_start(run: SavedRun, spec: EntitySpec, year: int) -> tuple[float, str]:
    """Cash [USD] of the entity at the start of ``year``, from the run's cash metrics (at the
    start of the run: the companies' cash before the first month)."""
    if not spec.cash_metrics:
        return 0.0, "cash not separable in the run: value excludes it"
    ts = run.timeseries.set_index("date")
    missing = [m for m in spec.cash_metrics if m not in ts.columns]
    if missing:
        return 0.0, f"the run has no {', '.join(missing)}: value excludes cash"
    before = f"{year - 1}-12"
    if before in ts.index:
        return _num(ts.loc[before, list(spec.cash_metrics)].sum()), f"cash at the end of {before} ({' + '.join(spec.cash_metrics)})"
    start = run.results.cash_start
    return float(sum(float(start[m][0]) for m in spec.cash_metrics)), f"cash before the run's first month {run.dates[0]} ({' + '.join(spec.cash_metrics)})"


def narrative_peers(run: SavedRun, book: AgentBook, exclude: str = "") -> list[Peer]:
    """Narrative marks as peers: each mark of an entity with a ``peer_group`` over that
    entity's revenue in the run in the mark's year (EV/revenue as the narrative prices it)."""
    peers = []
    for spec in entity_specs():
        if not spec.peer_group or spec.id == exclude:
            continue
        acc = by_year(entity_accounts(run.ledger, spec.entity(book), run.dates))
        for mark in marks():
            year = int(mark.date[:4])
            if mark.entity in spec.mark_entities and mark.narrative and year in acc.index and _num(acc.loc[year, "months"]) == 12:
                m = mark_implied_multiple(mark.value_usd, _num(acc.loc[year, "revenue_usd"]))
                if m == m:
                    peers.append(Peer(f"{mark.entity} mark {mark.date}", spec.peer_group, m, "EV/revenue", f"{year} (run)", f"valuation_marks.csv ({mark.kind}) over {run.name}'s simulated revenue"))
    return peers


def value_entity(run: SavedRun, spec: EntitySpec, a: Assumptions, book: AgentBook | None = None) -> EntityValue:
    """Book and value one entity of a saved run."""
    book = book or AgentBook.from_summary(run.summary)
    entity = spec.entity(book)
    acc = entity_accounts(run.ledger, entity, run.dates)
    flows = CashFlows.from_monthly(run.dates, acc["revenue_usd"].to_numpy(), acc["ebitda_usd"].to_numpy(), acc["capex_usd"].to_numpy())
    vy = a.valuation_year if a.valuation_year is not None else flows.years[0]
    if vy not in flows.years:
        raise UsageError(f"--valuation-year must be a full year of the run {run.path} ({flows.years[0]}-{flows.years[-1]}) (got {vy})")
    cash, note = _cash_at_start(run, spec, vy)
    valuation = value_cash_flows(flows, a.replace(valuation_year=vy), cash)
    seg_all = entity_revenue_by_segment(run.ledger, entity, book)
    seg = pd.DataFrame(seg_all[seg_all["date"].str.startswith(str(vy))].groupby("segment", as_index=False)["revenue_usd"].sum())
    table = segment_table()
    labels = {s.segment: s.label for s in table.values()}
    groups = {s.segment: s.peer_group for s in table.values()}
    seg["label"] = seg["segment"].map(lambda s: labels.get(s, s))
    seg["group"] = seg["segment"].map(lambda s: groups.get(s, ""))
    comps = sum_of_parts(seg, group_multiples([*peer_table(), *narrative_peers(run, book, exclude=spec.id)]))
    by_method = {}
    for method in TERMINAL_METHODS:
        alt = valuation if method == a.terminal else value_cash_flows(flows, a.replace(valuation_year=vy, terminal=method), cash)
        by_method[method] = float(alt.equity_value[0])
    coc = run.results.cost_of_capital
    sens = sensitivity(flows, a.replace(valuation_year=vy), cash, (float(coc.wacc[0]), float(coc.terminal_growth[0])))
    return EntityValue(spec, acc, valuation, note, comps, by_method, sens)


def value_run(run: SavedRun, **overrides: Any) -> RunValue:
    """Value every entity of a saved run and set every mark against it.

    ``overrides``: any :class:`~ecosim.finance.valuation.Assumptions` field (``wacc``,
    ``terminal_growth``, ``terminal``, ``valuation_year``...) instead of the scenario's.
    """
    try:
        a = assumptions_for(run.scenario.model.capital_market, run.results.cost_of_capital, **overrides)
    except ValueError as exc:
        raise UsageError(f"{run.path}: {exc}") from None
    book = AgentBook.from_summary(run.summary)
    entities = {spec.id: value_entity(run, spec, a, book) for spec in entity_specs()}
    gaps = []
    for mark in marks():
        spec = next((s for s in entity_specs() if mark.entity in s.mark_entities), None)
        if spec is None:
            continue
        ev = entities[spec.id]
        year = int(mark.date[:4])
        yearly = ev.yearly()
        rev = _num(yearly.loc[year, "revenue_usd"]) if year in yearly.index and _num(yearly.loc[year, "months"]) == 12 else None
        gaps.append(GapRow(mark, spec.id, ev.equity_usd, rev, reverse_dcf(ev.valuation, mark.value_usd)))
    return RunValue(run, a, entities, gaps)


def weighted_values(values: list[RunValue], weights: list[float]) -> pd.DataFrame:
    """Probability-weighted equity value of every entity over several runs [USD].

    Columns: entity, one column per run (its scenario name), ``weighted``. ``weights`` must be
    non-negative, one per run, and sum to 1.

    >>> weighted_values.__doc__ is not None
    True
    """
    check_weights(weights, len(values))
    rows = []
    for eid in values[0].entities:
        row: dict[str, Any] = {"entity": eid, "label": values[0].entities[eid].spec.label}
        vals = [v.entities[eid].equity_usd for v in values]
        for i, (v, x) in enumerate(zip(values, vals, strict=True)):
            row[f"{i + 1}: {v.run.name}"] = x
        row["weighted"] = float(np.dot(weights, vals))
        rows.append(row)
    return pd.DataFrame(rows)


def check_weights(weights: list[float], n_runs: int) -> None:
    """Raise UsageError unless there is one non-negative weight per run and they sum to 1.

    >>> check_weights([0.2, 0.6, 0.2], 3)
    >>> check_weights([0.5, 0.6], 2)
    Traceback (most recent call last):
    ...
    ecosim.errors.UsageError: --weights must sum to 1 (got 1.1 for 2 runs)
    """
    if len(weights) != n_runs:
        raise UsageError(f"--weights must give one weight per run directory ({n_runs}) (got {len(weights)})")
    if not all(math.isfinite(w) for w in weights):
        raise UsageError(f"--weights must be finite numbers (got {', '.join(f'{w:g}' for w in weights)})")
    if any(w < 0 for w in weights):
        raise UsageError(f"--weights must be >= 0 (got {min(weights):g})")
    if abs(sum(weights) - 1.0) > 1e-6:
        raise UsageError(f"--weights must sum to 1 (got {sum(weights):g} for {n_runs} runs)")
