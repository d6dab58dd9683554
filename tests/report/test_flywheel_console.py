"""``ecosim flywheel``'s ablation table on the console: values in dollars, capability relative, ranked within each outcome."""

from __future__ import annotations

import numpy as np
from rich.console import Console

from ecosim.analysis.ablation import ablation_summary
from ecosim.analysis.flywheel import Flywheel
from ecosim.report.console.flywheel import print_flywheel


def _flywheel() -> Flywheel:
    base = {"xai_capability": np.array([2.0, 4.0]), "spacex_value": np.array([0.5e9, -0.25e9])}
    cut = {
        "a->xai:data": {"xai_capability": np.array([1.0, 3.0]), "spacex_value": np.array([-1.4e9, -1.25e9])},
        "b->xai:compute": {"xai_capability": np.array([2.0, 4.0]), "spacex_value": np.array([0.6e9, -0.15e9])},
    }
    table = ablation_summary(base, cut, {"xai_capability": True, "spacex_value": False}, {"xai_capability": "index", "spacex_value": "USD"})
    return Flywheel("toy", 1, ["2030-01"], 0, 0, 0, 6, 0.05, {}, [], table, samples=2)


def _printed(f: Flywheel, top: int | None = None) -> list[str]:
    out = Console(record=True, width=240, color_system=None)
    print_flywheel(out, f, top)
    return out.export_text().splitlines()


def _rows(f: Flywheel, top: int | None = None) -> list[list[str]]:
    """The ablation table's rows, cell by cell."""
    return [[c.strip() for c in s.split("│")[1:-1]] for s in _printed(f, top) if s.startswith("│") and "->xai:" in s]


def test_values_print_in_dollars_and_capability_relative() -> None:
    """Cutting a's data: capability -1 of 2 and 4 (-50 %, -25 %: median -38 %); value -1.9 and -1.0 $B (median -$1.4B, where a relative change says -380 %)."""
    rows = {(r[0], r[1]): r[2:] for r in _rows(_flywheel())}
    assert rows[("a->xai:data", "xai_capability")] == ["-38%", "-49%", "-26%", "100%"]  # 5-95 %: -50 + 0.05 x 25, -50 + 0.95 x 25
    assert rows[("a->xai:data", "spacex_value")] == ["-$1.4B", "-$1.9B", "-$1.0B", "100%"]  # -1.45, -1.9 + 0.05 x 0.9, -1.9 + 0.95 x 0.9
    lines = _printed(_flywheel())
    assert not any("380" in s for s in lines)
    assert any("-$1.4B (5-95 %: -$1.9B to -$1.0B over 2 samples)" in s for s in lines)  # the verdict, in dollars too


def test_rows_rank_within_their_outcome_and_a_cut_that_moves_nothing_is_left_out() -> None:
    """b's compute moves capability by 0 (left out) and value by +$0.1B: ranked among values only; --top 1 keeps one row per outcome."""
    rows = _rows(_flywheel())
    assert [(r[0], r[1]) for r in rows] == [("a->xai:data", "xai_capability"), ("a->xai:data", "spacex_value"), ("b->xai:compute", "spacex_value")]
    assert rows[2][2] == "+$100M"
    assert [(r[0], r[1]) for r in _rows(_flywheel(), top=1)] == [("a->xai:data", "xai_capability"), ("a->xai:data", "spacex_value")]
