"""Regenerate the README's valuation section (the headline, its basis and its sensitivity) from ``ecosim value``.

Run after any change to the world or to the valuation::

    .venv/bin/python scripts/readme_valuation.py

It runs ``ecosim run baseline --out runs/readme/baseline --no-figures`` and ``ecosim value
runs/readme/baseline --json --explain docs/gap-explained.png``, and replaces the text between
``<!-- BEGIN name -->`` and ``<!-- END name -->`` in README.md:

* ``valuation-headline``: the discount rate and its basis, SpaceX+xAI's equity value, the
  sensitivity table and every mark against its entity's value, like for like;
* ``valuation-gap``: each mark's gap explained in words (segments, cash and raises; the
  valuation choices that move it most) and the figure docs/gap-explained.png;
* ``valuation-scorecard``: the run's scorecard (``summary.json``) for the claims judged at their
  date and seed 002's SpaceX-alone claims;
* ``valuation-audit``: ``ecosim audit-report --json``'s root causes, rounding and method notes.

With ``--check`` it writes nothing (the run and the figure go to a temporary folder) and exits 1
naming each section that is not what the commands print now; ``tests/test_docs.py`` runs it so.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_sections import README, add_check_flag, add_runs_flag, ecosim, publish  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RUN = "runs/readme/baseline"


def usd(x: float) -> str:
    """$1.26T, $903.7B (as the console prints)."""
    from ecosim.numbers import human

    return human(x, "USD")


def section(v: dict[str, Any]) -> str:
    """The README block from ``ecosim value --json``."""
    a = v["assumptions"]
    head = v["entities"]["spacex_xai"]
    base = head["equity_value_usd"]
    lines = [
        f"Printed by `ecosim run baseline --out {RUN} --no-figures` then `ecosim value {RUN} --json`:",
        "",
        f"* discount rate {100 * a['wacc']:.2f} % ({a['basis']}), terminal growth {100 * a['terminal_growth']:.2f} % on the same basis, "
        f"discounted at {'mid-year' if a['discounting'] == 'mid' else 'year end'}, terminal value {a['terminal']} (RONIC {100 * a['ronic']:.2f} %), tax {100 * a['tax_rate']:.0f} %;",
        f"* SpaceX+xAI's equity value at the start of {head['valuation_year']}: **{usd(base)}**.",
        "",
        "| valued with | SpaceX+xAI equity value | change |",
        "|---|---:|---:|",
    ]
    for r in head["sensitivity_usd"]:
        change = "" if r["change"] == "headline" else f"{100 * (r['equity_value_usd'] / base - 1):+.0f} %"
        lines.append(f"| {r['change']} | {usd(r['equity_value_usd'])} | {change} |")
    lines += [
        "",
        "Every mark like for like (`ecosim value`'s marks table): the value compared is the mark's own entity at the mark's date and on its basis — "
        "the entity's equity at the start of the valuation year carried to the mark's month at the discount rate (discounted back for a mark older than the run), "
        "plus what the run raises in between, plus a post-money round's raise once (`ecosim/data/valuation_marks.csv`: basis, raise and their source; "
        "SpaceX alone counts what it sells to xAI at market prices):",
        "",
        "| entity | mark | date | basis | mark value | value compared | value / mark |",
        "|---|---|---|---|---:|---:|---:|",
    ]
    for g in v["gaps"]:
        m = g["mark"]
        basis = m["basis"] + (f" ({usd(m['raise_usd'])} raised)" if m["basis"] == "post-money" else "")
        lines.append(f"| {m['entity']} | {m['kind']} | {m['date']} | {basis} | {usd(m['value_usd'])} | {usd(g['value_usd'])} | {100 * g['value_usd'] / m['value_usd']:.0f} % |")
    return "\n".join(lines)


FIGURE = "docs/gap-explained.png"


def gap_section(explained: list[dict[str, Any]]) -> str:
    """The README block of ``ecosim value --explain``'s words, one bullet per mark, and the figure."""
    lines = [f"Printed by `ecosim value {RUN} --json --explain {FIGURE}` (each mark's value compared split by Shapley value into the entity's segments, "
             "its cash and the raises to the mark's date; the valuation choices of the sensitivity table ranked by how far they move it):", ""]
    lines += [f"* {e['words']}" for e in explained]
    lines += ["", f"![each mark against the run's value, by segment]({FIGURE})"]
    return "\n".join(lines)


