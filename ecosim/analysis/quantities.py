"""One definition per quantity: what a figure printed for a year means, in every command.

``ecosim run``'s table, ``ecosim compare``'s outcomes, ``ecosim odc-cost``, the scorecard, the
HTML reports and the browser view all read a year's figure of a quantity through
:func:`year_value`, so they print the same number under the same name. A year of a monthly
metric is read by the quantity's **reading**:

=========  ===========================================================================
``total``  a flow: its calendar-year total (full years only) [unit per year]
``end``    a stock, a price or a ratio: its value in December of the year (year end)
``start``  a value or a mark: its value in January of the year (start of year), the date
           ``ecosim value`` values a company at, so a mark and a value of the same year
           are set side by side
=========  ===========================================================================

The ``end`` column of a table reads each source at its own end (:func:`end_value`): the last
month (``end``), the last 12 months (``total``), the start of the last full year (``start``).

Names say what a number is: *cost* is what SpaceX spends per kg to orbit
(``launch_cost_usd_per_kg``), *price* what an outside customer pays
(``launch_price_usd_per_kg``); "SpaceX+xAI" is SpaceX with xAI from the merger month on.

The equity value (``equity_value``) comes from :func:`ecosim.finance.series_value.results_equity`
(the same DCF as ``ecosim value``); this module only reads it at the start of a year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecosim.timeline import full_years, trailing_twelve_months

READINGS = ("total", "end", "start")


@dataclass(frozen=True)
class Quantity:
    """A figure a command prints for a year.

    Attributes
    ----------
    key : stable identifier (``launch_cost``); JSON outputs use it.
    label : the name every command prints ("SpaceX launch cost to LEO").
    unit : unit of the figure as read (a flow's total is per year: ``launches/yr``).
    metric : the monthly metric it reads (``timeseries.parquet`` column), or for an equity
        value ``equity:COMPANY`` (:func:`ecosim.finance.series_value.results_equity`).
    reading : ``total``, ``end`` or ``start`` (module docstring).
    """

    key: str
    label: str
    unit: str
    metric: str
    reading: str

    def __post_init__(self) -> None:
        if self.reading not in READINGS:
            raise ValueError(f"{self.key}: reading must be one of {', '.join(READINGS)} (got {self.reading!r})")

    @property
    def when(self) -> str:
        """How a year is read, in words (for table notes).

        >>> QUANTITIES["spacex_mark"].when
        'January'
        """
        return {"total": "calendar-year total", "end": "December", "start": "January"}[self.reading]


def _q(key: str, label: str, unit: str, metric: str, reading: str) -> Quantity:
    return Quantity(key, label, unit, metric, reading)


#: Every quantity a command prints for a year, by key, in the order of ``ecosim run``'s table.
QUANTITIES: dict[str, Quantity] = {
    q.key: q
    for q in (
        _q("spacex_launches", "SpaceX launches", "launches/yr", "spacex_launches", "total"),
        _q("starship_launches", "Starship launches", "launches/yr", "starship_launches", "total"),
        _q("launch_cost", "SpaceX launch cost to LEO", "USD/kg", "launch_cost_usd_per_kg", "end"),
        _q("launch_price", "SpaceX launch price to LEO (outside customers)", "USD/kg", "launch_price_usd_per_kg", "end"),
        _q("starlink_satellites", "Starlink satellites", "satellites", "starlink_satellites", "end"),
        _q("starlink_subscribers", "Starlink subscribers", "subscribers", "starlink_subscribers", "end"),
        _q("kuiper_satellites", "Kuiper satellites", "satellites", "kuiper_satellites", "end"),
        _q("tesla_deliveries", "Tesla deliveries", "vehicles/yr", "tesla_deliveries", "total"),
        _q("tesla_fleet", "Tesla fleet", "vehicles", "tesla_fleet_vehicles", "end"),
        _q("fsd_miles", "FSD miles, cumulative", "miles", "fsd_miles_cumulative", "end"),
        _q("cybercabs", "Cybercabs", "vehicles", "cybercab_fleet", "end"),
        _q("optimus_robots", "Optimus robots", "robots", "optimus_robots", "end"),
        _q("data_to_xai", "Data reaching xAI", "PB/yr", "data_collected_pb", "total"),
        _q("odc_power", "Orbital DC power (SpaceX)", "GW", "odc_power_gw", "end"),
        _q("odc_cost_ratio", "Orbital / terrestrial cost ratio", "ratio", "odc_cost_ratio", "end"),
        _q("odc_compute", "Orbital compute (SpaceX)", "EFLOP/s", "odc_compute_eflops", "end"),
        _q("xai_terrestrial_compute", "Terrestrial compute (xAI)", "EFLOP/s", "terrestrial_compute_eflops", "end"),
        _q("xai_capability", "xAI capability", "index", "xai_capability_index", "end"),
        _q("pv_price", "PV module price", "USD/W", "pv_module_price_usd_per_w", "end"),
        _q("spacex_revenue", "SpaceX+xAI revenue", "USD/yr", "spacex_revenue_usd", "total"),
        _q("spacex_fcf", "SpaceX+xAI free cash flow", "USD/yr", "spacex_fcf_usd", "total"),
        _q("spacex_equity", "SpaceX+xAI equity value", "USD", "equity:spacex", "start"),
        _q("spacex_mark", "SpaceX+xAI narrative mark", "USD", "spacex_mark_usd", "start"),
        _q("tesla_revenue", "Tesla revenue", "USD/yr", "tesla_revenue_usd", "total"),
        _q("tesla_equity", "Tesla equity value", "USD", "equity:tesla", "start"),
    )
}

#: The rows of ``ecosim run``'s table of key outcomes.
RUN_TABLE: tuple[str, ...] = (
    "spacex_launches", "starship_launches", "launch_cost", "launch_price", "starlink_satellites", "starlink_subscribers",
    "kuiper_satellites", "tesla_deliveries", "tesla_fleet", "fsd_miles", "cybercabs", "optimus_robots", "data_to_xai",
    "odc_power", "odc_cost_ratio", "odc_compute", "xai_terrestrial_compute", "xai_capability", "pv_price",
    "spacex_revenue", "spacex_fcf", "spacex_mark",
)


def equity_key(company: str) -> str:
    """The series key under which a company's equity values are read (``equity:spacex``)."""
    return f"equity:{company}"


def with_equity(series: Mapping[str, np.ndarray], equity: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``series`` plus each company's equity values (January rows of (months, members)) under
    :func:`equity_key`, so equity quantities read like any metric."""
    return {**series, **{equity_key(c): v for c, v in equity.items()}}


def _as_2d(x: np.ndarray) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return a.reshape(len(a), -1)


def year_value(series: Mapping[str, np.ndarray], dates: Sequence[str], q: Quantity, year: int) -> np.ndarray:
    """The figure of ``q`` for ``year``, one per member (members,); NaN where the run cannot
    give it (a year outside the run, a partial year for a total, a metric not recorded).

    ``series``: metric -> (months,) or (months, members) values over ``dates`` (``YYYY-MM``).

    >>> dates = [f"2026-{m:02d}" for m in range(1, 13)]
    >>> s = {"spacex_launches": np.arange(1.0, 13.0), "launch_cost_usd_per_kg": np.arange(12.0), "spacex_mark_usd": np.arange(12.0)}
    >>> [float(year_value(s, dates, QUANTITIES[k], 2026)[0]) for k in ("spacex_launches", "launch_cost", "spacex_mark")]
    [78.0, 11.0, 0.0]
    """
    if q.metric not in series:
        return np.full(1 if not series else _as_2d(next(iter(series.values()))).shape[1], np.nan)
    x = _as_2d(series[q.metric])
    nan = np.full(x.shape[1], np.nan)
    month = {"end": f"{year}-12", "start": f"{year}-01"}.get(q.reading)
    if month is not None:
        return x[dates.index(month)].copy() if month in dates else nan
    rows = [i for i, d in enumerate(dates) if d.startswith(f"{year}-")]
    return x[rows].sum(axis=0) if len(rows) == 12 else nan


def end_value(series: Mapping[str, np.ndarray], dates: Sequence[str], q: Quantity) -> np.ndarray:
    """The figure of ``q`` at the run's own end, per member: the last month (``end``), the last
    12 months (``total``), the start of the last full year (``start``).

    >>> dates = [f"2026-{m:02d}" for m in range(1, 13)] + ["2027-01"]
    >>> float(end_value({"spacex_launches": np.ones(13)}, dates, QUANTITIES["spacex_launches"])[0])
    12.0
    """
    if q.reading == "start":
        years = full_years(dates)
        if years:
            return year_value(series, dates, q, years[-1])
    if q.metric not in series:
        return np.full(1, np.nan)
    x = _as_2d(series[q.metric])
    if q.reading == "end":
        return x[-1].copy()
    if q.reading == "total" and len(dates) >= 12:
        return trailing_twelve_months(x)[-1]
    return np.full(x.shape[1], np.nan)


def month_value(series: Mapping[str, np.ndarray], dates: Sequence[str], metric: str, month: str) -> np.ndarray:
    """A metric's value in one month (``YYYY-MM``), per member; NaN when the month or metric is missing.

    >>> float(month_value({"odc_cost_ratio": np.array([2.0, 1.5])}, ["2026-01", "2026-02"], "odc_cost_ratio", "2026-02")[0])
    1.5
    """
    if metric not in series or month not in dates:
        return np.full(1, np.nan)
    return _as_2d(series[metric])[dates.index(month)].copy()


def yearly_table(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    keys: Sequence[str],
    years: Sequence[int],
    member: int = 0,
) -> pd.DataFrame:
    """One row per quantity (``keys``), a column per year: the figures of one member, as
    ``ecosim run`` prints them (columns ``key``, ``label``, ``unit``, then each year)."""
    rows = []
    for k in keys:
        q = QUANTITIES[k]
        row: dict[str, object] = {"key": k, "label": q.label, "unit": q.unit}
        for y in years:
            v = year_value(series, dates, q, y)
            row[str(y)] = float(v[member]) if len(v) > member else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def table_years(dates: Sequence[str], wanted: Sequence[int] = (2028, 2030, 2035)) -> list[int]:
    """The years a run's table shows: every year of a run of up to 7 years, else its first,
    the ``wanted`` years it covers and its last.

    >>> table_years([f"{y}-01" for y in range(2026, 2041)])
    [2026, 2028, 2030, 2035, 2040]
    """
    years = sorted({int(d[:4]) for d in dates})
    if len(years) <= 7:
        return years
    return sorted({years[0], *[y for y in wanted if y in years], years[-1]})
