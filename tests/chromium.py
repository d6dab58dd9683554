"""Debian's Chromium driven by Playwright for Python, for the tests that look at a page as a
person would (Playwright's own browser download is never used)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_missing(chromium: Path, ci: str | None) -> tuple[str, str] | None:
    """Why the browser tests cannot run here, as ("skip" or "fail", reason), or None: without
    the binary they are skipped, except in CI (``CI=true``, which ``.ci/run`` sets), where they
    fail (``tests/conftest.py`` fails them before they start)."""
    if chromium.exists():
        return None
    reason = f"{chromium} not found: install Debian's chromium package to run the browser tests"
    if (ci or "").lower() == "true":
        return "fail", reason + " (CI=true: CI must run them; .ci/run installs chromium)"
    return "skip", reason


MISSING = chromium_missing(CHROMIUM, os.environ.get("CI"))
#: needs the browser: skipped with the reason where it is missing (failed in CI); ``-m "not browser"`` leaves them out
needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(MISSING is not None and MISSING[0] == "skip", reason=MISSING[1] if MISSING else ""),
]


def keep_local(page: object, allowed: tuple[str, ...]) -> list[str]:
    """Let ``page`` fetch only URLs starting with ``allowed``; every other request is aborted and
    listed in the returned list (a test asserts it stays empty)."""
    blocked: list[str] = []

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith(allowed):
            r.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)  # type: ignore[attr-defined]
    return blocked
