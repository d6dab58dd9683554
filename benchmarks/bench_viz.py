"""How fast the browser view plays: months per second with every panel drawn.

Goal (issues 7 and 19): at least 5 months per second on the development machine with every
panel drawn. Four measurements, from the model alone to the page played in a real browser:

1. model      LiveModel.step only
2. panels     a month stepped, then every chart's Plotly figure built and encoded as JSON
              (what the server sends the browser), in this process
3. page       the whole Solara page rendered in this process, Mesa's Step clicked (adds
              Solara's re-rendering of the page and widget updates); also with reacton's
              default renderer, for the gain of its fast one (REACTON_FAST=1)
4. browser    `ecosim viz` played in headless Chromium (Debian's /usr/bin/chromium) for
              --seconds at Mesa's settings: default (render every month), "Use Threads"
              (the model steps while the page draws the latest month), render interval 3;
              frames/s counts the launches chart redrawn by Plotly in the browser

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
from dataclasses import replace
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


def bench_panels(scenario: str) -> tuple[float, dict[str, float]]:
    from ecosim.viz.charts import figure_json
    from ecosim.viz.levers import Settings
    from ecosim.viz.live import AS_LOADED, LiveModel
    from ecosim.viz.panels import CHARTS

    model = LiveModel(replace(Settings.of(scenario), reference=AS_LOADED))
    spent = {c.name: 0.0 for c in CHARTS}
    t0 = time.perf_counter()
    while model.running:
        model.step()
        for chart in CHARTS:
            t = time.perf_counter()
            figure_json(chart.figure(model, model.frame))
            spent[chart.name] += time.perf_counter() - t
    rate = model.steps / (time.perf_counter() - t0)
    return rate, {k: 1000 * v / model.steps for k, v in spent.items()}


def bench_page(scenario: str, months: int, fast: bool) -> float:
    """Months per second of the whole page rendered in this process (a child process, so that
    reacton's renderer can be chosen before Solara starts)."""
    code = f"""
import os, time, warnings
os.environ["REACTON_FAST"] = "{int(fast)}"
warnings.simplefilter("ignore")
import mesa.visualization
import ipyvuetify as vw
import solara
from ecosim.viz.page import EcosimPage
_, rc = solara.render(solara.AppLayout(children=[EcosimPage("{scenario}")]), handle_error=False)
step = rc.find(vw.Btn, children=["Step"]).widget
step.click()
t0 = time.perf_counter()
for _ in range({months}):
    step.click()
print({months} / (time.perf_counter() - t0))
rc.close()
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


WATCH_CHART = """() => {
  window.__frames = 0;
  const plot = document.querySelector('.ecosim-launches .ecosim-plotly');
  if (!plot.__ecosimWatched) {
    plot.on('plotly_afterplot', () => { window.__frames += 1; });
    plot.__ecosimWatched = true;
  }
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
                if mode == "render interval 3":  # Mesa's controls start afresh after a Reset (threads off)
                    slider = page.get_by_role("slider").nth(1)
                    slider.focus()
                    page.keyboard.press("ArrowRight")  # 1 -> 3 (Mesa's step is 2)
                page.locator(".ecosim-launches .ecosim-plotly .main-svg").first.wait_for(timeout=60_000)
                page.evaluate(WATCH_CHART)
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
                page.get_by_role("button", name="Reset", exact=True).click()
                page.get_by_text("Step: 0", exact=True).wait_for(timeout=60_000)
                page.locator(".ecosim-launches .ecosim-plotly .main-svg").first.wait_for(timeout=60_000)
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
    panels, per_chart = bench_panels(args.scenario)
    print(f"2 model + {len(per_chart)} charts built as JSON (ghost on)  {panels:6.1f} months/s")
    print("  building a chart per month [ms], averaged over the run:")
    for name, ms in per_chart.items():
        print(f"    {name:<15} {ms:6.1f}")
    fast = bench_page(args.scenario, args.page_months, fast=True)
    slow = bench_page(args.scenario, args.page_months // 3, fast=False)
    print(f"3 whole page in process, Step clicked     {fast:8.1f} months/s  (reacton's default renderer: {slow:.1f})")
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
