"""Calibration: every row of the public history against a run's monthly series.

Two data files drive it:

``ecosim/data/history.csv``
    one published figure a row: ``metric, unit, period, value, basis, source, uncertainty_frac``.
    ``period`` is a calendar year (``2024``), a quarter (``2025-Q1``) or a month (``2024-12``);
    ``uncertainty_frac`` is the figure's own 1-sigma uncertainty as a fraction of its value
    (an exact launch count 0.02, a filing 0.01-0.05, an analyst's estimate 0.20, a company
    target 0.5; ``docs/calibration.md`` gives the classes).

``ecosim/data/calibration_map.csv``
    one row per history metric: which model metric(s) measure it (``a+b`` sums metrics;
    ``param:path`` reads a scenario field, ``[*]`` sums a list), how to aggregate the monthly
    series over the period, a scale and an offset, and its role:

    ==========  ==================================================================
    ``fit``     the model measures the same thing: in the discrepancy of the fit
    ``check``   shown with its error, not fitted: a target or projection, or a
                metric of narrower scope than the published figure (the note says how)
    ``input``   a scenario input taken from the figure (shown against the field)
    ``none``    not represented: the model has no metric for it (the note says why)
    ==========  ==================================================================

    Aggregates: ``sum`` (a monthly flow summed over the period), ``end`` (a stock at the end
    of the period), ``annualized`` (12 x the flow in the period's last month), ``mean``
    (average over the period), ``cumulative`` (the flow summed from the run's start to the
    end of the period, plus ``offset``), ``input`` (the scenario field), ``ratio`` (model
    ``a/b``: the flow ``a`` summed over the period over the flow ``b`` summed over it, e.g. a
    margin).
    ``asserted`` lists the periods a test holds within ±25 % (``all`` for every period).

Every history row appears in :func:`history_table`, whatever its role, with the model's
value (the median over ensemble members, and the 5-95 % range when there are several),
its error and its stated uncertainty; a row outside the run's months says so.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from ecosim.errors import ScenarioError
from ecosim.timeline import parse_month

ROLES = ("fit", "check", "input", "none")
AGGREGATES = ("sum", "end", "annualized", "mean", "cumulative", "input", "ratio")
STATUS_OUTSIDE = "outside the run"
#: a row after the history's months, checked against the run that continues the history (never asserted)
STATUS_FORWARD = "forward check"
STATUS_NONE = "not represented"

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_months(period: str) -> tuple[int, int]:
    """First and last absolute month of a period ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``.

    >>> from ecosim.timeline import format_month
    >>> [format_month(m) for m in period_months("2025-Q2")]
    ['2025-04', '2025-06']
    >>> [format_month(m) for m in period_months("2024")]
    ['2024-01', '2024-12']
    """
    if m := _YEAR.match(period):
        y = int(m.group(1))
        return y * 12, y * 12 + 11
    if m := _QUARTER.match(period):
        first = int(m.group(1)) * 12 + 3 * (int(m.group(2)) - 1)
        return first, first + 2
    month = parse_month(period)
    return month, month


@dataclass(frozen=True)
class HistoryRow:
    """One published figure of ``history.csv``."""

    metric: str
    unit: str
    period: str
    value: float
    basis: str
    source: str
    uncertainty_frac: float  #: the figure's 1-sigma uncertainty as a fraction of its value [-]

    @property
    def months(self) -> tuple[int, int]:
        return period_months(self.period)

    @property
    def year(self) -> int:
        """Calendar year the period ends in (backtests split on it)."""
        return self.months[1] // 12

    @property
    def key(self) -> str:
        return f"{self.metric}@{self.period}"


@dataclass(frozen=True)
class RowMap:
    """How the model measures one history metric (a row of ``calibration_map.csv``)."""

    metric: str
    terms: tuple[str, ...]  #: model metrics summed (empty for inputs and unrepresented rows)
    param: str  #: scenario field path for inputs ("" otherwise)
    aggregate: str
    scale: float
    offset: float
    role: str
    asserted: frozenset[str]
    note: str
    denominator: tuple[str, ...] = ()  #: model metrics summed below the line (aggregate ``ratio``)

    def asserts(self, period: str) -> bool:
        return "all" in self.asserted or period in self.asserted


def _data_file(name: str) -> Any:
    return resources.files("ecosim") / "data" / name


def _number(origin: str, field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(f"{origin}: {field} must be a number (got {text!r})") from None
    if not np.isfinite(value):
        raise ScenarioError(f"{origin}: {field} must be finite (got {text!r})")
    return value


@lru_cache(maxsize=1)
def history_rows() -> tuple[HistoryRow, ...]:
    """Every row of ``ecosim/data/history.csv``, validated."""
    out: list[HistoryRow] = []
    seen: set[tuple[str, str]] = set()
    with _data_file("history.csv").open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            origin = f"ecosim/data/history.csv line {i}"
            u = _number(origin, "uncertainty_frac", row.get("uncertainty_frac") or "")
            if u <= 0:
                raise ScenarioError(f"{origin}: uncertainty_frac must be > 0 (got {u:g})")
            try:
                period_months(row["period"])
            except ValueError:
                raise ScenarioError(f"{origin}: period must be YYYY, YYYY-Qn or YYYY-MM (got {row['period']!r})") from None
            if (row["metric"], row["period"]) in seen:
                raise ScenarioError(f"{origin}: {row['metric']} {row['period']} appears twice")
            seen.add((row["metric"], row["period"]))
            out.append(HistoryRow(row["metric"], row["unit"], row["period"], _number(origin, "value", row["value"]), row["basis"], row["source"], u))
    return tuple(out)


@lru_cache(maxsize=1)
def row_maps() -> dict[str, RowMap]:
    """``calibration_map.csv``: one :class:`RowMap` per history metric, validated.

    Every metric of ``history.csv`` must be mapped (a row the model cannot measure is mapped
    with role ``none``), and every model metric named must exist, so that no row is dropped
    silently when the world changes.
    """
    from ecosim.metrics import METRICS

    out: dict[str, RowMap] = {}
    with _data_file("calibration_map.csv").open(encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            origin = f"ecosim/data/calibration_map.csv line {i}"
            role = row["role"]
            if role not in ROLES:
                raise ScenarioError(f"{origin}: role must be one of {', '.join(ROLES)} (got {role!r})")
            model = row["model"].strip()
            param = ""
            terms: tuple[str, ...] = ()
            below: tuple[str, ...] = ()
            if role != "none":
                if row["aggregate"] not in AGGREGATES:
                    raise ScenarioError(f"{origin}: aggregate must be one of {', '.join(AGGREGATES)} (got {row['aggregate']!r})")
                if (row["aggregate"] == "ratio") != ("/" in model):
                    raise ScenarioError(f"{origin}: aggregate 'ratio' goes with model 'a/b' and only with it (got {row['aggregate']!r}, {model!r})")
                if model.startswith("param:"):
                    param = model.removeprefix("param:")
                else:
                    above, _, under = model.partition("/")
                    terms = tuple(t.strip() for t in above.split("+"))
                    below = tuple(t.strip() for t in under.split("+")) if under else ()
                    for t in terms + below:
                        if t not in METRICS:
                            raise ScenarioError(f"{origin}: model must name metrics of ecosim.metrics joined by '+' (got {t!r})")
                if (row["aggregate"] == "input") != bool(param):
                    raise ScenarioError(f"{origin}: aggregate 'input' goes with model 'param:PATH' and only with it (got {row['aggregate']!r}, {model!r})")
            out[row["metric"]] = RowMap(
                row["metric"], terms, param, row["aggregate"] or "",
                _number(origin, "scale", row["scale"] or "1"), _number(origin, "offset", row["offset"] or "0"),
                role, frozenset(row["asserted"].split()), row["note"], below,
            )
    missing = sorted({r.metric for r in history_rows()} - set(out))
    if missing:
        raise ScenarioError(f"ecosim/data/calibration_map.csv: every history metric must be mapped (missing {', '.join(missing)})")
    return out


# ------------------------------------------------------------------ measuring rows


def _param_value(params: Any, path: str) -> float:
    """A scenario field of a (validated) scenario model; ``[*]`` sums over a list."""
    node: list[Any] = [params]
    for part in re.findall(r"[^.\[\]]+|\[\*\]|\[\d+\]", path):
        if part == "[*]":
            node = [x for n in node for x in n]
        elif part.startswith("["):
            node = [n[int(part[1:-1])] for n in node]
        else:
            node = [getattr(n, part) for n in node]
    return float(sum(float(x) for x in node))


def row_values(
    rows: Sequence[HistoryRow],
    series: Mapping[str, np.ndarray],
    start_month: int,
    scenario: Any = None,
    maps: Mapping[str, RowMap] | None = None,
) -> np.ndarray:
    """The model's value of each row, shape (rows, members): NaN where it has none.

    ``series`` maps metric names to arrays of shape (months, members) starting at
    ``start_month``; ``scenario`` (the validated scenario model) answers ``input`` rows.
    """
    maps = row_maps() if maps is None else maps
    n_months = len(next(iter(series.values())))
    K = next(iter(series.values())).shape[1]
    out = np.full((len(rows), K), np.nan)
    for i, row in enumerate(rows):
        m = maps[row.metric]
        if m.role == "none":
            continue
        if m.param:
            if scenario is not None:
                out[i] = _param_value(scenario, m.param) * m.scale + m.offset
            continue
        first, last = (a - start_month for a in row.months)
        if m.aggregate == "cumulative":
            first = 0
        if first < 0 or last >= n_months:
            continue
        flow = sum((np.asarray(series[t], dtype=float) for t in m.terms), np.zeros((n_months, K)))
        if m.aggregate == "ratio":
            under = sum((np.asarray(series[t], dtype=float) for t in m.denominator), np.zeros((n_months, K)))[first : last + 1].sum(axis=0)
            above = flow[first : last + 1].sum(axis=0)
            v = np.divide(above, under, out=np.full(K, np.nan), where=under != 0)
        elif m.aggregate in ("sum", "cumulative"):
            v = flow[first : last + 1].sum(axis=0)
        elif m.aggregate == "end":
            v = flow[last]
        elif m.aggregate == "annualized":
            v = 12.0 * flow[last]
        else:  # mean
            v = flow[first : last + 1].mean(axis=0)
        out[i] = v * m.scale + m.offset
    return out


def needed_metrics(rows: Sequence[HistoryRow], maps: Mapping[str, RowMap] | None = None) -> set[str]:
    """Model metrics that :func:`row_values` reads for ``rows``."""
    maps = row_maps() if maps is None else maps
    return {t for r in rows for t in maps[r.metric].terms + maps[r.metric].denominator}


# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Check:
    """One history row against the model: the median over members and its 5-95 % range."""

    metric: str
    period: str
    unit: str
    published: float
    model: float
    source: str
    asserted: bool = False
    uncertainty_frac: float = float("nan")
    status: str = "fit"  #: fit, check, input, not represented, outside the run
    note: str = ""
    p5: float = float("nan")
    p95: float = float("nan")
    members: int = 1

    @property
    def represented(self) -> bool:
        return self.status in ("fit", "check", "input", STATUS_FORWARD)

    @property
    def error_frac(self) -> float:
        """(model - published) / |published| [-] (NaN when the model has no value)."""
        return (self.model - self.published) / abs(self.published) if self.published else float("nan")

    @property
    def z(self) -> float:
        """Error in units of the row's stated uncertainty [-]."""
        return self.error_frac / self.uncertainty_frac

    def passes(self, tolerance: float = 0.25) -> bool:
        return bool(abs(self.error_frac) <= tolerance)

    def covered(self) -> bool:
        """The published figure lies within the model's 5-95 % range."""
        return bool(self.p5 <= self.published <= self.p95)


