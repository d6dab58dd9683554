"""One plot style for every ecosim figure: units on axes, dates on x, legend outside the data,
one colour per scenario kept across figures, one colour per commodity.

* :func:`scenario_colours` gives each scenario of a figure set its colour from a colour-blind
  safe palette (Okabe-Ito): a bundled scenario always has its own (baseline blue,
  musk_narrative vermillion, skeptic bluish green, ...), others take the
  remaining palette colours in order, so a scenario keeps its colour in every figure of a
  report and across reports.
* :func:`new_figure` / :func:`panels` start a figure in the house style; :func:`unit_axis` labels
  an axis with its unit and readable tick labels ($B, $T, M); :func:`date_axis` puts years on x;
  :func:`legend_outside` / :func:`figure_legend` keep legends off the data; :func:`finish` saves.
* :func:`plot_members` draws one source's series: a line for a single run, a median line with
  50 % and 80 % bands (a fan chart) for an ensemble or experiment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

from ecosim.numbers import human  # noqa: E402

#: Okabe & Ito's colour-blind safe palette (Okabe M., Ito K., "Color Universal Design", 2008),
#: then neutral greys: no red/green pair, distinct under deuteranopia and protanopia.
SCENARIO_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#7f7f7f", "#b0b0b0", "#F0E442"]
#: the bundled scenarios' own colours (a scenario looks the same in every figure and report)
BUNDLED_SCENARIO_COLOURS = {
    "baseline": "#0072B2",
    "musk_narrative": "#D55E00",
    "skeptic": "#009E73",
    "china_pv": "#E69F00",
    "kuiper_race": "#CC79A7",
    "regulatory_drag": "#56B4E9",
    "history": "#7f7f7f",
}
#: a gain and a loss in a bridge or waterfall: neutral greys, never a scenario's colour
GAIN_COLOUR = "#4d4d4d"
LOSS_COLOUR = "#bdbdbd"
COMMODITY_COLOURS = {
    "launch_mass": "#d62728",
    "pv_modules": "#ff7f0e",
    "accelerators": "#9467bd",
    "power": "#bcbd22",
    "compute": "#1f77b4",
    "leased_compute": "#393b79",
    "data": "#2ca02c",
    "bandwidth": "#17becf",
    "labour": "#8c564b",
    "money": "#7f7f7f",
    "capability": "#e377c2",
}
DPI = 110
#: quantile bands of a fan chart, widest first: (low, high, opacity)
FAN_BANDS = ((0.10, 0.90, 0.15), (0.25, 0.75, 0.30))
STYLE: dict[str, Any] = {
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "legend.fontsize": 9,
}


def scenario_colour(index: int) -> str:
    """The palette's colour number ``index`` (wrapping around)."""
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]


def scenario_colours(names: Sequence[str], scenarios: Sequence[str] | None = None) -> dict[str, str]:
    """A colour per name, kept across figures.

    ``scenarios`` (default: ``names``) gives the scenario each name shows; the first name showing
    a bundled scenario gets that scenario's own colour, every other name the next unused colour,
    those no bundled scenario owns first.

    >>> scenario_colours(["skeptic", "mine", "baseline", "baseline #2"], ["skeptic", "mine", "baseline", "baseline"])
    {'skeptic': '#009E73', 'mine': '#000000', 'baseline': '#0072B2', 'baseline #2': '#b0b0b0'}
    """
    scenarios = list(scenarios) if scenarios is not None else list(names)
    out: dict[str, str] = {}
    for name, sc in zip(names, scenarios, strict=True):
        own = BUNDLED_SCENARIO_COLOURS.get(sc)
        if own and own not in out.values():
            out[name] = own
    bundled = set(BUNDLED_SCENARIO_COLOURS.values())
    shown = {c for n, c in BUNDLED_SCENARIO_COLOURS.items() if n in scenarios}
    free = [c for c in SCENARIO_COLOURS if c not in bundled] + [c for c in SCENARIO_COLOURS if c in bundled - shown] + sorted(shown)
    for name in names:
        if name not in out:
            out[name] = next((c for c in free if c not in out.values()), scenario_colour(len(out)))
    return {n: out[n] for n in names}


def apply_style() -> None:
    """Set the house style on matplotlib's defaults."""
    plt.rcParams.update(STYLE)  # type: ignore[arg-type]


def new_figure(width: float = 9.0, height: float = 4.8, **kw: object) -> tuple[Figure, Axes]:
    """A one-panel figure in the house style."""
    apply_style()
    fig, ax = plt.subplots(figsize=(width, height), **kw)  # type: ignore[call-overload]
    return fig, ax


