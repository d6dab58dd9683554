"""Regenerate the orbital-cost conventions tables in README.md and docs/odc-conventions.md.

Run after any change to the cost model or the world::

    .venv/bin/python scripts/readme_odc_conventions.py

Section ``odc-cross-check``: ``ecosim odc-cost --cross-check`` (published models reproduced under
their own conventions; ``tests/test_docs.py`` checks it is current). Section
``odc-conventions-baseline``: ``ecosim odc-cost S --year 2030 --json --convention C`` for
baseline and musk_narrative under every convention (the same December inputs, counted each way).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_calibration import replace_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ECOSIM = [sys.executable, "-m", "ecosim.cli"]
YEAR = 2030
SCENARIOS = ("baseline", "musk_narrative")
FILES = (ROOT / "README.md", ROOT / "docs" / "odc-conventions.md")


def _run(args: list[str]) -> str:
    print("$ ecosim " + " ".join(args), file=sys.stderr, flush=True)
    return subprocess.run([*ECOSIM, *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def baseline_by_convention() -> str:
    from ecosim.economics.odc_cost import CONVENTIONS, DEFAULT_CONVENTION

    lines = [
        f"Printed by `ecosim odc-cost S --year {YEAR} --json --convention C` (SpaceX's builder's December inputs, counted each way; "
        f"the world decides under `{DEFAULT_CONVENTION}`, the builders' `cost_convention` and `ecosim odc-cost`'s default):",
        "",
        "| scenario | convention | orbital USD/W | terrestrial USD/W | ratio | break-even launch cost |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for scenario in SCENARIOS:
        for name in sorted(CONVENTIONS):
            d = json.loads(_run(["odc-cost", scenario, "--year", str(YEAR), "--json", "--convention", name]))
            be = d["breakeven_launch_usd_per_kg"]
            shown = f"**{name}** (default)" if name == DEFAULT_CONVENTION else name
            lines.append(f"| {scenario} | {shown} | {d['orbital_usd_per_w']:.2f} | {d['terrestrial_usd_per_w']:.2f} | {d['ratio']:.2f} | " + (f"{be:,.0f} USD/kg" if be > 0 else f"none ({be:,.0f})") + " |")
    return "\n".join(lines)


def main() -> None:
    from ecosim.economics.odc_cross_check import cross_check
    from ecosim.report.console.odc import cross_check_markdown

    table = cross_check_markdown(cross_check())
    base = baseline_by_convention()
    for path in FILES:
        text = replace_section(path.read_text(encoding="utf-8"), "odc-cross-check", table)
        path.write_text(replace_section(text, "odc-conventions-baseline", base), encoding="utf-8")


if __name__ == "__main__":
    main()
