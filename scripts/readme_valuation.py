"""Regenerate the README's valuation section (the headline, its basis and its sensitivity) from ``ecosim value``.

Run after any change to the world or to the valuation::

    .venv/bin/python scripts/readme_valuation.py

It runs ``ecosim run baseline --out runs/readme/baseline --no-figures`` and ``ecosim value
runs/readme/baseline --json``, and replaces the text between ``<!-- BEGIN valuation-headline -->``
and ``<!-- END valuation-headline -->`` in README.md with the discount rate and its basis,
SpaceX+xAI's equity value, the sensitivity table and every mark against its entity's value, like for like.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_calibration import replace_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ECOSIM = [sys.executable, "-m", "ecosim.cli"]
RUN = "runs/readme/baseline"


def _run(args: list[str]) -> str:
    print("$ ecosim " + " ".join(args), file=sys.stderr, flush=True)
    return subprocess.run([*ECOSIM, *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def usd(x: float) -> str:
    """$1.26T, $903.7B (as the console prints)."""
    from ecosim.report.numbers import human

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


def main() -> None:
    _run(["run", "baseline", "--out", RUN, "--no-figures"])
    v = json.loads(_run(["value", RUN, "--json"]))["runs"][0]
    readme = ROOT / "README.md"
    readme.write_text(replace_section(readme.read_text(encoding="utf-8"), "valuation-headline", section(v)), encoding="utf-8")
    print("README.md: valuation-headline regenerated", file=sys.stderr)


if __name__ == "__main__":
    main()
