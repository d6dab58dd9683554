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

from ecosim.analysis.quantities import QUANTITIES, Quantity, end_value, equity_key, year_value
from ecosim.finance.series_value import company_of
from ecosim.numbers import human, signed
from ecosim.report.sources import Source
from ecosim.timeline import full_years

TABLE_YEARS = (2028, 2030, 2035, 2040)


@dataclass(frozen=True)
class Outcome:
    """A row of the outcomes table: label, unit after reading, how a year is read, metric
    (for ``gap`` and ``share``: the mark metric and the free-cash-flow metric, comma-separated)."""

    label: str
    unit: str
    how: str
    metric: str


def _from(key: str) -> Outcome:
    """The outcome row of a quantity of :mod:`ecosim.analysis.quantities` (same name, unit and reading)."""
    q = QUANTITIES[key]
    how = {"total": "sum", "end": "last", "start": "first"}[q.reading]
    if q.metric.startswith("equity:"):
        return Outcome(q.label, q.unit, "value", f"{q.metric.split(':')[1]}_fcf_usd")
    return Outcome(q.label, q.unit, how, q.metric)


OUTCOMES: tuple[Outcome, ...] = (
    *(_from(k) for k in (
        "spacex_launches", "starship_launches", "launch_cost", "starlink_satellites", "starlink_subscribers", "odc_power",
        "odc_compute", "xai_terrestrial_compute", "odc_cost_ratio", "data_to_xai", "xai_capability", "spacex_revenue",
        "spacex_fcf", "spacex_equity", "spacex_mark",
    )),
    Outcome("Valuation gap (mark - value)", "USD", "gap", "spacex_mark_usd,spacex_fcf_usd"),
    Outcome("Value as share of mark", "%", "share", "spacex_mark_usd,spacex_fcf_usd"),
    _from("tesla_revenue"),
    _from("tesla_equity"),
)


def table_columns(sources: Sequence[Source]) -> list[str]:
    """Year columns (of :data:`TABLE_YEARS`) that some source covers, then ``end`` unless every
    source ends in December of a listed year."""
    cols = [str(y) for y in TABLE_YEARS if any(s.dates[0][:4] <= str(y) <= s.dates[-1][:4] for s in sources)]
    if any(not (s.dates[-1].endswith("-12") and s.dates[-1][:4] in cols) for s in sources):
        cols.append("end")
    return cols


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
    if outcome.how in ("sum", "last", "first", "value"):
        reading = {"sum": "total", "last": "end", "first": "start", "value": "start"}[outcome.how]
        if outcome.how == "value":
            company = company_of(metrics[-1])
            if company not in source.equity:
                return nan
            series = {equity_key(company): source.equity[company]}
            q = Quantity(outcome.label, outcome.label, outcome.unit, equity_key(company), reading)
        else:
            series = source.series
            q = Quantity(outcome.label, outcome.label, outcome.unit, metrics[0], reading)
        v = end_value(series, d, q) if column == "end" else year_value(series, d, q, int(column))
        return np.broadcast_to(v, (k,)).astype(float)
    if outcome.how in ("gap", "share"):
        full = full_years(d)
        year: int | None = (full[-1] if full else None) if column == "end" else int(column)
        company = company_of(metrics[-1])
        if year is None or year not in full or company not in source.equity:
            return nan
        start = Quantity("value", "value", "USD", equity_key(company), "start")
        value = year_value({equity_key(company): source.equity[company]}, d, start, year)
        mark = year_value(source.series, d, Quantity("mark", "mark", "USD", metrics[0], "start"), year)
        if outcome.how == "gap":
            return mark - value
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(mark > 0, 100.0 * value / mark, np.nan)
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
