"""The capital market alone: scheduled raises to a company's head, the merger, follow-on raises."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.capital_market import CapitalMarket
from tests.agents.stub import StubWorld, ns

COMPANIES = {"spacex_launch": "spacex", "xai": "xai", "xai_dc": "xai", "capital_market": "capital_market", "market": "market"}


def _params(**kw: object) -> object:
    base = dict(risk_free_frac=0.045, market_risk_premium_frac=0.055, beta_unlevered=1.05, debt_to_capital_frac=0.3,
                cost_of_debt_frac=0.05, tax_rate_frac=0.21, terminal_growth_frac=0.035, merger_month=10**6,
                merger_company="xai", merger_into_company="spacex", raises=[], follow_on_frac_of_mark_per_yr=0.0, min_cash_months=6.0,
                mark_revenue_multiple_initial=10.0, mark_multiple_decay_frac_per_yr=0.15, mark_revenue_multiple_mature=6.0,
                cash_initial_usd={}, burn_smoothing_frac=0.25, raise_to_min_cash_ratio=2.0)
    base.update(kw)
    return ns(**base)


def _world() -> StubWorld:
    edges = [("capital_market", "spacex_launch", "money"), ("capital_market", "xai", "money"), ("capital_market", "orbital_dc", "wacc")]
    return StubWorld(edges, companies=COMPANIES, funded=("spacex", "xai"), heads={"spacex": "spacex_launch", "xai": "xai"})


def test_raises_arrive_at_the_head_and_the_merger_moves_the_absorbed_company() -> None:
    """At the merger month xAI's agents become SpaceX's, and a raise scheduled for xAI from then on
    arrives at SpaceX's head; one before goes to xAI's."""
    world = _world()
    month = world.month
    raises = [ns(month=month, company="xai", usd=5e9), ns(month=month + 1, company="xai", usd=7e9)]
    cm = CapitalMarket(world, world.actor("capital_market"), _params(merger_month=month + 1, raises=raises))
    world.start()
    cm.offer()
    ex = world.exchange
    assert_allclose(ex.cash[0, ex.index["xai"]], 5e9)
    world.next_month()
    cm.offer()
    assert ex.company_of("xai") == ex.company_of("xai_dc") == "spacex"
    assert_allclose(ex.cash[0, ex.index["spacex_launch"]], 7e9)
    assert_allclose(ex.company_cash("spacex"), 12e9)


def test_wacc_is_published_and_a_low_cash_company_raises_to_twice_its_floor() -> None:
    """WACC = 0.7 x (4.5 % + 1.4055 x 5.5 %) + 0.3 x 5 % x 0.79 = 9.746 %; SpaceX burning 1 B USD a
    month (smoothed weight 0.25 from zero: 0.25 B) with no cash raises 2 x 6 x 0.25 B = 3 B USD,
    within an allowance of 10 %/yr of a 1 T USD mark (100 B USD)."""
    world = _world()
    cm = CapitalMarket(world, world.actor("capital_market"), _params(follow_on_frac_of_mark_per_yr=0.10))
    world.start()
    assert_allclose(world.exchange.read("capital_market", "orbital_dc", "wacc"), 0.7 * (0.045 + 1.05 * (1 + 0.79 * 0.3 / 0.7) * 0.055) + 0.3 * 0.05 * 0.79)
    ex = world.exchange
    ex.last_out[:, ex.index["spacex_launch"]] = 1e9  # last month SpaceX paid out 1 B USD and earned nothing
    cm.s.allowance_usd[:, cm.ci("spacex")] = 100e9
    cm.marks_by_company["spacex"] = [(world.month - 1, 1e12)]
    cm.last_mark_month["spacex"] = world.month + 12
    cm.offer()
    assert_allclose(ex.cash[0, ex.index["spacex_launch"]], 2 * 6 * 0.25e9)
    assert np.all(cm.s.raised_usd[:, cm.ci("spacex")] == 3e9)


def test_a_lab_with_little_revenue_raises_little_whatever_it_burns() -> None:
    """xAI with no narrative mark earned $0.1B last month and paid out $2B: its burn is 0.25 x 1.9B
    = $0.475B a month, it wants 2 x 6 x 0.475B = $5.7B. Investors value it at its revenue multiple
    (10, one month's fade toward 6 at 15 %/yr: 6 + 4 x (1 - 0.15 / 12) = 9.95) times its trailing
    revenue, $0.995B, and fund 10 %/yr of that: $8.29M this month. Ten times the revenue, ten times
    the raise: access to capital follows what the lab earns."""
    for revenue, mark in ((0.1e9, 9.95 * 0.1e9), (1e9, 9.95 * 1e9)):
        world = _world()
        cm = CapitalMarket(world, world.actor("capital_market"), _params(follow_on_frac_of_mark_per_yr=0.10))
        cm.marks_by_company["xai"], cm.last_mark_month["xai"] = [], -1  # no narrative mark
        world.start()
        ex = world.exchange
        ex.last_in[:, ex.index["xai"]] = revenue
        ex.last_out[:, ex.index["xai"]] = revenue + 1.9e9
        cm.offer()
        assert_allclose(cm.mark("xai"), mark)
        assert_allclose(ex.cash[0, ex.index["xai"]], 0.10 * mark / 12.0)
        assert 0.10 * mark / 12.0 < 2 * 6 * 0.25 * 1.9e9
