"""``report.html`` as a reader sees it: opened from disk with the network cut, the headline first,
every chart interactive with its data embedded (in the chart and as a CSV download)."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.chromium import CHROMIUM, CHROMIUM_ARGS, keep_local, needs_chromium
from tests.conftest import Report


@pytest.fixture(scope="module")
def single_report(baseline_report: Report) -> Path:
    """`ecosim report RUN_DIR` (`ecosim compare` of one run directory): the single-run report."""
    return baseline_report.out / "report.html"


def test_single_run_report_opens_with_the_headline(single_report: Path) -> None:
    """The first thing after the title is the headline: the value against each mark, like for like (104 % of the $1.25T merger mark)."""
    text = single_report.read_text(encoding="utf-8")
    after_title = text.split("</h1>", 1)[1].lstrip()
    assert after_title.startswith('<div class="headline">')
    first = re.sub(r"<[^>]+>", "", after_title.split("</p>", 1)[0])
    assert re.search(r"baseline — SpaceX\+xAI's equity value on this run's cash flows is \$[\d.]+[BT] at the start of 2026", first)
    assert "of the $1.25T merger mark (2026-02; " in first and "of the $1.75T IPO pricing talk mark" in first and "like for like" in first


def test_every_chart_embeds_its_data_as_csv(single_report: Path) -> None:
    """Each chart carries a CSV download (a data: URI) whose rows are the numbers drawn."""
    text = single_report.read_text(encoding="utf-8")
    charts = re.findall(r'<div class="chart" data-chart="([^"]+)">', text)
    links = re.findall(r'download="([^"]+)\.csv" href="data:text/csv;base64,([^"]+)"', text)
    assert charts and [c for c, _ in links] == charts
    for name, data in links:
        table = pd.read_csv(io.StringIO(base64.b64decode(data).decode("utf-8")))
        assert len(table) > 0, name
    launch = pd.read_csv(io.StringIO(base64.b64decode(dict(links)["series_launch"]).decode("utf-8")))
    assert set(launch["panel"]) == {"SpaceX launches", "Starship launches", "SpaceX cost to LEO"}
    assert (launch.groupby("panel").size() == 180).all()  # every month of the run, each panel


@pytest.mark.parametrize("_", [pytest.param(None, marks=needs_chromium)])
def test_report_is_interactive_offline(single_report: Path, _: None) -> None:
    """Opened from disk with every network request blocked: plotly draws every chart from its
    embedded data, hovering a line shows its value, and nothing asks the network."""
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            requested = keep_local(page, ("file://", "data:", "blob:"))
            page.goto(single_report.as_uri())
            page.wait_for_function("document.querySelectorAll('.chart .plotly-graph-div .main-svg').length > 0", timeout=30_000)
            points = page.evaluate(
                "Array.from(document.querySelectorAll('.plotly-graph-div')).map(g => "
                "g.data.reduce((n, t) => n + ((t.x && t.x.length) || 0), 0))"
            )
            assert len(points) == page.locator(".chart").count() and min(points) > 0, points
            chart = page.locator("#chart-series_launch")
            chart.scroll_into_view_if_needed()
            box = chart.locator(".nsewdrag").first.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
            page.wait_for_function("document.querySelector('#chart-series_launch .hoverlayer').textContent.length > 0", timeout=10_000)
            readout = page.evaluate("document.querySelector('#chart-series_launch .hoverlayer').textContent")
            assert re.search(r"baseline: \d", readout), readout
            assert chart.locator(".modebar").count() == 1  # zoom, pan, PNG export
        finally:
            browser.close()
    assert requested == [], f"the report asked the network for {requested}"
    assert errors == [], errors
