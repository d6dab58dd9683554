"""Benchmark: link ablations with per-member edge cuts in one model vs one model per cut.

`ecosim flywheel` cuts every link between modelled agents (about 55 in the baseline) and pushes
every loop in every year (about 250 members). With per-member edge throughput
(:meth:`ecosim.exchange.clearing.Exchange.set_edge_scale`) all of them run as members of one
model. This script times that against the alternative of one model per cut (a scenario with
``exchange.disable``), measured on a sample of cuts and extrapolated, and prints the ratio.

Run: ``.venv/bin/python benchmarks/bench_flywheel.py [SCENARIO]``
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ecosim.model import EcosimModel
from ecosim.probe import ablation_edges, run_flywheel
from ecosim.scenario import load_scenario


def main(name: str = "baseline", sample: int = 4) -> None:
    loaded = load_scenario(name)
    EcosimModel(loaded, record_ledger=False).run()  # warm the hand-over cache and imports
    edges = ablation_edges(EcosimModel(loaded, record_ledger=False).network)
    n = len(edges)

    t0 = time.perf_counter()
    model = EcosimModel(loaded, members=n + 1, common_random_numbers=True, record_ledger=False)
    for i, e in enumerate(edges):
        f = np.ones(n + 1)
        f[i + 1] = 0.0
        model.exchange.set_edge_scale(e, f)
    model.run()
    one_model = time.perf_counter() - t0

    t0 = time.perf_counter()
    for e in edges[:sample]:
        EcosimModel(load_scenario(name, [f'exchange.disable=["{e}"]']), record_ledger=False).run()
    per_cut = (time.perf_counter() - t0) / sample
    separate = per_cut * n

    t0 = time.perf_counter()
    r = run_flywheel(loaded)
    whole = time.perf_counter() - t0

    print(f"scenario {name}: {n} links to cut")
    print(f"  one model, {n + 1} members (per-member cuts):   {one_model:6.2f} s")
    print(f"  one model per cut ({sample} timed, x{n}):        {separate:6.2f} s  ({per_cut:.2f} s each)")
    print(f"  speed-up:                                   {separate / one_model:6.1f}x")
    print(f"  ecosim flywheel end to end ({r.members} members, {len(r.loops)} loops): {whole:6.2f} s")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["baseline"]))
