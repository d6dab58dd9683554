"""A lab alone (OpenAI, and xAI for X): where its own site waits long for power it leases; it wants
the compute its expected demand needs while inference pays back against the channel's cost; the
leases it holds are renewed while it needs them, whatever its funding, and left to lapse when it
does not; it sells its share of the demand as far as its inference compute serves it, at the
market's price, and pays leases, research staff and SG&A; xAI also books X."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.openai import OpenAI
from ecosim.agents.xai import XAI
from ecosim.economics.odc_cost import capital_recovery_factor
from ecosim.physics.scaling import capability_index
from tests.agents.stub import StubWorld, paid_usd
from tests.agents.stub import ns as NS
from tests.agents.test_terrestrial_dc import HW

LAB = dict(data_pb_initial=0.0, web_tokens_initial=1e12, web_tokens_growth_frac_per_yr=0.0, web_tokens_max=1e13, revenue_initial_usd_per_yr=12e9,
           market_share_initial_frac=0.5, share_adjust_per_yr=None, compute_budget_frac=1.0, cash_deploy_months=12.0, orbital_first=False, orbital_switch_softness_ratio=0.05,
           training_frac=0.5, training_frac_change_frac_per_yr=0.0, training_min_frac=0.2, sga_frac_of_revenue=0.3, rd_staff_usd_per_eflops_month=1e6,
           rd_staff_scale_exponent=0.5, staff_adjust_months=12.0, plan_horizon_months=0.0, capacity_plan_ratio=1.0, frontier_compute_ratio=0.0,
           payback_softness_ratio=0.25, obsolescence_weight_frac=0.0, lease_if_wait_over_yr=1.5, lease_switch_softness_yr=0.25,
           lease_switch_softness_ratio=0.5, facility_life_yr=15.0)
# [ai_market]'s fields a lab reads: its SG&A share falls from its own 30 % above $20B a year to 12.5 % at $300B
AI_MARKET = dict(share_adjust_per_yr=0.0, sga_revenue_usd_per_yr=20e9, sga_mature_frac_of_revenue=0.125, sga_mature_revenue_usd_per_yr=300e9)
MARKET = {"ai_price_usd_per_eflops_month": 2e6, "ai_demand_eflops": 1000.0, "ai_share_frac": 0.5, "ai_spill_eflops": 0.0}
CLOUD = {"lease_usd_per_w_month": 1.0, "leased_eflops": 200.0, "lease_payment_usd_per_month": 300e6, "lease_committed_mw": 300.0, "lease_committed_eflops": 300.0}
SITE = {"site_capex_usd_per_w": 10.0, "site_delay_yr": 5.0, "site_onsite_mw_per_month": 0.0, "capex_budget_usd_per_month": 0.0, "compute_capacity_eflops": 0.0,
        "site_pending_mw": 0.0}
# the Chinchilla law of scenarios/history.toml
LAW = NS(param_coeff=406.4, data_coeff=410.7, param_exponent=0.34, data_exponent=0.28, tokens_per_param_optimal=20.0,
         reference_compute_flop=2.1e25, reference_tokens=13e12, tokens_per_pb=1e10, training_window_months=4.0, mfu_frac=0.35,
         web_tokens_max_ratio=1.0, web_tokens_growth_ratio=1.0)
# own compute: $10/W of facility over 15 years and $25/W of chips over 5 at a 10 % WACC, a month
OWN_USD_PER_W_MONTH = float(10.0 * capital_recovery_factor(0.1, 15.0) + 25.0 * capital_recovery_factor(0.1, 5.0)) / 12.0


def _world(lab: str = "openai", extra_edges: tuple[tuple[str, str, str], ...] = (), **signals: float) -> StubWorld:
    """The lab between the market, the capital market, TSMC, its site and the lessors (1 W per
    1e-6 EFLOP/s: a MW is an EFLOP/s), $1.2B of cash; ``extra_edges``: more signal edges."""
    values = {**MARKET, **CLOUD, **SITE, **signals}
    edges = [("market", lab, s) for s in MARKET] + [("cloud", lab, s) for s in CLOUD] + [("site", lab, s) for s in SITE] + list(extra_edges)
    edges += [("capital_market", lab, "wacc"), ("tsmc", lab, "accelerator_usd_per_w"), (lab, "cloud", "lease_wanted_mw"), (lab, "site", "terrestrial_target_mw"),
              ("cloud", lab, "leased_compute"), ("site", lab, "compute"), ("market", lab, "money"), (lab, "market", "money")]
    world = StubWorld(edges, companies={lab: lab, "site": lab})
    ex = world.exchange
    for s in MARKET:
        ex.publish("market", s, values[s])
    for s in CLOUD:
        ex.publish("cloud", s, values[s])
    for s in SITE:
        ex.publish("site", s, values[s])
    ex.publish("capital_market", "wacc", 0.1)
    ex.publish("tsmc", "accelerator_usd_per_w", 25.0)
    ex.cash[:, ex.index[lab]] = 1.2e9
    return world


def _lab(world: StubWorld, cls: type = OpenAI, name: str = "openai", market: dict[str, float] | None = None, **kw: Any) -> Any:
    lab = cls(world, world.actor(name), NS(**{**LAB, **kw}), NS(scaling=LAW, ai_market=NS(**{**AI_MARKET, **(market or {})}), ai_hardware=HW))
    world.start()
    lab.s.compute_eflops = np.array([200.0])  # all of it leased
    lab.s.leased_eflops = np.array([200.0])
    return lab


def _sent(world: StubWorld, lab: str, signal: str, to: str) -> float:
    return float(world.exchange._sig_now[(lab, signal, to)][0])


def _lease_share(lease_usd_per_w_month: float, wait_yr: float) -> float:
    z = (wait_yr - 1.5) / 0.25 - (lease_usd_per_w_month / OWN_USD_PER_W_MONTH - 1.0) / 0.5
    return float(1.0 / (1.0 + np.exp(-z)))


def _switches(price_musd: float, lease_usd_per_w_month: float, wait_yr: float) -> tuple[float, float]:
    """The leasing share, and the payback switch: an EFLOP/s of compute earns the price [$M a
    month] x its 50 % inference share x 70 % left after SG&A (all of it used; obsolescence not
    counted) against the channels' mix [$M per EFLOP/s = $ per W a month]."""
    share = _lease_share(lease_usd_per_w_month, wait_yr)
    cost = share * lease_usd_per_w_month + (1.0 - share) * OWN_USD_PER_W_MONTH
    return share, float(1.0 / (1.0 + np.exp(-(price_musd * 0.5 * 0.7 / cost - 1.0) / 0.25)))


