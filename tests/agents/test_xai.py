"""xAI alone in the training race: while another lab's model is better it plans a multiple of the
frontier lab's training compute, but beyond its demand only as much compute as what catching up
would win it pays for (the share its capability would deserve at the frontier less its share
now, of the market's inference revenue, net of SG&A, against the channel's cost per EFLOP/s):
the race target shrinks when the race's payback is long."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.testing import assert_allclose

from ecosim.agents.xai import XAI
from tests.agents.test_openai import OWN_USD_PER_W_MONTH, _lab, _switches, _world

RACE = dict(frontier_compute_ratio=2.0, market_share_initial_frac=0.1, x_start_month=10**6, x_revenue_usd_per_yr_initial=0.0,
            x_revenue_change_frac_per_yr=0.0, x_revenue_trough_month=10**6, x_revenue_change_after_frac_per_yr=0.0, x_ebitda_margin_frac=0.0)


def _racing(share_at_frontier: float | None, **kw: Any) -> Any:
    """xAI with a tenth of a 1,000 EFLOP/s market at $4M per EFLOP/s a month, behind a lab that
    trains on 1,000 EFLOP/s (the market's frontier signal), with (or, None, without) the market's
    ``ai_share_at_frontier_frac``; its site waits 5 years, so it leases (1 W per 1e-6 EFLOP/s)."""
    edges = [("market", "xai", "frontier_compute_eflops")] + ([("market", "xai", "ai_share_at_frontier_frac")] if share_at_frontier is not None else [])
    world = _world("xai", tuple(edges), ai_price_usd_per_eflops_month=4e6)
    world.exchange.publish("market", "frontier_compute_eflops", 1000.0)
    if share_at_frontier is not None:
        world.exchange.publish("market", "ai_share_at_frontier_frac", share_at_frontier)
    return _lab(world, XAI, "xai", **{**RACE, **kw})


def _cost_musd_per_eflops() -> float:
    """The channel's cost of an EFLOP/s a month [$M]: leases at $1/W a month, 0.0002 % own (as
    test_openai's _switches)."""
    share, _ = _switches(4.0, 1.0, 5.0)
    return share * 1.0 + (1.0 - share) * OWN_USD_PER_W_MONTH


def test_without_the_gain_signal_the_lab_plans_the_multiple_of_the_frontier() -> None:
    """Demand 0.1 x 1,000 over a 50 % inference share: 200 EFLOP/s; the race: 2 x 1,000 = 2,000
    EFLOP/s, times the payback switch of its inference (83.2 %)."""
    lab = _racing(None)
    lab.offer()
    _, gate = _switches(4.0, 1.0, 5.0)
    assert_allclose(lab.for_demand_eflops, 200.0)
    assert_allclose(lab.target_eflops, 2000.0 * gate, rtol=1e-6)


def test_the_race_target_shrinks_when_catching_up_pays_for_little() -> None:
    """At the frontier it would deserve 40 % of the market instead of 10 %: 0.3 x $4M x 1,000 x
    70 % (after SG&A) = $840M a month, times the share of that its investors count on. Counting on
    a quarter ($210M) pays for 210 EFLOP/s at ~$1M an EFLOP/s a month: it plans 200 + 210, not
    2,000; counting on all of it, 200 + 840; on three times it ($2.52B), the whole 2,000. The race
    beyond its demand passes its own payback test, not its inference's: only the 200 EFLOP/s for
    its demand are times the payback switch of its inference (83.2 %)."""
    _, gate = _switches(4.0, 1.0, 5.0)
    cost = _cost_musd_per_eflops()
    for frac, race in ((0.25, 210.0 / cost), (1.0, 840.0 / cost), (3.0, 1800.0)):
        lab = _racing(0.4, race_gain_frac=frac)
        lab.offer()
        assert_allclose(lab.target_eflops, 200.0 * gate + race, rtol=1e-4)


def test_a_lab_at_the_frontier_share_gains_nothing_by_racing() -> None:
    """Its share now (10 %) is already what the frontier would give it: it plans for its demand."""
    _, gate = _switches(4.0, 1.0, 5.0)
    lab = _racing(0.1, race_gain_frac=1.0)
    lab.offer()
    assert_allclose(lab.target_eflops, 200.0 * gate, rtol=1e-6)
    assert np.all(lab.target_eflops < 2000.0 * gate)
