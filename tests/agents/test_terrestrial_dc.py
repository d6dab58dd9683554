"""A terrestrial data-center site alone: chips ordered for when power is expected, the facility
built when power is connected and filled from stock, on-site turbines first and the rest through
the grid's queue, compute cut when the grid delivers less power, accelerators retired at the end
of their life, and what it publishes for builders of the alternative.

Round numbers: 1,000 W an H100e (1,000 per MW) and 1e15 FLOP/s each (1 EFLOP/s per MW)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.base import HOURS_PER_MONTH
from ecosim.agents.terrestrial_dc import RING_MONTHS, TerrestrialDataCenter
from ecosim.economics.binding import BINDING
from tests.agents.stub import StubWorld, ns, paid_usd

HW = ns(reference_month=0, usd_per_w=25.0, usd_per_w_change_frac_per_yr=0.0, w_per_h100e=1000.0, efficiency_gain_frac_per_yr=0.0,
        flops_per_h100e=1e15, chip_life_yr=5.0)
SHARED = ns(ai_hardware=HW)
SITE_SIGNALS = ("site_capex_usd_per_w", "site_energy_usd_per_mwh", "site_pue", "site_capacity_factor", "site_facility_life_yr", "site_delay_yr",
                "capex_budget_usd_per_month", "compute_capacity_eflops", "site_pending_mw")


def site(**kw: Any) -> Any:
    """A grid site with nothing built: $10/W, PUE 1.2, $80/MWh, a planned 1-year wait for power,
    chips ordered 6 months before power is expected."""
    base = dict(capex_usd_per_w=10.0, facility_life_yr=15.0, pue=1.2, energy_source="grid", electricity_usd_per_mwh=80.0,
                gas_price_usd_per_mmbtu=5.0, heat_rate_btu_per_kwh=6000.0, capacity_factor=0.9, interconnection_delay_yr=1.0, it_mw_initial=0.0,
                onsite_gas_mw_per_month_max=0.0, onsite_start_month=0, onsite_lead_yr=0.75, onsite_capex_usd_per_w=0.0, chip_order_lead_months=6.0, opex_frac_of_capex_per_yr=0.02, capex_budget_usd_per_yr=0.0,
                capex_budget_growth_frac_per_yr=0.0, capex_budget_usd_per_yr_max=0.0, initial_fleet_spread_months=12)
    base.update(kw)
    return ns(**base)


def dc_world(dc: str = "tdc", lab: str = "lab", companies: dict[str, str] | None = None, extra: list[tuple[str, str, str]] | None = None) -> StubWorld:
    """A site ``dc`` between a grid, its lab, TSMC and the market; the grid has published a
    2-year wait and no connection yet, the lab a target of 0."""
    edges = [("grid_us", dc, s) for s in ("connection_added_mw", "interconnection_delay_yr", "power")] + [(dc, "grid_us", "connection_request_mw")]
    edges += [(lab, dc, "terrestrial_target_mw"), (dc, lab, "compute"), ("tsmc", dc, "accelerators"), (dc, "market", "money")]
    edges += [(dc, lab, s) for s in SITE_SIGNALS] + list(extra or [])
    world = StubWorld(edges, companies=companies)
    ex = world.exchange
    ex.publish("grid_us", "interconnection_delay_yr", 2.0)
    ex.publish("grid_us", "connection_added_mw", 0.0)
    ex.publish(lab, "terrestrial_target_mw", 0.0)
    return world


def _site(world: StubWorld, p: Any) -> TerrestrialDataCenter:
    dc = TerrestrialDataCenter(world, world.actor("tdc"), p, SHARED)
    world.start()
    return dc


def _chips_asked(world: StubWorld) -> float:
    return float(world.exchange.markets["accelerators"].demand[0].sum())


def test_chips_are_ordered_for_when_power_is_expected() -> None:
    """The lab wants 100 MW at a grid site that plans on a 1-year wait and orders chips 6 months
    ahead: the 100 MW join the grid's queue (the request published), no chips are ordered now and
    100,000 H100e fall due in 12 - 6 = 6 months; the wait it publishes is the grid's 2 years."""
    world = dc_world()
    world.exchange.publish("lab", "terrestrial_target_mw", 100.0)
    dc = _site(world, site())
    dc.offer()
    assert_allclose(world.exchange._sig_now[("tdc", "connection_request_mw")], 100.0)
    assert _chips_asked(world) == 0.0
    assert_allclose(dc.s.order_plan[0, (world.month + 6) % RING_MONTHS], 100.0)
    world.exchange.clear()
    dc.settle()
    assert_allclose(world.exchange._sig_now[("tdc", "site_delay_yr")], 2.0)
    dc.s.order_plan[0, (world.month + 1) % RING_MONTHS] = 7.0  # a plan falling due next month
    world.exchange.publish("lab", "terrestrial_target_mw", 0.0)
    world.next_month()
    dc.offer()
    assert_allclose(_chips_asked(world), 7_000.0)


