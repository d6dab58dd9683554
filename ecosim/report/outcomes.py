"""The key outcomes of each compared source by year, with the difference to the first.

A year's value of an outcome depends on how it is read (``how``):

``sum``    total of a monthly flow over the calendar year (full years only) [unit/yr]
``last``   a stock at the year's last month
``first``  a value in the year's January (the narrative mark, to set against the value)
``value``  equity value at the start of the year, as ``ecosim value`` computes it (multi-stage
           DCF after tax from that year on, normalised terminal value, plus cash; the
           scenario's cost of capital), from the company's metrics
           (:mod:`ecosim.finance.series_value`); ``metric`` is its free-cash-flow metric
``gap``    the narrative mark in January minus the equity value at the start of the year
``share``  equity value as a share of the narrative mark [%]

The ``end`` column reads each source at its own end: the last month for stocks, the last 12
months for flows, the start of the last full year for values. For an experiment (several
members) the table holds the median and the 10th and 90th percentiles over its runs; the
difference to the first source is the difference of medians.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecosim.finance.series_value import company_of
from ecosim.report.numbers import human, signed
from ecosim.report.sources import Source
from ecosim.timeline import full_years, trailing_twelve_months

TABLE_YEARS = (2028, 2030, 2035, 2040)


@dataclass(frozen=True)
class Outcome:
    """A row of the outcomes table: label, unit after reading, how a year is read, metric
    (for ``gap`` and ``share``: the mark metric and the free-cash-flow metric, comma-separated)."""

    label: str
    unit: str
    how: str
    metric: str


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("SpaceX launches", "launches/yr", "sum", "spacex_launches"),
    Outcome("Starship launches", "launches/yr", "sum", "starship_launches"),
    Outcome("Launch cost to LEO", "USD/kg", "last", "launch_cost_usd_per_kg"),
    Outcome("Starlink satellites", "satellites", "last", "starlink_satellites"),
    Outcome("Starlink subscribers", "subscribers", "last", "starlink_subscribers"),
    Outcome("Orbital DC power", "GW", "last", "odc_power_gw"),
    Outcome("Orbital compute (SpaceX)", "EFLOP/s", "last", "odc_compute_eflops"),
    Outcome("Terrestrial compute (xAI)", "EFLOP/s", "last", "terrestrial_compute_eflops"),
    Outcome("Orbital / terrestrial cost", "ratio", "last", "odc_cost_ratio"),
    Outcome("Data collected by xAI", "PB/yr", "sum", "data_collected_pb"),
    Outcome("xAI capability", "index", "last", "xai_capability_index"),
    Outcome("SpaceX+xAI revenue", "USD/yr", "sum", "spacex_revenue_usd"),
    Outcome("SpaceX+xAI free cash flow", "USD/yr", "sum", "spacex_fcf_usd"),
    Outcome("SpaceX+xAI equity value", "USD", "value", "spacex_fcf_usd"),
    Outcome("SpaceX+xAI narrative mark", "USD", "first", "spacex_mark_usd"),
    Outcome("Valuation gap (mark - value)", "USD", "gap", "spacex_mark_usd,spacex_fcf_usd"),
    Outcome("Value as share of mark", "%", "share", "spacex_mark_usd,spacex_fcf_usd"),
    Outcome("Tesla revenue", "USD/yr", "sum", "tesla_revenue_usd"),
    Outcome("Tesla equity value", "USD", "value", "tesla_fcf_usd"),
)


def table_columns(sources: Sequence[Source]) -> list[str]:
    """Year columns (of :data:`TABLE_YEARS`) that some source covers, then ``end`` unless every
    source ends in December of a listed year."""
    cols = [str(y) for y in TABLE_YEARS if any(s.dates[0][:4] <= str(y) <= s.dates[-1][:4] for s in sources)]
    if any(not (s.dates[-1].endswith("-12") and s.dates[-1][:4] in cols) for s in sources):
        cols.append("end")
    return cols


def _month_index(dates: list[str], month: str) -> int | None:
    try:
        return dates.index(month)
    except ValueError:
        return None


def read_outcome(source: Source, outcome: Outcome, column: str) -> np.ndarray:
    """One outcome of one source in one column, per member (members,); NaN where the source
    cannot give it (year outside the run, partial year, metric not recorded)."""
    k = source.members
    nan = np.full(k, np.nan)
    metrics = outcome.metric.split(",")
    stored = source.scalars.get((outcome.metric, outcome.how, column))
    if stored is not None:
        return np.asarray(stored, dtype=float)
    if any(m not in source.series for m in metrics):
        return nan
    d = source.dates
    if outcome.how in ("value", "first", "gap", "share"):
        full = full_years(d)
        year: int | None = (full[-1] if full else None) if column == "end" else int(column)
        if year is None or year not in full:
            return nan
        i = d.index(f"{year}-01")
        if outcome.how == "first":
            return source.series[metrics[0]][i].astype(float)
        company = company_of(metrics[-1])
        if company not in source.equity:
            return nan
        value = source.equity[company][i]
        if outcome.how == "value":
            return value
        mark = source.series[metrics[0]][i].astype(float)
        if outcome.how == "gap":
            return mark - value
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(mark > 0, 100.0 * value / mark, np.nan)
    x = source.series[metrics[0]]
    if outcome.how == "last":
        last = len(d) - 1 if column == "end" else _month_index(d, f"{column}-12")
        return nan if last is None else x[last].astype(float)
    if outcome.how == "sum":
        if column == "end":
            return trailing_twelve_months(x)[-1] if len(d) >= 12 else nan
        rows = [i for i, m in enumerate(d) if m.startswith(column + "-")]
        return x[rows].sum(axis=0) if len(rows) == 12 else nan
    raise ValueError(f"how must be sum, last, first, value, gap or share (got {outcome.how!r})")


def outcomes_table(sources: Sequence[Source], outcomes: Sequence[Outcome] = OUTCOMES) -> pd.DataFrame:
    """The tidy outcomes table: one row per (outcome, column, source) with median, p10, p90,
    members, and the difference of medians to the first source (absolute and in %)."""
    cols = table_columns(sources)
    rows = []
    for o in outcomes:
        for col in cols:
            first = np.nan
            for j, s in enumerate(sources):
                v = read_outcome(s, o, col)
                finite = v[np.isfinite(v)]
                med = float(np.median(finite)) if len(finite) else np.nan
                if j == 0:
                    first = med
                rows.append({
                    "outcome": o.label,
                    "unit": o.unit,
                    "column": col,
                    "source": s.label,
                    "median": med,
                    "p10": float(np.quantile(finite, 0.1)) if len(finite) else np.nan,
                    "p90": float(np.quantile(finite, 0.9)) if len(finite) else np.nan,
                    "members": int(len(finite)),
                    "diff_to_first": med - first,
                    "diff_to_first_pct": 100.0 * (med - first) / abs(first) if np.isfinite(first) and first != 0 else np.nan,
                })
    return pd.DataFrame(rows)


def _cell(row: pd.Series, unit: str) -> str:
    text = human(float(row["median"]), unit)
    if row["members"] > 1:
        text += f" [{human(float(row['p10']), unit)}, {human(float(row['p90']), unit)}]"
    return text


def display_table(tidy: pd.DataFrame, sources: Sequence[Source]) -> pd.DataFrame:
    """The table as shown: one row per (outcome, column), the outcome named on its first row
    only, a column per source with its value (median and [p10, p90] for experiments) and,
    after each source but the first, its difference to the first (``Δ vs FIRST``)."""
    labels = [s.label for s in sources]
    out_rows: list[dict[str, str]] = []
    for (outcome, col), g in tidy.groupby(["outcome", "column"], sort=False):
        unit = str(g["unit"].iloc[0])
        first_of_group = not out_rows or out_rows[-1]["_outcome"] != outcome
        row: dict[str, str] = {"_outcome": str(outcome), "outcome": f"{outcome} [{unit}]" if first_of_group else "", "year": str(col)}
        by_source = {str(r["source"]): r for _, r in g.iterrows()}
        for i, label in enumerate(labels):
            r = by_source[label]
            row[label] = _cell(r, unit)
            if i > 0:
                row[f"Δ {label} vs {labels[0]}"] = signed(float(r["diff_to_first"]), unit)
        out_rows.append(row)
    return pd.DataFrame(out_rows).drop(columns="_outcome")
