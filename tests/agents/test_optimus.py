"""Optimus alone: robots kept in Tesla's plants for the labour the plants say robots could take
over, paid at the wage they replace; robots sold to outside sectors only where the buyer's
labour is worth the price and the price covers the unit cost."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.base import DAYS_PER_MONTH, UNLIMITED
from ecosim.agents.optimus import Optimus
from ecosim.scenario.loader import load_scenario
from ecosim.scenario.params import params_of
from tests.agents.stub import StubWorld, paid_usd, sellers_shared

EDGES = [("xai", "optimus", "capability"), ("tesla_fleet", "optimus", "replaceable_labour_usd"), ("optimus", "tesla_fleet", "labour"),
         ("optimus", "market", "labour"), ("optimus", "xai", "data"), ("tsmc", "optimus", "accelerators"),
         ("market", "optimus", "money"), ("optimus", "market", "money"), ("tesla_fleet", "market", "money")]
#: a Gen 4 robot (history.toml: 20 h/day at productivity 1.0) works 20 x 30.4375 h a month
GEN4_HOURS = 20.0 * DAYS_PER_MONTH


def _optimus(replaceable_usd: float, *, potentials: tuple[float, float, float] = (0.0, 0.0, 0.0), wage: float = 35.0,
             values: tuple[float, float] | None = None, cash_usd: float = 1e15, capacity_per_yr: float = 12e6) -> tuple[StubWorld, Optimus]:
    """History's [optimus] in 2030-01 (Gen 4: $20,000, sold at $25,000, 8-yr life, cash over 4
    months), capacity 1M robots a month, xAI's capability 100 (every sector adopts fully), Tesla's
    cash ``cash_usd`` when the month opens (held by Optimus's account)."""
    p: Any = params_of(load_scenario("history").model.optimus)
    p.capacity_per_yr_initial = capacity_per_yr
    for sec, pot in zip(p.sectors, potentials, strict=True):
        sec.potential_robots = pot
    p.sectors[0].value_usd_per_hour = wage
    if values is not None:
        p.sectors[1].value_usd_per_hour, p.sectors[2].value_usd_per_hour = values
    world = StubWorld(EDGES, month="2030-01", companies={"optimus": "tesla", "tesla_fleet": "tesla"})
    world.exchange.publish("xai", "capability", 100.0)
    world.exchange.publish("tesla_fleet", "replaceable_labour_usd", replaceable_usd)
    world.exchange.cash[:, world.exchange.index["optimus"]] = cash_usd
    robot = Optimus(world, world.actor("optimus"), p, sellers_shared())
    world.start()
    return world, robot


def _month(world: StubWorld, robot: Optimus, plant_demand_h: float = UNLIMITED) -> None:
    robot.offer()
    world.exchange.demand("tesla_fleet", "labour", np.array([plant_demand_h]), tier=1)
    world.exchange.demand("market", "labour", np.array([UNLIMITED]), tier=2)
    world.exchange.clear()
    robot.settle()


def test_plants_keep_robots_for_the_labour_they_can_replace() -> None:
    """$35M a month of replaceable labour at $35/h is 1M hours: 1e6 / (20 x 30.4375) = 1,642.7
    Gen 4 robots, kept as capex at $20,000 each; none sold (no outside sector)."""
    world, robot = _optimus(35e6)
    _month(world, robot)
    robots = 1e6 / GEN4_HOURS
    assert_allclose(robot.produced, robots, rtol=1e-3)  # the logistic at capability 100 is 1 - 1e-64
    assert_allclose(paid_usd(world, "optimus", "capex"), robots * 20000.0, rtol=1e-3)
    assert_allclose(robot.sold_robot_count, 0.0)
    assert_allclose(robot.plant_robot_count, robots, rtol=1e-3)


def test_plant_hours_are_paid_at_the_wage_they_replace() -> None:
    """1,000 Gen 4 robots in the plants give 608,750 hours; the car plants take 500,000 and pay
    $35 each inside the company ($17.5M of Optimus revenue, the plants' saving); the rest goes to
    the economy free of charge."""
    world, robot = _optimus(0.0)
    robot.s.plant_robots[:, 2] = 1000.0  # Gen 4
    _month(world, robot, plant_demand_h=500_000.0)
    ex = world.exchange
    assert_allclose(ex.flow("optimus", "tesla_fleet", "labour"), 500_000.0)
    assert_allclose(ex.paid("optimus", "tesla_fleet", "labour"), 500_000.0 * 35.0)
    assert_allclose(ex.flow("optimus", "market", "labour"), 1000.0 * GEN4_HOURS - 500_000.0)
    assert_allclose(ex.paid("optimus", "market", "labour"), 0.0)


def test_no_plant_robot_whose_hours_do_not_pay_for_it() -> None:
    """At $0.30/h a Gen 4 robot's life (8 yr x 12 x 608.75 h = 58,440 h) earns $17,532, less than
    its $20,000 cost: Tesla keeps none, however much labour the plants could hand over."""
    world, robot = _optimus(35e6, wage=0.30)
    _month(world, robot)
    assert_allclose(robot.produced, 0.0)
    assert_allclose(paid_usd(world, "optimus", "capex"), 0.0)


def test_robots_are_sold_only_where_the_labour_is_worth_the_price() -> None:
    """Homes at $15/h (a life's labour worth $876,600) buy 1,000 robots at $25,000 (revenue), Tesla
    books their $20,000 unit cost; care at $0.40/h (a life's labour worth $23,376 < $25,000) buys none."""
    world, robot = _optimus(0.0, potentials=(0.0, 1000.0, 1000.0), values=(15.0, 0.40))
    _month(world, robot)
    assert_allclose(robot.produced, 1000.0)
    assert_allclose(robot._by_sector, [[0.0, 1000.0, 0.0]])
    ex = world.exchange
    assert_allclose(ex.month_in[:, ex.index["optimus"]], 1000.0 * 25000.0)
    assert_allclose(paid_usd(world, "optimus", "opex"), 1000.0 * 20000.0)
    assert_allclose(paid_usd(world, "optimus", "capex"), 0.0)


def test_no_robot_is_sold_below_its_unit_cost() -> None:
    """In 2027-01 Tesla builds Gen 3 at $35,000, above the $25,000 price: it sells none."""
    world, robot = _optimus(0.0, potentials=(1000.0, 1000.0, 1000.0))
    world.month = world.start_month = world.month - 36
    _month(world, robot)
    assert_allclose(robot.sold_robot_count, 0.0)


def test_robots_built_are_limited_by_teslas_cash() -> None:
    """Homes want 1,000 robots and the line makes 1,200 a month (14,400/yr): with $40M of cash over
    4 months ($10M) Tesla builds 10M / 20,000 = 500 robots and the line does not grow; with $1B it
    builds all 1,000 and the line grows as before, by 150 %/yr: 14,400 x 2.5^(1/12)."""
    short_world, short = _optimus(0.0, potentials=(0.0, 1000.0, 0.0), cash_usd=40e6, capacity_per_yr=14_400.0)
    _month(short_world, short)
    assert_allclose(short.produced, 500.0)
    assert_allclose(paid_usd(short_world, "optimus", "opex"), 500.0 * 20000.0)
    assert_allclose(short.s.capacity_per_yr, 14_400.0)
    rich_world, rich = _optimus(0.0, potentials=(0.0, 1000.0, 0.0), cash_usd=1e9, capacity_per_yr=14_400.0)
    _month(rich_world, rich)
    assert_allclose(rich.produced, 1000.0)
    assert_allclose(rich.s.capacity_per_yr, 14_400.0 * 2.5 ** (1.0 / 12.0))


def test_no_cash_no_robots() -> None:
    """Tesla's plants want 1,642.7 robots (test above) but the company has no cash: none is built."""
    world, robot = _optimus(35e6, cash_usd=0.0)
    _month(world, robot)
    assert_allclose(robot.produced, 0.0)
    assert_allclose(paid_usd(world, "optimus", "capex"), 0.0)
