"""``ecosim compare A B [C ...]``: scenarios side by side, where they diverge and why.

:func:`compare` resolves each argument (run directory, experiment directory, scenario file or
bundled name, run first) into a :class:`~ecosim.report.sources.Source` and writes to the output
directory, atomically (a temporary sibling renamed into place, so a failure leaves nothing
half-written)::

    DIR/report.md          the report (figures linked from figures/)
    DIR/report.html        the same, self-contained (figures embedded), opens without a server
    DIR/outcomes.csv       key outcomes by year per source (median, p10, p90), difference to the first
    DIR/scorecard.csv      every claim of the seeds per source: verdict and month, or probability
                           and median year for an experiment
    DIR/differences.csv    scenario fields that differ between the sources ("what differs")
    DIR/compare.json       sources, columns and the scorecard, for programs
    DIR/figures/*.png      overlaid series (fan charts for experiments), the scorecard timeline
    DIR/runs/NAME/         the run directories of scenario-file arguments

The first argument is the reference: differences are to it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim import __version__
from ecosim.analysis.scorecard import (
    ClaimEval,
    ensemble_scorecard,
    evaluate,
    load_claims,
    run_scorecard,
)
from ecosim.errors import UsageError
from ecosim.report.compare_figures import (
    SERIES_FIGURES,
    scorecard_cell,
    scorecard_figure,
    series_figure,
)
from ecosim.report.differ import what_differs
from ecosim.report.document import Document
from ecosim.report.numbers import human
from ecosim.report.outcomes import OUTCOMES, display_table, outcomes_table
from ecosim.report.sources import Source, resolve_sources
from ecosim.report.style import scenario_colours

#: metrics whose first relative difference beyond DIVERGENCE_FRAC marks where two sources diverge
DIVERGENCE_METRICS = (
    "spacex_launches", "launch_cost_usd_per_kg", "starlink_satellites", "starlink_subscribers", "odc_power_gw",
    "odc_cost_ratio", "terrestrial_compute_eflops", "data_collected_pb", "xai_capability_index", "spacex_revenue_usd",
    "spacex_fcf_usd", "tesla_revenue_usd",
)
DIVERGENCE_FRAC = 0.01


@dataclass
class Comparison:
    """What :func:`compare` wrote, in memory."""

    out_dir: Path
    sources: list[Source]
    outcomes: pd.DataFrame
    scorecard: dict[str, list[ClaimEval]]
    differences: pd.DataFrame
    figures: list[Path]
    divergence: dict[str, list[tuple[str, str]] | None]


def divergence(a: Source, b: Source, frac: float = DIVERGENCE_FRAC) -> list[tuple[str, str]] | None:
    """Where ``b`` departs from ``a``: for each key metric that ever differs by more than ``frac``
    relative to the larger magnitude (medians for experiments), the first such month, over the
    months both cover; sorted by month (then metric). Empty when they never differ, None when
    they share no month."""
    common = sorted(set(a.dates) & set(b.dates))
    if not common:
        return None
    ia = [a.dates.index(d) for d in common]
    ib = [b.dates.index(d) for d in common]
    out: list[tuple[str, str]] = []
    for m in DIVERGENCE_METRICS:
        if m not in a.series or m not in b.series:
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            xa = np.nanmedian(a.series[m][ia], axis=1)
            xb = np.nanmedian(b.series[m][ib], axis=1)
            scale = np.maximum(np.abs(xa), np.abs(xb))
            diff = np.where(scale > 0, np.abs(xa - xb) / scale, 0.0) > frac
        if diff.any():
            out.append((common[int(np.argmax(diff))], m))
    return sorted(out)


def score_sources(sources: Sequence[Source], claims_path: str | None = None) -> dict[str, list[ClaimEval]]:
    """The scorecard of every source (every member of an experiment)."""
    claims = load_claims(claims_path)
    return {s.label: evaluate(s.series, s.dates, s.wacc, s.growth, claims) for s in sources}


def scorecard_frame(sources: Sequence[Source], evals: dict[str, list[ClaimEval]]) -> pd.DataFrame:
    """Tidy scorecard: one row per (compared source ``label``, claim); ``source`` is the claim's seed:line."""
    rows = []
    for s in sources:
        recs = run_scorecard(evals[s.label]) if s.members == 1 else ensemble_scorecard(evals[s.label])
        for r in recs:
            rows.append({"label": s.label, "kind": s.kind, **r})
    return pd.DataFrame(rows)


