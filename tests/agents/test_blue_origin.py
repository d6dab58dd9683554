"""Blue Origin's New Glenn alone: a reusable 45 t launcher whose one booster flies every 240 days
at first, whose boosters are built a year ahead of the first flight, that retires a booster each
25 flights and loses one in each failure, and whose price per kg is a 45 t flight's price."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.blue_origin import NewGlenn
from tests.agents.stub import StubWorld, paid_usd
from tests.agents.test_launcher import line

SIGNALS = ("launch_price_usd_per_launch", "launch_price_usd_per_kg", "launch_slots_per_month", "launch_payload_t")
DAYS = 30.4375


def new_glenn(first_flight_month: int, **kw: Any) -> Any:
    """New Glenn's numbers as ``[new_glenn]`` states them (45 t, 25 flights a booster, a 240-day
    first turnaround, 90 days a pad, boosters a year ahead, $110M a flight on an $80M cost falling
    on an 85 % curve), no cadence."""
    return line(**{**dict(first_flight_month=first_flight_month, boosters_initial=1.0, booster_build_per_month=0.25, booster_life_flights=25.0,
                          turnaround_days_initial=240.0, turnaround_days_floor=20.0, turnaround_progress_ratio=0.7, pad_turnaround_days_initial=90.0,
                          pad_turnaround_days_floor=10.0, payload_t=45.0, cumulative_flights_initial=0.0, cost_progress_ratio=0.85,
                          cost_per_flight_usd_floor=50e6, price_per_flight_usd=110e6, build_lead_months=12.0, target_utilisation_frac=0.85), **kw})


def _world() -> StubWorld:
    edges = [("new_glenn", "kuiper", s) for s in SIGNALS] + [("new_glenn", "kuiper", "launch_mass"), ("new_glenn", "market", "money")]
    return StubWorld(edges)


def _sell(world: StubWorld, ng: NewGlenn, mass_t: float) -> None:
    """Kuiper buys ``mass_t`` of what New Glenn offers; New Glenn flies it."""
    world.exchange.demand("kuiper", "launch_mass", np.array([mass_t]), tier=0, seller="new_glenn")
    world.exchange.clear()
    ng.fulfil()


def test_price_per_kg_is_a_45_t_flights_price() -> None:
    """Before any flight it publishes $110M a launch, 110e6 / 45,000 kg = $2,444/kg, and 45 t a
    flight; it offers nothing before its first flight month."""
    world = _world()
    ng = NewGlenn(world, world.actor("new_glenn"), new_glenn(world.month + 1))
    world.start()
    assert_allclose(world.exchange.read("new_glenn", "kuiper", "launch_price_usd_per_kg"), 110e6 / 45e3)
    assert_allclose(world.exchange.read("new_glenn", "kuiper", "launch_payload_t"), 45.0)
    ng.offer()
    assert_allclose(world.exchange.offered("new_glenn", "launch_mass"), 0.0)


def test_one_booster_at_a_240_day_turnaround_flies_once_in_8_months() -> None:
    """One booster turned round in 240 days can fly 30.4375 / 240 = 0.127 flights a month (the
    pad, at 90 days, 0.338): the parts add up to a whole flight in the 8th month (8 x 0.127 =
    1.015), offered as 45 t; the 0.015 left carries on."""
    world = _world()
    ng = NewGlenn(world, world.actor("new_glenn"), new_glenn(world.month))
    world.start()
    offered = []
    for _ in range(8):
        ng.offer()
        offered.append(float(world.exchange.offered("new_glenn", "launch_mass")[0]))
        world.exchange.clear()
        world.next_month()
    assert offered == [0.0] * 7 + [45.0]
    assert_allclose(ng.s.line_carry, 8 * DAYS / 240.0 - 1.0)


def test_boosters_are_built_from_a_year_before_the_first_flight() -> None:
    """Kuiper asks 2 flights a month: at 85 % target use and a 240-day turnaround that needs
    2 / 0.85 x 240 / 30.4375 = 18.6 boosters, so it builds its limit of 0.25 a month ($37.5M)
    six months before the first flight, and none 13 months before (its 12-month lead)."""
    for months_ahead, built in ((6, 0.25), (13, 0.0)):
        world = _world()
        ng = NewGlenn(world, world.actor("new_glenn"), new_glenn(world.month + months_ahead))
        world.start()
        ng.offer()
        _sell(world, ng, 90.0)
        assert_allclose(ng.line.boosters, 1.0 + built)
        assert_allclose(paid_usd(world, "new_glenn", "capex"), built * 150e6)


def test_flights_wear_boosters_and_failures_lose_them() -> None:
    """Three boosters at a 20-day turnaround fly 3 x 30.4375 / 20 = 4.57 a month: 4 whole flights
    (180 t) are offered and sold. With a 25 % failure chance the stub draws floor(4 x 0.25) = 1
    failure, so 3 - 4/25 - 1 = 1.84 boosters are left and a quarter of the mass is lost. After four
    flights on an 85 % curve a flight costs $80M x 4^log2(0.85) = $57.8M (paid for each of the
    four) and the price follows: $110M x 0.7225."""
    world = _world()
    ng = NewGlenn(world, world.actor("new_glenn"), new_glenn(world.month, boosters_initial=3.0, failure_prob=0.25, build_lead_months=0.0,
                                                           booster_build_per_month=0.0, turnaround_days_initial=20.0, pads_initial=4.0,
                                                           pads_max=4.0, pad_turnaround_days_initial=10.0))
    world.start()
    ng.offer()
    assert_allclose(world.exchange.offered("new_glenn", "launch_mass"), 4 * 45.0)
    _sell(world, ng, 180.0)
    assert ng.launches.tolist() == [4.0]
    assert_allclose(ng.line.boosters, 3.0 - 4.0 / 25.0 - 1.0)
    assert_allclose(world.exchange.delivered("kuiper", "launch_mass"), 180.0 * 0.75)
    assert_allclose(ng.price_per_flight_usd(), 110e6 * 0.85**2)
    assert_allclose(paid_usd(world, "new_glenn", "opex"), 4 * 80e6 * 0.85**2)
