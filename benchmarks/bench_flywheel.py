"""Benchmark: ``ecosim flywheel``'s two halves on this machine, printed.

* loop scores of a whole run: the replay (one model of 2 + V members, V the variables of the
  causal graph) and Loops that Matter on its trace (target: <= 10 s for the baseline);
* link ablations: every goods and signal edge between modelled agents cut over 5 seeds
  (one model per seed, one member per cut; target: <= 60 s for the baseline).

Run: ``.venv/bin/python benchmarks/bench_flywheel.py [SCENARIO]``
"""

from __future__ import annotations

import sys
import time

from ecosim.analysis.dominance import run_loops
from ecosim.analysis.flywheel import OUTCOMES
from ecosim.experiments.ablation import run_ablation
from ecosim.experiments.flywheel import EXPERIMENT, MAX_LENGTH, MIN_LINK, ablation_links
from ecosim.experiments.replay import replay
from ecosim.scenario import load_scenario


def main(name: str = "baseline") -> None:
    loaded = load_scenario(name)
    t0 = time.perf_counter()
    r = replay(loaded)
    t1 = time.perf_counter()
    loops = run_loops(r.trace, {k: v for k, (_, v) in OUTCOMES.items()}, max_length=MAX_LENGTH, min_link=MIN_LINK)
    t2 = time.perf_counter()
    print(f"{name}: replay {r.members} members, {len(r.trace.dates)} months: {t1 - t0:6.2f} s")
    print(f"  loops that matter ({len(r.trace.variables)} variables, {len(r.trace.partial)} links, {len(loops.loops)} loops): {t2 - t1:6.2f} s")
    print(f"  loop scores of the whole run: {t2 - t0:6.2f} s (target <= 10 s)")
    links = ablation_links(loaded)
    t3 = time.perf_counter()
    a = run_ablation(loaded, links, seeds=5, draws=1, experiment=EXPERIMENT)
    t4 = time.perf_counter()
    print(f"  ablation of {len(links)} links over {a.samples} samples: {t4 - t3:6.2f} s (target <= 60 s)")


if __name__ == "__main__":
    main(*sys.argv[1:2])
