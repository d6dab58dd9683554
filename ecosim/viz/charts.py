"""Interactive charts of the browser view (Plotly, the library of the HTML reports).

Each chart panel is a titled card (:func:`ecosim.viz.panels.ChartCard`): a one-line
explanation with glossary tooltips, a Plotly chart (hover readouts, zoom, a legend whose
entries toggle their lines) and a button that downloads the chart's numbers as CSV. The chart
is drawn by :func:`PlotlyChart`, a small Vue component that loads ``plotly.min.js`` from the
installed ``plotly`` package through the page's own server (``/static/assets``, never a CDN)
and redraws with ``Plotly.react`` when the server sends the month's figure; the layout's
``uirevision`` keeps a reader's zoom and legend toggles from month to month.

A chart is an object with ``name``, ``title``, ``explain``, ``full_width`` and two methods of
``(model, frame)``: ``figure`` (a Plotly figure as plain JSON) and ``table`` (the numbers
drawn). ``frame`` is the month shown (the latest, or one the time slider went back to).

* :class:`LinePanel` — series of metrics against time, read as every command reads them
  (:mod:`ecosim.analysis.quantities`: flows as rates per year over the trailing 12 months).
* :class:`ValueChart` — the narrative mark against two values of SpaceX's cash flows.
* :mod:`ecosim.viz.network` — the exchange network.

With a reference run (:attr:`LiveModel.reference`) every time chart draws the same series of
that run as a faint dotted **ghost** over its whole span, so the two runs part visibly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
import solara.server.settings

from ecosim.report.compute_sources import COMPUTE_SOURCES, ORBITAL
from ecosim.report.interactive import FONT, axis_style, hover_texts, log_ticks, value_ticks
from ecosim.timeline import format_month, trailing_twelve_months
from ecosim.viz.live import _COLUMN, Frame, LiveModel, run_rate_values

#: height of a chart [px]
HEIGHT = 330


def _serve_plotly_js() -> None:
    """Let the page's server hand out plotly.min.js from the installed plotly package."""
    import plotly

    where = str(Path(plotly.__file__).parent / "package_data")
    if where not in solara.server.settings.assets.extra_locations:
        solara.server.settings.assets.extra_locations.append(where)


_serve_plotly_js()


@solara.component_vue("plotly_chart.vue")
def PlotlyChart(figure: str, ghost: str = "[]", height: int = HEIGHT) -> None:
    """A Plotly figure drawn in the browser: ``figure`` is the JSON text of ``{data, layout}``
    (:func:`figure_json`), ``ghost`` the JSON list of traces drawn after its data (the
    reference run's, sent once: they do not change from month to month)."""


def figure_json(figure: dict[str, Any] | list[dict[str, Any]]) -> str:
    """A figure as compact JSON text (strict: NaN must already be None).

    >>> figure_json({"data": [{"y": [1.0, None]}], "layout": {}})
    '{"data":[{"y":[1.0,null]}],"layout":{}}'
    """
    return json.dumps(figure, separators=(",", ":"), allow_nan=False)


def month_dates(start_month: int, n: int) -> list[str]:
    """``YYYY-MM`` of ``n`` months from ``start_month`` (an absolute month number).

    >>> month_dates(2026 * 12, 3)
    ['2026-01', '2026-02', '2026-03']
    """
    return [format_month(start_month + i) for i in range(n)]


def clean(v: Any) -> list[float | None]:
    """Values as JSON numbers to 6 significant digits (what a chart can show; the CSV keeps
    every digit), NaN and infinities as gaps.

    >>> clean([1.0, float("nan"), 2, 1234.56789])
    [1.0, None, 2.0, 1234.57]
    """
    return [float(f"{x:.6g}") if np.isfinite(x) else None for x in np.asarray(v, dtype=float)]


