"""Every signal edge is a real coupling: cutting it (or damping a constant one) changes what
its reader does."""

from __future__ import annotations

import numpy as np
import pytest

from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario

#: read once, when the run starts (a per-member cut set after the model is built cannot reach
#: it; ``[exchange] disable`` does: test_lab_starts_from_its_builders_compute)
AT_START = ("compute_capacity_eflops",)


def _fingerprint(model: EcosimModel) -> list[np.ndarray]:
    """Every per-member number the agents hold or published this month, one row per array."""
    K = model.members
    rows = []
    for agent in model.by_name.values():
        for obj in (vars(agent), vars(agent.s)):
            for v in obj.values():
                if isinstance(v, np.ndarray) and v.ndim >= 1 and v.shape[0] == K and v.dtype.kind in "fi":
                    rows.append(np.nan_to_num(np.abs(v.reshape(K, -1).astype(float)).sum(axis=1), nan=-1.0, posinf=1e300))
    rows += [v for v in model.exchange._sig_now.values()]
    return rows


#: the bundled scenarios, and one where orbit is cheap for every builder (Google buys launches
#: at $100/kg elsewhere), Google's lab plans its own spending and Kuiper outgrows its launch
#: contracts while New Glenn gets cheap (so that the couplings those decisions read are live); its
#: builders count under the ``ecosim`` convention, where the ground's own capacity factor counts
#: (under the levelised default both sides run at the orbit's sunlight fraction, so the
#: ``site_capacity_factor`` edges carry a figure no decision reads)
CASES = {
    "baseline": [],
    "musk_narrative": [],
    "cheap orbit": [
        "orbital_dc.satellite_hardware_usd_per_w=2", "google_planet.satellite_hardware_usd_per_w=2",
        "starcloud.satellite_hardware_usd_per_w=2", "google_dc.capex_budget_usd_per_yr=0", "google_dc.capex_budget_usd_per_yr_max=0",
        "google_planet.launch_cost_usd_per_kg=100", "kuiper.target_satellites=7774", "kuiper.authorized_satellites=7774",
        "kuiper.production_per_month_max=400", "new_glenn.cost_progress_ratio=0.7",
        "orbital_dc.cost_convention=ecosim", "google_planet.cost_convention=ecosim", "starcloud.cost_convention=ecosim",
    ],
}


def _edges(loaded: object) -> tuple[list[str], set[str]]:
    """Enabled signal edges that carry something (not zero all run), and the constant ones."""
    probe = EcosimModel(loaded, record_ledger=True)  # type: ignore[arg-type]
    probe.run()
    edges, constant = [], set()
    for _, _, d in probe.network.edges(data=True):
        if not (d["signal"] and d["enabled"]) or d["commodity"] in AT_START:
            continue
        s, rest = d["id"].split("->")
        b, c = rest.split(":")
        series = probe.exchange.signal_series(s, b, c)[:, 0]
        if np.all(series == 0.0):
            continue
        edges.append(d["id"])
        if np.all(series == series[0]):
            constant.add(d["id"])
    return edges, constant


def _moved(scenario: str, overrides: list[str]) -> tuple[set[str], set[str]]:
    """(edges that carry something, edges whose cut or damping changed their reader) in one case."""
    loaded = load_scenario("musk_narrative" if scenario == "cheap orbit" else scenario, overrides)
    edges, constant = _edges(loaded)
    K = 1 + len(edges)
    model = EcosimModel(loaded, members=K, common_random_numbers=True, record_ledger=False)
    for i, e in enumerate(edges, start=1):
        f = np.ones(K)
        f[i] = 0.5 if e in constant else 0.0
        model.exchange.set_edge_scale(e, f)
    moved = np.zeros(K, dtype=bool)
    while model.steps < model.n_steps:
        model.step()
        for row in _fingerprint(model):
            moved |= ~np.isclose(row, row[0], rtol=1e-12, atol=0.0)
    return set(edges), {e for i, e in enumerate(edges, start=1) if moved[i]}


@pytest.mark.slow
def test_cutting_or_damping_each_signal_edge_changes_its_reader() -> None:
    """In ensembles with common random numbers (member 0 the case, member i cutting signal edge i,
    or damping it to half when it is constant over the run, since freezing it changes nothing),
    every signal edge that carries something changes, in some case and month, what its reader
    holds or publishes."""
    carried: set[str] = set()
    moved: set[str] = set()
    for scenario, overrides in CASES.items():
        c, m = _moved(scenario, overrides)
        carried |= c
        moved |= m
    assert len(carried) > 60
    dead = sorted(carried - moved)
    assert dead == [], "\n".join(dead)


@pytest.mark.slow
def test_cutting_the_launch_price_seen_by_orbital_builders_moves_orbital_compute() -> None:
    """The seeds' lever: frozen at its 2026 level, the launch price SpaceX's orbital builder sees
    stays high, so orbit looks dearer and less orbital compute is built by 2040."""
    base = EcosimModel(load_scenario("musk_narrative"), record_ledger=False).run()
    cut = EcosimModel(load_scenario("musk_narrative", ['exchange.disable=["spacex_launch->orbital_dc:launch_price_usd_per_kg"]']), record_ledger=False).run()
    assert cut.series("odc_cost_ratio")[-1, 0] > base.series("odc_cost_ratio")[-1, 0]
    assert cut.series("odc_compute_eflops")[-1, 0] < base.series("odc_compute_eflops")[-1, 0]


def test_lab_starts_from_its_builders_compute() -> None:
    """Google's training budget at start is its data centers' published compute: cut the edge
    and it starts from none, with a lower capability (OpenAI's is its leases': cut them and it
    starts from none too)."""
    base = EcosimModel(load_scenario("history"), record_ledger=False)
    cut = EcosimModel(load_scenario("history", ['exchange.disable=["google_dc->google:compute_capacity_eflops"]']), record_ledger=False)
    assert base.agent("google").s.train_flop[0] > 0.0 == cut.agent("google").s.train_flop[0]
    assert cut.agent("google").s.capability[0] < base.agent("google").s.capability[0]
    leases_cut = EcosimModel(load_scenario("history", ['exchange.disable=["cloud->openai:leased_eflops"]']), record_ledger=False)
    assert base.agent("openai").s.train_flop[0] > 0.0 == leases_cut.agent("openai").s.train_flop[0]
