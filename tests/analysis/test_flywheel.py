"""Flywheel: loops found in the reduced network, gains from pushes, ablations; `ecosim flywheel` on baseline and musk_narrative."""

from __future__ import annotations

import json
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ecosim.analysis.flywheel import (
    ablation_table,
    cash_node,
    dominance,
    earners,
    find_loops,
    loop_gain,
    mode_by_year,
    reduce_network,
)
from ecosim.cli import main

pytestmark = pytest.mark.slow  # whole module: every test needs a long run or worker processes


def _toy() -> tuple[nx.MultiDiGraph, dict[str, str]]:
    """a (company A) sends data to b (company B), b sends capability back; a sells to market; c is A's, fed by a."""
    g = nx.MultiDiGraph()
    for n, k in (("a", "fleet"), ("b", "lab"), ("c", "dc"), ("market", "market"), ("capital_market", "capital_market")):
        g.add_node(n, kind=k)
    def edge(s: str, b: str, k: str, signal: bool = False, enabled: bool = True) -> None:
        g.add_edge(s, b, key=k, commodity=k, unit="", signal=signal, enabled=enabled, id=f"{s}->{b}:{k}")
    edge("a", "b", "data")
    edge("b", "a", "capability", signal=True)
    edge("c", "b", "compute")
    edge("market", "a", "money")
    edge("capital_market", "b", "money")
    edge("a", "market", "money")
    edge("b", "market", "money")
    return g, {"a": "A", "b": "B", "c": "B"}


def test_reduction_drops_hubs_and_adds_cash_pools() -> None:
    """Market and capital market leave; each company gets a cash pool fed by its earners and paying its agents."""
    g, companies = _toy()
    R = reduce_network(g, companies)
    assert set(R.nodes) == {"a", "b", "c", cash_node("A"), cash_node("B")}
    assert earners(g, companies) == {"a"}  # b is paid only by investors; c sells to its own company
    assert R.has_edge("a", cash_node("A"), key="revenue") and not R.has_edge("b", cash_node("B"), key="revenue")
    assert R.has_edge(cash_node("B"), "c", key="funds") and R.has_edge("b", "a", key="capability")


def test_loops_are_the_shortest_through_each_edge() -> None:
    """The toy has one loop a -> b -> a (data, capability); c -> b leads nowhere back, so it closes none."""
    g, companies = _toy()
    loops, n_cycles = find_loops(reduce_network(g, companies))
    assert n_cycles == 1 and len(loops) == 1
    lp = loops[0]
    assert lp.name.startswith("data loop") and set(lp.nodes) == {"a", "b"}
    assert lp.probe in ("a->b:data", "b->a:capability") and lp.cycles_through_probe == 1


def test_a_cut_edge_closes_no_loop() -> None:
    """With b -> a cut in the scenario, the data loop is gone."""
    g, companies = _toy()
    g.edges["b", "a", "capability"]["enabled"] = False
    assert find_loops(reduce_network(g, companies))[0] == []


def test_loop_gain_by_hand() -> None:
    """Withholding 10 %: a flow back at 90 % is open (0); at 81 % the push came back once more (+1); at 100 % it was made up (-1)."""
    base = np.full(3, 50.0)
    assert_allclose(loop_gain(base, np.array([45.0, 45.0, 40.5]), 0.10), [0.0, 0.0, 1.0], atol=1e-12)
    assert_allclose(loop_gain(base, np.array([45.0, 50.0, 50.0]), 0.10), [0.0, -1.0, -1.0], atol=1e-12)
    assert math.isnan(loop_gain(np.array([0.0]), np.array([0.0]), 0.1)[0])


def test_dominance_binding_and_ablation_tables() -> None:
    """Dominance ignores open loops; binding is the most frequent code of a year; ablations report changes."""
    d = dominance(pd.DataFrame({"L1": [0.0005, 0.2], "L2": [-0.5, 0.1]}, index=[2030, 2031]), open_below=0.001)
    assert d.loc[2030].tolist() == ["", "L2"] and d.loc[2031].tolist() == ["L1", ""]
    names = ("none", "demand", "launch", "pv", "chips")
    assert mode_by_year(["2030-01", "2030-02", "2030-03"], np.array([4, 4, 2]), names).tolist() == ["chips"]
    t = ablation_table({"v": 4.0, "w": 0.0}, {"e": {"v": 1.0, "w": 2.0}}, {"e": False})
    assert t.loc[0, "v_change"] == -0.75 and math.isnan(t.loc[0, "w_change"]) and t.loc[0, "w_delta"] == 2.0


@pytest.fixture(scope="module", params=["baseline", "musk_narrative"])
def flywheel_json(request: pytest.FixtureRequest) -> tuple[str, dict]:  # type: ignore[type-arg]
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["flywheel", request.param, "--json"])
    assert code == 0
    return request.param, json.loads(buf.getvalue())


def test_flywheel_lists_data_and_compute_loops_with_gains(flywheel_json: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    """Both scenarios show a data loop and the compute loop, each with a gain for every year it can be read."""
    name, data = flywheel_json
    loops = {lp["name"].split(" (")[0]: lp for lp in data["loops"]}
    assert "data loop" in loops and "compute loop" in loops, name
    compute = next(lp for lp in data["loops"] if lp["name"].startswith("compute loop"))
    assert compute["probe_edge"].startswith("spacex_launch->") and compute["probe_edge"].endswith(":launch_mass")
    assert "orbital_dc" in compute["nodes"] and "spacex_launch" in compute["nodes"]
    fleet = next(lp for lp in data["loops"] if lp["name"].startswith("data loop (tesla_fleet"))
    gains = [g for g in fleet["gain_by_year"].values() if g is not None]
    assert gains and all(np.isfinite(gains))
    assert any(g is not None for g in compute["gain_by_year"].values())
    assert set(data["dominant_by_year"]) and set(data["binding_by_year"][0]) >= {"year", "orbital_dc", "ground_compute"}


def test_cutting_links_moves_the_outcomes(flywheel_json: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    """Cutting the launch link zeroes orbital compute; cutting Tesla's vehicle data lowers xAI's
    capability where data binds (musk_narrative; in baseline the change is within the noise of
    launch failures, |change| < 0.5 %)."""
    name, data = flywheel_json
    rows = {r["edge"]: r for r in data["ablation"]}
    launch = rows["spacex_launch->orbital_dc:launch_mass"]
    assert launch["odc_compute_peak"] == 0.0 and launch["odc_compute_peak_change"] == -1.0, name
    assert data["base_outcomes"]["odc_compute_peak"] > 0
    change = rows["tesla_fleet->xai:data"]["xai_capability_change"]
    assert (change < 0) if name == "musk_narrative" else (abs(change) < 0.005), name
    assert rows["tesla_fleet->xai:data"]["inter_company"] is True and rows["spacex_launch->orbital_dc:launch_mass"]["inter_company"] is False


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["flywheel", "baseline", "--push", "80"], r"error: --push must be between 0 and 50 % \(got 80 %\)"),
        (["flywheel", "baseline", "--horizon", "0"], r"error: --horizon must be between 1 and 179 months for baseline \(got 0\)"),
        (["flywheel", "no_such_scenario"], r"error: no_such_scenario: no such scenario file"),
        (["flywheel", "baseline", "--set", 'exchange.disable=["a->b:c"]'], r"exchange\.disable\[0\] must name an edge"),
    ],
)
def test_flywheel_bad_input_exits_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad options and scenarios: exit 2 with one line, before any simulation."""
    import re

    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and re.search(message, err) and len(err.strip().splitlines()) == 1, err