def scorecard_section(summary: dict[str, Any]) -> str:
    """The README block of the run's scorecard: counts, then every claim judged at its date and
    every claim about SpaceX alone, with its verdict, the month judged and the value then."""
    rows = summary["scorecard"]
    from ecosim.analysis.scorecard import load_claims

    kind = {c.id: c.kind for c in load_claims()}
    entity = {c.id: c.entity for c in load_claims()}
    counts = {k: sum(r["status"] == k for r in rows) for k in ("true", "late", "false", "open", "not modelled")}
    lines = [f"Printed by `ecosim run baseline --out {RUN} --no-figures` (`summary.json`'s scorecard): "
             f"{counts['true']} claims true, {counts['late']} late (operational milestones only), {counts['false']} false, {counts['open']} open, "
             f"{counts['not modelled']} not modelled. Claims about a date are judged in that month, a valuation claim on a mark at the mark's month on the value "
             "`ecosim value` sets against that mark (like for like); seed 002's SpaceX claims on SpaceX alone:", "",
             "| claim | seed:line | entity | judged | verdict | value then |", "|---|---|---|---|---|---:|"]
    for r in rows:
        if kind[r["id"]] == "at_date" or (entity[r["id"]] == "spacex" and r["short_source"].startswith("002")):
            value = "" if r["value"] is None else (usd(r["value"]) if r["unit"] in ("USD", "USD/yr") else f"{r['value']:,.3g} {r['unit']}")
            lines.append(f"| {r['claim']} | {r['short_source']} | {entity[r['id']]} | {r['when'] or '—'} | {r['status']} | {value} |")
    return "\n".join(lines)


def audit_section(a: dict[str, Any]) -> str:
    """The README block of ``ecosim audit-report --json``: counts and one line per root cause."""
    g = a["by_root_cause"]
    n = a["summary"]
    lines = [f"Printed by `ecosim audit-report --json`: of {n['holds'] + n['mismatch']} figures of seed 002 recomputed from its own inputs, "
             f"{n['mismatch']} disagree. They come from **{g['root_causes']} root causes** ({g['figures_under_root_causes']} figures), "
             f"{g['rounding']} are rounding and {g['method_notes']} are method notes ({g['rounding_tolerance']}); "
             f"{g['stated_twice_checked']} figures stated in two places are cross-checked, {g['stated_twice_disagree']} disagree. The root causes, largest first:", ""]
    for c in a["root_causes"]:
        lines.append(f"* {c['title']} ({len(c['figures'])} figure{'s' if len(c['figures']) > 1 else ''})")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_check_flag(ap)
    add_runs_flag(ap)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run, figure = (f"{tmp}/baseline", f"{tmp}/gap-explained.png") if args.check else (RUN, FIGURE)
        if args.runs:  # the baseline run readme_findings.py made in this make (or made here for the scripts after)
            run = f"{args.runs}/baseline"
        ecosim(["run", "baseline", "--out", run, "--no-figures"], args.runs)
        data = json.loads(ecosim(["value", run, "--json", "--explain", figure]).replace(run, RUN))
        summary = json.loads((ROOT / run / "summary.json").read_text(encoding="utf-8"))
    audit = json.loads(ecosim(["audit-report", "--json"], args.runs))
    v = data["runs"][0]
    blocks = {"valuation-headline": section(v), "valuation-gap": gap_section(data["explained"][0]),
              "valuation-scorecard": scorecard_section(summary), "valuation-audit": audit_section(audit)}
    raise SystemExit(publish({README: blocks}, args.check, "readme_valuation.py"))


if __name__ == "__main__":
    main()
