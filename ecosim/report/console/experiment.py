"""``ecosim experiment`` and ``ecosim results`` on the console: an experiment's plan and
progress, its analysis (outcome summaries, sensitivity rankings, PRIM boxes), bundled
experiments, and SQL results."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.discovery import describe_box
from ecosim.analysis.experiment import ExperimentAnalysis
from ecosim.numbers import human
from ecosim.report.console.common import count_progress, hms


class ExperimentProgress:
    """What an experiment prints while it runs (its methods are the runner's callbacks)."""

    def __init__(self, out: Console, err: Console, spec: Any, root: Path) -> None:
        self.out, self.err, self.spec, self.root = out, err, spec, root
        self.progress: Any = None
        self.update: Any = None
        self.total = 0

    def header(self) -> None:
        spec = self.spec
        sc = spec.base.model.scenario
        self.out.print(
            f"[bold]ecosim experiment[/bold] — {escape(spec.name)}: {escape(spec.meta.description)}\n"
            f"base scenario {escape(spec.base.name)} ({sc.start_month} → {sc.end_month}); sampler {spec.meta.sampler}, seed {spec.meta.seed}"
        )

    def on_start(self, design: Any, done_runs: int, runner: str) -> None:
        self.out.print(f"{design.count_text} in {len(design.chunks):,} chunks of ≤{self.spec.meta.chunk_size:,}")
        if done_runs:
            self.out.print(f"resuming {escape(str(self.root))}: {done_runs:,} of {design.n_runs:,} runs already stored")
        if done_runs < design.n_runs:
            self.out.print(f"running on {escape(runner)}")
            self.progress, self.update = count_progress(self.err, design.n_runs, done_runs)
            self.progress.__enter__()
        self.total = design.n_runs

    def on_progress(self, runs: float) -> None:
        if self.update is not None:
            self.update(runs)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)
            self.progress = None

    def interrupted(self, stored: int) -> None:
        self.err.print(f"interrupted: {stored:,} of {self.total:,} runs are stored in {escape(str(self.root))}; run the same command again to finish the rest")

    def finished(self, run: Any) -> None:
        total = run.design.n_runs
        if run.ran_runs:
            self.out.print(
                f"{escape(self.spec.name)}: {run.ran_runs:,} runs in {hms(run.elapsed_s)} ({run.rate_runs_per_s:,.1f} runs/s on {escape(run.runner)}); "
                f"store: {run.ok:,} ok, {run.failed:,} failed of {total:,} → {escape(str(self.root))}"
            )
        else:
            self.out.print(f"{escape(self.spec.name)}: all {total:,} runs were already stored ({run.ok:,} ok, {run.failed:,} failed) → {escape(str(self.root))}")