def test_a_lab_whose_site_waits_leases_what_its_demand_needs() -> None:
    """A 5-year wait for power and leases at 1.52x the cost of owning: the lab leases (99.9998 %).
    Its demand is half of 1,000 EFLOP/s, 1,000 EFLOP/s of compute at a 50 % training share. At
    $4M a month an EFLOP/s earns 4 x 0.5 x 0.7 = $1.4M against $1M of lease: the payback switch
    is 1 / (1 + e^-1.6) = 83.2 %; it plans 832 EFLOP/s, owns none, and wants its 300 MW of leases
    (in service and signed) plus 532 more. Its $1.1B of funding ($1B of revenue, $1.2B of cash
    over a year) pays for 1,100 MW: not the limit."""
    world = _world(ai_price_usd_per_eflops_month=4e6)
    lab = _lab(world)
    lab.offer()
    share, gate = _switches(4.0, 1.0, 5.0)
    assert share > 0.99999 and 0.83 < gate < 0.84
    assert_allclose(lab.target_eflops, 1000.0 * gate, rtol=1e-5)
    assert_allclose(_sent(world, "openai", "lease_wanted_mw", "cloud"), 300.0 + (1000.0 * gate * share - 300.0), rtol=1e-6)
    assert_allclose(_sent(world, "openai", "terrestrial_target_mw", "site"), 0.0, atol=1e-3)


def test_leases_in_hand_are_renewed_whatever_the_funding() -> None:
    """No revenue and no cash: no new leases, but the 300 MW in hand stay wanted (they renew)."""
    world = _world(ai_price_usd_per_eflops_month=4e6)
    lab = _lab(world, revenue_initial_usd_per_yr=0.0)
    world.exchange.cash[:, world.exchange.index["openai"]] = 0.0
    lab.offer()
    assert_allclose(_sent(world, "openai", "lease_wanted_mw", "cloud"), 300.0, rtol=1e-9)


