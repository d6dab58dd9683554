"""A broadband constellation alone (the base every operator shares, no launches bought):
satellites deorbit at the end of their life and wear out on the way, production within the
capital, target and deployment approval, the generation that needs Starship only with a Starship
share, Bass adopters shared with the rival by appeal, capacity kept for its own data centers,
ground built once for the most traffic ever carried."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.constellation import Constellation, served_share
from tests.agents.stub import StubWorld, ns, paid_usd
from tests.agents.test_starlink import SHARED, constellation


def _world(cash_usd: float = 1e12) -> StubWorld:
    edges = [("rival", "sat", "broadband_adopters"), ("rival", "sat", "broadband_appeal"), ("odc", "sat", "bandwidth_need_tbps"),
             ("launcher", "sat", "starship_capacity_t"), ("sat", "market", "bandwidth"), ("sat", "odc", "bandwidth"),
             ("market", "sat", "money"), ("sat", "market", "money")]
    world = StubWorld(edges)
    ex = world.exchange
    ex.cash[:, ex.index["sat"]] = cash_usd
    ex.publish("rival", "broadband_adopters", 0.0)
    ex.publish("rival", "broadband_appeal", 0.0)
    ex.publish("odc", "bandwidth_need_tbps", 0.0)
    ex.publish("launcher", "starship_capacity_t", 0.0)
    return world


def _sat(world: StubWorld, p: Any, shared: Any = SHARED) -> Constellation:
    c = Constellation(world, world.actor("sat"), p, shared)
    world.start()
    return c


def test_a_cohort_deorbits_at_the_end_of_its_life_and_the_rest_wears_out() -> None:
    """1,200 satellites launched evenly over the last 12 months (100 a month) with a 1-year life:
    this month the oldest 100 deorbit, and of the 1,100 left a 12 %/yr attrition takes
    1 - 0.88^(1/12) = 1.06 % (11.7 satellites)."""
    world = _world()
    c = _sat(world, constellation(satellites_initial=1200.0, initial_fleet_spread_months=12, lifetime_yr=1.0, attrition_frac_per_yr=0.12))
    c.offer()
    early = 1100.0 * (1.0 - 0.88 ** (1 / 12))
    assert_allclose(c.deorbited, 100.0 + early)
    assert_allclose(c.active, 1100.0 - early)
    assert 11.6 < early < 11.8


def test_production_is_the_tightest_of_rate_capital_target_and_approval() -> None:
    """The factory makes 80 a month at $1M each (V2; V3 needs Starship, which allots nothing):
    $50M of cash over 1 month buys 50; a target of 1,030 with 1,000 in orbit leaves room for 30;
    an approval of 20 a year for 20; with none of these binding, the factory's 80."""
    base: dict[str, Any] = dict(production_per_month_initial=80.0, production_per_month_max=80.0)
    cases = [(dict(cash_usd=50e6), {}, SHARED, 50.0), ({}, dict(target_satellites=1030.0), SHARED, 30.0),
             ({}, {}, ns(**{**vars(SHARED), "regulation": ns(max_satellites_per_operator=1e9, deployment_approval_per_yr=20.0)}), 20.0),
             ({}, {}, SHARED, 80.0)]
    for world_kw, p_kw, shared, built in cases:
        world = _world(**world_kw)
        c = _sat(world, constellation(**base, **p_kw), shared)
        c.offer()
        assert_allclose(c.built, built)
        assert_allclose(c.s.inventory, [[built, 0.0]])


def test_the_starship_generation_is_built_only_with_a_starship_share() -> None:
    """With 12 t of Starship payload allotted, the newest generation (V3, $2M each) is built: $50M
    buys 25 of them, none of V2."""
    world = _world(cash_usd=50e6)
    world.exchange.publish("launcher", "starship_capacity_t", 12.0)
    c = _sat(world, constellation(production_per_month_initial=80.0, production_per_month_max=80.0))
    c.offer()
    assert_allclose(c.s.inventory, [[0.0, 25.0]])


def test_new_adopters_follow_bass_and_split_with_the_rival_by_appeal() -> None:
    """A market of 10M; 1M adopters here and 1M at the rival (equal appeal): Bass adds
    (0.12 + 0.6 x 2M / 10M) x 8M / 12 = 160,000 this month, half of them here; with 100 times the
    capacity they need nearly all are served: served(r) of them, r = 2.5M / 1.08M."""
    world = _world()
    world.exchange.publish("rival", "broadband_adopters", 1e6)
    world.exchange.publish("rival", "broadband_appeal", 1.0)
    c = _sat(world, constellation(subscribers_initial=1e6, bass_innovation_per_yr=0.12, bass_imitation_per_yr=0.6))
    c.offer()
    assert_allclose(c.s.demand_subs, 1e6 + 80_000.0)
    assert_allclose(c.s.subs, 1.08e6 * served_share(2.5e6 / 1.08e6, 1.0))


def test_its_own_data_centers_come_first_and_ground_is_built_once() -> None:
    """25 Tbps usable; its orbital data centers need 5 Tbps, so 20 Tbps serve 2M subscribers at
    10 Mbps. It offers the data centers their 5 Tbps first (tier 0). Ground capex is paid for the
    traffic carried the first month (subscribers' + 5 Tbps) at $3M/Tbps, and not again the next
    month when the traffic is no higher."""
    world = _world()
    world.exchange.publish("odc", "bandwidth_need_tbps", 5.0)
    c = _sat(world, constellation(traffic_growth_frac_per_yr=0.0))
    c.offer()
    assert_allclose(c.capacity_subscribers(), 2e6)
    subs = 10e6 * served_share(0.2, 1.0)
    assert_allclose(c.s.subs, subs)
    ex = world.exchange
    ex.demand("odc", "bandwidth", np.array([5.0]), tier=0)
    ex.clear()
    assert_allclose(ex.received("odc", "bandwidth"), 5.0)
    c.settle()
    carried = subs * 10.0 / 1e6 + 5.0
    assert_allclose(c.s.ground_tbps_built, carried)
    capex = [paid_usd(world, "sat", "capex")]
    world.next_month()
    c.offer()
    ex.clear()
    c.settle()
    capex.append(paid_usd(world, "sat", "capex"))
    assert_allclose(capex, [carried * 3e6, 0.0], atol=1e-3)
