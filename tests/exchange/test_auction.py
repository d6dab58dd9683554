"""Sensor data is auctioned: each seller's data goes whole to its contract holder, else to the
highest bidder at the runner-up's bid (at least the seller's price); money moves buyer -> seller
on the ledger; a cut edge takes a buyer out of the auction. Numbers by hand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.exchange.clearing import Exchange

LABS = ("xai", "openai", "google")


def _exchange(sellers: tuple[str, ...] = ("fleet",), disabled: tuple[str, ...] = (), K: int = 1) -> Exchange:
    """Sellers of data to the three labs; the sellers' and labs' companies their own names."""
    g = nx.MultiDiGraph()
    for s in sellers:
        for b in LABS:
            eid = f"{s}->{b}:data"
            g.add_edge(s, b, key="data", commodity="data", unit="PB", signal=False, enabled=eid not in disabled, id=eid)
    names = list(g.nodes)
    ex = Exchange(g, {n: n for n in names}, K, steps=2)
    ex.open(0)
    return ex


def _bid(ex: Exchange, bids: dict[str, float]) -> None:
    for lab, usd in bids.items():
        ex.demand(lab, "data", np.full(ex.K, 1e15), tier=0, bid=usd)


def _auction(offer_pb: float, price: float, bids: dict[str, float], contract: str | None = None, disabled: tuple[str, ...] = ()) -> Exchange:
    """One month of the fleet's data offered at ``price`` to the labs' ``bids``, cleared."""
    ex = _exchange(disabled=disabled)
    ex.offer("fleet", "data", np.array([offer_pb]), price, contract=contract)
    _bid(ex, bids)
    ex.clear()
    return ex


def test_highest_bidder_buys_at_the_runner_up_bid() -> None:
    """100 PB; OpenAI bids $3M/PB, Google $2M, xAI $1M: OpenAI gets all 100 PB and pays Google's
    $2M a PB = $200M, which the seller earns; nobody else gets any."""
    ex = _auction(100.0, 0.0, {"xai": 1e6, "openai": 3e6, "google": 2e6})
    assert_allclose([ex.received(b, "data")[0] for b in LABS], [0.0, 100.0, 0.0])
    assert_allclose(ex.spent("openai", "data"), 200e6)
    assert_allclose(ex.earned("fleet", "data"), 200e6)
    assert_allclose(ex.cash[0, ex.index["fleet"]], 200e6)
    assert_allclose(ex.cash[0, ex.index["openai"]], -200e6)
    ex.open(1)  # next month the bidders see the lot that cleared
    assert_allclose(ex.last_cleared("data"), 100.0)


def test_the_contract_keeps_the_data_with_its_holder() -> None:
    """xAI holds the contract at $0.5M/PB: it gets all 100 PB and pays $50M, though OpenAI bids
    $3M a PB."""
    ex = _auction(100.0, 0.5e6, {"xai": 1e6, "openai": 3e6, "google": 2e6}, contract="xai")
    assert_allclose([ex.received(b, "data")[0] for b in LABS], [100.0, 0.0, 0.0])
    assert_allclose(ex.paid("fleet", "xai", "data"), 50e6)
    assert_allclose(ex.cash[0, ex.index["fleet"]], 50e6)
    assert_allclose(ex.cash[0, ex.index["xai"]], -50e6)


def test_a_cut_contract_edge_sends_the_data_to_the_highest_other_bidder() -> None:
    """The contract holder's edge cut (in the network, or for member 1 by a scale 0): OpenAI
    bids most ($3M) and pays Google's $2M a PB; member 0, uncut, stays with xAI."""
    ex = _auction(100.0, 0.0, {"xai": 1e6, "openai": 3e6, "google": 2e6}, contract="xai", disabled=("fleet->xai:data",))
    assert_allclose([ex.received(b, "data")[0] for b in LABS], [0.0, 100.0, 0.0])
    assert_allclose(ex.spent("openai", "data"), 200e6)

    ex = _exchange(K=2)
    ex.set_edge_scale("fleet->xai:data", np.array([1.0, 0.0]))
    ex.offer("fleet", "data", np.array([100.0, 100.0]), 0.0, contract="xai")
    _bid(ex, {"xai": 1e6, "openai": 3e6, "google": 2e6})
    ex.clear()
    assert_allclose(ex.received("xai", "data"), [100.0, 0.0])
    assert_allclose(ex.received("openai", "data"), [0.0, 100.0])
    assert_allclose(ex.spent("openai", "data"), [0.0, 200e6])


def test_seller_price_is_a_floor_and_equal_bids_share() -> None:
    """A floor of $2.5M/PB: OpenAI ($3M) pays the floor, not Google's $2M. Equal top bids ($3M
    each) share 90 PB evenly and pay $3M a PB. Bids of 0, or below the floor, buy nothing."""
    ex = _auction(100.0, 2.5e6, {"xai": 0.0, "openai": 3e6, "google": 2e6})
    assert_allclose(ex.spent("openai", "data"), 250e6)

    ex = _auction(90.0, 0.0, {"xai": 1e6, "openai": 3e6, "google": 3e6})
    assert_allclose([ex.received(b, "data")[0] for b in LABS], [0.0, 45.0, 45.0])
    assert_allclose(ex.earned("fleet", "data"), 270e6)

    ex = _auction(100.0, 5e6, {"xai": 0.0, "openai": 3e6, "google": 2e6})
    assert_allclose(ex.sold("fleet", "data"), 0.0)


def test_two_sellers_each_clear_to_their_own_winner() -> None:
    """The fleet has a contract with xAI (free), Starlink none: the fleet's 100 PB go to xAI for
    nothing, Starlink's 10 PB to OpenAI at Google's bid ($2M: $20M)."""
    ex = _exchange(sellers=("fleet", "starlink"))
    ex.offer("fleet", "data", np.array([100.0]), 0.0, contract="xai")
    ex.offer("starlink", "data", np.array([10.0]), 0.0)
    _bid(ex, {"xai": 1e6, "openai": 3e6, "google": 2e6})
    ex.clear()
    assert_allclose(ex.flow("fleet", "xai", "data"), 100.0)
    assert_allclose(ex.flow("starlink", "openai", "data"), 10.0)
    assert_allclose(ex.earned("starlink", "data"), 20e6)
    assert_allclose(ex.earned("fleet", "data"), 0.0)


def test_contracts_and_bids_only_on_auctioned_goods() -> None:
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="launch_mass", commodity="launch_mass", unit="t", signal=False, enabled=True, id="a->b:launch_mass")
    ex = Exchange(g, {"a": "a", "b": "b"}, 1, steps=1)
    ex.open(0)
    with pytest.raises(ValueError, match="not auctioned"):
        ex.offer("a", "launch_mass", np.array([1.0]), 1.0, contract="b")
    with pytest.raises(ValueError, match="not auctioned"):
        ex.demand("b", "launch_mass", np.array([1.0]), bid=1.0)
