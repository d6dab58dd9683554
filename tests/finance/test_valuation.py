"""The multi-stage DCF, operating tax and the shared fundamental_value, against hand computations."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.finance.valuation import (
    Assumptions,
    CashFlows,
    assumptions_for,
    fundamental_value,
    operating_tax,
    straight_line_depreciation,
    valuation_data,
    value_cash_flows,
)
from ecosim.scenario import load_scenario
from ecosim.scenario.params import params_of


def _flows(ebitda: list[float], capex: list[float] | None = None, revenue: list[float] | None = None, start: int = 2030) -> CashFlows:
    n = len(ebitda)
    rev = revenue if revenue is not None else [200.0] * n
    return CashFlows(list(range(start, start + n)), np.array(rev, float)[:, None], np.array(ebitda, float)[:, None], np.array(capex or [0.0] * n, float)[:, None])


def test_tax_carries_losses_forward_with_the_80_percent_limit() -> None:
    """Losses 50 and 30, then profits 100, 100: 80 sheltered then 0 left; tax 25 % of 20 and of 100."""
    tax, nol = operating_tax([[-50.0], [-30.0], [100.0], [100.0]], 0.25, 0.8)
    assert_allclose(tax[:, 0], [0.0, 0.0, 5.0, 25.0])
    assert_allclose(nol[:, 0], [50.0, 80.0, 0.0, 0.0])


def test_tax_without_limit_shelters_everything() -> None:
    """With a 100 % limit a 100 loss shelters a later 100 profit entirely."""
    tax, _ = operating_tax([[-100.0], [100.0], [10.0]], 0.21, 1.0)
    assert_allclose(tax[:, 0], [0.0, 0.0, 2.1])


def test_depreciation_is_straight_line_with_backfilled_history() -> None:
    """Capex 10, 20, 30 over 2 years: 10, 15, 25 (the year before the run is taken as 10)."""
    assert_allclose(straight_line_depreciation([10.0, 20.0, 30.0], 2)[:, 0], [10.0, 15.0, 25.0])


def test_normalised_terminal_by_hand() -> None:
    """EBITDA 100, tax 20 %, WACC 10 %, g 2 %, RONIC = WACC, one fade year (a one-year run has no growth history: it fades from g)."""
    a = Assumptions(wacc=0.10, terminal_growth=0.02, tax_rate=0.20, terminal="normalised", fade_years=1, asset_life_yr=1, discounting="end")
    v = value_cash_flows(_flows([100.0]), a)
    explicit = 80.0 / 1.1
    nopat = 80.0 * 1.02
    # net capex g/RONIC of NOPAT = 20 % of it, expensed like the run's capex: it costs (1 - 20 %) after tax
    fade = nopat * (1 - 0.8 * 0.02 / 0.10) / 1.1**2
    tv = nopat * 1.02 * (1 - 0.8 * 0.02 / 0.10) / (0.10 - 0.02)
    assert_allclose(v.pv_explicit, explicit, rtol=1e-12)
    assert_allclose(v.pv_fade, fade, rtol=1e-12)
    assert_allclose(v.terminal_value, tv, rtol=1e-12)
    assert_allclose(v.enterprise_value, explicit + fade + tv / 1.1**2, rtol=1e-12)
    assert_allclose(v.growth_start, 0.02, atol=1e-12)
    grown = value_cash_flows(_flows([100.0] * 4, revenue=[100.0, 110.0, 121.0, 133.1]), a)
    assert_allclose(grown.growth_start, 0.10, rtol=1e-12)  # revenue CAGR over the run's 4 years (normalise_years 5 is more than it has)
    assert_allclose(grown.fade["growth"], [0.02])


def test_normalised_terminal_subtracts_economic_depreciation() -> None:
    """EBITDA 100 with capex 30 a year over 3-year lives: NOPAT = (100 - 30) x (1 - t); FCF explicit = 70 less tax."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.25, terminal="normalised", fade_years=0, asset_life_yr=3, discounting="end")
    v = value_cash_flows(_flows([100.0, 100.0], [30.0, 30.0]), a)
    assert_allclose(v.nopat_terminal, 70 * 0.75)
    assert_allclose(v.fcf[:, 0], [70 * 0.75, 70 * 0.75])
    assert_allclose(v.enterprise_value, 52.5 / 1.1 + 52.5 / 1.21 + 52.5 / 0.10 / 1.21, rtol=1e-12)



