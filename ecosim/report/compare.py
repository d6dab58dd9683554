"""The comparison report of ``ecosim compare``: scenarios side by side, where they diverge and
why. Reads results only (the sources). Which loops drive each source is ``ecosim flywheel``'s.

:func:`write_comparison` writes into a folder::

    report.md          the report (figures linked from figures/)
    report.html        the same, self-contained (figures embedded), opens without a server
    outcomes.csv       key outcomes by year per source (median, p10, p90), difference to the first
    scorecard.csv      every claim of the seeds per source: verdict and month, or probability
                       and median year for an experiment
    valuation.csv      equity value of SpaceX (+xAI) and Tesla at the valuation date per source,
                       against each market mark of valuation_marks.csv
    bridge.csv         the valuation bridge from the first run to each other run, by segment
    differences.csv    scenario fields that differ between the sources ("what differs")
    compare.json       sources, divergence, scorecard and figures, for programs
    figures/*.png      overlaid series (fan charts for experiments), the scorecard timeline, the
                       bridges

The first source is the reference: differences are to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim import __version__
from ecosim.analysis.scorecard import (
    Claim,
    ClaimEval,
    ensemble_scorecard,
    evals_from_columns,
    evaluate_claim,
    run_scorecard,
)
from ecosim.numbers import human, signed
from ecosim.report.compare_charts import (
    bridge_chart,
    scorecard_chart,
    series_chart,
    valuation_chart,
)
from ecosim.report.compare_figures import (
    SERIES_FIGURES,
    bridge_figure,
    scorecard_cell,
    scorecard_figure,
    series_figure,
)
from ecosim.report.differ import what_differs
from ecosim.report.document import Document, md_text
from ecosim.report.headline import run_headline, value_sentence
from ecosim.report.interactive import Chart
from ecosim.report.outcomes import OUTCOMES, display_table, outcomes_table
from ecosim.report.progress import REPORT_STEPS
from ecosim.report.sources import Source
from ecosim.report.style import scenario_colours
from ecosim.report.valuation_view import (
    PairBridge,
    SourceMarks,
    bridge_frame,
    every_mark_table,
    source_bridges,
    source_marks,
    valuation_table,
)

#: metrics whose first relative difference beyond DIVERGENCE_FRAC marks where two sources diverge
DIVERGENCE_METRICS = (
    "spacex_launches", "launch_cost_usd_per_kg", "starlink_satellites", "starlink_subscribers", "odc_power_gw",
    "odc_cost_ratio", "terrestrial_compute_eflops", "data_collected_pb", "xai_capability_index", "spacex_revenue_usd",
    "spacex_fcf_usd", "tesla_revenue_usd",
)
DIVERGENCE_FRAC = 0.01


@dataclass
class Comparison:
    """What :func:`write_comparison` wrote, in memory (paths inside ``out_dir``)."""

    out_dir: Path
    sources: list[Source]
    outcomes: pd.DataFrame
    scorecard: dict[str, list[ClaimEval]]
    differences: pd.DataFrame
    figures: list[Path]
    divergence: dict[str, list[tuple[str, str]] | None]
    valuation: pd.DataFrame = field(default_factory=pd.DataFrame)
    bridges: list[PairBridge] = field(default_factory=list)
    bridge_notes: list[str] = field(default_factory=list)
    headline: list[str] = field(default_factory=list)
    marks: dict[str, SourceMarks] = field(default_factory=dict)  # each source's value against the SpaceX+xAI marks, like for like
    drawn: bool = True  # PNG figures drawn; False: ``--no-figures`` (report.html keeps its interactive charts)

    def relocate(self, old: Path, new: Path) -> None:
        """Point every path written under ``old`` to the same place under ``new``."""
        self.out_dir = new
        self.figures = [new / p.relative_to(old) if p.is_relative_to(old) else p for p in self.figures]
        for s in self.sources:
            if s.path.is_relative_to(old):
                s.path = new / s.path.relative_to(old)


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


def score_sources(sources: Sequence[Source], claims: Sequence[Claim]) -> dict[str, list[ClaimEval]]:
    """The scorecard of every source (every member of an experiment): an experiment's stored
    verdicts where it has them for a claim, else the claim scored on its stored series."""
    out = {}
    for s in sources:
        stored = {e.claim.id: e for e in evals_from_columns(s.stored_verdicts, claims)} if s.stored_verdicts is not None else {}
        out[s.label] = [stored.get(c.id) or evaluate_claim(c, s.series, s.dates, s.equity, members=s.members, marks=s.marks) for c in claims]
    return out


def scorecard_frame(sources: Sequence[Source], evals: dict[str, list[ClaimEval]]) -> pd.DataFrame:
    """Tidy scorecard: one row per (compared source ``label``, claim); ``source`` is the claim's seed:line."""
    rows = []
    for s in sources:
        recs = run_scorecard(evals[s.label]) if s.members == 1 else ensemble_scorecard(evals[s.label])
        for r in recs:
            rows.append({"label": s.label, "kind": s.kind, **r})
    return pd.DataFrame(rows)


