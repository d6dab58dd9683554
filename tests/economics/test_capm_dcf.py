"""Cost of capital and discounting against textbook cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.economics.dcf import (
    dcf_value,
    gordon_terminal_value,
    growth_path_value,
    three_stage_value,
)
from ecosim.economics.wacc import cost_of_equity, levered_beta, wacc, wacc_build_up


def test_hamada_levered_beta() -> None:
    """beta_L = beta_U (1 + (1 - t) D/E): 0.8 x (1 + 0.65 x 0.5) = 1.06 at D/V = 1/3, t = 35 %."""
    assert_allclose(levered_beta(0.8, 1.0 / 3.0, 0.35), 1.06, rtol=1e-12)
    assert_allclose(levered_beta(1.2, 0.0, 0.21), 1.2)  # no debt, no leverage


def test_capm_and_wacc() -> None:
    """CAPM 3 % + 1.2 x 6 % = 10.2 %; WACC 60 % x 10.2 % + 40 % x 5 % x (1 - 25 %) = 7.62 %."""
    re = cost_of_equity(0.03, 1.2, 0.06)
    assert_allclose(re, 0.102, rtol=1e-12)
    assert_allclose(wacc(re, 0.05, 0.4, 0.25), 0.0762, rtol=1e-12)


def test_build_up_matches_the_seed_inputs() -> None:
    """Seed 002's inputs (rf 4.5, MRP 5.5, beta_U 1.05, D/V 30 %, Rd 5 %, t 21 %) give beta_L 1.4055 and WACC 9.746 %."""
    from types import SimpleNamespace as NS

    b = wacc_build_up(NS(tax_rate_frac=0.21, debt_to_capital_frac=0.3, beta_unlevered=1.05, risk_free_frac=0.045, market_risk_premium_frac=0.055, cost_of_debt_frac=0.05))
    assert_allclose(b["beta_levered"], 1.05 * (1 + 0.79 * 30 / 70), rtol=1e-12)
    assert_allclose(b["cost_of_equity"], 0.045 + b["beta_levered"] * 0.055, rtol=1e-12)
    assert_allclose(b["wacc"], 0.7 * b["cost_of_equity"] + 0.3 * 0.05 * 0.79, rtol=1e-12)
    assert b["wacc"] == pytest.approx(0.09746, abs=1e-5)


def test_gordon_growth_model() -> None:
    """A flow of 100 next year growing 2 % at 10 % is worth 100 / 0.08 = 1,250 today."""
    assert_allclose(dcf_value([[100.0]], 0.10, terminal_growth=0.02), 1250.0, rtol=1e-12)
    assert_allclose(gordon_terminal_value(100.0, 0.10, 0.02), 1275.0, rtol=1e-12)
    with pytest.raises(ValueError, match=r"terminal growth must be below the WACC \(got g=0\.1000 >= wacc=0\.1000\)"):
        gordon_terminal_value(100.0, 0.10, 0.10)


def test_three_stage_dcf_by_hand() -> None:
    """FCF 50, 2 years at 30 %, 2 fade years (20 %, 10 %), then 0 %, at 12 %: the sum of each year's PV and the Gordon value."""
    flows = [50 * 1.3, 50 * 1.3**2, 50 * 1.3**2 * 1.2, 50 * 1.3**2 * 1.2 * 1.1]
    d = [1.12 ** -(t + 1) for t in range(4)]
    expected = sum(f * x for f, x in zip(flows, d, strict=True)) + flows[-1] / 0.12 * d[-1]
    assert_allclose(three_stage_value(50.0, 0.30, 2, 2, 0.0, 0.12), expected, rtol=1e-12)
    assert_allclose(growth_path_value(50.0, [0.3, 0.3, 0.2, 0.1], 0.12, 0.0), expected, rtol=1e-12)


def test_dcf_is_vectorised_over_members() -> None:
    """Two members with different WACCs value the same flows independently."""
    v = dcf_value(np.full((3, 2), 100.0), np.array([0.08, 0.12]), terminal_growth=0.0)
    for k, r in enumerate((0.08, 0.12)):
        assert_allclose(v[k], sum(100 / (1 + r) ** t for t in (1, 2, 3)) + 100 / r / (1 + r) ** 3, rtol=1e-12)
