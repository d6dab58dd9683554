"""``ecosim audit-report`` on the console: the seed valuation report's figures recomputed from
its own inputs, largest disagreements first, then every check by section."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.finance.audit import (
    CAUSES,
    ROUNDING_NOTE,
    SECTIONS,
    Check,
    cross_checks,
    figures,
    fmt,
    grouped_summary,
    root_causes,
)

#: the report under audit
META = {"seed": "002_790d88de6b92b6de.txt", "report": "SpaceX IPO in-depth research report (5), Yunayun think tank, 2026-02-10", "data": "ecosim/data/seed002_valuation.toml"}


def _line(c: Check) -> str:
    """'line 486: base share price: stated $105.75, its inputs give $10.58 (-90.0 %)' (↔ when stated twice)."""
    mark = "↔ " if c.id in _CROSS else ""
    if c.stated is None:
        return f"{mark}line {', '.join(map(str, c.lines))}: {c.label}: {fmt(c.recomputed, c.unit)}" + (f" — {c.note}" if c.note else "")
    diff = "" if c.relative is None else f" ({100 * c.relative:+.1f} %)"
    return f"{mark}line {', '.join(map(str, c.lines))}: {c.label}: stated {fmt(c.stated, c.unit)}, its inputs give {fmt(c.recomputed, c.unit)}{diff}"


_CROSS = {i for cause in CAUSES if cause.cross_check for i in cause.checks}


def print_audit(out: Console, checks: list[Check], counts: dict[str, int], top: int, mismatches_only: bool) -> None:
    """Every check of :func:`ecosim.finance.audit.audit` (``counts``: its summary)."""
    meta = META
    F = figures()
    out.print(
        f"[bold]ecosim audit-report[/bold] — seed 002, {escape(meta['report'])}: chapter 6 values SpaceX at "
        f"{fmt(F['final_value'].value, '1e8 USD')} (DCF {fmt(F['val_dcf'].value, '1e8 USD')}, comparables {fmt(F['val_comps'].value, '1e8 USD')}, "
        f"precedent transactions {fmt(F['val_deals'].value, '1e8 USD')}, weighted 50/30/20, less 10 %) and proposes an IPO at "
        f"${F['price_low'].value:.0f}–${F['price_high'].value:.0f} a share on {F['shares'].value / 10:.0f} B shares."
    )
    out.print(
        f"Every derived figure is recomputed from the report's own stated inputs ({escape(meta['data'])}: each number with its line and original words). "
        f"{len(checks)} checks: [green]{counts['holds']} hold[/green], [red]{counts['mismatch']} disagree with the report's own inputs[/red], {counts['note']} notes. "
        "Stated and recomputed amounts are in US dollars; the formulas keep the report's units (亿美元 = 100 million dollars, 亿股 = 100 million shares)."
    )
    errors, rounding, methods = root_causes(checks)
    g = grouped_summary(checks)
    out.print(
        f"[bold]{g['root_causes']} root causes[/bold] explain the {g['figures_under_root_causes']} errors (largest first; the figures that follow from each beneath, "
        f"the root first; ↔ a figure the report states in two places); {g['rounding']} more are rounding and {g['method_notes']} are method notes, not errors."
    )
    for grp in errors[:top]:
        k = len(grp.checks)
        out.print(f"  [bold]{escape(grp.cause.title)}[/bold]" + (f" ({k} figures)" if k > 1 else ""), highlight=False)
        for c in grp.checks:
            out.print(f"      {escape(_line(c))}", highlight=False)
    if len(errors) > top:
        out.print(f"  ... and {len(errors) - top} more root causes (--top {len(errors)} lists them)")
    out.print(f"[bold]Rounding[/bold] ({escape(ROUNDING_NOTE)}):")
    for c in rounding:
        out.print(f"      {escape(_line(c))}", highlight=False)
    out.print("[bold]Method notes[/bold] (not errors):")
    for grp in methods:
        out.print(f"  {escape(grp.cause.title)}: " + "; ".join(escape(_line(c)) for c in grp.checks), highlight=False)
    cross = cross_checks(checks)
    out.print(f"Figures the report states in two places, cross-checked: {len(cross)}, of which {g['stated_twice_disagree']} disagree (listed under their root causes above).")
    for section in SECTIONS:
        part = [c for c in checks if c.section == section]
        if mismatches_only:
            part = [c for c in part if c.status != "holds"]
        if not part:
            continue
        t = Table(title=section, title_justify="left", show_lines=False)
        for col, j in (("figure", "left"), ("line", "right"), ("stated", "right"), ("recomputed", "right"), ("difference", "right"), ("", "left"), ("how it is recomputed", "left")):
            t.add_column(col, justify=j)  # type: ignore[arg-type]
        notes = []
        for c in part:
            status = {"holds": "[green]holds[/green]", "mismatch": "[red]mismatch[/red]", "note": "note"}[c.status]
            diff = "" if c.relative is None else f"{100 * c.relative:+.1f}%"
            t.add_row(escape(c.label), ", ".join(map(str, c.lines)), "" if c.stated is None else fmt(c.stated, c.unit), fmt(c.recomputed, c.unit), diff, status, escape(c.formula))
            if c.note:
                notes.append(f"{escape(c.label)}: {escape(c.note)}")
        out.print(t)
        for n in notes:
            out.print(f"  note — {n}", highlight=False)