def test_on_site_turbines_first_the_rest_through_the_grid() -> None:
    """An on-site gas site wants 50 MW with turbines at most 30 MW a month: 30 MW on site (chips
    for them ordered now, 30,000 H100e) and 20 MW asked of the grid, whose chips fall due after
    the grid's 2-year wait less the 6-month lead (18 months); the wait it publishes is its own
    turbine lead (0.5 yr)."""
    world = dc_world()
    world.exchange.publish("lab", "terrestrial_target_mw", 50.0)
    dc = _site(world, site(energy_source="onsite_gas", onsite_gas_mw_per_month_max=30.0, onsite_lead_yr=0.5))
    dc.offer()
    assert_allclose(dc.s.onsite_mw, 30.0)
    assert_allclose(world.exchange._sig_now[("tdc", "connection_request_mw")], 20.0)
    assert_allclose(_chips_asked(world), 30_000.0)
    assert_allclose(dc.s.order_plan[0, (world.month + 18) % RING_MONTHS], 20.0)
    world.exchange.clear()
    dc.settle()
    assert_allclose(world.exchange._sig_now[("tdc", "site_delay_yr")], 0.5)


def test_it_tells_its_lab_the_power_it_waits_for() -> None:
    """The lab asks 100 MW of a grid site, then 40 more; the grid connects 30 of them in the
    second month: the site waits for 100, then 100 - 30 + 40 = 110 MW, and tells its lab so (what
    the lab still owes for: :meth:`ecosim.agents.xai.Lab.pending_usd`). An on-site gas site's
    turbines are built at once: it waits for nothing it asks of them."""
    world = dc_world()
    world.exchange.publish("lab", "terrestrial_target_mw", 100.0)
    dc = _site(world, site())
    for waits, added, target in ((100.0, 30.0, 40.0), (110.0, 0.0, 0.0)):
        dc.offer()
        world.exchange.clear()
        dc.settle()
        assert_allclose(world.exchange._sig_now[("tdc", "site_pending_mw")], waits)
        world.exchange.publish("grid_us", "connection_added_mw", added)
        world.exchange.publish("lab", "terrestrial_target_mw", target)
        world.next_month()
    world = dc_world()
    world.exchange.publish("lab", "terrestrial_target_mw", 30.0)
    dc = _site(world, site(energy_source="onsite_gas", onsite_gas_mw_per_month_max=30.0))
    dc.offer()
    world.exchange.clear()
    dc.settle()
    assert_allclose(world.exchange._sig_now[("tdc", "site_pending_mw")], 0.0)


def test_the_facility_is_built_on_connection_and_filled_from_stock() -> None:
    """50,000 H100e (50 MW) wait in stock; the grid connects 30 MW: a 30 MW facility is built
    ($10/W: $300M capex), 30 MW of chips go in (30 EFLOP/s) and 20,000 stay unpowered, power
    binding; the facility's upkeep is 2 %/yr of its capex ($0.5M a month)."""
    world = dc_world()
    world.exchange.publish("grid_us", "connection_added_mw", 30.0)
    dc = _site(world, site())
    dc.s.chips_h100e = np.array([50_000.0])
    dc.offer()
    world.exchange.clear()
    dc.settle()
    assert_allclose(dc.s.facility_mw, 30.0)
    assert_allclose(dc.used_mw, 30.0)
    assert_allclose(dc.compute_capacity_eflops(), 30.0)
    assert_allclose(dc.chips_unpowered_h100e, 20_000.0)
    assert_allclose(paid_usd(world, "tdc", "capex"), 300e6)
    assert_allclose(paid_usd(world, "tdc", "opex"), 30e6 * 10.0 * 0.02 / 12)
    assert dc.binding.tolist() == [BINDING.index("power")]


def test_compute_falls_with_the_power_the_grid_delivers() -> None:
    """30 MW of chips running ask the grid 30 x 1.2 = 36 MW of power; delivered half of it, the
    site runs half its chips, and offers 15 of its 30 EFLOP/s the next month."""
    world = dc_world()
    dc = _site(world, site())
    dc.s.grid_mw = dc.s.facility_mw = np.array([30.0])
    dc.s.chips_h100e = np.array([30_000.0])
    dc.settle()  # install the chips
    world.next_month()
    dc.offer()
    ex = world.exchange
    assert_allclose(ex.markets["power"].demand[0].sum(), 36.0)
    ex.offer("grid_us", "power", np.array([18.0]), 1.0)
    ex.clear()
    dc.settle()
    assert_allclose(dc.power_factor, 0.5)
    world.next_month()
    dc.offer()
    assert_allclose(ex.offered("tdc", "compute"), 15.0)


