"""Google alone: its data centers carry Alphabet's AI capex budget (growing toward a ceiling) and
publish it a month at a time; the lab spends that budget whatever its revenue, split between its
data centers and Suncatcher on the orbital cost ratio; without a budget it spends from revenue and
cash while the AI market still grows."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.google import Google, GoogleDataCenters
from tests.agents.stub import StubWorld, ns
from tests.agents.test_terrestrial_dc import SHARED, dc_world, site

COMPANIES = {"google": "alphabet", "google_dc": "alphabet", "google_planet": "alphabet"}
LAB = ns(data_pb_initial=0.0, web_tokens_initial=1e12, revenue_initial_usd_per_yr=0.12e9, market_share_initial_frac=0.3, compute_budget_frac=1.0,
         cash_deploy_months=12.0, orbital_first=True, orbital_switch_softness_ratio=0.05, training_frac=0.4)


def _world(orbital_ratio: float = np.inf) -> StubWorld:
    """Google's data centers ($10/W a site), Suncatcher at $30/W up front, accelerators at $25/W,
    an AI market half grown."""
    extra = [("google_planet", "google", "orbital_cost_ratio"), ("google_planet", "google", "orbital_capex_usd_per_w"),
             ("google", "google_planet", "orbital_target_mw"), ("market", "google", "ai_market_room_frac"), ("tsmc", "google", "accelerator_usd_per_w")]
    world = dc_world("google_dc", "google", COMPANIES, extra)
    ex = world.exchange
    ex.publish("google_planet", "orbital_cost_ratio", orbital_ratio)
    ex.publish("google_planet", "orbital_capex_usd_per_w", 30.0)
    ex.publish("market", "ai_market_room_frac", 0.5)
    ex.publish("tsmc", "accelerator_usd_per_w", 25.0)
    ex.cash[:, ex.index["google"]] = 1.2e9
    return world


def _google(world: StubWorld, budget_usd_per_yr: float, **kw: Any) -> tuple[Google, GoogleDataCenters]:
    dcs = GoogleDataCenters(world, world.actor("google_dc"), site(capex_budget_usd_per_yr=budget_usd_per_yr, capex_budget_growth_frac_per_yr=0.35,
                                                                   capex_budget_usd_per_yr_max=150e9, **kw), SHARED)
    lab = Google(world, world.actor("google"), LAB, ns(scaling=ns(), ai_market=ns()))
    world.start()
    return lab, dcs


def _target(world: StubWorld, builder: str, signal: str) -> float:
    return float(world.exchange._sig_now[("google", signal, builder)][0])


def test_alphabets_budget_is_spent_whatever_the_revenue() -> None:
    """A $12B a year budget is $1B a month; orbit at 0.9 of the cost of a site moves
    1 / (1 + e^((0.9 - 1) / 0.05)) = 88.1 % of it to Suncatcher at $30/W (29.4 MW) and the rest
    to its data centers at $10 + $25/W (3.4 MW)."""
    world = _world(orbital_ratio=0.9)
    lab, _ = _google(world, 12e9)
    assert_allclose(world.exchange.read("google_dc", "google", "capex_budget_usd_per_month"), 1e9)
    assert_allclose(lab.budget_usd(), 1e9)
    lab.offer()
    share = 1.0 / (1.0 + np.exp(-2.0))
    assert_allclose(lab.orbital_share, share)
    assert_allclose(_target(world, "google_planet", "orbital_target_mw"), 1e9 * share / 30e6)
    assert_allclose(_target(world, "google_dc", "terrestrial_target_mw"), 1e9 * (1.0 - share) / 35e6)
    assert 29.3 < 1e9 * share / 30e6 < 29.5


def test_without_a_budget_it_spends_from_revenue_and_cash() -> None:
    """No budget: $10M a month of revenue plus $1.2B of cash over 12 months, times the half of the
    AI market still to grow: 0.5 x (10M + 100M) = $55M, all on its data centers while orbit is
    closed (1.57 MW at $35/W)."""
    world = _world()
    lab, _ = _google(world, 0.0)
    assert_allclose(world.exchange.read("google_dc", "google", "capex_budget_usd_per_month"), 0.0)
    lab.offer()
    assert_allclose(lab.budget_usd(), 55e6)
    assert_allclose(_target(world, "google_dc", "terrestrial_target_mw"), 55e6 / 35e6)
    assert_allclose(_target(world, "google_planet", "orbital_target_mw"), 0.0)


def test_the_budget_grows_toward_its_ceiling() -> None:
    """$8B a year growing 35 %/yr is 8 x 1.35^(1/12) = $8.2B after a month (published as a twelfth
    of that); $149.5B stops at the $150B ceiling."""
    for start, after in ((8e9, 8e9 * 1.35 ** (1 / 12)), (149.5e9, 150e9)):
        world = _world()
        _, dcs = _google(world, start)
        dcs.offer()
        world.exchange.clear()
        dcs.settle()
        assert_allclose(dcs.s.budget_usd_per_yr, after)
        assert_allclose(world.exchange._sig_now[("google_dc", "capex_budget_usd_per_month")], after / 12.0)