def test_when_leases_cost_more_than_inference_earns_the_lab_lets_them_lapse() -> None:
    """Leases at $4 per W a month (6.1x owning): the switch still leans to leasing (97.9 %), but an
    EFLOP/s now costs about $3.93M a month against $0.7M earned (at $2M): the payback switch
    falls below 4 %, the lab plans under 40 EFLOP/s and wants only that of its 300 MW: the rest
    lapses at term end."""
    world = _world(lease_usd_per_w_month=4.0)
    lab = _lab(world)
    lab.offer()
    _, gate = _switches(2.0, 4.0, 5.0)
    assert 0.0 < gate < 0.04
    assert_allclose(_sent(world, "openai", "lease_wanted_mw", "cloud"), 1000.0 * gate, rtol=1e-9)


def test_a_lab_whose_site_comes_soon_builds() -> None:
    """A 0.75-year wait (turbines): 1 / (1 + e^(3 + 1.03)) = 1.7 % leased. Own compute earns $1.4M
    (at $4M) against $0.66M a month: the payback switch is 1 / (1 + e^-8.6) = 99.98 %, 1,000 x
    that planned, 200 held and 100 signed: 70 % of the target is missing, so 70 % of its funding
    ($1B of revenue less the $300M of lease payments, and $0.1B of cash, x 98.3 % built) goes to
    its site at $10 + $25 per W."""
    world = _world(site_delay_yr=0.75, ai_price_usd_per_eflops_month=4e6)
    lab = _lab(world)
    lab.offer()
    share, gate = _switches(4.0, 1.0, 0.75)
    target = 1000.0 * gate
    gap = (target - 200.0 - 100.0) / target
    assert_allclose(lab.own_budget_usd, (1.1e9 - 300e6) * (1.0 - share) * gap, rtol=1e-9)
    assert_allclose(_sent(world, "openai", "terrestrial_target_mw", "site"), (1.1e9 - 300e6) * (1.0 - share) * gap / 35e6, rtol=1e-9)


def test_new_leases_and_own_builds_share_the_cash_in_hand() -> None:
    """A 1.76-year wait: leases at 1.52x the cost of owning are half the channel (50.1 %); at $4M
    a month the lab plans 939.7 EFLOP/s. It wants 50.1 % of that leased, 471.2 MW: 171.2 MW more
    than the 300 it holds, whose first month's payments ($171.2M) come out of its $0.5B of cash.
    Its own builds, $548.7M wanted with $5B of cash ($1.5B of revenue less $0.3B of leases, and
    $5B of cash over a year, x 68.1 % of the target missing, x 49.9 % built), get only what is
    left of $0.5B: $328.8M. With $5B of cash both are paid in full. With 4 GW still waiting for
    the grid at its site ($140B at $10 + $25 per W, owed when built) and $100B of cash, it signs
    the leases but builds nothing more."""
    share, gate = _switches(4.0, 1.0, 1.76)
    target = 1000.0 * gate
    new_usd = (target * share - 300.0) * 1e6  # MW x $1 per W a month
    gap = (target - 200.0 - 100.0) / target
    own_usd = ((1.5e9 - 300e6) + 5e9 / 12.0) * gap * (1.0 - share)
    for cash, pending_mw, expect in ((0.5e9, 0.0, 0.5e9 - new_usd), (5e9, 0.0, own_usd), (100e9, 4000.0, 0.0)):
        world = _world(site_delay_yr=1.76, ai_price_usd_per_eflops_month=4e6, site_pending_mw=pending_mw)
        world.exchange.cash[:, world.exchange.index["openai"]] = cash
        lab = _lab(world, revenue_initial_usd_per_yr=18e9)
        lab.offer()
        assert_allclose(_sent(world, "openai", "lease_wanted_mw", "cloud"), target * share, rtol=1e-9)
        assert_allclose(lab.own_budget_usd, expect, rtol=1e-9)
    assert 0.50 < share < 0.51 and 171e6 < new_usd < 172e6 and 548e6 < own_usd < 549e6


