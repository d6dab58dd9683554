"""Clouds and neoclouds alone: the lease price clears (cost recovery when slack, the margin at the
target utilisation, rising steeply when labs want more than there is), leases renew at the end
of their term while the lab still wants them and lapse when it does not, requests beyond free
capacity are shared pro rata, and lessors build toward what is wanted with a lead time."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.cloud import Cloud
from ecosim.timeline import parse_month
from tests.agents.stub import StubWorld, ns, paid_usd

LABS = ("a", "b")
SIGNALS_OUT = ("lease_usd_per_w_month", "leased_eflops", "lease_payment_usd_per_month", "lease_committed_mw", "lease_committed_eflops")
# the hardware's reference month is the stub's month: chips cost what the scenario says, 1 MW of
# them is 1e6 / 1000 W x 1e15 FLOP/s = 1 EFLOP/s
HW = ns(usd_per_w_change_frac_per_yr=0.0, efficiency_gain_frac_per_yr=0.0, reference_month=parse_month("2030-01"), w_per_h100e=1000.0, flops_per_h100e=1e15)


def params(**kw: Any) -> Any:
    """1,000 MW to lease; cost recovery $12 per W a year ($1 a month), a 50 % margin at 80 %
    utilisation, elasticity 2, the price set at once; 5-year leases in service 3 months after
    signing; capacity ordered over 6 months, arriving 12 months later, at most doubling a year,
    toward 1e6 MW."""
    base = dict(capacity_mw_initial=1000.0, leases_mw_initial={"a": 600.0}, cost_usd_per_w_yr=12.0, margin_at_target_frac=0.5,
                target_utilisation_frac=0.8, scarcity_elasticity=2.0, price_utilisation_max_frac=4.0, price_adjust_months=1.0, lease_term_yr=5.0, lease_lead_months=3,
                build_lead_months=12, build_adjust_months=6.0, capacity_growth_frac_per_yr_max=1.0, capacity_mw_max=1e6)
    return ns(**{**base, **kw})


def _cloud(**kw: Any) -> tuple[StubWorld, Cloud]:
    edges = [(lab, "cloud", "lease_wanted_mw") for lab in LABS] + [("cloud", lab, s) for lab in LABS for s in SIGNALS_OUT] + [("cloud", lab, "leased_compute") for lab in LABS]
    edges += [(lab, "cloud", "money") for lab in LABS]  # the lessor bills its contracts
    world = StubWorld(edges)
    cloud = Cloud(world, world.actor("cloud"), params(**kw), ns(ai_hardware=HW))
    world.start()
    return world, cloud


def _want(world: StubWorld, **mw: float) -> None:
    """The labs' wanted stock this month (0 for a lab not named), read by the lessors next month."""
    for lab in LABS:
        world.exchange.publish(lab, "lease_wanted_mw", mw.get(lab, 0.0))
    world.next_month()


def _month(world: StubWorld, cloud: Cloud) -> None:
    cloud.offer()
    world.exchange.clear()
    cloud.settle()


def test_a_lab_starts_with_its_leases_and_pays_for_them() -> None:
    """Lab a's 600 MW at start, signed evenly over five years at $1 per W a month: $600M a month,
    600 EFLOP/s, offered to it as compute."""
    world, cloud = _cloud()
    ex = world.exchange
    assert_allclose(ex.read("cloud", "a", "leased_eflops"), 600.0)
    assert_allclose(ex.read("cloud", "a", "lease_payment_usd_per_month"), 600e6)
    assert_allclose(ex.read("cloud", "b", "leased_eflops"), 0.0)
    cloud.offer()
    assert_allclose(ex.offered("cloud", "leased_compute"), 600.0)


def test_it_bills_the_book_it_published_on_the_labs_money_edges() -> None:
    """The month after start the lessor bills lab a the $600M a month of its book (what it told a
    it would pay), as a's operating cost, on a's money edge to it; b, with no lease yet, pays
    nothing. The next month it bills what it published for that month (a fifth of a's leases
    renewed at the month's price), and still nothing to b, whose lease arrives in 3 months."""
    world, cloud = _cloud()
    _want(world, a=600.0, b=100.0)
    _month(world, cloud)
    assert_allclose(paid_usd(world, "a", "opex"), 600e6)
    assert_allclose(paid_usd(world, "b", "opex"), 0.0)
    told = float(world.exchange._sig_now[("cloud", "lease_payment_usd_per_month", "a")][0])
    assert told != 600e6
    _want(world, a=600.0, b=100.0)
    _month(world, cloud)
    assert_allclose(paid_usd(world, "a", "opex"), told)
    assert_allclose(paid_usd(world, "b", "opex"), 0.0)


