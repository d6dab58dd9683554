"""Reverse DCF: each implied quantity, put back into the DCF, gives the mark (textbook cases and a real run)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.finance.gap import entity_specs, value_entity
from ecosim.finance.reverse import (
    implied_exit_multiple,
    implied_fcf_margin,
    implied_fcf_scale,
    implied_terminal_growth,
    implied_wacc,
    reverse_dcf,
)
from ecosim.finance.valuation import Assumptions, CashFlows, assumptions_for, value_cash_flows
from ecosim.results.rundir import SavedRun


def _cf(fcf: list[float], revenue: list[float] | None = None) -> CashFlows:
    n = len(fcf)
    return CashFlows(list(range(2030, 2030 + n)), np.array(revenue or [100.0] * n, float)[:, None], np.array(fcf, float)[:, None], np.zeros((n, 1)))


def test_implied_growth_textbook() -> None:
    """Gordon after one year of 100 at 9 %: V = (100 + 100 (1 + g)/(0.09 - g)) / 1.09; the V of g = 5 % implies 5 %."""
    a = Assumptions(wacc=0.09, terminal_growth=0.02, tax_rate=0.0, terminal="gordon", discounting="end")
    target = 100 / 1.09 + 100 * 1.05 / 0.04 / 1.09
    assert_allclose(implied_terminal_growth(_cf([100.0]), a, 0.0, target).required, 0.05, rtol=1e-9)


def test_implied_wacc_textbook() -> None:
    """A perpetuity of 100 priced at 800 yields 12.5 %."""
    a = Assumptions(wacc=0.09, terminal_growth=0.0, tax_rate=0.0, terminal="gordon", discounting="end")
    assert_allclose(implied_wacc(_cf([100.0]), a, 0.0, 800.0).required, 0.125, rtol=1e-9)


def test_scale_exit_margin_by_hand() -> None:
    """Linear answers: FCF x (mark - cash)/EV; exit multiple and margin from the discounted revenue."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="exit", exit_multiple=2.0, discounting="end")
    v = value_cash_flows(_cf([10.0, 20.0], [100.0, 200.0]), a, cash=5.0)
    ev = 10 / 1.1 + 20 / 1.21 + 2 * 200 / 1.21
    assert_allclose(v.enterprise_value, ev, rtol=1e-12)
    assert_allclose(implied_fcf_scale(v, 5.0 + 3 * ev).required, 3.0, rtol=1e-12)
    mark = 5.0 + 10 / 1.1 + 20 / 1.21 + 7 * 200 / 1.21
    assert_allclose(implied_exit_multiple(v, mark).required, 7.0, rtol=1e-12)
    pv_rev = 100 / 1.1 + 200 / 1.21 + 200 / 0.10 / 1.21
    assert_allclose(implied_fcf_margin(v, 5.0 + 0.25 * pv_rev).required, 0.25, rtol=1e-12)


def test_unreachable_is_said_not_invented() -> None:
    """Negative flows: no multiple of them and no growth of them can reach a positive mark."""
    a = Assumptions(wacc=0.10, terminal_growth=0.02, tax_rate=0.0, terminal="gordon")
    v = value_cash_flows(_cf([-10.0, -5.0]), a)
    r = implied_fcf_scale(v, 100.0)
    assert r.required is None and "not positive" in r.note
    g = implied_terminal_growth(_cf([-10.0, -5.0]), a, 0.0, 100.0)
    assert g.required is None and "last-year FCF is not positive" in g.note


@pytest.mark.parametrize("mark", [200e9, 1.25e12])
def test_requirements_reproduce_the_mark_on_a_run(baseline_saved: SavedRun, mark: float) -> None:
    """On the baseline's SpaceX, each reachable requirement put back into the valuation gives the mark."""
    spec = next(s for s in entity_specs() if s.id == "spacex")
    a = assumptions_for(baseline_saved.scenario.model.capital_market)
    ev = value_entity(baseline_saved, spec, a)
    v = ev.valuation
    reqs = {r.key: r for r in reverse_dcf(v, mark)}
    flows, cash = v.flows, float(v.cash[0])
    if reqs["fcf_scale"].required is not None:
        assert_allclose(value_cash_flows(flows.scaled(reqs["fcf_scale"].required), v.assumptions, cash).equity_value, mark, rtol=1e-9)
    if reqs["wacc"].required is not None:
        assert_allclose(value_cash_flows(flows, v.assumptions.replace(wacc=reqs["wacc"].required), cash).equity_value, mark, rtol=1e-6)
    if reqs["terminal_growth"].required is not None:
        g = v.assumptions.replace(terminal="gordon", terminal_growth=reqs["terminal_growth"].required)
        assert_allclose(value_cash_flows(flows, g, cash).equity_value, mark, rtol=1e-6)
    if reqs["exit_multiple"].required is not None:
        x = v.assumptions.replace(terminal="exit", exit_multiple=reqs["exit_multiple"].required)
        assert_allclose(value_cash_flows(flows, x, cash).equity_value, mark, rtol=1e-9)
    if mark > float(v.equity_value[0]):
        assert reqs["revenue_cagr"].required is None or reqs["revenue_cagr"].required > reqs["revenue_cagr"].run


def test_impossible_requirements_read_unreachable() -> None:
    """A margin above 100 % of revenue and a negative exit multiple are not requirements.

    Revenue 100 for one year, FCF 10, Gordon at 10 %, g 0, year end: the discounted revenue
    is 100/1.1 + 1000/1.1 = 1000, so a mark of 2000 needs a 200 % margin; an exit valuation
    whose first year alone (10/1.1 = 9.09) is worth more than a mark of 5 needs a negative
    multiple."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="gordon", discounting="end")
    v = value_cash_flows(_cf([10.0]), a)
    m = implied_fcf_margin(v, 2000.0)
    assert m.required is None and "200%" in m.note
    assert implied_fcf_margin(v, 500.0).required == pytest.approx(0.5)
    x = implied_exit_multiple(value_cash_flows(_cf([10.0]), a.replace(terminal="exit")), 5.0)
    assert x.required is None and "worth more than the mark" in x.note
