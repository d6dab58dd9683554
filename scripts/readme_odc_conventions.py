"""Regenerate the orbital-cost conventions tables in README.md and docs/odc-conventions.md.

Run after any change to the cost model or the world::

    .venv/bin/python scripts/readme_odc_conventions.py

Section ``odc-cross-check``: ``ecosim odc-cost --cross-check`` (published models reproduced under
their own conventions; ``tests/test_docs.py`` checks it is current). Section
``odc-conventions-baseline``: ``ecosim odc-cost S --year 2030 --json --convention C`` for
baseline and musk_narrative under every convention (the same December inputs, counted each way).
With ``--check`` it writes nothing and exits 1 naming each section that is not what it prints now.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_sections import add_check_flag, ecosim_all, publish  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2030
SCENARIOS = ("baseline", "musk_narrative")
FILES = (ROOT / "README.md", ROOT / "docs" / "odc-conventions.md")


def baseline_by_convention() -> str:
    from ecosim.economics.odc_cost import CONVENTIONS, DEFAULT_CONVENTION

    lines = [
        f"Printed by `ecosim odc-cost S --year {YEAR} --json --convention C` (SpaceX's builder's December inputs, counted each way; "
        f"the world decides under `{DEFAULT_CONVENTION}`, the builders' `cost_convention` and `ecosim odc-cost`'s default):",
        "",
        "| scenario | convention | orbital USD/W | terrestrial USD/W | ratio | break-even launch cost |",
        "|---|---|---:|---:|---:|---:|",
    ]
    cases = [(scenario, name) for scenario in SCENARIOS for name in sorted(CONVENTIONS)]
    printed = ecosim_all([["odc-cost", scenario, "--year", str(YEAR), "--json", "--convention", name] for scenario, name in cases])
    for (scenario, name), out in zip(cases, printed, strict=True):
        d = json.loads(out)
        be = d["breakeven_launch_usd_per_kg"]
        shown = f"**{name}** (default)" if name == DEFAULT_CONVENTION else name
        lines.append(f"| {scenario} | {shown} | {d['orbital_usd_per_w']:.2f} | {d['terrestrial_usd_per_w']:.2f} | {d['ratio']:.2f} | " + (f"{be:,.0f} USD/kg" if be > 0 else f"none ({be:,.0f})") + " |")
    return "\n".join(lines)


def main() -> None:
    from ecosim.economics.odc_cross_check import cross_check
    from ecosim.report.console.odc import cross_check_markdown

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_check_flag(ap)
    args = ap.parse_args()
    blocks = {"odc-cross-check": cross_check_markdown(cross_check()), "odc-conventions-baseline": baseline_by_convention()}
    raise SystemExit(publish(dict.fromkeys(FILES, blocks), args.check, "readme_odc_conventions.py"))


if __name__ == "__main__":
    main()
