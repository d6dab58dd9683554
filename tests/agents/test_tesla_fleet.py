"""Tesla's vehicle business alone: its money as the 10-K segments it (automotive, services and
other, R&D and SG&A with their stock part, growth and sustaining capex)."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.tesla_fleet import TeslaFleet
from ecosim.scenario.loader import load_scenario
from ecosim.scenario.params import params_of
from tests.agents.stub import StubWorld, sellers_shared

EDGES = [("xai", "tesla_fleet", "capability"), ("tesla_fleet", "cybercab", "fsd_performance"), ("tesla_fleet", "xai", "data"),
         ("tsmc", "tesla_fleet", "accelerators"), ("optimus", "tesla_fleet", "labour"), ("market", "tesla_fleet", "money"), ("tesla_fleet", "market", "money")]


def test_money_by_segment() -> None:
    """With 100,000 deliveries a month at ASP 40,000, 10,000 FSD users, 5M vehicles on the road and
    a capacity of 2.4M/yr that grew by 12,000/yr this month (history.toml's [tesla] otherwise):
    automotive = 1e5 x (40,000 + 1,300) + 1e4 x 99; services = 5e6 x 1,600 / 12; R&D and SG&A =
    12 % of both, 81 % of it in cash; no Optimus hours, so no labour saving; capex = 12,000 x 5,000 + 2.4e6 x 3,500 / 12."""
    p = params_of(load_scenario("history").model.tesla)
    p.factories = []
    world = StubWorld(EDGES, month="2030-01")
    fleet = TeslaFleet(world, world.actor("tesla_fleet"), p, sellers_shared())
    world.start()
    fleet.deliveries = np.array([1e5])
    fleet.fsd_users = np.array([1e4])
    fleet.s.asp_usd[:] = 40000.0
    fleet.s.cohorts[:] = 0.0
    fleet.s.cohorts[:, 2029 - 2008] = 5e6 - 1e5  # a young cohort: a month of scrappage takes almost none
    fleet._fsd_data = np.zeros(1)
    fleet.capacity = np.array([2.4e6])  # installed this month (offer's, within the cash)
    fleet.s.capacity_prev[:] = 2.4e6 - 12000.0
    unit_cost = fleet.unit_cost_usd()
    fleet.settle()
    on_road = fleet.fleet  # after this month's scrappage and deliveries
    assert_allclose(on_road, 5e6, rtol=1e-4)
    auto = 1e5 * (40000.0 + 1300.0) + 1e4 * 99.0
    services = on_road * 1600.0 / 12.0
    assert_allclose(fleet.automotive_revenue_usd, auto)
    assert_allclose(fleet.services_revenue_usd, services, rtol=1e-9)
    assert_allclose(fleet.operating_expenses_usd, 0.12 * (auto + services), rtol=1e-9)
    ex = world.exchange
    i = ex.index["tesla_fleet"]
    assert_allclose(ex.month_in[:, i], auto + services, rtol=1e-9)
    capex = 12000.0 * 5000.0 + 2.4e6 * 3500.0 / 12.0
    assert_allclose(ex.month_capex[:, i], capex)
    cogs = 1e5 * unit_cost + services * (1.0 - 0.09)
    assert_allclose(ex.month_out[:, i], cogs + 0.12 * (auto + services) * 0.81 + capex, rtol=1e-9)


def test_robot_hours_save_the_wages_they_replace() -> None:
    """Optimus gives 1M hours at $35 (inside Tesla): the plants pay $35M for them and pay $35M less
    for cost of goods; they publish the labour robots could take over, 1e5 deliveries x unit cost x
    10 %. At 1e9 hours the saving stops at that labour."""
    from ecosim.agents.base import UNLIMITED
    from tests.agents.stub import paid_usd

    p = params_of(load_scenario("history").model.tesla)
    p.factories = []
    for hours in (1e6, 1e9):
        world = StubWorld([*EDGES, ("tesla_fleet", "optimus", "replaceable_labour_usd")], month="2030-01",
                          companies={"optimus": "tesla", "tesla_fleet": "tesla"})
        fleet = TeslaFleet(world, world.actor("tesla_fleet"), p, sellers_shared())
        world.start()
        fleet.deliveries = np.array([1e5])
        fleet.fsd_users = np.zeros(1)
        fleet.s.cohorts[:] = 0.0
        fleet._fsd_data = np.zeros(1)
        ex = world.exchange
        ex.offer("optimus", "labour", np.array([hours]), 0.0, price_internal=35.0)
        ex.demand("tesla_fleet", "labour", np.array([UNLIMITED]), tier=1)
        ex.clear()
        unit_cost = fleet.unit_cost_usd()
        fleet.settle()
        replaceable = 1e5 * unit_cost * 0.10
        assert_allclose(ex.paid("optimus", "tesla_fleet", "labour"), hours * 35.0)
        assert_allclose(ex.published("tesla_fleet", "optimus", "replaceable_labour_usd"), replaceable)
        services = fleet.services_revenue_usd  # the month's 1e5 new vehicles x 1,600 / 12
        opex = 1e5 * unit_cost - min(hours * 35.0, float(replaceable[0])) + services * 0.91 + 0.12 * (fleet.automotive_revenue_usd + services) * 0.81
        assert_allclose(paid_usd(world, "tesla_fleet", "opex"), opex, rtol=1e-9)



def _new_factory(cash_usd: float) -> tuple[StubWorld, TeslaFleet]:
    """2030-07, one factory planned from 2030-01 at 1.2M/yr over 12 months (600,000/yr planned,
    500,000/yr installed last month), ``cash_usd`` of Tesla's cash when the month opens
    (history.toml's $5,000 per vehicle/yr, over 4 months)."""
    from ecosim.timeline import parse_month
    from tests.agents.stub import ns

    p = params_of(load_scenario("history").model.tesla)
    p.factories = [ns(name="New", start_month=parse_month("2030-01"), capacity_per_yr=1.2e6, ramp_months=12.0)]
    world = StubWorld(EDGES, month="2030-07", companies={"tesla_fleet": "tesla"})
    world.exchange.cash[:, world.exchange.index["tesla_fleet"]] = cash_usd
    world.exchange.publish("xai", "capability", 1.0)
    fleet = TeslaFleet(world, world.actor("tesla_fleet"), p, sellers_shared())
    world.start()
    fleet.s.capacity_prev[:] = 500e3
    return world, fleet


def test_factories_grow_within_teslas_cash() -> None:
    """The plan adds 100,000 vehicles/yr this month at $5,000 each ($500M): $2B of cash over 4 months
    pays for all of it (600,000/yr, the plan's); $1B pays for 50,000 (550,000/yr); no cash, no
    growth (500,000/yr)."""
    for cash, installed in ((2e9, 600e3), (1e9, 550e3), (0.0, 500e3)):
        assert_allclose(_new_factory(cash)[1].installed_capacity_per_yr(), installed)


def test_growth_capex_is_what_was_installed() -> None:
    """With $1B of cash the month installs 50,000 vehicles/yr: its growth capex is 50,000 x $5,000
    = $250M (next to the sustaining capex of 550,000 x 3,500 / 12)."""
    world, fleet = _new_factory(1e9)
    fleet.offer()
    world.exchange.clear()
    fleet.settle()
    assert_allclose(world.exchange.month_capex[:, world.exchange.index["tesla_fleet"]], 50e3 * 5000.0 + 550e3 * 3500.0 / 12.0)
    assert_allclose(fleet.s.capacity_prev, 550e3)


def test_its_data_goes_to_the_contract_holder_or_the_highest_bidder() -> None:
    """This month's uploads (history's 10 MB per FSD mile, 1 MB per other mile) go to xAI under
    its contract ($0.1M a PB: xAI pays that for every PB), or, with no contract, to OpenAI, which
    bids $2M a PB against xAI's $1M, and pays xAI's bid: Tesla earns $1M a PB."""
    p = params_of(load_scenario("history").model.tesla)
    p.factories = []
    edges = [*EDGES, ("tesla_fleet", "openai", "data")]
    for contract, buyer, usd_per_pb in (("xai", "xai", 0.1e6), ("none", "openai", 1e6)):
        world = StubWorld(edges, month="2030-01")
        world.exchange.publish("xai", "capability", 1.0)
        fleet = TeslaFleet(world, world.actor("tesla_fleet"), p, sellers_shared(contract, 0.1e6))
        world.start()
        fleet.offer()
        pb = fleet.fsd_miles / 1e9 * 10.0 + (fleet.fleet * 11000.0 / 12.0 - fleet.fsd_miles) / 1e9 * 1.0
        assert pb[0] > 0 and fleet.fsd_miles[0] > 0
        assert_allclose(fleet.data_pb, pb, rtol=1e-9)
        ex = world.exchange
        ex.demand("xai", "data", np.array([1e15]), tier=0, bid=1e6)
        ex.demand("openai", "data", np.array([1e15]), tier=0, bid=2e6)
        ex.clear()
        assert_allclose(ex.received(buyer, "data"), pb, rtol=1e-9)
        assert_allclose(ex.earned("tesla_fleet", "data"), pb * usd_per_pb, rtol=1e-9)
        assert_allclose(ex.spent(buyer, "data"), pb * usd_per_pb, rtol=1e-9)
