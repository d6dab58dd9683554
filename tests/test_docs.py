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
