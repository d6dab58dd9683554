"""An outside launch provider alone (New Glenn, Vulcan/Ariane): cadence, whole flights, a price
that follows the cost, boosters built to the order book."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.launcher import LaunchProvider, VehicleLine, cadence_per_month, whole_flights
from tests.agents.stub import StubWorld, ns

SIGNALS = ("launch_price_usd_per_launch", "launch_slots_per_month", "launch_payload_t")


def line(**kw: Any) -> Any:
    """A vehicle line with round numbers (a reusable booster, turnaround 30 days, one pad)."""
    base = dict(first_flight_month=0, boosters_initial=2.0, booster_build_per_month=1.0, booster_life_flights=10.0,
                turnaround_days_initial=30.4375, turnaround_days_floor=30.4375, turnaround_progress_ratio=1.0,
                pads_initial=1.0, pads_added_per_yr=0.0, pads_max=1.0, pad_turnaround_days_initial=10.0, pad_turnaround_days_floor=10.0,
                payload_t=40.0, cumulative_flights_initial=10.0, cost_per_flight_usd_initial=80e6, cost_progress_ratio=0.8,
                cost_per_flight_usd_floor=40e6, price_per_flight_usd=100e6, customer_mission_cost_usd=0.0, booster_cost_usd=150e6,
                failure_prob=0.0, build_lead_months=0.0, target_utilisation_frac=0.5, demand_smoothing_frac=1.0,
                upper_stages_per_month_initial=None, upper_stage_growth_frac_per_yr=0.0, upper_stages_per_month_max=None, cadence=[])
    base.update(kw)
    return ns(**base)


def _world() -> StubWorld:
    edges = [("ng", b, s) for b in ("kuiper", "market") for s in SIGNALS]
    edges += [("ng", "kuiper", "launch_mass"), ("ng", "market", "launch_mass"), ("ng", "market", "money")]
    return StubWorld(edges)


def test_whole_flights_and_cadence_helpers() -> None:
    """A part load flies as a flight; a cadence of 24 a year from month 10 allows 2 a month."""
    assert whole_flights(np.array([0.0, 40.0, 40.1, 79.9]), 40.0).tolist() == [0.0, 1.0, 2.0, 2.0]
    assert cadence_per_month([ns(month=10, flights_per_yr=24.0)], 10, 1).tolist() == [2.0]
    assert np.isinf(cadence_per_month([ns(month=10, flights_per_yr=24.0)], 9, 1)).all()


def test_capacity_is_the_tightest_of_boosters_pads_stages_and_cadence() -> None:
    """Two boosters at a 30.4-day turnaround fly 2 a month; one pad at 10 days 3.04; a cadence of
    12 a year 1; upper stages at 1.5 a month: the cadence binds (1), then without it the stages
    (1.5 a month: 1, then 2 with the carried half)."""
    world = _world()
    ng = LaunchProvider(world, world.actor("ng"), line(cadence=[ns(month=0, flights_per_yr=12.0)]))
    world.start()
    assert ng.line.plan(np.ones(1)).tolist() == [1.0]
    ng2 = LaunchProvider(world, world.actor("ng"), line(upper_stages_per_month_initial=1.5))
    assert [ng2.line.plan(np.ones(1)).item() for _ in range(2)] == [1.0, 2.0]


def test_every_tonne_sold_flies_and_the_price_follows_the_cost() -> None:
    """Kuiper buys 50 t (1.25 flights of 40 t) and the market 40 t: 90 t fly on 3 flights (one part
    full); the price of a flight then is 100 M USD x its cost / 80 M (the cost after those three
    flights, 13 from 10 on an 80 % curve); one booster retires per 10 flights."""
    world = _world()
    ng = LaunchProvider(world, world.actor("ng"), line(booster_build_per_month=0.0))
    world.start()
    ng.offer()
    assert_allclose(world.exchange.offered("ng", "launch_mass"), 2 * 40.0)  # 2 flights of capacity
    ng.line.capacity = np.array([3.0])  # a month with room for three
    ex = world.exchange
    ex.offer("ng", "launch_mass", np.array([120.0]), 100e6 / 40.0)
    ex.demand("kuiper", "launch_mass", np.array([50.0]), tier=0, seller="ng")
    ex.demand("market", "launch_mass", np.array([40.0]), tier=0, seller="ng")
    ex.clear()
    ng.fulfil()
    assert ng.launches.tolist() == [3.0]
    assert_allclose(ng.customer_launches, 90.0 / 40.0)
    assert_allclose(ng.line.boosters, 2.0 - 0.3)
    assert_allclose(ng.price_per_flight_usd(), 100e6 * (80e6 * (13.0 / 10.0) ** np.log2(0.8)) / 80e6)


def test_boosters_are_built_to_the_order_book_not_beyond() -> None:
    """Orders of 3 flights a month at a 30.4-day turnaround and 50 % target use need 6 boosters:
    with 2 in stock it builds 1 (its monthly limit); with no orders it builds none."""
    world = _world()
    ng = LaunchProvider(world, world.actor("ng"), line())
    world.start()
    build, _ = ng.line.plan_fleet(np.array([3.0]), np.ones(1))
    assert build.tolist() == [1.0]
    idle = VehicleLine(ng, line(), ng.s, "idle")
    assert idle.plan_fleet(np.array([0.0]), np.ones(1))[0].tolist() == [0.0]


def test_upper_stage_production_grows_toward_need_at_most_its_growth_rate() -> None:
    """Production of 2 a month, demand of 10 a month at 50 % target (20 wanted), growth at most
    100 %/yr: one month adds 2 x (2^(1/12) - 1); with demand of 0.5 a month it adds nothing."""
    world = _world()
    ng = LaunchProvider(world, world.actor("ng"), line(upper_stages_per_month_initial=2.0, upper_stage_growth_frac_per_yr=1.0, upper_stages_per_month_max=50.0))
    world.start()
    _, grow = ng.line.plan_fleet(np.array([10.0]), np.ones(1))
    assert_allclose(grow, 2.0 * (2.0 ** (1 / 12) - 1.0))
    ng2 = LaunchProvider(world, world.actor("ng"), line(upper_stages_per_month_initial=2.0, upper_stage_growth_frac_per_yr=1.0, upper_stages_per_month_max=50.0))
    assert ng2.line.plan_fleet(np.array([0.5]), np.ones(1))[1].tolist() == [0.0]
