"""The gap, explained (issue 16, item 6): each mark's value compared split into segments, cash
and raises that add up to it exactly, and the valuation choices ranked by how far they move it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosim.finance.explain import CASH, RAISES, explain
from ecosim.finance.gap import value_run
from ecosim.results.rundir import SavedRun


@pytest.mark.slow
def test_parts_add_up_to_the_value_compared_and_moves_are_ranked(baseline_saved: SavedRun, tmp_path: Path) -> None:
    rv = value_run(baseline_saved)
    items = explain(rv)
    assert len(items) == len(rv.gaps)
    for e in items:
        assert sum(e.parts.values()) == pytest.approx(e.gap.value_usd, rel=1e-9), e.gap.mark
        moves = [abs(v - e.gap.value_usd) for _, v, _ in e.moves]
        assert moves == sorted(moves, reverse=True) and len(moves) >= 5
        for _, v, share in e.moves:
            assert share == pytest.approx((v - e.gap.value_usd) / e.gap.gap_usd)
        assert e.gap.mark.entity in e.words()
    merger = next(e for e in items if e.gap.mark.entity == "SpaceX+xAI" and e.gap.mark.date == "2026-02")
    assert CASH in merger.parts and RAISES in merger.parts and merger.parts[RAISES] == pytest.approx(20e9)
    assert sum(1 for k in merger.parts if k not in (CASH, RAISES)) == 4  # launch, Starlink, orbital compute, AI
    openai = next(e for e in items if e.gap.mark.entity == "OpenAI" and e.gap.mark.date == "2026-02")
    assert openai.parts[RAISES] == pytest.approx(110e9)  # the round, counted once
    from ecosim.report.gap_figure import gap_figure

    assert gap_figure(items, tmp_path / "gap.png", "t").stat().st_size > 10_000
