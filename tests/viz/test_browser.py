"""End to end: `ecosim viz` served on a free loopback port, driven in a real headless Chromium.

Debian's ``chromium`` (``/usr/bin/chromium``) driven by Playwright for Python; Playwright's own
browser download is never used. Without that binary the test is skipped with the reason, except
in CI (``CI=true``, which ``.ci/run`` sets), where it fails: CI must run it.
Every request the page makes must stay on the loopback server (no CDN): anything else is
blocked and fails the test.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from ecosim.report.interactive import hover_texts
from ecosim.scenario import load_scenario
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


class Watched:
    """A browser page with its console errors, failed requests and requests that left the machine."""

    def __init__(self, browser: Any, width: int = 1500, height: int = 1900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.assets: list[str] = []  # front-end files Solara serves from the installed solara-assets
        self.served: list[str] = []
        p = self.page
        p.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        p.on("pageerror", lambda e: self.errors.append(str(e)))
        p.on("requestfailed", lambda r: self.failed.append(r.url))
        p.on("request", lambda r: self.assets.append(r.url) if "/_solara/cdn/" in r.url else None)
        p.on("requestfinished", lambda r: self.served.append(r.url))
        p.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.blocked = keep_local(p, LOCAL)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.get_by_text(re.compile(r"^Step: \d+$")).wait_for(timeout=90_000)
        self.chart("launches").locator(".main-svg").first.wait_for(timeout=60_000)

    def chart(self, name: str) -> Any:
        return self.page.locator(f".ecosim-{name} .ecosim-plotly")

    def step(self, month: int) -> None:
        self.page.get_by_role("button", name="Step", exact=True).click()
        self.page.get_by_text(f"Step: {month}", exact=True).wait_for(timeout=30_000)

    def now(self) -> str:
        return str(self.page.locator(".ecosim-now").inner_text())

    def address(self) -> str:
        return str(self.page.evaluate("window.location.href"))

    def download(self, selector: str) -> tuple[str, bytes]:
        with self.page.expect_download(timeout=30_000) as info:
            self.page.locator(f"{selector} button").click()
        d = info.value
        return d.suggested_filename, Path(d.path()).read_bytes()

    def check_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.blocked == [], f"the page asked the internet for {self.blocked}"
        assert self.failed == [], self.failed
        assert self.assets and not set(self.assets) - set(self.served), f"front-end assets never served: {set(self.assets) - set(self.served)}"


def _hover_middle(w: Watched, name: str) -> str:
    """Move the mouse over the middle of a chart's plot area; the text of Plotly's hover box."""
    box = w.chart(name).locator(".nsewdrag").first.bounding_box()
    w.page.mouse.move(box["x"] + box["width"] * 0.04, box["y"] + box["height"] * 0.5)
    hover = w.chart(name).locator(".hoverlayer")
    w.page.wait_for_function("el => el.textContent.length > 0", arg=hover.element_handle(), timeout=10_000)
    return str(hover.text_content())


def test_the_workbench_in_a_browser(server: str, tmp_path: Path) -> None:
    """Step, play and pause; hover a chart and read a value that its CSV holds; a lever and a reference run
    applied beside the notice; the TOML and the watched months downloaded and loadable; the address reopens
    the same state with its ghost lines; a scenario file loaded; readable at 1024 px; offline, no console error."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            w = Watched(browser)
            page = w.page
            w.open(server)
            assert page.title() == "ecosim — the Musk-ecosystem flywheel, month by month"
            assert w.now().startswith("2026-01 (not started)")
            for month in (1, 2, 3):
                w.step(month)
            page.wait_for_function("document.querySelector('.ecosim-now h2').innerText === '2026-03'", timeout=30_000)
            assert re.search(r"Month 3 of 180", w.now())

            page.get_by_role("button", name="▶").click()  # play a few months, then pause
            page.wait_for_function("parseInt(document.body.innerText.match(/Step: (\\d+)/)[1]) >= 14", timeout=60_000)
            page.get_by_role("button", name="❚❚").click()
            page.get_by_role("button", name="▶").wait_for(timeout=10_000)  # paused at once (charts are drawn at a pace that leaves the page free)
            months = int(re.search(r"Step: (\d+)", page.inner_text("body")).group(1))  # type: ignore[union-attr]
            page.wait_for_function(f"document.querySelector('.ecosim-link code').innerText.endsWith('month={months}')", timeout=30_000)
            time.sleep(1.5)  # the paced charts catch up with the last month

            # hover: Plotly's box gives the month and each line's value, as the chart's CSV holds it
            text = _hover_middle(w, "launches")
            name, data = w.download(".csv-launches")
            assert name == "ecosim-launches.csv"
            csv = pd.read_csv(io.BytesIO(data))
            assert len(csv) == months and list(csv.columns[:3]) == ["date", "Falcon 9/Heavy [launches/yr]", "Starship [launches/yr]"]
            shown = re.match(r"([A-Z][a-z]{2} \d{4}).*Starship: ([\d.,]+ launches/yr)", text)  # e.g. "Aug 2026 ... Starship: 28.50 launches/yr"
            assert shown, text
            date = time.strftime("%Y-%m", time.strptime(shown.group(1), "%b %Y"))
            row = csv[csv["date"] == date]
            assert hover_texts(row["Starship [launches/yr]"].to_numpy(), "launches/yr") == [shown.group(2)]

            # a lever moved, a reference run chosen; applied with the button beside the notice
            lever = page.locator(".lever-launch-starship-cost_progress_ratio [role=slider]")
            lever.focus()
            for _ in range(10):
                page.keyboard.press("ArrowLeft")
            page.locator(".ecosim-pending").wait_for(timeout=30_000)
            page.locator(".ecosim-reference").click()
            page.get_by_role("option", name="this scenario as loaded (before levers and cuts)").click()
            assert "Not applied yet" in page.locator(".ecosim-pending").inner_text()
            page.locator(".ecosim-apply").click()
            page.get_by_text("Step: 0", exact=True).wait_for(timeout=60_000)
            page.wait_for_function("document.querySelector('.ecosim-now').innerText.includes('Changed from the scenario')", timeout=30_000)
            assert "cost multiplier per doubling of cumulative flights 0.8 → 0.78" in w.now()
            assert "baseline as loaded" in w.now()
            for month in (1, 2):
                w.step(month)
            command = page.locator(".ecosim-command code").inner_text()
            assert command == "ecosim run baseline --set launch.starship.cost_progress_ratio=0.78"

            # the ghost: every time chart draws the reference run's dotted lines over the whole run
            page.wait_for_function("document.querySelectorAll('.ecosim-compute .scatterlayer .trace').length >= 10", timeout=30_000)
            for chart in ("launches", "compute", "data", "constellations", "value"):
                dotted = w.chart(chart).locator(".scatterlayer .js-line[style*='stroke-dasharray: 3px']")
                assert dotted.count() >= 3, chart

            # take it away: the scenario as TOML and the months watched
            name, toml = w.download(".ecosim-download-toml")
            saved = tmp_path / name
            saved.write_bytes(toml)
            assert load_scenario(saved).model.launch.starship.cost_progress_ratio == 0.78
            assert tomllib.loads(toml.decode())["scenario"]["name"] == "baseline"
            name, data = w.download(".ecosim-download-csv")
            watched = pd.read_csv(io.BytesIO(data))
            assert name == "baseline-watched.csv" and list(watched["date"]) == ["2026-01", "2026-02"]

            # the address is a link to this state
            address = w.address()
            assert "set=launch.starship.cost_progress_ratio%3D0.78" in address and "ref=%40scenario" in address and address.endswith("month=2")
            again = Watched(browser)
            again.open(address)
            again.page.get_by_text("Step: 2", exact=True).wait_for(timeout=60_000)
            assert "cost multiplier per doubling of cumulative flights 0.8 → 0.78" in again.now() and "baseline as loaded" in again.now()
            assert again.now().startswith("2026-02")
            again.page.wait_for_function("document.querySelectorAll('.ecosim-compute .scatterlayer .trace').length >= 10", timeout=30_000)
            again.check_clean()

            # a scenario file loaded in the page
            mine = tmp_path / "my_case.toml"
            mine.write_text('extends = "baseline"\n[scenario]\nname = "my_case"\ndescription = "baseline with a higher PV floor"\n[pv]\nprice_usd_per_w_floor = 0.2\n')
            page.locator(".ecosim-file-load input[type=file]").set_input_files(str(mine))
            page.locator(".ecosim-pending").filter(has_text="scenario my_case.toml").wait_for(timeout=30_000)
            page.locator(".ecosim-apply").click()
            page.get_by_text("Step: 0", exact=True).wait_for(timeout=60_000)
            page.wait_for_function("document.querySelector('.ecosim-now').innerText.includes('my_case.toml')", timeout=30_000)
            assert page.locator(".ecosim-command code").inner_text() == "ecosim run my_case.toml"

            shot = tmp_path / "ecosim-viz.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 50_000
            w.check_clean()

            # 1024 px: the charts stack in one column beside the sidebar, nothing wider than the window
            narrow = Watched(browser, width=1024, height=1400)
            narrow.open(server)
            boxes = [narrow.page.locator(f".ecosim-{c}").bounding_box() for c in ("launches", "compute")]
            assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1  # one under the other
            assert all(b["width"] >= 460 and b["x"] + b["width"] <= 1024 for b in boxes)
            narrow.check_clean()
            if os.environ.get("ECOSIM_VIZ_SCREENSHOT"):  # refresh docs/viz.png on purpose: month 96 of a changed baseline, with its ghost
                shown = Watched(browser, width=1500, height=2700)
                shown.open(server + "?scenario=baseline&set=launch.starship.cost_progress_ratio%3D0.7&ref=%40scenario&month=96")
                shown.page.get_by_text("Step: 96", exact=True).wait_for(timeout=90_000)
                time.sleep(3)  # the paced charts draw the month
                shown.page.screenshot(path=os.environ["ECOSIM_VIZ_SCREENSHOT"])
        finally:
            browser.close()
