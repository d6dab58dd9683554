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

Marks are compared like for like (:func:`like_for_like`): the value set against a mark is the
same entity (SpaceX alone, SpaceX + xAI, xAI, OpenAI, Tesla: the mark's ``entity``) at the mark's
date, on the mark's basis (pre- or post-money), with the round's raise counted once. The DCF values
an entity at the start of the valuation year (default: the run's first full year), before any
raise booked after that date; that value is carried to the mark's month at the discount rate
(discounted back for a mark dated before the run), the raises the run books between the two dates
are added, and for a post-money mark the round's own raise is added once (the mark's
``raise_usd``). SpaceX alone counts what it sells to xAI at market prices
(:func:`ecosim.finance.accounts.at_market_prices`), not at the internal transfer price.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
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
    at_market_prices,
    by_year,
    entity_accounts,
    entity_revenue_by_segment,
    segment_table,
)
from ecosim.finance.comparables import (
    group_multiples,
    mark_implied_multiple,
    peers_for,
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
from ecosim.timeline import format_month, parse_month

BASES = ("pre-money", "post-money", "traded", "estimate")


@dataclass(frozen=True)
class Mark:
    """A valuation mark from ``valuation_marks.csv`` [USD]; ``narrative`` is False for an
    analyst's DCF estimate (shown for reference, not a narrative price).

    ``entity`` is the scope the mark prices (SpaceX alone, SpaceX+xAI, xAI, OpenAI, Tesla,
    Anthropic); ``basis``: ``post-money`` (the round's ``raise_usd`` is inside the value),
    ``pre-money``, ``traded`` (existing shares or an all-stock merger: no new money) or
    ``estimate`` (an analyst's fair value); ``basis_source`` says where the basis and raise come from.
    """

    entity: str
    date: str
    value_usd: float
    kind: str
    source: str
    basis: str = "traded"
    raise_usd: float = 0.0
    basis_source: str = ""

    @property
    def narrative(self) -> bool:
        return "DCF" not in self.kind

    @property
    def pre_money_usd(self) -> float:
        """The mark without the round's new money [USD]."""
        return self.value_usd - (self.raise_usd if self.basis == "post-money" else 0.0)


def _mark(r: dict[str, str]) -> Mark:
    basis = (r.get("basis") or "traded").strip()
    if basis not in BASES:
        raise ValueError(f"valuation_marks.csv: basis must be one of {', '.join(BASES)} (got {basis!r} for {r['entity']} {r['date']})")
    return Mark(r["entity"], r["date"], float(r["value_usd"]), r["kind"], r["source"], basis, float(r.get("raise_usd") or 0.0), r.get("basis_source") or "")


@lru_cache(maxsize=1)
def marks() -> tuple[Mark, ...]:
    """Every row of ``ecosim/data/valuation_marks.csv``."""
    path = resources.files("ecosim") / "data" / "valuation_marks.csv"
    with path.open(encoding="utf-8") as fh:
        return tuple(_mark(r) for r in csv.DictReader(fh))


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


@dataclass(frozen=True)
class LikeForLike:
    """The run's value of a mark's entity at the mark's date and on the mark's basis [USD].

    ``value_at_start_usd``: equity at the start of the valuation year (cash then + DCF);
    ``months``: from there to the mark's month (negative: the mark is older); ``raised_before_usd``:
    raises the run books from the valuation date up to (not including) the mark's month;
    ``raised_in_month_usd``: what it books in the mark's month (the round itself, if it models it);
    ``value_usd``: the value compared with the mark; ``target_at_start_usd``: the mark carried back
    to the valuation date on the DCF's basis (pre-money, before later raises), for the reverse DCF.
    """

    value_at_start_usd: float
    rate: float
    months: int
    raised_before_usd: float
    raised_in_month_usd: float
    mark_raise_usd: float
    value_usd: float
    target_at_start_usd: float
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("value_at_start_usd", "rate", "months", "raised_before_usd", "raised_in_month_usd", "mark_raise_usd", "value_usd", "target_at_start_usd", "note")}


