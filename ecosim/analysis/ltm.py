"""Loops that Matter: link scores, loop scores, relative loop scores and dominance.

The method of Schoenberg, Davidsen and Eberlein [1], with the corrected flow-to-stock link
score of [2], computed on any causal graph from a simulated trajectory, vectorised over
ensemble members. The model is never perturbed beyond one ceteris-paribus evaluation per
link and step: the scores explain the run as it went.

Definitions (per step ``t``, i.e. the interval ``(t-1, t]``)
---------------------------------------------------------------
* **Link score** of an ordinary link ``x -> z`` (``z`` computed from ``x`` and other inputs)::

      LS(x -> z) = |Δ_x z / Δz| · sign(Δ_x z / Δx)        (0 when Δz = 0 or Δx = 0)

  where ``Δz`` is z's change over the step and ``Δ_x z`` the *partial change*: the part of it
  due to x alone. [1] evaluates it as ``f(x_t, y_{t-1}) - z_{t-1}`` (x moved, the other inputs
  at their previous values). Here the caller supplies it (:func:`partial_changes` computes it
  from equations, either that way or as the knock-out ``z_t - f(x_{t-1}, y_t)``: the change
  that disappears when x alone is held at its previous value, which is what a replay of an
  agent model can measure). The two agree for equations linear in each input and differ at
  second order otherwise.
* **Flow-to-stock link** ``f -> S`` (f an inflow, sign +1, or an outflow, sign -1), the
  corrected score of [2] in its aggregation-invariant form::

      LS(f -> S) = sign · |Δf / Δnet|,   net = Σ_g sign_g · g over every flow g of S

  (``Δnet`` is S's acceleration; a stock with one flow has flow link scores ±1).
* **Links into a stock through its net flow**: when a stock's flows are not variables of the
  graph (an agent's state, updated inside the agent), an ordinary link ``x -> S`` into a
  stock declared in ``CausalGraph.stocks`` stands for ``x -> net flow -> S``::

      LS(x -> S) = |Δ_x S / Δ²S| · sign(Δ_x S / Δx)

  with ``Δ_x S`` the part of S's change due to x: the two links' scores multiplied, the net
  flow's change cancelling. A self link ``S -> S`` is the stock's effect on its own net flow
  (attrition, say): ``Δ_S S`` is then the change of S's net flow due to S.
* **Lags**: a link with ``lag = 1`` acts on its target one step later (the target reads the
  value its source had the step before); its polarity is taken from the source's change over
  that earlier step.
* **Loop score**: the product of the link scores around the loop [1]. Its sign is the
  loop's polarity at that step (+ reinforcing, - balancing); 0 means inactive.
* **Relative loop score**: the loop score over the sum of the absolute loop scores of the
  loops it is compared with: the loops of its cycle partition [1] or, here also, the loops
  through one variable (so each outcome has its own profile). Their magnitudes sum to 1
  whenever any of them is active; nan when none is.
* **Dominance** [1]: a loop, or a set of loops of one polarity, dominates when it explains at
  least 50 % of the change. Per step the *dominant polarity* is the sign whose loops carry
  more than half of the relative score, and the *dominant loop* the strongest loop of that
  polarity.

Loops are enumerated exhaustively (Johnson's algorithm, :func:`networkx.simple_cycles`, up to
a length bound); [3] describes a strongest-path search for models with too many loops to list.

Why by hand: maintained loop-dominance tools (Stella, simlin/pysimlin) compute link scores
inside their own system-dynamics engines from model equations; here the partial changes come
from outside (equations in tests, replays of the agent model in :mod:`ecosim.analysis.replay`),
so only the arithmetic on the trajectory is needed, a few NumPy lines per definition.

References
----------
[1] Schoenberg, W., Davidsen, P. and Eberlein, R. (2020). Understanding model behavior using
    the Loops that Matter method. System Dynamics Review 36(2): 158-190. doi:10.1002/sdr.1658
[2] Schoenberg, W., Hayward, J. and Eberlein, R. (2023). Improving Loops that Matter. System
    Dynamics Review 39(2): 140-151. doi:10.1002/sdr.1728
[3] Eberlein, R. and Schoenberg, W. (2020). Finding the loops that matter. International
    System Dynamics Conference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import numpy as np

Pair = tuple[str, str]
Held = Literal["previous", "current"]


@dataclass(frozen=True)
class Link:
    """A causal link ``source -> target``.

    ``flow``: 0 for an ordinary link (target is computed from source); +1 when source is an
    inflow of the stock target, -1 an outflow. ``lag``: steps between the source's change and
    its effect (0 or more). ``label`` says what the link carries.
    """

    source: str
    target: str
    flow: int = 0
    label: str = ""
    lag: int = 0

    @property
    def pair(self) -> Pair:
        return (self.source, self.target)


@dataclass(frozen=True)
class Loop:
    """A feedback loop: variables in order (the first follows the last), and its links."""

    id: str
    variables: tuple[str, ...]
    links: tuple[Link, ...]

    @property
    def path(self) -> str:
        """``a -> b -> c -> a``.

        >>> Loop("L1", ("a", "b"), (Link("a", "b"), Link("b", "a"))).path
        'a -> b -> a'
        """
        return " -> ".join((*self.variables, self.variables[0]))

    def __contains__(self, variable: object) -> bool:
        return variable in self.variables


@dataclass
class CausalGraph:
    """Variables and the links between them (at most one link per ordered pair).

    ``stocks``: variables whose ordinary inputs act through their net flow (module
    docstring); targets of flow links are stocks too.
    """

    links: tuple[Link, ...]
    variables: tuple[str, ...] = ()
    stocks: frozenset[str] = frozenset()
    _inputs: dict[str, list[Link]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.links = tuple(self.links)
        seen: set[Pair] = set()
        for lk in self.links:
            if lk.pair in seen:
                raise ValueError(f"link {lk.source} -> {lk.target} given twice")
            if lk.flow not in (-1, 0, 1):
                raise ValueError(f"link {lk.source} -> {lk.target}: flow must be -1, 0 or +1 (got {lk.flow})")
            if lk.lag < 0:
                raise ValueError(f"link {lk.source} -> {lk.target}: lag must be >= 0 (got {lk.lag})")
            seen.add(lk.pair)
        names = list(dict.fromkeys([*self.variables, *(v for lk in self.links for v in lk.pair)]))
        self.variables = tuple(names)
        self._inputs = {v: [] for v in names}
        for lk in self.links:
            self._inputs[lk.target].append(lk)
        self.stocks = frozenset(self.stocks) | {lk.target for lk in self.links if lk.flow}

    def inputs(self, variable: str) -> list[Link]:
        """The links into ``variable``."""
        return self._inputs[variable]

    def digraph(self) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_nodes_from(self.variables)
        g.add_edges_from(lk.pair for lk in self.links)
        return g

    def loops(self, max_length: int | None = None) -> list[Loop]:
        """Every feedback loop up to ``max_length`` variables, each read from its first stock
        (or first variable) in graph order, listed by length then variable order: ``L1``,
        ``L2`` ...

        >>> g = CausalGraph((Link("f", "s", flow=1), Link("s", "f"), Link("s", "g"), Link("g", "f")))
        >>> [lp.path for lp in g.loops()]
        ['s -> f -> s', 's -> g -> f -> s']
        """
        names = self.variables
        order = {v: i for i, v in enumerate(names)}
        # stocks first, then graph order, as one number: (v not in stocks, i) in order
        first = {v: i if v in self.stocks else len(names) + i for v, i in order.items()}.__getitem__
        at = order.__getitem__
        by_pair = {(at(lk.source), at(lk.target)): lk for lk in self.links}.__getitem__
        found = []  # each cycle as graph positions, from its first variable
        cycles = nx.simple_cycles(self.digraph()) if max_length is None else bounded_cycles([lk.pair for lk in self.links], max_length)
        for c in cycles:
            rank = list(map(first, c))
            k = rank.index(min(rank))  # a simple cycle passes each variable once
            c = list(map(at, c))
            found.append(c[k:] + c[:k])
        found.sort()
        found.sort(key=len)  # stable: by length, then variable order
        return [Loop(f"L{i + 1}", tuple(map(names.__getitem__, c)), tuple(map(by_pair, zip(c, c[1:] + c[:1], strict=True)))) for i, c in enumerate(found)]

    def partitions(self) -> list[set[str]]:
        """Cycle partitions [1]: the strongly connected sets of variables that lie on loops."""
        g = self.digraph()
        return [set(c) for c in nx.strongly_connected_components(g) if len(c) > 1 or g.has_edge(next(iter(c)), next(iter(c)))]


def bounded_cycles(edges: Iterable[tuple[str, str]], max_length: int) -> list[list[str]]:
    """Every simple cycle of the directed graph ``edges`` of at most ``max_length`` nodes (self
    loops included), each once, from its first node in order of first appearance in ``edges``:
    the cycles ``nx.simple_cycles(g, length_bound=max_length)`` finds, found faster.

    From each node ``s`` in turn, a depth-first search through later nodes only, extending a
    path to a node only if that node reaches ``s`` (through later nodes) in few enough steps for
    the cycle to stay within the bound (its distance to ``s`` found first by a breadth-first
    search backwards): so nearly every path tried closes, where a search bounded by length
    alone walks every short path.

    >>> bounded_cycles([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "c")], 3)
    [['a', 'b'], ['a', 'b', 'c'], ['c']]
    >>> bounded_cycles([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "c")], 2)
    [['a', 'b'], ['c']]
    """
    index: dict[str, int] = {}
    pairs = list(dict.fromkeys(edges))  # a repeated edge is one edge, as in nx.DiGraph
    for a, b in pairs:
        index.setdefault(a, len(index))
        index.setdefault(b, len(index))
    names = list(index)
    succ: list[list[int]] = [[] for _ in names]
    pred: list[list[int]] = [[] for _ in names]
    for a, b in pairs:
        succ[index[a]].append(index[b])
        pred[index[b]].append(index[a])
    found: list[list[str]] = []
    for s in range(len(names)):
        dist = {s: 0}  # steps from a later node to s through later nodes, up to max_length - 1
        frontier = [s]
        for d in range(1, max_length):
            nxt = []
            for v in frontier:
                for u in pred[v]:
                    if u > s and u not in dist:
                        dist[u] = d
                        nxt.append(u)
            if not nxt:
                break
            frontier = nxt
        path = [s]
        on_path = {s}

        def extend(v: int, s: int = s, dist: dict[int, int] = dist, path: list[int] = path, on_path: set[int] = on_path) -> None:
            room = max_length - len(path)  # a next node must reach s within this many steps
            for w in succ[v]:
                if w == s:
                    found.append([names[i] for i in path])
                elif w > s and w not in on_path and dist.get(w, max_length) <= room:
                    path.append(w)
                    on_path.add(w)
                    extend(w)
                    path.pop()
                    on_path.discard(w)

        extend(s)
    return found


def _delta(a: np.ndarray, lag: int = 0) -> np.ndarray:
    """Change over each step, ``lag`` steps back, nan where undefined: ``a[t-lag] - a[t-lag-1]``.

    >>> _delta(np.array([1.0, 3.0, 7.0]), lag=1).tolist()
    [nan, nan, 2.0]
    """
    a = np.asarray(a, dtype=float)
    d = np.full_like(a, np.nan)
    d[1 + lag :] = a[1 : len(a) - lag] - a[: len(a) - 1 - lag]
    return d


def partial_changes(
    graph: CausalGraph,
    values: Mapping[str, np.ndarray],
    equations: Mapping[str, Callable[..., np.ndarray]],
    held: Held = "current",
) -> dict[Pair, np.ndarray]:
    """Partial change ``Δ_x z`` of every ordinary link into an equation-defined variable.

    ``equations[z](**inputs)`` computes z from its inputs (the sources of its ordinary links,
    by name), elementwise on arrays; ``values[v]`` is v's trajectory, time first.
    ``held="previous"``: ``f(x_t, y_{t-1}) - z_{t-1}`` ([1], eq. 1); ``held="current"``: the
    knock-out ``z_t - f(x_{t-1}, y_t)``. Row 0 is nan.

    >>> g = CausalGraph((Link("x", "z"), Link("y", "z")))
    >>> v = {"x": np.array([1.0, 2.0]), "y": np.array([3.0, 5.0]), "z": np.array([3.0, 10.0])}
    >>> p = partial_changes(g, v, {"z": lambda x, y: x * y})
    >>> float(p["x", "z"][1]), float(p["y", "z"][1])
    (5.0, 4.0)
    >>> float(partial_changes(g, v, {"z": lambda x, y: x * y}, held="previous")["x", "z"][1])
    3.0
    """
    out: dict[Pair, np.ndarray] = {}
    for z, f in equations.items():
        srcs = [lk.source for lk in graph.inputs(z) if lk.flow == 0]
        zt = np.asarray(values[z], dtype=float)
        now = {s: np.asarray(values[s], dtype=float)[1:] for s in srcs}
        before = {s: np.asarray(values[s], dtype=float)[:-1] for s in srcs}
        for x in srcs:
            p = np.full_like(zt, np.nan)
            if held == "previous":
                p[1:] = f(**{s: (now if s == x else before)[s] for s in srcs}) - zt[:-1]
            else:
                p[1:] = zt[1:] - f(**{s: (before if s == x else now)[s] for s in srcs})
            out[(x, z)] = p
    return out


def link_scores(graph: CausalGraph, values: Mapping[str, np.ndarray], partial: Mapping[Pair, np.ndarray]) -> dict[Pair, np.ndarray]:
    """Link score of every link at every step (module docstring), shape of the trajectories.

    ``values[v]``: v's trajectory (time first, then any member axes); ``partial[(x, z)]``:
    ``Δ_x z`` for every ordinary link (flow links need none). Row 0 is nan (no change yet).

    >>> g = CausalGraph((Link("x", "z"), Link("y", "z")))
    >>> v = {"x": np.array([1.0, 2.0]), "y": np.array([3.0, 5.0]), "z": np.array([4.0, 7.0])}
    >>> s = link_scores(g, v, partial_changes(g, v, {"z": lambda x, y: x + y}))
    >>> float(s["x", "z"][1]), float(s["y", "z"][1])
    (0.3333333333333333, 0.6666666666666666)
    """
    scores: dict[Pair, np.ndarray] = {}
    for z in graph.variables:
        into = graph.inputs(z)
        if not into:
            continue
        flows = [lk for lk in into if lk.flow]
        if flows:
            dnet = sum(lk.flow * _delta(values[lk.source]) for lk in flows)
            for lk in flows:
                df = _delta(values[lk.source])
                with np.errstate(divide="ignore", invalid="ignore"):
                    s = lk.flow * np.abs(df / dnet)
                scores[lk.pair] = np.where((dnet == 0) | (df == 0), 0.0, s)
        dz = _delta(values[z])
        if z in graph.stocks:
            dz = _delta(dz)  # through the net flow: the stock's acceleration
        for lk in into:
            if lk.flow:
                continue
            p = np.asarray(partial[lk.pair], dtype=float)
            dx = _delta(values[lk.source], lk.lag)
            with np.errstate(divide="ignore", invalid="ignore"):
                s = np.abs(p / dz) * np.sign(p) * np.sign(dx)
            s = np.where((dz == 0) | (dx == 0), 0.0, s)
            s[0] = np.nan
            scores[lk.pair] = s
    for s in scores.values():
        s[0] = np.nan
    return scores


def loop_scores(loops: Iterable[Loop], scores: Mapping[Pair, np.ndarray], chunk: int = 2048) -> dict[str, np.ndarray]:
    """Loop score of each loop: the product of its link scores, per step and member
    (computed for ``chunk`` loops at a time from one table of link scores)."""
    loops = list(loops)
    if not loops:
        return {}
    pairs = list(scores)
    row = {p: i for i, p in enumerate(pairs)}
    first = np.asarray(scores[pairs[0]], dtype=float)
    table = np.concatenate([np.stack([np.asarray(scores[p], dtype=float) for p in pairs]), np.ones((1, *first.shape))])
    lengths = np.fromiter((len(lp.links) for lp in loops), dtype=np.intp, count=len(loops))
    width = int(lengths.max())
    # row of each loop's links in the table, padded with the row of ones
    links = np.fromiter((row[lk.source, lk.target] for lp in loops for lk in lp.links), dtype=np.intp, count=int(lengths.sum()))
    rows = np.full((len(loops), width), len(pairs), dtype=np.intp)
    rows[np.arange(width)[None, :] < lengths[:, None]] = links
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(loops), chunk):
        part = loops[start : start + chunk]
        at = rows[start : start + chunk]
        # np.prod along the links, as it multiplies: the first link's score times each next in
        # turn (a padding row of ones leaves a shorter loop's product as it is), without the
        # (loops, links, steps) gather
        prod = table[at[:, 0]]
        for j in range(1, width):
            np.multiply(prod, table[at[:, j]], out=prod)
        out.update({lp.id: prod[i] for i, lp in enumerate(part)})
    return out


def relative_loop_scores(loop_score: Mapping[str, np.ndarray], among: Iterable[str] | None = None) -> dict[str, np.ndarray]:
    """Each loop's score over the sum of absolute scores of the loops ``among`` (default all
    given): magnitudes sum to 1 at every step where any of them is active, else nan.

    >>> r = relative_loop_scores({"R": np.array([np.nan, 2.0, 0.0]), "B": np.array([np.nan, -1.0, 0.0])})
    >>> r["R"].round(4).tolist(), r["B"].round(4).tolist()
    ([nan, 0.6667, nan], [nan, -0.3333, nan])
    """
    ids = list(loop_score) if among is None else list(among)
    total = np.nansum(np.abs(np.stack([loop_score[i] for i in ids])), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return {i: np.where(total > 0, np.nan_to_num(loop_score[i]) / total, np.nan) for i in ids}


def loops_through(loops: Iterable[Loop], variable: str) -> list[Loop]:
    return [lp for lp in loops if variable in lp]


@dataclass(frozen=True)
class Dominance:
    """Dominance per step (and member) among a set of loops.

    ``polarity``: +1 where reinforcing loops carry more than half of the relative score, -1
    where balancing ones do, 0 where neither (a tie, or no loop active). ``loop``: index into
    ``ids`` of the strongest loop of the dominant polarity (-1 where none). ``share``: the
    dominant polarity's share of the relative score (nan where no loop is active).
    """

    ids: tuple[str, ...]
    polarity: np.ndarray
    loop: np.ndarray
    share: np.ndarray

    def dominant_ids(self) -> np.ndarray:
        """The dominant loop's id per step ('' where none)."""
        names = np.array([*self.ids, ""], dtype=object)
        return names[np.where(self.loop >= 0, self.loop, len(self.ids))]


