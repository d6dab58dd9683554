"""The gap, explained: for each mark, the run's like-for-like value split into the entity's
segments and its cash, and the valuation assumptions that move it most against the gap.

*Segments.* The DCF (:func:`ecosim.finance.valuation.value_cash_flows`: tax with loss
carry-forward, fade, normalised terminal value) is not additive over segments, so the entity's
value at the valuation date is shared among its segments and its cash by their Shapley values
(:func:`ecosim.finance.bridge.shapley`): the value of a coalition of segments is the DCF of
their own accounts as if they stood alone (trade with the entity's other segments at the price
booked, as :func:`ecosim.finance.accounts.entity_accounts` counts it), plus the cash when the
cash is in it. The shares add up exactly to the entity's equity value. Carried to the mark's
date like the value (:func:`ecosim.finance.gap.like_for_like`), they add up to the value
compared; the raises in between and a post-money round are one more part.

*Assumptions.* Each one-at-a-time change of the headline's sensitivity table (terminal method,
discounting, the rate and terminal growth one point either way, RONIC) moves the value compared
by the same factor as the entity's value; the share of the gap each closes is listed, largest
move first (the bridge to the mark, assumption by assumption; the Sobol indices of an
experiment rank the world's uncertain inputs, this ranks the valuation's own choices).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ecosim.finance.accounts import (
    AgentBook,
    Entity,
    at_market_prices,
    entity_accounts,
    segment_table,
)
from ecosim.finance.bridge import shapley
from ecosim.finance.gap import EntityValue, GapRow, RunValue
from ecosim.finance.valuation import CashFlows, value_cash_flows

CASH = "cash at the valuation date"
RAISES = "raises to the mark's date and the round (post-money)"


@dataclass(frozen=True)
class GapExplained:
    """One mark's gap, explained: ``parts`` (name -> USD, adding up to the value compared) and
    ``moves`` (assumption change -> (value compared then, share of the gap it closes))."""

    gap: GapRow
    parts: dict[str, float]
    moves: list[tuple[str, float, float]]

    def words(self) -> str:
        """The explanation in one paragraph."""
        g = self.gap
        m = g.mark
        parts = ", ".join(f"{k} {_usd(v)}" for k, v in self.parts.items() if abs(v) >= 0.5e9)
        if g.gap_usd > 0:
            head = f"{m.entity} {m.date} ({m.kind}): the run's value {_usd(g.value_usd)} is {_usd(g.gap_usd)} below the {_usd(m.value_usd)} mark"
        else:
            head = f"{m.entity} {m.date} ({m.kind}): the run's value {_usd(g.value_usd)} is {_usd(-g.gap_usd)} above the {_usd(m.value_usd)} mark"
        text = f"{head}; it is made of {parts}."
        if self.moves:
            top = self.moves[:2]
            text += " The valuation choices that move it most: " + "; ".join(
                f"{name} {_usd(v - g.value_usd, signed=True)} ({100 * share:+.0f} % of the gap)" for name, v, share in top) + "."
            closes = [name for name, _, share in self.moves if share >= 1.0]
            text += f" Alone, {', '.join(closes)} would close it." if closes else " No single choice closes it."
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"mark": self.gap.mark.entity + " " + self.gap.mark.date + " " + self.gap.mark.kind, "entity": self.gap.entity_id,
                "value_usd": self.gap.value_usd, "mark_usd": self.gap.mark.value_usd, "gap_usd": self.gap.gap_usd,
                "parts_usd": self.parts, "moves": [{"change": n, "value_usd": v, "share_of_gap": s} for n, v, s in self.moves], "words": self.words()}


def _usd(x: float, signed: bool = False) -> str:
    sign = ("+" if x >= 0 else "−") if signed else ("-" if x < 0 else "")
    a = abs(x)
    return f"{sign}${a / 1e12:,.2f}T" if a >= 1e12 else f"{sign}${a / 1e9:,.1f}B"


def segment_parts(rv: RunValue, ev: EntityValue, book: AgentBook | None = None) -> dict[str, float]:
    """The entity's equity value at the valuation date shared among its segments and its cash
    (Shapley; adds up to ``ev.equity_usd``) [USD], segments by label."""
    run = rv.run
    book = book or AgentBook.from_summary(run.summary)
    entity = ev.spec.entity(book)
    table = segment_table()
    by_segment: dict[str, list[str]] = {}
    for agent in entity.spans:
        info = table.get(agent)
        by_segment.setdefault(info.label if info else agent, []).append(agent)
    ledger = run.ledger
    if ev.spec.market_prices_for:
        ledger, _ = at_market_prices(run.ledger, ev.spec.agents, ev.spec.market_prices_for)
    a = ev.valuation.assumptions
    cash = float(ev.valuation.cash[0])

    def value(coalition: frozenset[str]) -> float:
        agents = [x for s in coalition if s != CASH for x in by_segment[s]]
        c = cash if CASH in coalition else 0.0
        if not agents:
            return c
        part = Entity(entity.id, entity.label, {x: entity.spans[x] for x in agents})
        acc = entity_accounts(ledger, part, run.dates)
        flows = CashFlows.from_monthly(run.dates, acc["revenue_usd"].to_numpy(), acc["ebitda_usd"].to_numpy(), acc["capex_usd"].to_numpy())
        return float(value_cash_flows(flows, a, c).equity_value[0])

    players = [*by_segment, CASH]
    return shapley(value, players)


def explain(rv: RunValue) -> list[GapExplained]:
    """Every mark of the run's value, explained (see the module docstring)."""
    book = AgentBook.from_summary(rv.run.summary)
    parts_cache: dict[str, dict[str, float]] = {}
    out = []
    for g in rv.gaps:
        ev = rv.entities[g.entity_id]
        if g.entity_id not in parts_cache:
            parts_cache[g.entity_id] = segment_parts(rv, ev, book)
        like = g.like
        growth = (1.0 + like.rate) ** (like.months / 12.0) if like is not None else 1.0
        parts = {k: v * growth for k, v in parts_cache[g.entity_id].items()}
        rest = g.value_usd - sum(parts.values())
        if abs(rest) > 1e-6 * max(1.0, abs(g.value_usd)):
            parts[RAISES] = rest
        moves = []
        base = ev.equity_usd
        for name, v in ev.sensitivity[1:]:
            if base != 0 and name.startswith(("terminal", "discounted", "rate", "terminal growth", "RONIC")):
                compared = g.value_usd + (v - base) * growth
                share = (compared - g.value_usd) / g.gap_usd if g.gap_usd else float("nan")
                moves.append((name, compared, share))
        moves.sort(key=lambda m: -abs(m[1] - g.value_usd))
        out.append(GapExplained(g, parts, moves))
    return out


def parts_frame(items: list[GapExplained]) -> pd.DataFrame:
    """One row per mark and part: mark, part, usd (for a figure or a table)."""
    rows = [{"mark": f"{e.gap.mark.entity} {e.gap.mark.date}", "part": k, "usd": v} for e in items for k, v in e.parts.items()]
    return pd.DataFrame(rows, columns=["mark", "part", "usd"])
