"""Tesla Energy alone: ramped storage capacity, Wright's price, revenue, costs and capex."""

from __future__ import annotations

from numpy.testing import assert_allclose

from ecosim.agents.tesla_energy import TeslaEnergy
from ecosim.timeline import parse_month
from tests.agents.stub import StubWorld, ns

TESLA = ns(operating_expenses_frac_of_revenue=0.1, operating_expenses_stock_frac=0.5, cash_deploy_months=4.0)


def _energy(world: StubWorld) -> TeslaEnergy:
    p = ns(
        factories=[ns(name="A", start_month=parse_month("2029-01"), capacity_gwh_per_yr=24.0, ramp_months=24.0)],
        utilisation_frac=0.5, cumulative_gwh_initial=10.0, price_usd_per_kwh_initial=400.0, price_progress_ratio=0.8,
        gross_margin_frac=0.25, generation_revenue_usd_per_yr=1.2e9, factory_capex_usd_per_gwh_yr=30e6,
    )
    return TeslaEnergy(world, world.actor("tesla_energy"), p, ns(tesla=TESLA))


def test_deployments_price_and_money() -> None:
    """12 months into a 24-month ramp of 24 GWh/yr at 50 % use: 0.5 GWh deployed in the month; two
    doublings of deployments (10 -> 40 GWh) at a 0.8 progress ratio: 400 x 0.64 = 256 USD/kWh;
    revenue 0.5e6 kWh x 256 + 1.2e9 / 12 = 228e6; cash costs 228e6 x 0.75 + 228e6 x 0.1 x 0.5 =
    182.4e6; capex for the month's 1 GWh/yr of new capacity 30e6 (Tesla's $1B of cash pays for it):
    cash up by 15.6e6."""
    world = StubWorld([("market", "tesla_energy", "money"), ("tesla_energy", "market", "money")])
    world.exchange.cash[:, world.exchange.index["tesla_energy"]] = 1e9  # pays for the month's 1 GWh/yr ($30M) many times over
    en = _energy(world)
    world.start()
    en.s.cumulative_gwh[:] = 40.0
    en.settle()
    assert_allclose(en.deployed_gwh, 0.5)
    assert_allclose(en.revenue_usd, 228e6)
    assert_allclose(en.operating_expenses_usd, 22.8e6)
    ex = world.exchange
    i = ex.index["tesla_energy"]
    assert_allclose(ex.month_in[:, i], 228e6)
    assert_allclose(ex.month_capex[:, i], 30e6)
    assert_allclose(ex.cash[:, i], 1e9 + 228e6 - 182.4e6 - 30e6)
    assert_allclose(en.s.cumulative_gwh, 40.5)


def test_no_capex_once_ramped() -> None:
    """After the ramp (2031-01 on) capacity no longer grows: no capex, deployments 24 x 0.5 / 12 = 1 GWh a month."""
    world = StubWorld([("market", "tesla_energy", "money"), ("tesla_energy", "market", "money")], month="2031-06")
    en = _energy(world)
    world.start()
    en.settle()
    assert_allclose(en.deployed_gwh, 1.0)
    assert_allclose(world.exchange.month_capex[:, world.exchange.index["tesla_energy"]], 0.0)


def _grown_gwh(cash_usd: float) -> tuple[float, float]:
    """12 months into the ramp (plan 12 GWh/yr, 11 GWh/yr installed last month): installed
    capacity and the month's capex with ``cash_usd`` of Tesla's cash when the month opened."""
    world = StubWorld([("market", "tesla_energy", "money"), ("tesla_energy", "market", "money")])
    world.exchange.cash[:, world.exchange.index["tesla_energy"]] = cash_usd
    en = _energy(world)
    world.start()
    en.s.capacity_prev_gwh_per_yr[:] = 11.0
    en.settle()
    return float(en.s.capacity_prev_gwh_per_yr[0]), float(world.exchange.month_capex[0, world.exchange.index["tesla_energy"]])


def test_storage_factories_grow_within_teslas_cash() -> None:
    """The month's 1 GWh/yr costs $30M: $120M of cash over 4 months pays for all of it (12 GWh/yr,
    as the plan); $60M pays for half (11.5 GWh/yr, $15M); no cash, no growth (11 GWh/yr, no capex)."""
    assert_allclose(_grown_gwh(120e6), (12.0, 30e6))
    assert_allclose(_grown_gwh(60e6), (11.5, 15e6))
    assert_allclose(_grown_gwh(0.0), (11.0, 0.0))
