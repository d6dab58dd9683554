"""The live panels of the browser view, each a function ``model -> element`` for SolaraViz.

Every panel reads one :class:`~ecosim.viz.live.Frame` of a :class:`~ecosim.viz.live.LiveModel`
(the months so far and this month's flows), so what it draws is consistent even while the
next month is being computed. The x axis of every chart spans the whole run, so lines grow
from the left as the months go by.

=================  ==============================================================
panel              shows
=================  ==============================================================
``now``            the date, the scenario, what was changed, headline numbers
``launches``       launches per year (Falcon, Starship, New Glenn) and cost per kg
``compute``        AI compute by source: orbital (SpaceX, others) vs terrestrial
``data``           real-world data reaching xAI by source
``constellations`` Starlink vs Kuiper: satellites and subscribers
``value``          narrative mark vs perfect-foresight DCF vs run-rate value
``scorecard``      the narrative scorecard so far (:mod:`ecosim.viz.scorecard`)
``network``        the exchange network, edge width = this month's flow
=================  ==============================================================

Adding a panel: write a function ``model -> solara element`` that reads ``model.frame`` and
append it to :data:`PANELS` (or pass your own list to :func:`ecosim.viz.page.EcosimPage`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from html import escape
from typing import Any

import numpy as np
import solara
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D

from ecosim.report.figures import network_positions
from ecosim.report.style import COMMODITY_COLOURS
from ecosim.timeline import format_month, trailing_twelve_months
from ecosim.viz.canvas import LiveFigure, grow_limit, log_limits
from ecosim.viz.charts import LINE_PANELS, LinePanel, PlotlyChart, month_dates
from ecosim.viz.levers import format_value
from ecosim.viz.live import _COLUMN, Frame, LiveModel, run_rate_value
from ecosim.viz.scorecard import scorecard_panel

#: Size of a chart panel [inch] (at canvas.DPI = 80 dots per inch: 512 x 330 pixels).
PANEL_SIZE = (6.4, 4.1)

ORBITAL_COLOUR = "#d62728"

TERRESTRIAL_COLOUR = "#8c564b"


def _per_year(monthly: np.ndarray) -> np.ndarray:
    """A monthly flow as a rate per year: its trailing-12-month total (the months so far
    annualised before the twelfth)."""
    return trailing_twelve_months(monthly, partial="annualise")


def _style(ax: Axes, model: LiveModel, ylabel: str) -> None:
    x0, x1 = model.x_range
    ax.set_xlim(x0, x1)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.spines["top"].set_visible(False)
    ax.xaxis.set_major_formatter("{x:.0f}")


def _legend_above(fig_axes: list[Axes], ncol: int = 3) -> None:
    handles, labels = [], []
    for ax in fig_axes:
        h, lab = ax.get_legend_handles_labels()
        handles += h
        labels += lab
    fig_axes[0].legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.02), ncol=ncol, frameon=False, fontsize=8, handlelength=1.8)


def _image(png: bytes, name: str) -> Any:
    return solara.Image(png, format="png", width="100%", classes=["ecosim-panel", f"ecosim-{name}"])


class ChartPanel(ABC):
    """A chart of metrics against time, redrawn by blitting (see :mod:`ecosim.viz.canvas`)."""

    name = "chart"
    full_width = False  # True: the panel takes a whole row of the page

    def __call__(self, model: LiveModel) -> Any:
        return _image(self.render(model), self.name)

    def render(self, model: LiveModel) -> bytes:
        """PNG of this panel for the model's current frame."""
        state = model.figures.get(self.name)
        if state is None:
            state = model.figures[self.name] = self.build(model)
        live: LiveFigure = state["live"]
        frame = model.frame
        with live.lock:
            if live.frame_key != frame.steps or not live.last_png:
                dynamic, key = self.update(model, frame, state)
                live.png(dynamic, key)
                live.frame_key = frame.steps
            return live.last_png

    @abstractmethod
    def build(self, model: LiveModel) -> dict[str, Any]:
        """Create the figure and its static parts once; return the panel's drawing state."""

    @abstractmethod
    def update(self, model: LiveModel, frame: Frame, state: dict[str, Any]) -> tuple[list[Artist], Any]:
        """Update the changing artists for ``frame``; return them and a key of what changed."""


