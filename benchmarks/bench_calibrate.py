"""Calibration benchmark (printed figures, not a test): ABC-SMC over the history on the member axis.

The issue's target, on this 2-core machine: a calibration of at least 10 parameters with at
least 20,000 simulated histories (2020-2025, 72 months each) in at most 3 minutes.

It runs the bundled calibration (``ecosim/data/calibration.toml``: 16 parameters, 2,000
particles in chunks of 500 members) with the acceptance stop switched off, so the sampler
spends its whole budget of simulated histories, on ``--workers`` processes, timed end to
end (process start-up, every generation, the posterior-predictive draws, the store).

Run: ``.venv/bin/python benchmarks/bench_calibrate.py [--workers 2] [--budget 22000]``
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ecosim.calibration.runner import calibrate
from ecosim.calibration.spec import load_calibration

TARGET_S = 180.0
TARGET_SIMS = 20_000
TARGET_PARAMS = 10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--budget", type=int, default=22_000, help="simulated histories the sampler may spend")
    args = ap.parse_args()
    spec = load_calibration().with_meta(min_acceptance=0.0, max_generations=900, max_simulations=args.budget)
    tmp = Path(tempfile.mkdtemp(prefix="bench-calibrate-"))
    try:
        t0 = time.perf_counter()
        run = calibrate(spec, tmp / "posterior", workers=args.workers)
        elapsed = time.perf_counter() - t0
        man = run.store.manifest()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n_params = len(spec.names)
    sims = run.simulations
    print(f"calibration of {n_params} parameters ({', '.join(spec.names)})")
    print(f"  {spec.meta.particles:,} particles, chunks of {spec.meta.chunk_size} members, {args.workers} workers")
    print(f"  generations: {run.population.generation + 1}; final tolerance {run.population.epsilon:.3g}; "
          f"acceptance of the last moves {100 * run.population.acceptance:.1f}%")
    for g in man["generations"]:
        acc = "" if g["acceptance"] is None else f" acceptance {100 * g['acceptance']:.1f}%"
        print(f"    generation {g['generation']:2d}: tolerance {g['epsilon']:.3g}, ESS {g['ess']:,.0f},{acc} {g['simulations']:,} simulations")
    print(f"  simulated histories: {sims:,} (sampler {run.population.simulations:,} + predictive {spec.meta.predictive_draws:,})")
    print(f"  wall time: {elapsed:.1f} s ({sims / elapsed:,.0f} histories/s)")
    ok = n_params >= TARGET_PARAMS and sims >= TARGET_SIMS and elapsed <= TARGET_S
    print(f"target: >= {TARGET_PARAMS} parameters, >= {TARGET_SIMS:,} histories in <= {TARGET_S:.0f} s: {'met' if ok else 'NOT met'} "
          f"({n_params} parameters, {sims:,} histories, {elapsed:.0f} s = {elapsed / TARGET_S:.2f} of the limit)")


if __name__ == "__main__":
    main()
