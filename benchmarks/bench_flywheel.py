"""Benchmark: ``ecosim flywheel``'s two halves on this machine, printed.

* loop scores of a whole run: the replay (one model of 2 + V members, V the variables of the
  causal graph) and Loops that Matter on its trace (target: <= 10 s for the baseline);
* the report's views of those scores (dominance by year per outcome, loop families, reinvestment
  loops; a scan quadratic in the loops once made this the slowest part);
* the robustness pass: the loops found again at the other link-strength thresholds (4 % and 6 %
  around the default 5 %) on the same replay, and every figure's range over them (printed
  apart: not part of the loop scores' target);
* link ablations: every goods and signal edge between modelled agents cut over 5 seeds
  (one model per seed, one member per cut; target: <= 60 s for the baseline).

Each figure is the wall time and, in brackets, the CPU time of this process (the machine is
shared: a wall time well above the CPU time means other work took the cores); the load averages
before and after are printed with them.

Run: ``.venv/bin/python benchmarks/bench_flywheel.py [SCENARIO]``
"""

from __future__ import annotations

import os
import sys
import time

import pandas as pd

from ecosim.analysis.dominance import run_loops_over
from ecosim.analysis.flywheel import (
    OUTCOMES,
    Flywheel,
    outcome_views,
    reinvestment_loops,
    variant,
    with_ranges,
)
from ecosim.experiments.ablation import run_ablation
from ecosim.experiments.flywheel import EXPERIMENT, MAX_LENGTH, MIN_LINK, ablation_links, thresholds
from ecosim.experiments.replay import replay
from ecosim.model import warmup_state
from ecosim.scenario import load_scenario


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _took(a: tuple[float, float], b: tuple[float, float]) -> str:
    return f"{b[0] - a[0]:6.2f} s (CPU {b[1] - a[1]:5.2f} s)"


def main(name: str = "baseline") -> None:
    print(f"before: {_load()}")
    loaded = load_scenario(name)
    t0 = _clock()
    r = replay(loaded)
    t1 = _clock()
    over = thresholds(MIN_LINK)
    found = run_loops_over(r.trace, {k: v for k, (_, v) in OUTCOMES.items()}, (MIN_LINK, *(t for t in over if t != MIN_LINK)), max_length=MAX_LENGTH)
    _, loops = next(found)
    t2 = _clock()
    views = outcome_views(loops, {k: label for k, (label, _) in OUTCOMES.items()})
    reinvest = reinvestment_loops(loops)
    t2v = _clock()
    n = len(loops.loops)
    ids = {lp.path: lp.id for lp in loops.loops}
    variants = [variant(loops, MIN_LINK, upto=max(over))]
    del loops
    variants += [variant(other, t, upto=max(over)) for t, other in found]
    f = Flywheel(name, 0, r.trace.dates, 0, 0, n, MAX_LENGTH, MIN_LINK, views, reinvest, pd.DataFrame())
    with_ranges(f, variants, ids)
    t2r = _clock()
    print(f"{name}: replay {r.members} members, {len(r.trace.dates)} months: {_took(t0, t1)}")
    print(f"  loops that matter ({len(r.trace.variables)} variables, {len(r.trace.partial)} links, {n} loops): {_took(t1, t2)}")
    print(f"  loop scores of the whole run: {_took(t0, t2)} (target <= 10 s)")
    print(f"  their views (dominance by year, families, reinvestment loops): {_took(t2, t2v)}")
    print(f"  ranges over thresholds {', '.join(f'{100 * t:g} %' for t in over)} ({', '.join(str(v.loops) for v in variants[1:])} loops "
          f"at the other ones): {_took(t2v, t2r)}")
    history = loaded.model.scenario.initial_state_from
    if history:  # the replay ran the history first (once per process); timed again, not memoised
        hist = load_scenario(history)
        tw = _clock()
        warmup_state(hist, seed=int(hist.model.scenario.seed))
        print(f"  of the replay, the {history} warm-up ({hist.model.scenario.start_month} to {hist.model.scenario.end_month}, one member) takes {_took(tw, _clock())}")
    links = list(ablation_links(loaded))
    t3 = _clock()
    a = run_ablation(loaded, links, seeds=5, draws=1, experiment=EXPERIMENT)
    t4 = _clock()
    print(f"  ablation of {len(links)} links over {a.samples} samples: {_took(t3, t4)} (target <= 60 s)")
    print(f"after: {_load()}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
