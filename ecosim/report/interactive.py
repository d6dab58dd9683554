"""Interactive charts for the HTML reports and the browser view, drawn with Plotly.

Why Plotly (and not Vega-Lite/Altair): the ``plotly`` wheel ships its JavaScript
(``plotly.min.js``) inside the Python package, so a report embeds it once and opens from disk
with no network, and the browser view serves the same file from the installed package; Altair
needs the Vega bundles from a CDN (or a second package, ``vl-convert``, to inline them) and,
with pandas 3, Mesa's Altair renderer fails (``MESA-NOTES.md``). Plotly gives, with no code of
ours, hover readouts (one box for every line at a date), zoom and pan, a legend whose entries
toggle their lines, and PNG export; ``uirevision`` keeps a reader's zoom and toggles while the
browser view updates a chart every month.

A :class:`Chart` is a Plotly figure with the data behind it as a tidy table: reports embed the
figure (``report.html`` stays one self-contained file) and the table as a CSV download.

Colours follow :mod:`ecosim.report.style` (one colour per scenario, colour-blind safe).
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from ecosim.numbers import human

#: Plotly's configuration for every chart: the mode bar on hover, no logo, PNG export at 2x.
CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}
FONT = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle of the installed ``plotly`` package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


@dataclass
class Chart:
    """A Plotly figure and the tidy table of the numbers it draws (the CSV download).

    Attributes
    ----------
    id : a name unique in its report (``series_launch``), used for the element and the file.
    figure : the Plotly figure.
    data : the numbers drawn, one row per point (columns say what and in which unit).
    """

    id: str
    figure: go.Figure
    data: pd.DataFrame = field(default_factory=pd.DataFrame)

    def csv(self) -> str:
        return self.data.to_csv(index=False)

    def html(self) -> str:
        """The chart as an HTML fragment (needs plotly.js on the page) with a CSV download link."""
        div = pio.to_html(self.figure, include_plotlyjs=False, full_html=False, div_id=f"chart-{self.id}", config=CONFIG)
        data = base64.b64encode(self.csv().encode("utf-8")).decode("ascii")
        link = (f'<a class="chart-csv" download="{html.escape(self.id)}.csv" href="data:text/csv;base64,{data}">'
                f"Download the data of this chart (CSV, {len(self.data):,} rows)</a>")
        return f'<div class="chart" data-chart="{html.escape(self.id)}">{div}<p class="chart-tools">{link}</p></div>'


def base_layout(title: str = "", height: int = 380) -> dict[str, Any]:
    """The house layout: title left, legend below the plot, a unified hover box per date."""
    return {
        "template": "none",
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
        "font": {"family": FONT, "size": 12, "color": "#222"},
        "height": height,
        "margin": {"l": 64, "r": 16, "t": 56 if title else 24, "b": 40},
        "hovermode": "x unified",
        "legend": {"orientation": "h", "y": -0.16, "x": 0.0, "xanchor": "left", "yanchor": "top"},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "uirevision": "keep",
    }


#: labelled ticks of a log axis: 1, 2 and 5 of every decade (Plotly shows those in range)
LOG_TICKS = [m * 10.0**k for k in range(-4, 17) for m in (1, 2, 5)]


def axis_style(log: bool = False, unit: str = "") -> dict[str, Any]:
    """Axis style: light grid; on a log axis a labelled tick at 1, 2 and 5 of every decade,
    each written in full (``200``, ``$2T``), never a lone mantissa."""
    out: dict[str, Any] = {"showgrid": True, "gridcolor": "#e5e5e5", "zeroline": False, "linecolor": "#888", "showline": True, "ticks": "outside"}
    if log:
        out.update({"type": "log", "tickvals": LOG_TICKS, "ticktext": [human(v, unit) for v in LOG_TICKS]})
    return out


def log_ticks(values: Any, unit: str = "", most: int = 8) -> dict[str, Any]:
    """Labelled ticks of a log axis over the positive ``values``: 1, 2 and 5 of each decade
    when they span three decades or fewer, else one per decade (every k-th decade beyond
    ``most``), each written in full. Empty when there is no positive value.

    >>> log_ticks([150.0, 2700.0], "USD/kg")["ticktext"]
    ['100', '200', '500', '1,000', '2,000', '5,000', '10,000']
    >>> log_ticks([0.004, 3000.0])["tickvals"]
    [0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0]
    >>> log_ticks([1e-3, 1e12])["tickvals"][:3]
    [0.001, 0.1, 10.0]
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return {}
    lo, hi = math.floor(math.log10(float(v.min()))), math.ceil(math.log10(float(v.max())))
    hi = max(hi, lo + 1)
    span = hi - lo
    if span <= 3:
        vals = [m * 10.0**k for k in range(lo, hi + 1) for m in (1, 2, 5) if m * 10.0**k <= 10.0**hi]
    else:
        step = max(1, math.ceil(span / most))
        vals = [10.0**k for k in range(lo, hi + 1, step)]
    vals = [float(f"{x:.12g}") for x in vals]
    return {"tickvals": vals, "ticktext": [human(x, unit) for x in vals]}


