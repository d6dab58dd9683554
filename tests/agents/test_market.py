"""The rest of the economy alone, beside its launch market (tests/agents/test_market_launches.py):
the frontier-AI market (revenue growing logistically, larger with a better best model; the price
of inference falling with the cost of compute and rising when the labs' compute is short; the
inference wanted at that price), each lab's deserved share (capability^exponent over everyone's,
those not modelled included) and the demand it takes from labs short of compute, outside
customers' demand for PV modules and accelerators, and the world's
cumulative PV output behind the module learning curve."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.market import Market
from ecosim.timeline import parse_month
from tests.agents.stub import StubWorld, ns

BUYS = (("gcl", "pv_modules"), ("tsmc", "accelerators"), ("starlink", "bandwidth"), ("starcloud", "compute"), ("optimus", "labour"))
STEP_100 = 2.0 ** (1 / 12) - 1.0  # a month of 100 %/yr growth


def shared(**ai: Any) -> Any:
    """World PV installs of 240 GW/yr (flat), 1,000 GW made so far; outside buyers of 100,000 H100e
    a month growing logistically at 100 %/yr toward 200,000; a $12B a year AI market with room to
    $48B, elasticity 0.5 to the best model, share exponent 2, others at 0.8 of the best lab;
    inference at $1M per EFLOP/s a month in the hardware's reference month (this month: the cost
    index is 1), demand of unit price elasticity, the price at most 5x its cost-based level."""
    am = dict(revenue_usd_per_yr_initial=12e9, growth_frac_per_yr=0.0, revenue_usd_per_yr_max=48e9, growth_fade_start_month=10**6, growth_half_life_yr=1.0, capability_elasticity=0.5, capability_multiplier_max=2.0, share_exponent=2.0,
              others_capability_ratio=0.8, inference_usd_per_eflops_month=1e6, price_elasticity=1.0, scarcity_price_ratio_max=5.0)
    return ns(pv=ns(world_installs_gw_per_yr_initial=240.0, world_installs_growth_frac_per_yr=0.0, world_installs_gw_per_yr_max=1e4, cumulative_gw_initial=1000.0),
              chips=ns(market_demand_h100e_per_month_initial=1e5, market_demand_growth_frac_per_yr=1.0, market_demand_h100e_per_month_max=2e5),
              ai_market=ns(**{**am, **ai}),
              ai_hardware=ns(usd_per_w_change_frac_per_yr=-0.05, efficiency_gain_frac_per_yr=0.25, reference_month=parse_month("2030-01")))


P = ns(external_launches_per_yr_initial=30.0, external_launches_growth_frac_per_yr=0.0, external_launches_per_yr_max=100.0,
       launch_price_elasticity=0.7, launch_reference_price_usd=95e6, assured_access_frac=0.2)
AI_OUT = ("ai_price_usd_per_eflops_month", "ai_demand_eflops", "ai_share_frac", "ai_spill_eflops")
AI_IN = ("capability", "ai_market_share_frac", "inference_capacity_eflops")


def _market(capabilities: dict[str, float], shares: dict[str, float] | None = None, capacity: dict[str, float] | None = None,
            extra_edges: list[tuple[str, str, str]] | None = None, **ai: Any) -> tuple[StubWorld, Market]:
    """Labs of these capabilities; their shares of the demand and inference compute as given
    (default: a tenth each and far more compute than anyone wants); ``extra_edges``: the race's."""
    edges = [(lab, "market", s) for lab in capabilities for s in AI_IN] + [("market", lab, s) for lab in capabilities for s in AI_OUT] + (extra_edges or [])
    edges += [(s, "market", c) for s, c in BUYS] + [("gcl", "orbital_dc", "pv_modules"), ("market", "gcl", "pv_cumulative_gw")]
    world = StubWorld(edges)
    for lab, cap in capabilities.items():
        world.exchange.publish(lab, "capability", cap)
        world.exchange.publish(lab, "ai_market_share_frac", (shares or {}).get(lab, 0.1))
        world.exchange.publish(lab, "inference_capacity_eflops", (capacity or {}).get(lab, 1e9))
    mk = Market(world, world.actor("market"), P, shared(**ai))
    world.start()
    return world, mk


