"""Common random numbers and per-member edge cuts: members differ only by what an experiment changes."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario

SHORT = ["scenario.end_month=2028-12"]
CUT = "spacex_launch->orbital_dc:launch_mass"


@pytest.mark.slow
def test_identical_members_draw_identically() -> None:
    """With common random numbers, three members with the same parameters give the same world."""
    m = EcosimModel(load_scenario("musk_narrative", SHORT), members=3, common_random_numbers=True, record_ledger=False).run()
    for metric in ("starship_launches", "starship_failures", "spacex_fcf_usd", "xai_capability_index"):
        s = m.series(metric)
        assert_array_equal(s[:, 1], s[:, 0])
        assert_array_equal(s[:, 2], s[:, 0])


def test_independent_members_by_default() -> None:
    """Without them, members draw their own launch failures (the default keeps runs as before)."""
    m = EcosimModel(load_scenario("musk_narrative", SHORT), members=4, record_ledger=False).run()
    fails = m.series("starship_failures").sum(axis=0)
    f9 = m.series("spacex_fcf_usd").sum(axis=0)
    assert len(set(fails.tolist())) > 1 or len(set(f9.tolist())) > 1


@pytest.mark.slow
def test_member_cut_equals_scenario_cut() -> None:
    """A cut for member 1 only gives member 1 exactly the run of a scenario with that edge disabled."""
    both = EcosimModel(load_scenario("musk_narrative", SHORT), members=2, common_random_numbers=True, record_ledger=False)
    both.exchange.set_edge_scale(CUT, np.array([1.0, 0.0]))
    both.run()
    alone = EcosimModel(load_scenario("musk_narrative", [*SHORT, f'exchange.disable=["{CUT}"]']), common_random_numbers=True, record_ledger=False).run()
    base = EcosimModel(load_scenario("musk_narrative", SHORT), common_random_numbers=True, record_ledger=False).run()
    for metric in ("odc_compute_eflops", "xai_capability_index", "spacex_fcf_usd"):
        assert_allclose(both.series(metric)[:, 1], alone.series(metric)[:, 0], rtol=1e-12, atol=1e-9)
        assert_allclose(both.series(metric)[:, 0], base.series(metric)[:, 0], rtol=1e-12, atol=1e-9)
    assert both.series("odc_compute_eflops")[-1, 1] == 0.0 < both.series("odc_compute_eflops")[-1, 0]


def test_capability_signal_damped_for_one_member() -> None:
    """At 0.5 on xai->tesla_fleet:capability, member 1's FSD sees half of xAI's capability."""
    m = EcosimModel(load_scenario("baseline", ["scenario.end_month=2026-03"]), members=2, common_random_numbers=True, record_ledger=False)
    m.exchange.set_edge_scale("xai->tesla_fleet:capability", np.array([1.0, 0.5]))
    fleet, xai = m.agent("tesla_fleet"), m.agent("xai")
    published = xai.s.capability.copy()  # what xAI published before the first month
    m.step()
    seen = fleet.read("xai", "capability")
    assert_allclose(seen, [published[0], 0.5 * published[1]])
