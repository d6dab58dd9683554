"""End to end: `ecosim viz` served on a free loopback port, driven in a real headless Chromium.

Debian's ``chromium`` (``/usr/bin/chromium``) driven by Playwright for Python; Playwright's own
browser download is never used. Without that binary the test is skipped with the reason, except
in CI (``CI=true``, which ``.ci/run`` sets), where it fails: CI must run it.
Every request the page makes must stay on the loopback server (no CDN): anything else is
blocked and fails the test.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, keep_local, needs_chromium

LOCAL = ("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")

pytestmark = needs_chromium


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`ecosim viz` on a free loopback port; stopped (SIGINT, then kill) afterwards."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecosim.cli", "viz", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"ecosim viz exited with {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("ecosim viz did not answer within 90 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        assert f"open {url}" in out  # the URL was printed for the user
        assert "Traceback" not in err and proc.returncode == 0, err  # Ctrl-C stops it cleanly
        assert "Could not load URL" not in err, err  # the server never went to a CDN for an asset


def test_the_page_steps_redraws_takes_a_lever_and_resets_offline(server: str, tmp_path: Path) -> None:
    """Step x3 moves the date and the plots; play and pause; a slider + Reset rebuilds the world;
    no console error, no request leaves the machine."""
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    failed: list[str] = []
    assets: list[str] = []  # front-end files Solara serves from the installed solara-assets
    served: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("request", lambda r: assets.append(r.url) if "/_solara/cdn/" in r.url else None)
            page.on("requestfinished", lambda r: served.append(r.url))
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

            blocked = keep_local(page, LOCAL)
            page.goto(server)
            page.get_by_text("Step: 0").wait_for(timeout=60_000)
            now = page.locator(".ecosim-now h2")
            assert now.inner_text() == "2026-01 (not started)"
            launches = page.locator("img.ecosim-launches")
            launches.wait_for()
            before = launches.screenshot()

            for month in (1, 2, 3):
                page.get_by_role("button", name="Step", exact=True).click()
                page.get_by_text(f"Step: {month}", exact=True).wait_for(timeout=30_000)
            page.wait_for_function("document.querySelector('.ecosim-now h2').innerText === '2026-03'", timeout=30_000)
            assert launches.screenshot() != before  # the plot changed
            assert re.search(r"Month 3 of 180", page.locator(".ecosim-now").inner_text())

            page.get_by_role("button", name="▶").click()  # play a few months, then pause
            page.wait_for_function("parseInt(document.body.innerText.match(/Step: (\\d+)/)[1]) >= 8", timeout=60_000)
            page.get_by_role("button", name="❚❚").click()
            page.get_by_role("button", name="▶").wait_for(timeout=30_000)  # paused

            lever = page.locator(".lever-launch-starship-cost_progress_ratio [role=slider]")
            lever.focus()
            for _ in range(10):
                page.keyboard.press("ArrowLeft")
            page.locator(".ecosim-pending").wait_for(timeout=30_000)
            assert "Press Reset to apply" in page.locator(".ecosim-pending").inner_text()
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("Step: 0", exact=True).wait_for(timeout=60_000)
            page.wait_for_function("document.querySelector('.ecosim-now') && document.querySelector('.ecosim-now').innerText.includes('Changed from the scenario')", timeout=30_000)
            assert "cost multiplier per doubling of cumulative flights 0.8 → 0.78" in page.locator(".ecosim-now").inner_text()
            page.get_by_role("button", name="Step", exact=True).click()
            page.get_by_text("Step: 1", exact=True).wait_for(timeout=30_000)
            page.wait_for_function("document.querySelector('.ecosim-now h2').innerText === '2026-01'", timeout=30_000)

            shot = tmp_path / "ecosim-viz.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 50_000
            if os.environ.get("ECOSIM_VIZ_SCREENSHOT"):  # refresh docs/viz.png on purpose
                page.screenshot(path=os.environ["ECOSIM_VIZ_SCREENSHOT"], full_page=True)
        finally:
            browser.close()
    assert errors == [], errors
    assert blocked == [], f"the page asked the internet for {blocked}"
    assert failed == [], failed
    assert assets and not set(assets) - set(served), f"front-end assets never served: {set(assets) - set(served)}"
