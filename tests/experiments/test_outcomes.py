"""Outcome statistics per member, checked against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.experiments.outcomes import first_nonfinite, scalar_outcome
from ecosim.experiments.spec import OutcomeSpec
from ecosim.finance.valuation import fundamental_value

DATES = [f"{2030 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]  # 2030-01 .. 2032-12
MONTHS = np.arange(36, dtype=float)[:, None] * np.array([1.0, 2.0])[None, :]  # member 1 = 2 x member 0
ZERO = np.zeros(2)


def _o(stat: str, year: int | None = None, threshold: float | None = None, relative_to: str | None = None, metric: str = "m") -> OutcomeSpec:
    return OutcomeSpec("x", metric, stat, year, threshold, relative_to, "info", "", "")


@pytest.mark.parametrize(
    ("stat", "year", "expected"),
    [
        ("last", 2031, [23.0, 46.0]),  # December 2031 is month index 23
        ("sum", 2031, [sum(range(12, 24)), 2 * sum(range(12, 24))]),
        ("mean", 2030, [5.5, 11.0]),
        ("min", None, [0.0, 0.0]),
        ("max", None, [35.0, 70.0]),
        ("last", None, [35.0, 70.0]),
    ],
)
def test_year_stats(stat: str, year: int | None, expected: list[float]) -> None:
    """last / sum / mean / min / max over a calendar year or the whole run."""
    assert_allclose(scalar_outcome(_o(stat, year), {"m": MONTHS}, DATES, ZERO, ZERO), expected)


def test_first_year_and_ratio() -> None:
    """first_year: the first year whose December value reaches the threshold, NaN if never; relative_to divides month by month."""
    out = scalar_outcome(_o("first_year", threshold=30.0), {"m": MONTHS}, DATES, ZERO, ZERO)
    assert_allclose(out, [2032.0, 2031.0])  # member 0: Dec-2032 = 35 (Dec-2031 = 23); member 1: Dec-2031 = 46
    never = scalar_outcome(_o("first_year", threshold=1e9), {"m": MONTHS}, DATES, ZERO, ZERO)
    assert np.isnan(never).all()
    ratio = scalar_outcome(_o("last", 2030, relative_to="d"), {"m": MONTHS, "d": np.full((36, 2), 4.0)}, DATES, ZERO, ZERO)
    assert_allclose(ratio, [11.0 / 4.0, 22.0 / 4.0])


def test_fundamental_value_is_ecosim_values_equity() -> None:
    """fundamental_value of a company's FCF metric is the equity value `ecosim value` gives (read
    from the January row of the year); after_tax = false is the pre-tax Gordon DCF of the metric."""
    fcf = np.full((36, 2), 12.0)
    wacc, g, tax = np.array([0.10, 0.08]), np.array([0.0, 0.02]), np.array([0.25, 0.21])
    pre = OutcomeSpec("x", "spacex_fcf_usd", "fundamental_value", 2031, None, None, "maximize", "USD", "", after_tax=False)
    out = scalar_outcome(pre, {"spacex_fcf_usd": fcf}, DATES, wacc, g, tax)
    assert_allclose(out, fundamental_value(fcf, DATES, 2031, wacc, g))
    # hand check, member 0: 144/1.1 + 144/1.21 + (144/0.1)/1.21 = 1440
    assert_allclose(out[0], 1440.0)
    equity = {"spacex": np.full((36, 2), np.nan)}
    equity["spacex"][DATES.index("2031-01")] = [7.0e11, 9.0e11]
    after = OutcomeSpec("x", "spacex_fcf_usd", "fundamental_value", 2031, None, None, "maximize", "USD", "")
    assert_allclose(scalar_outcome(after, {"spacex_fcf_usd": fcf}, DATES, wacc, g, tax, equity=equity), [7.0e11, 9.0e11])
    with pytest.raises(ValueError, match=r"must be the free-cash-flow metric of spacex_fcf_usd, tesla_fcf_usd, spacex_alone_fcf_usd, anthropic_fcf_usd \(got 'm'\)"):
        scalar_outcome(_o("fundamental_value", 2031), {"m": fcf}, DATES, wacc, g, tax, equity=equity)


def test_nonfinite_members_named() -> None:
    """A member whose metric turns NaN or infinite is reported with the metric and the first month."""
    x = np.ones((36, 3))
    x[14, 1] = np.nan
    x[30:, 2] = np.inf
    assert first_nonfinite({"m": x}, DATES) == {1: "m is not finite from 2031-03", 2: "m is not finite from 2032-07"}