def _lines(ax: Axes, specs: list[tuple[str, str, dict[str, Any]]]) -> list[Line2D]:
    return [ax.plot([], [], color=colour, label=label, **kw)[0] for label, colour, kw in specs]


class LaunchesPanel(ChartPanel):
    """Launches per year by vehicle (left) and SpaceX's cost and price per kg to LEO (right, log)."""

    name = "launches"
    SERIES = (("falcon_launches", "Falcon 9/Heavy", "#1f77b4"), ("starship_launches", "Starship", ORBITAL_COLOUR), ("new_glenn_launches", "New Glenn", "#7f7f7f"))

    def build(self, model: LiveModel) -> dict[str, Any]:
        live = LiveFigure(*PANEL_SIZE)
        ax = live.fig.add_subplot()
        ax2 = ax.twinx()
        _style(ax, model, "launches per year (trailing 12 months)")
        ax2.set_yscale("log")
        ax2.set_ylabel("to LEO [USD/kg] (log)")
        lines = _lines(ax, [(label, c, {"lw": 2}) for _, label, c in self.SERIES])
        cost = _lines(ax2, [("SpaceX cost [USD/kg]", "black", {"lw": 1.6}), ("SpaceX price [USD/kg]", "black", {"lw": 1.0, "ls": "--"})])
        _legend_above([ax, ax2])
        live.fig.subplots_adjust(left=0.12, right=0.86, top=0.80, bottom=0.09)
        return {"live": live, "ax": ax, "ax2": ax2, "lines": lines, "cost": cost, "ylim": 10.0, "clim": None}

    def update(self, model: LiveModel, frame: Frame, st: dict[str, Any]) -> tuple[list[Artist], Any]:
        names = [s[0] for s in self.SERIES]
        x, series = model.history(frame, *names, "launch_cost_usd_per_kg", "launch_price_usd_per_kg")
        per_year = [_per_year(s) for s in series[:3]]
        for line, y in zip(st["lines"], per_year, strict=True):
            line.set_data(x, y)
        for line, y in zip(st["cost"], series[3:], strict=True):
            line.set_data(x, y)
        if frame.steps:
            st["ylim"] = grow_limit(max(float(np.max(y)) for y in per_year), st["ylim"])
            positive = np.concatenate([y[y > 0] for y in series[3:]])
            if positive.size:
                st["clim"] = log_limits(float(positive.min()), float(positive.max()), st["clim"])
        st["ax"].set_ylim(0, st["ylim"])
        if st["clim"]:
            st["ax2"].set_ylim(*st["clim"])
        return [*st["lines"], *st["cost"]], (st["ylim"], st["clim"])


class ComputePanel(ChartPanel):
    """AI compute by source: orbital (SpaceX; Google and Starcloud) vs terrestrial, symlog."""

    name = "compute"
    STYLES: dict[str, tuple[str, dict[str, Any]]] = {
        "SpaceX orbital (xAI)": (ORBITAL_COLOUR, {"lw": 2.4}),
        "other orbital": ("#ff7f0e", {"lw": 1.4, "ls": "--"}),
        "xAI terrestrial": (TERRESTRIAL_COLOUR, {"lw": 2.4}),
        "OpenAI terrestrial": ("#2ca02c", {"lw": 1.4}),
        "Google terrestrial": ("#1f77b4", {"lw": 1.4}),
    }

    def build(self, model: LiveModel) -> dict[str, Any]:
        live = LiveFigure(*PANEL_SIZE)
        ax = live.fig.add_subplot()
        _style(ax, model, "compute [EFLOP/s] (symlog)")
        ax.set_yscale("symlog", linthresh=1.0)
        lines = _lines(ax, [(label, colour, kw) for label, (colour, kw) in self.STYLES.items()])
        _legend_above([ax])
        live.fig.subplots_adjust(left=0.12, right=0.97, top=0.80, bottom=0.09)
        return {"live": live, "ax": ax, "lines": lines, "ylim": 10.0}

    def update(self, model: LiveModel, frame: Frame, st: dict[str, Any]) -> tuple[list[Artist], Any]:
        x, series = compute_by_source(model, frame)
        ys = [series[label] for label in self.STYLES]
        for line, y in zip(st["lines"], ys, strict=True):
            line.set_data(x, y)
        if frame.steps:
            peak = max(float(np.max(y)) for y in ys)
            st["ylim"] = max(st["ylim"], log_limits(1.0, max(peak, 1.0))[1])
        st["ax"].set_ylim(0, st["ylim"])
        return st["lines"], st["ylim"]


