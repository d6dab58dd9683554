"""The calibration's tables for the console (rich) and for Markdown (the README's sections).

Every function takes plain results (checks, frames, manifests) and returns a table; nothing
here simulates or infers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.calibration import Check
from ecosim.numbers import human

#: short labels of the statuses of a history row
STATUS_LABEL = {"fit": "fit", "check": "check", "input": "input", "not represented": "not represented", "outside the run": "outside the run",
                "forward check": "forward check"}


def _money(unit: str) -> str:
    return "USD" if unit.startswith("USD") else ""


def check_cells(c: Check) -> list[str]:
    """metric, period, published, model, 5-95 %, error, ±uncertainty, status."""
    u = _money(c.unit)
    rng = f"{human(c.p5, u)} – {human(c.p95, u)}" if c.members > 1 and np.isfinite(c.p5) else ""
    err = f"{100 * c.error_frac:+.0f}%" if np.isfinite(c.error_frac) else ""
    status = STATUS_LABEL.get(c.status, c.status)
    return [c.metric, c.period, human(c.published, u), human(c.model, u), rng, err, f"±{100 * c.uncertainty_frac:.0f}%", status]


HEADERS = ("metric", "period", "published", "model", "model 5–95 %", "error", "± stated", "status")


def history_rich(checks: Sequence[Check], title: str) -> Table:
    """Every history row: the figure, the model's value (median and range), error, uncertainty, status."""
    table = Table(title=title, title_justify="left")
    ranged = any(c.members > 1 for c in checks)
    keep = [i for i, h in enumerate(HEADERS) if ranged or h != "model 5–95 %"]
    for i in keep:
        h = HEADERS[i]
        table.add_column(h, justify="right" if h in ("published", "model", "model 5–95 %", "error", "± stated") else "left", no_wrap=True)
    for c in checks:
        cells = check_cells(c)
        if c.represented and c.asserted:
            cells[7] += " (asserted)"
        style = "red" if c.status == "fit" and abs(c.error_frac) > 0.25 else None
        table.add_row(*[escape(cells[i]) for i in keep], style=style)
    return table


def history_markdown(checks: Sequence[Check]) -> str:
    """The same table in Markdown."""
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join("---:" if h in ("published", "model", "model 5–95 %", "error", "± stated") else "---" for h in HEADERS) + "|"]
    for c in checks:
        cells = check_cells(c)
        if c.represented and c.asserted:
            cells[7] += " (asserted)"
        lines.append("| " + " | ".join(x.replace("|", "/") for x in cells) + " |")
    return "\n".join(lines)


def notes(checks: Sequence[Check]) -> list[str]:
    """One line per metric that is not fitted: why (check, input, not represented)."""
    seen: dict[str, str] = {}
    for c in checks:
        if c.status in ("check", "input", "not represented", "forward check") and c.metric not in seen:
            seen[c.metric] = f"{c.metric} ({c.status}): {c.note}"
    return list(seen.values())


def summary_line(checks: Sequence[Check]) -> str:
    """Counts: rows by status, fitted rows within ±25 % and within the 5-95 % range."""
    by: dict[str, int] = {}
    for c in checks:
        by[c.status] = by.get(c.status, 0) + 1
    fit = [c for c in checks if c.status == "fit"]
    within = sum(c.passes() for c in fit)
    parts = [f"{len(checks)} history rows: " + ", ".join(f"{n} {s}" for s, n in by.items())]
    parts.append(f"{within} of {len(fit)} fitted rows within ±25 %")
    if fit and fit[0].members > 1:
        parts.append(f"{sum(c.covered() for c in fit)} of {len(fit)} inside the model's 5–95 % range")
    return "; ".join(parts) + "."


def posterior_rows(manifest: dict[str, Any], posterior: pd.DataFrame) -> list[list[str]]:
    """parameter, prior, weighted posterior median and 5-95 %."""
    out = []
    w = posterior["weight"].to_numpy(dtype=float)
    for p in manifest["parameters"]:
        v = posterior[p["path"]].to_numpy(dtype=float)
        q = weighted_quantiles(v, w, (0.05, 0.5, 0.95))
        out.append([p["path"], p["prior"], human(q[1]), f"{human(q[0])} – {human(q[2])}"])
    return out


def posterior_rich(manifest: dict[str, Any], posterior: pd.DataFrame) -> Table:
    table = Table(title=f"Posterior of {len(manifest['parameters'])} parameters ({len(posterior):,} particles)", title_justify="left")
    for h, j in (("parameter", "left"), ("prior", "left"), ("median", "right"), ("5–95 %", "right")):
        table.add_column(h, justify=j)  # type: ignore[arg-type]
    for r in posterior_rows(manifest, posterior):
        table.add_row(*[escape(x) for x in r])
    return table


