"""A grid alone: one queue for the modelled requests and everyone else's, worked through at the
grid's throughput pro rata; power flows after the base delay; the wait moves with the queue."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.grid import Grid
from tests.agents.stub import StubWorld, ns

P = ns(generation_twh_per_yr_initial=4380.0, generation_growth_frac_per_yr=0.0, queue_throughput_gw_per_yr_initial=12.0,
       queue_throughput_growth_frac_per_yr=0.0, queue_throughput_gw_per_yr_max=12.0, background_queue_gw_initial=0.0,
       background_requests_gw_per_yr_initial=0.0, background_requests_growth_frac_per_yr=0.0, base_delay_yr=0.25,
       price_usd_per_mwh_initial=80.0, price_scarcity_elasticity=0.0, cost_frac_of_price=0.8)
DCS = ("a_dc", "b_dc")


def _world() -> StubWorld:
    edges = [("grid_us", d, s) for d in DCS for s in ("connection_added_mw", "interconnection_delay_yr", "power")]
    edges += [(d, "grid_us", "connection_request_mw") for d in DCS] + [("grid_us", "market", "money")]
    return StubWorld(edges)


def _month(world: StubWorld, grid: Grid) -> None:
    grid.offer()
    world.exchange.clear()
    grid.settle()


def test_requests_wait_pro_rata_then_arrive_after_the_base_delay() -> None:
    """a asks 3,000 MW and b 1,000 MW; the grid processes 12 GW/yr = 1,000 MW a month, pro rata
    (750 and 250), and a grant flows 3 months (0.25 yr) later; the expected wait is
    0.25 + 3 GW left / 12 GW/yr = 0.5 yr."""
    world = _world()
    grid = Grid(world, world.actor("grid_us"), P)
    assert grid.consumers == list(DCS)
    world.exchange.publish("a_dc", "connection_request_mw", 3000.0)
    world.exchange.publish("b_dc", "connection_request_mw", 1000.0)
    world.start()
    _month(world, grid)
    assert_allclose(grid.s.backlog_a_dc, 2250.0)
    assert_allclose(grid.s.backlog_b_dc, 750.0)
    assert_allclose(grid.delay_yr, 0.25 + 3.0 / 12.0)
    arrived = []
    world.exchange.publish("a_dc", "connection_request_mw", 0.0)
    world.exchange.publish("b_dc", "connection_request_mw", 0.0)
    for _ in range(3):
        world.next_month()
        _month(world, grid)
        arrived.append(float(world.exchange._sig_now[("grid_us", "connection_added_mw", "a_dc")][0]))
    assert arrived[-1] > 0.0 and arrived[:-1] == [0.0, 0.0]
    assert_allclose(arrived[-1], 750.0)


def test_the_background_shares_the_queue_and_lengthens_the_wait() -> None:
    """With 48 GW of others' requests queued and 12 GW more a year (1 GW this month), a 4,000 MW
    request gets 4/53 of the month's 1 GW, 52 GW stay queued and the wait is 0.25 + 52/12 yr;
    when the grid processes more than arrives the queue shrinks."""
    world = _world()
    grid = Grid(world, world.actor("grid_us"), ns(**{**vars(P), "background_queue_gw_initial": 48.0, "background_requests_gw_per_yr_initial": 12.0}))
    world.exchange.publish("a_dc", "connection_request_mw", 4000.0)
    world.exchange.publish("b_dc", "connection_request_mw", 0.0)
    world.start()
    _month(world, grid)
    assert_allclose(grid.s.backlog_a_dc, 4000.0 * (1.0 - 1.0 / 53.0))
    assert_allclose(grid.queue_gw, 52.0)
    assert_allclose(grid.delay_yr, 0.25 + 52.0 / 12.0)
    fast = Grid(world, world.actor("grid_us"), ns(**{**vars(P), "background_queue_gw_initial": 48.0, "queue_throughput_gw_per_yr_initial": 120.0,
                                                     "queue_throughput_gw_per_yr_max": 120.0}))
    fast.settle()
    assert fast.queue_gw[0] < 48.0


def test_power_is_offered_at_average_generation() -> None:
    """4,380 TWh/yr is 500,000 MW on average, at 80 USD/MWh x 730.5 h per MW-month."""
    world = _world()
    grid = Grid(world, world.actor("grid_us"), P)
    world.exchange.publish("a_dc", "connection_request_mw", 0.0)
    world.exchange.publish("b_dc", "connection_request_mw", 0.0)
    world.start()
    grid.offer()
    m = world.exchange.markets["power"]
    assert_allclose(m.offer[0, 0], 4380.0 * 1e6 / (30.4375 * 24 * 12))
    assert_allclose(m.price[0, 0], 80.0 * 30.4375 * 24)
    assert np.all(grid.s.generation_twh_per_yr == 4380.0)
