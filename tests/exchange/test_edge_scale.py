"""Per-member edge throughput: a cut or a partial cut for some members only, other members untouched."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.exchange.clearing import Exchange
from ecosim.exchange.network import Node, build_network


def _exchange(K: int = 2, disabled: tuple[str, ...] = ()) -> Exchange:
    g = nx.MultiDiGraph()
    for n in ("a", "x", "y", "market"):
        g.add_node(n, kind=n, company=n)
    for s, b in (("a", "x"), ("a", "y")):
        e = f"{s}->{b}:launch_mass"
        g.add_edge(s, b, key="launch_mass", commodity="launch_mass", unit="t", signal=False, enabled=e not in disabled, id=e)
    for n in ("a", "x", "y"):
        g.add_edge(n, "market", key="money", commodity="money", unit="USD", signal=False, enabled=True, id=f"{n}->market:money")
    g.add_edge("market", "a", key="money", commodity="money", unit="USD", signal=False, enabled=True, id="market->a:money")
    ex = Exchange(g, {"a": "a", "x": "x", "y": "y", "market": "market"}, K, steps=1)
    ex.open(0)
    return ex


def _trade(ex: Exchange) -> None:
    ex.offer("a", "launch_mass", np.full(ex.K, 10.0), 100.0)
    ex.demand("x", "launch_mass", np.full(ex.K, 8.0), kind="capex")
    ex.demand("y", "launch_mass", np.full(ex.K, 8.0), kind="opex")
    ex.clear()


def test_member_cut_clears_like_a_disabled_edge() -> None:
    """Member 1 with a->x at 0 clears exactly as a network where a->x is disabled; member 0 is unchanged."""
    ex = _exchange()
    ex.set_edge_scale("a->x:launch_mass", [1.0, 0.0])
    _trade(ex)
    ref_cut, ref_on = _exchange(K=1, disabled=("a->x:launch_mass",)), _exchange(K=1)
    _trade(ref_cut)
    _trade(ref_on)
    assert_allclose(ex.received("x", "launch_mass"), [ref_on.received("x", "launch_mass")[0], 0.0])
    assert_allclose(ex.received("y", "launch_mass"), [ref_on.received("y", "launch_mass")[0], ref_cut.received("y", "launch_mass")[0]])
    assert_allclose(ex.received("y", "launch_mass")[1], 8.0)  # the seller's offer went to the other buyer


def test_partial_scale_delivers_and_bills_that_share() -> None:
    """At 0.25, x receives and pays a quarter of what it would have cleared (5 t of 20 t offered pro rata)."""
    ex = _exchange()
    ex.set_edge_scale("a->x:launch_mass", 0.25)
    _trade(ex)
    assert_allclose(ex.received("x", "launch_mass"), 5.0 * 0.25)
    assert_allclose(ex.spent("x", "launch_mass"), 5.0 * 0.25 * 100.0)
    assert_allclose(ex.received("y", "launch_mass"), 5.0)


def test_capex_is_tracked_apart_from_opex() -> None:
    """month_capex holds the capex part of a company's external payments: goods booked capex and capex money."""
    ex = _exchange(K=1)
    _trade(ex)
    ex.pay("y", "market", 7.0, "capex")
    ex.pay("y", "market", 3.0, "opex")
    i, j = ex.index["x"], ex.index["y"]
    assert_allclose(ex.month_capex[0, i], 5.0 * 100.0)
    assert_allclose(ex.month_capex[0, j], 7.0)
    assert_allclose(ex.month_out[0, j], 5.0 * 100.0 + 10.0)


def test_money_and_signal_edges_take_member_factors() -> None:
    """A money edge pays f x the amount; a signal edge passes f (0 where disabled in the network)."""
    agents = {"market": Node("market", "market"), "starlink": Node("starlink", "spacex"), "xai": Node("xai", "xai"), "tesla_fleet": Node("tesla_fleet", "tesla")}
    g = build_network(agents)
    ex = Exchange(g, {n: node.company for n, node in agents.items()}, 3, 1)
    ex.open(0)
    ex.set_edge_scale("market->starlink:money", [1.0, 0.5, 0.0])
    assert_allclose(ex.pay("market", "starlink", 10.0, "revenue"), [10.0, 5.0, 0.0])
    assert_allclose(ex.signal_factor("xai", "tesla_fleet", "capability"), [1.0, 1.0, 1.0])
    ex.set_edge_scale("xai->tesla_fleet:capability", [1.0, 0.9, 0.0])
    assert_allclose(ex.signal_factor("xai", "tesla_fleet", "capability"), [1.0, 0.9, 0.0])


def test_bad_edge_scales_are_refused() -> None:
    """An unknown edge or a factor outside [0, 1] is a ValueError naming the edge."""
    ex = _exchange()
    with pytest.raises(ValueError, match=r"edge scale: 'a->nobody:launch_mass' must name an edge of the network"):
        ex.set_edge_scale("a->nobody:launch_mass", 1.0)
    with pytest.raises(ValueError, match=r"edge scale of a->x:launch_mass: every factor must be in \[0, 1\] \(got 1\.5\)"):
        ex.set_edge_scale("a->x:launch_mass", [1.0, 1.5])


def test_edge_series_reads_the_recorded_flows() -> None:
    """edge_series returns the recorded quantity and USD of one edge, months x members."""
    ex = _exchange()
    _trade(ex)
    assert_allclose(ex.edge_series("a", "x", "launch_mass"), [[5.0, 5.0]])
    assert_allclose(ex.edge_series("a", "x", "launch_mass", usd=True), [[500.0, 500.0]])
