"""The calibration table: every history row, measured by the mapping, none dropped."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.analysis.calibration import (
    STATUS_NONE,
    STATUS_OUTSIDE,
    HistoryRow,
    RowMap,
    history_rows,
    history_table,
    row_maps,
    row_values,
)
from ecosim.metrics import METRICS
from ecosim.timeline import parse_month

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "history.csv"


@pytest.mark.skipif(not SHARED.is_file(), reason="the shared data directory is not beside the repository")
def test_every_shared_history_row_is_in_the_project_copy() -> None:
    """ecosim/data/history.csv holds every row of ../shared/data/history.csv with the same value, basis and source."""
    ours = {(r.metric, r.period): r for r in history_rows()}
    with SHARED.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            mine = ours.get((row["metric"], row["period"]))
            assert mine is not None, f"{row['metric']} {row['period']} is missing"
            assert (mine.value, mine.basis, mine.source, mine.unit) == (float(row["value"]), row["basis"], row["source"], row["unit"])


def test_every_history_metric_is_mapped_to_existing_metrics() -> None:
    """Each history metric has a mapping row; each model metric it names exists; none-rows say why."""
    maps = row_maps()
    for r in history_rows():
        m = maps[r.metric]
        assert all(t in METRICS for t in m.terms)
        if m.role == "none":
            assert m.note and not m.terms
        assert r.uncertainty_frac > 0


def test_history_table_lists_every_row(history_run) -> None:
    """The history run's table has one line per history.csv row, in order, each with a status."""
    ts = history_run.timeseries
    series = {c: ts[c].to_numpy(dtype=float)[:, None] for c in METRICS}
    table = history_table(series, parse_month("2020-01"), history_run.scenario.model)
    rows = history_rows()
    assert [(c.metric, c.period) for c in table] == [(r.metric, r.period) for r in rows]
    status = {(c.metric, c.period): c.status for c in table}
    assert status[("xai_revenue_projection", "2029")] == STATUS_OUTSIDE
    assert status[("ai_segment_operating_income", "2025")] == STATUS_NONE
    assert status[("openai_revenue", "2024")] == "fit"
    assert status[("spacex_orbital_launches", "2020")] == "fit"
    launches_2022 = next(c for c in table if c.metric == "spacex_orbital_launches" and c.period == "2022")
    assert launches_2022.model == pytest.approx(ts.loc[ts["date"].str.startswith("2022"), "falcon_launches"].sum())


def _map(aggregate: str, offset: float = 0.0, scale: float = 1.0) -> dict[str, RowMap]:
    return {"x": RowMap("x", ("falcon_launches",), "", aggregate, scale, offset, "fit", frozenset(), "")}


@pytest.mark.parametrize(
    ("aggregate", "period", "expected"),
    [
        ("sum", "2021", sum(range(12, 24))),  # months 12..23 of the run
        ("sum", "2021-Q2", 15 + 16 + 17),
        ("end", "2021", 23),
        ("end", "2020-03", 2),
        ("annualized", "2020-06", 12 * 5),
        ("mean", "2020", 5.5),
        ("cumulative", "2020-04", 0 + 1 + 2 + 3 + 100),
    ],
)
def test_aggregates_against_hand_sums(aggregate: str, period: str, expected: float) -> None:
    """A flow 0, 1, 2, ... per month from 2020-01: each aggregate gives the hand-computed number."""
    series = {"falcon_launches": np.arange(36.0)[:, None]}
    row = HistoryRow("x", "u", period, 1.0, "", "", 0.1)
    v = row_values([row], series, parse_month("2020-01"), maps=_map(aggregate, offset=100.0 if aggregate == "cumulative" else 0.0))
    assert v[0, 0] == pytest.approx(expected)


def test_row_outside_the_run_is_nan() -> None:
    """A yearly sum the run covers only partly has no value."""
    series = {"falcon_launches": np.ones((18, 2))}
    row = HistoryRow("x", "u", "2021", 1.0, "", "", 0.1)
    assert np.isnan(row_values([row], series, parse_month("2020-01"), maps=_map("sum"))).all()


def test_a_ratio_row_divides_two_flows_summed_over_its_period() -> None:
    """A margin row: EBITDA 30 + 50 over revenue 100 + 300 in the year is 0.2 (not 0.233, the
    mean of the monthly ratios 0.3 and 0.167)."""
    months = [2030 * 12 + i for i in range(12)]
    ebitda = np.zeros((12, 1))
    revenue = np.zeros((12, 1))
    ebitda[0], ebitda[1], revenue[0], revenue[1] = 30.0, 50.0, 100.0, 300.0
    rows = [HistoryRow("x", "frac", "2030", 0.2, "", "", 0.1)]
    maps = {"x": RowMap("x", ("starlink_ebitda_usd",), "", "ratio", 1.0, 0.0, "fit", frozenset(), "", ("starlink_revenue_usd",))}
    got = row_values(rows, {"starlink_ebitda_usd": ebitda, "starlink_revenue_usd": revenue}, months[0], maps=maps)
    assert_allclose(got, [[0.2]])
