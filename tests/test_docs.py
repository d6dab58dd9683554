"""Documentation that must not drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosim.nomenclature import render

ROOT = Path(__file__).resolve().parents[1]


def test_nomenclature_is_current() -> None:
    """docs/nomenclature.md is what `python -m ecosim.nomenclature` renders now."""
    assert (ROOT / "docs" / "nomenclature.md").read_text(encoding="utf-8") == render()


def test_readme_quick_start_is_the_two_commands() -> None:
    """The README's quick start is `make run` and `make test`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick and "make test" in quick


def test_the_odc_cross_check_tables_are_current() -> None:
    """README.md's and docs/odc-conventions.md's cross-check tables are what `ecosim odc-cost
    --cross-check` prints now (scripts/readme_odc_conventions.py regenerates them)."""
    from ecosim.economics.odc_cross_check import cross_check
    from ecosim.report.console.odc import cross_check_markdown

    want = cross_check_markdown(cross_check()).rstrip()
    for path in (ROOT / "README.md", ROOT / "docs" / "odc-conventions.md"):
        text = path.read_text(encoding="utf-8")
        block = text.split("<!-- BEGIN odc-cross-check -->\n", 1)[1].split("<!-- END odc-cross-check -->", 1)[0]
        assert block.rstrip() == want, path.name


@pytest.mark.slow
@pytest.mark.timeout(2400)  # two whole flywheel analyses with ablations: ~13 min on one core of this machine
def test_the_flywheel_section_is_current() -> None:
    """README.md's flywheel section is what scripts/readme_flywheel.py renders from `ecosim
    flywheel S --json` now (re-run the script when the world moves)."""
    import importlib.util
    import json

    from ecosim.experiments.flywheel import run_flywheel
    from ecosim.report.console.common import strict_json
    from ecosim.scenario import load_scenario

    spec = importlib.util.spec_from_file_location("readme_flywheel", ROOT / "scripts" / "readme_flywheel.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    results = {s: json.loads(strict_json(run_flywheel(load_scenario(s)).as_dict())) for s in script.SCENARIOS}
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- BEGIN flywheel -->\n", 1)[1].split("<!-- END flywheel -->", 1)[0]
    assert block == script.render(results)


def _check(script: str, *args: str) -> None:
    """``scripts/SCRIPT --check ARGS`` exits 0: every section it writes is what its commands print now."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--check", *args], cwd=ROOT, capture_output=True, text=True)
    stale = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("$ "))
    assert done.returncode == 0, f"{script} --check: the README is not what the commands print now\n{stale}"


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_point_runs_and_the_orbital_cost_table_are_current() -> None:
    """README.md's point-run headlines (three stances) and orbital-cost grid are what `ecosim run`
    and `ecosim odc-cost` print now (scripts/readme_findings.py regenerates them)."""
    _check("readme_findings.py")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_valuation_sections_are_current() -> None:
    """README.md's valuation headline, gaps, scorecard and audit are what `ecosim value` and
    `ecosim audit-report` print now (scripts/readme_valuation.py regenerates them)."""
    _check("readme_valuation.py")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_conventions_tables_are_current() -> None:
    """The orbital-cost conventions tables of README.md and docs/odc-conventions.md are what
    `ecosim odc-cost --convention C` prints now (scripts/readme_odc_conventions.py)."""
    _check("readme_odc_conventions.py")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_data_edges_section_is_current() -> None:
    """README.md's data-edge fan is what the ablation of the sensor-data links prints now
    (scripts/readme_data_edges.py regenerates it)."""
    _check("readme_data_edges.py")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_terminal_sweep_section_is_current() -> None:
    """README.md's terminal-value tables are what scripts/terminal_sweep.py prints now
    (scripts/readme_terminal.py regenerates them)."""
    _check("readme_terminal.py")


def test_a_stale_section_is_named(tmp_path: Path) -> None:
    """`--check` fails on a block that differs from what is printed, naming the section, and
    passes on one that matches; writing replaces only the block between the markers."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from readme_sections import publish, section, stale_sections

    doc = tmp_path / "doc.md"
    doc.write_text("intro\n<!-- BEGIN a -->\nold figure 1.0\n<!-- END a -->\n<!-- BEGIN b -->\nsame\n<!-- END b -->\noutro\n", encoding="utf-8")
    assert stale_sections(doc, {"a": "new figure 1.1\n", "b": "same\n\n"}) == ["a"]
    assert stale_sections(doc, {"a": "old figure 1.0", "b": "same"}) == []
    assert publish({doc: {"a": "new figure 1.1"}}, check=True, script="x.py") == 1
    assert doc.read_text(encoding="utf-8").count("old figure 1.0") == 1  # a check writes nothing
    assert publish({doc: {"a": "new figure 1.1"}}, check=False, script="x.py") == 0
    text = doc.read_text(encoding="utf-8")
    assert section(text, "a") == "new figure 1.1\n" and text.startswith("intro\n") and text.endswith("same\n<!-- END b -->\noutro\n")
    assert publish({doc: {"a": "new figure 1.1"}}, check=True, script="x.py") == 0
