"""The scorecard-so-far panel of the browser view: each claim of the seeds, as far as the months
watched so far can tell.

The whole run's scorecard is computed once per settings and seed with the perfect-foresight
run (:func:`ecosim.viz.live.foresight_valuation`; the world is deterministic, so it is the very
path being watched) and revealed month by month by :func:`verdict_so_far`: a claim shows as
come true from the month it first holds, as missed once its deadline has passed without it, as
failed from the month an "every year" claim first breaks, and as open until then. At the last
month the panel shows exactly ``ecosim run``'s scorecard. Valuation claims use the equity value
at the start of a year, which (like the value panel's DCF) rests on the run's later cash flows.
"""

from __future__ import annotations

from html import escape
from typing import Any

import solara

from ecosim.analysis.scorecard import SYMBOLS, Claim, load_claims
from ecosim.numbers import with_unit
from ecosim.timeline import format_month
from ecosim.viz.glossary import gloss
from ecosim.viz.live import Frame, LiveModel

#: verdict colours in the panel
COLOURS = {"true": "#1a7f37", "late": "#b35900", "false": "#c62828", "missed": "#c62828", "open": "#555555"}
#: how the panel shows a verdict so far (the scorecard's own, plus a deadline passed without it)
LABELS = {**SYMBOLS, "missed": "✗ missed its deadline"}


def verdict_so_far(row: dict[str, Any], claim: Claim, now: str, run_end: str, first: str = "") -> tuple[str, str]:
    """(status, month) of a claim as the months up to ``now`` show it, given its verdict over
    the whole run (``row``: a row of :func:`ecosim.analysis.scorecard.run_scorecard`):
    ``missed`` when its deadline has passed without it (it may still come true late). Before
    the run's ``first`` month nothing is decided (a valuation claim on a mark dated before the
    run is judged on the run's value).

    >>> from ecosim.analysis.scorecard import load_claims
    >>> c = next(c for c in load_claims() if c.id == "starlink_20m_2030")   # deadline 2030-12
    >>> row = {"status": "late", "when": "2031-05"}
    >>> [verdict_so_far(row, c, now, "2040-12") for now in ("2029-01", "2031-01", "2031-05")]
    [('open', ''), ('missed', ''), ('late', '2031-05')]
    """
    status, when = str(row["status"]), row.get("when") or ""
    t = claim.test
    if t is None or status in ("not modelled", "not recorded", "before run"):
        return status, ""
    if now < first:
        return "open", ""
    if t.check == "always":
        if status == "false" and when <= now:
            return "false", when
        end = t.deadline or run_end
        return (status, when) if now >= end else ("open", "")
    if (when and when <= now) or now >= run_end:
        return status, when
    if t.deadline and t.deadline < now:
        return "missed", ""
    return "open", ""


def scorecard_rows(model: LiveModel, frame: Frame | None = None) -> list[dict[str, str]]:
    """The panel's rows for the month of ``frame`` (default: the model's latest)."""
    frame = frame or model.frame
    now = frame.date or format_month(model.start_month - 1)
    run_end = format_month(model.end_month)
    claims = {c.id: c for c in load_claims()}
    out = []
    for row in model.valuation.scorecard:
        claim = claims[row["id"]]
        status, when = verdict_so_far(row, claim, now, run_end, format_month(model.start_month))
        value = ""
        if status in ("true", "late", "false") and when and row.get("value") is not None:
            value = with_unit(float(row["value"]), str(row["unit"]))
        out.append({"claim": claim.claim, "source": claim.short_source, "test": row["test"], "status": status, "when": when, "value": value})
    return out


def scorecard_panel(model: LiveModel, frame: Frame | None = None) -> Any:
    """The scorecard so far (a full-width HTML table)."""
    rows = scorecard_rows(model, frame)
    tested = [r for r in rows if r["status"] not in ("not modelled", "not recorded", "before run")]
    counts = {s: sum(r["status"] == s for r in tested) for s in ("true", "late", "false", "missed", "open")}
    head = (
        "<div style='margin-bottom: 4px'><b>Narrative " + gloss("scorecard") + " so far</b> — the claims of the seed documents "
        "(<code>ecosim/data/claims.toml</code>, seed:line): "
        f"{counts['true']} come true on time, {counts['late']} late, {counts['missed']} missed their deadline, {counts['false']} failed, {counts['open']} still open.</div>"
    )
    cells = []
    for r in rows:
        colour = COLOURS.get(r["status"], "#777777")
        verdict = escape(LABELS.get(r["status"], r["status"]))
        cells.append(
            f"<tr><td>{escape(r['claim'])}</td><td>{escape(r['source'])}</td>"
            f"<td style='color: {colour}; font-weight: 600; white-space: nowrap'>{verdict}</td>"
            f"<td style='white-space: nowrap'>{escape(r['when'])}</td><td style='text-align: right; white-space: nowrap'>{escape(r['value'])}</td>"
            f"<td style='font-size: 0.8rem; color: #555'>{escape(r['test'])}</td></tr>"
        )
    table = (
        "<style>.ecosim-scorecard td, .ecosim-scorecard th { padding: 2px 10px 2px 0; vertical-align: top; }</style>"
        "<table style='border-collapse: collapse; font-size: 0.85rem; width: 100%'>"
        "<tr style='text-align: left'><th>claim</th><th>seed:line</th><th>so far</th><th>when</th><th>value then</th><th>test</th></tr>"
        + "".join(cells) + "</table>"
    )
    return solara.HTML(tag="div", unsafe_innerHTML=head + table, classes=["ecosim-panel", "ecosim-scorecard"], style="padding: 8px; max-height: 460px; overflow-y: auto")


scorecard_panel.full_width = True  # type: ignore[attr-defined]
