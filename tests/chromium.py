"""Debian's Chromium driven by Playwright for Python, for the tests that look at a page as a
person would (Playwright's own browser download is never used)."""

from __future__ import annotations

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
#: needs the browser: skipped with the reason where it is missing; ``-m "not browser"`` leaves them out
needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found: install Debian's chromium package to run the browser tests"),
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
