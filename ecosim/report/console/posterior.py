"""Posterior-backed runs on the console (``ecosim run|value --posterior``): each outcome, value
and claim as its median and 5–95 % interval over the posterior draws, next to the point run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.posterior import PosteriorSummary
from ecosim.analysis.quantities import QUANTITIES
from ecosim.analysis.scorecard import SYMBOLS
from ecosim.numbers import human
from ecosim.report.console.common import pct
from ecosim.results.posterior import Posterior
from ecosim.results.results import Results


class BackedRun(Protocol):
    """What :func:`print_header` shows of a posterior-backed run (:class:`ecosim.run.PosteriorRun`)."""

    posterior: Posterior
    results: Results
    seed: int
    held: list[str]
    stale: bool


def interval(median: float, p5: float, p95: float, unit: str = "") -> str:
    """``median`` over ``p5–p95`` on two lines (human units).

    >>> interval(2.0e9, 1.5e9, 3.0e9, "USD")
    '$2.0B\\n$1.5B–$3.0B'
    """
    if not np.isfinite(median):
        return "—"
    return f"{human(median, unit)}\n{human(p5, unit)}–{human(p95, unit)}"


def print_posterior(out: Console, run: BackedRun, summary: PosteriorSummary, keys: Sequence[str], years: Sequence[int], point: Mapping[str, str]) -> None:
    """A posterior-backed run: where its draws come from, key outcomes, values and claims."""
    print_header(out, run)
    out.print(outcomes_table(summary.intervals, keys, years, "Key outcomes under the posterior: median over the draws, 5–95 % below (flows: calendar-year totals; stocks, prices and ratios: December; the mark: January)"))
    out.print(value_table(summary.equity, summary.marks, f"{run.results.members:,} draws"))
    out.print(claims_table(summary.claims, point, "Narrative scorecard under the posterior: the share of draws in which each claim comes true"))


def print_header(out: Console, run: BackedRun) -> None:
    """Where the draws come from, how they were run, and what the scenario held."""
    r = run.results
    out.print(
        f"[bold]Under the posterior[/bold] {escape(run.posterior.describe())}: {r.members:,} draws (resampled with seed {run.seed}), "
        f"each history run under its own draw, each member continuing from its own history"
    )
    if run.held:
        out.print(f"held at the scenario's own value after the history (the scenario sets them itself): {escape(', '.join(run.held))}")
    if run.stale:
        out.print("[yellow]warning:[/yellow] the history scenario changed since this calibration: infer the posterior again (`ecosim calibrate`)", highlight=False)


def outcomes_table(intervals: pd.DataFrame, keys: Sequence[str], years: Sequence[int], title: str) -> Table:
    """Key outcomes by year: each cell the median over the draws above its 5–95 % range;
    ``keys`` are quantities of :data:`ecosim.analysis.quantities.QUANTITIES` and ``intervals``
    :func:`ecosim.analysis.posterior.yearly_intervals`."""
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("quantity")
    for y in years:
        table.add_column(str(y), justify="right")
    table.add_column(f"point run {years[-1]}", justify="right")
    cell = {(str(r["key"]), int(r["year"])): r for r in intervals.to_dict("records")}
    for key in keys:
        q = QUANTITIES[key]
        cells = [interval(cell[key, y]["median"], cell[key, y]["p5"], cell[key, y]["p95"], q.unit) for y in years]
        table.add_row(escape(f"{q.label} [{q.unit}]"), *cells, human(cell[key, years[-1]]["point"], q.unit))
    return table


def value_table(equity: pd.DataFrame, marks: pd.DataFrame, where: str) -> Table:
    """Equity value over the draws (median, 5–95 %, the point run) and each mark's probability."""
    year = int(equity["valuation_year"].iloc[0])
    t = Table(title=f"Equity value at the start of {year} under the posterior ({where}); each member valued as `ecosim value` values a run, from its metrics", title_justify="left")
    for c, j in (("company", "left"), ("median", "right"), ("5–95 %", "right"), ("mean", "right"), ("point run", "right"), ("mark", "left"), ("P(value ≥ mark), like for like", "right"), ("median gap (share of mark)", "right")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    for _, e in equity.iterrows():
        ms = marks[marks["company"] == e["company"]]
        first = True
        for _, m in ms.iterrows() if len(ms) else [(None, None)]:
            lead = [escape(str(e["label"])), human(e["median"], "USD"), f"{human(e['p5'], 'USD')}–{human(e['p95'], 'USD')}", human(e["mean"], "USD"), human(e["point"], "USD")] if first else [""] * 5
            mark = [] if m is None else [escape(f"{human(m['value_usd'], 'USD')} {str(m['kind']).split(' (')[0]} {m['date']}"), pct(m["p_reaches"]), pct(m["median_gap_share"], 0)]
            t.add_row(*lead, *(mark or ["", "", ""]))
            first = False
    return t


def claims_table(rows: Sequence[Mapping[str, Any]], point: Mapping[str, str], title: str) -> Table:
    """Each claim's probability over the draws (on time, by the run's end), its median year,
    and the point run's verdict; ``rows`` from :func:`ecosim.analysis.posterior.claim_probabilities`."""
    t = Table(title=title, title_justify="left")
    for c, j in (("claim", "left"), ("seed:line", "left"), ("P(on time)", "right"), ("P(by end)", "right"), ("median year", "right"), ("point run", "left")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    for r in rows:
        p = r["p_on_time"]
        year = "" if r["median_year"] is None else f"{r['median_year']:.0f}"
        t.add_row(escape(str(r["claim"])), str(r["source"]).split("_")[0] + ":" + str(r["source"]).rsplit(":", 1)[-1],
                  "—" if p is None else pct(p, 0), "—" if r["p_by_end"] is None else pct(r["p_by_end"], 0), year, SYMBOLS.get(point.get(str(r["id"]), ""), ""))
    return t


def headline_markdown(summary: PosteriorSummary, scenario: str, where: str, members: int) -> str:
    """The README's posterior-backed headline: SpaceX+xAI's and Tesla's value with its 5–95 %
    range and each mark's probability, then each testable claim's probability and when it comes
    true (5–95 % of the month among the draws where it does)."""
    e = summary.equity
    year = int(e["valuation_year"].iloc[0])
    se = 0.5 / np.sqrt(members)
    lines = [
        f"`{scenario}` under {where}: {members:,} draws, each history 2020–2025 run under its own draw and each member continuing from it. "
        f"A probability is the share of draws (Monte Carlo standard error at most {100 * se:.1f} points).",
        "",
        f"| equity value at the start of {year} | median | 5–95 % | point run (hand-set history) |",
        "|---|---:|---:|---:|",
    ]
    for _, r in e.iterrows():
        lines.append(f"| {r['label']} | {human(r['median'], 'USD')} | {human(r['p5'], 'USD')}–{human(r['p95'], 'USD')} | {human(r['point'], 'USD')} |")
    lines += ["", "Each mark like for like, as `ecosim value` sets it: every draw's value carried to the mark's month at its rate, plus the "
              "scheduled raises in between and a post-money round's raise once.", "",
              "| market mark | median value then | P(value ≥ mark) | median gap (share of mark) |", "|---|---:|---:|---:|"]
    for _, m in summary.marks.iterrows():
        lines.append(f"| {m['entity']} {human(m['value_usd'], 'USD')} ({str(m['kind']).split(' (')[0]}, {m['date']}) | {human(m['median_value_usd'], 'USD')} "
                     f"| {pct(m['p_reaches'])} | {pct(m['median_gap_share'], 0)} |")
    lines += ["", "| claim of the seeds | seed:line | P(on time) | P(by the run's end) | comes true (median, 5–95 %) |", "|---|---|---:|---:|---|"]
    for c in summary.claims:
        if c["p_on_time"] is None:
            continue
        if c["check"] == "always":
            when = "— (checked in every month)"
        elif c["when_median"] is None:
            when = "never"
        else:
            when = f"{c['when_median']} ({c['when_p5']}–{c['when_p95']})"
        src = str(c["source"])
        lines.append(f"| {str(c['claim']).replace('|', '/')} | {src.split('_')[0]}:{src.rsplit(':', 1)[-1]} | {pct(c['p_on_time'], 0)} | {pct(c['p_by_end'], 0)} | {when} |")
    skipped = [c for c in summary.claims if c["p_on_time"] is None]
    if skipped:
        lines += ["", f"Not modelled ({len(skipped)}): " + "; ".join(f"{c['claim']} ({c['reason']})" for c in skipped) + "."]
    return "\n".join(lines)
