"""``ecosim compare`` on the console: the key outcomes, each source's scorecard, where sources
part, and the files of the report."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.report.compare import Comparison, end_summary
from ecosim.report.console.common import hms
from ecosim.report.progress import Step

#: without a terminal, the seconds between two progress lines within a step
LOG_EVERY_S = 10.0


class CompareProgress:
    """What ``ecosim compare`` shows while it works (a :class:`ecosim.report.progress.Tracker`):
    step k of N, the months simulated of all the plan's months, the time elapsed and left. On a
    terminal a progress bar; otherwise (a log, a pipe) a line on ``err`` as each step starts and
    every :data:`LOG_EVERY_S` seconds within one."""

    def __init__(self, err: Console) -> None:
        self.err = err
        self.steps: list[Step] = []
        self.index = -1
        self.before = 0  # months of the finished steps
        self.done = 0  # months of the current step
        self.t0 = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None
        self.label = ""
        self.printed = self.t0  # when the last line was printed (no terminal: a line at most every LOG_EVERY_S)

    def __enter__(self) -> CompareProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    @property
    def total(self) -> int:
        """Months simulated by the whole plan."""
        return sum(s.months for s in self.steps)

    def plan(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)
        if self.err.is_terminal and not self.err.quiet:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("months"), TimeElapsedColumn(),
                                TextColumn("ETA"), TimeRemainingColumn(), console=self.err, transient=True)
            self.task = self.bar.add_task("compare", total=max(self.total, 1))
            self.bar.start()

    def eta_s(self) -> float | None:
        """Seconds left to simulate at the rate of the months simulated so far (None before the
        first month and once no month is left: the report's steps are not timed)."""
        done = self.before + self.done
        if done <= 0 or done >= self.total:
            return None
        return (time.perf_counter() - self.t0) * (self.total - done) / done

    def step(self, label: str) -> None:
        if self.index >= 0 and self.index < len(self.steps):
            self.before += self.steps[self.index].months
        self.index, self.done, self.label = self.index + 1, 0, label
        if self.bar is not None:
            self.bar.update(self.task, description=f"compare, {self._where()}: {escape(label)}", completed=self.before)
            return
        self._line()

    def _where(self) -> str:
        return f"step {self.index + 1} of {len(self.steps)}" if self.steps else f"step {self.index + 1}"

    def _line(self) -> None:
        """One line: the step, the months simulated, the time elapsed and left, the step's label."""
        self.printed = time.perf_counter()
        eta = self.eta_s()
        parts = [f"{self.before + self.done:,} of {self.total:,} months simulated"] if self.total else []
        parts.append(f"{hms(time.perf_counter() - self.t0)} elapsed")
        if eta is not None:
            parts.append(f"ETA of the simulations {hms(eta)}")
        self.err.print(f"compare, {self._where()} ({', '.join(parts)}): {escape(self.label)}", highlight=False, soft_wrap=True)

    def months(self, done: int, total: int) -> None:
        planned = self.steps[self.index].months if 0 <= self.index < len(self.steps) else done
        self.done = min(done, planned)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.before + self.done)
        elif time.perf_counter() - self.printed >= LOG_EVERY_S:
            self._line()


def print_compare(out: Console, result: Comparison, out_dir: Path, brief: bool = False) -> None:
    """A written comparison (:func:`ecosim.report.compare.write_comparison`); ``brief``
    (``--quiet``): the headline and the directory only."""
    if not brief:
        if len(result.sources) == 1:
            out.print(f"[bold]ecosim report[/bold] — {escape(result.sources[0].label)}")
        else:
            out.print(f"[bold]ecosim compare[/bold] — {' vs '.join(escape(s.label) for s in result.sources)} (reference: {escape(result.sources[0].label)})")
    for line in result.headline:
        out.print(escape(line.replace("**", "").replace("`", "")), highlight=False)
    if brief:
        out.print(f"Wrote [bold]{escape(str(out_dir))}[/bold]")
        return
    shown = end_summary(result)
    table = Table(title=f"Key outcomes ({shown.attrs['column']}); the full table by year is in the report", title_justify="left")
    table.add_column("outcome")
    for label in shown.columns:
        table.add_column(escape(label), justify="right")
    for outcome, row in shown.iterrows():
        table.add_row(escape(f"{outcome} [{shown.attrs['units'][outcome]}]"), *[str(v) for v in row])
    out.print(table)
    for s in result.sources:
        evals = result.scorecard[s.label]
        st = [str(e.status[0]) for e in evals]
        if s.members == 1:
            out.print(f"scorecard {escape(s.label)}: {st.count('true')} true, {st.count('late')} late, {st.count('false')} false, {st.count('open')} open")
        else:
            tested = [e for e in evals if str(e.status[0]) not in ("not modelled", "not recorded")]
            likely = sum(float((e.status.astype(str) == "true").mean()) >= 0.5 for e in tested)
            runs = "posterior draws" if s.kind == "posterior" else "runs"
            out.print(f"scorecard {escape(s.label)} ({s.members:,} {runs}): {likely} of {len(tested)} claims come true on time in at least half of the {runs}")
    for label, d in result.divergence.items():
        if d is None:
            out.print(f"{escape(label)} shares no month with {escape(result.sources[0].label)}")
            continue
        where = ", ".join(f"{m} {month}" for month, m in d[:3]) if d else "no key metric"
        out.print(f"{escape(label)} departs from {escape(result.sources[0].label)} first in: {where}")
    out.print(f"Wrote [bold]{escape(str(out_dir))}[/bold]: report.md, report.html, outcomes.csv, scorecard.csv, valuation.csv, bridge.csv, differences.csv, compare.json" + (f", figures/ ({len(result.figures)} PNG)" if result.drawn else ""))


def compare_json(result: Comparison, out_dir: Path) -> dict[str, Any]:
    """``ecosim compare --json``: where the report was written, ``compare.json``'s content
    (headline, sources, valuation, bridges, scorecard, figures) and the outcomes table (every
    outcome of every source by year: median and 5-95 % band)."""
    import json

    d: dict[str, Any] = {"out": str(out_dir), **json.loads((out_dir / "compare.json").read_text(encoding="utf-8"))}
    d["outcomes"] = result.outcomes.to_dict("records")
    return d
