"""Interactive chart panels of the browser view (Plotly, the library of the HTML reports).

Each panel is a titled card: a one-line explanation, a Plotly chart (hover readouts, zoom, a
legend whose entries toggle their lines) and a button that downloads the chart's numbers as
CSV. The chart is :func:`PlotlyChart`, a small Vue component that loads ``plotly.min.js`` from
the installed ``plotly`` package through the page's own server (``/static/assets``, never a
CDN) and redraws with ``Plotly.react`` when the server sends the month's figure; the layout's
``uirevision`` keeps a reader's zoom and legend toggles from month to month.

A panel is data (:class:`LinePanel`: series of metrics, each read as the month's value or as a
rate per year) and draws, for the months watched so far, a line per series; with a reference
run (:attr:`LiveModel.reference`) the same series of that run as a faint dotted **ghost** over
its whole span. Values are the model's metrics, read as every command reads them
(:mod:`ecosim.analysis.quantities`: flows as rates per year over the trailing 12 months).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
import solara.server.settings

from ecosim.report.interactive import LOG_TICKS, axis_style, hover_texts, value_ticks
from ecosim.report.numbers import human
from ecosim.timeline import format_month, trailing_twelve_months


def _serve_plotly_js() -> None:
    """Let the page's server hand out plotly.min.js from the installed plotly package."""
    import plotly

    where = str(Path(plotly.__file__).parent / "package_data")
    if where not in solara.server.settings.assets.extra_locations:
        solara.server.settings.assets.extra_locations.append(where)


_serve_plotly_js()


@solara.component_vue("plotly_chart.vue")
def PlotlyChart(figure: dict[str, Any], height: int = 330) -> None:  # type: ignore[empty-body]
    """A Plotly figure ({data, layout}) drawn in the browser."""


@dataclass(frozen=True)
class Series:
    """One line: a metric (or several added), how it is read, its label, colour and style.

    ``rate``: a monthly flow shown as its trailing-12-month total (a rate per year; the first
    months annualised). ``scale`` multiplies the values (1e-6: millions). ``axis``: 1 the left
    axis, 2 the right one.
    """

    label: str
    metrics: tuple[str, ...]
    colour: str
    rate: bool = False
    dash: str = "solid"
    width: float = 2.2
    axis: int = 1
    scale: float = 1.0


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
    glossary: tuple[str, ...] = field(default_factory=tuple)

    def values(self, series: dict[str, np.ndarray], n: int) -> list[np.ndarray]:
        """Each line's values over the first ``n`` months of ``series`` (metric -> (months,))."""
        out = []
        for s in self.series:
            v = np.sum([np.asarray(series[m][:n], dtype=float) for m in s.metrics], axis=0) if n else np.zeros(0)
            if s.rate and n:
                v = trailing_twelve_months(v, partial="annualise")
            out.append(v * s.scale)
        return out

    def layout(self) -> dict[str, Any]:
        """The chart's Plotly layout (titles on the card, not in the chart)."""
        layout: dict[str, Any] = {
            "template": "none", "height": 330, "margin": {"l": 64, "r": 64 if self.unit2 else 16, "t": 8, "b": 36},
            "font": {"family": "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif", "size": 12},
            "hovermode": "x unified", "uirevision": self.name, "showlegend": True,
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
            "xaxis": {**axis_style(), "type": "date"},
            "yaxis": {**axis_style(self.log, self.unit), "title": {"text": self.unit, "font": {"size": 11}}},
        }
        if self.unit2:
            layout["yaxis2"] = {**axis_style(self.log2, self.unit2), "overlaying": "y", "side": "right", "showgrid": False,
                                "title": {"text": self.unit2, "font": {"size": 11}}}
        return layout

    def figure(self, dates: Sequence[str], values: list[np.ndarray], x_range: tuple[str, str],
               ghost: tuple[str, Sequence[str], list[np.ndarray]] | None = None, cursor: str | None = None) -> dict[str, Any]:
        """The month's figure: a line per series (and its ghost), axes over the whole run."""
        data: list[dict[str, Any]] = []
        x = list(dates)
        for s, v in zip(self.series, values, strict=True):
            unit = self.unit2 if s.axis == 2 else self.unit
            data.append({"type": "scatter", "mode": "lines", "name": s.label, "x": x, "y": _clean(v), "legendgroup": s.label,
                         "line": {"color": s.colour, "width": s.width, "dash": s.dash}, "yaxis": "y2" if s.axis == 2 else "y",
                         "customdata": hover_texts(v, unit), "hovertemplate": f"{s.label}: %{{customdata}}<extra></extra>"})
        if ghost is not None:
            gname, gdates, gvalues = ghost
            for s, v in zip(self.series, gvalues, strict=True):
                unit = self.unit2 if s.axis == 2 else self.unit
                data.append({"type": "scatter", "mode": "lines", "name": f"{s.label} — {gname}", "x": list(gdates), "y": _clean(v),
                             "legendgroup": s.label, "showlegend": False, "opacity": 0.45, "yaxis": "y2" if s.axis == 2 else "y",
                             "line": {"color": s.colour, "width": 1.4, "dash": "dot"}, "customdata": hover_texts(v, unit),
                             "hovertemplate": f"ghost ({gname}) {s.label}: %{{customdata}}<extra></extra>"})
        layout = self.layout()
        layout["xaxis"]["range"] = [f"{x_range[0]}-01", f"{x_range[1]}-28"]
        if not self.log:
            left = [v for s, v in zip(self.series, values, strict=True) if s.axis == 1] + ([v for s, v in zip(self.series, ghost[2], strict=True) if s.axis == 1] if ghost else [])
            layout["yaxis"].update(value_ticks(np.concatenate(left) if left else np.zeros(0), self.unit))
        if self.unit2 and not self.log2:
            right = [v for s, v in zip(self.series, values, strict=True) if s.axis == 2]
            layout["yaxis2"].update(value_ticks(np.concatenate(right) if right else np.zeros(0), self.unit2))
        if cursor:
            layout["shapes"] = [{"type": "line", "xref": "x", "yref": "paper", "x0": f"{cursor}-15", "x1": f"{cursor}-15", "y0": 0, "y1": 1,
                                 "line": {"color": "#888", "width": 1, "dash": "dash"}}]
        return {"data": data, "layout": layout}

    def table(self, dates: Sequence[str], values: list[np.ndarray]) -> pd.DataFrame:
        """The chart's numbers, one row per month, a column per line (with its unit)."""
        cols = {"date": list(dates)}
        for s, v in zip(self.series, values, strict=True):
            cols[f"{s.label} [{self.unit2 if s.axis == 2 else self.unit}]"] = v
        return pd.DataFrame(cols)