def base_layout(name: str, height: int = HEIGHT, right: bool = False) -> dict[str, Any]:
    """The page's chart layout: titles on the card (not in the chart), legend above the plot,
    one hover box per date, the reader's zoom and toggles kept (``uirevision``)."""
    return {
        "template": "none", "height": height, "margin": {"l": 64, "r": 64 if right else 16, "t": 8, "b": 36},
        "font": {"family": FONT, "size": 12}, "hovermode": "x unified", "uirevision": name, "showlegend": True,
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
        "xaxis": {**axis_style(), "type": "date"},
    }


def _cursor(date: str) -> dict[str, Any]:
    """A vertical line at the month shown."""
    return {"type": "line", "xref": "x", "yref": "paper", "x0": f"{date}-15", "x1": f"{date}-15", "y0": 0, "y1": 1,
            "line": {"color": "#888", "width": 1, "dash": "dash"}}


def _line(name: str, x: Sequence[str], y: np.ndarray, unit: str, colour: str, width: float, dash: str, axis: int = 1,
          ghost: str = "") -> dict[str, Any]:
    """A line trace; a ghost (``ghost`` = the reference run's label) is faint, dotted and
    shares the legend entry of its line."""
    trace: dict[str, Any] = {"type": "scatter", "mode": "lines", "name": f"{name} — {ghost}" if ghost else name, "x": list(x), "y": clean(y),
             "legendgroup": name, "yaxis": "y2" if axis == 2 else "y", "customdata": hover_texts(y, unit),
             "line": {"color": colour, "width": 1.4 if ghost else width, "dash": "dot" if ghost else dash},
             "hovertemplate": (f"{ghost} (reference): " if ghost else "") + f"{name}: %{{customdata}}<extra></extra>"}
    if ghost:
        trace.update({"showlegend": False, "opacity": 0.5})
    return trace


@dataclass(frozen=True)
class Series:
    """One line: a metric (or several added), how it is read, its label, colour and style.

    ``rate``: a monthly flow shown as its trailing-12-month total (a rate per year; the first
    months annualised). ``scale`` multiplies the values (1e-6: millions). ``axis``: 1 the left
    axis, 2 the right one. ``minus``: metrics subtracted (never below zero).
    """

    label: str
    metrics: tuple[str, ...]
    colour: str
    rate: bool = False
    dash: str = "solid"
    width: float = 2.2
    axis: int = 1
    scale: float = 1.0
    minus: tuple[str, ...] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        """Every metric the line reads: those added and those subtracted."""
        return self.metrics + self.minus


