"""The exchange-network panel of the browser view: who trades what with whom in the month shown.

A node per actor, named by its roster label and coloured by its company (the legend lists the
companies); an arrow per goods link that carried something this month, coloured by commodity
and as wide as its flow relative to the largest flow of the same commodity (links without flow
are not drawn); cut links as thick black dashed lines with a red cross at their middle; signal
links (prices, capacities, targets one actor publishes and another reads) as thin dotted lines,
hidden until their legend entry is clicked. Hovering the middle of a link gives its flow.
Money links are bookkeeping and are left out.

The ~150 links are grouped by kind in the legend: a commodity's entry shows or hides all its
links, "signals" all signal links, "cut links" the cut ones; a double click shows one kind alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ecosim.exchange.topology import COMMODITY_UNITS, SIGNALS
from ecosim.numbers import human
from ecosim.report.figures import network_positions
from ecosim.report.interactive import FONT
from ecosim.report.style import COMMODITY_COLOURS
from ecosim.scenario.roster import roster
from ecosim.viz.live import Frame, LiveModel

#: line widths of the flow classes [px]: a link is drawn in the class of sqrt(flow / largest)
WIDTHS = (1.5, 3.0, 4.5, 6.0, 7.5)
#: node colours by company (light, so that labels and arrows stay readable over them)
NODE_PALETTE = (
    "#9ecae1", "#fdae6b", "#a1d99b", "#fc9272", "#bcbddc", "#d9b38c", "#f7b6d2", "#dadaeb",
    "#c7e9c0", "#fdd0a2", "#c6dbef", "#e7cb94", "#cedb9c", "#e7969c", "#de9ed6", "#d9d9d9",
    "#b3de69", "#ffffb3",
)
CUT = "#000000"
CUT_MARK = "#d00000"
SIGNAL = "#777777"
HEIGHT = 620


def curved_edge(p0: tuple[float, float], p1: tuple[float, float], rad: float, shrink: float, n: int = 12) -> np.ndarray:
    """``n`` points of a curve from ``p0`` to ``p1``: a quadratic Bezier whose control point sits
    ``rad`` times the chord length off the middle of the chord (matplotlib's ``arc3``
    connection), trimmed by ``shrink`` at both ends (to stop short of the nodes).

    >>> pts = curved_edge((0.0, 0.0), (1.0, 0.0), 0.0, 0.1)
    >>> [round(float(v), 6) for v in (pts[0, 0], pts[-1, 0], pts[6, 1])]
    [0.1, 0.9, 0.0]
    """
    a, b = np.asarray(p0, float), np.asarray(p1, float)
    d = b - a
    length = float(np.hypot(*d))
    if length == 0:
        return np.repeat(a[None, :], n, axis=0)
    u = d / length
    a, b = a + u * shrink, b - u * shrink
    d = b - a
    ctrl = (a + b) / 2 + rad * np.array([d[1], -d[0]])
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.asarray((1 - t) ** 2 * a + 2 * (1 - t) * t * ctrl + t**2 * b)


def flow_class(flow: float, peak: float) -> int:
    """The class (0..4, an index into :data:`WIDTHS`) of a flow relative to the largest flow of
    its commodity: by the square root of the share, so small flows stay visible; -1 for none.

    >>> [flow_class(v, 100.0) for v in (0.0, 0.5, 4.0, 36.0, 100.0)]
    [-1, 0, 1, 3, 4]
    """
    if flow <= 0 or peak <= 0:
        return -1
    return min(int(np.sqrt(flow / peak) * len(WIDTHS)), len(WIDTHS) - 1)


@dataclass(frozen=True)
class Link:
    """A drawn link: its ends, commodity, unit, kind, and the points of its curve."""

    id: str
    seller: str
    buyer: str
    commodity: str
    unit: str
    signal: bool
    enabled: bool
    curve: np.ndarray


@lru_cache(maxsize=1)
def _labels() -> tuple[dict[str, str], dict[str, str]]:
    r = roster()
    return {a.name: a.label for a in r.actors}, r.company_names()


def layout_links(g: nx.MultiDiGraph) -> tuple[dict[str, tuple[float, float]], list[Link]]:
    """Node positions (columns of actors, :func:`ecosim.report.figures.network_positions`) and
    every goods and signal link with its curve; money links left out."""
    pos = network_positions(g)
    links = []
    for s, b, c, d in g.edges(keys=True, data=True):
        if c == "money":
            continue
        signal = bool(d["signal"])
        # signals bend the other way, so that a goods link and a signal between the same pair part
        curve = curved_edge(pos[s], pos[b], -0.12 if signal else 0.10, 0.05, n=9)
        links.append(Link(str(d["id"]), s, b, c, str(d["unit"]), signal, bool(d["enabled"]), curve))
    return pos, links


def _polyline(curves: list[np.ndarray]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for c in curves:  # 3 decimals: a thousandth of the plot, under a pixel
        xs += [round(float(v), 3) for v in c[:, 0]] + [None]
        ys += [round(float(v), 3) for v in c[:, 1]] + [None]
    return xs, ys


def _arrow_sizes(curves: list[np.ndarray], size: float) -> list[float]:
    """Marker sizes along a polyline: an arrowhead at the end of each curve, nothing elsewhere."""
    out: list[float] = []
    for c in curves:
        out += [0.0] * (len(c) - 1) + [size, 0.0]
    return out


def month_flows(frame: Frame) -> dict[tuple[str, str, str], float]:
    """(seller, buyer, commodity) -> quantity cleared in the frame's month."""
    out: dict[tuple[str, str, str], float] = {}
    for c, (sellers, buyers, x) in frame.flows.items():
        for i, s in enumerate(sellers):
            for j, b in enumerate(buyers):
                out[(s, b, c)] = float(x[i, j])
    return out


