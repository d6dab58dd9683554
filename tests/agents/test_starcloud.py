"""Starcloud alone: a venture budget (not an owner's target) sets what it builds — as many MW as a
month of budget buys at hardware plus launch cost, while orbit beats a terrestrial site — the
budget grows toward its ceiling, and it sells its compute to outside customers at a price that
falls with the accelerator price.

Round numbers: a $120M a year budget ($10M a month), $2/W of satellite hardware, $200/kg launch,
counted under the undiscounted ``ecosim`` convention (where orbit beats the stub's site at $200/kg;
under the levelised default it does only below ~$50/kg)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.starcloud import Starcloud
from tests.agents.stub import StubWorld
from tests.agents.test_google_planet import odc_world
from tests.agents.test_orbital_dc import SHARED, odc


def _starcloud(launch_usd_per_kg: float = 200.0, **kw: Any) -> tuple[StubWorld, Starcloud]:
    world = odc_world("starcloud", None, "terrestrial_dc", {}, launch_usd_per_kg, cash_usd=0.0)
    p = odc(**{"first_build_month": world.month, "capex_budget_usd_per_yr": 120e6, "capex_budget_growth_frac_per_yr": 0.5,
               "capex_budget_usd_per_yr_max": 150e6, "prototype_mw_per_yr": 0.0, "cost_convention": "ecosim", **kw})
    sc = Starcloud(world, world.actor("starcloud"), p, SHARED)
    world.start()
    sc.s.chips_h100e = np.array([1e9])
    sc.s.pv_gw = np.array([1e9])
    return world, sc


def test_a_month_of_budget_buys_what_it_builds() -> None:
    """$10M a month at $2M/MW of hardware plus (kg per MW) x $200/kg of launch: it wants and
    launches 10e6 / (2e6 + 200 x kg/MW) MW, though it has no cash and no owner asks for any.
    With 6 MW/yr of demonstrators it wants half a MW more, but the budget still caps what flies."""
    _, sc = _starcloud()
    sc.offer()
    unit = 2e6 + 200.0 * sc.mass_kg_per_w[0] * 1e6
    assert sc.ratio[0] < 1.0
    assert_allclose(sc.target_mw, 10e6 / unit)
    assert_allclose(sc.ready_mw, 10e6 / unit)
    _, demo = _starcloud(prototype_mw_per_yr=6.0)
    demo.offer()
    assert_allclose(demo.target_mw, 10e6 / unit + 0.5)
    assert_allclose(demo.ready_mw, 10e6 / unit)


def test_only_demonstrators_while_a_site_is_cheaper() -> None:
    """At $20,000/kg orbit costs more than the terrestrial site: only the 6 MW/yr of
    demonstrators (0.5 MW a month) are wanted."""
    _, sc = _starcloud(20_000.0, prototype_mw_per_yr=6.0)
    sc.offer()
    assert sc.ratio[0] > 1.0
    assert_allclose(sc.target_mw, 0.5)


def test_the_budget_grows_toward_its_ceiling() -> None:
    """$120M a year growing 50 %/yr: 120 x 1.5^(1/12) = $124.1M after a month; from $149M it
    stops at the $150M ceiling."""
    for start, after in ((120e6, 120e6 * 1.5 ** (1 / 12)), (149e6, 150e6)):
        world, sc = _starcloud(capex_budget_usd_per_yr=start)
        sc.offer()
        world.exchange.clear()
        sc.settle()
        assert_allclose(sc.s.budget_usd_per_yr, after)


def test_it_sells_compute_to_the_market_at_a_price_that_follows_accelerators() -> None:
    """100 EFLOP/s in orbit, all working, compute 98 % of the time: 98 EFLOP/s offered to the
    market. At the reference accelerator price ($25/W) it asks the scenario's $1.5M an EFLOP/s
    month; when accelerators cost $12.5/W, half."""
    world, sc = _starcloud()
    sc.s.eflops_total = np.array([100.0])
    sc.offer()
    ex = world.exchange
    assert_allclose(ex.offered("starcloud", "compute"), 98.0)
    assert_allclose(ex.markets["compute"].price[0, 0], 1.5e6)
    world.exchange.publish("tsmc", "accelerator_usd_per_w", 12.5)
    world.exchange.clear()
    world.next_month()
    assert_allclose(sc.compute_price_usd_per_eflops_month(), 0.75e6)
