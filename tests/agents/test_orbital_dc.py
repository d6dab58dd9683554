"""An orbital data-center builder alone: development paid before the first build, launches
addressed to its launcher within its Starship share, the payload it would fly published,
spending within its capital."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.orbital_dc import SpaceXOrbitalDC
from tests.agents.stub import StubWorld, ns

COMPANIES = {"orbital_dc": "spacex", "spacex_launch": "spacex", "xai": "xai", "terrestrial_dc": "xai", "market": "market"}
SITE = {"site_capex_usd_per_w": 13.8, "site_energy_usd_per_mwh": 80.0, "site_pue": 1.2, "site_capacity_factor": 0.9,
        "site_facility_life_yr": 15.0, "site_delay_yr": 3.0}


def odc(**kw: Any) -> Any:
    base = dict(capacity_gw=10.0, lifetime_yr=5.0, launch_cost_usd_per_kg=None, satellite_hardware_usd_per_w=2.0, specific_power_w_per_kg=None,
                sunlight_fraction=0.98, degradation_frac_per_yr=0.025, chip_failure_frac_per_yr=0.09, ops_frac_of_hardware_per_yr=0.02,
                nre_usd=1.2e9, development_months=12.0, radiator_temp_k=330.0, emissivity=0.9, radiator_sides=2, sink_temp_k=200.0,
                radiator_areal_density_kg_per_m2=7.0, array_specific_power_w_per_kg=150.0, chip_mass_kg_per_w=0.004, shielding_kg_per_w=0.002,
                structure_mass_frac=0.25, bandwidth_tbps_per_gw=10.0, satellite_it_kw=75.0, first_build_month=0,
                build_mw_per_month_max=1000.0, capex_budget_usd_per_yr=0.0, capex_budget_growth_frac_per_yr=0.0, capex_budget_usd_per_yr_max=0.0,
                compute_price_usd_per_eflops_month=1.5e6, prototype_mw_per_yr=0.0, array_cost_frac=0.3, cash_deploy_months=1.0, chip_stock_months=2.0, cost_convention="levelised")
    base.update(kw)
    return ns(**base)


SHARED = ns(ai_hardware=ns(reference_month=0, usd_per_w=25.0, usd_per_w_change_frac_per_yr=0.0, w_per_h100e=1000.0, efficiency_gain_frac_per_yr=0.0,
                           flops_per_h100e=1e15, chip_life_yr=5.0),
            regulation=ns(odc_power_cap_gw=1e4), pv=ns(us_tariff_frac=0.0))


def _world(first_build_offset: int = 0, cash_usd: float = 1e12) -> StubWorld:
    edges = [("spacex_launch", "orbital_dc", s) for s in ("launch_price_usd_per_kg", "starship_capacity_t", "launch_mass")]
    edges += [("orbital_dc", "spacex_launch", "starship_need_t"), ("xai", "orbital_dc", "orbital_target_mw"),
              ("orbital_dc", "xai", "orbital_cost_ratio"), ("orbital_dc", "xai", "orbital_capex_usd_per_w"), ("orbital_dc", "xai", "compute"),
              ("tsmc", "orbital_dc", "accelerator_usd_per_w"), ("tsmc", "orbital_dc", "accelerators"), ("gcl", "orbital_dc", "pv_modules"),
              ("capital_market", "orbital_dc", "wacc"), ("orbital_dc", "market", "money")]
    edges += [("terrestrial_dc", "orbital_dc", s) for s in SITE]
    world = StubWorld(edges, companies=COMPANIES)
    ex = world.exchange
    ex.cash[:, ex.index["orbital_dc"]] = cash_usd
    for s, v in SITE.items():
        ex.publish("terrestrial_dc", s, v)
    ex.publish("spacex_launch", "launch_price_usd_per_kg", 20.0)
    ex.publish("spacex_launch", "starship_capacity_t", 50.0)
    ex.publish("xai", "orbital_target_mw", 100.0)
    ex.publish("tsmc", "accelerator_usd_per_w", 25.0)
    ex.publish("capital_market", "wacc", 0.1)
    return world


def _builder(world: StubWorld, p: Any) -> SpaceXOrbitalDC:
    b = SpaceXOrbitalDC(world, world.actor("orbital_dc"), p, SHARED)
    world.start()
    return b


def _opex_paid_usd(world: StubWorld) -> float:
    """Operating costs the builder paid out this month [USD]."""
    ex = world.exchange
    return float(sum(ex.money_usd[i][ex.step_index, 0] for (src, _, kind), i in ex.money_keys.items() if src == "orbital_dc" and kind == "opex"))


def test_development_is_paid_before_the_first_build() -> None:
    """NRE of $1.2B over the 12 months before the first build: $100M in such a month; none once
    building (with nothing in orbit yet, nothing else is operating cost)."""
    world = _world()
    b = _builder(world, odc(first_build_month=world.month + 6))
    b.offer()
    world.exchange.clear()
    b.settle()
    assert_allclose(_opex_paid_usd(world), 100e6)
    built = _world()
    b2 = _builder(built, odc(first_build_month=built.month))
    b2.offer()
    built.exchange.clear()
    b2.settle()
    assert _opex_paid_usd(built) == 0.0


def test_launches_stay_within_the_starship_share_and_the_need_is_published() -> None:
    """The lab wants 100 MW; with chips and arrays in stock for all of it, the launch limit is the
    50 t Starship share: ready MW x kg/MW = 50 t, addressed to the launcher; the need published is
    the 100 MW's mass."""
    world = _world()
    b = _builder(world, odc())
    b.s.chips_h100e = np.array([1e9])
    b.s.pv_gw = np.array([1e9])
    b.offer()
    kg_per_mw = b.mass_kg_per_w[0] * 1e6
    assert_allclose(b.ready_mw, 50.0 * 1000.0 / kg_per_mw)
    assert_allclose(world.exchange.asked_of("spacex_launch", "launch_mass"), 50.0, rtol=1e-6)
    assert_allclose(world.exchange._sig_now[("orbital_dc", "starship_need_t")], 100.0 * kg_per_mw / 1000.0)


def test_capital_limits_what_is_built() -> None:
    """With $100M of cash to spend, room on Starship and a unit cost of $2/W of hardware plus
    launch, the capital limit binds: ready MW = 100e6 / (2e6 + kg/MW x $20/kg)."""
    world = _world(cash_usd=100e6)
    world.exchange.publish("spacex_launch", "starship_capacity_t", 1e6)
    b = _builder(world, odc())
    b.s.chips_h100e = np.array([1e9])
    b.s.pv_gw = np.array([1e9])
    b.offer()
    kg_per_mw = b.mass_kg_per_w[0] * 1e6
    assert_allclose(b.ready_mw, 100e6 / (2e6 + kg_per_mw * 20.0))
