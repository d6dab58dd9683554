"""One plot style for every ecosim figure: units on axes, dates on x, legend outside the data,
one colour per scenario kept across figures, one colour per commodity."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

SCENARIO_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]
COMMODITY_COLOURS = {
    "launch_mass": "#d62728",
    "pv_modules": "#ff7f0e",
    "accelerators": "#9467bd",
    "power": "#bcbd22",
    "compute": "#1f77b4",
    "data": "#2ca02c",
    "bandwidth": "#17becf",
    "labour": "#8c564b",
    "money": "#7f7f7f",
    "capability": "#e377c2",
}
DPI = 110


def scenario_colour(index: int) -> str:
    return SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)]


def new_figure(width: float = 9.0, height: float = 4.8, **kw: object) -> tuple[Figure, Axes]:
    plt.rcParams.update({"font.size": 10, "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False})
    fig, ax = plt.subplots(figsize=(width, height), **kw)  # type: ignore[call-overload]
    return fig, ax


def to_dates(date_strings: pd.Series | list[str]) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(pd.Series(date_strings).astype(str) + "-01"))


def date_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(mdates.YearLocator(base=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def legend_outside(ax: Axes, **kw: object) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, **kw)


def finish(fig: Figure, path: str) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
