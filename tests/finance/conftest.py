"""Saved runs for the valuation tests (written once per session from the shared run fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosim.run import RunResult, write_run
from ecosim.rundir import SavedRun, read_run


@pytest.fixture(scope="session")
def baseline_dir(baseline_run: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_run(baseline_run, tmp_path_factory.mktemp("runs") / "baseline", figures=False)


@pytest.fixture(scope="session")
def baseline_saved(baseline_dir: Path) -> SavedRun:
    return read_run(baseline_dir)