def test_normalised_terminal_is_not_a_snapshot_of_a_last_year_race() -> None:
    """Revenue 100 and EBITDA 50 a year for 5 years, capex 20 a year then 80 in the last (a race),
    2-year lives: depreciation 20, 20, 20, 20, 50, so EBIT 30, 30, 30, 30, 0. Built on the last
    year alone, NOPAT is 0 and so is the terminal value; over the 5 years the NOPAT margin is
    0.8 x 120 / 500 = 19.2 %, NOPAT 19.2 and (g = 0, no fade, 10 %) the terminal value 192. The
    explicit years are the run's either way: pre-tax FCF 30, 30, 30, 30, -30; tax 6 on each of
    the first four."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.20, terminal="normalised", fade_years=0, asset_life_yr=2, discounting="end", normalise_years=5)
    flows = _flows([50.0] * 5, [20.0, 20.0, 20.0, 20.0, 80.0], revenue=[100.0] * 5, start=2036)
    v = value_cash_flows(flows, a)
    snapshot = value_cash_flows(flows, a.replace(normalise_years=1))
    d = 1.1 ** -np.arange(1, 6)
    explicit = float(np.dot([24.0, 24.0, 24.0, 24.0, -30.0], d))
    assert_allclose(v.nopat_terminal, 19.2, rtol=1e-12)
    assert_allclose(v.terminal_value, 192.0, rtol=1e-12)
    assert_allclose(v.enterprise_value, explicit + 192.0 * d[-1], rtol=1e-12)
    assert_allclose(snapshot.nopat_terminal, 0.0, atol=1e-12)
    assert_allclose(snapshot.enterprise_value, explicit, rtol=1e-12)


def test_normalised_nopat_falls_back_to_mean_nopat_without_revenue() -> None:
    """No revenue in the window: NOPAT is the window's mean EBIT after tax, (10 + 30) / 2 x 0.75 = 15."""
    from ecosim.finance.valuation import normalised_nopat

    flows = _flows([10.0, 30.0], revenue=[0.0, 0.0])
    assert_allclose(normalised_nopat(flows, 0.25, 6, 2), [15.0])
    with pytest.raises(ValueError, match=r"normalise_years must be >= 1 \(got 0\)"):
        Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.2, normalise_years=0)


def test_fade_starts_from_the_revenue_cagr_of_the_normalisation_window() -> None:
    """Revenue 100, 100, 100, 110, 121 (10 %/yr in the last two years): over the last 2 years the
    fade starts at 10 %; over the last 4 at (121 / 100) ** (1/4) - 1 = 4.88 %."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="normalised", fade_years=1, discounting="end")
    flows = _flows([50.0] * 5, revenue=[100.0, 100.0, 100.0, 110.0, 121.0])
    assert_allclose(value_cash_flows(flows, a.replace(normalise_years=2)).growth_start, 0.10, rtol=1e-12)
    assert_allclose(value_cash_flows(flows, a.replace(normalise_years=4)).growth_start, 0.048809, rtol=1e-5)

def test_a_three_year_window_gives_the_hand_computed_terminal_value() -> None:
    """Revenue 100 a year for 5 years, EBITDA 10, 20, 30, 40, 50, no capex, 20 % tax, 10 %,
    g = 0, no fade, year-end. Over the last 3 years the NOPAT margin is 0.8 x (30 + 40 + 50) /
    300 = 32 %: NOPAT 32, terminal value 32 / 0.10 = 320. Over 2.5 years the third year from the
    end counts half: 0.8 x (15 + 40 + 50) / 250 = 33.6 %, terminal value 336; the last year alone
    0.8 x 50 = 40, 400. The explicit years are the same: after-tax FCF 8, 16, 24, 32, 40."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.20, terminal="normalised", fade_years=0, discounting="end", normalise_years=3)
    flows = _flows([10.0, 20.0, 30.0, 40.0, 50.0], revenue=[100.0] * 5)
    d = 1.1 ** -np.arange(1, 6)
    explicit = float(np.dot([8.0, 16.0, 24.0, 32.0, 40.0], d))
    for years, nopat, tv in ((3, 32.0, 320.0), (2.5, 33.6, 336.0), (1, 40.0, 400.0)):
        v = value_cash_flows(flows, a.replace(normalise_years=years))
        assert_allclose(v.nopat_terminal, nopat, rtol=1e-12)
        assert_allclose(v.terminal_value, tv, rtol=1e-12)
        assert_allclose(v.enterprise_value, explicit + tv * d[-1], rtol=1e-12)
    # one valuation of three members, each with its own window, gives each its own value
    three = CashFlows(flows.years, np.repeat(flows.revenue, 3, axis=1), np.repeat(flows.ebitda, 3, axis=1), np.repeat(flows.capex, 3, axis=1))
    v = value_cash_flows(three, a.replace(normalise_years=np.array([3.0, 2.5, 1.0]), wacc=np.full(3, 0.10), terminal_growth=np.zeros(3), tax_rate=np.full(3, 0.2)))
    assert_allclose(v.terminal_value, [320.0, 336.0, 400.0], rtol=1e-12)


