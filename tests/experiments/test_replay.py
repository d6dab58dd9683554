"""The ceteris-paribus replay: member 0 is the run itself, the control member follows it exactly,
holds measure hand-checkable partial changes, a cut edge closes no loop, same seed same trace."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ecosim.analysis.dominance import run_loops
from ecosim.exchange import Exchange
from ecosim.experiments.replay import replay
from ecosim.scenario import load_scenario
from ecosim.simulate import simulate

MONTHS = 24


@pytest.fixture(scope="module")
def baseline_replay():  # type: ignore[no-untyped-def]
    return replay(load_scenario("baseline"), months=MONTHS)


def test_member0_is_the_run_and_the_control_member_follows_it(baseline_replay) -> None:  # type: ignore[no-untyped-def]
    """The replayed run is `ecosim run`'s (same draws), and a member that holds nothing never departs from it."""
    r = baseline_replay
    run = simulate(load_scenario("baseline"), until=MONTHS)
    tr = r.trace
    assert_allclose(tr.values["cash:tesla"], run.series["tesla_cash_usd"][:, 0], rtol=1e-12)
    assert r.control_error == 0.0


def test_partial_changes_are_knockouts_with_the_right_lags(baseline_replay) -> None:  # type: ignore[no-untyped-def]
    """Links from goods act within the month (lag 0), from states, cash and signals a month later (lag 1); the first month has no partial change."""
    tr = baseline_replay.trace
    assert tr.lag[("terrestrial_dc->xai:compute", "xai.train_flop")] == 0
    assert all(tr.lag[p] == (0 if tr.variables[p[0]].kind == "goods" else 1) for p in tr.partial)
    assert all(np.isnan(v[0]) for v in tr.partial.values())
    assert tr.variables["cash:spacex"].stock and tr.variables["xai.train_flop"].stock


def test_training_compute_rises_with_delivered_compute(baseline_replay) -> None:  # type: ignore[no-untyped-def]
    """xAI's training compute accumulates what its data centre delivers: the partial change due to the delivered
    compute has the sign of the compute's own change every month it moves (a positive link)."""
    tr = baseline_replay.trace
    p = tr.partial[("terrestrial_dc->xai:compute", "xai.train_flop")]
    x = tr.values["terrestrial_dc->xai:compute"]
    dx = np.diff(x)
    ok = np.abs(dx) > 1e-9 * np.abs(x[1:])  # a move, not the last bit of a float (5.7e-14 on 372.5 EFLOP/s)
    ratio = p[1:][ok] / dx[ok]
    assert (ratio > 0).all()


def test_replay_is_deterministic() -> None:
    """Same scenario and seed: identical trace."""
    a = replay(load_scenario("baseline"), months=6).trace
    b = replay(load_scenario("baseline"), months=6).trace
    assert a.partial.keys() == b.partial.keys()
    for k in a.partial:
        assert_array_equal(a.partial[k], b.partial[k])


def test_a_cut_edge_removes_its_loops(baseline_replay) -> None:  # type: ignore[no-untyped-def]
    """With Tesla's fleet data cut, the edge is no variable of the trace and no loop passes through it."""
    edge = "tesla_fleet->xai:data"
    whole = baseline_replay.trace  # the module's replay of the uncut baseline, the same months
    cut = replay(load_scenario("baseline", [f'exchange.disable=["{edge}"]']), months=MONTHS).trace
    assert edge in whole.variables
    assert edge not in cut.variables and not any(edge in p for p in cut.partial)
    loops = run_loops(cut, {}, max_length=4).loops
    assert not any(edge in lp for lp in loops)


def test_hooks_hold_a_signal_and_pin_a_goods_edge() -> None:
    """A held signal is what the held member reads; a pinned edge carries the pinned quantity, paid at its unit price."""
    g = nx.MultiDiGraph()
    g.add_edge("a", "b", key="bandwidth", enabled=True)
    g.add_edge("a", "b", key="price", enabled=True, signal=True)
    ex = Exchange(g, {"a": "a", "b": "b"}, members=2, steps=2)
    ex.publish("a", "price", 3.0)
    ex.begin()
    ex.open(0)
    ex.hold_signal(("a", "b", "price"), np.array([False, True]), np.array([0.0, 7.0]))
    assert ex.read("a", "b", "price").tolist() == [3.0, 7.0]
    ex.pin_goods(("a", "b", "bandwidth"), np.array([False, True]), np.array([0.0, 2.0]))
    ex.offer("a", "bandwidth", np.array([4.0, 4.0]), 5.0)
    ex.demand("b", "bandwidth", np.array([9.0, 9.0]))
    ex.clear()
    assert ex.received("b", "bandwidth").tolist() == [4.0, 2.0]
    assert ex.paid("a", "b", "bandwidth").tolist() == [20.0, 10.0]
    ex.release()
    assert ex.read("a", "b", "price").tolist() == [3.0, 3.0]


@pytest.mark.slow
def test_a_binding_cash_limit_is_a_measured_link() -> None:
    """Tesla's cash limits Optimus's builds (and a cut line does not grow): at the scenario's 4
    months of cash the limit never binds over 2026-2030 and the replay measures no link from
    Tesla's cash into Optimus; spreading the cash over 120 months makes it bind from 2030, and the
    links cash:tesla -> optimus.robots and -> optimus.capacity_per_yr appear (the reinvestment
    loop is found, not assumed)."""
    def into_optimus(sets: list[str]) -> set[str]:
        tr = replay(load_scenario("baseline", sets=sets), months=60).trace
        return {z for (x, z), p in tr.partial.items() if x == "cash:tesla" and z.startswith("optimus.") and np.nan_to_num(p).any()}

    assert into_optimus([]) == set()
    assert into_optimus(["optimus.cash_deploy_months=120"]) == {"optimus.robots", "optimus.capacity_per_yr"}