def test_turbines_for_part_of_what_is_missing_weigh_their_wait_for_that_part() -> None:
    """Its site's turbines come in 0.75 years and add 50 MW a month; the grid's queue is 4 years.
    It missed 1,000 MW last month (its target, owning none): over its 6-month horizon the turbines
    supply 300 MW, 30 %. Leasing share: 0.3 x switch(0.75 yr) + 0.7 x switch(4 yr) at leases
    1.52x the cost of owning: 0.3 x 1.7 % + 0.7 x 99.98 % = 70.5 %."""
    world = _world(extra_edges=(("grid_us", "openai", "interconnection_delay_yr"),), site_delay_yr=0.75, site_onsite_mw_per_month=50.0,
                   ai_price_usd_per_eflops_month=4e6)
    world.exchange.publish("grid_us", "interconnection_delay_yr", 4.0)
    lab = _lab(world, plan_horizon_months=6.0)
    lab.target_eflops = np.array([1000.0])
    lab.offer()
    assert_allclose(lab.onsite_frac, 0.3)
    want = 0.3 * _lease_share(1.0, 0.75) + 0.7 * _lease_share(1.0, 4.0)
    assert_allclose(lab.lease_share, want, rtol=1e-9)
    assert 0.70 < want < 0.71


def test_it_sells_what_its_inference_serves_and_pays_its_costs() -> None:
    """400 EFLOP/s from the lessors, 200 of them for inference; its demand is 500: it sells 200
    at $2M, $400M. It pays staff hired a twelfth of the way to 400 EFLOP/s
    (33.3: 1e6 x 1,000 x (33.3/1,000)^0.5 = $182.6M) and SG&A of 30 % of revenue ($120M). Its $300M of leases its
    lessor bills (the cloud's test)."""
    world = _world(leased_eflops=400.0)
    lab = _lab(world)
    lab.offer()
    world.exchange.offer("cloud", "leased_compute", np.array([400.0]), 0.0)
    world.exchange.clear()
    lab.settle()
    assert_allclose(lab.s.compute_eflops, 400.0)
    assert_allclose(lab.s.revenue_usd, 400e6)
    staff = 1e6 * 1000.0 * (400.0 / 12.0 / 1000.0) ** 0.5
    assert_allclose(lab.rd_staff_usd, staff)
    assert_allclose(paid_usd(world, "openai", "opex"), staff + 120e6)  # its lessor bills the leases
    assert_allclose(lab.lease_paid_usd, 300e6)  # what it was told it pays, for its plan


def test_sga_falls_with_scale() -> None:
    """As above, with the SG&A share's fall moved down to $1.2B-$19.2B a year: revenue of $400M a
    month is a $4.8B run-rate, 4x the start of the fall of 16x, half way in log revenue: SG&A is
    0.3 + (0.125 - 0.3) x 0.5 = 21.25 % of revenue ($85M)."""
    world = _world(leased_eflops=400.0)
    lab = _lab(world, market=dict(sga_revenue_usd_per_yr=1.2e9, sga_mature_revenue_usd_per_yr=19.2e9))
    lab.offer()
    world.exchange.offer("cloud", "leased_compute", np.array([400.0]), 0.0)
    world.exchange.clear()
    lab.settle()
    assert_allclose(lab.s.revenue_usd, 400e6)
    assert_allclose(lab.sga_usd, 85e6)
    staff = 1e6 * 1000.0 * (400.0 / 12.0 / 1000.0) ** 0.5
    assert_allclose(paid_usd(world, "openai", "opex"), staff + 85e6)  # its lessor bills the leases
    assert_allclose(lab.lease_paid_usd, 300e6)  # what it was told it pays, for its plan


def test_xai_books_x() -> None:
    """A year after X joined at $3.6B a year, falling 20 %/yr: $0.24B this month, 56 % of it costs."""
    world = _world("xai")
    month = world.month - 12
    lab = _lab(world, XAI, "xai", x_start_month=month, x_revenue_usd_per_yr_initial=3.6e9, x_revenue_change_frac_per_yr=-0.2, x_ebitda_margin_frac=0.44,
               x_revenue_trough_month=world.month, x_revenue_change_after_frac_per_yr=0.05)
    lab.offer()
    world.exchange.offer("cloud", "leased_compute", np.array([200.0]), 0.0)
    world.exchange.clear()
    lab.settle()
    assert_allclose(lab.x_revenue_usd, 0.24e9)