def like_for_like(mark: Mark, value_at_start_usd: float, rate: float, start_month: str, raised_usd_by_month: dict[str, float]) -> LikeForLike:
    """The value to set against ``mark``: the same entity at the mark's date, the raise once.

    ``value_at_start_usd`` is the entity's equity at ``start_month`` (the valuation date), before
    raises booked from then on; ``raised_usd_by_month`` the entity's raises as the run books them.
    Pre-money value at the mark's month = value at start x (1 + rate)^(months/12) + raises
    booked in between; a post-money mark adds the round's raise once (whether or not the run
    books it in that month, it is not in the pre-money value); a mark dated before the run is
    compared with the value discounted back (no raise of that period is in the run).

    Hand check: OpenAI worth 700 at 2026-01 at 8 %, a post-money mark of 840 in 2026-02 with a
    raise of 110 that the run books in 2026-02: pre-money 700 x 1.08^(1/12) = 704.5, compared
    with the mark 704.5 + 110 = 814.5 (97 % of 840); the reverse DCF's target at 2026-01 is
    (840 - 110) / 1.08^(1/12) = 725.3.

    >>> m = Mark("OpenAI", "2026-02", 840.0, "round", "", "post-money", 110.0)
    >>> x = like_for_like(m, 700.0, 0.08, "2026-01", {"2026-02": 110.0})
    >>> round(x.value_usd, 1), round(x.target_at_start_usd, 1), x.raised_in_month_usd
    (814.5, 725.3, 110.0)
    >>> y = like_for_like(Mark("OpenAI", "2025-12", 840.0, "round", "", "post-money", 110.0), 700.0, 0.08, "2026-01", {})
    >>> round(y.value_usd, 1), round(y.target_at_start_usd, 1)
    (695.5, 845.4)
    """
    months = _month_index(mark.date) - _month_index(start_month)
    growth = (1.0 + rate) ** (months / 12.0)
    raise_usd = mark.raise_usd if mark.basis == "post-money" else 0.0
    plural = "s" if abs(months) != 1 else ""
    if months >= 0:
        before = float(sum(v for m, v in raised_usd_by_month.items() if start_month <= m < mark.date))
        at = float(raised_usd_by_month.get(mark.date, 0.0))
        note = f"value at {start_month} carried {months} month{plural} at {100 * rate:.2f} %"
        if before:
            note += f", plus {_usd(before)} raised in between"
        if raise_usd:
            booked = f"the run books {_usd(at)} that month" if at else "the run does not book it"
            note += f"; post-money: the round's {_usd(raise_usd)} added once ({booked})"
    else:
        # the round happened before the valuation date: its money is already in the cash then,
        # and so is every raise booked after the mark's month, which the mark cannot include
        later = float(sum(v for m, v in raised_usd_by_month.items() if mark.date < m < start_month))
        before, at = -raise_usd - later * growth, float(raised_usd_by_month.get(mark.date, 0.0))
        note = f"dated before the valuation date: value at {start_month} discounted back {-months} month{plural} at {100 * rate:.2f} %"
        if later:
            note += f", less the {_usd(later)} the run raises after the mark"
        if raise_usd:
            note += f"; post-money: the round's {_usd(raise_usd)} is already in the cash at {start_month} (assumption, before the run: the starting cash holds every earlier raise), so it is not added again"
    pre = value_at_start_usd * growth + before
    target = (mark.pre_money_usd - before) / growth
    return LikeForLike(value_at_start_usd, rate, months, before, at, raise_usd, pre + raise_usd, target, note)


def scheduled_raises(capital_market: Any, companies: Sequence[str] | None = None) -> dict[str, float]:
    """The raises of ``companies`` (default: SpaceX and xAI, the companies of the merger) scheduled
    in a scenario's ``[capital_market]`` (the section, or its table as read from TOML) [USD by
    month]: what an ensemble without ledgers counts between the valuation date and a mark (a
    follow-on raise the capital market adds is in a ledger only: the baseline books none for
    SpaceX or xAI; Tesla's come after its marks, which are older than the run).

    >>> scheduled_raises({"merger_company": "xai", "merger_into_company": "spacex", "raises": [
    ...     {"month": "2026-01", "company": "xai", "usd": 20e9}, {"month": "2026-02", "company": "openai", "usd": 110e9}]})
    {'2026-01': 20000000000.0}
    """
    def get(o: Any, k: str) -> Any:
        return o.get(k) if isinstance(o, Mapping) else getattr(o, k, None)

    wanted = set(companies) if companies is not None else {get(capital_market, "merger_into_company"), get(capital_market, "merger_company")}
    out: dict[str, float] = {}
    for r in get(capital_market, "raises") or ():
        if get(r, "company") in wanted:
            month = format_month(parse_month(str(get(r, "month"))))
            out[month] = out.get(month, 0.0) + float(get(r, "usd"))
    return out


