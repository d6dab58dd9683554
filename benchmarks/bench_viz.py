"""How fast the browser view plays: months per second with every panel drawn.

Goal (issue 7): at least 5 months per second on the development machine. Four measurements,
from the model alone to the page played in a real browser:

1. model      LiveModel.step only
2. panels     a month stepped, then all six charts drawn as PNG (blitting), in this process;
              the same with a full redraw of every figure, for the speed-up of blitting
3. page       the whole Solara page rendered in this process, Mesa's Step clicked (adds
              Solara's re-rendering of the page and widget updates)
4. browser    `ecosim viz` played in headless Chromium (Debian's /usr/bin/chromium) for
              --seconds at Mesa's settings: default (render every month), "Use Threads"
              (the model steps while the page draws the latest month), render interval 3;
              frames/s counts the launches chart images the browser actually received

The machine is shared: the load average is printed with the figures.

Usage: python benchmarks/bench_viz.py [--scenario baseline] [--seconds 15] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

GOAL = 5.0  # months per second
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def bench_model(scenario: str) -> float:
    from ecosim.viz.levers import Settings
    from ecosim.viz.live import LiveModel

    model = LiveModel(Settings.of(scenario))
    t0 = time.perf_counter()
    while model.running:
        model.step()
    return model.steps / (time.perf_counter() - t0)


def bench_panels(scenario: str, full: bool) -> tuple[float, dict[str, float], dict[str, int]]:
    from ecosim.viz.canvas import LiveFigure
    from ecosim.viz.levers import Settings
    from ecosim.viz.live import LiveModel
    from ecosim.viz.panels import PANELS, ChartPanel

    LiveFigure.always_full = full
    try:
        model = LiveModel(Settings.of(scenario))
        charts = [p for p in PANELS if isinstance(p, ChartPanel)]
        spent = {p.name: 0.0 for p in charts}
        t0 = time.perf_counter()
        while model.running:
            model.step()
            for panel in charts:
                t = time.perf_counter()
                panel.render(model)
                spent[panel.name] += time.perf_counter() - t
        rate = model.steps / (time.perf_counter() - t0)
        per_month = {k: 1000 * v / model.steps for k, v in spent.items()}
        redraws = {k: model.figures[k]["live"].full_draws for k in spent}
        return rate, per_month, redraws
    finally:
        LiveFigure.always_full = False


def bench_page(scenario: str, months: int) -> float:
    import ipyvuetify as vw
    import solara

    from ecosim.viz.page import EcosimPage

    _, rc = solara.render(solara.AppLayout(children=[EcosimPage(scenario)]), handle_error=False)
    step = rc.find(vw.Btn, children=["Step"]).widget
    step.click()
    t0 = time.perf_counter()
    for _ in range(months):
        step.click()
    rate = months / (time.perf_counter() - t0)
    rc.close()
    return rate


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WATCH_IMAGES = """() => {
  if (window.__watch) { window.__watch.disconnect(); }
  window.__frames = 0;
  const img = document.querySelector('img.ecosim-launches');
  window.__watch = new MutationObserver(() => { window.__frames += 1; });
  window.__watch.observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def bench_browser(scenario: str, seconds: float) -> list[tuple[str, float, float]]:
    from playwright.sync_api import sync_playwright

    from ecosim.scenario import load_scenario
    from ecosim.timeline import parse_month

    meta = load_scenario(scenario).model.scenario
    months = parse_month(meta.end_month) - parse_month(meta.start_month) + 1

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen([sys.executable, "-m", "ecosim.cli", "viz", "--port", str(port), "--scenario", scenario], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    results = []
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"ecosim viz did not start: {proc.stderr.read() if proc.stderr else ''}") from None
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1300})
            page.goto(url)
            page.get_by_text("Step: 0", exact=True).wait_for(timeout=60_000)

            def steps() -> int:
                return int(re.search(r"Step: (\d+)", page.inner_text("body")).group(1))  # type: ignore[union-attr]

            for mode in ("default: render every month", "Use Threads", "render interval 3"):
                if mode == "Use Threads":
                    page.get_by_text("Use Threads").click()
                if mode == "render interval 3":
                    page.get_by_text("Use Threads").click()  # back off
                    slider = page.get_by_role("slider").nth(1)
                    slider.focus()
                    page.keyboard.press("ArrowRight")  # 1 -> 3 (Mesa's step is 2)
                page.evaluate(WATCH_IMAGES)
                page.get_by_role("button", name="▶").click()
                time.sleep(1.0)
                s0, f0, t0 = steps(), page.evaluate("window.__frames"), time.monotonic()
                s1, f1, t1 = s0, f0, t0
                while time.monotonic() - t0 < seconds and s1 < months - 40:  # stop well before the run ends
                    time.sleep(0.25)
                    s1, f1, t1 = steps(), page.evaluate("window.__frames"), time.monotonic()
                pause = page.get_by_role("button", name="❚❚")
                if pause.count() and pause.is_enabled():
                    pause.click()
                if s1 == s0:  # did not play: say why (Mesa shows step errors in an alert)
                    alerts = page.locator(".v-alert").all_inner_texts()
                    raise RuntimeError(f"{mode}: the page did not play (Step: {s0}); alerts: {alerts}")
                results.append((mode, (s1 - s0) / (t1 - t0), (f1 - f0) / (t1 - t0)))
                time.sleep(1.0)
                page.get_by_role("button", name="Reset").click()
                page.get_by_text("Step: 0", exact=True).wait_for(timeout=60_000)
            browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--seconds", type=float, default=10.0, help="longest play time per browser setting")
    parser.add_argument("--page-months", type=int, default=60, help="months clicked in the in-process page")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)

    print(f"ecosim viz benchmark — scenario {args.scenario}; {load()}")
    model = bench_model(args.scenario)
    print(f"1 model only                              {model:8.1f} months/s")
    blit, per_panel, redraws = bench_panels(args.scenario, full=False)
    full, per_panel_full, _ = bench_panels(args.scenario, full=True)
    print(f"2 model + 6 charts drawn (blitting)       {blit:8.1f} months/s")
    print(f"  model + 6 charts, full redraw each month {full:7.1f} months/s  (blitting x{blit / full:.1f})")
    print("  drawing per month [ms], blitting / full redraw; static redraws in the run:")
    for name, ms in per_panel.items():
        print(f"    {name:<15} {ms:6.1f} / {per_panel_full[name]:6.1f}   {redraws[name]:3d}")
    page = bench_page(args.scenario, args.page_months)
    print(f"3 whole page in process, Step clicked     {page:8.1f} months/s")
    if args.no_browser:
        print("4 browser: skipped (--no-browser)")
    elif not CHROMIUM.exists():
        print(f"4 browser: skipped ({CHROMIUM} not found)")
    else:
        for mode, rate, frames in bench_browser(args.scenario, args.seconds):
            print(f"4 browser, {mode:<30} {rate:6.1f} months/s, {frames:5.1f} frames/s drawn")
    print(f"goal: >= {GOAL:g} months/s with every panel drawn; {load()}")


if __name__ == "__main__":
    main()
