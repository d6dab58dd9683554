"""World benchmark (printed figures, not a test), each with its target and PASS or MISS.

* the baseline 2026-2040 run, one member (:func:`ecosim.simulate.simulate`: build, run, results,
  release): at most 1.1 s (issue 12), best of 3 (wall time, and beside it the CPU time of the
  process, which other processes on the cores inflate less);
* K = 1,000 members advanced together: at most 5 s (issue 12);
* musk_narrative at full scale (10^6 satellites, 10^7 vehicles): within 3x the baseline's time;
* peak memory under 2 GB.

Run: ``.venv/bin/python benchmarks/bench_world.py``
"""

from __future__ import annotations

import resource
import time

import numpy as np
from targets import K1_S, K1000_S, K1000_VARIED, load, mark

from ecosim.model import warmup_state
from ecosim.scenario import load_scenario
from ecosim.simulate import simulate


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def cpu_timed(fn, repeats: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best wall time and best CPU time of this process [s] over ``repeats`` calls: on a
    loaded machine the CPU time is close to what the wall time would be on an idle one."""
    walls, cpus = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        walls.append(timed(fn)[1])
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


def main() -> None:
    print(f"{load()} before")
    history = load_scenario("history")
    _, warm = timed(lambda: warmup_state(history))
    print(f"history 2020-2025 (the baseline's warm-up, once per process): {warm:.2f} s")

    baseline = load_scenario("baseline")
    t1, c1 = cpu_timed(lambda: simulate(baseline), 3)
    print(f"baseline 2026-2040, K=1: {t1:.2f} s (best of 3; target <= {K1_S} s): {mark(t1, K1_S)}; CPU {c1:.2f} s: {mark(c1, K1_S)}")

    K = 1000
    rng = np.random.default_rng(0)
    values = {path: rng.uniform(lo, hi, K) for path, (lo, hi) in K1000_VARIED.items()}
    tk, ck = cpu_timed(lambda: simulate(baseline, members=K, member_values=values), 2)
    print(f"baseline, K={K} members with 3 varied parameters: {tk:.2f} s, {1000 * tk / K:.2f} ms per member (best of 2; target <= {K1000_S:g} s): {mark(tk, K1000_S)}; CPU {ck:.2f} s: {mark(ck, K1000_S)}")

    full = load_scenario("musk_narrative", ["starlink.target_satellites=1e6", "starlink.production_per_month_max=20000", "starlink.production_growth_pct_per_yr=80", "starlink.lifetime_yr=8"])
    res, tn = timed(lambda: simulate(full))
    sats = res.series["starlink_satellites"].max()
    cars = res.series["tesla_fleet_vehicles"].max() + res.series["cybercab_fleet"].max()
    print(f"musk_narrative at full scale ({sats:,.0f} satellites, {cars:,.0f} vehicles): {tn:.2f} s = {tn / t1:.2f}x baseline (target <= 3x): {mark(tn / t1, 3.0)}")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak_mb:,.0f} MB (target < 2,048 MB): {mark(peak_mb, 2048)}")
    print(f"{load()} after")


if __name__ == "__main__":
    main()