def write_comparison(
    sources: list[Source],
    folder: Path,
    claims: Sequence[Claim],
    progress: Callable[[str], None] | None = None,
    figures: bool = True,
) -> Comparison:
    """Write every table, figure and both reports of a comparison into ``folder`` (which must
    exist); ``figures=False``: no PNG figure (``--no-figures``; report.html keeps its charts)."""
    colours = scenario_colours([s.label for s in sources], [s.scenario for s in sources])
    if progress:
        progress(REPORT_STEPS[0])
    outcomes = outcomes_table(sources)
    evals = score_sources(sources, claims)
    scorecard = scorecard_frame(sources, evals)
    differences = what_differs(sources)
    div = {s.label: divergence(sources[0], s) for s in sources[1:]}
    by_source = {s.label: source_marks(s) for s in sources}
    valuation = valuation_table(sources, by_source)
    bridges, bridge_notes = source_bridges(sources)
    if progress:
        progress(REPORT_STEPS[1])
    drawn: list[Path] = []
    if figures:
        fig_dir = folder / "figures"
        fig_dir.mkdir(exist_ok=True)
        drawn = [series_figure(name, sources, colours, fig_dir) for name in SERIES_FIGURES]
        drawn.append(scorecard_figure(evals, sources, colours, fig_dir / "scorecard.png"))
        if bridges:
            drawn.append(bridge_figure(bridges, colours, fig_dir / "bridge.png"))
    outcomes.to_csv(folder / "outcomes.csv", index=False)
    scorecard.to_csv(folder / "scorecard.csv", index=False)
    differences.to_csv(folder / "differences.csv", index=False)
    valuation.to_csv(folder / "valuation.csv", index=False)
    bridge_frame(bridges).to_csv(folder / "bridge.csv", index=False)
    comparison = Comparison(folder, sources, outcomes, evals, differences, drawn, div, valuation, bridges, bridge_notes, marks=by_source, drawn=figures)
    comparison.headline = headline(comparison)
    (folder / "compare.json").write_text(json.dumps(_as_json(comparison, scorecard, folder), indent=1, default=_json_default, allow_nan=False) + "\n", encoding="utf-8")
    doc = build_document(comparison, folder)
    (folder / "report.md").write_text(doc.markdown(), encoding="utf-8")
    (folder / "report.html").write_text(doc.html(folder), encoding="utf-8")
    return comparison


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return _json_default(x.item()) if isinstance(x.item(), float) else x.item()
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def _clean(x: Any) -> Any:
    """NaN and infinities as null (strict JSON)."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, float | np.floating):
        return float(x) if np.isfinite(x) else None
    return x


def _rel(path: Path, folder: Path) -> str:
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)


def _rates(s: Source) -> tuple[float, float, float]:
    """Median WACC, terminal growth and tax rate of a source's members [fraction]."""
    valued = [a for a in s.assumptions if a is not None]
    if not valued:
        return (float("nan"), float("nan"), float("nan"))
    return (float(np.median([a.wacc for a in valued])), float(np.median([a.terminal_growth for a in valued])), float(np.median([a.tax_rate for a in valued])))


