"""Signal edges: a value published one month is read the next, whatever the order."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.exchange.clearing import Exchange


def _exchange(K: int = 2, companies: dict[str, str] | None = None, disabled: tuple[str, ...] = ()) -> Exchange:
    g = nx.MultiDiGraph()
    for s, b, c in (("a", "x", "price"), ("a", "y", "price"), ("a", "x", "share"), ("a", "y", "share")):
        g.add_edge(s, b, key=c, commodity=c, unit="-", signal=True, enabled=f"{s}->{b}:{c}" not in disabled, id=f"{s}->{b}:{c}")
    return Exchange(g, companies or {"a": "A", "x": "X", "y": "Y"}, K, 3)


def test_a_value_is_read_the_month_after_it_is_published() -> None:
    """Published in month 0, visible in month 1; what was published before month 0 is month 0's."""
    ex = _exchange()
    ex.publish("a", "price", 1.0)
    ex.begin()
    ex.open(0)
    ex.publish("a", "price", 2.0)
    assert_allclose(ex.read("a", "x", "price"), [1.0, 1.0])
    ex.open(1)
    assert_allclose(ex.read("a", "x", "price"), [2.0, 2.0])
    ex.open(2)  # not republished: the value stands
    assert_allclose(ex.read("a", "x", "price"), [2.0, 2.0])


def test_internal_and_per_reader_values() -> None:
    """A reader in the sender's company sees the internal value; a per-reader value wins."""
    ex = _exchange(companies={"a": "A", "x": "A", "y": "Y"})
    ex.publish("a", "price", 10.0, internal=4.0)
    ex.publish("a", "share", 0.0)
    ex.publish_to("a", "y", "share", 0.25)
    ex.begin()
    ex.open(0)
    assert_allclose(ex.read("a", "x", "price"), 4.0)
    assert_allclose(ex.read("a", "y", "price"), 10.0)
    assert_allclose(ex.read("a", "x", "share"), 0.0)
    assert_allclose(ex.read("a", "y", "share"), 0.25)


def test_a_cut_edge_freezes_the_start_value_and_a_damped_one_scales() -> None:
    """Disabled in the network: the value before the first month; scale 0.5: half; 0: frozen."""
    ex = _exchange(disabled=("a->x:price",))
    ex.publish("a", "price", 3.0)
    ex.begin()
    ex.open(0)
    ex.publish("a", "price", 7.0)
    ex.open(1)
    assert_allclose(ex.read("a", "x", "price"), [3.0, 3.0])
    ex.set_edge_scale("a->y:price", [0.5, 0.0])
    assert_allclose(ex.read("a", "y", "price"), [3.5, 3.0])


def test_reading_a_missing_edge_or_an_unpublished_signal_is_an_error() -> None:
    """A read names the edge it could not find, or the signal nobody published yet."""
    ex = _exchange()
    ex.begin()
    ex.open(0)
    with pytest.raises(KeyError, match=r"no signal edge a->z:price"):
        ex.read("a", "z", "price")
    with pytest.raises(KeyError, match=r"a has published no 'price' yet"):
        ex.read("a", "x", "price")


def test_readers_senders_and_a_continued_run() -> None:
    """The network says who reads what; a run can continue from another's last values."""
    ex = _exchange(K=1)
    assert ex.readers("a", "price") == ["x", "y"] and ex.senders("y", "share") == ["a"]
    ex.publish("a", "price", 5.0)
    state = ex.signal_state()
    other = _exchange(K=3)
    other.restore_signals(state)
    other.begin()
    other.open(0)
    assert_allclose(other.read("a", "x", "price"), [5.0, 5.0, 5.0])


def test_recorded_signal_series() -> None:
    """signal_series gives what a reader could read each month (before damping)."""
    ex = _exchange(K=1)
    ex.publish("a", "price", 1.0)
    ex.begin()
    for month, value in enumerate((2.0, 3.0, 4.0)):
        ex.open(month)
        ex.publish("a", "price", value)
    assert_allclose(ex.signal_series("a", "x", "price")[:, 0], [1.0, 2.0, 3.0])
    assert np.isfinite(ex.signal_series("a", "x", "price")).all()