@dataclass(frozen=True)
class LinePanel:
    """A titled chart of metrics against time."""

    name: str
    title: str
    explain: str
    unit: str
    series: tuple[Series, ...]
    log: bool = False
    unit2: str = ""
    log2: bool = False
    full_width: bool = False

    def values(self, series: dict[str, np.ndarray], n: int) -> list[np.ndarray]:
        """Each line's values over the first ``n`` months of ``series`` (metric -> (months,))."""
        out = []
        for s in self.series:
            v = np.sum([np.asarray(series[m][:n], dtype=float) for m in s.metrics], axis=0) if n else np.zeros(0)
            if s.minus and n:
                v = np.maximum(v - np.sum([np.asarray(series[m][:n], dtype=float) for m in s.minus], axis=0), 0.0)
            if s.rate and n:
                v = trailing_twelve_months(v, partial="annualise")
            out.append(v * s.scale)
        return out

    def _watched(self, model: LiveModel, n: int) -> list[np.ndarray]:
        metrics = {m for s in self.series for m in s.reads}
        return self.values({m: model.values[:n, _COLUMN[m]] for m in metrics}, n)

    def _ghost(self, model: LiveModel) -> tuple[str, list[str], list[np.ndarray]] | None:
        ref = model.reference
        if ref is None:
            return None
        key = f"ghost-{self.name}"
        if key not in model.cache:  # the reference never changes during a model's life
            metrics = {m for s in self.series for m in s.reads}
            n = len(ref.results.months)
            model.cache[key] = (ref.label, list(ref.results.months), self.values({m: ref.results.series[m][:, 0] for m in metrics}, n))
        cached: tuple[str, list[str], list[np.ndarray]] = model.cache[key]
        return cached

    def ghost_traces(self, model: LiveModel) -> list[dict[str, Any]]:
        """The reference run's lines (none without a reference run)."""
        ghost = self._ghost(model)
        if ghost is None:
            return []
        label, gdates, gvalues = ghost
        return [_line(s.label, gdates, v, self.unit2 if s.axis == 2 else self.unit, s.colour, s.width, s.dash, s.axis, ghost=label)
                for s, v in zip(self.series, gvalues, strict=True)]

    def figure(self, model: LiveModel, frame: Frame, ghost_lines: bool = True) -> dict[str, Any]:
        """The figure of the months up to ``frame``, and the reference's ghost over its whole run
        (``ghost_lines`` False: its traces left out, the axes still spanning them; the page sends
        them once, as they never change)."""
        n = frame.steps
        dates = month_dates(model.start_month, n)
        values = self._watched(model, n)
        ghost = self._ghost(model)
        data = []
        for s, v in zip(self.series, values, strict=True):
            data.append(_line(s.label, dates, v, self.unit2 if s.axis == 2 else self.unit, s.colour, s.width, s.dash, s.axis))
        if ghost_lines:
            data += self.ghost_traces(model)
        layout = base_layout(self.name, right=bool(self.unit2))
        layout["xaxis"]["range"] = [f"{format_month(model.start_month)}-01", f"{format_month(model.end_month)}-28"]
        for axis, unit, log in ((1, self.unit, self.log), (2, self.unit2, self.log2)):
            if not unit:
                continue
            drawn = [v for s, v in zip(self.series, values, strict=True) if s.axis == axis]
            if ghost is not None:
                drawn += [v for s, v in zip(self.series, ghost[2], strict=True) if s.axis == axis]
            everything = np.concatenate(drawn) if drawn else np.zeros(0)
            style = {**axis_style(log, unit), **(log_ticks if log else value_ticks)(everything, unit), "title": {"text": unit, "font": {"size": 11}}}
            if axis == 2:
                style.update({"overlaying": "y", "side": "right", "showgrid": False})
            layout["yaxis" if axis == 1 else "yaxis2"] = style
        if frame.steps < model.frame.steps and frame.date:
            layout["shapes"] = [_cursor(frame.date)]
        return {"data": data, "layout": layout}

    def table(self, model: LiveModel, frame: Frame) -> pd.DataFrame:
        """The chart's numbers, one row per month watched, a column per line (with its unit);
        the reference run's lines follow, named after it."""
        n = frame.steps
        cols: dict[str, Any] = {"date": month_dates(model.start_month, n)}
        for s, v in zip(self.series, self._watched(model, n), strict=True):
            cols[f"{s.label} [{self.unit2 if s.axis == 2 else self.unit}]"] = v
        df = pd.DataFrame(cols)
        ghost = self._ghost(model)
        if ghost is not None:
            label, gdates, gvalues = ghost
            gcols = {"date": gdates, **{f"{s.label} [{self.unit2 if s.axis == 2 else self.unit}] — {label}": v for s, v in zip(self.series, gvalues, strict=True)}}
            df = df.merge(pd.DataFrame(gcols), on="date", how="outer")
        return df


MARK = "#7f7f7f"
VALUE = "#009E73"


