"""Shared fixtures: scenarios and finished runs, computed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosim.run import RunResult, run_scenario
from ecosim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="session")
def history_run() -> RunResult:
    return run_scenario(load_scenario("history"))


@pytest.fixture(scope="session")
def baseline_run() -> RunResult:
    return run_scenario(load_scenario("baseline"))


def write_toml(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
