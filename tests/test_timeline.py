"""Months, full calendar years and trailing twelve months (:mod:`ecosim.timeline`)."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.timeline import full_years, trailing_twelve_months


def test_trailing_twelve_months_is_a_rolling_sum() -> None:
    """Month n: sum of months n-11..n; before 12 months NaN, or the mean so far times 12 when annualised."""
    m = np.arange(1.0, 25.0)
    for partial in ("nan", "annualise"):
        t = trailing_twelve_months(m, partial=partial)
        assert_allclose(t[11], m[:12].sum())
        assert_allclose(t[23], m[12:].sum())
    assert_allclose(trailing_twelve_months(m, partial="annualise")[3], m[:4].mean() * 12)
    assert np.isnan(trailing_twelve_months(m)[10])


def test_trailing_twelve_months_keeps_the_member_axis() -> None:
    """A (months, members) series gives one rolling sum per member."""
    x = np.stack([np.ones(14), 2 * np.ones(14)], axis=1)
    assert trailing_twelve_months(x)[13].tolist() == [12.0, 24.0]


def test_full_years_need_all_twelve_months() -> None:
    """A year counts only with all of January to December; a run starting in July has its first full year next January."""
    dates = [f"{2026 + (6 + i) // 12}-{(6 + i) % 12 + 1:02d}" for i in range(20)]
    assert dates[0] == "2026-07" and full_years(dates) == [2027]
