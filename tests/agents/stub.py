"""A stub world of a few lines for testing one agent alone (no bundled scenario, no model)."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace as NS
from typing import Any

import mesa
import networkx as nx
import numpy as np

from ecosim.agents.base import MonthMemo
from ecosim.exchange.clearing import Exchange
from ecosim.exchange.topology import SIGNALS, edge_id
from ecosim.scenario.roster import Actor, parse_roster
from ecosim.timeline import parse_month


class StubWorld(mesa.Model):
    """The :class:`ecosim.agents.base.World` an agent sees: a month, K members, an exchange on
    just the edges a test names, a roster of the test's companies, and binomial draws that are
    their expected value rounded down (so tests can compute them by hand)."""

    def __init__(self, edges: Iterable[tuple[str, str, str]], *, month: str = "2030-01", members: int = 1,
                 companies: dict[str, str] | None = None, funded: Iterable[str] = (), heads: dict[str, str] | None = None) -> None:
        super().__init__(rng=0)
        g = nx.MultiDiGraph()
        for s, b, c in edges:
            g.add_edge(s, b, key=c, commodity=c, unit="-", signal=c in SIGNALS, enabled=True, id=edge_id(s, b, c))
        comp = {n: n for n in g.nodes} | dict(companies or {})
        for n in comp:
            g.add_node(n)
        self.members = members
        self.month = self.start_month = parse_month(month)
        self.month_memo = MonthMemo()
        self.exchange = Exchange(g, comp, members, 24)
        heads = heads or {}
        ids = sorted(set(comp.values()))
        self.roster = parse_roster({
            "companies": {c: {"name": c, "funded": c in set(funded)} for c in ids},
            "actor": [{"name": n, "class": "-", "company": c, "section": n, "label": n, "head": heads.get(c) == n} for n, c in comp.items()],
        })

    def binomial(self, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        return np.floor(np.asarray(n, float) * np.asarray(p, float))

    def actor(self, name: str) -> Actor:
        return self.roster.actor(name)

    def start(self) -> None:
        """After the agent is built: what was published becomes readable in the first month."""
        self.exchange.begin()
        self.exchange.open(0)

    def next_month(self) -> None:
        self.month += 1
        self.exchange.open(self.month - self.start_month)


def ns(**kw: Any) -> NS:
    """A parameter section."""
    return NS(**kw)


def paid_usd(world: StubWorld, payer: str, kind: str) -> float:
    """What ``payer`` paid out this month as ``kind`` (``opex``, ``capex``, ...) [USD], member 0."""
    ex = world.exchange
    return float(sum(ex.money_usd[i][ex.step_index, 0] for (src, _, k), i in ex.money_keys.items() if src == payer and k == kind))


def sellers_shared(contract_buyer: str = "xai", contract_usd_per_pb: float = 0.0) -> NS:
    """The shared sections of a seller of sensor data (``[data_market]``; history.toml's: xAI's
    contract at no charge)."""
    return NS(data_market=NS(contract_buyer=contract_buyer, contract_usd_per_pb=contract_usd_per_pb))