class DataPanel(ChartPanel):
    """Real-world data reaching xAI by source [PB/month], symlog."""

    name = "data"
    SERIES = (
        ("data_from_vehicles_pb", "Tesla cars", "#1f77b4"),
        ("data_from_cybercab_pb", "Cybercabs", "#17becf"),
        ("data_from_optimus_pb", "Optimus", "#8c564b"),
        ("data_from_satellites_pb", "Starlink Earth observation", "#ff7f0e"),
    )

    def build(self, model: LiveModel) -> dict[str, Any]:
        live = LiveFigure(*PANEL_SIZE)
        ax = live.fig.add_subplot()
        _style(ax, model, "data reaching xAI [PB/month] (symlog)")
        ax.set_yscale("symlog", linthresh=1.0)
        lines = _lines(ax, [(label, c, {"lw": 2}) for _, label, c in self.SERIES])
        total = ax.plot([], [], color="black", lw=1.0, ls=":", label="total")[0]
        _legend_above([ax])
        live.fig.subplots_adjust(left=0.12, right=0.97, top=0.80, bottom=0.09)
        return {"live": live, "ax": ax, "lines": [*lines, total], "ylim": 10.0}

    def update(self, model: LiveModel, frame: Frame, st: dict[str, Any]) -> tuple[list[Artist], Any]:
        x, ys = model.history(frame, *[s[0] for s in self.SERIES])
        ys = [*ys, np.sum(ys, axis=0) if frame.steps else np.zeros(0)]
        for line, y in zip(st["lines"], ys, strict=True):
            line.set_data(x, y)
        if frame.steps:
            st["ylim"] = max(st["ylim"], log_limits(1.0, max(float(np.max(ys[-1])), 1.0))[1])
        st["ax"].set_ylim(0, st["ylim"])
        return st["lines"], st["ylim"]


class ConstellationsPanel(ChartPanel):
    """Starlink vs Kuiper: satellites in orbit (left, log) and subscribers (right, millions)."""

    name = "constellations"

    def build(self, model: LiveModel) -> dict[str, Any]:
        live = LiveFigure(*PANEL_SIZE)
        ax = live.fig.add_subplot()
        ax2 = ax.twinx()
        _style(ax, model, "satellites in orbit (log)")
        ax.set_yscale("log")
        ax2.set_ylabel("subscribers [millions]")
        sats = _lines(ax, [("Starlink satellites", "#1f77b4", {"lw": 2}), ("Kuiper satellites", "#ff7f0e", {"lw": 2})])
        subs = _lines(ax2, [("Starlink subscribers", "#1f77b4", {"lw": 1.4, "ls": "--"}), ("Kuiper subscribers", "#ff7f0e", {"lw": 1.4, "ls": "--"})])
        _legend_above([ax, ax2], ncol=2)
        live.fig.subplots_adjust(left=0.12, right=0.88, top=0.80, bottom=0.09)
        return {"live": live, "ax": ax, "ax2": ax2, "lines": sats + subs, "slim": None, "ulim": 1.0}

    def update(self, model: LiveModel, frame: Frame, st: dict[str, Any]) -> tuple[list[Artist], Any]:
        x, (s_sat, k_sat, s_sub, k_sub) = model.history(frame, "starlink_satellites", "kuiper_satellites", "starlink_subscribers", "kuiper_subscribers")
        for line, y in zip(st["lines"], (s_sat, k_sat, s_sub / 1e6, k_sub / 1e6), strict=True):
            line.set_data(x, y)
        if frame.steps:
            sats = np.concatenate([s_sat[s_sat > 0], k_sat[k_sat > 0]])
            if sats.size:
                st["slim"] = log_limits(float(sats.min()), float(sats.max()), st["slim"])
            st["ulim"] = grow_limit(float(max(s_sub.max(), k_sub.max())) / 1e6, st["ulim"])
        st["ax"].set_ylim(*(st["slim"] or (10.0, 1e5)))
        st["ax2"].set_ylim(0, st["ulim"])
        return st["lines"], (st["slim"], st["ulim"])


