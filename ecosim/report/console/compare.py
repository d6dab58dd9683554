"""``ecosim compare`` on the console: the key outcomes, each source's scorecard, where sources
part, and the files of the report."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.report.compare import Comparison, end_summary


def print_compare(out: Console, result: Comparison, out_dir: Path) -> None:
    """A written comparison (:func:`ecosim.report.compare.write_comparison`)."""
    out.print(f"[bold]ecosim compare[/bold] — {' vs '.join(escape(s.label) for s in result.sources)} (reference: {escape(result.sources[0].label)})")
    for line in result.headline:
        out.print(escape(line.replace("**", "").replace("`", "")), highlight=False)
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
    out.print(f"Wrote [bold]{escape(str(out_dir))}[/bold]: report.md, report.html, outcomes.csv, scorecard.csv, valuation.csv, bridge.csv, loops.csv, differences.csv, compare.json, figures/ ({len(result.figures)} PNG)")
