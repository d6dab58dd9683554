"""Loop dominance of a run's causal graph: a toy data loop measured as a replay would, loops named, dominance by year."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.analysis.dominance import CausalTrace, Variable, agent_of, name_loop, run_loops


def _toy(months: int = 48, attrition: float = 0.02) -> CausalTrace:
    """A fleet whose size grows with the lab's capability (read a month late) and wears out;
    its data (a goods flow) raises the lab's capability. Partial changes are the knock-outs a
    replay measures, written out by hand."""
    k, d, e = 0.5, 0.1, 0.2
    size, data, cap = np.empty(months), np.empty(months), np.empty(months)
    size[0], data[0], cap[0] = 10.0, 1.0, 1.0
    for t in range(1, months):
        data[t] = d * size[t - 1]
        size[t] = size[t - 1] * (1 - attrition) + k * cap[t - 1]
        cap[t] = cap[t - 1] + e * data[t]

    def lagged_delta(a: np.ndarray) -> np.ndarray:
        out = np.full(months, np.nan)
        out[2:] = a[1:-1] - a[:-2]
        return out

    now = np.full(months, np.nan)
    now[1:] = np.diff(data)
    names = ("tesla_fleet.size", "tesla_fleet->xai:data", "xai.capability")
    variables = {
        "tesla_fleet.size": Variable("tesla_fleet.size", "state", "tesla_fleet", stock=True),
        "tesla_fleet->xai:data": Variable("tesla_fleet->xai:data", "goods", "tesla_fleet"),
        "xai.capability": Variable("xai.capability", "state", "xai", stock=True),
    }
    partial = {
        ("tesla_fleet.size", "tesla_fleet->xai:data"): d * lagged_delta(size),
        ("tesla_fleet->xai:data", "xai.capability"): e * now,
        ("xai.capability", "tesla_fleet.size"): k * lagged_delta(cap),
        ("tesla_fleet.size", "tesla_fleet.size"): -attrition * lagged_delta(size),
    }
    lag = {("tesla_fleet.size", "tesla_fleet->xai:data"): 1, ("xai.capability", "tesla_fleet.size"): 1, ("tesla_fleet.size", "tesla_fleet.size"): 1}
    dates = [f"{2030 + t // 12}-{t % 12 + 1:02d}" for t in range(months)]
    return CausalTrace(dates, variables, dict(zip(names, (size, data, cap), strict=True)), partial, lag)


def test_toy_has_the_data_loop_and_the_fleet_stock_loop() -> None:
    """Two loops: the fleet's attrition (balancing, on its own stock) and the data loop (reinforcing), named for what they are."""
    r = run_loops(_toy(), {"capability": ["xai.capability"], "fleet": ["tesla_fleet.size"]})
    paths = {r.names[lp.id]: lp.path for lp in r.loops}
    assert paths == {
        "tesla_fleet size stock loop": "tesla_fleet.size -> tesla_fleet.size",
        "data loop (tesla_fleet -> xai)": "tesla_fleet.size -> tesla_fleet->xai:data -> xai.capability -> tesla_fleet.size",
    }
    stock, data = (next(lp.id for lp in r.loops if r.names[lp.id] == n) for n in ("tesla_fleet size stock loop", "data loop (tesla_fleet -> xai)"))
    assert np.nanmax(r.scores[stock]) < 0 < np.nanmin(r.scores[data])


def test_toy_relative_scores_and_yearly_dominance() -> None:
    """Capability lies on the data loop alone (100 % each month); the fleet's two loops share 100 %; the data loop dominates every year."""
    r = run_loops(_toy(), {"capability": ["xai.capability"], "fleet": ["tesla_fleet.size"]})
    cap = r.outcomes["capability"]
    (only,) = cap.loops
    assert_allclose(cap.relative[only.id][3:], 1.0)
    fleet = r.outcomes["fleet"]
    total = sum(np.abs(fleet.relative[lp.id]) for lp in fleet.loops)
    assert_allclose(total[3:], 1.0)
    assert list(fleet.by_year["dominant"]) == [only.id] * 4 and (fleet.by_year["polarity"] == 1).all()
    assert (fleet.by_year["share"] > 0.5).all() and fleet.by_year.index.tolist() == [2030, 2031, 2032, 2033]


def test_dominance_shifts_when_attrition_is_fast() -> None:
    """With 60 % attrition a month the fleet first shrinks to what capability sustains (its balancing stock loop dominates 2030), then grows with the data loop."""
    r = run_loops(_toy(attrition=0.6), {"fleet": ["tesla_fleet.size"]})
    fleet = r.outcomes["fleet"]
    assert fleet.by_year["polarity"].tolist() == [-1, 1, 1, 1]
    assert [r.names[i] for i in fleet.by_year["dominant"]] == ["tesla_fleet size stock loop"] + ["data loop (tesla_fleet -> xai)"] * 3


def test_loop_names() -> None:
    """Internal re-order loops, the compute loop and cash loops are named for what they carry."""
    from ecosim.analysis.ltm import Loop

    def var(n: str, kind: str, stock: bool = False) -> Variable:
        return Variable(n, kind, agent_of(n), stock)

    vs = {v.name: v for v in (
        var("starlink.inventory", "state", True), var("spacex_launch->starlink:launch_mass", "goods"),
        var("spacex_launch->orbital_dc:launch_mass", "goods"), var("orbital_dc.mw_total", "state", True),
        var("orbital_dc->xai:compute", "goods"), var("xai.train_flop", "state", True), var("cash:spacex", "cash", True),
        var("spacex_launch.ship_stacks", "state", True))}
    assert name_loop(Loop("L1", ("starlink.inventory", "spacex_launch->starlink:launch_mass"), ()), vs) == "starlink inventory re-order loop"
    compute = ("xai.train_flop", "spacex_launch->orbital_dc:launch_mass", "orbital_dc.mw_total", "orbital_dc->xai:compute")
    assert name_loop(Loop("L2", compute, ()), vs).startswith("compute loop")
    assert name_loop(Loop("L3", ("cash:spacex", "spacex_launch.ship_stacks"), ()), vs) == "spacex cash loop"