@dataclass(frozen=True)
class NetworkChart:
    """The exchange network of the month shown (a chart panel of the page)."""

    name: str = "network"
    title: str = "The exchange network: who trades what with whom this month"
    explain: str = ("Arrows are goods edges: what cleared in the month shown, as wide as the flow against the largest of their commodity; links without flow are hidden. "
                    "A cut link is drawn as black dashes with a red cross; signal edges are dotted (click 'signals' in the legend). Hover a link's middle for its flow; "
                    "click a legend entry to hide a kind of link, double-click to show it alone. Money links are bookkeeping and not drawn.")
    full_width: bool = True
    height: int = HEIGHT

    def _static(self, model: LiveModel) -> tuple[dict[str, tuple[float, float]], list[Link], list[dict[str, Any]]]:
        if "network" not in model.cache:
            pos, links = layout_links(model.network)
            model.cache["network"] = (pos, links, self._nodes(model.network, pos))
        cached: tuple[dict[str, tuple[float, float]], list[Link], list[dict[str, Any]]] = model.cache["network"]
        return cached

    @staticmethod
    def _nodes(g: nx.MultiDiGraph, pos: dict[str, tuple[float, float]]) -> list[dict[str, Any]]:
        labels, companies = _labels()
        by_company: dict[str, list[str]] = {}
        for n, company in g.nodes(data="company"):
            by_company.setdefault(str(company), []).append(n)
        traces = []
        for i, (company, nodes) in enumerate(sorted(by_company.items(), key=lambda kv: companies.get(kv[0], kv[0]))):
            names = [labels.get(n, n) for n in nodes]
            traces.append({
                "type": "scatter", "mode": "markers+text", "name": companies.get(company, company),
                "x": [pos[n][0] for n in nodes], "y": [pos[n][1] for n in nodes], "text": names,
                "textposition": "bottom center", "textfont": {"size": 12, "color": "#111"},
                "marker": {"size": 22, "color": NODE_PALETTE[i % len(NODE_PALETTE)], "line": {"color": "#333", "width": 1}},
                "customdata": [f"{lab} — {companies.get(company, company)} (node {n})" for lab, n in zip(names, nodes, strict=True)],
                "hovertemplate": "%{customdata}<extra></extra>", "legendgroup": "companies",
                "legendgrouptitle": {"text": "node colour: company"} if i == 0 else None,
            })
        for t in traces:
            if t["legendgrouptitle"] is None:
                del t["legendgrouptitle"]
        return traces

    def figure(self, model: LiveModel, frame: Frame) -> dict[str, Any]:
        pos, links, nodes = self._static(model)
        labels, _ = _labels()
        flows = month_flows(frame)
        peak: dict[str, float] = {}
        for (_, _, c), v in flows.items():
            peak[c] = max(peak.get(c, 0.0), v)
        data: list[dict[str, Any]] = []
        goods = [c for c in COMMODITY_COLOURS if c in COMMODITY_UNITS and c != "money"]
        for c in goods:
            colour = COMMODITY_COLOURS[c]
            mine = [lk for lk in links if lk.commodity == c and not lk.signal and lk.enabled]
            data.append({"type": "scatter", "mode": "lines", "x": [None], "y": [None], "name": f"{c} [{COMMODITY_UNITS[c]}]",
                         "legendgroup": c, "line": {"color": colour, "width": 4}, "hoverinfo": "skip",
                         **({"legendgrouptitle": {"text": "links by kind"}} if c == goods[0] else {})})
            for k, width in enumerate(WIDTHS):
                curves = [lk.curve for lk in mine if flow_class(flows.get((lk.seller, lk.buyer, c), 0.0), peak.get(c, 0.0)) == k]
                xs, ys = _polyline(curves)
                data.append({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys, "legendgroup": c, "showlegend": False, "hoverinfo": "skip",
                             "line": {"color": colour, "width": width}, "opacity": 0.85,
                             "marker": {"symbol": "arrow", "angleref": "previous", "size": _arrow_sizes(curves, 8 + 2 * width), "color": colour}})
            shown = [lk for lk in mine if flows.get((lk.seller, lk.buyer, c), 0.0) > 0]
            data.append({"type": "scatter", "mode": "markers", "legendgroup": c, "showlegend": False,
                         "x": [round(float(lk.curve[len(lk.curve) // 2, 0]), 3) for lk in shown], "y": [round(float(lk.curve[len(lk.curve) // 2, 1]), 3) for lk in shown],
                         "marker": {"size": 12, "color": "rgba(0,0,0,0)"},
                         "customdata": [self._flow_text(lk, flows, peak, labels) for lk in shown], "hovertemplate": "%{customdata}<extra></extra>"})
        signals = [lk for lk in links if lk.signal and lk.enabled]
        xs, ys = _polyline([lk.curve for lk in signals])
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "name": f"signals ({len(signals)})", "legendgroup": "signals",
                     "visible": "legendonly", "hoverinfo": "skip", "line": {"color": SIGNAL, "width": 1, "dash": "dot"}})
        data.append({"type": "scatter", "mode": "markers", "legendgroup": "signals", "showlegend": False, "visible": "legendonly",
                     "x": [round(float(lk.curve[len(lk.curve) // 2, 0]), 3) for lk in signals], "y": [round(float(lk.curve[len(lk.curve) // 2, 1]), 3) for lk in signals],
                     "marker": {"size": 8, "color": SIGNAL, "symbol": "circle-open"},
                     "customdata": [f"{labels.get(lk.seller, lk.seller)} → {labels.get(lk.buyer, lk.buyer)}: signal {lk.commodity} [{lk.unit}]"
                                    + (f" — {SIGNALS[lk.commodity].doc}" if lk.commodity in SIGNALS else "") for lk in signals],
                     "hovertemplate": "%{customdata}<extra></extra>"})
        cut = [lk for lk in links if not lk.enabled]
        xs, ys = _polyline([lk.curve for lk in cut])
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "name": f"cut links ({len(cut)})", "legendgroup": "cut",
                     "hoverinfo": "skip", "line": {"color": CUT, "width": 3.5, "dash": "dash"}})
        data.append({"type": "scatter", "mode": "markers", "legendgroup": "cut", "showlegend": False,
                     "x": [round(float(lk.curve[len(lk.curve) // 2, 0]), 3) for lk in cut], "y": [round(float(lk.curve[len(lk.curve) // 2, 1]), 3) for lk in cut],
                     "marker": {"size": 16, "color": CUT_MARK, "symbol": "x", "line": {"width": 1, "color": "white"}},
                     "customdata": [f"CUT: {labels.get(lk.seller, lk.seller)} → {labels.get(lk.buyer, lk.buyer)}, {lk.commodity} ({lk.id}): nothing flows" for lk in cut],
                     "hovertemplate": "%{customdata}<extra></extra>"})
        data += nodes
        xs_all = [p[0] for p in pos.values()]
        layout = {
            "template": "none", "height": self.height, "margin": {"l": 8, "r": 8, "t": 28, "b": 8}, "font": {"family": FONT, "size": 12},
            "hovermode": "closest", "uirevision": self.name, "showlegend": True, "plot_bgcolor": "white",
            "legend": {"orientation": "v", "x": 1.0, "xanchor": "left", "y": 1.0, "font": {"size": 11}, "groupclick": "togglegroup", "tracegroupgap": 10},
            "xaxis": {"visible": False, "range": [min(xs_all) - 0.35, max(xs_all) + 0.35], "fixedrange": False},
            "yaxis": {"visible": False, "range": [-0.06, 1.03]},
            "annotations": [{"text": f"<b>{frame.date or 'before the first month'}</b>" + (f" — {len(cut)} link{'s' if len(cut) != 1 else ''} cut" if cut else ""),
                             "xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "yanchor": "bottom", "showarrow": False, "font": {"size": 13}}],
        }
        return {"data": data, "layout": layout}

    @staticmethod
    def _flow_text(lk: Link, flows: dict[tuple[str, str, str], float], peak: dict[str, float], labels: dict[str, str]) -> str:
        v = flows.get((lk.seller, lk.buyer, lk.commodity), 0.0)
        share = v / peak[lk.commodity] if peak.get(lk.commodity) else 0.0
        return (f"{labels.get(lk.seller, lk.seller)} → {labels.get(lk.buyer, lk.buyer)}<br>{lk.commodity}: {human(v)} {lk.unit} this month"
                f" ({100 * share:.0f}% of the largest {lk.commodity} flow)")

    def table(self, model: LiveModel, frame: Frame) -> pd.DataFrame:
        """Every goods and signal link with this month's flow (signals carry none), cut or not."""
        _, links, _ = self._static(model)
        flows = month_flows(frame)
        return pd.DataFrame({
            "date": frame.date, "link": [lk.id for lk in links], "seller": [lk.seller for lk in links], "buyer": [lk.buyer for lk in links],
            "commodity": [lk.commodity for lk in links], "kind": ["signal" if lk.signal else "goods" for lk in links],
            "cut": [not lk.enabled for lk in links], "unit": [lk.unit for lk in links],
            "flow_this_month": [np.nan if lk.signal else flows.get((lk.seller, lk.buyer, lk.commodity), 0.0) for lk in links],
        })
