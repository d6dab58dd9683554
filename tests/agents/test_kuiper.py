"""Kuiper alone: contracted launches fly on the vehicle booked, when it flies; the spot market
only once the contracts are used up; FCC milestones."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.kuiper import Kuiper
from tests.agents.stub import StubWorld, ns
from tests.agents.test_starlink import SHARED, constellation

LAUNCHERS = ("spacex_launch", "new_glenn", "legacy_launch")
SIGNALS = ("launch_price_usd_per_launch", "launch_slots_per_month", "launch_payload_t")
PRICES = {"spacex_launch": 60e6, "new_glenn": 110e6, "legacy_launch": 120e6}


def kuiper(**kw: Any) -> Any:
    gen = ns(name="Kuiper", mass_kg=600.0, capacity_gbps=100.0, usable_capacity_frac=0.25, unit_cost_usd=1e6, available_month=0,
             needs_starship=False, eo_data_tb_per_month=0.0)
    base = dict(generations=[gen], satellites_initial=0.0, subscribers_initial=0.0, authorized_satellites=3232.0, milestones=[], launch_choice_price_exponent=3.0,
                milestone_rule="extension",
                launch_contracts=[ns(launcher="new_glenn", booked_flights=2.0, satellites_per_launch=48.0),
                                  ns(launcher="legacy_launch", booked_flights=5.0, satellites_per_launch=40.0)])
    base.update(kw)
    return constellation(**base)


def _world(slots: dict[str, float]) -> StubWorld:
    edges = [(ln, "kuiper", s) for ln in LAUNCHERS for s in SIGNALS] + [(ln, "kuiper", "launch_mass") for ln in LAUNCHERS]
    edges += [("kuiper", "market", "bandwidth"), ("market", "kuiper", "money"), ("kuiper", "market", "money")]
    world = StubWorld(edges)
    world.exchange.cash[:, world.exchange.index["kuiper"]] = 1e12
    for ln in LAUNCHERS:
        world.exchange.publish(ln, "launch_price_usd_per_launch", PRICES[ln])
        world.exchange.publish(ln, "launch_slots_per_month", slots.get(ln, 0.0))
        world.exchange.publish(ln, "launch_payload_t", {"spacex_launch": 21.0, "new_glenn": 45.0, "legacy_launch": 20.0}[ln])
    return world


def _kuiper(world: StubWorld, p: Any = None, stock: float = 0.0) -> Kuiper:
    k = Kuiper(world, world.actor("kuiper"), p or kuiper(), SHARED)
    world.start()
    k.s.inventory = np.array([[stock]])
    return k


def test_a_contract_is_honoured_on_its_vehicle() -> None:
    """With 300 satellites in stock and slots everywhere, Kuiper books New Glenn (2 contracted
    launches of 48: 96 satellites, 2 x 45 t) and the legacy launcher (its 3 free slots of 40:
    120 satellites, 3 x 20 t) and nothing on the cheaper SpaceX, whose slots are free but which
    it has no launches booked on; 84 satellites wait."""
    world = _world({"spacex_launch": 10.0, "new_glenn": 3.0, "legacy_launch": 3.0})
    k = _kuiper(world, stock=300.0)
    k.offer()
    ex = world.exchange
    assert_allclose(ex.asked_of("new_glenn", "launch_mass"), 2 * 45.0)
    assert_allclose(ex.asked_of("legacy_launch", "launch_mass"), 3 * 20.0)
    assert_allclose(ex.asked_of("spacex_launch", "launch_mass"), 0.0)
    assert sorted(o.seller for o in k.orders) == ["legacy_launch", "new_glenn"]


def test_contracted_satellites_wait_for_their_vehicle() -> None:
    """New Glenn has no flight this month (it sells nothing): its 96 satellites stay in stock and
    its contract is not drawn down; the legacy launcher flies its 3 and its contract drops to 2."""
    world = _world({"spacex_launch": 10.0, "new_glenn": 3.0, "legacy_launch": 3.0})
    k = _kuiper(world, stock=300.0)
    k.offer()
    ex = world.exchange
    ex.offer("legacy_launch", "launch_mass", np.array([60.0]), 1.0)
    ex.offer("new_glenn", "launch_mass", np.array([0.0]), 1.0)
    ex.clear()
    k.settle()
    assert_allclose(k.active, 120.0)
    assert_allclose(k.s.inventory, [[300.0 - 120.0]])
    assert_allclose(k.s.contract_launches_left, [[2.0, 2.0]])


def test_one_launch_stays_on_the_books_of_a_launcher_without_slots() -> None:
    """A contracted launcher with no free slot still gets one launch asked of it (so it builds)."""
    world = _world({"new_glenn": 0.0, "legacy_launch": 0.0})
    k = _kuiper(world, stock=300.0)
    k.offer()
    assert_allclose(world.exchange.asked_of("new_glenn", "launch_mass"), 45.0)


def test_spot_launches_only_when_the_contracts_are_used_up() -> None:
    """With the contracts used up (less than one launch left each), 100 satellites are spread over
    the launchers with slots by price per satellite to the power -3: SpaceX ($60M / 24 = $2.5M)
    and the legacy launcher ($120M / 40 = $3M) share 0.064 : 0.037, so 2.64 SpaceX launches and
    0.92 legacy ones are wanted; whole ones fly now (2 on SpaceX, 48 satellites), the parts wait."""
    world = _world({"spacex_launch": 10.0, "new_glenn": 0.0, "legacy_launch": 3.0})
    p = kuiper(launch_contracts=[ns(launcher="new_glenn", booked_flights=2.0, satellites_per_launch=48.0),
                                 ns(launcher="legacy_launch", booked_flights=5.0, satellites_per_launch=40.0),
                                 ns(launcher="spacex_launch", booked_flights=1.0, satellites_per_launch=24.0)], launch_choice_price_exponent=3.0)
    k = _kuiper(world, p, stock=100.0)
    k.s.contract_launches_left = np.array([[0.5, 0.2, 0.0]])
    k.offer()
    (order,) = k.orders
    assert order.seller == "spacex_launch"
    w = np.array([2.5e6**-3, 3e6**-3])
    wanted = 100.0 * w / w.sum() / np.array([24.0, 40.0])
    assert_allclose(order.launches, 2.0)
    assert_allclose(order.sats, [[48.0]])
    assert_allclose(k.s.spot_carry[0, [k.launchers.index("spacex_launch"), k.launchers.index("legacy_launch")]], wanted - [2.0, 0.0])


def test_kuiper_milestone_reduce_rule_cuts_the_licence() -> None:
    """Under "reduce", missing a 1,616-satellite milestone with 120 in orbit cuts the licence to 120."""
    world = _world({"legacy_launch": 3.0})
    month = world.month
    k = _kuiper(world, kuiper(milestones=[ns(month=month, satellites=1616.0)], milestone_rule="reduce"), stock=300.0)
    k.offer()
    world.exchange.offer("legacy_launch", "launch_mass", np.array([60.0]), 1.0)
    world.exchange.clear()
    k.settle()
    assert_allclose(k.authorized(), 120.0)
    assert k.s.milestones_missed.tolist() == [1.0]