@dataclass(frozen=True)
class ValueChart:
    """SpaceX (+xAI): the narrative mark against the perfect-foresight DCF and the run-rate
    value of the run's own cash flows [USD]."""

    name: str = "value"
    title: str = "What SpaceX (+xAI) is worth: the narrative mark against its cash flows"
    explain: str = ("The narrative mark is the story's price, not a forecast of value: compare it with the DCF of this run's after-tax FCF "
                    "(perfect foresight, shown as each year is reached) and the run-rate value of the cash flows so far.")
    full_width: bool = False
    unit: str = "USD"

    LABELS = ("narrative mark (the story's price)", "DCF of this run's after-tax FCF (perfect foresight)", "run-rate value (trailing 12 months' FCF as a perpetuity)")

    @staticmethod
    def _lines(months: Sequence[str], mark: np.ndarray, fcf: np.ndarray, valuation: Any, upto: int) -> list[tuple[list[str], np.ndarray]]:
        """(x, y) of the mark, the DCF revealed up to month ``upto`` (held flat to it) and the run-rate value."""
        months = list(months)[:upto]
        rate = run_rate_values(fcf[:upto], valuation.wacc, valuation.terminal_growth, valuation.tax_rate)
        dx: list[str] = []
        dy: list[float] = []
        for y, v in zip(valuation.years, valuation.value_usd, strict=False):
            if f"{y}-01" in months:
                dx.append(f"{y}-01")
                dy.append(v)
        if dx and months and dx[-1] != months[-1]:
            dx.append(months[-1])
            dy.append(dy[-1])
        return [(months, mark[:upto]), (dx, np.asarray(dy, dtype=float)), (months, rate)]

    def _ghost(self, model: LiveModel) -> tuple[str, list[tuple[list[str], np.ndarray]]] | None:
        ref = model.reference
        if ref is None:
            return None
        key = "ghost-value"
        if key not in model.cache:
            r = ref.results
            n = len(r.months)
            model.cache[key] = (ref.label, self._lines(r.months, r.series["spacex_mark_usd"][:, 0], r.series["spacex_fcf_usd"][:, 0], ref.valuation, n))
        cached: tuple[str, list[tuple[list[str], np.ndarray]]] = model.cache[key]
        return cached

    def _watched(self, model: LiveModel, n: int) -> list[tuple[list[str], np.ndarray]]:
        months = month_dates(model.start_month, n)
        return self._lines(months, model.values[:n, _COLUMN["spacex_mark_usd"]], model.values[:n, _COLUMN["spacex_fcf_usd"]], model.valuation, n)

    STYLES = ((MARK, 2.0, "dash"), (VALUE, 2.4, "solid"), (VALUE, 1.4, "dashdot"))

    def ghost_traces(self, model: LiveModel) -> list[dict[str, Any]]:
        """The reference run's mark, DCF and run-rate value (none without a reference run)."""
        ghost = self._ghost(model)
        if ghost is None:
            return []
        label, glines = ghost
        traces = [_line(name, x, y, "USD", c, w, d, ghost=label) for name, (x, y), (c, w, d) in zip(self.LABELS, glines, self.STYLES, strict=True)]
        traces[1]["line"]["shape"] = "hv"
        return traces

    def figure(self, model: LiveModel, frame: Frame, ghost_lines: bool = True) -> dict[str, Any]:
        lines = self._watched(model, frame.steps)
        data = [_line(label, x, y, "USD", c, w, d) for label, (x, y), (c, w, d) in zip(self.LABELS, lines, self.STYLES, strict=True)]
        data[1].update({"mode": "lines+markers", "line": {**data[1]["line"], "shape": "hv"}, "marker": {"size": 6}})
        drawn = [y for _, y in lines]
        ghost = self._ghost(model)
        if ghost is not None:
            drawn += [y for _, y in ghost[1]]
        if ghost_lines:
            data += self.ghost_traces(model)
        layout = base_layout(self.name)
        layout["xaxis"]["range"] = [f"{format_month(model.start_month)}-01", f"{format_month(model.end_month)}-28"]
        v = model.valuation
        note = f"after {100 * v.tax_rate:.0f}% tax; WACC {100 * v.wacc:.2f}%, terminal growth {100 * v.terminal_growth:.1f}%" + (f"; {v.note}" if v.note else "")
        layout["yaxis"] = {**axis_style(False, "USD"), **value_ticks(np.concatenate(drawn) if drawn else np.zeros(0), "USD"), "title": {"text": "USD", "font": {"size": 11}},
                           "zeroline": True, "zerolinecolor": "#444"}
        layout["annotations"] = [{"text": note, "xref": "paper", "yref": "paper", "x": 1, "y": 0, "xanchor": "right", "yanchor": "bottom",
                                  "showarrow": False, "font": {"size": 10, "color": "#555"}}]
        if frame.steps < model.frame.steps and frame.date:
            layout["shapes"] = [_cursor(frame.date)]
        return {"data": data, "layout": layout}

    def table(self, model: LiveModel, frame: Frame) -> pd.DataFrame:
        """Month by month: the mark, the DCF at the start of each year reached (January rows) and the run-rate value [USD]."""
        (months, mark), (dx, dy), (_, rate) = self._watched(model, frame.steps)
        dcf = dict(zip(dx, dy, strict=True))
        return pd.DataFrame({"date": months, f"{self.LABELS[0]} [USD]": mark,
                             f"{self.LABELS[1]} [USD]": [dcf.get(m, np.nan) if m.endswith("-01") else np.nan for m in months],
                             f"{self.LABELS[2]} [USD]": rate})



