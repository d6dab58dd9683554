"""Fit the history's AI-lab fields together: a random search over their ranges, every draw an
ensemble member of one model (``EcosimModel(member_values=...)``), scored on the asserted rows
of the labs (OpenAI's annualized revenue and compute capacity, xAI's 2025 revenue, the S-1's AI
segment adjusted EBITDA) and the S-1 rows they move (log errors; every row of
``ecosim/data/history.csv`` through ``calibration_map.csv``).

    .venv/bin/python scripts/fit_labs_history.py [--draws 400] [--seed 1] [--around FIELD=VALUE ...]

Prints the best draws and their errors per row; the chosen values are written, rounded, into
``scenarios/history.toml`` by hand with the comment "fitted (scripts/fit_labs_history.py)". This
is a point fit to set the history's defaults; ``ecosim calibrate`` is the Bayesian calibration.
"""

from __future__ import annotations

import argparse

import mesa
import numpy as np

from ecosim.analysis.calibration import history_rows, row_maps, row_values
from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario
from ecosim.timeline import parse_month

RANGES = {
    "ai_market.revenue_usd_per_yr_initial": (0.05e9, 0.3e9),
    "ai_market.growth_pct_per_yr": (100.0, 300.0),
    "ai_market.share_adjust_per_yr": (0.05, 0.45),
    "openai.market_share_initial_frac": (0.3, 0.8),
    "openai.capacity_plan_ratio": (0.5, 3.0),
    "openai.cash_deploy_months": (6.0, 48.0),
    "xai.rd_staff_usd_per_eflops_month": (0.2e6, 4e6),
    "openai.ai_revenue_per_eflops_month": (0.2e6, 3e6),
    "openai.training_frac": (0.3, 0.7),
}
#: labs whose price of inference is OpenAI's
TIED_LABS = ("xai", "google")
#: the rows scored (metric names of ecosim/data/history.csv)
METRICS = ("openai_annualized_revenue", "openai_compute_capacity", "xai_revenue_guidance", "ai_segment_adjusted_ebitda",
           "spacex_revenue", "spacex_adjusted_ebitda", "spacex_capex")


def simulate(values: dict[str, np.ndarray], seed: int = 2020) -> tuple[list, np.ndarray]:
    """The scored rows and each row's model value for each draw, (rows, draws)."""
    k = len(next(iter(values.values())))
    sc = load_scenario("history")
    model = EcosimModel(sc, members=k, member_values=values, record_ledger=False, seed=seed)
    try:
        model.run()
        maps = row_maps()
        rows = [r for r in history_rows() if r.metric in METRICS and maps[r.metric].role != "none"]
        names = {t for r in rows for t in maps[r.metric].terms}
        series = {n: model.series(n) for n in names}
        return rows, row_values(rows, series, parse_month(model.dates()[0]), maps=maps)
    finally:
        mesa.Agent._ids.pop(model, None)


def score(rows: list, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RMS of relative errors per draw (sign-safe for the negative EBITDA), and the errors."""
    published = np.array([r.value for r in rows], dtype=float)[:, None]
    err = (values - published) / np.abs(published)
    return np.sqrt(np.nanmean(err**2, axis=0)), err


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
    for lab in TIED_LABS:  # one price of inference for every lab
        draws[f"{lab}.ai_revenue_per_eflops_month"] = draws["openai.ai_revenue_per_eflops_month"]
    rows, values = simulate(draws)
    loss, err = score(rows, values)
    print("rows:", " ".join(f"{r.metric}:{r.period}" for r in rows))
    for b in np.argsort(loss)[:5]:
        print(f"{loss[b]:.4f}", " ".join(f"{k}={v[b]:.4g}" for k, v in draws.items() if k in RANGES))
        print("   errors %:", " ".join(f"{100 * e:+.0f}" for e in err[:, b]))


if __name__ == "__main__":
    main()
