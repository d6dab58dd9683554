"""Anthropic alone: a lab with no site of its own leases all the compute it plans (from its own
lessors, Google Cloud and AWS), buys no owned compute, and its share follows its capability at
its own speed when it has one (its customers moved faster than the market's)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.anthropic import Anthropic
from tests.agents.stub import StubWorld, paid_usd
from tests.agents.stub import ns as NS
from tests.agents.test_openai import AI_MARKET, CLOUD, LAB, LAW, MARKET
from tests.agents.test_terrestrial_dc import HW

LESSOR = "anthropic_cloud"


def _world(**signals: float) -> StubWorld:
    """Anthropic between the market, the capital market, TSMC and its lessors (1 W per 1e-6
    EFLOP/s: a MW is an EFLOP/s), $1.2B of cash; no site, no builder."""
    values = {**MARKET, **CLOUD, **signals}
    lab = "anthropic"
    edges = [("market", lab, s) for s in MARKET] + [(LESSOR, lab, s) for s in CLOUD]
    edges += [("capital_market", lab, "wacc"), ("tsmc", lab, "accelerator_usd_per_w"), (lab, LESSOR, "lease_wanted_mw"),
              (LESSOR, lab, "leased_compute"), ("market", lab, "money"), (lab, "market", "money")]
    world = StubWorld(edges, companies={lab: lab})
    ex = world.exchange
    for s in MARKET:
        ex.publish("market", s, values[s])
    for s in CLOUD:
        ex.publish(LESSOR, s, values[s])
    ex.publish("capital_market", "wacc", 0.1)
    ex.publish("tsmc", "accelerator_usd_per_w", 25.0)
    ex.cash[:, ex.index[lab]] = 1.2e9
    return world


def _lab(world: StubWorld, **kw: Any) -> Anthropic:
    lab = Anthropic(world, world.actor("anthropic"), NS(**{**LAB, "capacity_plan_ratio": 1.5, **kw}),
                    NS(scaling=LAW, ai_market=NS(**AI_MARKET), ai_hardware=HW))
    world.start()
    lab.s.compute_eflops = np.array([200.0])  # all of it leased
    lab.s.leased_eflops = np.array([200.0])
    return lab


def test_with_no_site_it_leases_all_it_plans_as_far_as_funding_pays() -> None:
    """No site: the leasing share is 1 and the channel costs the lease, $1 per W a month. At $4M
    an EFLOP/s earns 4 x 0.5 x 0.7 = $1.4M: the payback switch is 1 / (1 + e^-1.6) = 83.2 %. Its
    demand (half of 1,000 EFLOP/s) needs 1,000 at a 50 % training share, 1,500 at its plan ratio
    of 1.5: it plans 1,248. Its funding, $1B of revenue and $1.2B of cash over a year, pays
    $1.1B of leases: 1,100 MW, the 300 it holds and 800 more. It builds nothing."""
    world = _world(ai_price_usd_per_eflops_month=4e6)
    lab = _lab(world)
    lab.offer()
    gate = 1.0 / (1.0 + np.exp(-1.6))
    assert_allclose(lab.lease_share, 1.0)
    assert_allclose(lab.target_eflops, 1500.0 * gate, rtol=1e-9)
    assert_allclose(world.exchange._sig_now[("anthropic", "lease_wanted_mw", LESSOR)], 1100.0, rtol=1e-9)
    assert_allclose(lab.own_budget_usd, 0.0)
    assert not world.exchange.buys("anthropic", "compute")


def test_it_sells_its_share_on_leased_compute_and_its_share_moves_at_its_own_speed() -> None:
    """400 EFLOP/s leased, 200 for inference; its share moves from 50 % toward the 80 % its
    capability deserves at its own 1.2 a year (a tenth of the gap this month: 53 %), not the
    market's 0: it sells min(0.53 x 1,000, 200) = 200 EFLOP/s at $2M, $400M, and pays staff hired a twelfth of the way to 400 EFLOP/s ($182.6M) and 30 % SG&A ($120M);
    its lessor bills its $300M of leases."""
    world = _world(leased_eflops=400.0, ai_share_frac=0.8)
    lab = _lab(world, share_adjust_per_yr=1.2)
    lab.offer()
    world.exchange.offer(LESSOR, "leased_compute", np.array([400.0]), 0.0)
    world.exchange.clear()
    lab.settle()
    assert_allclose(lab.s.market_share, 0.53)
    assert_allclose(lab.s.compute_eflops, 400.0)
    assert_allclose(lab.s.revenue_usd, 400e6)
    staff = 1e6 * 1000.0 * (400.0 / 12.0 / 1000.0) ** 0.5
    assert_allclose(paid_usd(world, "anthropic", "opex"), staff + 120e6)  # its lessor bills the leases
    assert_allclose(lab.lease_paid_usd, 300e6)  # what it was told it pays, for its plan


def test_without_its_own_speed_its_share_follows_the_markets() -> None:
    """share_adjust_per_yr unset: the market's 0 a year, the share stays at 50 %."""
    world = _world(ai_share_frac=0.8)
    lab = _lab(world)
    lab.offer()
    world.exchange.offer(LESSOR, "leased_compute", np.array([200.0]), 0.0)
    world.exchange.clear()
    lab.settle()
    assert_allclose(lab.s.market_share, 0.5)