def _usd(x: float) -> str:
    """$20.0B (billions, one decimal: the notes' unit)."""
    return f"${x / 1e9:,.1f}B"


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
    market_prices_for: tuple[str, ...] = ()  # buyers whose purchases from this entity count at market prices
    cash_until_merger: bool = False  # the cash metrics hold this part alone only before the merger month

    def entity(self, book: AgentBook) -> Entity:
        if self.company is not None:
            return book.company_entity(self.company, self.label)
        return Entity.of_agents(self.id, self.label, [a for a in self.agents if a in book.initial])


def entity_specs() -> list[EntitySpec]:
    """The ``[[entity]]`` tables of ``valuation.toml``."""
    return [
        EntitySpec(
            e["id"], e["label"], e.get("company"), tuple(e.get("agents", ())), tuple(e.get("marks", ())), tuple(e.get("cash_metrics", ())), e.get("peer_group", ""),
            tuple(e.get("market_prices_for", ())), bool(e.get("cash_until_merger", False)),
        )
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
    transfer_prices: pd.DataFrame = field(default_factory=pd.DataFrame)  # sales to market_prices_for: booked vs market [USD/yr]

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
    like: LikeForLike | None = None

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
            "mark": {"entity": self.mark.entity, "date": self.mark.date, "value_usd": self.mark.value_usd, "kind": self.mark.kind, "source": self.mark.source, "narrative": self.mark.narrative,
                     "basis": self.mark.basis, "raise_usd": self.mark.raise_usd, "basis_source": self.mark.basis_source},
            "entity": self.entity_id,
            "value_usd": self.value_usd,
            "like_for_like": None if self.like is None else self.like.as_dict(),
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
                    "transfer_prices": _records(e.transfer_prices),
                }
                for k, e in self.entities.items()
            },
            "gaps": [g.as_dict() for g in self.gaps],
        }

    def entities_frame(self) -> pd.DataFrame:
        """One row per entity (index its id): ``label``, ``enterprise_value_usd``, ``cash_usd``
        and ``equity_value_usd`` [USD], the ``wacc`` and ``terminal_growth`` it was valued at
        [fraction/yr], and how its cash was counted (``cash_note``)."""
        rows = {
            k: {
                "label": e.spec.label,
                "enterprise_value_usd": float(e.valuation.enterprise_value[0]),
                "cash_usd": float(np.asarray(e.valuation.cash).reshape(-1)[0]),
                "equity_value_usd": e.equity_usd,
                "wacc": float(np.asarray(e.valuation.assumptions.wacc).reshape(-1)[0]),
                "terminal_growth": float(np.asarray(e.valuation.assumptions.terminal_growth).reshape(-1)[0]),
                "cash_note": e.cash_note,
            }
            for k, e in self.entities.items()
        }
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("entity")

    def gaps_frame(self) -> pd.DataFrame:
        """One row per mark: the mark (``mark_entity``, ``mark_date``, ``mark_usd``, ``kind``,
        ``basis``, ``narrative``), the run's value of its entity like for like (``entity``,
        ``value_usd``, at the mark's month as ``ecosim value`` sets it), the gap
        (``gap_usd``, ``gap_share_of_mark``: the part of the mark the run does not support) and
        the mark over the value minus one (``premium_over_value``)."""
        return pd.DataFrame(
            [
                {
                    "mark_entity": g.mark.entity,
                    "mark_date": g.mark.date,
                    "mark_usd": g.mark.value_usd,
                    "kind": g.mark.kind,
                    "basis": g.mark.basis,
                    "narrative": g.mark.narrative,
                    "entity": g.entity_id,
                    "value_usd": g.value_usd,
                    "gap_usd": g.gap_usd,
                    "gap_share_of_mark": g.gap_share_of_mark,
                    "premium_over_value": g.premium_over_value,
                }
                for g in self.gaps
            ]
        )


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
    if spec.cash_until_merger and f"{year}-01" > run.summary.merger_month:
        return 0.0, f"after the merger ({run.summary.merger_month}) this part's cash is not separable: value excludes it"
    ts = run.timeseries.set_index("date")
    missing = [m for m in spec.cash_metrics if m not in ts.columns]
    if missing:
        return 0.0, f"the run has no {', '.join(missing)}: value excludes cash"
    before = f"{year - 1}-12"
    if before in ts.index:
        return _num(ts.loc[before, list(spec.cash_metrics)].sum()), f"cash at the end of {before} ({' + '.join(spec.cash_metrics)})"
    start = run.results.cash_start
    return float(sum(float(start[m][0]) for m in spec.cash_metrics)), f"cash before the run's first month {run.dates[0]} ({' + '.join(spec.cash_metrics)})"


