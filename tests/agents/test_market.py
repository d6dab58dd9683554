"""The rest of the economy alone, beside its launch market (tests/agents/test_market_launches.py):
the frontier-AI revenue pool (logistic growth, larger with a better best model) and each lab's
deserved share (capability^exponent over everyone's, those not modelled included), the room the
AI market has left, outside customers' demand for PV modules and accelerators, and the world's
cumulative PV output behind the module learning curve."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.market import Market
from tests.agents.stub import StubWorld, ns

BUYS = (("gcl", "pv_modules"), ("tsmc", "accelerators"), ("starlink", "bandwidth"), ("starcloud", "compute"), ("optimus", "labour"))
STEP_100 = 2.0 ** (1 / 12) - 1.0  # a month of 100 %/yr growth


def shared(**ai: Any) -> Any:
    """World PV installs of 240 GW/yr (flat), 1,000 GW made so far; outside buyers of 100,000 H100e
    a month growing logistically at 100 %/yr toward 200,000; a $12B a year AI pool with room to
    $48B, elasticity 0.5 to the best model, share exponent 2, others at 0.8 of the best lab."""
    am = dict(revenue_usd_per_yr_initial=12e9, growth_frac_per_yr=0.0, revenue_usd_per_yr_max=48e9, capability_elasticity=0.5, share_exponent=2.0,
              others_capability_ratio=0.8)
    return ns(pv=ns(world_installs_gw_per_yr_initial=240.0, world_installs_growth_frac_per_yr=0.0, world_installs_gw_per_yr_max=1e4, cumulative_gw_initial=1000.0),
              chips=ns(market_demand_h100e_per_month_initial=1e5, market_demand_growth_frac_per_yr=1.0, market_demand_h100e_per_month_max=2e5),
              ai_market=ns(**{**am, **ai}))


P = ns(external_launches_per_yr_initial=30.0, external_launches_growth_frac_per_yr=0.0, external_launches_per_yr_max=100.0,
       launch_price_elasticity=0.7, launch_reference_price_usd=95e6, assured_access_frac=0.2)


def _market(capabilities: dict[str, float], **ai: Any) -> tuple[StubWorld, Market]:
    edges = [(lab, "market", "capability") for lab in capabilities] + [("market", lab, s) for lab in capabilities
                                                                       for s in ("ai_share_frac", "ai_pool_usd_per_month", "ai_market_room_frac")]
    edges += [(s, "market", c) for s, c in BUYS] + [("gcl", "orbital_dc", "pv_modules"), ("market", "gcl", "pv_cumulative_gw")]
    world = StubWorld(edges)
    for lab, cap in capabilities.items():
        world.exchange.publish(lab, "capability", cap)
    mk = Market(world, world.actor("market"), P, shared(**ai))
    world.start()
    return world, mk


def _seen(world: StubWorld, signal: str, lab: str) -> float:
    return float(world.exchange._lookup(world.exchange._sig_now, "market", lab, signal)[0])


def test_the_pool_follows_the_best_model_and_shares_follow_capability_squared() -> None:
    """Labs at capability 2 and 1, the others at 0.8 x 2 = 1.6: the pool this month is $12B / 12
    x 2^0.5 = $1.414B, and the shares are 4 / (4 + 1 + 2.56) = 52.9 % and 1 / 7.56 = 13.2 % (the
    rest goes to labs not modelled). The market has 1 - 12/48 = 75 % of its room left."""
    world, mk = _market({"a": 2.0, "b": 1.0})
    mk.offer()
    assert_allclose(_seen(world, "ai_pool_usd_per_month", "a"), 1e9 * 2**0.5)
    assert_allclose(_seen(world, "ai_share_frac", "a"), 4.0 / 7.56)
    assert_allclose(_seen(world, "ai_share_frac", "b"), 1.0 / 7.56)
    assert_allclose(_seen(world, "ai_market_room_frac", "b"), 0.75)


def test_others_can_lead_and_the_pool_grows_logistically() -> None:
    """With others at 1.25 x the one lab's capability 1, the best model is theirs: the pool is
    scaled by 1.25^0.5 and the lab deserves 1 / (1 + 1.5625) = 39 %. At 100 %/yr growth a month
    adds 12 x (2^(1/12) - 1) x (1 - 12/48) = $0.535B a year to the pool, and the room left shrinks
    to match."""
    world, mk = _market({"a": 1.0}, others_capability_ratio=1.25, growth_frac_per_yr=1.0)
    mk.offer()
    pool_yr = 12e9 * (1.0 + STEP_100 * 0.75)
    assert_allclose(mk.s.ai_pool_usd_per_yr, pool_yr)
    assert_allclose(_seen(world, "ai_pool_usd_per_month", "a"), pool_yr / 12.0 * 1.25**0.5)
    assert_allclose(_seen(world, "ai_share_frac", "a"), 1.0 / (1.0 + 1.25**2))
    assert_allclose(_seen(world, "ai_market_room_frac", "a"), 1.0 - pool_yr / 48e9)


def test_outside_buyers_of_modules_and_accelerators() -> None:
    """A twelfth of the world's 240 GW a year of installs (20 GW) and 100,000 H100e grown a month
    at 100 %/yr, half-way to the ceiling: 100,000 x (1 + (2^(1/12) - 1) x 0.5) = 102,973."""
    world, mk = _market({})
    mk.offer()
    demand = {c: float(world.exchange.markets[c].demand[0].sum()) for c in ("pv_modules", "accelerators")}
    assert_allclose(demand["pv_modules"], 20.0)
    assert_allclose(demand["accelerators"], 1e5 * (1.0 + STEP_100 * 0.5))


def test_cumulative_pv_counts_world_installs_and_what_modelled_buyers_bought() -> None:
    """1,000 GW so far; the world installs 20 GW this month and an orbital builder buys 5 GW of
    GCL's 22 GW (ahead of the market, which gets 17): 1,000 + 20 + 5 = 1,025 GW, published for the
    suppliers' learning curve."""
    world, mk = _market({})
    mk.offer()
    ex = world.exchange
    ex.demand("orbital_dc", "pv_modules", np.array([5.0]), tier=0)
    ex.offer("gcl", "pv_modules", np.array([22.0]), 0.3e9)
    ex.clear()
    assert_allclose(ex.received("market", "pv_modules"), 17.0)
    mk.settle()
    assert_allclose(mk.s.pv_cum_gw, 1025.0)
    assert_allclose(ex._sig_now[("market", "pv_cumulative_gw")], 1025.0)
