"""Forward checks: a history row after the history's months (xAI's bankers' 2029 projection) is
checked against the run that continues the history (baseline), one run or posterior members,
printed as a forward check and never asserted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.testing import assert_allclose

from ecosim.analysis.calibration import STATUS_FORWARD, STATUS_OUTSIDE, calibration_table
from ecosim.results.posterior import Posterior
from ecosim.run import continuation_of, forward_checks, run_scenario
from ecosim.simulate import simulate
from ecosim.timeline import parse_month
from tests.posterior_store import write_store


def _projection(checks: list) -> object:
    return next(c for c in checks if c.metric == "xai_revenue_projection")


def test_the_bankers_projection_is_checked_against_the_baseline(tmp_path: Path) -> None:
    """The history run ends in 2025: the 2029 projection is outside it. Against baseline it is xAI's
    own revenue summed over 2029 (the months 2029-01..2029-12 of a baseline run), a forward check,
    not asserted; with a posterior, the median of its members inside their 5-95 % range."""
    assert continuation_of("history") == "baseline"
    checks = calibration_table(run_scenario("history").timeseries)
    assert _projection(checks).status == STATUS_OUTSIDE
    fwd = forward_checks("history", checks)
    row = _projection(fwd)
    base = simulate("baseline", until="2029-12")
    first = parse_month(base.months[0])
    months = slice(parse_month("2029-01") - first, parse_month("2029-12") - first + 1)
    assert row.status == STATUS_FORWARD and not row.asserted and "baseline" in row.note
    assert_allclose(row.model, base.series["xai_revenue_usd"][months, 0].sum())
    assert [c for c in fwd if c.metric != "xai_revenue_projection"] == [c for c in checks if c.metric != "xai_revenue_projection"]
    post = forward_checks("history", checks, Posterior.load(write_store(tmp_path / "post")), draws=4)
    row = _projection(post)
    assert row.status == STATUS_FORWARD and row.members == 4
    assert row.p5 <= row.model <= row.p95 and np.isfinite(row.p5)