class ValuePanel(ChartPanel):
    """SpaceX (+xAI): narrative mark vs perfect-foresight DCF vs run-rate value [USD trillions]."""

    name = "value"

    def build(self, model: LiveModel) -> dict[str, Any]:
        live = LiveFigure(*PANEL_SIZE)
        ax = live.fig.add_subplot()
        _style(ax, model, "SpaceX (+xAI) [USD trillions]")
        ax.axhline(0.0, color="black", lw=0.6)
        mark = ax.plot([], [], color="#9467bd", lw=2.2, label="narrative mark")[0]
        dcf = ax.plot([], [], color="#2ca02c", lw=2.0, marker="o", ms=4, drawstyle="steps-post", label="DCF of this run's after-tax FCF (perfect foresight)")[0]
        rate = ax.plot([], [], color="#2ca02c", lw=1.2, ls="--", label="run-rate: trailing-12-month after-tax FCF as a perpetuity")[0]
        _legend_above([ax], ncol=1)
        v = model.valuation
        note = f"after {100 * v.tax_rate:.0f}% tax; WACC {100 * v.wacc:.2f}%, terminal growth {100 * v.terminal_growth:.1f}%" + (f"; {v.note}" if v.note else "")
        ax.text(0.99, 0.02, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="#555555")
        live.fig.subplots_adjust(left=0.12, right=0.97, top=0.76, bottom=0.09)
        return {"live": live, "ax": ax, "lines": [mark, dcf, rate], "ylim": (-1.0, 1.0)}

    def update(self, model: LiveModel, frame: Frame, st: dict[str, Any]) -> tuple[list[Artist], Any]:
        x, (mark, fcf) = model.history(frame, "spacex_mark_usd", "spacex_fcf_usd")
        v = model.valuation
        rate = np.array([run_rate_value(fcf[: i + 1], v.wacc, v.terminal_growth, v.tax_rate) for i in range(frame.steps)]) / 1e12
        dx, dy = v.known_at(frame.steps, model.start_month)
        dy_t = np.asarray(dy) / 1e12
        if dx:  # hold the last revealed year's value up to today
            dx, dy_t = [*dx, float(x[-1])], np.append(dy_t, dy_t[-1])
        st["lines"][0].set_data(x, mark / 1e12)
        st["lines"][1].set_data(dx, dy_t)
        st["lines"][2].set_data(x, rate)
        lo, hi = st["ylim"]
        if frame.steps:
            values = np.concatenate([mark / 1e12, dy_t, rate[np.isfinite(rate)]])
            hi = grow_limit(float(values.max()), hi)
            lo = -grow_limit(float(-values.min()), -lo)
        st["ylim"] = (lo, hi)
        st["ax"].set_ylim(lo, hi)
        return st["lines"], st["ylim"]