@dataclass(frozen=True)
class Booked:
    """An entity of a run booked and valued at its valuation date: monthly accounts, the DCF,
    the note on its cash and (``market_prices_for``) its sales booked vs at market prices."""

    spec: EntitySpec
    accounts: pd.DataFrame
    flows: CashFlows
    valuation: Valuation
    cash_note: str
    transfers: pd.DataFrame


def book_entity(run: SavedRun, spec: EntitySpec, a: Assumptions, book: AgentBook | None = None) -> Booked:
    """Book one entity of a saved run from its ledger and value it by DCF at the start of the
    valuation year (``a.valuation_year``, default the run's first full year), cash included."""
    book = book or AgentBook.from_summary(run.summary)
    entity = spec.entity(book)
    ledger, transfers = run.ledger, pd.DataFrame()
    if spec.market_prices_for:
        ledger, transfers = at_market_prices(run.ledger, spec.agents, spec.market_prices_for)
    acc = entity_accounts(ledger, entity, run.dates)
    flows = CashFlows.from_monthly(run.dates, acc["revenue_usd"].to_numpy(), acc["ebitda_usd"].to_numpy(), acc["capex_usd"].to_numpy())
    vy = a.valuation_year if a.valuation_year is not None else flows.years[0]
    if vy not in flows.years:
        raise UsageError(f"--valuation-year must be a full year of the run {run.path} ({flows.years[0]}-{flows.years[-1]}) (got {vy})")
    cash, note = _cash_at_start(run, spec, vy)
    return Booked(spec, acc, flows, value_cash_flows(flows, a.replace(valuation_year=vy), cash), note, transfers)


def value_entity(run: SavedRun, spec: EntitySpec, a: Assumptions, book: AgentBook | None = None) -> EntityValue:
    """Book and value one entity of a saved run, with its comparables, its value by terminal
    method and its sensitivity table."""
    book = book or AgentBook.from_summary(run.summary)
    b = book_entity(run, spec, a, book)
    acc, flows, valuation = b.accounts, b.flows, b.valuation
    vy = int(valuation.assumptions.valuation_year)  # type: ignore[arg-type]
    cash = float(np.asarray(valuation.cash).reshape(-1)[0])
    entity = spec.entity(book)
    seg_all = entity_revenue_by_segment(run.ledger, entity, book)
    seg = pd.DataFrame(seg_all[seg_all["date"].str.startswith(str(vy))].groupby("segment", as_index=False)["revenue_usd"].sum())
    table = segment_table()
    labels = {s.segment: s.label for s in table.values()}
    groups = {s.segment: s.peer_group for s in table.values()}
    seg["label"] = seg["segment"].map(lambda s: labels.get(s, s))
    seg["group"] = seg["segment"].map(lambda s: groups.get(s, ""))
    comps = sum_of_parts(seg, group_multiples(list(peers_for(spec.id))))
    # peers' multiples price the valuation year's revenue at the start of that year; a later
    # valuation year is discounted back to the start of the run's first full year (the date the
    # headline and the marks are stated at)
    first = flows.years[0]
    comps["discounted_to"] = f"{first}-01"
    for col in ("low", "median", "high"):
        comps[f"value_{col}_at_first_year_usd"] = comps[f"value_{col}_usd"] * (1.0 + a.wacc) ** -(vy - first)
    by_method = {}
    for method in TERMINAL_METHODS:
        alt = valuation if method == a.terminal else value_cash_flows(flows, a.replace(valuation_year=vy, terminal=method), cash)
        by_method[method] = float(alt.equity_value[0])
    coc = run.results.cost_of_capital
    sens = sensitivity(flows, a.replace(valuation_year=vy), cash, (float(coc.wacc[0]), float(coc.terminal_growth[0])))
    return EntityValue(spec, acc, valuation, b.cash_note, comps, by_method, sens, b.transfers)


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
    yearly: dict[str, pd.DataFrame] = {}
    for mark in marks():
        spec = spec_of_mark(mark)
        if spec is not None:
            ev = entities[spec.id]
            if spec.id not in yearly:
                yearly[spec.id] = by_year(ev.accounts)
            ys = yearly[spec.id]
            gaps.append(gap_row(mark, spec.id, ev.accounts, ev.valuation, a.wacc, requirements=True, yearly=ys))
    return RunValue(run, a, entities, gaps)