def _out_dir_checked(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir}: must be a directory (got an existing file)")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "report.md").is_file():
        raise UsageError(f"--out {out_dir}: exists and is not a comparison directory (no report.md); choose another --out")
    return out_dir


def compare(
    args: Sequence[str],
    out_dir: Path,
    seed: int | None = None,
    sets: Sequence[str] = (),
    claims_path: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """Compare the sources named by ``args`` and write the report to ``out_dir``.

    Raises
    ------
    UsageError
        Fewer than two arguments, or an ``--out`` that is a file or a foreign directory.
    RunDirError
        A missing or foreign argument (checked before anything runs).
    """
    if len(args) < 2:
        raise UsageError(f"compare: needs at least two run directories, experiment directories or scenario files (got {len(args)})")
    out_dir = _out_dir_checked(Path(out_dir))
    load_claims(claims_path)  # a bad claims file fails before anything runs
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = parent / f".{out_dir.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        sources = resolve_sources(args, tmp / "runs", seed=seed, sets=sets, progress=progress)
        result = _write(sources, tmp, claims_path, progress)
        old = None
        if out_dir.exists():
            old = parent / f".{out_dir.name}.old-{os.getpid()}"
            out_dir.rename(old)
        tmp.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for s in sources:
        if s.path.is_relative_to(tmp):
            s.path = out_dir / s.path.relative_to(tmp)
    result.out_dir = out_dir
    result.figures = [out_dir / p.relative_to(tmp) for p in result.figures]
    return result


def _write(sources: list[Source], folder: Path, claims_path: str | None, progress: Callable[[str], None] | None) -> Comparison:
    colours = scenario_colours([s.label for s in sources], [s.scenario for s in sources])
    if progress:
        progress("scoring claims and tabulating outcomes")
    outcomes = outcomes_table(sources)
    evals = score_sources(sources, claims_path)
    scorecard = scorecard_frame(sources, evals)
    differences = what_differs(sources)
    div = {s.label: divergence(sources[0], s) for s in sources[1:]}
    fig_dir = folder / "figures"
    fig_dir.mkdir()
    if progress:
        progress("drawing figures")
    figures = [series_figure(name, sources, colours, fig_dir) for name in SERIES_FIGURES]
    figures.append(scorecard_figure(evals, sources, colours, fig_dir / "scorecard.png"))
    outcomes.to_csv(folder / "outcomes.csv", index=False)
    scorecard.to_csv(folder / "scorecard.csv", index=False)
    differences.to_csv(folder / "differences.csv", index=False)
    comparison = Comparison(folder, sources, outcomes, evals, differences, figures, div)
    (folder / "compare.json").write_text(json.dumps(_as_json(comparison, scorecard, folder), indent=1, default=_json_default) + "\n", encoding="utf-8")
    doc = build_document(comparison, folder)
    (folder / "report.md").write_text(doc.markdown(), encoding="utf-8")
    (folder / "report.html").write_text(doc.html(folder), encoding="utf-8")
    return comparison


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and x != x:
        return None
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def _rel(path: Path, folder: Path) -> str:
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)


def _as_json(c: Comparison, scorecard: pd.DataFrame, folder: Path) -> dict[str, Any]:
    return {
        "ecosim_version": __version__,
        "reference": c.sources[0].label,
        "sources": [
            {"label": s.label, "kind": s.kind, "origin": s.origin, "path": _rel(s.path, folder), "scenario": s.scenario, "start": s.dates[0], "end": s.dates[-1],
             "members": s.members, "wacc": float(np.median(s.wacc)), "terminal_growth": float(np.median(s.growth))}
            for s in c.sources
        ],
        "divergence": {k: None if v is None else [{"month": m, "metric": x} for m, x in v] for k, v in c.divergence.items()},
        "scorecard": json.loads(scorecard.to_json(orient="records")),
        "figures": [_rel(p, folder) for p in c.figures],
    }


