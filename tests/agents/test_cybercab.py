"""The Cybercab fleet alone: cabs built within Tesla's cash (its cash when the month opened over
``cash_deploy_months``, at the unit cost), the production rate and the market's open demand."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.cybercab import Cybercab
from tests.agents.stub import StubWorld, ns, sellers_shared

EDGES = [("tesla_fleet", "cybercab", "fsd_performance"), ("tsmc", "cybercab", "accelerators"), ("cybercab", "xai", "data"),
         ("market", "cybercab", "money"), ("cybercab", "market", "money")]


def cab(**kw: Any) -> Any:
    base = dict(start_month=0, production_per_month_initial=10_000.0, production_growth_frac_per_yr=0.0, production_per_month_max=1e6,
                unit_cost_usd=30_000.0, lifetime_yr=8.0, miles_per_day=150.0, fare_usd_per_mile=1.2, cost_usd_per_mile=0.35,
                approval_capability_index=1.0, approval_steepness=50.0, addressable_miles_per_yr=1e15, addressable_growth_frac_per_yr=0.0,
                data_pb_per_billion_miles=10.0, chips_h100e_per_vehicle=0.0, cash_deploy_months=4.0)
    base.update(kw)
    return ns(**base)


def _built(cash_usd: float) -> float:
    world = StubWorld(EDGES, companies={"cybercab": "tesla", "tesla_fleet": "tesla", "market": "market"})
    world.exchange.cash[:, world.exchange.index["cybercab"]] = cash_usd
    world.exchange.publish("tesla_fleet", "fsd_performance", 5.0)  # approval ~1: demand far above the fleet
    c = Cybercab(world, world.actor("cybercab"), cab(), sellers_shared())
    world.start()
    c.offer()
    return float(np.asarray(c.produced)[0])


def test_cabs_built_are_limited_by_teslas_cash() -> None:
    """10,000 cabs a month of line rate at $30,000: $120M of cash over 4 months pays for 1,000; $10B
    for all 10,000 (the line binds); no cash, no cabs."""
    assert_allclose(_built(120e6), 1_000.0)
    assert_allclose(_built(10e9), 10_000.0)
    assert_allclose(_built(0.0), 0.0)