def spec_of_mark(mark: Mark) -> EntitySpec | None:
    """The entity of ``valuation.toml`` a mark prices (None: no entity of the world)."""
    return next((s for s in entity_specs() if mark.entity in s.mark_entities), None)


def gap_row(
    mark: Mark, entity_id: str, accounts: pd.DataFrame, valuation: Valuation, rate: float, requirements: bool = False, yearly: pd.DataFrame | None = None
) -> GapRow:
    """One mark against its entity, like for like (:func:`like_for_like`): the entity's equity
    at the valuation date carried to the mark's month at ``rate`` with the raises its
    ``accounts`` book in between (and a post-money round's raise once); with ``requirements``,
    what the reverse DCF says the mark requires. ``yearly``: ``by_year(accounts)`` when the
    caller has it (an entity priced by several marks)."""
    year = int(mark.date[:4])
    yearly = by_year(accounts) if yearly is None else yearly
    rev = _num(yearly.loc[year, "revenue_usd"]) if year in yearly.index and _num(yearly.loc[year, "months"]) == 12 else None
    start = f"{valuation.assumptions.valuation_year}-01"
    raised = {str(d): float(x) for d, x in accounts["raised_usd"].items() if x}
    like = like_for_like(mark, float(valuation.equity_value[0]), rate, start, raised)
    return GapRow(mark, entity_id, like.value_usd, rev, reverse_dcf(valuation, like.target_at_start_usd) if requirements else [], like)


def mark_gaps(run: SavedRun, entity_ids: tuple[str, ...] | None = None, **overrides: Any) -> tuple[dict[str, Booked], list[GapRow]]:
    """The marks of ``entity_ids`` (default every entity) against their entity like for like:
    the same values :func:`value_run` sets against them (``ecosim value``), without the
    comparables, the sensitivity table and the reverse DCF (what the headlines of ``ecosim
    run``, ``summary.json`` and the reports state). Returns the entities booked and the rows,
    in the order of ``valuation_marks.csv``."""
    try:
        a = assumptions_for(run.scenario.model.capital_market, run.results.cost_of_capital, **overrides)
    except ValueError as exc:
        raise UsageError(f"{run.path}: {exc}") from None
    book = AgentBook.from_summary(run.summary)
    specs = [s for s in entity_specs() if entity_ids is None or s.id in entity_ids]
    booked = {s.id: book_entity(run, s, a, book) for s in specs}
    rows = []
    yearly: dict[str, pd.DataFrame] = {}
    for mark in marks():
        spec = spec_of_mark(mark)
        if spec is not None and spec.id in booked:
            b = booked[spec.id]
            if spec.id not in yearly:
                yearly[spec.id] = by_year(b.accounts)
            ys = yearly[spec.id]
            rows.append(gap_row(mark, spec.id, b.accounts, b.valuation, a.wacc, yearly=ys))
    return booked, rows


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
