"""Forward checks: a history row after the history's months (xAI's bankers' 2029 projection,
OpenAI's and Anthropic's own projections, OpenAI's compute commitment) is checked against the run that
continues the history (baseline), one run or posterior members, printed as a forward check and
never asserted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.analysis.calibration import STATUS_FORWARD, STATUS_OUTSIDE, calibration_table
from ecosim.results import Results
from ecosim.results.posterior import Posterior
from ecosim.run import RunResult, continuation_of, forward_checks
from ecosim.timeline import parse_month
from tests.posterior_store import write_store

#: whole module: the forward checks simulate the baseline that continues the history (to 2033) and
#: posterior members of it
pytestmark = pytest.mark.slow


def _projection(checks: list) -> object:
    return next(c for c in checks if c.metric == "xai_revenue_projection")


@pytest.fixture(scope="module")
def checks(history_run: RunResult) -> list:  # type: ignore[type-arg]
    """The history run's calibration table (the session's history run: the same scenario and seed)."""
    return calibration_table(history_run.timeseries)


@pytest.fixture(scope="module")
def forward(checks: list) -> list:  # type: ignore[type-arg]
    """Its rows after 2025 checked against the baseline (one run)."""
    return forward_checks("history", checks)


@pytest.fixture(scope="module")
def base(baseline_run: RunResult) -> Results:
    """A baseline run through 2033-12, the last forward row's month, simulated apart from the
    forward checks: the session's baseline run (the same scenario and seed; its months to 2033-12
    are, bit for bit, those of a run stopped there)."""
    return baseline_run.results


def test_the_bankers_projection_is_checked_against_the_baseline(tmp_path: Path, checks: list, forward: list, base: Results) -> None:  # type: ignore[type-arg]
    """The history run ends in 2025: the 2029 projection is outside it. Against baseline it is xAI's
    own revenue summed over 2029 (the months 2029-01..2029-12 of a baseline run), a forward check,
    not asserted; with a posterior, the median of its members inside their 5-95 % range."""
    assert continuation_of("history") == "baseline"
    assert _projection(checks).status == STATUS_OUTSIDE
    fwd = forward
    row = _projection(fwd)
    first = parse_month(base.months[0])
    months = slice(parse_month("2029-01") - first, parse_month("2029-12") - first + 1)
    assert row.status == STATUS_FORWARD and not row.asserted and "baseline" in row.note
    assert_allclose(row.model, base.series["xai_revenue_usd"][months, 0].sum())
    assert [c for c in fwd if c.status != STATUS_FORWARD] == [c for c in checks if c.status != STATUS_OUTSIDE]
    post = forward_checks("history", checks, Posterior.load(write_store(tmp_path / "post")), draws=4)
    row = _projection(post)
    assert row.status == STATUS_FORWARD and row.members == 4
    assert row.p5 <= row.model <= row.p95 and np.isfinite(row.p5)


def test_openais_own_plan_is_printed_beside_the_models(forward: list, base: Results) -> None:  # type: ignore[type-arg]
    """OpenAI's projections to investors (revenue 2026, 2029, 2030: ~30, 125, 280 $B) and Altman's
    ~30 GW commitment (2033) print as forward checks with baseline's values: its revenue summed over
    each year, the IT power of its compute in service at the end of 2033; none asserted."""
    fwd = {(c.metric, c.period): c for c in forward}
    first = parse_month(base.months[0])
    revenue = base.series["openai_revenue_usd"][:, 0]
    published = {"2026": 30e9, "2029": 125e9, "2030": 280e9}
    for year, value in published.items():
        row = fwd[("openai_revenue_projection", year)]
        assert row.status == STATUS_FORWARD and not row.asserted and row.published == value
        assert_allclose(row.model, revenue[parse_month(f"{year}-01") - first:parse_month(f"{year}-12") - first + 1].sum())
        assert np.isfinite(row.error_frac)
    row = fwd[("openai_compute_commitment", "2033")]
    assert row.status == STATUS_FORWARD and not row.asserted and row.published == 30
    assert_allclose(row.model, base.series["openai_compute_gw"][parse_month("2033-12") - first, 0])


def test_anthropics_own_plan_is_printed_beside_the_models(forward: list, base: Results) -> None:  # type: ignore[type-arg]
    """Anthropic's projections to investors (revenue 2026, 2027, 2028: 15.2, 38.9, 70 $B; cash
    flow of $17B in 2028) print as forward checks with baseline's values: its revenue and its free
    cash flow summed over each year; none asserted."""
    fwd = {(c.metric, c.period): c for c in forward}
    first = parse_month(base.months[0])

    def year_sum(series: str, year: str) -> float:
        return float(base.series[series][parse_month(f"{year}-01") - first:parse_month(f"{year}-12") - first + 1, 0].sum())

    rows = [("anthropic_revenue_projection", y, v, "anthropic_revenue_usd") for y, v in (("2026", 15.2e9), ("2027", 38.9e9), ("2028", 70e9))]
    rows.append(("anthropic_cash_flow_projection", "2028", 17e9, "anthropic_fcf_usd"))
    for metric, year, value, series in rows:
        row = fwd[(metric, year)]
        assert row.status == STATUS_FORWARD and not row.asserted and row.published == value
        assert_allclose(row.model, year_sum(series, year))
        assert np.isfinite(row.error_frac)
