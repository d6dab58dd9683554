"""Regenerate the README's point-run findings and the orbital-cost table from the commands that print them.

Run after any change to the world::

    .venv/bin/python scripts/readme_findings.py

It runs ``ecosim run`` on the three bundled stances (``baseline``, ``musk_narrative``,
``skeptic``) and reads the headline each run printed (``summary.json``'s ``headline``), runs
``ecosim audit-report --json`` for the seed report's own arithmetic, and ``ecosim odc-cost
--json`` over a grid of satellite hardware cost and launch cost for the orbital-cost table. It
replaces the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` in README.md
(sections ``point-runs`` and ``odc-table``), under a line naming the commands.
With ``--check`` it writes nothing (the runs go to a temporary folder) and exits 1 naming each
section that is not what the commands print now; ``tests/test_docs.py`` runs it so.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_sections import README, add_check_flag, add_runs_flag, ecosim_all, publish  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
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


def point_runs(out_root: str, run_root: str | None = None, runs: str | None = None) -> str:
    """Each stance's headline as ``ecosim run`` printed it, and the seed report's audit.

    The runs are written under ``run_root`` (``out_root`` unless given); the text names
    ``out_root``. ``runs``: the folder one ``make findings`` shares (:func:`readme_sections.ecosim`).
    """
    run_root = run_root or out_root
    lines = [f"Printed by `ecosim run S --out {out_root}/S` for S in {', '.join(STANCES)} (the headline each run prints first) "
             "and `ecosim audit-report --json`:", ""]
    *_, audit_json = ecosim_all([*(["run", s, "--out", f"{run_root}/{s}", "--no-figures"] for s in STANCES), ["audit-report", "--json"]], runs)
    for s in STANCES:
        summary = json.loads((ROOT / run_root / s / "summary.json").read_text())
        lines += [f"* {line}" for line in summary["headline"]]
    audit = json.loads(audit_json)
    n, g = audit["summary"], audit["by_root_cause"]
    lines.append(
        f"* **The seed report's own arithmetic.** Of {n['holds'] + n['mismatch']} figures recomputed from seed 002's stated "
        f"inputs, {n['mismatch']} disagree; they come from {g['root_causes']} root causes ({g['figures_under_root_causes']} figures beneath them; "
        f"the share count alone explains {len(audit['root_causes'][0]['figures'])} tenfold figures), {g['rounding']} are rounding and "
        f"{g['method_notes']} are method notes, not errors ({g['rounding_tolerance']}); of {g['stated_twice_checked']} figures the report states "
        f"in two places, {g['stated_twice_disagree']} disagree. `ecosim audit-report --mismatches-only` lists the root causes, largest first.")
    return "\n".join(lines)


def _odc_args(hardware: float | None, launch: float | None, extra: list[str]) -> list[str]:
    args = ["odc-cost", "baseline", "--year", str(ODC_YEAR), "--json", *extra]
    if hardware is not None:
        args += ["--set", f"orbital_dc.satellite_hardware_usd_per_w={hardware:g}"]
    if launch is not None:
        args += ["--set", f"orbital_dc.launch_cost_usd_per_kg={launch:g}"]
    return args


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
    # every command first (run two at a time), then the table from their outputs in order
    grid = [[_odc_args(hardware, launch, extra) for launch in (*LAUNCH_USD_PER_KG, None)] for _, hardware, extra in ODC_ROWS]
    stances = [["odc-cost", s, "--year", str(y), "--json"] for s in STANCES for y in STANCE_YEARS]
    printed = iter(json.loads(out) for out in ecosim_all([*(a for row in grid for a in row), *stances]))
    for label, hardware, _ in ODC_ROWS:
        *cells, own = (next(printed) for _ in range(len(LAUNCH_USD_PER_KG) + 1))
        ratios = [c["ratio"] for c in cells]
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
        ratios = [next(printed)["ratio"] for _ in STANCE_YEARS]
        lines.append(f"| {s} | " + " | ".join(f"{r:.2f}" for r in ratios) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="runs/readme", help="folder for the runs (default runs/readme)")
    add_check_flag(ap)
    add_runs_flag(ap)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        blocks = {"point-runs": point_runs(args.out, args.runs or (tmp if args.check else None), args.runs), "odc-table": odc_table()}
    raise SystemExit(publish({README: blocks}, args.check, "readme_findings.py"))


if __name__ == "__main__":
    main()