def posterior_markdown(manifest: dict[str, Any], posterior: pd.DataFrame) -> str:
    lines = ["| parameter | prior | posterior median | 5–95 % |", "|---|---|---:|---:|"]
    lines += ["| " + " | ".join(r) + " |" for r in posterior_rows(manifest, posterior)]
    return "\n".join(lines)


def diagnostics_rows(manifest: dict[str, Any]) -> list[list[str]]:
    out = []
    for g in manifest["generations"]:
        acc = "" if g["acceptance"] is None else f"{100 * g['acceptance']:.1f}%"
        out.append([str(g["generation"]), f"{g['epsilon']:.3g}", acc, f"{g['ess']:,.0f}", f"{g['simulations']:,}", "yes" if g["resampled"] else ""])
    return out


DIAG_HEADERS = ("generation", "tolerance ε", "acceptance", "ESS", "simulations", "resampled")


def diagnostics_rich(manifest: dict[str, Any]) -> Table:
    table = Table(title="ABC-SMC generations", title_justify="left")
    for h in DIAG_HEADERS:
        table.add_column(h, justify="right")
    for r in diagnostics_rows(manifest):
        table.add_row(*r)
    return table


def diagnostics_markdown(manifest: dict[str, Any]) -> str:
    lines = ["| " + " | ".join(DIAG_HEADERS) + " |", "|" + "|".join("---:" for _ in DIAG_HEADERS) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in diagnostics_rows(manifest)]
    return "\n".join(lines)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float]) -> list[float]:
    """Quantiles of a weighted sample (inverse of the weighted empirical CDF).

    >>> weighted_quantiles(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4), (0.5,))
    [2.0]
    """
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cdf = np.cumsum(w) / w.sum()
    return [float(v[min(int(np.searchsorted(cdf, q - 1e-12)), len(v) - 1)]) for q in qs]


BACKTEST_HEADERS = ("metric", "period", "horizon", "published", "forecast median", "model 5–95 %", "figure 5–95 %", "abs. error", "inside")


def backtest_rows(forecasts: pd.DataFrame) -> list[list[str]]:
    out = []
    for _, r in forecasts.iterrows():
        u = _money(str(r["unit"]))
        out.append([
            str(r["metric"]), str(r["period"]), f"+{int(r['horizon'])} yr", human(float(r["published"]), u), human(float(r["median"]), u),
            f"{human(float(r['p5']), u)} – {human(float(r['p95']), u)}", f"{human(float(r['p5_data']), u)} – {human(float(r['p95_data']), u)}",
            f"{100 * float(r['ape']):.0f}%", "yes" if r["within_90pct_data"] else "no",
        ])
    return out


def backtest_rich(forecasts: pd.DataFrame, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for h in BACKTEST_HEADERS:
        table.add_column(h, justify="left" if h in ("metric", "period", "inside") else "right")
    for r in backtest_rows(forecasts):
        table.add_row(*[escape(x) for x in r])
    return table


def backtest_markdown(forecasts: pd.DataFrame) -> str:
    lines = ["| origin | " + " | ".join(BACKTEST_HEADERS) + " |", "|---|" + "|".join("---" if h in ("metric", "period", "inside") else "---:" for h in BACKTEST_HEADERS) + "|"]
    for o, r in zip(forecasts["origin"], backtest_rows(forecasts), strict=True):
        lines.append(f"| {o} | " + " | ".join(r) + " |")
    return "\n".join(lines)


def _summary_rows(summary: pd.DataFrame) -> list[list[str]]:
    return [[str(r["origin"]), str(r["horizon"]), str(int(r["forecasts"])), f"{100 * float(r['mdape']):.1f}%",
             f"{100 * float(r['coverage_90']):.0f}%", f"{100 * float(r['coverage_90_data']):.0f}%"] for _, r in summary.iterrows()]


SUMMARY_HEADERS = ("origin", "horizon", "forecasts", "MdAPE", "inside the model's 5–95 %", "inside the figure's 5–95 %")


def backtest_summary_rich(summary: pd.DataFrame) -> Table:
    table = Table(title="Backtest summary: median absolute percentage error (MdAPE) of the forecast medians", title_justify="left")
    for h in SUMMARY_HEADERS:
        table.add_column(h, justify="right")
    for r in _summary_rows(summary):
        table.add_row(*r)
    return table


def backtest_summary_markdown(summary: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(SUMMARY_HEADERS) + " |", "|" + "|".join("---:" for _ in SUMMARY_HEADERS) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in _summary_rows(summary)]
    return "\n".join(lines)
