"""The panels of the browser view, each a function ``(model, frame) -> element``.

Every panel draws one :class:`~ecosim.viz.live.Frame` of a :class:`~ecosim.viz.live.LiveModel`:
the month shown (the latest, or the one the time slider went back to) and its flows, so what it
draws is consistent even while the next month is being computed. Time charts span the whole
run on their x axis, so lines grow from the left as the months go by.

=================  ==============================================================
panel              shows
=================  ==============================================================
``now``            the month, the scenario, what was changed, headline numbers
``launches``       launches per year (Falcon, Starship, New Glenn) and cost per kg
``compute``        AI compute by source: orbital (SpaceX, others) vs terrestrial
``data``           real-world data reaching xAI by source
``constellations`` Starlink vs Kuiper: satellites and subscribers
``value``          narrative mark vs perfect-foresight DCF vs run-rate value
``scorecard``      the narrative scorecard so far (:mod:`ecosim.viz.scorecard`)
``network``        the exchange network of the month (:mod:`ecosim.viz.network`)
=================  ==============================================================

The charts are interactive (:mod:`ecosim.viz.charts`): hover, zoom, legend toggles, their
numbers as CSV, and the reference run's ghost. Adding a panel: write a chart (an object
with ``name``, ``title``, ``explain``, ``full_width``, ``figure(model, frame)`` and
``table(model, frame)``) and append ``chart_panel(chart)`` to :data:`PANELS`, or any function
``(model, frame) -> solara element``.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import numpy as np
import solara

from ecosim.report.compute_sources import COMPUTE_SOURCES
from ecosim.timeline import trailing_twelve_months
from ecosim.viz.charts import HEIGHT, LINE_PANELS, PlotlyChart, ValueChart, figure_json
from ecosim.viz.glossary import gloss
from ecosim.viz.levers import format_value
from ecosim.viz.live import Frame, LiveModel, run_rate_value
from ecosim.viz.network import NetworkChart
from ecosim.viz.scorecard import scorecard_panel

Panel = Callable[[LiveModel, Frame], Any]


def _per_year(monthly: np.ndarray) -> np.ndarray:
    """A monthly flow as a rate per year: its trailing-12-month total (the months so far
    annualised before the twelfth)."""
    return trailing_twelve_months(monthly, partial="annualise")


def compute_by_source(model: LiveModel, frame: Frame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(x, series [EFLOP/s]) of AI compute by source (:data:`~ecosim.report.compute_sources.COMPUTE_SOURCES`:
    Google's ground line leaves out its Suncatcher satellites, which count in orbit)."""
    names = list(dict.fromkeys(m for src in COMPUTE_SOURCES for m in src.metrics))
    x, values = model.history(frame, *names)
    got = dict(zip(names, values, strict=True))
    return x, {src.label: src.values(got.__getitem__) for src in COMPUTE_SOURCES}


def orbital_share(model: LiveModel, frame: Frame) -> float:
    """Share of the modelled AI compute that runs in orbit in the frame's month [fraction]."""
    if not frame.steps:
        return 0.0
    _, series = compute_by_source(model, frame)
    last = {src: float(series[src.label][-1]) for src in COMPUTE_SOURCES}
    orbital = sum(v for src, v in last.items() if src.orbital)
    total = sum(last.values())
    return orbital / total if total > 0 else 0.0


def now_cells(model: LiveModel, frame: Frame) -> list[tuple[str, str]]:
    """The headline numbers of the frame's month: (what, value with its unit)."""
    _, (launch, cost, subs, odc_gw, cap, fcf, mark) = model.history(
        frame, "spacex_launches", "launch_cost_usd_per_kg", "starlink_subscribers", "odc_power_gw",
        "xai_capability_index", "spacex_fcf_usd", "spacex_mark_usd",
    )
    v = model.valuation
    years, values = v.known_at(frame.steps, model.start_month)
    dcf = f"{format_value(values[-1])} USD (start of {years[-1]:.0f})" if values else (v.note or "—")
    return [
        ("SpaceX launches", f"{format_value(float(_per_year(launch)[-1]))} /yr"),
        ("cost to LEO", f"{format_value(float(cost[-1]))} USD/kg"),
        ("Starlink subscribers", format_value(float(subs[-1]))),
        ("ODC power", f"{float(odc_gw[-1]):.2f} GW"),
        ("xAI capability index", format_value(float(cap[-1]))),
        ("SpaceX FCF (pre-tax, trailing 12 months)", f"{format_value(float(_per_year(fcf)[-1]))} USD/yr"),
        ("orbital share of modelled AI compute", f"{100 * orbital_share(model, frame):.2g}%"),
        ("narrative mark (the story's price)", f"{format_value(float(mark[-1]))} USD"),
        ("DCF of this run's after-tax FCF (perfect foresight)", dcf),
        ("run-rate value (trailing 12 months' after-tax FCF as a perpetuity)", f"{format_value(run_rate_value(fcf, v.wacc, v.terminal_growth, v.tax_rate))} USD"),
    ]