def _as_json(c: Comparison, scorecard: pd.DataFrame, folder: Path) -> dict[str, Any]:
    return _clean({
        "ecosim_version": __version__,
        "headline": c.headline,
        "reference": c.sources[0].label,
        "sources": [
            {"label": s.label, "kind": s.kind, "origin": s.origin, "path": _rel(s.path, folder), "scenario": s.scenario, "start": s.dates[0], "end": s.dates[-1],
             "members": s.members, "wacc": _rates(s)[0], "terminal_growth": _rates(s)[1], "tax_rate": _rates(s)[2]}
            for s in c.sources
        ],
        "divergence": {k: None if v is None else [{"month": m, "metric": x} for m, x in v] for k, v in c.divergence.items()},
        "valuation": json.loads(c.valuation.to_json(orient="records")),
        "marks": {label: [m.as_dict() for m in (sm.every_mark or sm.comparisons)] for label, sm in c.marks.items()},
        "bridges": [{"from": pb.a, "to": pb.b, "company": pb.bridge.company, "year": pb.bridge.year, "value_from_usd": pb.bridge.value_a,
                     "value_to_usd": pb.bridge.value_b, "steps": [{"step": k, "change_usd": v} for k, v in pb.bridge.steps]} for pb in c.bridges],
        "bridge_notes": c.bridge_notes,
        "scorecard": json.loads(scorecard.to_json(orient="records")),
        "figures": [_rel(p, folder) for p in c.figures],
    })


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
        items.append(f"**{md_text(s.label)}**: " + _glance_value(c.marks.get(s.label)) + (_tally(ev) if s.members == 1 else _ensemble_tally(ev)) + ".")
    col = str(c.outcomes["column"].iloc[-1])
    for s in c.sources[1:]:
        d = c.divergence[s.label]
        label, ref_label = md_text(s.label), md_text(ref.label)
        if d is None:
            items.append(f"**{label}** and **{ref_label}** share no month ({s.period} and {ref.period}).")
            continue
        if not d:
            items.append(f"**{label}** does not differ from **{ref_label}** in any key metric (by more than {100 * DIVERGENCE_FRAC:g}%).")
            continue
        first = ", ".join(f"`{m}` {month}" for month, m in d[:3])
        items.append(f"**{label}** departs from **{ref_label}** first in {first}; largest differences ({col}): {md_text(_largest(c.outcomes, s.label, col) or 'none')}.")
    return items


def _glance_value(sm: SourceMarks | None) -> str:
    """"SpaceX+xAI $1.30T in 2026-02, 104% of the $1.25T merger mark (like for like); " (the
    headline's first mark), or nothing without a value."""
    if sm is None or not sm.comparisons or sm.value_usd != sm.value_usd:
        return ""
    m = sm.comparisons[0]
    what = "median " if sm.members > 1 else ""
    return f"SpaceX+xAI {what}{human(m.value_usd, 'USD')} in {m.mark_date}, {100 * m.share:.0f}% of the {human(m.mark_usd, 'USD')} {m.kind.split(' (')[0]} mark (like for like); "


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


def _valuation_display(c: Comparison) -> pd.DataFrame:
    """The valuation table as shown: per source and company, the equity value at the valuation
    date and, for SpaceX+xAI, each mark like for like: the value at the mark's month, its share
    of the mark and the gap (mark less value)."""
    rows = []
    gap_cols = [k.removeprefix("gap to ").removesuffix(" [USD]") for k in c.valuation.columns if k.startswith("gap to ") and k.endswith("[USD]")]
    for _, r in c.valuation.iterrows():
        value = human(float(r["equity_value_usd"]), "USD")
        if r["members"] > 1:
            value += f" [{human(float(r['p10_usd']), 'USD')}, {human(float(r['p90_usd']), 'USD')}]"
        row = {"source": str(r["source"]), "company": str(r["company"]), "valued at start of": "" if pd.isna(r["valuation_year"]) else str(int(r["valuation_year"])), "equity value": value}
        for g in gap_cols:
            then, mark, gap = float(r[f"value at {g} [USD]"]), float(c.valuation[f"mark {g} [USD]"].dropna().iloc[0]), float(r[f"gap to {g} [USD]"])
            row[f"{g}: {human(mark, 'USD')}"] = "" if then != then else f"{human(then, 'USD')} then, {100 * then / mark:.0f}% of the mark (gap {human(gap, 'USD')})"
        rows.append(row)
    return pd.DataFrame(rows)


