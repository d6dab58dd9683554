"""The outside launch market alone: a constant-elasticity demand curve, assured access, the
cheapest slot first, whole launches addressed to the launcher chosen."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.market import Market, allocate_launches, launch_demand_per_month
from tests.agents.stub import StubWorld, ns

LAUNCHERS = ("spacex_launch", "new_glenn")
SIGNALS = ("launch_price_usd_per_launch", "launch_slots_per_month", "launch_payload_t")


def test_demand_curve_against_hand_numbers() -> None:
    """48 launches a year at the $95M reference; at $60M and elasticity 0.7 buyers want
    4 x (60/95)^-0.7 = 5.518 a month, at $190M 4 x 2^-0.7 = 2.462; an inelastic market (0) 4."""
    prices = np.array([[60e6, 110e6], [190e6, 250e6], [60e6, 110e6]])
    slots = np.ones((3, 2))
    got = launch_demand_per_month(np.full(3, 48.0), prices, slots, 95e6, np.array([0.7, 0.7, 0.0]))
    assert_allclose(got, [4 * (60 / 95) ** -0.7, 4 * 2**-0.7, 4.0])
    assert_allclose(got[:2], [5.5177, 2.4623], atol=1e-4)


def test_the_lowest_price_with_free_slots_sets_demand() -> None:
    """The cheapest launcher has no slots: the lowest price with slots ($110M) sets demand."""
    got = launch_demand_per_month(np.array([12.0]), np.array([[60e6, 110e6]]), np.array([[0.0, 2.0]]), 110e6, 1.0)
    assert_allclose(got, 1.0)


def test_assured_share_then_cheapest_first_then_queue() -> None:
    """10 launches, 20 % assured: 1 to each of two launchers with slots; of the other 8 the
    cheapest's free slots take 4 (5 less its assured 1), the dearer has none left, and the last
    4 queue at the cheapest."""
    got = allocate_launches(np.array([10.0]), np.array([[60e6, 110e6]]), np.array([[5.0, 1.0]]), 0.2)
    assert_allclose(got, [[1.0 + 4.0 + 4.0, 1.0]])


def test_market_orders_whole_launches_at_each_launcher_payload() -> None:
    """At $95M (the reference) and 30 launches a year the market wants 2.5 a month: 20 %
    assured splits 0.25/0.25, the rest goes to the cheaper launcher (2.25); whole launches are
    ordered (2 and 0, the parts carried), each as its launcher's payload of mass."""
    world = StubWorld([(ln, "market", s) for ln in LAUNCHERS for s in SIGNALS] + [(ln, "market", "launch_mass") for ln in LAUNCHERS]
                      + [("market", "gcl", "pv_cumulative_gw")]
                      + [(s, "market", c) for s, c in (("gcl", "pv_modules"), ("tsmc", "accelerators"), ("starlink", "bandwidth"), ("starcloud", "compute"), ("optimus", "labour"))])
    ex = world.exchange
    for ln, price, payload in (("spacex_launch", 95e6, 21.0), ("new_glenn", 120e6, 45.0)):
        ex.publish(ln, "launch_price_usd_per_launch", price)
        ex.publish(ln, "launch_slots_per_month", 10.0)
        ex.publish(ln, "launch_payload_t", payload)
    p = ns(external_launches_per_yr_initial=30.0, external_launches_growth_frac_per_yr=0.0, external_launches_per_yr_max=100.0,
           launch_price_elasticity=0.7, launch_reference_price_usd=95e6, assured_access_frac=0.2)
    shared = ns(pv=ns(world_installs_gw_per_yr_initial=0.0, world_installs_growth_frac_per_yr=0.0, world_installs_gw_per_yr_max=1.0, cumulative_gw_initial=1.0),
                chips=ns(market_demand_h100e_per_month_initial=0.0, market_demand_growth_frac_per_yr=0.0, market_demand_h100e_per_month_max=1.0),
                ai_market=ns(revenue_usd_per_yr_initial=1.0, growth_frac_per_yr=0.0, revenue_usd_per_yr_max=2.0, growth_fade_start_month=10**6, growth_half_life_yr=1.0, capability_elasticity=0.0, capability_multiplier_max=2.0,
                             share_exponent=1.0, others_capability_ratio=0.0))
    mk = Market(world, world.actor("market"), p, shared)
    world.start()
    mk.offer()
    assert mk.launches_ordered.tolist() == [[2.0, 0.0]]
    assert_allclose(mk.s.launch_carry, [[0.25, 0.25]])
    m = ex.markets["launch_mass"]
    assert_allclose(m.directed[0, m.s_index["spacex_launch"], m.b_index["market"]], 2 * 21.0)
    assert_allclose(ex.asked_of("new_glenn", "launch_mass"), 0.0)
