"""One discount convention (issue 16): real against nominal, mid-year against year end,
levered against unlevered, and the sensitivity table, against textbook cases by hand."""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.economics.dcf import dcf_value, discount_factors, real_rate
from ecosim.economics.wacc import wacc_from_capital_market
from ecosim.finance.valuation import (
    Assumptions,
    CashFlows,
    sensitivity,
    unlevered_rate,
    valuation_rates,
    value_cash_flows,
)

CM = NS(tax_rate_frac=0.21, debt_to_capital_frac=0.3, beta_unlevered=1.05, risk_free_frac=0.045, market_risk_premium_frac=0.055, cost_of_debt_frac=0.05)


def test_a_three_year_cash_flow_at_mid_year_and_at_year_end() -> None:
    """100, 200, 300 at 10 %: year end 90.909 + 165.289 + 225.394 = 481.593; mid-year every
    flow half a year sooner, 481.593 x 1.1^0.5 = 505.099."""
    flows = [[100.0], [200.0], [300.0]]
    end = 100 / 1.1 + 200 / 1.21 + 300 / 1.331
    assert_allclose(dcf_value(flows, 0.10), end, rtol=1e-12)
    assert end == pytest.approx(481.593, abs=1e-3)
    mid = (np.asarray(flows)[:, 0] * discount_factors(3, 0.10, "mid")[:, 0]).sum()
    assert mid == pytest.approx(100 / 1.1**0.5 + 200 / 1.1**1.5 + 300 / 1.1**2.5, rel=1e-12)
    assert mid == pytest.approx(505.099, abs=1e-3)


def test_real_flows_at_the_real_rate_equal_nominal_flows_at_the_nominal_rate() -> None:
    """100 real a year for 3 years at 2 % inflation are 102, 104.04, 106.12 nominal; at
    10.16 % nominal (8 % real x 2 % inflation: 1.08 x 1.02 = 1.1016) both give 257.710; the
    nominal rate on the real flows (the mistake) gives 247.99."""
    real = dcf_value([[100.0]] * 3, real_rate(0.1016, 0.02))
    nominal = dcf_value([[100.0 * 1.02**t] for t in (1, 2, 3)], 0.1016)
    assert_allclose(real, nominal, rtol=1e-12)
    assert float(real[0]) == pytest.approx(100 / 1.08 + 100 / 1.08**2 + 100 / 1.08**3, rel=1e-12)
    assert float(real[0]) == pytest.approx(257.710, abs=1e-3)
    assert float(dcf_value([[100.0]] * 3, 0.1016)[0]) == pytest.approx(247.99, abs=1e-2)


def test_unlevered_rate_removes_the_debt_and_its_tax_shield() -> None:
    """The seed's WACC: 70 % x (4.5 + 1.4055 x 5.5) + 30 % x 5 x 0.79 = 9.746 %; with no debt the
    rate is 4.5 + 1.05 x 5.5 = 10.275 %, real at 2.3 % inflation 7.796 %."""
    w = float(wacc_from_capital_market(CM))
    assert w == pytest.approx(0.7 * (0.045 + 1.05 * (1 + 0.79 * 0.3 / 0.7) * 0.055) + 0.3 * 0.05 * 0.79, rel=1e-12)
    assert float(unlevered_rate(w, CM)) == pytest.approx(0.10275, rel=1e-12)
    rate, g = valuation_rates(w, 0.035, CM, {"price_basis": "real", "inflation_pct": 2.3, "rates_basis": "nominal", "capital_structure": "unlevered"})
    assert (float(rate), float(g)) == (pytest.approx(1.10275 / 1.023 - 1), pytest.approx(1.035 / 1.023 - 1))
    same, g2 = valuation_rates(w, 0.035, CM, {"price_basis": "nominal", "inflation_pct": 2.3, "rates_basis": "nominal", "capital_structure": "levered"})
    assert (float(same), float(g2)) == (pytest.approx(w), pytest.approx(0.035))


def test_unlevered_rate_follows_each_members_beta() -> None:
    """Members whose WACC differs only by beta_u get their own unlevered rate: beta_u 1.5 gives 4.5 + 1.5 x 5.5 = 12.75 %."""
    w = np.array([float(wacc_from_capital_market(CM)), float(wacc_from_capital_market(NS(**{**vars(CM), "beta_unlevered": 1.5})))])
    assert_allclose(unlevered_rate(w, CM), [0.10275, 0.1275], rtol=1e-12)


def test_exit_value_is_a_price_at_year_end_even_at_mid_year() -> None:
    """One year of 100 and an exit at 5 x revenue 200 at 10 %, mid-year: 100/1.1^0.5 + 1000/1.1."""
    cf = CashFlows([2030], np.full((1, 1), 200.0), np.full((1, 1), 100.0), np.zeros((1, 1)))
    v = value_cash_flows(cf, Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="exit", exit_multiple=5.0))
    assert_allclose(v.enterprise_value, 100 / 1.1**0.5 + 1000 / 1.1, rtol=1e-12)


def test_sensitivity_changes_one_thing_at_a_time() -> None:
    """Gordon, 100 a year for two years at 10 %, g 0, mid-year: 1000 x 1.1^0.5 = 1048.81; at
    year end 1000; at 11 % (mid-year) 100/0.11 x 1.11^0.5 = 957.75 (a flat perpetuity)."""
    cf = CashFlows([2030, 2031], np.full((2, 1), 200.0), np.full((2, 1), 100.0), np.zeros((2, 1)))
    rows = dict(sensitivity(cf, Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="gordon"), 0.0, (0.12, 0.0)))
    assert rows["headline"] == pytest.approx(1000 * 1.1**0.5)
    assert rows["discounted at year end"] == pytest.approx(1000.0)
    assert rows["rate 11.00 % (+1 pt)"] == pytest.approx(100 / 0.11 * 1.11**0.5)
    assert rows["the scenario's rates as they are (nominal levered WACC 12.00 %, g 0.00 %), year end"] == pytest.approx(100 / 0.12)
