"""SpaceX's launch business alone: limit pricing with no cliffs, transfer at cost, every tonne on
a flight, Starship stacks and pads built to its buyers' needs within its capital."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.base import DAYS_PER_MONTH
from ecosim.agents.starship import SpaceXLaunch, limit_price_usd
from tests.agents.stub import StubWorld, ns
from tests.agents.test_launcher import line

COMPANIES = {"spacex_launch": "spacex", "starlink": "spacex", "market": "market", "new_glenn": "blue_origin"}


def starship(**kw: Any) -> Any:
    """Starship operational from the start: 100 t, 3-day turnaround, 2-day pads, $20M a flight."""
    base = dict(first_flight_month=0, vehicles_initial=2.0, build_per_month_initial=4.0, build_growth_frac_per_yr=0.0, build_per_month_max=4.0,
                vehicle_life_flights=1e9, vehicle_cost_usd=100e6, test_interval_months_initial=1.0, test_interval_progress_ratio=1.0,
                test_interval_months_floor=1.0, mishap_delay_months=0.0, operational_month=0, min_flights_for_operations=0.0,
                turnaround_days_initial=3.0, turnaround_days_floor=3.0, turnaround_progress_ratio=1.0, pads_initial=1.0, pads_added_per_yr=12.0,
                pads_max=10.0, pad_turnaround_days_initial=2.0, pad_turnaround_days_floor=2.0, cumulative_flights_initial=20.0,
                cost_per_flight_usd_initial=20e6, cost_progress_ratio=1.0, cost_per_flight_usd_floor=20e6, failure_prob_test=0.0,
                failure_prob_operational=0.0, build_lead_months=0.0, test_stacks_ready_count=2.0, target_utilisation_frac=0.5,
                demand_smoothing_frac=1.0, pad_cost_usd=500e6, factory_capex_usd_per_stack_month=0.0, development_usd_per_yr=1.2e9,
                versions=[ns(name="V3", payload_t=100.0, available_month=0, min_cumulative_flights=0.0),
                          ns(name="V4", payload_t=150.0, available_month=10**6, min_cumulative_flights=0.0)])
    base.update(kw)
    return ns(**base)


def params(falcon: Any = None, ship: Any = None, **kw: Any) -> Any:
    base = dict(falcon=falcon or line(payload_t=20.0, price_per_flight_usd=95e6, cost_per_flight_usd_initial=20e6, cost_progress_ratio=1.0,
                                      customer_mission_cost_usd=10e6, boosters_initial=4.0),
                starship=ship or starship(), price_to_competitor_ratio=0.8, price_change_max_frac_per_month=0.02, cash_deploy_months=1.0,
                overhead_frac_of_revenue=0.0)
    base.update(kw)
    return ns(**base)


def _world(cash_usd: float = 1e12) -> StubWorld:
    edges = [("new_glenn", "spacex_launch", "launch_price_usd_per_launch"), ("spacex_launch", "market", "launch_mass"),
             ("spacex_launch", "starlink", "launch_mass"), ("spacex_launch", "starlink", "starship_capacity_t"),
             ("starlink", "spacex_launch", "starship_need_t"), ("spacex_launch", "market", "money")]
    edges += [("spacex_launch", "market", s) for s in ("launch_price_usd_per_launch", "launch_slots_per_month", "launch_payload_t", "launch_price_usd_per_kg")]
    edges += [("spacex_launch", "starlink", "launch_price_usd_per_kg")]
    world = StubWorld(edges, companies=COMPANIES)
    world.exchange.cash[:, world.exchange.index["spacex_launch"]] = cash_usd
    return world


def _launcher(world: StubWorld, p: Any = None, need_t: float = 0.0, competitor_usd: float = 110e6) -> SpaceXLaunch:
    world.exchange.publish("new_glenn", "launch_price_usd_per_launch", competitor_usd)
    world.exchange.publish("starlink", "starship_need_t", need_t)
    sx = SpaceXLaunch(world, world.actor("spacex_launch"), p or params(), ns(market=ns(launch_price_elasticity=0.7)))
    world.start()
    return sx


def test_limit_price_is_below_the_competitor_or_the_lerner_price() -> None:
    """0.8 x $110M = $88M against a fringe; with elastic demand (e = 2) and MC $30M the Lerner
    price 2 x MC = $60M binds; never below MC."""
    assert_allclose(limit_price_usd(np.array([110e6]), 0.8, np.array([30e6]), 0.7), 88e6)
    assert_allclose(limit_price_usd(np.array([110e6]), 0.8, np.array([30e6]), 2.0), 60e6)
    assert_allclose(limit_price_usd(np.array([20e6]), 0.8, np.array([30e6]), 0.7), 30e6)


def test_price_moves_toward_its_target_at_most_two_percent_a_month() -> None:
    """Starting at $95M with a target of 0.8 x $50M = $40M (above MC $30M), the price falls 2 %
    a month: 95 x 0.98 then 95 x 0.98^2; no cliff."""
    world = _world()
    sx = _launcher(world, competitor_usd=50e6)
    sx.offer()
    assert_allclose(sx.s.price_usd_per_launch, 95e6 * 0.98)
    world.next_month()
    sx.offer()
    assert_allclose(sx.s.price_usd_per_launch, 95e6 * 0.98**2)
    assert_allclose(sx.price_per_kg, 95e6 * 0.98**2 / 20000.0)


def test_outside_buyers_pay_the_price_own_buyers_the_cost_and_every_tonne_flies() -> None:
    """The market buys two dedicated launches (40 t) at $93.1M each; Starlink buys 250 t at cost
    ($20M per 100 t Starship flight = $200/kg): 250 t fly on three Starship flights (one part
    full) and the 40 t on two Falcons; two customer launches; the own flights' cost (3 x $20M)
    is what the next transfer price averages."""
    world = _world()
    sx = _launcher(world)
    sx.offer()
    ex = world.exchange
    ex.demand("market", "launch_mass", np.array([40.0]), tier=0, seller="spacex_launch")
    ex.demand("starlink", "launch_mass", np.array([250.0]), tier=1, seller="spacex_launch")
    ex.clear()
    assert_allclose(ex.spent("market", "launch_mass"), 2 * 95e6 * 0.98)
    assert_allclose(ex.spent("starlink", "launch_mass"), 250.0 * 1000.0 * 200.0)
    sx.fulfil()
    assert sx.ship_ops_flights.tolist() == [3.0] and sx.falcon_launches.tolist() == [2.0]
    assert_allclose(sx.customer_launches, 2.0)
    assert_allclose(sx.own_flight_cost_usd, 3 * 20e6)


def test_stacks_and_pads_are_built_to_the_buyers_need() -> None:
    """Starlink needs 1,200 t a month (12 flights of 100 t): at 50 % target use, 24 flights of
    3-day turnaround need 24 x 3 / 30.44 = 2.37 stacks (2 in stock: 0.37 built) and of 2-day pad
    turnaround 1.58 pads (1 in stock: 0.58 wanted, 1 a month at most: 0.58 built)."""
    world = _world()
    sx = _launcher(world, need_t=1200.0)
    sx.offer()
    world.exchange.clear()
    sx.fulfil()
    assert_allclose(sx.stacks_built, 24 * 3.0 / DAYS_PER_MONTH - 2.0)
    assert_allclose(sx.s.ship_pads, 1.0 + 24 * 2.0 / DAYS_PER_MONTH - 1.0)


def test_no_need_no_stacks_and_capital_limits_the_build() -> None:
    """Without a need no stack is bought (idle ones are not replaced); with a need of 3.6 stacks
    but $150M of cash to spend, the month's build is scaled to what it pays for."""
    world = _world()
    sx = _launcher(world, need_t=0.0)
    sx.offer()
    world.exchange.clear()
    sx.fulfil()
    assert sx.stacks_built.tolist() == [0.0]
    poor = _world(cash_usd=150e6)
    sx2 = _launcher(poor, need_t=3000.0)
    sx2.offer()
    poor.exchange.clear()
    sx2.fulfil()
    wanted_stacks = 60 * 3.0 / DAYS_PER_MONTH - 2.0
    wanted_pads = min(60 * 2.0 / DAYS_PER_MONTH - 1.0, 1.0)
    scale = 150e6 / (wanted_stacks * 100e6 + wanted_pads * 500e6)
    assert_allclose(sx2.stacks_built, wanted_stacks * scale)


def test_development_is_expensed_until_the_last_version_flies() -> None:
    """R&D of $1.2B a year costs $100M a month while a later version is still to come."""
    world = _world()
    sx = _launcher(world)
    sx.offer()
    world.exchange.clear()
    before = world.exchange.cash[0, world.exchange.index["spacex_launch"]]
    sx.fulfil()
    paid = before - world.exchange.cash[0, world.exchange.index["spacex_launch"]]
    assert_allclose(paid, 100e6)