def panels(n: int, ncols: int | None = None, width: float = 4.4, height: float = 3.3, title: str | None = None) -> tuple[Figure, list[Axes]]:
    """A figure of ``n`` panels (``ncols`` per row, default all in one row), each ``width`` x
    ``height`` inches, in the house style; extra cells of the grid are hidden."""
    apply_style()
    ncols = ncols or n
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, fontsize=12, fontweight="bold", x=0.01, ha="left")
    return fig, flat[:n]


def to_dates(date_strings: pd.Series | Sequence[str]) -> pd.DatetimeIndex:
    """``YYYY-MM`` strings as month-start timestamps."""
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(list(date_strings)).astype(str) + "-01"))


def date_axis(ax: Axes) -> None:
    """Years on the x axis: a tick every year on spans up to 8 years, every second year up to
    16, every fifth beyond (call after plotting)."""
    lo, hi = ax.get_xlim()
    span_yr = (hi - lo) / 365.25
    ax.xaxis.set_major_locator(mdates.YearLocator(base=1 if span_yr <= 8 else 2 if span_yr <= 16.5 else 5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def log_subs(lo: float, hi: float) -> tuple[float, ...]:
    """Labelled multiples of each power of ten on a log axis from ``lo`` to ``hi`` (as plotted so
    far): 1, 2, 5 over several decades; more within one or two, so a short axis (a cost from 95 to
    290 USD/kg) is not left with one or two labels.

    >>> log_subs(95, 290), log_subs(1, 50), log_subs(0.1, 1e6)
    ((1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0), (1.0, 2.0, 3.0, 5.0), (1.0, 2.0, 5.0))
    """
    decades = np.log10(hi / lo) if lo > 0 and hi > lo else np.inf
    if decades < 1.0:
        return (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
    if decades < 2.5:
        return (1.0, 2.0, 3.0, 5.0)
    return (1.0, 2.0, 5.0)


def unit_axis(ax: Axes, label: str, unit: str, log: bool = False, symlog: float | None = None) -> None:
    """Label the y axis ``label [unit]`` and format its ticks readably ($B/$T for money, M for
    millions); ``log`` or ``symlog`` (with that linear threshold) scales it."""
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=log_subs(*ax.get_ylim())))
        ax.yaxis.set_minor_formatter(NullFormatter())
    elif symlog is not None:
        ax.set_yscale("symlog", linthresh=symlog)
    scale = " (log)" if log else " (symlog)" if symlog is not None else ""
    ax.set_ylabel(f"{label} [{unit}]{scale}" if unit else label + scale)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: "0" if v == 0 else human(v, unit)))


def plot_members(ax: Axes, dates: Sequence[str], values: np.ndarray, colour: str, label: str, lw: float = 1.8, **line: object) -> Artist:
    """One source's monthly series on ``ax``: the line of a single run, or, for several
    members (an ensemble, an experiment's runs), the median with :data:`FAN_BANDS`.
    ``lw`` is the line width. Returns the line (for a legend)."""
    x = to_dates(dates)
    v = np.asarray(values, dtype=float)
    if v.ndim == 1 or v.shape[1] == 1:
        (ln,) = ax.plot(x, v.reshape(len(x)), color=colour, lw=lw, label=label, **line)  # type: ignore[arg-type]
        return ln
    with np.errstate(all="ignore"):
        for lo, hi, alpha in FAN_BANDS:
            ql = np.nanquantile(v, lo, axis=1)
            qh = np.nanquantile(v, hi, axis=1)
            ax.fill_between(x, ql, qh, color=colour, alpha=alpha, lw=0)
        med = np.nanmedian(v, axis=1)
    (ln,) = ax.plot(x, med, color=colour, lw=lw, label=label, **line)  # type: ignore[arg-type]
    return ln


def line_width(index: int) -> float:
    """Width of source number ``index``'s lines: the first widest, each next one thinner, so
    sources that coincide still show every colour.

    >>> [line_width(i) for i in range(5)]
    [3.0, 2.3, 1.6, 1.2, 1.2]
    """
    return max(1.2, round(3.0 - 0.7 * index, 2))


def legend_outside(ax: Axes, **kw: object) -> None:
    """The axes' legend to the right of the data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, **kw)


def figure_legend(fig: Figure, handles: Sequence[Artist], labels: Sequence[str], title: str | None = None) -> None:
    """One legend for a whole figure, to the right of every panel."""
    fig.legend(list(handles), list(labels), loc="upper left", bbox_to_anchor=(1.0, 0.95), frameon=False, title=title)


def finish(fig: Figure, path: str) -> None:
    """Lay out, save (legends outside included) and close."""
    fig.tight_layout()
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
