"""Conservation in the whole world: no mass, satellite or dollar moves without the flight, build
or payment that carries it, checked per vehicle and per month."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario

TOL = 1e-6


@pytest.mark.parametrize("name", ["history", "kuiper_race"])
def test_every_tonne_and_satellite_rides_a_flight_that_flew(name: str) -> None:
    """Each month, for every vehicle: the mass it carried fits on the flights it flew (payload x
    flights), no flight flies empty, a launcher that flew nothing delivered nothing; each
    constellation's satellites in orbit change by exactly what reached orbit less what left, and
    what came from a launcher fits on that launcher's flights."""
    model = EcosimModel(load_scenario(name, ["scenario.end_month=2029-12"] if name != "history" else []), record_ledger=False)
    ex = model.exchange
    sx, ng, lg = model.agent("spacex_launch"), model.agent("new_glenn"), model.agent("legacy_launch")
    constellations = [model.agent("starlink"), model.agent("kuiper")]
    fal = model.params.launch.falcon
    while model.steps < model.n_steps:
        before = [c.active.copy() for c in constellations]
        model.step()
        when = model.dates()[-1]
        # SpaceX, vehicle by vehicle
        assert_allclose(sx.falcon_mass_t + sx.ship_mass_t, ex.sold("spacex_launch", "launch_mass"), rtol=1e-9, atol=TOL, err_msg=when)
        assert np.all(sx.falcon_mass_t <= sx.falcon_launches * fal.payload_t + TOL), when
        assert np.all(sx.ship_mass_t <= sx.ship_ops_flights * sx.ship_payload_t() + TOL), when
        assert np.all(np.ceil(sx.falcon_mass_t / fal.payload_t - 1e-9) == sx.falcon_launches), when
        assert np.all(np.ceil(sx.ship_mass_t / sx.ship_payload_t() - 1e-9) == sx.ship_ops_flights), when
        # outside providers
        for lp in (ng, lg):
            sold = ex.sold(lp.name, "launch_mass")
            assert np.all(sold <= lp.launches * lp.p.payload_t + TOL), (lp.name, when)
            assert np.all(np.ceil(sold / lp.p.payload_t - 1e-9) == lp.launches), (lp.name, when)
            if np.all(lp.launches == 0):
                for c in constellations:
                    assert np.all(c.arrived_from.get(lp.name, np.zeros(1)) == 0.0), (lp.name, c.name, when)
        # satellites: stock and flow, and what each launcher's flights could carry
        for c, b in zip(constellations, before, strict=True):
            assert_allclose(c.active, b - c.deorbited + c.arrived, rtol=1e-9, atol=1e-6, err_msg=f"{c.name} {when}")
            lightest_kg = min(g.mass_kg for g in c.p.generations)
            for seller, sats in c.arrived_from.items():
                lp = {"spacex_launch": sx, "new_glenn": ng, "legacy_launch": lg}[seller]
                flights = sx.falcon_launches + sx.ship_ops_flights if seller == "spacex_launch" else lp.launches
                payload = max(fal.payload_t, float(np.max(sx.ship_payload_t()))) if seller == "spacex_launch" else lp.p.payload_t
                assert np.all(sats <= flights * payload * 1000.0 / lightest_kg + TOL), (c.name, seller, when)


def test_orbital_development_and_terafab_growth_are_paid() -> None:
    """SpaceX's orbital data-center development ($5B over the year before its first build) is paid
    in 2026; TeraFab's capacity grows only as its expansion capex is paid."""
    model = EcosimModel(load_scenario("baseline", ["scenario.end_month=2032-12"]))
    model.run()
    led = model.ledger()
    odc = led[(led["from"] == "orbital_dc") & (led["commodity"] == "money") & (led["kind"] == "opex") & (led["date"].str[:4] == "2026")]
    nre = model.params.orbital_dc.nre_usd
    assert odc["usd"].sum() >= nre * (1 - 1e-9)
    fab = model.agent("terafab")
    tera = led[(led["from"] == "terafab") & (led["commodity"] == "money") & (led["kind"] == "capex")]
    p = model.params.chips.terafab
    grown = float(fab.s.capacity[0]) - p.capacity_h100e_per_month_initial
    assert grown > 0
    assert_allclose(tera["usd"].sum(), p.build_capex_usd + grown * p.expansion_capex_usd_per_h100e_month, rtol=1e-6)
