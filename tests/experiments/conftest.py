"""Fixtures of the experiment tests: write an experiment file (TINY by default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.experiments.helpers import TINY


@pytest.fixture
def write_experiment(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write an experiment file (TINY by default, with text replaced) and return its path."""

    def write(text: str = TINY, name: str = "exp.toml", replace: dict[str, str] | None = None) -> Path:
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
