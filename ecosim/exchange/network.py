"""The exchange network as a networkx graph: nodes are actors, typed edges are trade links
(goods and money) and signals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from ecosim.exchange.topology import (
    COMMODITY_UNITS,
    RULES,
    SIGNAL_UNITS,
    edge_id,
    expand,
    parse_edge_id,
)


@dataclass(frozen=True)
class Node:
    """What the network knows of an actor: its kind (class), company at start and groups."""

    kind: str
    company: str
    groups: tuple[str, ...] = ()


def build_network(nodes: Mapping[str, Node], disable: list[str] | tuple[str, ...] = ()) -> nx.MultiDiGraph:
    """The graph of every edge among ``nodes`` (name -> :class:`Node`), in roster order.

    Each edge has key = commodity (or signal) and attributes ``commodity``, ``unit``,
    ``signal`` (bool), ``enabled`` (False when listed in ``disable``) and ``id``. Disabled edges
    stay in the graph (so a picture shows the cut) but carry nothing.

    Raises ValueError naming the first ``disable`` entry that is malformed or names no edge.
    """
    g = nx.MultiDiGraph()
    for name, node in nodes.items():
        g.add_node(name, kind=node.kind, company=node.company)
    for s, b, c in expand(RULES, {n: node.groups for n, node in nodes.items()}):
        unit = COMMODITY_UNITS.get(c) or SIGNAL_UNITS[c]
        g.add_edge(s, b, key=c, commodity=c, unit=unit, signal=c in SIGNAL_UNITS, enabled=True, id=edge_id(s, b, c))
    for i, text in enumerate(disable):
        try:
            s, b, c = parse_edge_id(text)
        except ValueError as exc:
            raise ValueError(f"exchange.disable[{i}] {exc}") from None
        if not g.has_edge(s, b, key=c):
            raise ValueError(f"exchange.disable[{i}] must name an edge of the network (got {text!r}; see `ecosim edges`)")
        g.edges[s, b, c]["enabled"] = False
    return g


def enabled_edges(g: nx.MultiDiGraph, commodity: str) -> list[tuple[str, str]]:
    """(seller, buyer) pairs of enabled edges of one commodity, in insertion order."""
    return [(s, b) for s, b, c, on in g.edges(keys=True, data="enabled") if c == commodity and on]
