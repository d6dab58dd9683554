"""The experiment commands: list, show, run (count up front, one-line summary), analyze."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ecosim.cli import main


def test_list_and_show(capsys) -> None:  # type: ignore[no-untyped-def]
    """`experiment list` shows every bundled experiment with its run count; `show` its inputs and count."""
    assert main(["experiment", "list"]) == 0
    out = capsys.readouterr().out
    for name, runs in (("launch_hardware_sweep", "120"), ("monte_carlo_baseline", "10,000"), ("sobol_valuation", "16,384"), ("discovery_valuation", "4,000")):
        assert re.search(rf"{name}\s.*\s{runs}\s", out), name
    assert main(["experiment", "show", "sobol_valuation"]) == 0
    out = capsys.readouterr().out
    assert "16,384 Sobol' draws (N=512 × 32 for 30 uncertainties) × 1 seed = 16,384 runs" in out
    assert "launch.starship.cost_per_flight_usd_floor" in out and "seed 002" in out


@pytest.mark.slow
def test_run_prints_count_summary_and_analysis(write_experiment, capsys) -> None:  # type: ignore[no-untyped-def]
    """`experiment run` prints the count first and a one-line summary, then analyses; a re-run finds everything stored."""
    exp = write_experiment(write_experiment().read_text() + '\n[[discovery]]\nname = "positive_fcf"\nlabel = "SpaceX FCF >= 0 in 2026"\noutcome = "spacex_fcf_2026_usd"\nop = ">="\nvalue = 0.0\n')
    out_dir = exp.parent / "store"
    assert main(["experiment", "run", str(exp), "--out", str(out_dir), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    count = next(i for i, line in enumerate(lines) if "= 12 runs" in line)
    summary = next(i for i, line in enumerate(lines) if line.startswith("tiny: 12 runs in"))
    assert count < summary
    assert "store: 12 ok, 0 failed of 12" in lines[summary]
    assert "SpaceX FCF >= 0 in 2026:" in out and "spacex_value_2026_usd" in out
    summary_csv = pd.read_csv(out_dir / "analysis" / "summary.csv")
    assert set(summary_csv["outcome"]) == {"spacex_fcf_2026_usd", "spacex_value_2026_usd"}
    assert (out_dir / "figures" / "outcomes.png").is_file() and (out_dir / "figures" / "series_launch_cost.png").is_file()
    assert (out_dir / "analysis" / "discovery.parquet").is_file()

    assert main(["experiment", "run", str(exp), "--out", str(out_dir), "--no-analysis"]) == 0
    assert "tiny: all 12 runs were already stored (12 ok, 0 failed)" in capsys.readouterr().out
    assert main(["experiment", "analyze", str(out_dir)]) == 0
    assert "Outcomes over 12 successful runs" in capsys.readouterr().out


def test_usage_errors_exit_2(write_experiment, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Bad options and directories exit 2 with one line, writing nothing."""
    exp = write_experiment()
    assert main(["experiment", "run", str(exp), "--out", str(tmp_path / "a"), "--workers", "0"]) == 2
    assert "--workers must be >= 1 (got 0)" in capsys.readouterr().err
    assert main(["experiment", "run", str(exp), "--out", str(tmp_path / "b"), "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--workers and --scheduler exclude each other" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert main(["experiment", "run", str(exp), "--out", str(foreign)]) == 2
    assert "exists and is not an experiment directory (holds notes.txt)" in capsys.readouterr().err
    assert main(["experiment", "analyze", str(tmp_path / "nowhere")]) == 2
    assert "not an experiment directory (no manifest.json" in capsys.readouterr().err
    assert main(["experiment", "run", "no_such_experiment"]) == 2
    assert "no_such_experiment: no such experiment file (bundled experiments: discovery_valuation" in capsys.readouterr().err
