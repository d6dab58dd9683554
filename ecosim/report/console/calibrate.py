"""``ecosim calibrate`` on the console: progress of the ABC-SMC generations, the posterior, every
history row under the posterior predictive, the Morris screen, the backtests, and the Markdown
of the README's calibration sections."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.numbers import human
from ecosim.report.calibration_view import (
    backtest_markdown,
    backtest_rich,
    backtest_summary_markdown,
    backtest_summary_rich,
    diagnostics_markdown,
    diagnostics_rich,
    history_markdown,
    history_rich,
    notes,
    posterior_markdown,
    posterior_rich,
    summary_line,
)
from ecosim.report.console.common import count_progress, hms
from ecosim.report.console.run import print_notes


class CalibrationProgress:
    """What a calibration prints while it runs: resuming, the pool, each generation, a
    progress bar of histories simulated, and the end (its methods are the runner's callbacks)."""

    def __init__(self, out: Console, err: Console, meta: Any, root: Path) -> None:
        self.out, self.err, self.meta, self.root = out, err, meta, root
        self.total = meta.max_simulations + meta.predictive_draws
        self.progress: Any = None
        self.update: Any = None

    def on_start(self, man: dict[str, Any], pool: Any) -> None:
        done = man["generations"][-1]["simulations"] if man["generations"] else 0
        if done:
            self.out.print(f"resuming {escape(str(self.root))}: {len(man['generations'])} generations ({done:,} simulations) already stored")
        self.out.print(f"running on {escape(pool.description)}")
        self.progress, self.update = count_progress(self.err, self.total, done, "histories")
        self.progress.__enter__()

    def on_progress(self, n: float, what: str) -> None:
        if self.update is not None:
            self.update(n)

    def on_generation(self, pop: Any) -> None:
        acc = "" if pop.generation == 0 else f", acceptance {100 * pop.acceptance:.1f}%"
        self.out.print(f"  generation {pop.generation}: tolerance {pop.epsilon:.3g}{acc}, ESS {pop.ess:,.0f}, {pop.simulations:,} simulations" + (f" — stop: {pop.stop}" if pop.stop else ""), highlight=False)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)
            self.progress = None

    def interrupted(self) -> None:
        self.err.print(f"interrupted: the finished generations and chunks are stored in {escape(str(self.root))}; run the same command again to resume")

    def finished(self, run: Any) -> None:
        self.out.print(f"{escape(self.meta.name)}: {run.ran_simulations:,} histories simulated in {hms(run.elapsed_s)} ({run.ran_simulations / max(run.elapsed_s, 1e-9):,.0f}/s); posterior → {escape(str(self.root))}")


def print_header(out: Console, spec: Any) -> None:
    """What a calibration fits, with what, and its budget."""
    meta = spec.meta
    out.print(
        f"[bold]ecosim calibrate[/bold] — {escape(meta.name)}: {escape(meta.description)}\n"
        f"{len(spec.names)} parameters; scenario {escape(spec.scenario.name)}, rows up to {spec.fit_until}; ABC-SMC (Del Moral et al. 2012), "
        f"{meta.particles:,} particles in chunks of {meta.chunk_size:,} members, seed {meta.seed}, budget {meta.max_simulations:,} simulated histories"
    )


def data_coverage(store: Any) -> str:
    """How many fitted figures fall inside the 5-95 % range the posterior predicts for them."""
    fit = store.table("fit")
    f = fit[fit["status"] == "fit"]
    return f"{int(f['within_90pct_data'].sum())} of {len(f)} fitted figures inside the 5–95 % range the posterior predicts for them (the model plus each row's uncertainty and the model discrepancy)."


def print_posterior(out: Console, store: Any, checks: Sequence[Any]) -> None:
    """A posterior store: diagnostics, the posterior, every history row under its predictive."""
    man = store.manifest()
    out.print(diagnostics_rich(man))
    out.print(f"stopped: {man['stop']}")
    out.print(posterior_rich(man, store.posterior()))
    out.print(history_rich(checks, f"Every history row under the posterior predictive ({man['settings']['predictive_draws']:,} draws): median and 5–95 %"))
    print_notes(out, checks)
    out.print(summary_line(checks) + " " + data_coverage(store))


def print_one_run(out: Console, scenario_name: str, root: Path, checks: Sequence[Any]) -> None:
    """Every history row against one run of the scenario (no posterior yet)."""
    out.print(f"no posterior in {escape(str(root))}: the {escape(scenario_name)} scenario's own run (its hand-set parameters)")
    out.print(history_rich(checks, "Every history row (ecosim/data/history.csv) against one run"))
    print_notes(out, checks)
    out.print(summary_line(checks))


def print_screen_header(out: Console, path: Path, candidates: int, trajectories: int) -> None:
    out.print(f"Morris screen of {candidates} assumptions of {escape(str(path))} (±30 %), {trajectories} trajectories = {(candidates + 1) * trajectories:,} members of one model")


def print_screen(out: Console, df: pd.DataFrame, calibrated: Sequence[str]) -> None:
    """The assumptions ranked by Morris mu* of the history discrepancy (top 30)."""
    table = Table(title="Assumptions ranked by Morris mu* of the history discrepancy", title_justify="left")
    for h, j in (("rank", "right"), ("field", "left"), ("value", "right"), ("mu*", "right"), ("sigma", "right"), ("calibrated", "left")):
        table.add_column(h, justify=j)  # type: ignore[arg-type]
    for i, (_, r) in enumerate(df.head(30).iterrows()):
        table.add_row(str(i + 1), escape(str(r["path"])), human(float(r["value"])), f"{r['mu_star']:.3f}", f"{r['sigma']:.3f}", "yes" if r["path"] in calibrated else "")
    out.print(table)


def print_markdown(store: Any, checks: Sequence[Any]) -> None:
    """The posterior's tables in Markdown (the README's calibration sections), on stdout."""
    man = store.manifest()
    print(history_markdown(checks))
    print()
    print(summary_line(checks) + " " + data_coverage(store))
    print()
    for line in notes(checks):
        print(f"- {line}")
    print()
    print(posterior_markdown(man, store.posterior()))
    print()
    print(diagnostics_markdown(man))
    print()
    print(f"Stopped: {man['stop']}.")


def print_backtest_header(out: Console, origins: Sequence[int]) -> None:
    out.print(f"[bold]ecosim calibrate --backtest[/bold] — rolling origins {', '.join(map(str, origins))}: fit on the history up to each year, forecast the next two blind")


def print_backtests(out: Console, results: Sequence[Any], summary: pd.DataFrame) -> None:
    for r in results:
        out.print(backtest_rich(r.forecasts, f"Forecasts from origin {r.origin} ({r.generations} generations, {r.simulations:,} simulations)"))
    out.print(backtest_summary_rich(summary))


def print_backtests_markdown(results: Sequence[Any], summary: pd.DataFrame) -> None:
    print(backtest_summary_markdown(summary))
    print()
    print(backtest_markdown(pd.concat([r.forecasts for r in results], ignore_index=True)))