def now_panel(model: LiveModel, frame: Frame) -> Any:
    """The month shown, the scenario and its changes, and that month's headline numbers."""
    meta = model.scenario.scenario
    back = frame.steps < model.frame.steps
    parts = [f"<h2 style='margin: 0 0 4px 0'>{escape(frame.date or meta.start_month + ' (not started)')}</h2>"]
    where = f"Month {frame.steps} of {model.n_steps}" + (f" (looking back; the run is at month {model.frame.steps})" if back else "")
    parts.append(f"<div>{where} · <b>{escape(model.settings.scenario_label)}</b> — {escape(meta.description)} · {gloss('seed')} {model.seed_value}</div>")
    if model.seed_note:
        parts.append(f"<div style='color: #b26a00'>{escape(model.seed_note)}</div>")
    changes = model.settings.describe()
    if changes:
        parts.append("<div>Changed from the scenario: " + "; ".join(escape(c) for c in changes) + "</div>")
    if model.reference is not None:
        parts.append(f"<div>{gloss('Reference run')} (ghost lines): <b>{escape(model.reference.label)}</b></div>")
    if frame.steps:
        rows = "".join(f"<tr><td style='padding: 1px 12px 1px 0'>{gloss(k)}</td><td style='text-align: right'><b>{escape(v)}</b></td></tr>" for k, v in now_cells(model, frame))
        parts.append(f"<table style='margin-top: 6px; font-size: 0.9rem'>{rows}</table>")
        if not model.running and not back:
            parts.append(f"<div style='margin-top: 6px'><b>End of the run ({escape(meta.end_month)}).</b> Reset to start again.</div>")
    return solara.HTML(tag="div", unsafe_innerHTML="".join(parts), classes=["ecosim-panel", "ecosim-now"], style="padding: 8px; font-size: 0.95rem")


now_panel.full_width = False  # type: ignore[attr-defined]


@solara.component
def ChartCard(chart: Any, model: LiveModel, frame: Frame) -> None:
    """A titled panel: its one-line explanation, the interactive chart and a CSV download."""
    split = hasattr(chart, "ghost_traces")
    figure = chart.figure(model, frame, ghost_lines=False) if split else chart.figure(model, frame)
    key = f"ghost-json-{chart.name}"
    if key not in model.cache:  # the reference run's traces never change: made and sent once
        model.cache[key] = figure_json(chart.ghost_traces(model)) if split else "[]"
    ghost: str = model.cache[key]
    height = int(getattr(chart, "height", HEIGHT))
    with solara.Column(gap="2px", classes=["ecosim-panel", "ecosim-chart", f"ecosim-{chart.name}"], style={"padding": "6px", "border": "1px solid #e3e3e3", "min-width": "0"}):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{escape(chart.title)}</b><div style='font-size: 0.8rem; color: #555'>{gloss(chart.explain)}</div>")
        PlotlyChart(figure=figure_json(figure), ghost=ghost, height=height)
        with solara.Div(classes=[f"csv-{chart.name}"]):
            solara.FileDownload(model.kept(f"csv-{chart.name}", lambda: chart.table(model, model.shown_frame).to_csv(index=False)),
                                filename=f"ecosim-{chart.name}.csv", label="Download the chart's data (CSV)", mime_type="text/csv")


def chart_panel(chart: Any) -> Panel:
    """A page panel drawing ``chart`` (a :class:`~ecosim.viz.charts.LinePanel`,
    :class:`~ecosim.viz.charts.ValueChart`, :class:`~ecosim.viz.network.NetworkChart`)."""

    def panel(model: LiveModel, frame: Frame) -> Any:
        return ChartCard(chart, model, frame)

    panel.__name__ = f"{chart.name}_panel"
    panel.full_width = chart.full_width  # type: ignore[attr-defined]
    panel.chart = chart  # type: ignore[attr-defined]
    return panel


#: The charts of the page, in order.
CHARTS: tuple[Any, ...] = (*LINE_PANELS, ValueChart(), NetworkChart())

#: The panels in page order; every one is ``(model, frame) -> solara element``.
PANELS: list[Panel] = [
    now_panel,
    *[chart_panel(c) for c in LINE_PANELS],
    chart_panel(CHARTS[-2]),
    scorecard_panel,
    chart_panel(CHARTS[-1]),
]
