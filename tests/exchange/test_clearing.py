"""Clearing conserves quantities, honours tiers, caps and cut edges; the ledger balances."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.exchange.clearing import Exchange
from ecosim.exchange.network import Node, build_network


def _exchange(edges: list[tuple[str, str]], disabled: tuple[str, ...] = (), K: int = 1) -> Exchange:
    g = nx.MultiDiGraph()
    names = sorted({n for e in edges for n in e} | {"market"})
    for n in names:
        g.add_node(n, kind=n, company=n)
    for s, b in edges:
        g.add_edge(s, b, key="launch_mass", commodity="launch_mass", unit="t", signal=False, enabled=f"{s}->{b}:launch_mass" not in disabled, id=f"{s}->{b}:launch_mass")
    for n in names:
        if n != "market":
            g.add_edge(n, "market", key="money", commodity="money", unit="USD", signal=False, enabled=True, id=f"{n}->market:money")
    ex = Exchange(g, {n: n for n in names}, K, steps=2)
    ex.open(0)
    return ex


def test_proportional_rationing_conserves() -> None:
    """Two sellers (10, 30 t) and two buyers (30, 30 t): 40 t given, none over offer or demand."""
    ex = _exchange([("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")])
    ex.offer("a", "launch_mass", np.array([10.0]), 100.0)
    ex.offer("b", "launch_mass", np.array([30.0]), 200.0)
    ex.demand("x", "launch_mass", np.array([30.0]))
    ex.demand("y", "launch_mass", np.array([30.0]))
    ex.clear()
    assert_allclose(ex.sold("a", "launch_mass") + ex.sold("b", "launch_mass"), 40.0)
    assert_allclose(ex.received("x", "launch_mass") + ex.received("y", "launch_mass"), 40.0)
    assert ex.sold("a", "launch_mass")[0] <= 10.0 + 1e-12 and ex.sold("b", "launch_mass")[0] <= 30.0 + 1e-12
    assert_allclose(ex.received("x", "launch_mass"), 20.0)
    # buyers pay sellers: cash moves exactly
    assert_allclose(ex.cash.sum(), 0.0, atol=1e-9)
    assert_allclose(ex.earned("b", "launch_mass"), ex.sold("b", "launch_mass") * 200.0)


def test_tier_zero_is_served_first() -> None:
    """A tier-0 buyer gets all it asks before a tier-1 buyer gets the rest."""
    ex = _exchange([("a", "own"), ("a", "other")])
    ex.offer("a", "launch_mass", np.array([10.0]), 1.0)
    ex.demand("other", "launch_mass", np.array([10.0]), tier=1)
    ex.demand("own", "launch_mass", np.array([8.0]), tier=0)
    ex.clear()
    assert_allclose(ex.received("own", "launch_mass"), 8.0)
    assert_allclose(ex.received("other", "launch_mass"), 2.0)


def test_tier_cap_limits_what_a_tier_can_take() -> None:
    """An export cap on tier 0 (2 t) leaves the rest to tier 1 even if tier 0 wants more."""
    ex = _exchange([("a", "us"), ("a", "world")])
    ex.offer("a", "launch_mass", np.array([10.0]), 1.0, tier_caps={0: np.array([2.0])})
    ex.demand("us", "launch_mass", np.array([9.0]), tier=0)
    ex.demand("world", "launch_mass", np.array([100.0]), tier=1)
    ex.clear()
    assert_allclose(ex.received("us", "launch_mass"), 2.0)
    assert_allclose(ex.received("world", "launch_mass"), 8.0)


def test_a_cut_edge_carries_nothing() -> None:
    """With a->x cut, x gets nothing from a even when a has supply and x demand."""
    ex = _exchange([("a", "x"), ("b", "x")], disabled=("a->x:launch_mass",))
    ex.offer("a", "launch_mass", np.array([10.0]), 1.0)
    ex.offer("b", "launch_mass", np.array([1.0]), 1.0)
    ex.demand("x", "launch_mass", np.array([5.0]))
    ex.clear()
    assert_allclose(ex.flow("a", "x", "launch_mass"), 0.0)
    assert_allclose(ex.received("x", "launch_mass"), 1.0)


def test_members_clear_independently() -> None:
    """Each ensemble member clears on its own numbers."""
    ex = _exchange([("a", "x")], K=3)
    ex.offer("a", "launch_mass", np.array([1.0, 5.0, 10.0]), 1.0)
    ex.demand("x", "launch_mass", np.array([4.0, 4.0, 4.0]))
    ex.clear()
    assert_allclose(ex.received("x", "launch_mass"), [1.0, 4.0, 4.0])


def test_payment_on_a_cut_money_edge_pays_nothing() -> None:
    """Money edges can be cut too: no cash moves."""
    g = build_network({"market": Node("market", "market"), "starlink": Node("starlink", "spacex")}, ["market->starlink:money"])
    ex = Exchange(g, {"market": "market", "starlink": "spacex"}, 1, 1)
    ex.open(0)
    paid = ex.pay("market", "starlink", 5.0, "revenue")
    assert_allclose(paid, 0.0) and assert_allclose(ex.cash, 0.0)


def test_unknown_disable_entry_is_refused() -> None:
    """exchange.disable must name an existing edge, in the documented form."""
    agents = {"market": Node("market", "market"), "starlink": Node("starlink", "spacex")}
    with pytest.raises(ValueError, match=r"exchange\.disable\[0\] must name an edge of the network \(got 'starlink->nobody:data'"):
        build_network(agents, ["starlink->nobody:data"])
    with pytest.raises(ValueError, match=r"exchange\.disable\[0\] must look like 'seller->buyer:commodity' \(got 'starlink'\)"):
        build_network(agents, ["starlink"])


def test_addressed_demand_stays_with_its_seller_and_clears_first() -> None:
    """x asks seller a for 8 t by name (a has 10) and 10 t of anyone; y asks 10 t of anyone.
    a gives x its 8 t first, then the remaining 2 t of a and the 30 t of b are shared pro rata
    to the remaining offers: x and y each ask 10 t of the 32 t left, 10 x 2/32 from a."""
    ex = _exchange([("a", "x"), ("b", "x"), ("a", "y"), ("b", "y")])
    ex.offer("a", "launch_mass", np.array([10.0]), 1.0)
    ex.offer("b", "launch_mass", np.array([30.0]), 1.0)
    ex.demand("x", "launch_mass", np.array([8.0]), seller="a")
    ex.demand("x", "launch_mass", np.array([10.0]))
    ex.demand("y", "launch_mass", np.array([10.0]))
    ex.clear()
    assert_allclose(ex.flow("a", "x", "launch_mass"), 8.0 + 10.0 * 2.0 / 32.0)
    assert_allclose(ex.received("x", "launch_mass"), 18.0)
    assert_allclose(ex.received("y", "launch_mass"), 10.0)
    assert_allclose(ex.asked_of("a", "launch_mass"), 8.0)


def test_addressed_demand_is_rationed_and_never_spills() -> None:
    """Two buyers address 6 t and 2 t to a seller with 4 t: each gets half; the other seller,
    with plenty, gives nothing to demand that was not addressed to it."""
    ex = _exchange([("a", "x"), ("b", "x"), ("a", "y")])
    ex.offer("a", "launch_mass", np.array([4.0]), 1.0)
    ex.offer("b", "launch_mass", np.array([50.0]), 1.0)
    ex.demand("x", "launch_mass", np.array([6.0]), seller="a")
    ex.demand("y", "launch_mass", np.array([2.0]), seller="a")
    ex.clear()
    assert_allclose(ex.flow("a", "x", "launch_mass"), 3.0)
    assert_allclose(ex.flow("a", "y", "launch_mass"), 1.0)
    assert_allclose(ex.sold("b", "launch_mass"), 0.0)

