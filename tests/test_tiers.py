"""Test tiers: a missing browser fails the browser tests in CI and skips them elsewhere."""

from __future__ import annotations

from pathlib import Path

from tests.chromium import chromium_missing


def test_without_chromium_ci_fails_and_a_developer_skips(tmp_path: Path) -> None:
    """A missing browser is a failure in CI (CI=true) and a skip elsewhere; an installed one runs."""
    absent = tmp_path / "chromium"
    reason = f"{absent} not found: install Debian's chromium package to run the browser tests"
    assert chromium_missing(absent, "true") == ("fail", reason + " (CI=true: CI must run them; .ci/run installs chromium)")
    assert chromium_missing(absent, None) == ("skip", reason)
    absent.write_text("")
    assert chromium_missing(absent, "true") is None
