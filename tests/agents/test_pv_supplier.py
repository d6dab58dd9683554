"""A Chinese PV supplier alone: Swanson's price, spare capacity, export cap, expansion rule."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.pv_supplier import PVSupplier
from tests.agents.stub import StubWorld, ns

PV = ns(price_usd_per_w_initial=0.30, price_progress_ratio=0.8, price_usd_per_w_floor=0.05, cumulative_gw_initial=1000.0,
        oversupply_price_elasticity=0.5, export_policy_frac=0.25, us_tariff_frac=0.5, manufacturing_mwh_per_mw=100.0,
        cost_frac_of_price=0.9, price_utilisation_floor_frac=0.2, expansion_utilisation_min_frac=0.5, expansion_utilisation_ramp_frac=0.3)


def _supplier(world: StubWorld) -> PVSupplier:
    return PVSupplier(world, world.actor("gcl"), ns(name="GCL", capacity_gw_per_yr_initial=120.0, capacity_growth_frac_per_yr=0.21), ns(pv=PV))


def _world() -> StubWorld:
    return StubWorld([("market", "gcl", "pv_cumulative_gw"), ("gcl", "orbital_dc", "pv_modules"), ("gcl", "market", "pv_modules"),
                      ("grid_china", "gcl", "power"), ("gcl", "market", "money")])


def test_price_follows_cumulative_output_and_spare_capacity() -> None:
    """Two doublings of world output (1,000 -> 4,000 GW) at 25 % utilisation:
    0.30 x 0.8^2 x 0.25^0.5 = 0.096 USD/W; at 10 % utilisation the spare-capacity factor stops at 0.2^0.5."""
    world = _world()
    world.exchange.publish("market", "pv_cumulative_gw", 4000.0)
    sup = _supplier(world)
    world.start()
    sup.s.utilisation = np.array([0.25])
    sup.offer()
    assert_allclose(sup.price_usd_per_w, 0.30 * 0.64 * 0.5)
    sup.s.utilisation = np.array([0.10])
    assert_allclose(sup._price_usd_per_w(), 0.30 * 0.64 * 0.2**0.5)


def test_offer_export_cap_and_power() -> None:
    """It offers a month of capacity (10 GW), US buyers (tier 0) at most a quarter of it, and buys
    10,000 MW x 100 MWh/MW / 730.5 h of power at full utilisation."""
    world = _world()
    world.exchange.publish("market", "pv_cumulative_gw", 1000.0)
    sup = _supplier(world)
    world.start()
    sup.offer()
    m = world.exchange.markets["pv_modules"]
    assert_allclose(m.offer[0, 0], 10.0)
    assert_allclose(m.tier_cap[0][0, 0], 2.5)
    assert_allclose(world.exchange.markets["power"].demand[0, 0], 10.0 * 1000.0 * 100.0 / (30.4375 * 24.0))


def test_capacity_grows_only_while_busy() -> None:
    """Selling 6.5 of 10 GW (65 % busy, half-way up the 50-80 % ramp) grows capacity at half its
    monthly rate: 120 x (1 + 0.5 x (1.21^(1/12) - 1)); below 50 % it does not grow."""
    for sold, factor in ((6.5, 1 + 0.5 * (1.21 ** (1 / 12) - 1)), (4.0, 1.0)):
        world = _world()
        world.exchange.publish("market", "pv_cumulative_gw", 1000.0)
        sup = _supplier(world)
        world.start()
        sup.offer()
        world.exchange.demand("market", "pv_modules", np.array([sold]))
        world.exchange.clear()
        sup.settle()
        assert_allclose(sup.s.utilisation, sold / 10.0)
        assert_allclose(sup.s.capacity_gw_per_yr, 120.0 * factor)


def test_costs_are_the_cost_share_of_sales() -> None:
    """Selling 6.5 GW at 0.30 USD/W costs 90 % of the 1.95 B USD of sales, paid to the economy."""
    world = _world()
    world.exchange.publish("market", "pv_cumulative_gw", 1000.0)
    sup = _supplier(world)
    world.start()
    sup.s.utilisation = np.array([1.0])
    sup.offer()
    world.exchange.demand("market", "pv_modules", np.array([6.5]))
    world.exchange.clear()
    sup.settle()
    assert_allclose(world.exchange.month_out[0, world.exchange.index["gcl"]], 0.9 * 6.5e9 * 0.30)