def print_analysis(out: Console, res: ExperimentAnalysis, files: Sequence[Path], root: Path) -> None:
    """An experiment's analysis and the files written (:func:`ecosim.report.experiment_report.write_experiment_analysis`)."""
    man = res.manifest
    table = Table(title=f"Outcomes over {int(res.summary['runs'].max()) if len(res.summary) else 0:,} successful runs", title_justify="left")
    for c, j in (("outcome", "left"), ("direction", "left"), ("p5", "right"), ("median", "right"), ("p95", "right"), ("mean", "right"), ("unit", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for _, r in res.summary.iterrows():
        u = str(r["unit"])
        cells = [fmt_outcome(float(r[c]), u) for c in ("p5", "p50", "p95", "mean")]
        table.add_row(escape(str(r["outcome"])), str(r["direction"]), *cells, escape(u))
    out.print(table)
    for name, df, key in (("Sobol' total index ST", res.sobol, "ST"), ("Morris mu*", res.morris, "mu_star")):
        if df is None or df.empty:
            continue
        first = df[df["lever_setting"] == df["lever_setting"].min()]
        for outcome, g in first.groupby("outcome", sort=False):
            top = g.dropna(subset=[key]).sort_values(key, ascending=False).head(3)
            if len(top):
                ranked = ", ".join(f"{r['input']} {r[key]:.3g}" for _, r in top.iterrows())
                out.print(f"{name} of {escape(str(outcome))}: {escape(ranked)}")
    for d in res.discovery:
        out.print(f"[bold]{escape(d.label)}[/bold]: {d.of_interest:,} of {d.runs:,} runs ({100 * d.of_interest / max(d.runs, 1):.1f}%)")
        if len(d.trajectory):
            units = {i.column: i.unit for i in man.inputs}
            lines = describe_box(d, units)
            out.print(f"  PRIM box (coverage {d.coverage:.2f}, density {d.density:.2f}):" + ("" if lines else " no restriction, the whole input space"))
            for line in lines:
                out.print(f"    {escape(line)}", highlight=False)
    for note in res.notes:
        out.print(f"[yellow]note:[/yellow] {escape(note)}")
    n_tab = len([p for p in files if p.suffix == ".parquet"])
    n_fig = len([p for p in files if p.suffix == ".png"])
    out.print(f"analysis: {n_tab} tables in {escape(str(root / 'analysis'))}, {n_fig} figures in {escape(str(root / 'figures'))}")
    out.print(f'query: ecosim results query {escape(str(root))} "SELECT * FROM results LIMIT 5"', highlight=False)


def analysis_json(res: ExperimentAnalysis, files: Sequence[Path], root: Path) -> dict[str, Any]:
    """``ecosim experiment analyze --json`` (and ``run --json``): every analysis table as
    records (outcome summaries, sensitivity indices, PRIM boxes, ...), the notes and the files."""
    return {"dir": str(root), "tables": {name: df.to_dict("records") for name, df in res.tables.items()},
            "notes": list(res.notes), "files": [str(f) for f in files]}


def fmt_outcome(value: float, unit: str) -> str:
    """An outcome's value: a year with one decimal, an amount in its unit."""
    if unit == "year":
        return "—" if value != value else f"{value:.1f}"
    return human(value, unit)


def print_show(out: Console, spec: Any, design: Any) -> None:
    """An experiment file: its run count, inputs with their sources, outcomes and discovery."""
    out.print(f"[bold]{escape(spec.name)}[/bold] ({spec.path}): {escape(spec.meta.description)}")
    out.print(f"{design.count_text} in {len(design.chunks):,} chunks of ≤{spec.meta.chunk_size:,}")
    table = Table(title="Inputs", title_justify="left")
    for c in ("column", "field", "kind", "varies as"):
        table.add_column(c, no_wrap=c != "varies as")
    for i in spec.inputs:
        how = i.dist.describe() if i.dist else ", ".join(str(v) for v in i.settings)
        table.add_row(i.column, i.path, i.kind, escape(how))
    out.print(table)
    out.print("Sources:")
    for i in spec.inputs:
        out.print(f"  {i.column}: {escape(i.source)}", highlight=False)
    table = Table(title="Outcomes", title_justify="left")
    for c in ("outcome", "metric", "stat", "year", "direction", "unit"):
        table.add_column(c)
    for o in spec.outcomes:
        stat = o.stat + (f" (>= {o.threshold:g})" if o.threshold is not None else "") + (f" / {o.relative_to}" if o.relative_to else "")
        table.add_row(o.name, o.metric, escape(stat), str(o.year or ""), o.direction, escape(o.unit))
    out.print(table)
    for d in spec.discovery:
        out.print(f"discovery {d.name}: {escape(d.label)} ({d.outcome} {d.op} {d.value:g})")


def show_json(spec: Any, design: Any) -> dict[str, Any]:
    """``ecosim experiment show --json``: what :func:`print_show` prints, as JSON-ready data."""
    return {
        "name": spec.name, "file": str(spec.path), "description": spec.meta.description, "sampler": spec.meta.sampler, "seed": spec.meta.seed,
        "runs": design.n_runs, "count": design.count_text, "chunks": len(design.chunks), "chunk_size": spec.meta.chunk_size,
        "inputs": [{"column": i.column, "field": i.path, "kind": i.kind, "varies_as": i.dist.describe() if i.dist else None,
                    "settings": None if i.dist else list(i.settings), "source": i.source} for i in spec.inputs],
        "outcomes": [{"outcome": o.name, "metric": o.metric, "stat": o.stat, "threshold": o.threshold, "relative_to": o.relative_to or None,
                      "year": o.year, "direction": o.direction, "unit": o.unit} for o in spec.outcomes],
        "discovery": [{"name": d.name, "label": d.label, "outcome": d.outcome, "op": d.op, "value": d.value} for d in spec.discovery],
    }


def print_list(out: Console, rows: Sequence[tuple[str, str, int, str]]) -> None:
    """Bundled experiments: (name, sampler, runs, description)."""
    table = Table(title="Bundled experiments (ecosim experiment run NAME or experiments/NAME.toml)", title_justify="left")
    for c, j in (("name", "left"), ("sampler", "left"), ("runs", "right"), ("description", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for name, sampler, runs, description in rows:
        table.add_row(name, sampler, f"{runs:,}", escape(description))
    out.print(table)


def _cell(v: Any) -> str:
    """One value of an SQL result as the table shows it (6 significant digits, NULL as blank)."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT:
        return ""
    return v if isinstance(v, str) else (f"{v:.6g}" if isinstance(v, float) else str(v))


#: the widest a column of ``results query`` is drawn [characters]; longer values end in "…"
QUERY_COLUMN_MAX = 24


def fit_columns(df: pd.DataFrame, width: int) -> tuple[list[str], list[str], list[str]]:
    """The columns of an SQL result a table of ``width`` characters can show whole: (shown,
    left out for want of room, empty: NULL in every row). Columns keep their order; each takes
    its widest value or name (at most :data:`QUERY_COLUMN_MAX`) plus 3 for the borders; the
    first column with values is always shown.

    >>> df = pd.DataFrame({"a": [1, 2], "b": [None, None], "c": ["x" * 30, "y"]})
    >>> fit_columns(df, 32)
    (['a', 'c'], [], ['b'])
    >>> fit_columns(df, 20)
    (['a'], ['c'], ['b'])
    """
    empty = [str(c) for c in df.columns if len(df) and df[c].isna().all()]
    shown: list[str] = []
    left: list[str] = []
    used = 1
    for c in df.columns:
        if str(c) in empty:
            continue
        cells = [len(_cell(v)) for v in df[c].head(50)]
        need = min(QUERY_COLUMN_MAX, max([len(str(c)), *cells])) + 3
        if not left and (not shown or used + need <= width):
            shown.append(str(c))
            used += need
        else:
            left.append(str(c))
    return shown, left, empty


def print_query(out: Console, df: pd.DataFrame, max_rows: int, notes: Console | None = None) -> None:
    """An SQL result as a table of at most ``max_rows`` rows and the columns that fit the
    console's width; what was left out (rows, columns, empty columns) and how to see it goes to
    ``notes`` (stderr, so that a pipe reads the table alone; default ``out``)."""
    notes = notes if notes is not None else out
    shown, left, empty = fit_columns(df.head(max_rows), out.width)
    table = Table(title_justify="left")
    for c in shown:
        numeric = pd.api.types.is_numeric_dtype(df[c])
        table.add_column(escape(c), justify="right" if numeric else "left", no_wrap=True, overflow="ellipsis", max_width=QUERY_COLUMN_MAX)
    for row in df[shown].head(max_rows).itertuples(index=False):
        table.add_row(*[escape(_cell(v)) for v in row])
    out.print(table)
    more = f"; showing {max_rows:,} (--max-rows N, or --csv for all)" if len(df) > max_rows else ""
    notes.print(f"{len(df):,} rows{more}", highlight=False)
    if empty:
        notes.print(f"{len(empty):,} columns are empty (NULL in every row shown), left out: {', '.join(empty)}", highlight=False, soft_wrap=True)
    if left:
        notes.print(f"showing {len(shown):,} of {len(shown) + len(left):,} columns with values (the terminal is {out.width} characters wide); "
                    f"--csv or --json for every column, or SELECT the ones you want; not shown: {', '.join(left)}", highlight=False, soft_wrap=True)