def test_each_member_is_valued_over_its_own_window() -> None:
    """member_assumptions hands each member the window its capital market used (a run's
    CostOfCapital), and series_value values a group of members each at its own: members with
    the 3-, 2.5- and 1-year windows of the test above get 320, 336 and 400 of terminal value."""
    from ecosim.finance.series_value import _group
    from ecosim.finance.valuation import member_assumptions
    from ecosim.results import CostOfCapital

    cm = load_scenario("baseline").model.capital_market
    assert cm.terminal_normalise_yr == 5.0
    coc = CostOfCapital.of(params_of(cm), 3)
    assert coc.normalise_yr.tolist() == [5.0, 5.0, 5.0]
    coc = CostOfCapital.from_rates(coc.wacc, coc.terminal_growth, coc.tax_rate, 3, normalise_yr=[3.0, 2.5, 1.0])
    per = member_assumptions(cm, coc)
    assert [a.normalise_years for a in per if a is not None] == [3.0, 2.5, 1.0]
    [(a, ix)] = _group([p.replace(wacc=0.10, terminal_growth=0.0, tax_rate=0.2, fade_years=0, discounting="end") for p in per if p is not None])
    assert ix.tolist() == [0, 1, 2] and a.normalise_years.tolist() == [3.0, 2.5, 1.0]  # type: ignore[attr-defined]
    flows = _flows([10.0, 20.0, 30.0, 40.0, 50.0], revenue=[100.0] * 5)
    three = CashFlows(flows.years, np.repeat(flows.revenue, 3, axis=1), np.repeat(flows.ebitda, 3, axis=1), np.repeat(flows.capex, 3, axis=1))
    assert_allclose(value_cash_flows(three, a).terminal_value, [320.0, 336.0, 400.0], rtol=1e-12)


def test_a_members_window_reaches_its_cost_of_capital() -> None:
    """An ensemble whose members differ in capital_market.terminal_normalise_yr carries each
    member's window in its Results (the run reads it member by member)."""
    from ecosim.simulate import simulate

    r = simulate("baseline", members=3, member_values={"capital_market.terminal_normalise_yr": np.array([3.0, 5.5, 8.0])}, until=2)
    assert r.cost_of_capital.normalise_yr.tolist() == [3.0, 5.5, 8.0]
    assert r.cost_of_capital.take(slice(1, 2)).normalise_yr.tolist() == [5.5]


def test_the_run_directory_reads_back_the_window() -> None:
    """A stored run is valued over its scenario's window (stored_cost_of_capital)."""
    from ecosim.results.rundir import WACC_METRIC, stored_cost_of_capital

    cm = load_scenario("baseline", ["capital_market.terminal_normalise_yr=3.5"]).model.capital_market
    coc = stored_cost_of_capital({WACC_METRIC: np.full((2, 2), 0.09)}, cm)
    assert coc.normalise_yr.tolist() == [3.5, 3.5]
    assert assumptions_for(cm).normalise_years == 3.5