def is_money(unit: str) -> bool:
    """True for an amount of money (``USD``, ``USD/yr``), not a price per unit (``USD/kg``).

    >>> is_money("USD/yr"), is_money("USD/kg")
    (True, False)
    """
    return unit in ("USD", "USD/yr", "USD/month")


def value_ticks(values: Any, unit: str, n: int = 6) -> dict[str, Any]:
    """Ticks of a linear axis over ``values`` labelled as people read them ($1.2T, $400B, 13M):
    Plotly's own SI labels would print billions as G."""
    from matplotlib.ticker import MaxNLocator

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return {}
    lo, hi = float(min(v.min(), 0.0)), float(max(v.max(), 0.0))
    if lo == hi:
        return {}
    ticks = [float(t) for t in MaxNLocator(nbins=n).tick_values(lo, hi) if lo - 1e-9 * abs(hi - lo) <= t <= hi * 1.05 + 1e-12]
    return {"tickvals": ticks, "ticktext": ["0" if t == 0 else human(t, unit) for t in ticks]}


def hover_texts(values: Any, unit: str) -> list[str]:
    """Each value as people read it, for ``customdata`` of a hover template."""
    return ["—" if not np.isfinite(v) else human(float(v), unit) + ("" if is_money(unit) or unit in ("-", "") else f" {unit}") for v in np.asarray(values, dtype=float)]


def _hex_rgba(colour: str, alpha: float) -> str:
    c = colour.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def band_traces(x: Sequence[Any], lo: np.ndarray, hi: np.ndarray, colour: str, name: str, alpha: float, group: str, **sub: Any) -> list[go.Scatter]:
    """A shaded band between ``lo`` and ``hi`` (two traces: the lower edge, then filled to it)."""
    common = {"x": list(x), "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip", "legendgroup": group, "showlegend": False}
    return [
        go.Scatter(y=lo, **common, **sub),
        go.Scatter(y=hi, fill="tonexty", fillcolor=_hex_rgba(colour, alpha), name=name, **common, **sub),
    ]


def subplot_figure(titles: Sequence[str], title: str, height: int = 380) -> go.Figure:
    """A row of panels with their full titles, the house layout, shared hover per panel."""
    fig = make_subplots(rows=1, cols=len(titles), subplot_titles=list(titles), horizontal_spacing=0.07)
    fig.update_layout(**base_layout(title, height))
    for ann in fig.layout.annotations:
        ann.font = {"size": 12}
    fig.update_xaxes(**axis_style())
    fig.update_yaxes(**axis_style())
    return fig


def human_text(values: Sequence[float], unit: str) -> list[str]:
    """Readable labels of values (for bar annotations and hover)."""
    return [human(float(v), unit) for v in values]


def json_of(fig: go.Figure) -> dict[str, Any]:
    """A figure as plain JSON (lists, no typed-array encoding), for the browser view."""
    return dict(json.loads(pio.to_json(fig, validate=False, engine="json")))