def _seen(world: StubWorld, signal: str, lab: str) -> float:
    return float(world.exchange._lookup(world.exchange._sig_now, "market", lab, signal)[0])


def test_demand_follows_the_best_model_and_shares_follow_capability_squared() -> None:
    """Labs at capability 2 and 1, the others at 0.8 x 2 = 1.6: the market's revenue this month
    is $12B / 12 x 2^0.5 = $1.414B, at $1M per EFLOP/s a month 1,414 EFLOP/s of inference; the
    shares are 4 / (4 + 1 + 2.56) = 52.9 % and 1 / 7.56 = 13.2 % (the rest goes to labs not
    modelled). Compute is plentiful: the price stays at its cost-based level."""
    world, mk = _market({"a": 2.0, "b": 1.0})
    mk.offer()
    assert_allclose(_seen(world, "ai_price_usd_per_eflops_month", "a"), 1e6)
    assert_allclose(_seen(world, "ai_demand_eflops", "a"), 1e9 * 2**0.5 / 1e6)
    assert_allclose(_seen(world, "ai_share_frac", "a"), 4.0 / 7.56)
    assert_allclose(_seen(world, "ai_share_frac", "b"), 1.0 / 7.56)


def test_the_price_of_inference_rises_when_the_labs_compute_is_short() -> None:
    """The two labs hold 50 % and 10 % of the 1,414 EFLOP/s wanted at cost (848.5) but have 300
    and 100 EFLOP/s: at unit elasticity the price rises 848.5 / 400 = 2.12 times, to $2.12M, where
    the market wants 1,414 / 2.12 = 666.7 EFLOP/s and the labs' share of it is the 400 they have.
    Lab a is short of its 333.3 by 33.3; lab b has 33.3 to spare and takes 33.3 x 0.1 / (0.1 + 0.4
    left to labs not modelled) = 6.7 of it."""
    world, mk = _market({"a": 2.0, "b": 1.0}, shares={"a": 0.5, "b": 0.1}, capacity={"a": 300.0, "b": 100.0})
    mk.offer()
    ratio = 0.6 * 1e9 * 2**0.5 / 1e6 / 400.0
    assert_allclose(_seen(world, "ai_price_usd_per_eflops_month", "a"), 1e6 * ratio)
    demand = 1e9 * 2**0.5 / 1e6 / ratio
    assert_allclose(_seen(world, "ai_demand_eflops", "b"), demand)
    assert_allclose(_seen(world, "ai_spill_eflops", "a"), 0.0)
    assert_allclose(_seen(world, "ai_spill_eflops", "b"), (0.5 * demand - 300.0) * 0.1 / 0.5)


def test_others_can_lead_and_the_market_grows_logistically() -> None:
    """With others at 1.25 x the one lab's capability 1, the best model is theirs: the revenue is
    scaled by 1.25^0.5 and the lab deserves 1 / (1 + 1.5625) = 39 %. At 100 %/yr growth a month
    adds 12 x (2^(1/12) - 1) x (1 - 12/48) = $0.535B a year to the market."""
    world, mk = _market({"a": 1.0}, others_capability_ratio=1.25, growth_frac_per_yr=1.0)
    mk.offer()
    pool_yr = 12e9 * (1.0 + STEP_100 * 0.75)
    assert_allclose(mk.s.ai_pool_usd_per_yr, pool_yr)
    assert_allclose(_seen(world, "ai_demand_eflops", "a"), pool_yr / 12.0 * 1.25**0.5 / 1e6)
    assert_allclose(_seen(world, "ai_share_frac", "a"), 1.0 / (1.0 + 1.25**2))