def test_exit_multiple_and_cash() -> None:
    """Exit at 5x last revenue 200 after one year at 10 %, plus 7 of cash: 100/1.1 + 1000/1.1 + 7."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, terminal="exit", exit_multiple=5.0, discounting="end")
    v = value_cash_flows(_flows([100.0]), a, cash=7.0)
    assert_allclose(v.equity_value, 1100 / 1.1 + 7.0, rtol=1e-12)
    assert_allclose(v.terminal_share, (1000 / 1.1) / (1100 / 1.1), rtol=1e-12)


def test_valuation_year_drops_earlier_years_but_keeps_their_losses() -> None:
    """Valued from 2031, a 2030 loss of 100 still shelters 80 of 2031's profit."""
    a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.5, terminal="gordon", valuation_year=2031)
    v = value_cash_flows(_flows([-100.0, 100.0]), a)
    assert v.years == [2031]
    assert_allclose(v.tax[:, 0], [0.5 * 20.0])
    with pytest.raises(ValueError, match=r"valuation year must be a full year of the run \(2030-2031\) \(got 2029\)"):
        value_cash_flows(_flows([-100.0, 100.0]), a.replace(valuation_year=2029))


def test_bad_assumptions_are_refused() -> None:
    """Growth at or above the WACC and unknown methods are errors that say what is allowed."""
    with pytest.raises(ValueError, match=r"terminal growth must be below the WACC \(got g=9\.00% >= WACC=8\.00%\)"):
        Assumptions(wacc=0.08, terminal_growth=0.09, tax_rate=0.2)
    with pytest.raises(ValueError, match=r"terminal must be one of normalised, gordon, exit \(got 'dcf'\)"):
        Assumptions(wacc=0.08, terminal_growth=0.02, tax_rate=0.2, terminal="dcf")


def test_fundamental_value_keeps_its_signature_and_taxes_on_request() -> None:
    """Default: pre-tax Gordon DCF as before; with tax_rate the yearly flows are taxed with carry-forward."""
    dates = [f"{2030 + i // 12}-{i % 12 + 1:02d}" for i in range(36)]
    fcf = np.concatenate([np.full(12, -10.0), np.full(24, 10.0)])
    pre = fundamental_value(fcf, dates, 2031, 0.10, 0.0)
    assert_allclose(pre, 120 / 1.1 + 120 / 1.21 + 1200 / 1.21, rtol=1e-12)
    taxed = fundamental_value(fcf, dates, 2031, 0.10, 0.0, tax_rate=0.25)
    y1 = 120 - 0.25 * (120 - 96)  # the 2030 loss of 120 shelters 96 (80 %) of 2031
    y2 = 120 - 0.25 * (120 - 24)  # the 24 left shelters 24 of 2032
    assert_allclose(taxed, y1 / 1.1 + y2 / 1.21 + y2 / 0.10 / 1.21, rtol=1e-12)
    members = fundamental_value(np.stack([fcf, 2 * fcf], axis=1), dates, 2031, 0.10, 0.0, tax_rate=0.25)
    assert_allclose(members, [taxed[0], 2 * taxed[0]], rtol=1e-12)


def test_assumptions_come_from_the_scenario_and_the_data_file() -> None:
    """The baseline's capital market (WACC 9.746 % with 30 % debt, g 3.5 %, nominal) gives the
    real unlevered rate 1.10275 / 1.023 - 1 = 7.7957 % and g 1.035 / 1.023 - 1 = 1.1730 %; tax
    21 %, exit 6x, mid-year; the rest is valuation.toml's."""
    a = assumptions_for(load_scenario("baseline").model.capital_market)
    assert a.wacc == pytest.approx(1.10275 / 1.023 - 1, abs=1e-9)
    assert (a.terminal_growth, a.tax_rate, a.exit_multiple, a.discounting) == (pytest.approx(1.035 / 1.023 - 1), pytest.approx(0.21), 6.0, "mid")
    data = valuation_data()
    assert a.nol_limit_frac == data["tax"]["nol_limit_frac"] and a.fade_years == data["terminal"]["fade_years"]
    b = assumptions_for(load_scenario("baseline").model.capital_market, wacc=0.12, terminal=None)
    assert b.wacc == 0.12 and b.terminal == a.terminal and b.sources["wacc"] == "command-line override"