def _clean(v: np.ndarray) -> list[float | None]:
    """Values as JSON numbers (NaN and infinities as gaps); log axes drop zeros themselves."""
    return [float(x) if np.isfinite(x) else None for x in np.asarray(v, dtype=float)]


def month_dates(start_month: int, n: int) -> list[str]:
    """``YYYY-MM`` of ``n`` months from ``start_month`` (an absolute month number)."""
    return [format_month(start_month + i) for i in range(n)]


__all__ = ["LOG_TICKS", "LinePanel", "PlotlyChart", "Series", "human", "month_dates"]
Panel = Callable[..., Any]


ORBITAL = "#D55E00"
TERRESTRIAL = "#E69F00"

#: The line panels of the page, in order.
LINE_PANELS: tuple[LinePanel, ...] = (
    LinePanel(
        "launches", "Launches and the cost to orbit",
        "Launches per year (trailing 12 months) by vehicle, and what a kg to low Earth orbit costs SpaceX and what outside customers pay (right axis, log).",
        "launches/yr",
        (
            Series("Falcon 9/Heavy", ("falcon_launches",), "#0072B2", rate=True),
            Series("Starship", ("starship_launches",), ORBITAL, rate=True),
            Series("New Glenn", ("new_glenn_launches",), "#7f7f7f", rate=True),
            Series("SpaceX cost [USD/kg]", ("launch_cost_usd_per_kg",), "#000000", width=1.6, axis=2),
            Series("SpaceX price [USD/kg]", ("launch_price_usd_per_kg",), "#000000", dash="dash", width=1.2, axis=2),
        ),
        unit2="USD/kg", log2=True, glossary=("launch_cost_usd_per_kg", "launch_price_usd_per_kg"),
    ),
    LinePanel(
        "compute", "AI compute by source",
        "Compute in orbit (SpaceX's orbital data centers; Google's Suncatcher and Starcloud) against the labs' terrestrial data centers, in EFLOP/s on a log axis (a source at zero is not drawn).",
        "EFLOP/s",
        (
            Series("SpaceX orbital (xAI)", ("odc_compute_eflops",), ORBITAL, width=2.6),
            Series("other orbital", ("google_orbital_compute_eflops", "starcloud_compute_eflops"), "#CC79A7", dash="dash", width=1.4),
            Series("xAI terrestrial", ("terrestrial_compute_eflops",), TERRESTRIAL, width=2.4),
            Series("OpenAI terrestrial", ("openai_compute_eflops",), "#009E73", width=1.4),
            Series("Google (ground and orbit)", ("google_compute_eflops",), "#0072B2", width=1.4),
        ),
        log=True, glossary=("odc_compute_eflops", "terrestrial_compute_eflops"),
    ),
    LinePanel(
        "data", "Real-world data reaching xAI",
        "What the cars, Cybercabs, Optimus robots and Starlink's Earth observation send xAI each month, in petabytes (log axis).",
        "PB/month",
        (
            Series("Tesla cars", ("data_from_vehicles_pb",), "#0072B2"),
            Series("Cybercabs", ("data_from_cybercab_pb",), "#56B4E9"),
            Series("Optimus", ("data_from_optimus_pb",), "#E69F00"),
            Series("Starlink Earth observation", ("data_from_satellites_pb",), ORBITAL),
            Series("total", ("data_from_vehicles_pb", "data_from_cybercab_pb", "data_from_optimus_pb", "data_from_satellites_pb"), "#000000", dash="dot", width=1.2),
        ),
        log=True, glossary=("data_collected_pb",),
    ),
    LinePanel(
        "constellations", "Starlink against Kuiper",
        "Working satellites in orbit (left, log) and subscribers in millions (right, dashed).",
        "satellites",
        (
            Series("Starlink satellites", ("starlink_satellites",), "#0072B2"),
            Series("Kuiper satellites", ("kuiper_satellites",), "#E69F00"),
            Series("Starlink subscribers [M]", ("starlink_subscribers",), "#0072B2", dash="dash", width=1.4, axis=2, scale=1e-6),
            Series("Kuiper subscribers [M]", ("kuiper_subscribers",), "#E69F00", dash="dash", width=1.4, axis=2, scale=1e-6),
        ),
        log=True, unit2="subscribers [millions]", glossary=("starlink_satellites", "starlink_subscribers"),
    ),
)
