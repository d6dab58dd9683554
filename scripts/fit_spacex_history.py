"""Fit the history's SpaceX fields together: a random search over their ranges, every draw an
ensemble member of one model (``EcosimModel(member_values=...)``), scored on the public rows they
are fitted to (log errors, the 2025 rows and the 2021-2022 launches weighted double or triple).

    .venv/bin/python scripts/fit_spacex_history.py [--draws 400] [--seed 1] [--around FIELD=VALUE ...]

Prints the best draws and their errors per row; the chosen values are written, rounded, into
``scenarios/history.toml`` by hand with the comment "fitted (as above)". This is a point fit to
set the history's defaults; ``ecosim calibrate`` is the Bayesian calibration of the uncertain
fields against every row.
"""

from __future__ import annotations

import argparse

import mesa
import numpy as np

from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario

RANGES = {
    "starlink.bass_innovation_per_yr": (0.004, 0.03),
    "starlink.bass_imitation_per_yr": (0.5, 1.3),
    "satellite_market.potential_growth_pct_per_yr": (4.0, 15.0),
    "starlink.production_per_month_initial": (45.0, 85.0),
    "starlink.production_growth_pct_per_yr": (20.0, 40.0),
    "launch.falcon.upper_stages_per_month_initial": (2.0, 3.5),
    "launch.falcon.upper_stage_growth_pct_per_yr": (50.0, 160.0),
    "market.external_launches_growth_pct_per_yr": (20.0, 40.0),
    "starlink.arpu_change_pct_per_yr": (-8.0, 0.0),
    "starlink.government_revenue_growth_pct_per_yr": (80.0, 170.0),
    "starlink.busy_hour_mbps_per_subscriber_initial": (4.0, 12.0),
}
#: (metric, aggregate, period, published value): rows of ecosim/data/history.csv
TARGETS = [
    ("falcon_launches", "sum", "2020", 25), ("falcon_launches", "sum", "2021", 31), ("falcon_launches", "sum", "2022", 61),
    ("falcon_launches", "sum", "2023", 96), ("falcon_launches", "sum", "2024", 134), ("falcon_launches", "sum", "2025", 165),
    ("spacex_customer_launches", "sum", "2025", 43), ("starlink_satellites", "end", "2024-12", 6850), ("starlink_satellites", "end", "2025-12", 9300),
    ("starlink_subscribers", "end", "2022-12", 1.0e6), ("starlink_subscribers", "end", "2023-12", 2.3e6), ("starlink_subscribers", "end", "2024-12", 4.6e6),
    ("starlink_subscribers", "end", "2025-06", 6.0e6), ("starlink_subscribers", "end", "2025-12", 9.2e6),
    ("starlink_revenue_usd", "sum", "2022", 1.4e9), ("starlink_revenue_usd", "sum", "2023", 2.9e9), ("starlink_revenue_usd", "sum", "2024", 7.8e9),
    ("starlink_revenue_usd", "sum", "2025", 11.4e9),
]


def simulate(values: dict[str, np.ndarray], seed: int = 2020) -> np.ndarray:
    """Each target's model value for each draw, (targets, draws)."""
    k = len(next(iter(values.values())))
    model = EcosimModel(load_scenario("history"), members=k, member_values=values, record_ledger=False, seed=seed)
    try:
        model.run()
        dates = model.dates()
        out = []
        for metric, how, period, _ in TARGETS:
            series = model.series(metric)
            if how == "sum":
                out.append(series[[i for i, d in enumerate(dates) if d.startswith(period)]].sum(axis=0))
            else:
                out.append(series[dates.index(period)])
        return np.array(out)
    finally:
        mesa.Agent._ids.pop(model, None)


def score(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RMS of weighted log errors per draw, and the log errors (targets, draws)."""
    published = np.array([t[3] for t in TARGETS], dtype=float)[:, None]
    err = np.log(np.maximum(values, 1e-9) / published)
    w = np.array([3.0 if t[0] == "falcon_launches" and t[2] in ("2021", "2022") else 2.0 if t[2].startswith("2025") else 1.0 for t in TARGETS])[:, None]
    return np.sqrt((w * err**2).sum(axis=0) / w.sum()), err


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--around", nargs="*", default=[], help="FIELD=VALUE: search within a quarter of the range around VALUE")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    centre = {k: float(v) for k, _, v in (a.partition("=") for a in args.around)}
    draws = {}
    for field, (lo, hi) in RANGES.items():
        if field in centre:
            half = (hi - lo) / 8.0
            draws[field] = np.clip(rng.uniform(centre[field] - half, centre[field] + half, args.draws), lo, hi)
        else:
            draws[field] = rng.uniform(lo, hi, args.draws)
    loss, err = score(simulate(draws))
    for b in np.argsort(loss)[:5]:
        print(f"{loss[b]:.4f}", " ".join(f"{k}={v[b]:.4g}" for k, v in draws.items()))
        print("   errors %:", " ".join(f"{100 * (np.exp(e) - 1):+.0f}" for e in err[:, b]))


if __name__ == "__main__":
    main()
