"""Documentation that must not drift from the code."""

from __future__ import annotations

from pathlib import Path

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
