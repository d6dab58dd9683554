"""``ecosim run`` on the console: key outcomes by year, the calibration rows, the narrative
scorecard and the files written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.scorecard import SYMBOLS
from ecosim.report.calibration_view import history_rich, notes, summary_line
from ecosim.report.numbers import human, with_unit
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

#: (label, column, how to read a year, unit)
SUMMARY_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("SpaceX launches [/yr]", "spacex_launches", "sum", ""),
    ("  of which Starship [/yr]", "starship_launches", "sum", ""),
    ("Launch cost to LEO [USD/kg]", "launch_cost_usd_per_kg", "last", ""),
    ("Starlink satellites", "starlink_satellites", "last", ""),
    ("Starlink subscribers", "starlink_subscribers", "last", ""),
    ("Kuiper satellites", "kuiper_satellites", "last", ""),
    ("Tesla deliveries [/yr]", "tesla_deliveries", "sum", ""),
    ("Tesla fleet [vehicles]", "tesla_fleet_vehicles", "last", ""),
    ("FSD miles, cumulative", "fsd_miles_cumulative", "last", ""),
    ("Cybercabs", "cybercab_fleet", "last", ""),
    ("Optimus robots", "optimus_robots", "last", ""),
    ("Data to xAI [PB/yr]", "data_collected_pb", "sum", ""),
    ("Orbital DC power [GW]", "odc_power_gw", "last", ""),
    ("Orbital / terrestrial cost", "odc_cost_ratio", "last", ""),
    ("Orbital compute [EFLOP/s]", "odc_compute_eflops", "last", ""),
    ("xAI terrestrial compute [EFLOP/s]", "terrestrial_compute_eflops", "last", ""),
    ("xAI capability [index]", "xai_capability_index", "last", ""),
    ("PV module price [USD/W]", "pv_module_price_usd_per_w", "last", ""),
    ("SpaceX revenue [/yr]", "spacex_revenue_usd", "sum", "USD"),
    ("SpaceX free cash flow [/yr]", "spacex_fcf_usd", "sum", "USD"),
    ("SpaceX(+xAI) narrative mark", "spacex_mark_usd", "last", "USD"),
)


def summary_table(ts: pd.DataFrame, title: str) -> Table:
    """Key outcomes of a run by year (flows summed over the year, stocks at its end)."""
    df = ts.copy()
    df["year"] = df["date"].str[:4].astype(int)
    years_all = sorted(df["year"].unique())
    if len(years_all) <= 7:
        years = years_all
    else:
        years = sorted({years_all[0], *[y for y in (2028, 2030, 2035) if y in years_all], years_all[-1]})
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("metric")
    for y in years:
        table.add_column(str(y), justify="right")
    g = df.groupby("year")
    for label, col, how, unit in SUMMARY_ROWS:
        vals = g[col].sum() if how == "sum" else g[col].last()
        table.add_row(escape(label), *[human(float(vals[y]), unit) for y in years])
    return table


def scorecard_table(rows: Sequence[ScorecardRow], title: str) -> Table:
    """The narrative scorecard of one run: claim, where it is said, verdict, when, value."""
    table = Table(title=title, title_justify="left")
    for c, j in (("claim", "left"), ("seed:line", "left"), ("verdict", "left"), ("when", "left"), ("value (then, or closest)", "right"), ("at end", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for r in rows:
        value = "" if r.value is None else with_unit(r.value, r.unit)
        at_end = {True: "holds", False: "no", None: ""}[r.holds_at_end]
        table.add_row(escape(r.claim), r.short_source, SYMBOLS[r.status], r.when or "", value, at_end)
    return table


def print_notes(out: Console, checks: Sequence[Any]) -> None:
    """The notes under a table of history rows."""
    for line in notes(checks):
        out.print(f"  {escape(line)}", highlight=False)


def print_run(out: Console, result: FinishedRun, out_dir: Path, figures: bool) -> None:
    """A finished run (:class:`ecosim.run.RunResult`) and the directory it was written to."""
    s = result.summary
    out.print(
        f"[bold]ecosim run[/bold] — {s.scenario}: {s.description}\n"
        f"{s.start} → {s.end} ({s.months} months), seed {s.seed}, simulated in {result.runtime_s:.2f} s"
        + (f"; started from the end of '{s.initial_state_from}'" if s.initial_state_from else "")
    )
    out.print(summary_table(result.timeseries, "Key outcomes (flows per year, stocks at year end)"))
    shown = [c for c in result.calibration if c.status != "outside the run"]
    if any(c.represented and c.status != "input" for c in shown):
        out.print(history_rich(shown, "Calibration against public history (ecosim/data/history.csv): every row"))
        print_notes(out, shown)
        cal = [c for c in result.calibration if c.asserted and c.represented]
        out.print(f"{sum(c.passes() for c in cal)} of {len(cal)} calibration checks within ±25%. {summary_line(shown)}")
        if len(shown) < len(result.calibration):
            out.print(f"{len(result.calibration) - len(shown)} rows fall outside this run's months.")
    out.print(scorecard_table(s.scorecard, "Narrative scorecard (claims of the seeds, ecosim/data/claims.toml): does each come true, and when?"))
    files = ["timeseries.parquet", f"ledger.parquet ({len(result.ledger):,} transfers)", "summary.json", "scenario.toml", "network.json"]
    if figures:
        files.append("figures/ (5 PNG)")
    out.print(f"Wrote [bold]{out_dir}[/bold]: " + ", ".join(files))