def test_the_price_rises_when_labs_want_more_than_there_is() -> None:
    """Slack (nothing wanted): cost recovery, $1 a month. At the target (800 of 1,000 MW): 1.5.
    Wanting 1,600 MW of 1,000 (twice the target utilisation): 1 + 0.5 x 2^2 = $3 a month."""
    for wanted, price in ((0.0, 1.0), (800.0, 1.5), (1600.0, 3.0)):
        world, cloud = _cloud(leases_mw_initial={})
        _want(world, a=wanted)
        _month(world, cloud)
        assert_allclose(cloud.s.price_usd_per_w_month, price)
        assert_allclose(world.exchange._sig_now[("cloud", "lease_usd_per_w_month")], price)


def test_requests_beyond_free_capacity_are_shared_pro_rata() -> None:
    """400 MW free (600 of 1,000 leased to a): a asks for 300 more, b for 500: each gets
    400 / 800 = half, 150 and 250 MW, in service 3 months after signing."""
    world, cloud = _cloud()
    _want(world, a=900.0, b=500.0)
    _month(world, cloud)
    assert_allclose(cloud.granted_mw, [[150.0, 250.0]])
    assert_allclose(cloud.committed_mw, [[750.0, 250.0]])
    assert_allclose(cloud.leased_mw, [[600.0, 0.0]])
    for _ in range(2):
        _want(world, a=750.0, b=250.0)
        _month(world, cloud)
    assert_allclose(cloud.leased_mw, [[750.0, 250.0]])


def test_a_lease_renews_at_term_end_while_the_lab_wants_it() -> None:
    """a's leases were signed evenly over 60 months, 10 MW a month. Next month the oldest 10 MW
    end; a still wants 600 MW, so they renew at this month's price (600 of 1,000 MW wanted, 0.75
    of the target utilisation: 1 + 0.5 x 0.75^2 = $1.28): nothing lapses, and the payment moves by the
    difference. Wanting only 595 MW, 5 MW of the 10 renew and 5 lapse."""
    world, cloud = _cloud()
    _want(world, a=600.0)
    _month(world, cloud)
    price = 1.0 + 0.5 * 0.75**2
    assert_allclose(cloud.renewed_mw, [[10.0, 0.0]])
    assert_allclose(cloud.expired_mw, [[0.0, 0.0]])
    assert_allclose(cloud.leased_mw, [[600.0, 0.0]])
    assert_allclose(world.exchange._sig_now[("cloud", "lease_payment_usd_per_month", "a")], 590e6 + 10e6 * price)
    _want(world, a=595.0)
    _month(world, cloud)
    assert_allclose(cloud.renewed_mw, [[5.0, 0.0]])
    assert_allclose(cloud.expired_mw, [[5.0, 0.0]])
    assert_allclose(cloud.leased_mw, [[595.0, 0.0]])


def test_lessors_build_toward_what_is_wanted_with_a_lead_time() -> None:
    """Labs want 1,200 MW against 1,000 built: at 80 % utilisation lessors aim for 1,500, and order
    the 500 MW gap over 6 months (83.3 MW), within doubling a year, slowed by the 0.1 % of the
    1e6 MW ceiling already built (1,000 x (2^(1/12) - 1) x 0.999 = 59.4 MW a month): 59.4 MW,
    arriving 12 months later."""
    world, cloud = _cloud()
    _want(world, a=1200.0)
    _month(world, cloud)
    step = 1000.0 * (2.0 ** (1 / 12) - 1.0) * 0.999
    assert_allclose(cloud.s.capacity_pipe_mw.sum(axis=1), step)
    for _ in range(12):
        _want(world, a=1200.0)
        _month(world, cloud)
    assert cloud.s.capacity_mw[0] > 1000.0 + step - 1e-6
    assert np.all(cloud.s.capacity_mw <= 1500.0)