# --------------------------------------------------------------------------- the report


def _tally(evals: list[ClaimEval]) -> str:
    st = [str(e.status[0]) for e in evals]
    testable = sum(s not in ("not modelled", "not recorded") for s in st)
    return f"{st.count('true')} of {testable} testable claims come true on time, {st.count('late')} late, {st.count('false')} never, {st.count('open')} still open"


def _ensemble_tally(evals: list[ClaimEval]) -> str:
    ps = [float(np.mean(e.status.astype(str) == "true")) for e in evals if str(e.status[0]) not in ("not modelled", "not recorded")]
    likely = sum(p >= 0.5 for p in ps)
    return f"{likely} of {len(ps)} testable claims come true on time in at least half of the runs"


def _glance(c: Comparison) -> list[str]:
    """At-a-glance bullets: scorecard tallies, where each source diverges from the first, and
    its largest differences at the end."""
    ref = c.sources[0]
    items = []
    for s in c.sources:
        ev = c.scorecard[s.label]
        items.append(f"**{s.label}**: " + (_tally(ev) if s.members == 1 else _ensemble_tally(ev)) + ".")
    col = str(c.outcomes["column"].iloc[-1])
    for s in c.sources[1:]:
        d = c.divergence[s.label]
        if d is None:
            items.append(f"**{s.label}** and **{ref.label}** share no month ({s.period} and {ref.period}).")
            continue
        if not d:
            items.append(f"**{s.label}** does not differ from **{ref.label}** in any key metric (by more than {100 * DIVERGENCE_FRAC:g}%).")
            continue
        first = ", ".join(f"`{m}` {month}" for month, m in d[:3])
        items.append(f"**{s.label}** departs from **{ref.label}** first in {first}; largest differences ({col}): {_largest(c.outcomes, s.label, col) or 'none'}.")
    return items


def _largest(outcomes: pd.DataFrame, label: str, column: str, n: int = 3) -> str:
    """The ``n`` outcomes of a source that differ most from the reference in ``column``, as
    ratios (``x28``) or percentages, ranked by the size of the log ratio (both positive) or of
    the relative difference (otherwise)."""
    t = outcomes[(outcomes["column"] == column) & (outcomes["source"] == label) & (outcomes["unit"] != "%")]
    ref = t["median"] - t["diff_to_first"]
    val = t["median"]
    with np.errstate(divide="ignore", invalid="ignore"):
        both = (ref > 0) & (val > 0)
        size = np.where(both, np.abs(np.log(val / ref)), np.abs(t["diff_to_first_pct"]) / 100.0)
    order = [i for i in np.argsort(-np.nan_to_num(size, nan=-1.0)) if np.isfinite(size[i]) and size[i] > 0][:n]
    parts = []
    for i in order:
        r = t.iloc[i]
        ratio = float(r["median"] / (r["median"] - r["diff_to_first"])) if both.iloc[i] else np.nan
        if ratio == ratio and (ratio >= 2 or ratio <= 0.5):
            parts.append(f"{r['outcome']} x{human(ratio)}" if ratio >= 2 else f"{r['outcome']} ÷{human(1.0 / ratio)}")
        else:
            parts.append(f"{r['outcome']} {r['diff_to_first_pct']:+.0f}%")
    return ", ".join(parts)


