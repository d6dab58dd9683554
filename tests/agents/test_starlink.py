"""Starlink alone: subscribers capped by usable capacity where they live, traffic growth, whole
Falcon loads and a Starship share, revenue lines and costs that make its margin."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.constellation import served_share
from ecosim.agents.starlink import Starlink
from tests.agents.stub import StubWorld, ns, sellers_shared

COMPANIES = {"starlink": "spacex", "spacex_launch": "spacex", "market": "market"}


def generations() -> list[Any]:
    return [ns(name="V2", mass_kg=1000.0, capacity_gbps=100.0, usable_capacity_frac=0.25, unit_cost_usd=1e6, available_month=0,
               needs_starship=False, eo_data_tb_per_month=0.0),
            ns(name="V3", mass_kg=2000.0, capacity_gbps=1000.0, usable_capacity_frac=0.5, unit_cost_usd=2e6, available_month=0,
               needs_starship=True, eo_data_tb_per_month=0.0)]


def constellation(**kw: Any) -> Any:
    """1,000 V2 satellites (25 Tbps usable), 10 Mbps a subscriber, a market that wants 10M now."""
    base = dict(lifetime_yr=19.0, attrition_frac_per_yr=0.0, generations=generations(), satellites_initial=1000.0,
                production_per_month_initial=0.0, production_growth_frac_per_yr=0.0, production_per_month_max=0.0, target_satellites=1e6,
                busy_hour_mbps_per_subscriber_initial=10.0, traffic_growth_frac_per_yr=0.2, subscribers_initial=10e6, service_start_month=0,
                bass_innovation_per_yr=0.0, bass_imitation_per_yr=0.0, appeal_ratio=1.0, arpu_usd_per_month_initial=100.0,
                arpu_change_frac_per_yr=0.0, terminal_price_usd_initial=300.0, terminal_price_change_frac_per_yr=0.0,
                terminal_cost_usd_initial=500.0, terminal_cost_change_frac_per_yr=0.0, churn_frac_per_yr=0.0, opex_usd_per_satellite_yr=60e3,
                ground_opex_usd_per_tbps_yr=1.2e6, ground_capex_usd_per_tbps=3e6, support_usd_per_subscriber_month=5.0, sga_frac_of_revenue=0.1,
                government_revenue_usd_per_yr_initial=1.2e9, government_revenue_growth_frac_per_yr=0.0, government_revenue_usd_per_yr_max=2e9,
                direct_to_cell_start_month=10**6, direct_to_cell_revenue_usd_per_yr_initial=0.0, direct_to_cell_growth_frac_per_yr=0.0,
                direct_to_cell_revenue_usd_per_yr_max=1e9, bandwidth_price_usd_per_tbps_month=1e6, initial_fleet_spread_months=1,
                cash_deploy_months=1.0, launch_contracts=[], launch_choice_price_exponent=3.0)
    base.update(kw)
    return ns(**base)


SHARED = ns(satellite_market=ns(potential_subscribers_initial=10e6, potential_growth_frac_per_yr=0.0, potential_max=10e6, price_elasticity=0.0,
                                cell_demand_spread_index=1.0),
            regulation=ns(max_satellites_per_operator=1e9, deployment_approval_per_yr=1e9), data_market=sellers_shared().data_market)


def _world() -> StubWorld:
    edges = [("spacex_launch", "starlink", "launch_mass"), ("spacex_launch", "starlink", "starship_capacity_t"),
             ("spacex_launch", "starlink", "launch_payload_t"), ("starlink", "spacex_launch", "starship_need_t"),
             ("starlink", "market", "bandwidth"), ("market", "starlink", "money"), ("starlink", "market", "money")]
    world = StubWorld(edges, companies=COMPANIES)
    world.exchange.cash[:, world.exchange.index["starlink"]] = 1e12
    return world


def _starlink(world: StubWorld, p: Any = None, ship_t: float = 0.0) -> Starlink:
    world.exchange.publish("spacex_launch", "starship_capacity_t", ship_t)
    world.exchange.publish("spacex_launch", "launch_payload_t", 20.0)
    sl = Starlink(world, world.actor("starlink"), p or constellation(), SHARED)
    world.start()
    return sl


def test_subscribers_are_capped_by_capacity_where_they_live() -> None:
    """25 Tbps usable at 10 Mbps serves 2.5M subscribers on average; 10M want it (r = 0.25): with
    demand spread lognormally over the cells (sigma 1) the network serves served(0.25) of them,
    about 2.3M, fewer than the 2.5M an even spread would allow."""
    world = _world()
    sl = _starlink(world)
    sl.offer()
    assert_allclose(sl.capacity_tbps, 1000 * 100 * 0.25 / 1000)
    assert_allclose(sl.capacity_subscribers(), 2.5e6)
    assert_allclose(sl.s.subs, 10e6 * served_share(0.25, 1.0))
    assert 2.2e6 < sl.s.subs[0] < 2.5e6


def test_traffic_growth_shrinks_the_cap_and_more_capacity_raises_it() -> None:
    """A year of 20 % traffic growth serves 2.5M / 1.2 on average; twice the satellites serve
    10M x served(0.5) = 4.0M, 1.75 times as many."""
    world = _world()
    sl = _starlink(world)
    for _ in range(12):
        sl.offer()
        world.exchange.clear()
        sl.settle()
        world.next_month()
    assert_allclose(sl.s.mbps_per_sub, 12.0)
    sl.offer()
    assert_allclose(sl.capacity_subscribers(), 2.5e6 / 1.2)
    big = _starlink(_world(), constellation(satellites_initial=2000.0))
    big.offer()
    assert_allclose(big.s.subs, 10e6 * served_share(0.5, 1.0))
    assert 4.0e6 < big.s.subs[0] < 4.1e6


def test_light_satellites_fly_in_whole_falcon_loads_heavy_ones_in_their_starship_share() -> None:
    """45 V2 (45 t) wait for whole 20 t loads: 40 fly, 5 wait; 10 V3 (20 t) with a 12 t Starship
    share: 6 fly. Starlink tells its launcher it would fly 20 t on Starship."""
    world = _world()
    sl = _starlink(world, ship_t=12.0)
    sl.s.inventory = np.array([[45.0, 10.0]])
    sl.offer()
    (order,) = sl.orders
    assert_allclose(order.sats, [[40.0, 6.0]])
    assert_allclose(order.mass_t, 40.0 + 12.0)
    assert_allclose(world.exchange._sig_now[("starlink", "starship_need_t")], 20.0)


def test_satellites_are_added_only_as_they_reach_orbit() -> None:
    """The launcher sells 26 t of the 52 t asked and loses half of it: a quarter of the order's
    satellites arrive, half leave the stock."""
    world = _world()
    sl = _starlink(world, ship_t=12.0)
    sl.s.inventory = np.array([[45.0, 10.0]])
    before = sl.active.copy()
    sl.offer()
    ex = world.exchange
    ex.offer("spacex_launch", "launch_mass", np.array([26.0]), 1.0)
    ex.clear()
    ex.lose("spacex_launch", "launch_mass", np.array([0.5]))
    sl.settle()
    assert_allclose(sl.active - before, (40.0 + 6.0) / 4)
    assert_allclose(sl.s.inventory, [[45.0 - 20.0, 10.0 - 3.0]])


def test_revenue_lines_and_costs_make_the_margin() -> None:
    """With 2.31M subscribers at $100, kits and government: service = subscribers x ARPU (sold as
    bandwidth), government $100M a month; opex lines as their rates say; no new kits (no growth
    or churn)."""
    world = _world()
    sl = _starlink(world)
    sl.offer()
    ex = world.exchange
    ex.demand("market", "bandwidth", np.array([1e9]))
    ex.clear()
    sl.settle()
    subs = 10e6 * served_share(0.25, 1.0)
    assert_allclose(sl.revenue_lines_usd["service"], subs * 100.0)
    assert_allclose(sl.revenue_lines_usd["government"], 100e6)
    assert_allclose(sl.revenue_lines_usd["terminals"], 0.0, atol=1e-6)
    assert_allclose(sl.opex_lines_usd["satellites"], 1000 * 60e3 / 12)
    assert_allclose(sl.opex_lines_usd["ground"], subs * 10.0 / 1e6 * 1.2e6 / 12)
    assert_allclose(sl.opex_lines_usd["support"], subs * 5.0)
    assert_allclose(sl.opex_lines_usd["sga"], 0.1 * (subs * 100.0 + 100e6))
