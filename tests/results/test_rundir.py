"""Run directories read back as typed results: the same cost of capital, cash at the start and series as the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from numpy.testing import assert_array_equal

from ecosim.errors import RunDirError
from ecosim.results.rundir import SavedRun, read_run
from ecosim.run import RunResult


def test_read_back_results_are_the_runs(baseline_run: RunResult, baseline_saved: SavedRun) -> None:
    """Series, months, units, cash at the start and the cost of capital of a saved run equal the simulation's, bit for bit."""
    run, back = baseline_run.results, baseline_saved.results
    assert back.months == run.months and back.units == run.units and list(back.series) == list(run.series)
    for name in ("spacex_fcf_usd", "tesla_cash_usd", "wacc"):
        assert_array_equal(back.series[name], run.series[name])
    assert {m: v.tolist() for m, v in back.cash_start.items()} == {m: v.tolist() for m, v in run.cash_start.items()}
    for field in ("wacc", "terminal_growth", "tax_rate"):
        assert_array_equal(getattr(back.cost_of_capital, field), getattr(run.cost_of_capital, field))
    assert back.final_companies["xai"] == "spacex" and baseline_saved.summary.merger_month == "2026-02"
    assert sorted(back.network.nodes) == sorted(run.network.nodes)


def test_a_summary_without_what_ecosim_run_writes_is_refused(baseline_dir: Path, tmp_path: Path) -> None:
    """A summary.json lacking a key (here the cash at the start) is a one-line RunDirError naming the file and the key."""
    old = tmp_path / "old"
    shutil.copytree(baseline_dir, old)
    data = json.loads((old / "summary.json").read_text())
    del data["cash_start_usd"]
    (old / "summary.json").write_text(json.dumps(data))
    with pytest.raises(RunDirError, match=r"summary\.json: not an ecosim run summary of this version \(missing keys cash_start_usd\)"):
        read_run(old)
