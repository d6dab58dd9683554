"""Google and Planet's Suncatcher alone: it pays SpaceX's launch price (not SpaceX's cost), builds
beyond its demonstrators only while orbit is cheaper than Google's own data centers, flies without
a Starship share behind SpaceX's own payloads, and tells Google the option is closed until its
first build month."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.google_planet import GooglePlanet
from tests.agents.stub import StubWorld
from tests.agents.test_orbital_dc import SHARED, SITE, odc

LAUNCH_INPUTS = ("launch_price_usd_per_kg", "launch_mass")


def odc_world(name: str, owner: str | None, alternative: str, companies: dict[str, str], launch_usd_per_kg: float,
              internal_usd_per_kg: float | None = None, cash_usd: float = 1e12) -> StubWorld:
    """An orbital builder ``name`` on SpaceX's launches (SpaceX publishing ``launch_usd_per_kg``
    to outsiders, ``internal_usd_per_kg`` inside SpaceX), with its terrestrial ``alternative``,
    its ``owner`` lab wanting 100 MW a month (if any), TSMC at $25/W and a 10 % WACC; SpaceX's
    own builder ``orbital_dc`` buys launches too."""
    edges = [("spacex_launch", name, s) for s in LAUNCH_INPUTS] + [("spacex_launch", "orbital_dc", "launch_mass")]
    edges += [(alternative, name, s) for s in SITE] + [("tsmc", name, "accelerator_usd_per_w"), ("tsmc", name, "accelerators"), ("gcl", name, "pv_modules"),
                                                      ("capital_market", name, "wacc"), (name, "market", "money")]
    if owner is not None:
        edges += [(owner, name, "orbital_target_mw"), (name, owner, "orbital_cost_ratio"), (name, owner, "orbital_capex_usd_per_w"), (name, owner, "compute")]
    else:
        edges += [(name, "market", "compute")]
    world = StubWorld(edges, companies={"spacex_launch": "spacex", "orbital_dc": "spacex", **companies})
    ex = world.exchange
    ex.cash[:, ex.index[name]] = cash_usd
    for s, v in SITE.items():
        ex.publish(alternative, s, v)
    ex.publish("spacex_launch", "launch_price_usd_per_kg", launch_usd_per_kg, internal_usd_per_kg)
    if owner is not None:
        ex.publish(owner, "orbital_target_mw", 100.0)
    ex.publish("tsmc", "accelerator_usd_per_w", 25.0)
    ex.publish("capital_market", "wacc", 0.1)
    return world


COMPANIES = {"google": "alphabet", "google_dc": "alphabet", "google_planet": "alphabet"}


def _suncatcher(launch_usd_per_kg: float, **kw: float) -> tuple[StubWorld, GooglePlanet]:
    world = odc_world("google_planet", "google", "google_dc", COMPANIES, launch_usd_per_kg, internal_usd_per_kg=launch_usd_per_kg / 10.0)
    b = GooglePlanet(world, world.actor("google_planet"), odc(**{"first_build_month": world.month, "prototype_mw_per_yr": 12.0, **kw}), SHARED)
    world.start()
    b.s.chips_h100e = np.array([1e9])
    b.s.pv_gw = np.array([1e9])
    return world, b


def test_it_pays_spacexs_price_not_its_cost() -> None:
    """SpaceX publishes $200/kg to outsiders and its $20/kg cost inside SpaceX: Suncatcher, in
    Alphabet, prices orbit at $200/kg."""
    _, b = _suncatcher(200.0)
    b.offer()
    assert_allclose(b.launch_usd_per_kg, 200.0)


def test_beyond_demonstrators_only_while_orbit_is_cheaper() -> None:
    """Google wants 100 MW a month. At $10,000/kg orbit costs more than a site (ratio > 1): only
    the demonstrators, 12 MW a year = 1 MW this month. At $20/kg it is cheaper: 100 + 1 MW."""
    for price, cheaper, want in ((10_000.0, False, 1.0), (20.0, True, 101.0)):
        _, b = _suncatcher(price)
        b.offer()
        assert bool(b.ratio[0] < 1.0) is cheaper
        assert_allclose(b.target_mw, want)


def test_it_flies_without_a_starship_share_behind_spacexs_own() -> None:
    """With no Starship share on the network nothing limits its launches but stock and money: the
    101 MW fly, their mass asked of SpaceX, and no Starship need is published. SpaceX's own builder
    asks 5 t first (tier 0); offered just Suncatcher's mass, SpaceX sells it 5 t less."""
    world, b = _suncatcher(20.0)
    b.offer()
    assert_allclose(b.ready_mw, 101.0)
    launch_t = 101.0 * b.mass_kg_per_w[0] * 1e6 / 1000.0
    ex = world.exchange
    assert_allclose(ex.asked_of("spacex_launch", "launch_mass"), launch_t, rtol=1e-6)
    assert ("google_planet", "starship_need_t") not in ex._sig_now
    ex.demand("orbital_dc", "launch_mass", np.array([5.0]), tier=0, seller="spacex_launch")
    ex.offer("spacex_launch", "launch_mass", np.array([launch_t]), 1.0)
    ex.clear()
    assert_allclose(ex.flow("spacex_launch", "google_planet", "launch_mass"), launch_t - 5.0, rtol=1e-6)


def test_the_option_is_closed_before_the_first_build_month() -> None:
    """A month before its first build it builds nothing (not even demonstrators) and tells Google
    orbit costs infinitely more (ratio and up-front cost per W both infinite), though the cost
    comparison itself says it would be cheaper; from the first build month it publishes the ratio."""
    world = odc_world("google_planet", "google", "google_dc", COMPANIES, 20.0)
    b = GooglePlanet(world, world.actor("google_planet"), odc(first_build_month=world.month + 1, prototype_mw_per_yr=12.0), SHARED)
    world.start()
    b.offer()
    assert b.ratio[0] < 1.0
    assert_allclose(b.target_mw, 0.0)
    sig = world.exchange._sig_now
    assert np.isinf(sig[("google_planet", "orbital_cost_ratio")]).all() and np.isinf(sig[("google_planet", "orbital_capex_usd_per_w")]).all()
    world.exchange.clear()
    world.next_month()
    b.offer()
    sig = world.exchange._sig_now
    assert_allclose(sig[("google_planet", "orbital_cost_ratio")], b.ratio)
    assert np.isfinite(sig[("google_planet", "orbital_capex_usd_per_w")]).all()