def history_table(
    series: Mapping[str, np.ndarray],
    start_month: int,
    scenario: Any = None,
    rows: Sequence[HistoryRow] | None = None,
) -> list[Check]:
    """Every history row against ``series`` (months x members), in ``history.csv`` order."""
    rows = history_rows() if rows is None else rows
    return checks_of(rows, row_values(rows, series, start_month, scenario), scenario is not None)


def checks_of(rows: Sequence[HistoryRow], values: np.ndarray, with_inputs: bool = True) -> list[Check]:
    """Rows and their model values (rows, members) as :class:`Check` lines (median, 5-95 %)."""
    maps = row_maps()
    out: list[Check] = []
    for row, v in zip(rows, np.asarray(values, dtype=float), strict=True):
        m = maps[row.metric]
        if m.role == "none":
            status = STATUS_NONE
        elif not np.isfinite(v).any() and not (m.param and not with_inputs):
            status = STATUS_OUTSIDE
        else:
            status = m.role
        finite = v[np.isfinite(v)]
        med, p5, p95 = (np.percentile(finite, q) for q in (50, 5, 95)) if len(finite) else (np.nan,) * 3
        out.append(Check(
            row.metric, row.period, row.unit, row.value, float(med), row.source, m.asserts(row.period),
            row.uncertainty_frac, status, m.note, float(p5), float(p95), len(finite),
        ))
    return out


