"""The flywheel's closed loops: find them in the exchange network, measure their gains, cut links.

Reducing the network
--------------------
The exchange network (:mod:`ecosim.exchange`) is a multigraph of agents with one edge per
commodity a seller may sell a buyer, a ``capability`` signal from xAI to Tesla's fleet,
Cybercabs and robots, and ``money`` edges. Taken as it is, every agent pays its costs to
``market`` and ``market`` pays revenue to most agents, so nearly everything lies on a cycle
through the outside economy. The loops of the narrative are not those: they run through the
*companies' cash*. So the reduced graph

* keeps the goods and signal edges between modelled agents (enabled ones: a cut edge closes
  no loop), labelled by commodity;
* drops ``market`` and ``capital_market`` (the outside economy and investors: inputs, not
  parts of a loop);
* adds one **cash pool** node per company (``cash:spacex``): an edge ``agent -> cash`` when the
  agent earns money from outside its company (revenue from customers, or sales to another
  company), and ``cash -> agent`` for every agent of the company (the company's cash pays for
  all of them; whether an agent's decisions actually depend on it is what a loop's gain shows).

A company is taken as it stands at the end of the run (xAI inside SpaceX after the merger).

Loops
-----
Every simple cycle with at least one goods or signal edge is a feedback path; there are
dozens, most of them combinations of shorter ones. A **loop** is, for each edge, the shortest
cycle through it; the distinct ones are listed, named by what they carry (data loop,
compute loop, Starlink loop ...), each with a **probe edge**: the one of its edges that the
fewest cycles go through (so a push on it comes back mostly through this loop).

Gain
----
A loop's gain is measured by pushing its probe edge and watching the same edge later
(:func:`loop_gain`): from month ``m`` one member of the ensemble carries a share ``1 - d``
of what would have cleared on the edge (a small partial cut, so every agent stays within
what it ordered); the response of the edge's own flow ``H`` months later, relative to the
push, is ``r = ln(y_push / y_base) / ln(1 - d)`` (``r = 1`` when nothing comes back). The
gain is ``r - 1``: above 0 the loop reinforces (the push returns amplified), below 0 it
balances, 0 it is open (the link does not come back). Pushes started in each year show how
each loop's gain, and so the **dominant loop**, shifts over the years.

Ablation
--------
Each link between modelled agents is cut in turn for one member (a scale of 0 for the whole
run) and the outcomes are compared with the uncut member: xAI's capability, SpaceX's orbital
compute, and the fundamental values of SpaceX and Tesla.

This module is pure: it takes graphs and arrays. Running the members is
:mod:`ecosim.probe`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

HUBS = ("market", "capital_market")
CASH = "cash:"


def cash_node(company: str) -> str:
    """Name of a company's cash pool in the reduced graph.

    >>> cash_node("spacex")
    'cash:spacex'
    """
    return f"{CASH}{company}"


def earners(graph: nx.MultiDiGraph, companies: dict[str, str]) -> set[str]:
    """Agents that earn money from outside their company: paid by ``market``, or selling goods
    to ``market`` or to an agent of another company (on an enabled edge)."""
    out = set()
    for s, b, k, d in graph.edges(keys=True, data=True):
        if not d.get("enabled", True) or d.get("signal", False):
            continue
        if k == "money":
            if s == "market" and b not in HUBS:
                out.add(b)
        elif s not in HUBS and (b == "market" or (b not in HUBS and companies.get(s) != companies.get(b))):
            out.add(s)
    return out


def reduce_network(graph: nx.MultiDiGraph, companies: dict[str, str]) -> nx.MultiDiGraph:
    """The reduced graph of the module docstring: agents, cash pools, commodity-labelled edges.

    Edge attributes: ``kind`` ("goods", "signal", "revenue" or "funds") and, for goods and
    signal edges, ``id`` (``seller->buyer:commodity``, the name ``exchange.disable`` uses).
    """
    R = nx.MultiDiGraph()
    for n, d in graph.nodes(data=True):
        if n not in HUBS:
            R.add_node(n, kind=d.get("kind", ""), company=companies.get(n, d.get("company", n)))
    for s, b, k, d in graph.edges(keys=True, data=True):
        if k == "money" or s in HUBS or b in HUBS or not d.get("enabled", True):
            continue
        R.add_edge(s, b, key=k, kind="signal" if d.get("signal", False) else "goods", id=d.get("id", f"{s}->{b}:{k}"))
    paid = earners(graph, companies)
    for n in list(R.nodes):
        company = companies.get(n, n)
        pool = cash_node(company)
        R.add_node(pool, kind="cash", company=company)
        R.add_edge(pool, n, key="funds", kind="funds")
        if n in paid:
            R.add_edge(n, pool, key="revenue", kind="revenue")
    return R


@dataclass(frozen=True)
class Hop:
    """One step of a loop: ``source -> target`` carrying ``commodities``."""

    source: str
    target: str
    commodities: tuple[str, ...]
    edge_ids: tuple[str, ...]

    @property
    def is_exchange(self) -> bool:
        return bool(self.edge_ids)


@dataclass(frozen=True)
class Loop:
    """A closed loop of the reduced graph."""

    id: str
    name: str
    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    probe: str  # edge id pushed to measure the gain
    cycles_through_probe: int
    owners: tuple[str, ...] = field(default=())  # edges whose shortest loop this is

    @property
    def path(self) -> str:
        """``a -[data]-> b -[capability]-> a`` with cash pools shown as ``SpaceX cash``."""
        def node(n: str) -> str:
            return f"{n[len(CASH):]} cash" if n.startswith(CASH) else n

        parts = [node(self.nodes[0])]
        for h in self.hops:
            parts.append(f"-[{'/'.join(h.commodities)}]-> {node(h.target)}")
        return " ".join(parts)

    @property
    def companies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n[len(CASH):] for n in self.nodes if n.startswith(CASH)))

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "path": self.path, "nodes": list(self.nodes), "probe_edge": self.probe,
                "cycles_through_probe": self.cycles_through_probe, "closes_edges": list(self.owners),
                "hops": [{"from": h.source, "to": h.target, "commodities": list(h.commodities), "edges": list(h.edge_ids)} for h in self.hops]}


def _hops(R: nx.MultiDiGraph, cycle: list[str]) -> tuple[Hop, ...]:
    hops = []
    for i, a in enumerate(cycle):
        b = cycle[(i + 1) % len(cycle)]
        data = R.get_edge_data(a, b) or {}
        ids = tuple(d["id"] for d in data.values() if d["kind"] in ("goods", "signal"))
        hops.append(Hop(a, b, tuple(data.keys()), ids))
    return tuple(hops)


def name_loop(nodes: Iterable[str], commodities: Iterable[str]) -> str:
    """A readable name from what a loop carries and through whom.

    >>> name_loop(["tesla_fleet", "xai"], ["data", "capability"])
    'data loop (tesla_fleet -> xai -> tesla_fleet)'
    >>> name_loop(["spacex_launch", "orbital_dc", "xai", "cash:spacex"], ["launch_mass", "compute", "revenue", "funds"])
    'compute loop (launches -> orbital compute -> capability/revenue -> launches)'
    """
    nodes, com = list(nodes), set(commodities)
    agents = [n for n in nodes if not n.startswith(CASH)]
    if "launch_mass" in com and "compute" in com and "orbital_dc" in agents:
        return "compute loop (launches -> orbital compute -> capability/revenue -> launches)"
    if "data" in com and "capability" in com:
        source = next((a for a in agents if a != "xai"), agents[0])
        return f"data loop ({source} -> xai -> {source})" if len(agents) == 2 else f"data loop ({' -> '.join(agents)})"
    if "launch_mass" in com and "starlink" in agents and "revenue" in com:
        return "Starlink loop (launches -> satellites -> subscribers/revenue -> launches)"
    if "bandwidth" in com:
        return f"backhaul loop ({' -> '.join(agents)})"
    if "data" in com and "starlink" in agents:
        return f"Earth-observation data loop ({' -> '.join(agents)})"
    if "compute" in com and "revenue" in com:
        builder = next((a for a in agents if a.endswith("_dc") or a in ("google_planet", "starcloud", "orbital_dc")), "")
        lab = next((a for a in agents if a in ("xai", "openai", "google")), "")
        return f"compute reinvestment loop ({builder} -> {lab} revenue -> {builder})"
    if "labour" in com and "accelerators" in com:
        return f"robots-build-chips loop ({' -> '.join(agents)})"
    if "labour" in com:
        return f"robot labour loop ({' -> '.join(agents)})"
    if "accelerators" in com:
        return f"chip loop ({' -> '.join(agents)})"
    return "loop (" + " -> ".join(agents) + ")"


def find_loops(R: nx.MultiDiGraph, max_length: int = 8) -> tuple[list[Loop], int]:
    """The distinct shortest loops through every goods/signal edge, and the number of all
    simple cycles (with an exchange edge, up to ``max_length`` nodes) they come from."""
    D = nx.DiGraph()
    D.add_nodes_from(R.nodes)
    D.add_edges_from((a, b) for a, b in R.edges())
    order = {n: i for i, n in enumerate(R.nodes)}
    found = []
    for c in nx.simple_cycles(D, length_bound=max_length):
        if any(h.is_exchange for h in _hops(R, c)):
            # start every cycle at its first agent in the graph's node order, then sort, so the
            # result does not depend on the order networkx finds cycles in
            k = min(range(len(c)), key=lambda i: (c[i].startswith(CASH), order[c[i]]))
            found.append(c[k:] + c[:k])
    found.sort(key=lambda c: (len(c), [order[n] for n in c]))
    cycles = [(c, _hops(R, c)) for c in found]
    through: dict[str, list[int]] = {}
    for i, (_, hops) in enumerate(cycles):
        for h in hops:
            for e in h.edge_ids:
                through.setdefault(e, []).append(i)
    chosen: dict[int, list[str]] = {}
    for e in (d["id"] for _, _, d in R.edges(data=True) if d["kind"] in ("goods", "signal")):
        if e in through:
            best = min(through[e], key=lambda i: (len(cycles[i][0]), i))
            chosen.setdefault(best, []).append(e)
    drafts = []
    for i, owners in chosen.items():
        nodes, _ = cycles[i]
        probe = min(owners, key=lambda e: (len(through[e]), owners.index(e)))
        start = nodes.index(probe.split("->")[0])
        nodes = nodes[start:] + nodes[:start]  # read the loop from the probe edge on
        hops = _hops(R, nodes)
        name = name_loop(nodes, [c for h in hops for c in h.commodities])
        drafts.append((FAMILIES.index(name.split(" (")[0]) if name.split(" (")[0] in FAMILIES else len(FAMILIES), len(nodes), i, name, nodes, hops, probe, owners))
    drafts.sort(key=lambda d: d[:3])
    loops = [Loop(f"L{n + 1}", name, tuple(nodes), hops, probe, len(through[probe]), tuple(owners)) for n, (_, _, _, name, nodes, hops, probe, owners) in enumerate(drafts)]
    return loops, len(cycles)


#: loop families in the order they are listed (the narrative's loops first)
FAMILIES = ("data loop", "compute loop", "Starlink loop", "compute reinvestment loop", "backhaul loop", "Earth-observation data loop",
            "robots-build-chips loop", "robot labour loop", "chip loop")


def loop_gain(base: np.ndarray, pushed: np.ndarray, push_frac: float) -> np.ndarray:
    """Gain of a loop from the flow on its probe edge without and with the push [-].

    ``base`` and ``pushed``: the edge's flow in the months from the push on (the first is the
    push month). Returns ``ln(pushed / base) / ln(1 - push_frac) - 1`` per month (nan where the
    edge carries nothing): 0 in the push month, then what came back round the loop.

    >>> loop_gain(np.array([100.0, 100.0, 100.0]), np.array([99.0, 98.01, 99.0]), 0.01).round(6).tolist()
    [0.0, 1.0, 0.0]
    """
    b = np.asarray(base, dtype=float)
    p = np.asarray(pushed, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(p / b) / np.log(1.0 - push_frac)
    return np.where((b > 0) & (p > 0), r - 1.0, np.nan)


def dominance(gains: pd.DataFrame, open_below: float = 0.0) -> pd.DataFrame:
    """Per year (index), the reinforcing loop with the largest gain and the balancing loop with
    the most negative one; loops with ``|gain| <= open_below`` count as open ('' if none).

    >>> d = dominance(pd.DataFrame({"a": [0.1, 0.5], "b": [0.3, -0.2]}, index=[2030, 2031]), open_below=0.01)
    >>> d["reinforcing"].tolist(), d["balancing"].tolist()
    (['b', 'a'], ['', 'b'])
    """
    rows = {}
    for year, row in gains.iterrows():
        r = row.dropna()
        up, down = r[r > open_below], r[r < -open_below]
        rows[year] = {"reinforcing": str(up.idxmax()) if not up.empty else "", "balancing": str(down.idxmin()) if not down.empty else ""}
    return pd.DataFrame.from_dict(rows, orient="index")


def mode_by_year(dates: list[str], codes: np.ndarray, names: tuple[str, ...]) -> pd.Series:
    """The most frequent code in each calendar year, by name (ties: the later months win).

    >>> mode_by_year(["2030-01", "2030-02", "2031-01"], np.array([1, 1, 2]), ("none", "demand", "launch")).tolist()
    ['demand', 'launch']
    """
    df = pd.DataFrame({"year": [int(d[:4]) for d in dates], "code": np.asarray(codes).astype(int)})
    out = {}
    for year, g in df.groupby("year"):
        counts = g["code"].iloc[::-1].value_counts(sort=True)
        out[int(str(year))] = names[int(counts.index[0])]
    return pd.Series(out, name="binding")


def ablation_table(base: dict[str, float], cut: dict[str, dict[str, float]], inter_company: dict[str, bool]) -> pd.DataFrame:
    """One row per cut edge: each outcome with the cut, and its change from the uncut run.

    ``base``: outcome -> value without cuts; ``cut``: edge -> outcome -> value with it cut.
    Columns: edge, inter_company, then per outcome ``<outcome>`` and ``<outcome>_change`` (the
    relative change, nan when the base is 0) and ``<outcome>_delta`` (the absolute change).

    >>> t = ablation_table({"x": 10.0}, {"a->b:data": {"x": 5.0}}, {"a->b:data": True})
    >>> t[["edge", "x", "x_change", "x_delta"]].values.tolist()
    [['a->b:data', 5.0, -0.5, -5.0]]
    """
    rows = []
    for edge, vals in cut.items():
        row: dict[str, Any] = {"edge": edge, "inter_company": inter_company.get(edge, False)}
        for k, b in base.items():
            v = vals[k]
            row[k] = v
            row[f"{k}_delta"] = v - b
            row[f"{k}_change"] = (v - b) / abs(b) if b != 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