#: The line panels of the page, in order.
LINE_PANELS: tuple[LinePanel, ...] = (
    LinePanel(
        "launches", "Launches and the cost to orbit",
        "Launches per year (trailing 12 months) by vehicle, and the cost to LEO for SpaceX against the price to LEO outside customers pay (right axis, log axis, USD/kg).",
        "launches/yr",
        (
            Series("Falcon 9/Heavy", ("falcon_launches",), "#0072B2", rate=True),
            Series("Starship", ("starship_launches",), ORBITAL, rate=True),
            Series("New Glenn", ("new_glenn_launches",), "#7f7f7f", rate=True),
            Series("SpaceX cost [USD/kg]", ("launch_cost_usd_per_kg",), "#000000", width=1.6, axis=2),
            Series("SpaceX price [USD/kg]", ("launch_price_usd_per_kg",), "#000000", dash="dash", width=1.2, axis=2),
        ),
        unit2="USD/kg", log2=True,
    ),
    LinePanel(
        "compute", "AI compute by source",
        "Compute in orbit (SpaceX's ODC; Google's Suncatcher and Starcloud) against the labs' own and leased compute on the ground, in EFLOP/s on a log axis (a source at zero is not drawn).",
        "EFLOP/s",
        (
            *(Series(src.label, src.plus, src.colour, dash=src.dash, width=src.width, minus=src.minus) for src in COMPUTE_SOURCES),
        ),
        log=True,
    ),
    LinePanel(
        "data", "Real-world data reaching xAI",
        "What the cars, Cybercab robotaxis, Optimus robots and Starlink's Earth observation send xAI each month, in PB/month (log axis).",
        "PB/month",
        (
            Series("Tesla cars", ("data_from_vehicles_pb",), "#0072B2"),
            Series("Cybercabs", ("data_from_cybercab_pb",), "#56B4E9"),
            Series("Optimus", ("data_from_optimus_pb",), "#E69F00"),
            Series("Starlink Earth observation", ("data_from_satellites_pb",), ORBITAL),
            Series("total", ("data_from_vehicles_pb", "data_from_cybercab_pb", "data_from_optimus_pb", "data_from_satellites_pb"), "#000000", dash="dot", width=1.2),
        ),
        log=True,
    ),
    LinePanel(
        "constellations", "Starlink against Kuiper",
        "Working satellites in orbit (left, log axis) and broadband subscribers in millions (right, dashed).",
        "satellites",
        (
            Series("Starlink satellites", ("starlink_satellites",), "#0072B2"),
            Series("Kuiper satellites", ("kuiper_satellites",), "#E69F00"),
            Series("Starlink subscribers [M]", ("starlink_subscribers",), "#0072B2", dash="dash", width=1.4, axis=2, scale=1e-6),
            Series("Kuiper subscribers [M]", ("kuiper_subscribers",), "#E69F00", dash="dash", width=1.4, axis=2, scale=1e-6),
        ),
        log=True, unit2="subscribers [millions]",
    ),
)