def _usd_change(v: float) -> str:
    return "~0" if abs(v) < 0.5e6 else signed(v, "USD")


def _bridge_display(c: Comparison) -> pd.DataFrame:
    rows = []
    blank = {"Δ sales": "", "Δ operating cost": "", "Δ capex": ""}
    for pb in c.bridges:
        b = pb.bridge
        drivers = {str(r["segment"]): r for r in pb.drivers.to_dict("records")}
        company = {"spacex": "SpaceX+xAI", "tesla": "Tesla"}.get(b.company, b.company)
        rows.append({"bridge": f"{company}: {pb.a} → {pb.b} (start of {b.year})", "step": f"equity value in {pb.a}", "change": human(b.value_a, "USD"), **blank})
        for name, v in b.steps:
            d = drivers.get(name)
            rows.append({"bridge": "", "step": name, "change": _usd_change(v),
                         **(blank if d is None else {"Δ sales": _usd_change(float(d["sales_change_usd"])), "Δ operating cost": _usd_change(float(d["operating_cost_change_usd"])),
                                                     "Δ capex": _usd_change(float(d["capex_change_usd"]))})})
        rows.append({"bridge": "", "step": f"equity value in {pb.b}", "change": human(b.value_b, "USD"), **blank})
    return pd.DataFrame(rows)


def headline(c: Comparison) -> list[str]:
    """The findings that matter, per source, in words (:mod:`ecosim.report.headline`): value
    against each mark like for like (:func:`ecosim.report.valuation_view.source_marks`, the
    values ``ecosim value`` sets against them), the scorecard, binding constraints."""
    lines = []
    for s in c.sources:
        evals = c.scorecard[s.label]
        sm = c.marks.get(s.label) or source_marks(s)
        if s.members == 1:
            lines += run_headline(s.series, s.dates, sm.value_usd, sm.comparisons, [str(e.status[0]) for e in evals], md_text(s.label))
        else:
            lines += [f"**{md_text(s.label)}** ({s.members:,} runs) — " + value_sentence(sm.value_usd, sm.year, sm.comparisons, s.members, sm.why),
                      f"Narrative scorecard: {_ensemble_tally(evals)}."]
    return lines


