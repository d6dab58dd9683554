"""``ecosim flywheel``: replay the run, score its loops, cut every link over seeds and draws.

1. :func:`ecosim.experiments.replay.replay` measures the run's causal trace (one model);
2. :func:`ecosim.analysis.dominance.run_loops_over` finds the loops (links of mean strength at
   least ``min_link``, up to ``max_length`` variables) and each outcome's dominance by month and
   year, and again at each of ``thresholds`` (around ``min_link``) for the ranges of the figures;
3. :func:`ecosim.experiments.ablation.run_ablation` cuts every goods and signal edge between
   modelled agents over ``seeds`` seeds and ``draws`` draws of the uncertain parameters.

The analysis of all three is :mod:`ecosim.analysis.flywheel`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

import pandas as pd

from ecosim.analysis.dominance import run_loops_over
from ecosim.analysis.flywheel import (
    OUTCOMES,
    Flywheel,
    orbit_by_year,
    outcome_views,
    reinvestment_loops,
    variant,
    with_ranges,
)
from ecosim.experiments.ablation import run_ablation
from ecosim.experiments.replay import replay
from ecosim.scenario.loader import LoadedScenario
from ecosim.simulate import simulate

Progress = Callable[[int, int], None] | None

HUBS = ("market", "capital_market")
#: the uncertain parameters an ablation samples (each with its source in the experiment file)
EXPERIMENT = "monte_carlo_baseline"
#: loops up to this many variables
MAX_LENGTH = 8
#: links explaining less than this share of their target's change on average are left out of loops
MIN_LINK = 0.05
#: the loops are found again with the threshold this much lower and higher: each figure's range
#: over them says whether a link near the threshold decides it
THRESHOLD_STEP = 0.01


def thresholds(min_link: float, step: float = THRESHOLD_STEP) -> tuple[float, ...]:
    """``min_link`` and one ``step`` either side of it (above 0).

    >>> thresholds(0.05), thresholds(0.005)
    ((0.04, 0.05, 0.06), (0.005, 0.015))
    """
    return tuple(t for t in (round(min_link - step, 9), min_link, round(min_link + step, 9)) if t > 0)


def ablation_links(loaded: LoadedScenario) -> dict[str, bool]:
    """Every enabled goods or signal edge between two modelled agents, in network order, with
    whether it is a signal edge."""
    graph = simulate(loaded, until=0).network
    return {d["id"]: bool(d["signal"]) for s, b, k, d in graph.edges(keys=True, data=True)
            if k != "money" and s not in HUBS and b not in HUBS and d["enabled"]}


def run_flywheel(
    loaded: LoadedScenario,
    *,
    seed: int | None = None,
    seeds: int = 5,
    draws: int = 1,
    ablate: bool = True,
    max_length: int = MAX_LENGTH,
    min_link: float = MIN_LINK,
    ranges: bool = True,
    progress: Progress = None,
) -> Flywheel:
    """Loop dominance of the run, its reinvestment loops, (``ranges``) the range of each of their
    figures over link-strength thresholds around ``min_link``, and (``ablate``) every link cut
    over ``seeds`` x ``draws`` samples (module docstring)."""
    r = replay(loaded, seed, progress=progress)
    over = thresholds(min_link) if ranges else (min_link,)
    found = run_loops_over(r.trace, {k: v for k, (_, v) in OUTCOMES.items()}, (min_link, *(t for t in over if t != min_link)), max_length=max_length)
    _, loops = next(found)
    views = outcome_views(loops, {k: label for k, (label, _) in OUTCOMES.items()})
    f = Flywheel(
        scenario=loaded.name,
        seed=int(loaded.model.scenario.seed if seed is None else seed),
        dates=r.trace.dates,
        variables=len(r.trace.variables),
        links=len(r.trace.partial),
        loops=len(loops.loops),
        max_length=max_length,
        min_link=min_link,
        outcomes=views,
        reinvestment=reinvestment_loops(loops),
        ablation=pd.DataFrame(),
        replay_s=r.runtime_s,
        control_error=r.control_error,
        orbit=orbit_by_year(loops),
    )
    if ranges:
        ids = {lp.path: lp.id for lp in loops.loops}
        variants = [variant(loops, min_link, upto=max(over))]
        del loops  # one threshold's loops at a time
        variants += [variant(other, t, upto=max(over)) for t, other in found]
        with_ranges(f, variants, ids)
    if ablate and seeds > 0:
        links = ablation_links(loaded)
        a = run_ablation(loaded, list(links), seeds=seeds, draws=draws, experiment=EXPERIMENT, seed=seed)
        f.ablation = a.summary()
        f.strandings = [asdict(s) for s in a.strandings]
        f.samples, f.sampled, f.held = a.samples, a.sampled, a.held
        f.signals = [link for link, signal in links.items() if signal]
    return f


__all__ = ["THRESHOLD_STEP", "ablation_links", "run_flywheel", "thresholds"]
