"""Rolling-origin backtests: calibrate on the history up to year Y, forecast Y+1 and Y+2 blind.

For each origin Y the calibration file is run with ``fit_until = "Y-12"``: its sampler sees
only rows whose period ends by December of Y (and simulates only those months); its
posterior-predictive draws then run over the whole scenario, and the fitted rows of years
Y+1 and Y+2, which the sampler never saw, are the forecasts. Each is scored by the absolute
percentage error of the predictive median and by whether the published figure lies inside
the 5-95 % predictive range (of the model's value, and of the figure: the model plus the
error model of the discrepancy); the summary is the median absolute percentage error (MdAPE)
by origin and horizon (Hyndman & Koehler 2006 recommend scale-free errors for series of
different units; the median resists the few rows the model cannot reach).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.analysis.calibration import row_maps
from ecosim.calibration.runner import calibrate
from ecosim.calibration.spec import CalibrationSpec

ORIGINS = (2022, 2023)


@dataclass
class BacktestOrigin:
    """The forecasts of one origin: one row per forecast history row."""

    origin: int
    forecasts: pd.DataFrame  #: metric, period, horizon, published, p5, median, p95, ape, within_90pct
    generations: int
    simulations: int


def forecast_table(fit: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Rows of role ``fit`` in years origin+1 and origin+2 from a calibration's fit table."""
    maps = row_maps()
    out = []
    for _, r in fit.iterrows():
        m = maps.get(str(r["metric"]))
        if m is None or m.role != "fit" or not np.isfinite(r["median"]):
            continue
        year = int(str(r["period"])[:4])
        if year - origin not in (1, 2):
            continue
        ape = abs(float(r["median"]) - float(r["published"])) / abs(float(r["published"]))
        out.append({
            "origin": origin, "horizon": year - origin, "metric": r["metric"], "period": r["period"], "unit": r["unit"],
            "published": r["published"], "p5": r["p5"], "median": r["median"], "p95": r["p95"], "ape": ape,
            "within_90pct": bool(r["p5"] <= r["published"] <= r["p95"]),
            "p5_data": r["p5_data"], "p95_data": r["p95_data"], "within_90pct_data": bool(r["p5_data"] <= r["published"] <= r["p95_data"]),
        })
    return pd.DataFrame(out)


def run_backtests(
    spec: CalibrationSpec,
    out: str | Path,
    origins: Sequence[int] = ORIGINS,
    workers: int = 1,
    on_origin: Callable[[int], None] | None = None,
    **calibrate_kw: Any,
) -> list[BacktestOrigin]:
    """Calibrate on the history up to each origin (into ``out/origin-Y``) and score the forecasts."""
    results = []
    for y in origins:
        if on_origin:
            on_origin(y)
        s = spec.with_meta(fit_until=f"{y}-12")
        run = calibrate(s, Path(out) / f"origin-{y}", workers=workers, **calibrate_kw)
        fit = run.store.table("fit")
        results.append(BacktestOrigin(y, forecast_table(fit, y), run.population.generation, run.simulations))
    return results


def summary(results: Sequence[BacktestOrigin]) -> pd.DataFrame:
    """MdAPE and 90 % coverage by origin and horizon, and over all forecasts."""
    frames = [r.forecasts for r in results if len(r.forecasts)]
    if not frames:
        return pd.DataFrame(columns=["origin", "horizon", "forecasts", "mdape", "coverage_90", "coverage_90_data"])
    df = pd.concat(frames, ignore_index=True)
    rows = []
    for (o, h), g in df.groupby(["origin", "horizon"]):
        rows.append({"origin": str(o), "horizon": f"+{h}", "forecasts": len(g), "mdape": float(g["ape"].median()),
                     "coverage_90": float(g["within_90pct"].mean()), "coverage_90_data": float(g["within_90pct_data"].mean())})
    rows.append({"origin": "all", "horizon": "all", "forecasts": len(df), "mdape": float(df["ape"].median()),
                 "coverage_90": float(df["within_90pct"].mean()), "coverage_90_data": float(df["within_90pct_data"].mean())})
    return pd.DataFrame(rows)
