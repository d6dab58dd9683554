"""Figures of ``ecosim compare``: each source's series overlaid (fan charts for experiments) and
the narrative scorecard on a timeline, in the house style (:mod:`ecosim.report.style`).

Every figure takes the sources and their colours (:func:`ecosim.report.style.scenario_colours`),
so a scenario has one colour in every figure of a report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ecosim.analysis.scorecard import SYMBOLS, ClaimEval
from ecosim.finance.gap import marks
from ecosim.finance.series_value import company_of
from ecosim.numbers import human
from ecosim.report.sources import Source
from ecosim.report.style import (
    GAIN_COLOUR,
    LOSS_COLOUR,
    date_axis,
    figure_legend,
    finish,
    line_width,
    new_figure,
    panels,
    plot_members,
    to_dates,
    unit_axis,
)
from ecosim.report.valuation_view import COMPANY_LABELS, PairBridge
from ecosim.timeline import trailing_twelve_months


@dataclass(frozen=True)
class Panel:
    """One panel of a series figure.

    ``how``: ``value`` plots the monthly values; ``year`` a monthly flow as a rate per year
    (trailing 12-month total; over the first months of a run, the months so far annualised);
    ``dcf`` the equity value at the start of each year, as ``ecosim value`` computes it
    (``metric`` is the company's free-cash-flow metric).
    ``dashed`` is a second metric drawn dashed in the same colour; ``reference`` a horizontal
    line with its label.
    """

    title: str
    metric: str
    label: str
    unit: str
    how: str = "value"
    log: bool = False
    symlog: float | None = None
    dashed: str | None = None
    dashed_label: str = ""
    reference: tuple[float, str] | None = None


#: name -> (title, panels): the overlaid series of the report
SERIES_FIGURES: dict[str, tuple[str, tuple[Panel, ...]]] = {
    "series_launch": ("Launch", (
        Panel("SpaceX launches", "spacex_launches", "launches", "launches/yr", "year"),
        Panel("Starship launches", "starship_launches", "launches", "launches/yr", "year"),
        Panel("SpaceX cost to LEO", "launch_cost_usd_per_kg", "cost", "USD/kg", log=True),
    )),
    "series_starlink": ("Starlink", (
        Panel("Starlink satellites in orbit", "starlink_satellites", "satellites", "satellites", log=True),
        Panel("Starlink subscribers", "starlink_subscribers", "subscribers", "subscribers"),
        Panel("Kuiper satellites in orbit", "kuiper_satellites", "satellites", "satellites"),
    )),
    "series_compute": ("Orbital vs terrestrial compute", (
        Panel("SpaceX orbital data-center power", "odc_power_gw", "IT power", "GW"),
        Panel("Orbital (solid) vs xAI terrestrial compute", "odc_compute_eflops", "compute", "EFLOP/s", symlog=10.0,
              dashed="terrestrial_compute_eflops", dashed_label="xAI terrestrial"),
        Panel("Orbital / terrestrial lifetime cost", "odc_cost_ratio", "cost ratio", "-", reference=(1.0, "break-even")),
    )),
    "series_ai": ("Data and AI", (
        Panel("Real-world data reaching xAI", "data_collected_pb", "data", "PB/yr", "year"),
        Panel("xAI capability", "xai_capability_index", "capability", "index"),
        Panel("AI chips waiting for power", "chips_unpowered_h100e", "accelerators", "H100e"),
    )),
    "series_finance": ("SpaceX + xAI finances", (
        Panel("SpaceX+xAI revenue", "spacex_revenue_usd", "revenue", "USD/yr", "year"),
        Panel("SpaceX+xAI free cash flow (before raises)", "spacex_fcf_usd", "free cash flow", "USD/yr", "year", reference=(0.0, "")),
        Panel("Equity value from cash flows (solid) vs the narrative's price (dashed, not a forecast)", "spacex_fcf_usd", "value", "USD", "dcf",
              dashed="spacex_mark_usd", dashed_label="narrative mark"),
    )),
}


def panel_values(source: Source, metric: str, how: str) -> np.ndarray | None:
    """A panel's values of one source, (months, members): the metric, its rate per year, or the
    company's equity value at the start of each year (None when the source lacks the metric)."""
    if metric not in source.series:
        return None
    x = source.series[metric]
    if how == "year":
        return trailing_twelve_months(x, partial="annualise")
    if how == "dcf":
        return source.equity.get(company_of(metric))
    return x


def market_marks(entities: Sequence[str] = ("SpaceX+xAI", "SpaceX")) -> pd.DataFrame:
    """Narrative marks of these entities from ``ecosim/data/valuation_marks.csv`` (date, value_usd)."""
    rows = [m for m in marks() if m.entity in entities and m.narrative]
    return pd.DataFrame({"entity": [m.entity for m in rows], "date": [m.date for m in rows], "value_usd": [m.value_usd for m in rows]})


def series_figure(name: str, sources: Sequence[Source], colours: dict[str, str], folder: Path) -> Path:
    """One figure of :data:`SERIES_FIGURES` with every source overlaid."""
    title, spec = SERIES_FIGURES[name]
    fig, axes = panels(len(spec), title=title)
    handles: dict[str, object] = {}
    for ax, p in zip(axes, spec, strict=True):
        for j, s in enumerate(sources):
            lw = line_width(j)
            v = panel_values(s, p.metric, p.how)
            if v is None:
                continue
            if p.how == "dcf":
                ok = np.isfinite(v).any(axis=1)
                dates = [d for d, k in zip(s.dates, ok, strict=True) if k]
                line = plot_members(ax, dates, v[ok], colours[s.label], s.label, lw=lw, marker="o", ms=3)
            else:
                line = plot_members(ax, s.dates, v, colours[s.label], s.label, lw=lw)
            handles.setdefault(s.label, line)
            if p.dashed and p.dashed in s.series:
                plot_members(ax, s.dates, s.series[p.dashed], colours[s.label], f"{s.label} {p.dashed_label}", lw=lw, ls="--")
        if p.reference is not None:
            ax.axhline(p.reference[0], color="black", lw=0.8, ls=":")
            if p.reference[1]:
                ax.annotate(p.reference[1], (0.01, p.reference[0]), xycoords=("axes fraction", "data"), fontsize=8, va="bottom")
        if p.how == "dcf":
            marks = market_marks()
            ax.scatter(to_dates(marks["date"]), marks["value_usd"], color="black", marker="D", s=18, zorder=5)
            handles.setdefault("market marks (valuation_marks.csv)", Line2D([], [], color="black", marker="D", ls="", ms=4))
        ax.set_title(p.title, fontsize=10)
        unit_axis(ax, p.label, p.unit, log=p.log, symlog=p.symlog)
        date_axis(ax)
    for p in spec:
        if p.dashed:
            handles.setdefault(f"dashed: {p.dashed_label}", Line2D([], [], color="grey", ls="--"))
    if any(s.members > 1 for s in sources):
        handles.setdefault("experiments, posterior draws: median, 50% and 80% bands", Line2D([], [], color="grey", lw=6, alpha=0.3))
    figure_legend(fig, list(handles.values()), list(handles), title="scenario")  # type: ignore[arg-type]
    path = folder / f"{name}.png"
    finish(fig, str(path))
    return path


def _mpl_text(text: str) -> str:
    r"""Text shown literally by matplotlib (a ``$`` would start mathtext).

    >>> _mpl_text("$1.25T")
    '\\$1.25T'
    """
    return text.replace("$", r"\$")


def _date_num(month: str) -> float:
    return float(mdates.date2num(pd.Timestamp(month + "-15")))


def scorecard_figure(evals: dict[str, list[ClaimEval]], sources: Sequence[Source], colours: dict[str, str], path: Path) -> Path:
    """When each testable claim comes true in each source: a filled marker on time, a hollow
    one late; experiments at the median year, labelled with the probability on time. A black
    bar marks the deadline; claims are rows (seed:line)."""
    first = evals[sources[0].label]
    rows = [i for i, e in enumerate(first) if e.claim.test is not None]
    n = len(rows)
    fig, ax = new_figure(12.5, 0.34 * n + 1.6)
    k = len(sources)
    lo = min(s.dates[0] for s in sources)
    hi = max(s.dates[-1] for s in sources)
    never_x = _date_num(f"{int(hi[:4]) + 1}-06")  # "never in the run": right of the run's end, as the interactive chart
    for r, i in enumerate(rows):
        y = n - 1 - r
        claim = first[i].claim
        if claim.test and claim.test.deadline:
            ax.plot([_date_num(claim.test.deadline)] * 2, [y - 0.4, y + 0.4], color="black", lw=2.2, solid_capstyle="butt")
        for j, s in enumerate(sources):
            e = evals[s.label][i]
            dy = ((k - 1) / 2 - j) * (0.6 / max(k, 1))
            status = e.status.astype(str)
            came = np.isin(status, ("true", "late"))
            if e.claim.test and e.claim.test.check == "always":
                failed = status == "false"
                if failed.any():
                    fails = sorted(str(w) for w in e.when[failed])
                    x = _date_num(fails[len(fails) // 2])
                    ax.scatter([x], [y + dy], s=40, marker="x", color=colours[s.label], alpha=max(0.25, float(np.mean(failed))), zorder=4)
                continue
            if not came.any() and not (s.members == 1 and status[0] == "open"):
                ax.scatter([never_x], [y + dy], s=40, marker="x", color=colours[s.label], alpha=0.8, linewidths=1.0, zorder=4)
            elif s.members == 1:
                if came[0]:
                    face = colours[s.label] if status[0] == "true" else "white"
                    ax.scatter([_date_num(str(e.when[0]))], [y + dy], s=40, color=face, edgecolors=colours[s.label], linewidths=1.5, zorder=4)
            elif came.any():
                years = np.array([int(str(w)[:4]) for w in e.when[came]])
                med = float(np.median(years))
                x = float(mdates.date2num(pd.Timestamp(f"{int(med)}-07-01")))
                p = float(np.mean(status == "true"))
                ax.scatter([x], [y + dy], s=40, color=colours[s.label], alpha=max(0.25, p), edgecolors=colours[s.label], zorder=4)
                ax.annotate(f"p={p:.2f}", (x, y + dy), xytext=(5, -3), textcoords="offset points", fontsize=7, color=colours[s.label])
    labels = [_mpl_text(f"{first[i].claim.claim[:62]}{'…' if len(first[i].claim.claim) > 62 else ''} ({first[i].claim.short_source})") for i in rows]
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels[::-1], fontsize=8)
    ax.set_ylim(-0.7, n - 0.3)
    deadlines = [_date_num(d) for i in rows if (t := first[i].claim.test) is not None and (d := t.deadline) is not None]
    ax.set_xlim(_date_num(lo) - 60, max([never_x, *deadlines]) + 120)
    ax.axvline(_date_num(hi) + 15, color="0.6", lw=0.8, ls="--")
    ax.xaxis_date()
    date_axis(ax)
    ax.text(never_x, n - 0.45, "never", ha="center", va="bottom", fontsize=8, color="0.3")
    ax.set_xlabel("month the claim first comes true [date]")
    ax.set_title("Narrative scorecard: when each claim first comes true\n(filled: by its deadline, hollow: late, x: an every-year claim first fails, or, right of the dashed end of the run, never)")
    handles = [Line2D([], [], color=colours[s.label], marker="o", ls="", ms=6) for s in sources]
    names = [s.label + (f" (median year, {s.members} runs; p = on time)" if s.members > 1 else "") for s in sources]
    handles.append(Line2D([], [], color="black", marker="|", ls="", ms=10, mew=2.2))
    names.append("deadline")
    ax.legend(handles, names, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    finish(fig, str(path))
    return path


def scorecard_cell(e: ClaimEval) -> str:
    """A source's verdict for the report table: ``✓ true 2029-03`` / ``p=0.40, median 2031``."""
    status = e.status.astype(str)
    if len(status) == 1 or status[0] in ("not modelled", "not recorded"):
        text = SYMBOLS[status[0]]
        return f"{text} {e.when[0]}".rstrip() if status[0] in ("true", "late", "false") and e.when[0] else text
    came = np.isin(status, ("true", "late"))
    p = float(np.mean(status == "true"))
    if e.claim.test and e.claim.test.check == "always":
        return f"p={p:.2f}"
    med = f", median {int(np.median([int(str(w)[:4]) for w in e.when[came]]))}" if came.any() else ""
    return f"p={p:.2f} (by end {float(np.mean(came)):.2f}{med})"


def bridge_figure(bridges: Sequence[PairBridge], colours: dict[str, str], path: Path) -> Path:
    """Waterfalls of each company's equity value from the first run to each other run: the
    first run's value, each segment's, the assumptions' and the cash's share of the change
    (neutral greys: dark adds value, light takes it away, so they never read as scenario
    colours), the other run's value; one panel per (company, pair)."""
    fig, axes = panels(len(bridges), ncols=min(2, len(bridges)), width=6.6, height=0.42 * (len(bridges[0].bridge.steps) + 2) + 1.2,
                       title="Valuation bridges: equity value at the valuation date, first run → each other run")
    for ax, pb in zip(axes, bridges, strict=True):
        b = pb.bridge
        labels = [f"{pb.a} (start)"] + [_mpl_text(k) for k, _ in b.steps] + [f"{pb.b} (end)"]
        y = np.arange(len(labels))[::-1]
        ax.barh(y[0], b.value_a, color=colours[pb.a])
        left = b.value_a
        for i, (_, v) in enumerate(b.steps, start=1):
            ax.barh(y[i], v, left=left, color=GAIN_COLOUR if v >= 0 else LOSS_COLOUR)
            ax.annotate(human(v, "USD") if abs(v) >= 1e6 else "~0", (max(left, left + v), y[i]), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)
            left += v
        ax.barh(y[-1], b.value_b, color=colours[pb.b])
        ax.axvline(0, color="black", lw=0.6)
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_title(_mpl_text(f"{COMPANY_LABELS.get(b.company, b.company)}, start of {b.year}: {pb.a} → {pb.b}"), fontsize=10)
        ax.set_xlabel("equity value [USD]")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: "0" if v == 0 else human(v, "USD")))
        ax.grid(axis="y", visible=False)
    finish(fig, str(path))
    return path