def build_document(c: Comparison, folder: Path) -> Document:
    """The report (``report.md`` / ``report.html``) of a comparison written to ``folder``."""
    labels = [s.label for s in c.sources]
    ref = labels[0]
    colours = scenario_colours(labels, [s.scenario for s in c.sources])
    single = len(labels) == 1
    doc = Document(f"ecosim report: {ref}" if single else f"ecosim compare: {' vs '.join(labels)}")

    def figure(relpath: str, caption: str, chart: Chart) -> None:
        """A PNG figure with its interactive chart, or (``--no-figures``) the chart alone, in report.html."""
        if c.drawn:
            doc.figure(relpath, caption, chart=chart)
        else:
            doc.chart(chart)

    doc.headline(c.headline or headline(c))
    doc.paragraph(f"ecosim {__version__}. " + ("" if single else f"Reference (first argument): **{md_text(ref)}**; every difference is to it. ")
                  + "Tables as CSV next to this report: `outcomes.csv`, `scorecard.csv`, `valuation.csv`, `bridge.csv`, "
                  "`differences.csv`. In `report.html` every chart is interactive: hover for values, drag to zoom (double-click "
                  "resets), click a legend entry to hide or show it, and download its data as CSV below it.")
    doc.heading("At a glance")
    doc.bullets(_glance(c))

    doc.heading("Sources")
    doc.table(pd.DataFrame([
        {"label": s.label, "kind": s.kind, "scenario": s.scenario, "description": s.description, "period": s.period,
         "runs / seed": f"{s.members} runs" if s.kind == "experiment" else s.detail,
         "WACC, terminal growth, tax": "{:.2f}%, {:.1f}%, {:.0f}%".format(*(100 * x for x in _rates(s))), "directory": _rel(s.path, folder)}
        for s in c.sources
    ]))

    doc.heading("Key outcomes by year")
    doc.paragraph("Flows are calendar-year totals, stocks year-end values; equity values are at the start of the year, valued as "
                  "`ecosim value` does (see Method), the narrative mark is January's. `end`: each source's last month (stocks), last "
                  "12 months (flows) or last full year (values). Experiments: median [10th, 90th percentile] over their runs; Δ is "
                  "the difference of medians.")
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
    figure("figures/scorecard.png", "When each claim first comes true, by source (black bar: the claim's deadline; ×: never in the run).",
           scorecard_chart(c.scorecard, c.sources, colours))

    doc.heading("Time series")
    doc.paragraph("Flows as rates per year (trailing 12 months). Experiments: median with 50% and 80% bands over their runs. "
                  "Black diamonds: market marks of SpaceX (+xAI) from `ecosim/data/valuation_marks.csv`.")
    if not c.drawn:
        doc.paragraph("*(no PNG figure drawn, `--no-figures`: the charts are in `report.html`)*")
    for name, (title, _panels) in SERIES_FIGURES.items():
        figure(f"figures/{name}.png", f"{title}: {', '.join(labels)}.", series_chart(name, c.sources, colours))

    doc.heading("Valuation and the gap to the marks")
    doc.paragraph("Equity value at each source's valuation date (the start of its first full year), as `ecosim value` computes it, "
                  "and each market mark of SpaceX + xAI (`ecosim/data/valuation_marks.csv`) like for like, as `ecosim value`'s marks "
                  "table sets it: the value carried to the mark's month at the discount rate, plus the raises booked in between, plus "
                  "a post-money round's raise once; that value as a share of the mark, and the gap (mark less value). An experiment "
                  "or posterior ensemble: the median over its members, each carried at its own rate with the scenario's scheduled raises.")
    doc.table(_valuation_display(c))
    if len(c.valuation):
        doc.chart(valuation_chart(c.valuation, colours))
    every = every_mark_table(c.sources, c.marks)
    if len(every):
        doc.paragraph("Every mark, like for like (`ecosim value`'s marks table): each mark's entity (SpaceX alone with its sales to "
                      "xAI at market prices, SpaceX + xAI, xAI, OpenAI, Tesla) booked from the run's ledger, at the mark's month and "
                      "on its basis; each cell the value compared and its share of the mark.")
        doc.table(every, align_right=["mark value", *[s.label for s in c.sources if s.label in every.columns]])

    doc.heading("Valuation bridge")
    if c.bridges:
        doc.paragraph("How each company's equity value moves from the reference run to each other run, split among its segments' "
                      "cash flows, the valuation assumptions (cost of capital, terminal growth, tax) and the cash at the valuation "
                      "date by Shapley values (each share is the average effect of switching that part, over every order; they add "
                      "up exactly). Δ sales, operating cost and capex: the segment's totals over the valued years, B less A, with sales to "
                      "and purchases from sister segments at internal transfer prices (so a segment that sells mostly inside the company, "
                      "like orbital compute to xAI, shows large offsetting moves).")
        doc.table(_bridge_display(c))
        figure("figures/bridge.png", f"Valuation bridges from {ref} (dark grey adds value, light grey takes it away).", bridge_chart(c.bridges, colours))
    for note in c.bridge_notes:
        doc.paragraph(f"No bridge for {md_text(note)}.")

    doc.heading("Loops")
    doc.paragraph("Which loops drive each source: `ecosim flywheel SCENARIO` (loop dominance by year from a replay of the run, "
                  "Loops that Matter, and link ablations over seeds and draws; docs/flywheel.md).")

    doc.heading("What differs")
    if len(c.differences):
        doc.paragraph(f"Scenario fields (resolved `scenario.toml`) whose values are not the same in every source: {len(c.differences)}.")
        doc.table(c.differences)
    else:
        doc.paragraph("No scenario field differs between the sources.")

    doc.heading("Method")
    doc.bullets([
        "Equity value: `ecosim value`'s multi-stage DCF (`ecosim.finance.valuation.value_cash_flows`: operating tax with loss "
        "carry-forward, a fade stage and a normalised terminal value, plus cash) of the company "
        "(SpaceX + xAI pro forma, xAI's flows before the merger month included, as `ecosim value` books it; Tesla) from its revenue, free cash flow, capex and cash metrics, at its "
        "scenario's `[capital_market]` cost of capital, terminal growth and tax (`ecosim.finance.series_value`).",
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