def test_accelerators_retire_at_the_end_of_their_life() -> None:
    """120 MW installed evenly over the last 12 months (10 MW a month) with a 1-year chip life:
    this month the oldest 10 MW retire (10 EFLOP/s), freeing room that is refilled with 10,000
    H100e ordered at once."""
    world = dc_world()
    dc = TerrestrialDataCenter(world, world.actor("tdc"), site(it_mw_initial=120.0), ns(ai_hardware=ns(**{**vars(HW), "chip_life_yr": 1.0})))
    world.start()
    assert_allclose(dc.used_mw, 120.0)
    dc.offer()
    assert_allclose(dc.used_mw, 110.0)
    assert_allclose(dc.compute_capacity_eflops(), 110.0)
    assert_allclose(_chips_asked(world), 10_000.0)


def test_it_publishes_the_site_a_builder_of_the_alternative_prices() -> None:
    """An on-site gas site publishes its capex ($10/W), PUE, capacity factor, life and the price
    of its fuel: 6,000 BTU/kWh x $5/MMBtu = $30/MWh, which it pays for the power its chips burn:
    10 MW x 1.2 x 730.5 h x $30."""
    world = dc_world()
    dc = _site(world, site(energy_source="onsite_gas", it_mw_initial=10.0))
    sig = world.exchange._sig_now
    for key, value in (("site_capex_usd_per_w", 10.0), ("site_pue", 1.2), ("site_capacity_factor", 0.9), ("site_facility_life_yr", 15.0),
                       ("site_energy_usd_per_mwh", 30.0), ("compute_capacity_eflops", 10.0)):
        assert_allclose(sig[("tdc", key)], value)
    dc.offer()
    world.exchange.clear()
    dc.settle()
    assert_allclose(paid_usd(world, "tdc", "opex"), 10.0 * 1.2 * HOURS_PER_MONTH * 30.0 + 10e6 * 10.0 * 0.02 / 12)


def test_a_grid_site_adds_turbines_from_their_start_month_at_their_cost() -> None:
    """A grid site whose turbines open next month: this month its wait is the grid's 2 years, its
    capex $10/W and nothing runs on site; next month the lab's 150 MW take 100 MW of turbines
    (their supply) at 1.5 USD/W ($150M of capex) and the other 50 MW join the grid's queue; it
    publishes the turbines' 0.75-year lead, $11.5/W and 100 MW a month; the 100 MW run on fuel:
    6,000 Btu/kWh x $5/MMBtu = $30/MWh x PUE 1.2 x the month's hours."""
    world = dc_world(extra=[("tdc", "lab", "site_onsite_mw_per_month")])
    opens = world.month + 1
    dc = _site(world, site(onsite_gas_mw_per_month_max=100.0, onsite_start_month=opens, onsite_capex_usd_per_w=1.5))
    world.exchange.publish("lab", "terrestrial_target_mw", 150.0)
    dc.offer()
    world.exchange.clear()
    dc.settle()
    sig = world.exchange._sig_now
    assert_allclose([sig[("tdc", "site_delay_yr")], sig[("tdc", "site_capex_usd_per_w")], sig[("tdc", "site_onsite_mw_per_month")]], [[2.0], [10.0], [0.0]])
    assert_allclose(dc.s.onsite_mw, 0.0)
    world.next_month()
    dc.offer()
    assert_allclose(dc.s.onsite_mw, 100.0)
    assert_allclose(sig[("tdc", "connection_request_mw")], 50.0)
    assert_allclose(paid_usd(world, "tdc", "capex"), 100e6 * 1.5)
    world.exchange.clear()
    dc.s.used_mw_total = np.full(1, 100.0)  # its chips installed (the clearing of chips is another test's)
    dc.settle()
    assert_allclose([sig[("tdc", "site_delay_yr")], sig[("tdc", "site_capex_usd_per_w")], sig[("tdc", "site_onsite_mw_per_month")]], [[0.75], [11.5], [100.0]])
    fuel = 100.0 * 1.2 * HOURS_PER_MONTH * 30.0
    facility = dc.s.facility_mw[0] * 1e6 * 10.0 * 0.02 / 12.0
    assert_allclose(paid_usd(world, "tdc", "opex"), fuel + facility)
