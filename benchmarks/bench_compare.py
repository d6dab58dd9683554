"""Comparison and scorecard benchmark (printed figures, not a test).

* scoring every claim of the scorecard on one run and on an ensemble of K = 1,000 members
  (the scorecard is vectorised over members: a 1,000-run experiment should score in well under
  a second per claim set);
* ``ecosim compare`` of three saved runs: tables, figures, bridges, report.md and the
  self-contained report.html without simulating (target under 10 s on this 2-core machine).

Run: ``.venv/bin/python benchmarks/bench_compare.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from ecosim.analysis.scorecard import evaluate, load_claims
from ecosim.compare import compare
from ecosim.finance.series_value import COMPANIES, company_equity
from ecosim.finance.valuation import assumptions_for
from ecosim.model import EcosimModel
from ecosim.run import run_scenario, write_run
from ecosim.scenario import load_scenario


def timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    claims = load_claims()
    baseline = load_scenario("baseline")
    a = assumptions_for(baseline.model.capital_market)

    K = 1000
    rng = np.random.default_rng(0)
    values = {
        "launch.starship.cost_progress_ratio": rng.uniform(0.6, 0.95, K),
        "orbital_dc.satellite_hardware_usd_per_w": rng.uniform(3.0, 40.0, K),
    }
    model = EcosimModel(baseline, members=K, member_values=values, record_ledger=False)
    model.run()
    metrics = {m for c in claims if c.test for m in c.test.metrics} | {m for c in COMPANIES.values() for m in c.needed}
    series = {m: model.series(m) for m in metrics}
    dates = model.dates()
    one = {m: v[:, :1] for m, v in series.items()}

    def score(s: dict) -> list:  # type: ignore[type-arg]
        return evaluate(s, dates, company_equity(s, dates, a), claims)

    _, t1 = timed(lambda: score(one))
    evals, tk = timed(lambda: score(series))
    print(f"scorecard with equity values, {len(claims)} claims: one run {1000 * t1:.1f} ms; K={K} members {1000 * tk:.0f} ms ({1000 * tk / K:.2f} ms per member)")
    likely = [(e.claim.id, float(np.mean(e.status.astype(str) == "true"))) for e in evals if e.claim.test]
    print("  P(on time) over the ensemble, where above 0: " + ", ".join(f"{i} {p:.2f}" for i, p in likely if p > 0))

    with tempfile.TemporaryDirectory() as tmp:
        dirs = []
        for name in ("baseline", "musk_narrative", "skeptic"):
            dirs.append(str(write_run(run_scenario(load_scenario(name)), Path(tmp) / name, figures=False)))
        _, tc = timed(lambda: compare(dirs, Path(tmp) / "cmp"))
        html_mb = (Path(tmp) / "cmp" / "report.html").stat().st_size / 1e6
    print(f"compare of 3 saved runs: {tc:.2f} s (target < 10 s); report.html {html_mb:.1f} MB with every figure embedded")


if __name__ == "__main__":
    main()
