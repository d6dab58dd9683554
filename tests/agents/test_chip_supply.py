"""A chip fab alone: the price per W it publishes, the ramp paid over its months, expansion
capex paid and limited by its company's cash."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.chip_supply import ChipFab
from tests.agents.stub import StubWorld, ns

HW = ns(reference_month=0, usd_per_w=25.0, usd_per_w_change_frac_per_yr=0.0, w_per_h100e=1000.0, efficiency_gain_frac_per_yr=0.0,
        flops_per_h100e=1e15, chip_life_yr=5.0)


def fab(**kw: Any) -> Any:
    base = dict(start_month=0, capacity_h100e_per_month_initial=100_000.0, capacity_growth_frac_per_yr=1.0, capacity_h100e_per_month_max=1e7,
                ramp_months=1.0, robot_hours_per_ramp_month=0.0, build_capex_usd=0.0, expansion_capex_usd_per_h100e_month=200e3,
                cash_deploy_months=1.0, expansion_utilisation_min_frac=0.0, cost_frac_of_price=0.5)
    base.update(kw)
    return ns(**base)


def _world(cash_usd: float) -> StubWorld:
    edges = [("terafab", "market", "accelerators"), ("terafab", "optimus", "takes_robot_labour"), ("terafab", "xai", "accelerator_usd_per_w"),
             ("terafab", "market", "money")]
    world = StubWorld(edges, companies={"terafab": "tesla", "market": "market"})
    world.exchange.cash[:, world.exchange.index["terafab"]] = cash_usd
    return world


def _month(world: StubWorld, f: ChipFab) -> None:
    f.offer()
    world.exchange.clear()
    f.settle()


def test_price_per_h100e_is_price_per_w_times_its_power() -> None:
    """$25/W x 1,000 W = $25,000 an H100-equivalent."""
    world = _world(1e12)
    f = ChipFab(world, world.actor("terafab"), fab(), ns(ai_hardware=HW))
    world.start()
    assert_allclose(f.price_usd_per_h100e(), 25_000.0)


def test_expansion_is_paid_per_unit_of_capacity_added() -> None:
    """Doubling a year from 100,000 a month adds 100,000 x (2^(1/12) - 1) = 5,946 a month in the
    first month, at $200k each: $1.19B of capex."""
    world = _world(1e12)
    f = ChipFab(world, world.actor("terafab"), fab(), ns(ai_hardware=HW))
    world.start()
    _month(world, f)
    added = 100_000.0 * (2.0 ** (1 / 12) - 1.0)
    assert_allclose(f.s.capacity, 100_000.0 + added)
    assert_allclose(f.expansion_usd, added * 200e3)


def test_a_fab_that_cannot_pay_does_not_grow() -> None:
    """With $100M of cash to spend, only 500 H100e a month of capacity can be added; with none, none."""
    world = _world(100e6)
    f = ChipFab(world, world.actor("terafab"), fab(), ns(ai_hardware=HW))
    world.start()
    _month(world, f)
    assert_allclose(f.s.capacity, 100_500.0)
    broke = _world(0.0)
    g = ChipFab(broke, broke.actor("terafab"), fab(), ns(ai_hardware=HW))
    broke.start()
    _month(broke, g)
    assert_allclose(g.s.capacity, 100_000.0)
    assert np.all(g.expansion_usd == 0.0)


def test_a_fab_that_cannot_sell_does_not_grow() -> None:
    """Nobody buys its output this month: with 80 % as the utilisation it needs, it adds nothing."""
    world = _world(1e12)
    f = ChipFab(world, world.actor("terafab"), fab(expansion_utilisation_min_frac=0.8), ns(ai_hardware=HW))
    world.start()
    _month(world, f)
    assert_allclose(f.s.capacity, 100_000.0)


def test_expansion_capex_follows_the_price_of_an_h100e() -> None:
    """A fab that started a year ago, with the price per W falling 10 % a year and compute per W
    rising 25 % a year: an H100e costs 0.9 / 1.25 = 0.72 of its price then, and so does each
    H100e a month of capacity added: 5,946 x $200k x 0.72 = $856M."""
    hw = ns(**{**vars(HW), "usd_per_w_change_frac_per_yr": -0.10, "efficiency_gain_frac_per_yr": 0.25})
    world = _world(1e12)
    f = ChipFab(world, world.actor("terafab"), fab(start_month=world.start_month - 12), ns(ai_hardware=hw))
    world.start()
    assert_allclose(f.expansion_usd_per_h100e_month(), 200e3 * 0.72)
    _month(world, f)
    added = 100_000.0 * (2.0 ** (1 / 12) - 1.0)
    assert_allclose(f.s.capacity, 100_000.0 + added)
    assert_allclose(f.expansion_usd, added * 200e3 * 0.72)