def test_the_markets_growth_halves_every_half_life_after_its_fade_starts() -> None:
    """100 %/yr growth fading from two years ago with a half-life of 2 years grows at 50 %/yr
    now: a month adds 12 x (1.5^(1/12) - 1) x (1 - 12/48) = $0.309B a year to the market (and
    $0.535B at 100 %/yr before the fade starts, next test's case)."""
    world, mk = _market({"a": 1.0}, growth_frac_per_yr=1.0, growth_half_life_yr=2.0)
    mk.shared.ai_market.growth_fade_start_month = world.month - 24
    mk.offer()
    assert_allclose(mk.s.ai_pool_usd_per_yr, 12e9 * (1.0 + (1.5 ** (1 / 12) - 1.0) * 0.75))
    assert_allclose(mk.s.ai_pool_usd_per_yr - 12e9, 0.309e9, rtol=1e-3)


def test_after_the_fitted_years_a_better_model_multiplies_the_market_at_most_twice() -> None:
    """The fitted years end this month with the best lab at 2 (the others at 1.6): the revenue is
    $1B x 2^0.5. Next month the lab is at 8, four times that: unbounded the revenue would be
    $1B x 8^0.5 = $2.83B; saturating toward 2x (y = 4^0.5 - 1 = 1, 1 + y / (1 + y / (2 - 1)) = 1.5)
    it is $1B x 2^0.5 x 1.5 = $2.12B (price x demand: unit price elasticity)."""
    world, mk = _market({"a": 2.0, "b": 1.0}, growth_fade_start_month=parse_month("2030-02"))
    mk.offer()
    assert_allclose(_seen(world, "ai_price_usd_per_eflops_month", "a") * _seen(world, "ai_demand_eflops", "a"), 1e9 * 2**0.5)
    world.exchange.publish("a", "capability", 8.0)
    world.next_month()
    mk.offer()
    assert_allclose(_seen(world, "ai_price_usd_per_eflops_month", "a") * _seen(world, "ai_demand_eflops", "a"), 1e9 * 2**0.5 * 1.5)


def test_a_year_on_the_price_falls_with_the_cost_of_compute() -> None:
    """A year after the hardware's reference month accelerators cost 5 % less per W and give 25 %
    more compute per W: inference costs 0.95 / 1.25 = 0.76 of its price; at unit elasticity the
    revenue is the same, so the market wants 1 / 0.76 times the inference."""
    world, mk = _market({"a": 1.0}, others_capability_ratio=0.0)
    mk.shared.ai_hardware.reference_month = world.month - 12
    mk.offer()
    assert_allclose(_seen(world, "ai_price_usd_per_eflops_month", "a"), 0.76e6)
    assert_allclose(_seen(world, "ai_demand_eflops", "a"), 1e9 / 0.76e6)


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


def test_a_lab_behind_sees_the_frontier_and_what_catching_up_would_win_it() -> None:
    """Lab a (capability 2) trains on 500 EFLOP/s; lab b (capability 1) races. b sees a's training
    compute times the race switch 1 / (1 + e^-((2 / 1 - 1) / 0.1)) (all but 4.5e-5 of it), and the
    share it would deserve at a's capability: 2^2 / (4 + 4 + 1.6^2) = 37.9 % (against 1 / 7.56 =
    13.2 % today). a, ahead, is not in the race and sees neither."""
    edges = [("a", "market", "lab_training_eflops"), ("market", "b", "frontier_compute_eflops"), ("market", "b", "ai_share_at_frontier_frac")]
    world, mk = _market({"a": 2.0, "b": 1.0}, race_softness_ratio=0.1, extra_edges=edges)
    world.exchange.publish("a", "lab_training_eflops", 500.0)
    world.start()
    mk.offer()
    assert_allclose(_seen(world, "frontier_compute_eflops", "b"), 500.0 / (1.0 + np.exp(-10.0)))
    assert_allclose(_seen(world, "ai_share_at_frontier_frac", "b"), 4.0 / 10.56)
    assert not world.exchange.reads("market", "a", "ai_share_at_frontier_frac")