def with_forward(checks: Sequence[Check], forward: Sequence[Check], run_label: str) -> list[Check]:
    """``checks`` (of a history run) with each row outside that run that ``forward`` (the checks
    of the run that continues it, ``run_label``) gives a value: a forward check, never asserted,
    its note naming the run.

    >>> h = [Check("x", "2029", "USD/yr", 14e9, float("nan"), "bank", status=STATUS_OUTSIDE, note="a projection")]
    >>> f = [Check("x", "2029", "USD/yr", 14e9, 20e9, "bank", status="check", note="a projection")]
    >>> c = with_forward(h, f, "baseline")[0]
    >>> c.status, round(c.error_frac, 2), c.asserted, c.note
    ('forward check', 0.43, False, 'a projection; checked against the baseline run, which continues the history')
    """
    by_key = {(c.metric, c.period): c for c in forward if c.represented and np.isfinite(c.model)}
    out = []
    for c in checks:
        f = by_key.get((c.metric, c.period)) if c.status == STATUS_OUTSIDE else None
        note = "; ".join(x for x in (c.note, f"checked against the {run_label} run, which continues the history") if x)
        out.append(c if f is None else dataclasses.replace(f, status=STATUS_FORWARD, asserted=False, note=note))
    return out


def series_of(timeseries: pd.DataFrame) -> tuple[dict[str, np.ndarray], int]:
    """A one-member ``timeseries`` frame as (metric -> (months, 1) arrays, start month)."""
    cols = {c: timeseries[c].to_numpy(dtype=float)[:, None] for c in timeseries.columns if c not in ("date", "member")}
    return cols, parse_month(str(timeseries["date"].iloc[0]))


def calibration_table(timeseries: pd.DataFrame, scenario: Any = None) -> list[Check]:
    """Every history row against a one-member run (``timeseries``; ``scenario`` answers inputs)."""
    series, start = series_of(timeseries)
    return history_table(series, start, scenario)
