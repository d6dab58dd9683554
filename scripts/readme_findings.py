"""Regenerate the README's point-run findings and the orbital-cost table from the commands that print them.

Run after any change to the world::

    .venv/bin/python scripts/readme_findings.py

It runs ``ecosim run`` on the three bundled stances (``baseline``, ``musk_narrative``,
``skeptic``) and reads the headline each run printed (``summary.json``'s ``headline``), runs
``ecosim audit-report --json`` for the seed report's own arithmetic, and ``ecosim odc-cost
--json`` over a grid of satellite hardware cost and launch cost for the orbital-cost table. It
replaces the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` in README.md
(sections ``point-runs`` and ``odc-table``), under a line naming the commands.
``tests/test_docs.py`` checks that the figures in those sections are the commands' own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_calibration import replace_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ECOSIM = [sys.executable, "-m", "ecosim.cli"]
STANCES = ("baseline", "musk_narrative", "skeptic")
#: the orbital-cost grid: (label, satellite hardware USD/W or None for the scenario's, extra options)
ODC_ROWS = (
    ("2", 2.0, []),
    ("5", 5.0, []),
    ("the scenario's own (Starlink V2 Mini today)", None, []),
    ("5, infrastructure only (no AI hardware)", 5.0, ["--infrastructure-only"]),
    ("2, infrastructure only, 100 W/kg", 2.0, ["--infrastructure-only", "--set", "orbital_dc.specific_power_w_per_kg=100"]),
)
LAUNCH_USD_PER_KG = (10, 100, 300, 1000)
ODC_YEAR = 2030
STANCE_YEARS = (2027, 2030, 2035)


def _run(args: list[str]) -> str:
    print("$ ecosim " + " ".join(args), file=sys.stderr, flush=True)
    done = subprocess.run([*ECOSIM, *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return done.stdout.strip()


def point_runs(out_root: str) -> str:
    """Each stance's headline as ``ecosim run`` printed it, and the seed report's audit."""
    lines = [f"Printed by `ecosim run S --out {out_root}/S` for S in {', '.join(STANCES)} (the headline each run prints first) "
             "and `ecosim audit-report --json`:", ""]
    for s in STANCES:
        _run(["run", s, "--out", f"{out_root}/{s}", "--no-figures"])
        summary = json.loads((ROOT / out_root / s / "summary.json").read_text())
        lines += [f"* {line}" for line in summary["headline"]]
    audit = json.loads(_run(["audit-report", "--json"]))
    n, g = audit["summary"], audit["by_root_cause"]
    lines.append(
        f"* **The seed report's own arithmetic.** Of {n['holds'] + n['mismatch']} figures recomputed from seed 002's stated "
        f"inputs, {n['mismatch']} disagree; they come from {g['root_causes']} root causes ({g['figures_under_root_causes']} figures beneath them; "
        f"the share count alone explains {len(audit['root_causes'][0]['figures'])} tenfold figures), {g['rounding']} are rounding and "
        f"{g['method_notes']} are method notes, not errors ({g['rounding_tolerance']}); of {g['stated_twice_checked']} figures the report states "
        f"in two places, {g['stated_twice_disagree']} disagree. `ecosim audit-report --mismatches-only` lists the root causes, largest first.")
    return "\n".join(lines)


def _odc(hardware: float | None, launch: float | None, extra: list[str]) -> dict[str, float]:
    args = ["odc-cost", "baseline", "--year", str(ODC_YEAR), "--json", *extra]
    if hardware is not None:
        args += ["--set", f"orbital_dc.satellite_hardware_usd_per_w={hardware:g}"]
    if launch is not None:
        args += ["--set", f"orbital_dc.launch_cost_usd_per_kg={launch:g}"]
    return json.loads(_run(args))


def odc_table() -> str:
    """Cost ratio orbit / ground (on-site gas) by satellite hardware cost and launch cost."""
    head = " | ".join(f"{x:,}" for x in LAUNCH_USD_PER_KG)
    lines = [
        f"Printed by `ecosim odc-cost baseline --year {ODC_YEAR} --json --set orbital_dc.satellite_hardware_usd_per_w=H "
        "--set orbital_dc.launch_cost_usd_per_kg=L`, counted under the default `levelised` convention (ratio < 1: orbit is cheaper; the break-even is the launch cost "
        "at which the ratio is 1, \"none\" when it would be below zero):",
        "",
        f"| satellite hardware [USD/W] | launch {head} USD/kg | break-even launch cost |",
        "|---|" + "---|" * len(LAUNCH_USD_PER_KG) + "---|",
    ]
    for label, hardware, extra in ODC_ROWS:
        ratios = [_odc(hardware, launch, extra)["ratio"] for launch in LAUNCH_USD_PER_KG]
        own = _odc(hardware, None, extra)
        if hardware is None:
            from ecosim.scenario.loader import load_scenario
            from ecosim.simulate import field_value

            label = f"{field_value(load_scenario('baseline'), 'orbital_dc.satellite_hardware_usd_per_w'):g}, {label}"
        be = own["breakeven_launch_usd_per_kg"]
        be_text = f"{be:,.0f} USD/kg" if be is not None and be > 0 else f"none ({be:,.0f})" if be is not None else "none"
        lines.append(f"| {label} | " + " | ".join(f"{r:.2f}" for r in ratios) + f" | {be_text} |")
    lines += ["", "The same comparison in each stance's own run (`ecosim odc-cost S --year Y --json`):", "",
              "| scenario | " + " | ".join(f"December {y}" for y in STANCE_YEARS) + " |", "|---|" + "---|" * len(STANCE_YEARS)]
    for s in STANCES:
        ratios = [json.loads(_run(["odc-cost", s, "--year", str(y), "--json"]))["ratio"] for y in STANCE_YEARS]
        lines.append(f"| {s} | " + " | ".join(f"{r:.2f}" for r in ratios) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="runs/readme", help="folder for the runs (default runs/readme)")
    args = ap.parse_args()
    readme = ROOT / "README.md"
    text = readme.read_text()
    text = replace_section(text, "point-runs", point_runs(args.out))
    text = replace_section(text, "odc-table", odc_table())
    readme.write_text(text)


if __name__ == "__main__":
    main()