def test_x_revenue_turns_at_its_trough() -> None:
    """X at $3.6B a year falls 20 %/yr for 12 months, then grows 5 %/yr: 24 months after joining it
    earns 3.6e9 / 12 x 0.8 x 1.05 = $252M a month; before joining, nothing."""
    world = _world("xai")
    lab = _lab(world, XAI, "xai", x_start_month=world.month - 24, x_revenue_usd_per_yr_initial=3.6e9, x_revenue_change_frac_per_yr=-0.2, x_ebitda_margin_frac=0.44,
               x_revenue_trough_month=world.month - 12, x_revenue_change_after_frac_per_yr=0.05)
    lab.other_business()
    assert_allclose(lab.x_revenue_usd, 252e6)
    late = _lab(world, XAI, "xai", x_start_month=world.month + 1, x_revenue_usd_per_yr_initial=3.6e9, x_revenue_change_frac_per_yr=-0.2, x_ebitda_margin_frac=0.44,
                x_revenue_trough_month=world.month + 13, x_revenue_change_after_frac_per_yr=0.05)
    late.other_business()
    assert_allclose(late.x_revenue_usd, 0.0)


def test_a_lab_bids_what_a_pb_of_sensor_data_is_worth_to_it() -> None:
    """The bid for a PB of sensor data (no contract): the relative rise of capability a lot of
    last month's market (none yet: 1 PB, 1e10 tokens) brings at its training compute (nothing
    unless data limit its run), x its revenue's elasticity to its capability
    (share exponent 2 x (1 - 50 % share) = 1), x 3 years of its $12B a year = $36B; at most
    what 1e10 tokens of licensed text cost ($750 per million tokens: $7.5M)."""
    world = _world(extra_edges=(("fleet", "openai", "data"),))
    am = NS(share_adjust_per_yr=0.0, share_exponent=2.0, data_value_horizon_yr=3.0, licensed_text_usd_per_million_tokens=750.0)
    lab = OpenAI(world, world.actor("openai"), NS(**LAB), NS(scaling=LAW, ai_market=am, ai_hardware=HW))
    world.start()
    flop, tokens = 1e26, 1e12  # a run of 1e26 FLOP wants ~1.8e13 tokens (20 per parameter): its 1e12 of web text limit it
    lab.s.train_flop = np.array([flop])
    lab.s.capability = lab._capability()
    law = {k: getattr(LAW, k) for k in ("param_coeff", "data_coeff", "param_exponent", "data_exponent", "tokens_per_param_optimal",
                                        "reference_compute_flop", "reference_tokens")}
    gain = float(capability_index(flop, tokens + 1e10, **law) / capability_index(flop, tokens, **law)) - 1.0
    assert_allclose(gain, 0.00237, rtol=1e-3)  # +0.24 % capability: worth $85M a PB, above the $7.5M that much text costs
    assert_allclose(lab.data_bid_usd_per_pb(), 7.5e6)
    lab.shared.ai_market.licensed_text_usd_per_million_tokens = 1e6  # text dear: the PB's worth to it binds
    assert_allclose(lab.data_bid_usd_per_pb(), gain * 1.0 * 12e9 * 3.0, rtol=1e-9)
    # 100 PB cleared last month: the bid is the 100-PB lot's worth per PB (less than the first PB's)
    world.exchange.markets["data"].last_cleared = np.array([100.0])
    gain100 = float(capability_index(flop, tokens + 1e12, **law) / capability_index(flop, tokens, **law)) - 1.0
    assert gain100 / 100.0 < gain
    assert_allclose(lab.data_bid_usd_per_pb(), gain100 * 12e9 * 3.0 / 100.0, rtol=1e-9)
    world.exchange.markets["data"].last_cleared = np.array([0.0])
    # licensed text at $0.001 per million tokens: 1e10 tokens cost $10, the most it bids
    lab.shared.ai_market.licensed_text_usd_per_million_tokens = 0.001
    assert_allclose(lab.data_bid_usd_per_pb(), 10.0)
    # with compute for only 1e22 FLOP (optimal on ~1.8e11 tokens) its web text suffices: a PB is worth nothing
    lab.s.train_flop = np.array([1e22])
    lab.s.capability = lab._capability()
    assert_allclose(lab.data_bid_usd_per_pb(), 0.0)