def build_document(c: Comparison, folder: Path) -> Document:
    """The report (``report.md`` / ``report.html``) of a comparison written to ``folder``."""
    labels = [s.label for s in c.sources]
    ref = labels[0]
    doc = Document(f"ecosim compare: {' vs '.join(labels)}")
    doc.paragraph(f"ecosim {__version__}. Reference (first argument): **{ref}**; every difference is to it. "
                  "Tables as CSV next to this report: `outcomes.csv`, `scorecard.csv`, `differences.csv`.")
    doc.heading("At a glance")
    doc.bullets(_glance(c))

    doc.heading("Sources")
    doc.table(pd.DataFrame([
        {"label": s.label, "kind": s.kind, "scenario": s.scenario, "description": s.description, "period": s.period,
         "runs / seed": f"{s.members} runs" if s.members > 1 else s.detail, "WACC, terminal growth": f"{100 * float(np.median(s.wacc)):.2f}%, {100 * float(np.median(s.growth)):.1f}%",
         "directory": _rel(s.path, folder)}
        for s in c.sources
    ]))

    doc.heading("Key outcomes by year")
    doc.paragraph("Flows are calendar-year totals, stocks year-end values; fundamental values are at the start of the year "
                  "(DCF of the run's free cash flow from that year on plus a Gordon terminal value, at the scenario's WACC and "
                  "terminal growth), the narrative mark is January's. `end`: each source's last month (stocks), last 12 months "
                  "(flows) or last full year (values). Experiments: median [10th, 90th percentile] over their runs; Δ is the "
                  "difference of medians.")
    doc.table(display_table(c.outcomes, c.sources), align_right=labels + [f"Δ {x} vs {ref}" for x in labels[1:]])

    doc.heading("Narrative scorecard")
    claims = c.scorecard[ref]
    doc.paragraph("Each claim of the seed documents (`ecosim/data/claims.toml`, with its seed file and line) as a test on the "
                  "run's monthly series. ✓ true: holds by its deadline (month it first does); ⚠ late: only after the deadline; "
                  "✗ false: never in the run (for an 'every year' claim: the month it first fails); ○ open: the run ends before "
                  "the deadline. Experiments: p = probability on time over the runs, 'by end' = probability within the run, and "
                  "the median year it comes true.")
    rows = []
    for i, e in enumerate(claims):
        row = {"claim": e.claim.claim, "seed:line": e.claim.short_source, "stance": e.claim.stance,
               "test": e.claim.test.describe() if e.claim.test else f"not modelled: {e.claim.not_modelled}"}
        for s in c.sources:
            row[s.label] = scorecard_cell(c.scorecard[s.label][i])
        rows.append(row)
    doc.table(pd.DataFrame(rows))
    doc.figure("figures/scorecard.png", "When each claim first comes true, by source (black bar: the claim's deadline).")

    doc.heading("Time series")
    doc.paragraph("Flows as rates per year (trailing 12 months). Experiments: median with 50% and 80% bands over their runs. "
                  "Black diamonds: market marks of SpaceX (+xAI) from `ecosim/data/valuation_marks.csv`.")
    for name, (title, _panels) in SERIES_FIGURES.items():
        doc.figure(f"figures/{name}.png", f"{title}: {', '.join(labels)}.")

    doc.heading("What differs")
    if len(c.differences):
        doc.paragraph(f"Scenario fields (resolved `scenario.toml`) whose values are not the same in every source: {len(c.differences)}.")
        doc.table(c.differences)
    else:
        doc.paragraph("No scenario field differs between the sources.")

    doc.heading("Method")
    doc.bullets([
        "Fundamental value: `ecosim.finance.valuation.fundamental_value` on the run's monthly free cash flow "
        "(`spacex_fcf_usd`: SpaceX, with xAI from the merger month; `tesla_fcf_usd`), pre-tax, at each scenario's "
        "`[capital_market]` WACC (CAPM with Hamada's levered beta) and terminal growth.",
        "Narrative mark: the capital market's mark in the run (`spacex_mark_usd`); market marks from `ecosim/data/valuation_marks.csv`.",
        "Where a source departs from the reference: for each key metric, the first month it differs by more than "
        f"{100 * DIVERGENCE_FRAC:g}% ({', '.join(DIVERGENCE_METRICS)}); the three earliest are listed.",
        f"Outcome rows: {', '.join(o.label for o in OUTCOMES)}.",
    ])
    return doc


def end_summary(c: Comparison) -> pd.DataFrame:
    """The outcomes table's last column, one row per outcome and a column per source (for the CLI)."""
    col = c.outcomes["column"].iloc[-1]
    t = c.outcomes[c.outcomes["column"] == col]
    out = t.pivot(index="outcome", columns="source", values="median").reindex([o.label for o in OUTCOMES])
    units = {o.label: o.unit for o in OUTCOMES}
    shown = pd.DataFrame({s.label: [human(float(v), units[k]) for k, v in out[s.label].items()] for s in c.sources}, index=out.index)
    shown.attrs["column"] = col
    shown.attrs["units"] = units
    return shown
