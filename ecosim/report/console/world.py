"""``ecosim scenarios`` and ``ecosim edges`` on the console."""

from __future__ import annotations

import json
from collections.abc import Sequence

import networkx as nx
from rich.console import Console
from rich.table import Table


def print_scenarios(out: Console, rows: Sequence[tuple[str, str, str, str]]) -> None:
    """Bundled scenarios: (name, start month, end month, description)."""
    table = Table(title="Bundled scenarios (ecosim run NAME or scenarios/NAME.toml)", title_justify="left")
    for c in ("name", "years", "description"):
        table.add_column(c)
    for name, start, end, description in rows:
        table.add_row(name, f"{start[:4]}–{end[:4]}", description)
    out.print(table)


def print_edges(out: Console, network: nx.MultiDiGraph, as_json: bool = False) -> None:
    """Every edge of the exchange network with its unit, marked when it is a signal or cut."""
    rows = [(d["id"], d["unit"], "cut" if not d["enabled"] else ("signal" if d["signal"] else "")) for _, _, _, d in network.edges(keys=True, data=True)]
    if as_json:
        print(json.dumps([{"edge": e, "unit": u, "note": n} for e, u, n in rows], indent=1))
        return
    table = Table(title="Exchange network edges (cut one with --set 'exchange.disable=[\"seller->buyer:commodity\"]')", title_justify="left")
    for c in ("edge", "unit", ""):
        table.add_column(c)
    for r in rows:
        table.add_row(*r)
    out.print(table)
