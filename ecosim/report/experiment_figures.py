"""Figures of a stored experiment: outcome distributions, grid maps, percentile fans,
Sobol' indices, Morris screening and PRIM boxes (``DIR/figures/*.png``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ecosim.analysis.discovery import PrimResult
from ecosim.report.style import (
    date_axis,
    finish,
    legend_outside,
    new_figure,
    scenario_colour,
    to_dates,
)
from ecosim.results.store import ExperimentStore, Manifest, ManifestDiscovery, ManifestOutcome

MAX_PANELS = 9


def _scale(unit: str, values: np.ndarray) -> tuple[float, str]:
    """A divisor and unit label that keep axis numbers short (USD in $B or $T)."""
    a = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 0.0
    if unit.startswith("USD"):
        if a >= 1e12:
            return 1e12, unit.replace("USD", "USD trillion", 1)
        if a >= 1e9:
            return 1e9, unit.replace("USD", "USD billion", 1)
    return 1.0, unit


def _panels(n: int, width: float, height: float) -> tuple[Figure, list[Axes]]:
    """A figure of ``n`` panels, three to a row."""
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = new_figure(width * cols, height * rows, nrows=rows, ncols=cols, squeeze=False)
    flat = list(np.asarray(axes).flat)
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _label(name: str, unit: str) -> str:
    return f"{name} [{unit}]" if unit else name


def outcome_distributions(results: pd.DataFrame, man: Manifest, path: Path) -> Path | None:
    """Histograms of the scalar outcomes, discovery thresholds marked."""
    scalars = man.scalar_outcomes[:MAX_PANELS]
    if not scalars:
        return None
    ok = results[results["status"] == "ok"]
    fig, axes = _panels(len(scalars), 4.2, 3.2)
    for ax, o in zip(axes, scalars, strict=True):
        v = ok[o.name].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        div, unit = _scale(o.unit, v)
        if len(v):
            nbins = min(50, max(5, int(np.sqrt(len(v)))))
            skewed = v.min() > 0 and v.max() > 100 * np.median(v)  # heavy tail: log bins
            bins: int | list[float] = list(np.geomspace(v.min() / div, v.max() / div, nbins + 1)) if skewed else nbins
            ax.hist(v / div, bins=bins, color="#1f77b4", alpha=0.8)
            if skewed:
                ax.set_xscale("log")
            ax.axvline(np.median(v) / div, color="black", lw=1, ls="--", label="median")
        for d in man.discovery:
            if d.outcome == o.name:
                share = float(np.mean(_meets(ok[o.name], d))) if len(ok) else float("nan")
                ax.axvline(d.value / div, color="#d62728", lw=1.5, label=f"{d.op} {d.value / div:.4g} ({100 * share:.1f}% of runs)")
        if not len(v):
            ax.text(0.5, 0.5, "no finite value", ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(_label(o.name, unit) + (" (log)" if ax.get_xscale() == "log" else ""), fontsize=8)
        ax.set_ylabel("runs")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, frameon=False)
    fig.suptitle(f"{man.experiment}: outcomes over {len(ok):,} runs")
    finish(fig, str(path))
    return path


def _meets(values: pd.Series, d: ManifestDiscovery) -> np.ndarray:
    from ecosim.analysis.discovery import condition

    return condition(values, d.op, d.value)


def grid_maps(results: pd.DataFrame, man: Manifest, path: Path) -> Path | None:
    """For a grid over exactly two inputs: the mean of each scalar outcome over the grid."""
    varied = [i for i in man.inputs if results[i.column].nunique() > 1]
    if len(varied) != 2 or not all(i.numeric for i in varied):
        return None
    a, b = varied[0].column, varied[1].column
    scalars = man.scalar_outcomes[:MAX_PANELS]
    ok = results[results["status"] == "ok"]
    fig, axes = _panels(len(scalars), 4.6, 3.8)
    for ax, o in zip(axes, scalars, strict=True):
        piv = ok.pivot_table(index=b, columns=a, values=o.name, aggfunc="mean", dropna=False)
        div, unit = _scale(o.unit, piv.to_numpy())
        grid = piv.to_numpy(dtype=float) / div
        im = ax.imshow(np.ma.masked_invalid(grid), origin="lower", aspect="auto", cmap="viridis")
        for (r, c), val in np.ndenumerate(grid):
            ok_val = bool(np.isfinite(val))
            ax.text(c, r, f"{val:.3g}" if ok_val else "never" if o.stat == "first_year" else "—", ha="center", va="center", fontsize=6, color="white" if ok_val else "black")
        ax.set_xticks(range(len(piv.columns)), [f"{v:.3g}" for v in piv.columns], fontsize=7, rotation=45)
        ax.set_yticks(range(len(piv.index)), [f"{v:.3g}" for v in piv.index], fontsize=7)
        ax.set_xlabel(_label(a, varied[0].unit), fontsize=8)
        ax.set_ylabel(_label(b, varied[1].unit), fontsize=8)
        ax.set_title(_label(o.name, unit), fontsize=8)
        _break_even(ax, o.name, grid)
        ax.grid(False)
        fig.colorbar(im, ax=ax)
    fig.suptitle(f"{man.experiment}: mean outcome over the grid")
    finish(fig, str(path))
    return path


def _break_even(ax: Any, name: str, grid: np.ndarray) -> None:
    """On a map of a cost ratio (orbital over terrestrial), the break-even contour where the ratio
    crosses 1 (orbit cheaper on its low side), when the grid spans it."""
    finite = grid[np.isfinite(grid)]
    if "cost_ratio" not in name or not len(finite):
        return
    if not finite.min() < 1.0 < finite.max() or min(grid.shape) < 2:
        side = "above" if finite.min() >= 1.0 else "below" if finite.max() <= 1.0 else "around"
        ax.set_title(ax.get_title() + f"\n{side} 1 everywhere: no break-even line on this grid", fontsize=8)
        return
    cs = ax.contour(np.ma.masked_invalid(grid), levels=[1.0], colors="#D55E00", linewidths=2.0)  # cell centres at integer (column, row), as imshow draws them
    ax.clabel(cs, fmt={1.0: "break-even"}, fontsize=7)


def series_fan(ts: pd.DataFrame, runs: pd.DataFrame, outcome: ManifestOutcome, man: Manifest, path: Path) -> Path:
    """Median and 5-95 / 25-75 % bands of a monthly outcome (per lever setting if few)."""
    df = ts[["run_id", "date", outcome.name]].merge(runs[["run_id", "lever_setting"]], on="run_id")
    settings = sorted(df["lever_setting"].unique())
    groups = [(s, df[df["lever_setting"] == s]) for s in settings] if 1 < len(settings) <= 4 else [(None, df)]
    fig, ax = new_figure()
    div, unit = _scale(outcome.unit, df[outcome.name].to_numpy(dtype=float))
    for k, (s, g) in enumerate(groups):
        q = g.groupby("date")[outcome.name].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack() / div
        d = to_dates(q.index)
        c = scenario_colour(k)
        label = "all runs" if s is None else f"lever setting {s}"
        ax.fill_between(d, q[0.05], q[0.95], color=c, alpha=0.15, lw=0)
        ax.fill_between(d, q[0.25], q[0.75], color=c, alpha=0.3, lw=0)
        ax.plot(d, q[0.5], color=c, lw=1.8, label=f"{label}: median, 25-75 %, 5-95 %")
    ax.set_ylabel(_label(outcome.name, unit))
    ax.set_title(f"{man.experiment}: {outcome.name}")
    date_axis(ax)
    legend_outside(ax)
    finish(fig, str(path))
    return path


def sobol_bars(sobol: pd.DataFrame, outcome: str, path: Path) -> Path | None:
    """First-order and total Sobol' indices with confidence intervals, inputs by ST."""
    df = sobol[(sobol["outcome"] == outcome) & (sobol["lever_setting"] == sobol["lever_setting"].min())].dropna(subset=["ST"])
    if df.empty:
        return None
    df = df.sort_values("ST")
    fig, ax = new_figure(8.0, 0.45 * len(df) + 1.6)
    y = np.arange(len(df))
    ax.barh(y - 0.2, df["S1"], height=0.4, xerr=df["S1_conf"], label="first order S1", color="#1f77b4")
    ax.barh(y + 0.2, df["ST"], height=0.4, xerr=df["ST_conf"], label="total ST", color="#d62728")
    ax.set_yticks(y, df["input"], fontsize=8)
    ax.set_xlabel("share of the outcome's variance (95 % confidence interval)")
    ax.set_title(f"Sobol' indices of {outcome}")
    legend_outside(ax)
    finish(fig, str(path))
    return path