def dominance(relative: Mapping[str, np.ndarray]) -> Dominance:
    """Dominant polarity and loop from relative loop scores (all from one normalisation).

    >>> d = dominance({"R": np.array([0.7, 0.4]), "B1": np.array([-0.2, -0.45]), "B2": np.array([-0.1, -0.15])})
    >>> d.polarity.tolist(), d.dominant_ids().tolist(), d.share.round(2).tolist()
    ([1, -1], ['R', 'B1'], [0.7, 0.6])
    """
    ids = tuple(relative)
    rel = np.stack([np.asarray(relative[i], dtype=float) for i in ids])
    active = ~np.all(np.isnan(rel), axis=0)
    r = np.nan_to_num(rel)
    up = np.where(r > 0, r, 0.0).sum(axis=0)
    down = np.where(r < 0, -r, 0.0).sum(axis=0)
    polarity = np.where(~active, 0, np.where(up > 0.5, 1, np.where(down > 0.5, -1, 0))).astype(int)
    signed = r * polarity[None]
    loop = np.where(polarity != 0, np.argmax(signed, axis=0), -1)
    share = np.where(active, np.where(polarity >= 0, up, down), np.nan)
    return Dominance(ids, polarity, loop, share)


def shifts(codes: np.ndarray, none: object = 0) -> list[int]:
    """Steps at which a per-step code (time first: a polarity, or a dominant loop's index)
    differs from the last step that had one, skipping steps coded ``none`` (no dominance).

    >>> shifts(np.array([0, 1, 1, 0, 1, -1, -1]))
    [5]
    >>> shifts(np.array([2, -1, 2, 0]), none=-1)
    [3]
    """
    out, last = [], None
    for t, c in enumerate(np.asarray(codes).tolist()):
        if c == none:
            continue
        if last is not None and c != last:
            out.append(t)
        last = c
    return out
