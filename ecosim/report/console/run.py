"""``ecosim run`` on the console: key outcomes by year, the calibration rows, the narrative
scorecard and the files written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.scorecard import SYMBOLS
from ecosim.numbers import human, with_unit
from ecosim.report.calibration_view import history_rich, notes, summary_line
from ecosim.results.rundir import RunSummary, ScorecardRow


class FinishedRun(Protocol):
    """What :func:`print_run` shows of a run (:class:`ecosim.run.RunResult`)."""

    summary: RunSummary
    timeseries: pd.DataFrame
    calibration: list[Any]

    @property
    def ledger(self) -> pd.DataFrame: ...

    @property
    def runtime_s(self) -> float: ...

def summary_table(series: Mapping[str, Any], dates: list[str], title: str) -> Table:
    """``ecosim run``'s key outcomes: the quantities of :data:`ecosim.analysis.quantities.RUN_TABLE`
    read as every command reads them (flows: calendar-year totals; stocks, prices and ratios:
    December; the mark: January)."""
    from ecosim.analysis.quantities import QUANTITIES, RUN_TABLE, table_years, yearly_table

    years = table_years(dates)
    df = yearly_table(series, dates, RUN_TABLE, years)
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("quantity")
    for y in years:
        table.add_column(str(y), justify="right")
    for row in df.to_dict("records"):
        q = QUANTITIES[str(row["key"])]
        unit = {"USD": "", "USD/yr": " [/yr]", "-": "", "": ""}.get(q.unit, f" [{q.unit}]")
        table.add_row(escape(f"{q.label}{unit}"), *[human(float(row[str(y)]), q.unit) for y in years])
    return table


def scorecard_table(rows: Sequence[ScorecardRow], title: str) -> Table:
    """The narrative scorecard of one run: claim, where it is said, verdict, when, value."""
    table = Table(title=title, title_justify="left")
    for c, j in (("claim", "left"), ("seed:line", "left"), ("verdict", "left"), ("when", "left"), ("value (then, or closest)", "right"), ("test at end", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for r in rows:
        value = "" if r.value is None else with_unit(r.value, r.unit)
        at_end = {True: "holds", False: "fails", None: ""}[r.holds_at_end]
        table.add_row(escape(r.claim), r.short_source, SYMBOLS[r.status], r.when or "", value, at_end)
    return table


def print_notes(out: Console, checks: Sequence[Any]) -> None:
    """The notes under a table of history rows."""
    for line in notes(checks):
        out.print(f"  {escape(line)}", highlight=False)


def run_json(result: FinishedRun, out_dir: Path, posterior: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``ecosim run --json``: where the run was written, ``summary.json``'s object (headline and
    valuation first) and the key outcomes of every year, one record per quantity as the table
    reads them (``key``, ``label``, ``unit``, then a column per year); ``posterior``: the
    posterior-backed tables (:meth:`ecosim.analysis.posterior.PosteriorSummary.as_dict`)."""
    from ecosim.analysis.quantities import RUN_TABLE, yearly_table

    ts = result.timeseries
    series = {c: ts[c].to_numpy() for c in ts.columns if c != "date"}
    dates = list(ts["date"])
    years = sorted({int(d[:4]) for d in dates})
    d: dict[str, Any] = {"out": str(out_dir), **result.summary.to_json()}
    d["key_outcomes"] = yearly_table(series, dates, RUN_TABLE, years).to_dict("records")
    if posterior is not None:
        d["posterior"] = dict(posterior)
    return d


def print_run(out: Console, result: FinishedRun, out_dir: Path, figures: bool, brief: bool = False) -> None:
    """A finished run (:class:`ecosim.run.RunResult`) and the directory it was written to;
    ``brief`` (``--quiet``): the headline and the directory only."""
    s = result.summary
    if not brief:
        out.print(
            f"[bold]ecosim run[/bold] — {escape(s.scenario)}: {escape(s.description)}\n"
            f"{s.start} → {s.end} ({s.months} months), seed {s.seed}, simulated in {result.runtime_s:.2f} s"
            + (f"; started from the end of '{escape(s.initial_state_from)}'" if s.initial_state_from else "")
        )
    for line in s.headline:
        out.print(escape(line.replace("**", "").replace("`", "")), highlight=False)
    if brief:
        out.print(f"Wrote [bold]{escape(str(out_dir))}[/bold]")
        return
    ts = result.timeseries
    series = {c: ts[c].to_numpy() for c in ts.columns if c != "date"}
    out.print(summary_table(series, list(ts["date"]), "Key outcomes (flows: calendar-year totals; stocks, prices and ratios: December; the mark: January)"))
    shown = [c for c in result.calibration if c.status != "outside the run"]
    if any(c.represented and c.status != "input" for c in shown):
        out.print(history_rich(shown, "Calibration against public history (ecosim/data/history.csv): every row"))
        print_notes(out, shown)
        cal = [c for c in result.calibration if c.asserted and c.represented]
        out.print(f"{sum(c.passes() for c in cal)} of {len(cal)} calibration checks within ±25%. {summary_line(shown)}")
        if len(shown) < len(result.calibration):
            out.print(f"{len(result.calibration) - len(shown)} rows fall outside this run's months.")
    out.print(scorecard_table(s.scorecard, "Narrative scorecard (claims of the seeds, ecosim/data/claims.toml): does each come true, and when?"))
    out.print("test at end: whether the claim's test holds in the run's last month (a fact about that month, not the verdict). "
              "A claim about a date (a valuation, a year's forecast, a state) is judged in that month only; only operational milestones can come true late.")
    files = ["timeseries.parquet", f"ledger.parquet ({len(result.ledger):,} transfers)", "summary.json", "scenario.toml", "network.json"]
    if figures:
        files.append("figures/ (5 PNG)")
    out.print(f"Wrote [bold]{escape(str(out_dir))}[/bold]: " + ", ".join(files))