def morris_scatter(morris: pd.DataFrame, outcome: str, unit: str, path: Path) -> Path | None:
    """Morris screening: mu* (importance) against sigma (non-linearity and interactions)."""
    df = morris[(morris["outcome"] == outcome) & (morris["lever_setting"] == morris["lever_setting"].min())].dropna(subset=["mu_star"])
    if df.empty:
        return None
    div, u = _scale(unit, df["mu_star"].to_numpy(dtype=float))
    fig, ax = new_figure(8.0, 5.0)
    ax.errorbar(df["mu_star"] / div, df["sigma"] / div, xerr=df["mu_star_conf"] / div, fmt="o", color="#1f77b4")
    for _, r in df.iterrows():
        ax.annotate(r["input"], (r["mu_star"] / div, r["sigma"] / div), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel(f"mu* (mean |elementary effect|) [{u} per unit of probability]")
    ax.set_ylabel(f"sigma [{u} per unit of probability]")
    ax.set_title(f"Morris screening of {outcome}")
    finish(fig, str(path))
    return path


def prim_figure(res: PrimResult, units: dict[str, str], path: Path) -> Path | None:
    """PRIM: the peeling trajectory (coverage vs density) and the chosen box's bounds."""
    if not len(res.trajectory):
        return None
    fig, axes = new_figure(11.0, 4.6, ncols=2)
    a1, a2 = np.asarray(axes).flat
    t = res.trajectory
    sc = a1.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18)
    a1.scatter([res.coverage], [res.density], s=120, facecolors="none", edgecolors="#d62728", lw=2, label=f"chosen box {res.chosen}")
    a1.set_xlabel("coverage (share of runs of interest in the box)")
    a1.set_ylabel("density (share of the box's runs of interest)")
    a1.set_xlim(0, 1.02)
    a1.set_ylim(0, 1.02)
    fig.colorbar(sc, ax=a1, label="restricted inputs")
    a1.legend(frameon=False, fontsize=8, loc="lower left")
    a1.set_title(f"{res.label}\n{res.of_interest:,} of {res.runs:,} runs", fontsize=9)
    lim = res.limits[res.limits["restricted"]] if "restricted" in res.limits else res.limits.iloc[:0]
    num = lim[lim["full_max"].notna()]
    if len(num):
        span = (num["full_max"] - num["full_min"]).replace(0, 1)
        lo = (num["min"] - num["full_min"]) / span
        hi = (num["max"] - num["full_min"]) / span
        y = np.arange(len(num))
        a2.barh(y, hi - lo, left=lo, color="#2ca02c", alpha=0.7)
        a2.barh(y, 1.0, left=0.0, color="none", edgecolor="grey")
        for k, (_, r) in enumerate(num.iterrows()):
            a2.text(1.02, k, f"{r['min']:.3g} to {r['max']:.3g} {units.get(r['input'], '')}", va="center", fontsize=7)
        a2.set_yticks(y, num["input"], fontsize=8)
        a2.set_xlim(0, 1.6)
        a2.set_xticks([0, 0.5, 1.0], ["min", "", "max"])
    a2.set_title(f"chosen box: coverage {res.coverage:.2f}, density {res.density:.2f}", fontsize=9)
    a2.grid(False)
    finish(fig, str(path))
    return path


def experiment_figures(
    store: ExperimentStore,
    man: Manifest,
    results: pd.DataFrame,
    sobol: pd.DataFrame | None,
    morris: pd.DataFrame | None,
    found: list[PrimResult],
    units: dict[str, str],
) -> list[Path]:
    """Every figure the experiment's design allows; returns the files written."""
    d = store.figures_dir()
    out: list[Path | None] = [outcome_distributions(results, man, d / "outcomes.png")]
    if man.sampler == "grid":
        out.append(grid_maps(results, man, d / "grid.png"))
    series = [o for o in man.outcomes if o.stat == "series"]
    if series:
        ts = store.table("timeseries")
        if not ts.empty:
            for o in series:
                out.append(series_fan(ts, results, o, man, d / f"series_{o.name}.png"))
    for o in man.scalar_outcomes:
        if sobol is not None:
            out.append(sobol_bars(sobol, o.name, d / f"sobol_{o.name}.png"))
        if morris is not None:
            out.append(morris_scatter(morris, o.name, o.unit, d / f"morris_{o.name}.png"))
    for res in found:
        out.append(prim_figure(res, units, d / f"prim_{res.name}.png"))
    plt.close("all")
    return [p for p in out if p is not None]