def curved_edge(p0: tuple[float, float], p1: tuple[float, float], rad: float, shrink: float, head: float, n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """A curved arrow from ``p0`` to ``p1`` in a plane with equal units (inches).

    Quadratic Bezier whose control point sits ``rad`` times the chord length off the middle
    of the chord (matplotlib's ``arc3`` connection), trimmed by ``shrink`` at both ends.
    Returns (``n`` points of the curve, the 3 corners of an arrowhead of length ``head`` at
    the end).

    >>> pts, tri = curved_edge((0.0, 0.0), (1.0, 0.0), 0.0, 0.1, 0.05)
    >>> [round(float(v), 6) for v in (pts[0, 0], pts[-1, 0], tri[0, 0])]
    [0.1, 0.9, 0.9]
    """
    a, b = np.asarray(p0, float), np.asarray(p1, float)
    d = b - a
    length = float(np.hypot(*d))
    if length == 0:
        return np.repeat(a[None, :], n, axis=0), np.repeat(a[None, :], 3, axis=0)
    u = d / length
    a, b = a + u * shrink, b - u * shrink
    d = b - a
    ctrl = (a + b) / 2 + rad * np.array([d[1], -d[0]])
    t = np.linspace(0.0, 1.0, n)[:, None]
    pts = (1 - t) ** 2 * a + 2 * (1 - t) * t * ctrl + t**2 * b
    tangent = pts[-1] - pts[-2]
    tangent = tangent / max(float(np.hypot(*tangent)), 1e-12)
    normal = np.array([-tangent[1], tangent[0]])
    tip = pts[-1]
    base = tip - tangent * head
    tri = np.array([tip, base + normal * head * 0.45, base - normal * head * 0.45])
    return pts, tri


class NetworkPanel(ChartPanel):
    """The exchange network: a node per actor, an edge per trade link, width = this month's flow.

    Widths are relative to the largest flow of the same commodity this month (units differ
    between commodities); edges without flow are faint, cut links dashed, the capability
    signal dotted. Money edges are left out (they would connect everything to the market).
    Edges are one line collection and one collection of arrowheads, so a frame is cheap.
    """

    name = "network"
    full_width = True
    SIZE = (12.8, 4.6)  # [inch]
    AXES = (0.0, 0.0, 0.88, 0.90)  # figure fraction: left, bottom, width, height

    def build(self, model: LiveModel) -> dict[str, Any]:
        g = model.network
        pos = network_positions(g)
        size = self.SIZE
        live = LiveFigure(*size)
        ax = live.fig.add_axes(self.AXES)
        ax.set_axis_off()
        xs = [p[0] for p in pos.values()]
        xlim, ylim = (min(xs) - 0.3, max(xs) + 0.3), (-0.03, 1.03)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        # data units -> inches, so that curves and arrowheads are not distorted
        sx = size[0] * self.AXES[2] / (xlim[1] - xlim[0])
        sy = size[1] * self.AXES[3] / (ylim[1] - ylim[0])
        scale = np.array([sx, sy])
        edges, curves, heads, styles = [], [], [], []
        for s, b, c, d in g.edges(keys=True, data=True):
            if c == "money":
                continue
            pts, tri = curved_edge(tuple(np.asarray(pos[s]) * scale), tuple(np.asarray(pos[b]) * scale), 0.08, 0.09, 0.07)
            curves.append(pts / scale)
            heads.append(tri / scale)
            enabled, signal = bool(d["enabled"]), bool(d["signal"])
            styles.append((0, (3, 2)) if not enabled else ((0, (1, 1.5)) if signal else "solid"))
            edges.append((s, b, c, enabled, signal, to_rgba(COMMODITY_COLOURS.get(c, "grey"))))
        lines = LineCollection(curves, linestyles=styles, zorder=2, capstyle="butt")
        arrowheads = PolyCollection(heads, zorder=2, linewidths=0)
        ax.add_collection(lines)
        ax.add_collection(arrowheads)
        companies = sorted({c for _, c in g.nodes(data="company")})
        palette = [
            "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
            "#dbdb8d", "#9edae5", "#d9d9d9", "#bcbddc", "#fdd0a2", "#c7e9c0", "#fcbba1",
        ]
        colour = {c: palette[i % len(palette)] for i, c in enumerate(companies)}
        names = list(g.nodes)
        over = live.overlay_axes(ax)  # nodes and names: drawn once, laid over the edges
        over.scatter([pos[n][0] for n in names], [pos[n][1] for n in names], s=150, c=[colour[g.nodes[n]["company"]] for n in names], edgecolors="black", linewidths=0.6)
        for n in names:
            over.text(pos[n][0], pos[n][1] - 0.045, n, ha="center", va="top", fontsize=7)
        handles = [Line2D([], [], color=col, lw=3, label=c) for c, col in COMMODITY_COLOURS.items() if c != "money"]
        handles.append(Line2D([], [], color="black", lw=1, ls=(0, (3, 2)), label="cut link"))
        live.fig.legend(handles=handles, loc="center right", fontsize=7, frameon=False, title="commodity", title_fontsize=7)
        title = live.fig.text(0.01, 0.985, "", va="top", fontsize=9)
        live.fig.text(0.01, 0.94, "edge width: this month's flow, relative to the largest of its commodity", va="top", fontsize=7, color="#555555")
        return {"live": live, "edges": edges, "lines": lines, "heads": arrowheads, "title": title}

    def update(self, model: LiveModel, frame: Frame, st: dict[str, Any]) -> tuple[list[Artist], Any]:
        peak: dict[str, float] = {}
        flow_of: dict[tuple[str, str, str], float] = {}
        for c, (sellers, buyers, x) in frame.flows.items():
            for i, s in enumerate(sellers):
                for j, b in enumerate(buyers):
                    flow_of[(s, b, c)] = float(x[i, j])
            peak[c] = float(np.max(x)) if x.size else 0.0
        widths, colours = [], []
        for s, b, c, enabled, signal, rgba in st["edges"]:
            if signal:
                width, alpha = 1.0, 0.8
            else:
                v = flow_of.get((s, b, c), 0.0)
                rel = v / peak[c] if peak.get(c) else 0.0
                width = 0.4 + 4.6 * float(np.sqrt(rel))
                alpha = 0.9 if (v > 0 or not enabled) else 0.12
            widths.append(width)
            colours.append((*rgba[:3], alpha))
        st["lines"].set_linewidths(widths)
        st["lines"].set_colors(colours)
        st["heads"].set_facecolors(colours)
        cut = sum(1 for e in st["edges"] if not e[3])
        st["title"].set_text(f"Exchange network, {frame.date or 'before the first month'}" + (f" ({cut} link{'s' if cut != 1 else ''} cut)" if cut else ""))
        return [st["lines"], st["heads"], st["title"]], None


def compute_by_source(model: LiveModel, frame: Frame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(x, series [EFLOP/s]) of AI compute by source; Google's metric includes its Suncatcher
    satellites, which count in orbit, not on the ground."""
    x, (odc, g_orb, sc, xai_t, oai, google) = model.history(
        frame, "odc_compute_eflops", "google_orbital_compute_eflops", "starcloud_compute_eflops",
        "terrestrial_compute_eflops", "openai_compute_eflops", "google_compute_eflops",
    )
    return x, {
        "SpaceX orbital (xAI)": odc,
        "other orbital": g_orb + sc,
        "xAI terrestrial": xai_t,
        "OpenAI terrestrial": oai,
        "Google terrestrial": np.maximum(google - g_orb, 0.0),
    }


def orbital_share(model: LiveModel, frame: Frame) -> float:
    """Share of the modelled AI compute that runs in orbit in the frame's month [fraction]."""
    if not frame.steps:
        return 0.0
    _, series = compute_by_source(model, frame)
    last = {k: float(v[-1]) for k, v in series.items()}
    orbital = last["SpaceX orbital (xAI)"] + last["other orbital"]
    total = sum(last.values())
    return orbital / total if total > 0 else 0.0


def now_panel(model: LiveModel) -> Any:
    """The date, the scenario and its changes, and this month's headline numbers (text)."""
    frame = model.frame
    meta = model.scenario.scenario
    parts = [f"<h2 style='margin: 0 0 4px 0'>{escape(frame.date or meta.start_month + ' (not started)')}</h2>"]
    parts.append(
        f"<div>Month {frame.steps} of {model.n_steps} · <b>{escape(meta.name)}</b> — {escape(meta.description)}"
        f" · seed {model.seed_value}</div>"
    )
    if model.seed_note:
        parts.append(f"<div style='color: #b26a00'>{escape(model.seed_note)}</div>")
    changes = model.settings.describe()
    if changes:
        parts.append("<div>Changed from the scenario: " + "; ".join(escape(c) for c in changes) + "</div>")
    if frame.steps:
        _, (launch, cost, subs, odc_gw, cap, fcf, mark) = model.history(
            frame, "spacex_launches", "launch_cost_usd_per_kg", "starlink_subscribers", "odc_power_gw",
            "xai_capability_index", "spacex_fcf_usd", "spacex_mark_usd",
        )
        v = model.valuation
        years, values = v.known_at(frame.steps, model.start_month)
        dcf = f"{format_value(values[-1])} USD (start of {years[-1]:.0f})" if values else (v.note or "—")
        share = orbital_share(model, frame)
        cells = [
            ("SpaceX launches", f"{format_value(float(_per_year(launch)[-1]))} /yr"),
            ("cost to LEO", f"{format_value(float(cost[-1]))} USD/kg"),
            ("Starlink subscribers", format_value(float(subs[-1]))),
            ("orbital DC power", f"{float(odc_gw[-1]):.2f} GW"),
            ("xAI capability", f"{format_value(float(cap[-1]))} index"),
            ("SpaceX free cash flow (pre-tax)", f"{format_value(float(_per_year(fcf)[-1]))} USD/yr"),
            ("orbital share of modelled AI compute", f"{100 * share:.2g}%"),
            ("narrative mark", f"{format_value(float(mark[-1]))} USD"),
            ("DCF of this run's after-tax FCF (perfect foresight)", dcf),
            ("run-rate value (trailing after-tax FCF as a perpetuity)", f"{format_value(run_rate_value(fcf, v.wacc, v.terminal_growth, v.tax_rate))} USD"),
        ]
        rows = "".join(f"<tr><td style='padding: 1px 12px 1px 0'>{escape(k)}</td><td style='text-align: right'><b>{escape(v)}</b></td></tr>" for k, v in cells)
        parts.append(f"<table style='margin-top: 6px; font-size: 0.9rem'>{rows}</table>")
        if not model.running:
            parts.append(f"<div style='margin-top: 6px'><b>End of the run ({escape(meta.end_month)}).</b> Reset to start again.</div>")
    return solara.HTML(tag="div", unsafe_innerHTML="".join(parts), classes=["ecosim-panel", "ecosim-now"], style="padding: 8px; font-size: 0.95rem")




# ------------------------------------------------------------------ interactive line panels


@solara.component
def ChartCard(spec: LinePanel, figure: dict[str, Any], csv: Callable[[], str]) -> None:
    """A titled panel: its one-line explanation, the interactive chart and a CSV download."""
    with solara.Column(gap="2px", classes=["ecosim-panel", "ecosim-chart", f"ecosim-{spec.name}"], style={"padding": "6px", "border": "1px solid #e3e3e3"}):
        solara.HTML(tag="div", unsafe_innerHTML=f"<b>{escape(spec.title)}</b><div style='font-size: 0.8rem; color: #555'>{escape(spec.explain)}</div>")
        PlotlyChart(figure=figure)
        with solara.Div(classes=[f"csv-{spec.name}"]):
            solara.FileDownload(csv, filename=f"ecosim-{spec.name}.csv", label="Download the data (CSV)")


def line_panel(spec: LinePanel) -> Callable[[LiveModel], Any]:
    """A page panel (``model -> element``) drawing ``spec`` for the model's current frame, with
    the reference run's ghost when one is chosen."""
    metrics = sorted({m for s in spec.series for m in s.metrics})

    def panel(model: LiveModel) -> Any:
        n = model.frame.steps
        values = spec.values({m: model.values[:n, _COLUMN[m]] for m in metrics}, n)
        dates = month_dates(model.start_month, n)
        ghost = None
        ref = model.reference
        if ref is not None:
            gseries = {m: ref.results.series[m][:, 0] for m in metrics}
            ghost = (ref.label, ref.results.months, spec.values(gseries, len(ref.results.months)))
        fig = spec.figure(dates, values, (format_month(model.start_month), format_month(model.end_month)), ghost)
        return ChartCard(spec, fig, lambda: spec.table(dates, values).to_csv(index=False))

    panel.__name__ = f"{spec.name}_panel"
    panel.full_width = spec.full_width  # type: ignore[attr-defined]
    return panel


#: The panels in page order; every one is ``model -> solara element``.
PANELS: list[Callable[[LiveModel], Any]] = [
    now_panel,
    *[line_panel(spec) for spec in LINE_PANELS],
    ValuePanel(),
    scorecard_panel,
    NetworkPanel(),
]
