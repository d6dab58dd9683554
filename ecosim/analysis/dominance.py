"""Loop dominance of a run: its aggregate causal graph, the loops named by their path, and the
loops that dominate each outcome over time (Loops that Matter, :mod:`ecosim.analysis.ltm`).

The aggregate causal graph
--------------------------
Variables of a run, each one value per month (member 0 of the trace):

* ``state``   an agent's stock, as the agent holds it (``starlink.inventory``: satellites built
              and not yet launched; ``xai.capability``), summed over its cohorts;
* ``cash``    a company's cash (``cash:spacex``);
* ``signal``  a value an agent publishes and another reads, at the end of the month
              (``spacex_launch->orbital_dc:launch_price_usd_per_kg``);
* ``goods``   what a goods edge carried in the month (``spacex_launch->starlink:launch_mass``).

Within a month, goods clear from the offers and demands agents make from their states and the
signals they read (all as of the end of last month), and agents then update their states and
publish signals from those states and what cleared. So a link into a goods flow, or from a
state, cash or signal, acts with a lag of one month; a link from a goods flow into a state, a
cash account or a signal acts within the month. A state that carries its own last value on
(``S_t = S_{t-1} + ...``) is a *stock*: its inputs act through its net flow (its change this
month), as an integration does in a stock-and-flow model; a link from a stock to itself is its
effect on its own net flow (attrition, replacement).

The partial change of a variable due to one input (``Δ_x z``) comes from a ceteris-paribus
replay (:mod:`ecosim.experiments.replay`): the run's state at the start of the month copied to
many members, each holding one input at its value of the month before, one month stepped, the
difference to the run read off. A link exists where that difference is ever non-zero.

Where the agent setting departs from a stock-and-flow model
------------------------------------------------------------
* Agents' decisions are rules with thresholds, minima, rationing and integer launches:
  partial changes are differences of one month, not derivatives, and a link can switch on and
  off (a builder limited by chips one month and by launch the next).
* Random draws (launch failures) are shared between the run and its replays (common random
  numbers), but an input that changes a draw's count changes the draw: some partial changes
  carry that noise.
* ``Δ_x z`` is the knock-out ``z_t - z_t(x held at its previous value)`` with every other input
  at its current value; [1] evaluates ``f(x_t, y_{t-1}) - z_{t-1}``. The two agree for inputs
  that act additively; the knock-out is what a replay can measure.
* Clearing couples every buyer of a commodity: holding one buyer's input moves what the other
  buyers receive the same month, so goods flows have inputs from their competitors' states.

References
----------
[1] Schoenberg, W., Davidsen, P. and Eberlein, R. (2020). Understanding model behavior using
    the Loops that Matter method. System Dynamics Review 36(2): 158-190.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecosim.analysis.ltm import (
    CausalGraph,
    Link,
    Loop,
    dominance,
    link_scores,
    loop_scores,
    loops_through,
    relative_loop_scores,
)

KINDS = ("state", "cash", "signal", "goods")


@dataclass(frozen=True)
class Variable:
    """A variable of the aggregate causal graph (module docstring)."""

    name: str
    kind: str  # one of KINDS
    agent: str  # the agent that holds it (state), the company (cash), the publisher (signal), the seller (goods)
    stock: bool = False


@dataclass
class CausalTrace:
    """What a replay measured: each variable's value per month and each link's partial change.

    ``values[name]``: (months,); ``partial[(x, z)]``: ``Δ_x z`` per month (nan where not
    measured); ``lag[(x, z)]``: months between x's change and its effect on z.
    """

    dates: list[str]
    variables: dict[str, Variable]
    values: dict[str, np.ndarray]
    partial: dict[tuple[str, str], np.ndarray]
    lag: dict[tuple[str, str], int] = field(default_factory=dict)

    def graph(self) -> CausalGraph:
        """The aggregate causal graph: every link measured, stocks declared."""
        links = tuple(Link(x, z, lag=self.lag.get((x, z), 0), label=self.variables[x].kind) for (x, z) in self.partial)
        stocks = frozenset(n for n, v in self.variables.items() if v.stock)
        return CausalGraph(links, variables=tuple(self.variables), stocks=stocks)


def agent_of(variable: str) -> str:
    """The agent a variable's name belongs to (a goods or signal edge: its seller/publisher).

    >>> agent_of("starlink.inventory"), agent_of("spacex_launch->starlink:launch_mass"), agent_of("cash:spacex")
    ('starlink', 'spacex_launch', 'spacex')
    """
    if variable.startswith("cash:"):
        return variable[len("cash:") :]
    if "->" in variable:
        return variable.split("->", 1)[0]
    return variable.split(".", 1)[0]


def name_loop(loop: Loop, variables: Mapping[str, Variable]) -> str:
    """A short name for a loop from what it passes through; the path names it exactly.

    >>> v = {n: Variable(n, k, agent_of(n), s) for n, k, s in [("starlink.inventory", "state", True), ("spacex_launch->starlink:launch_mass", "goods", False)]}
    >>> lp = Loop("L1", ("starlink.inventory", "spacex_launch->starlink:launch_mass"), ())
    >>> name_loop(lp, v)
    'starlink inventory re-order loop'
    """
    names = loop.variables
    held = [variables[n] for n in names]
    kinds = [v.kind for v in held]
    goods = [n for n, k in zip(names, kinds, strict=True) if k == "goods"]
    if goods:
        data = [g for g in goods if g.endswith("->xai:data")]
        if data and any(n.startswith(("xai.", "xai->")) for n in names):
            return f"data loop ({data[0].split('->', 1)[0]} -> xai)"
        if "spacex_launch->orbital_dc:launch_mass" in goods and "orbital_dc->xai:compute" in goods:
            return "compute loop (launch -> orbital compute -> xai)"
    if "cash" in kinds:
        cash = names[kinds.index("cash")]
        return f"{cash.split(':', 1)[1]} cash loop"
    owners = {v.agent for v, k in zip(held, kinds, strict=True) if k in ("state", "signal")}
    if len(owners) == 1 and len(names) == 1:
        (n,) = names
        return f"{n.replace('.', ' ')} stock loop"
    if len(owners) == 1:
        owner = next(iter(owners))
        stocks = [n for n, k in zip(names, kinds, strict=True) if k == "state"]
        if goods and all(g.split("->", 1)[1].split(":", 1)[0] == owner for g in goods):
            return f"{stocks[0].replace('.', ' ')} re-order loop" if stocks else f"{owner} supply loop"
        return f"{owner} internal loop"
    if goods:
        commodities = {g.rsplit(":", 1)[1] for g in goods}
        return f"{'/'.join(sorted(commodities))} loop ({' -> '.join(sorted(owners))})"
    return f"loop ({' -> '.join(sorted(owners))})"


@dataclass
class OutcomeDominance:
    """Which loops drive one outcome, month by month and by year."""

    outcome: str
    variables: tuple[str, ...]
    loops: list[Loop]  # the loops through the outcome's variables, strongest first
    relative: dict[str, np.ndarray]  # loop id -> relative score per month
    by_year: pd.DataFrame  # index year; columns: loop ids (mean relative score), polarity, dominant, share


def nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Mean of each row over its values that are not nan, nan for a row without a finite value:
    for every row the same number as ``np.nanmean(row) if np.isfinite(row).any() else nan`` (the
    same sum of the same values, in the same order), for all rows at once.

    >>> nanmean_rows(np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, np.nan], [np.inf, np.nan, 1.0]])).tolist()
    [1.5, nan, inf]
    """
    a = np.ascontiguousarray(a, dtype=float)
    missing = np.isnan(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(missing, 0.0, a).sum(axis=-1) / (~missing).sum(axis=-1, dtype=np.intp)
    return np.where(np.isfinite(a).any(axis=-1), mean, np.nan)


def yearly(relative: Mapping[str, np.ndarray], dates: Sequence[str]) -> pd.DataFrame:
    """Mean relative score of each loop per calendar year (months with any loop active), then
    the year's dominant polarity, loop and its share (:func:`ecosim.analysis.ltm.dominance` on
    the means).

    >>> r = yearly({"R": np.array([np.nan, 0.8, 0.2]), "B": np.array([np.nan, -0.2, -0.8])}, ["2030-11", "2030-12", "2031-01"])
    >>> r[["R", "B", "dominant", "polarity"]].values.tolist()
    [[0.8, -0.2, 'R', 1], [0.2, -0.8, 'B', -1]]
    """
    years = np.array([int(d[:4]) for d in dates])
    ids = list(relative)
    each = sorted(set(years.tolist()))
    rel = np.stack([np.asarray(relative[i], dtype=float) for i in ids]) if ids else np.zeros((0, len(dates)))
    means = np.stack([nanmean_rows(rel[:, years == y]) for y in each], axis=0) if each else np.zeros((0, len(ids)))
    df = pd.DataFrame(means, index=pd.Index(each, name="year"), columns=ids)
    d = dominance({i: means[:, k] for k, i in enumerate(ids)}) if ids else None
    df["polarity"] = d.polarity if d is not None else 0
    df["dominant"] = d.dominant_ids() if d is not None else ""
    df["share"] = d.share if d is not None else np.nan
    return df


def outcome_dominance(outcome: str, variables: Sequence[str], loops: Sequence[Loop], scores: Mapping[str, np.ndarray], dates: Sequence[str]) -> OutcomeDominance:
    """Relative scores of the loops through any of ``variables`` (normalised together), the
    loops ordered by their mean absolute relative score over the run, and the yearly table."""
    wanted = set(variables)
    through = [lp for lp in loops if not wanted.isdisjoint(lp.variables)]
    rel = relative_loop_scores(scores, [lp.id for lp in through]) if through else {}
    mean_abs = nanmean_rows(np.abs(np.stack([rel[lp.id] for lp in through]))) if through else np.zeros(0)
    strength = {lp.id: 0.0 if np.isnan(m) else float(m) for lp, m in zip(through, mean_abs.tolist(), strict=True)}
    ordered = sorted(through, key=lambda lp: (-strength[lp.id], lp.id))
    return OutcomeDominance(outcome, tuple(variables), ordered, rel, yearly(rel, dates))


@dataclass
class RunLoops:
    """The loops of a run and their scores."""

    trace: CausalTrace
    graph: CausalGraph
    loops: list[Loop]
    names: dict[str, str]  # loop id -> short name
    scores: dict[str, np.ndarray]  # loop id -> loop score per month
    outcomes: dict[str, OutcomeDominance]
    strength: dict[tuple[str, str], float] = field(default_factory=dict)  # every measured link's link_strength (min_link > 0)


def link_strength(score: np.ndarray) -> float:
    """How much a link explains over a run: the mean over months of ``min(|link score|, 1)``
    (0 in months it is inactive; a score above 1 in magnitude, a month its target barely
    moved, counts as 1).

    >>> link_strength(np.array([np.nan, 0.0, -0.5, 3.0]))
    0.5
    """
    s = np.asarray(score, dtype=float)
    s = s[np.isfinite(s)]
    return float(np.mean(np.minimum(np.abs(s), 1.0))) if s.size else 0.0


def run_loops(trace: CausalTrace, outcomes: Mapping[str, Sequence[str]], max_length: int = 6, min_link: float = 0.0) -> RunLoops:
    """Loops up to ``max_length`` variables of a trace's causal graph, their scores, and the
    dominance of each outcome (outcome -> the variables that stand for it).

    ``min_link``: links whose :func:`link_strength` is below it are left out of the loops (a
    loop through one carries at most that share of its other links' product, on average); the
    graph of a whole run has hundreds of thousands of loops otherwise.
    """
    with _no_cycle_collection():
        return _run_loops(trace, outcomes, max_length, min_link)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: a whole run's loops are tens of thousands of small
    objects without reference cycles, and the collector, triggered by their number, walked them
    all again and again (about 15 % of run_loops' time on the baseline)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def run_loops_over(trace: CausalTrace, outcomes: Mapping[str, Sequence[str]], thresholds: Sequence[float], max_length: int = 6) -> Iterator[tuple[float, RunLoops]]:
    """:func:`run_loops` of one trace at each link-strength threshold of ``thresholds`` in turn
    (``min_link``), the link scores computed once; each :class:`RunLoops` is yielded before the
    next is built, so only one threshold's loops are held at a time."""
    graph = trace.graph()
    scores = link_scores(graph, trace.values, trace.partial)
    for min_link in thresholds:
        with _no_cycle_collection():
            run = _run_loops(trace, outcomes, max_length, min_link, graph, scores)
        yield min_link, run
        del run


def _run_loops(trace: CausalTrace, outcomes: Mapping[str, Sequence[str]], max_length: int, min_link: float,
               graph: CausalGraph | None = None, scores: Mapping[tuple[str, str], np.ndarray] | None = None) -> RunLoops:
    if graph is None or scores is None:
        graph = trace.graph()
        scores = link_scores(graph, trace.values, trace.partial)
    strength: dict[tuple[str, str], float] = {}
    if min_link > 0:
        strength = {lk.pair: link_strength(scores[lk.pair]) for lk in graph.links}
        graph = CausalGraph(tuple(lk for lk in graph.links if strength[lk.pair] >= min_link), variables=graph.variables, stocks=graph.stocks)
    loops = graph.loops(max_length=max_length)
    loop_score = loop_scores(loops, scores)
    names = {lp.id: name_loop(lp, trace.variables) for lp in loops}
    present = {k: [v for v in vs if v in trace.variables] for k, vs in outcomes.items()}
    dom = {k: outcome_dominance(k, vs, loops, loop_score, trace.dates) for k, vs in present.items() if vs}
    return RunLoops(trace, graph, loops, names, loop_score, dom, strength)


__all__ = ["KINDS", "CausalTrace", "OutcomeDominance", "RunLoops", "Variable", "agent_of", "link_strength", "loops_through", "name_loop", "nanmean_rows", "outcome_dominance", "run_loops", "run_loops_over", "yearly"]
