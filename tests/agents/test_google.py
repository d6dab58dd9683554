"""Google alone: its data centers carry Alphabet's AI capex budget (growing toward a ceiling) and
publish it a month at a time; the lab spends that budget as far as the compute its demand needs
is missing, split between its data centers and Suncatcher on the orbital cost ratio; without a
budget it spends from revenue and cash as far."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.google import Google, GoogleDataCenters
from tests.agents.stub import StubWorld, ns
from tests.agents.test_openai import AI_MARKET, LAW, MARKET, OWN_USD_PER_W_MONTH
from tests.agents.test_openai import LAB as OPENAI_LAB
from tests.agents.test_terrestrial_dc import HW, SHARED, dc_world, site

COMPANIES = {"google": "alphabet", "google_dc": "alphabet", "google_planet": "alphabet"}
LAB = ns(**{**OPENAI_LAB, "orbital_first": True})


def _world(orbital_ratio: float = np.inf) -> StubWorld:
    """Google's data centers ($10/W a site), Suncatcher at $30/W up front, accelerators at $25/W,
    a 10 % WACC; half of 1,000 EFLOP/s of demand at $2M per EFLOP/s a month."""
    extra = [("google_planet", "google", "orbital_cost_ratio"), ("google_planet", "google", "orbital_capex_usd_per_w"),
             ("google", "google_planet", "orbital_target_mw"), ("tsmc", "google", "accelerator_usd_per_w"), ("capital_market", "google", "wacc")]
    extra += [("market", "google", s) for s in MARKET]
    world = dc_world("google_dc", "google", COMPANIES, extra)
    ex = world.exchange
    ex.publish("google_planet", "orbital_cost_ratio", orbital_ratio)
    ex.publish("google_planet", "orbital_capex_usd_per_w", 30.0)
    ex.publish("tsmc", "accelerator_usd_per_w", 25.0)
    ex.publish("capital_market", "wacc", 0.1)
    for s, v in MARKET.items():
        ex.publish("market", s, v)
    ex.cash[:, ex.index["google"]] = 1.2e9
    return world


def _google(world: StubWorld, budget_usd_per_yr: float, **kw: Any) -> tuple[Google, GoogleDataCenters]:
    dcs = GoogleDataCenters(world, world.actor("google_dc"), site(capex_budget_usd_per_yr=budget_usd_per_yr, capex_budget_growth_frac_per_yr=0.35,
                                                                   capex_budget_usd_per_yr_max=150e9, **kw), SHARED)
    lab = Google(world, world.actor("google"), LAB, ns(scaling=LAW, ai_market=ns(**AI_MARKET), ai_hardware=HW))
    world.start()
    lab.s.compute_eflops = np.array([250.0])
    return lab, dcs


def _target(world: StubWorld, builder: str, signal: str) -> float:
    return float(world.exchange._sig_now[("google", signal, builder)][0])


def _missing() -> float:
    """Share of its target Google lacks: 1,000 EFLOP/s of compute for its 500 of demand, times the
    payback switch (an EFLOP/s earns $2M x 50 % inference x 70 % after SG&A = $0.7M a month
    against $0.66M owning it: 1 / (1 + e^-0.25)), 250 held."""
    gate = 1.0 / (1.0 + np.exp(-(0.7 / OWN_USD_PER_W_MONTH - 1.0) / 0.25))
    return (1000.0 * gate - 250.0) / (1000.0 * gate)


def test_alphabets_budget_is_spent_as_far_as_compute_is_missing() -> None:
    """A $12B a year budget is $1B a month, of which the share of its target still missing (55 %)
    is spent; orbit at 0.9 of the cost of a site moves 1 / (1 + e^((0.9 - 1) / 0.05)) = 88.1 % of
    it to Suncatcher at $30/W and the rest to its data centers at $10 + $25/W."""
    world = _world(orbital_ratio=0.9)
    lab, _ = _google(world, 12e9)
    assert_allclose(world.exchange.read("google_dc", "google", "capex_budget_usd_per_month"), 1e9)
    lab.offer()
    budget = 1e9 * _missing()
    assert 0.54 < _missing() < 0.56
    assert_allclose(lab.own_budget_usd, budget)
    share = 1.0 / (1.0 + np.exp(-2.0))
    assert_allclose(lab.orbital_share, share)
    assert_allclose(_target(world, "google_planet", "orbital_target_mw"), budget * share / 30e6)
    assert_allclose(_target(world, "google_dc", "terrestrial_target_mw"), budget * (1.0 - share) / 35e6)


def test_without_a_budget_it_spends_from_revenue_and_cash() -> None:
    """No budget: $1B a month of revenue plus $1.2B of cash over 12 months, times the 55 % of its
    target missing, all on its data centers while orbit is closed (at $35/W)."""
    world = _world()
    lab, _ = _google(world, 0.0)
    assert_allclose(world.exchange.read("google_dc", "google", "capex_budget_usd_per_month"), 0.0)
    lab.offer()
    assert_allclose(lab.own_budget_usd, 1.1e9 * _missing())
    assert_allclose(_target(world, "google_dc", "terrestrial_target_mw"), 1.1e9 * _missing() / 35e6)
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
