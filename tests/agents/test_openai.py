"""OpenAI alone: where its own site waits longer for power than it will, it rents cloud capacity
up to what its funding pays each month, the leases already signed first; its revenue is capped by
its inference compute at a price that falls with the cost of compute."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.openai import OpenAI, OpenAIDataCenters
from tests.agents.stub import StubWorld, ns
from tests.agents.test_terrestrial_dc import HW, SHARED, dc_world, site

COMPANIES = {"openai": "openai", "openai_dc": "openai"}
LAB = ns(data_pb_initial=0.0, web_tokens_initial=1e12, revenue_initial_usd_per_yr=0.12e9, market_share_initial_frac=0.3, compute_budget_frac=1.0,
         cash_deploy_months=12.0, orbital_first=False, orbital_switch_softness_ratio=0.05, training_frac=0.5, ai_revenue_per_eflops_month=1e6,
         capacity_plan_ratio=1.0, lease_if_wait_over_yr=1.5, lease_switch_softness_yr=0.01, sga_frac_of_revenue=0.3, rd_staff_usd_per_eflops_month=1e6)


def _world() -> StubWorld:
    """OpenAI's site planning on a 2-year wait for power; a $12B pool a month of which it
    deserves half: far more demand than its compute serves; $1.2B of cash."""
    extra = [("openai_dc", "openai", "site_delay_yr"), ("market", "openai", "ai_pool_usd_per_month"), ("market", "openai", "ai_share_frac"),
             ("tsmc", "openai", "accelerator_usd_per_w")]
    world = dc_world("openai_dc", "openai", COMPANIES, extra)
    ex = world.exchange
    ex.publish("market", "ai_pool_usd_per_month", 12e9)
    ex.publish("market", "ai_share_frac", 0.5)
    ex.publish("tsmc", "accelerator_usd_per_w", 25.0)
    ex.cash[:, ex.index["openai"]] = 1.2e9
    return world


def _openai(world: StubWorld) -> tuple[OpenAI, OpenAIDataCenters]:
    dcs = OpenAIDataCenters(world, world.actor("openai_dc"), site(interconnection_delay_yr=2.0), SHARED)
    lab = OpenAI(world, world.actor("openai"), LAB, ns(scaling=ns(), ai_market=ns(), ai_hardware=HW))
    world.start()
    return lab, dcs


def _target(world: StubWorld, signal: str) -> float:
    return float(world.exchange._sig_now[("openai", signal, "openai_dc")][0])


def test_a_lab_whose_site_waits_rents_what_its_funding_pays() -> None:
    """The site waits 2 years, well past 1.5 on a sharp switch: the lab leases. Funding is $10M of revenue + $1.2B / 12 =
    $110M a month, all of it spent while demand ($6B) is far above what its compute earns; at $12
    per W a year ($1M per MW a month) that is 110 MW of leases, and nothing for its own site. With
    $60M a month already committed, only the $50M left signs new leases (50 MW)."""
    world = _world()
    lab, _ = _openai(world)
    lab.offer()
    assert_allclose(_target(world, "lease_target_mw"), 110.0)
    assert_allclose(_target(world, "terrestrial_target_mw"), 0.0)
    world.exchange.publish("openai_dc", "lease_commitments_usd_per_month", 60e6)
    world.next_month()
    lab.offer()
    assert_allclose(_target(world, "lease_target_mw"), 50.0)


def test_a_lab_whose_site_comes_soon_builds() -> None:
    """With a 1-year wait, well short of 1.5, the same $110M buys its own site at $10 + $25/W: 3.14 MW."""
    world = _world()
    lab, _ = _openai(world)
    world.exchange.publish("openai_dc", "site_delay_yr", 1.0)
    world.next_month()
    lab.offer()
    assert_allclose(_target(world, "lease_target_mw"), 0.0, atol=1e-12)
    assert_allclose(_target(world, "terrestrial_target_mw"), 110e6 / 35e6)


def test_the_price_of_inference_falls_with_the_cost_of_compute() -> None:
    """A year after the hardware's reference month, with accelerators 5 % cheaper per W and 25 %
    more compute per W, one EFLOP/s of inference earns $1M x 0.95 / 1.25 = $760k a month."""
    world = _world()
    lab, _ = _openai(world)
    lab.shared = ns(scaling=ns(), ai_market=ns(), ai_hardware=ns(**{**vars(HW), "usd_per_w_change_frac_per_yr": -0.05,
                                                                       "efficiency_gain_frac_per_yr": 0.25, "reference_month": world.month - 12}))
    assert_allclose(lab.inference_usd_per_eflops_month(), np.array([0.76e6]))
