"""The expendable launchers alone (ULA Vulcan and Atlas V, Ariane 6): a vehicle flies once, so the
vehicles in stock (not a turnaround) cap the flights, each flight uses one up, a failure costs no
extra vehicle, vehicles are built to a month of the forecast order book, and with no learning the
price stays $120M a 24 t flight."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.legacy_launch import LegacyLaunch
from tests.agents.stub import StubWorld, ns, paid_usd
from tests.agents.test_launcher import line

SIGNALS = ("launch_price_usd_per_launch", "launch_price_usd_per_kg", "launch_slots_per_month", "launch_payload_t")


def legacy(**kw: Any) -> Any:
    """``[legacy_launch]``'s numbers: expendable, 2 vehicles in stock, up to 3 built a month,
    3 pads at 30 days, 24 t a flight, $110M a flight with no learning, sold at $120M, a manifest
    of 28 flights a year, an order-book forecast smoothed at 0.2 and 85 % target use."""
    return line(**{**dict(boosters_initial=2.0, booster_build_per_month=3.0, booster_life_flights=1.0, turnaround_days_initial=30.0,
                          turnaround_days_floor=30.0, pads_initial=3.0, pads_max=3.0, pad_turnaround_days_initial=30.0, pad_turnaround_days_floor=20.0,
                          payload_t=24.0, cumulative_flights_initial=0.0, cost_per_flight_usd_initial=110e6, cost_progress_ratio=1.0,
                          cost_per_flight_usd_floor=90e6, price_per_flight_usd=120e6, booster_cost_usd=0.0, target_utilisation_frac=0.85,
                          demand_smoothing_frac=0.2, cadence=[ns(month=0, flights_per_yr=28.0)]), **kw})


def _world() -> StubWorld:
    edges = [("legacy_launch", "kuiper", s) for s in SIGNALS] + [("legacy_launch", "kuiper", "launch_mass"), ("legacy_launch", "market", "money")]
    return StubWorld(edges)


def _launcher(world: StubWorld, **kw: Any) -> LegacyLaunch:
    ll = LegacyLaunch(world, world.actor("legacy_launch"), legacy(**kw))
    world.start()
    return ll


def _fly(world: StubWorld, ll: LegacyLaunch, mass_t: float) -> None:
    world.exchange.demand("kuiper", "launch_mass", np.array([mass_t]), tier=0, seller="legacy_launch")
    world.exchange.clear()
    ll.fulfil()


def test_vehicles_in_stock_cap_the_flights() -> None:
    """Two vehicles in stock fly 2 a month though the pads allow 3 x 30.4375 / 30 = 3.04 and the
    manifest 28 / 12 = 2.33; with 5 in stock the manifest binds: 2 flights, a third of one carried.
    Without a manifest, 2.5 vehicles fly 2 a month, every month, with nothing carried (a part of a
    vehicle does not fly; a reusable booster turned round in 30 days would fly 2.54 a month)."""
    ll = _launcher(_world())
    assert ll.line.plan(np.ones(1)).tolist() == [2.0]
    five = _launcher(_world(), boosters_initial=5.0)
    assert five.line.plan(np.ones(1)).tolist() == [2.0]
    assert_allclose(five.s.line_carry, 28.0 / 12.0 - 2.0)
    part = _launcher(_world(), boosters_initial=2.5, cadence=[])
    assert [part.line.plan(np.ones(1)).item() for _ in range(2)] == [2.0, 2.0]
    assert_allclose(part.s.line_carry, 0.0)


def test_each_flight_uses_a_vehicle_and_a_failure_costs_no_more() -> None:
    """Kuiper buys 48 t: 2 flights of 24 t (the manifest's 2.33 a month) from 3 vehicles, which uses
    up two; with a 50 % failure chance the stub draws 1 failure, which loses half the mass but no
    further vehicle (1 is left).
    The flights cost 2 x $110M; the price stays $120M, $5,000/kg."""
    world = _world()
    ll = _launcher(world, boosters_initial=3.0, failure_prob=0.5, booster_build_per_month=0.0)
    ll.offer()
    assert_allclose(world.exchange.offered("legacy_launch", "launch_mass"), 48.0)
    _fly(world, ll, 48.0)
    assert ll.launches.tolist() == [2.0]
    assert_allclose(ll.line.boosters, 1.0)
    assert_allclose(world.exchange.delivered("kuiper", "launch_mass"), 24.0)
    assert_allclose(paid_usd(world, "legacy_launch", "opex"), 2 * 110e6)
    assert_allclose(ll.price_per_flight_usd(), 120e6)
    assert_allclose(world.exchange._sig_now[("legacy_launch", "launch_price_usd_per_kg")], 120e6 / 24e3)


def test_vehicles_are_built_to_a_month_of_the_forecast() -> None:
    """Orders for 10 flights (240 t) move the forecast 0.2 of the way from 0: 2 flights a month,
    which at 85 % target use need 2 / 0.85 = 2.35 vehicles in stock (no turnaround: a month of
    flights); the 2 flown leave none, so 2.35 are built. Orders for 20 would need 4.7: 3, the
    monthly limit."""
    for flights, built in ((10.0, 2.0 / 0.85), (20.0, 3.0)):
        world = _world()
        ll = _launcher(world)
        ll.offer()
        _fly(world, ll, flights * 24.0)
        assert_allclose(ll.line.demand_flights, 0.2 * flights)
        assert_allclose(ll.line.boosters, built)
