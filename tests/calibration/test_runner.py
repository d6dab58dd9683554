"""The history calibration: same posterior for 1 and 2 workers, resume after kill -9, the backtest runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ecosim.calibration.backtest import forecast_table, run_backtests, summary
from ecosim.calibration.runner import calibrate
from ecosim.calibration.spec import load_calibration
from ecosim.cli import main
from ecosim.errors import ExperimentError

pytestmark = pytest.mark.slow  # whole module: every test needs a long run or worker processes

BIN = Path(sys.executable).parent

TINY = """\
[calibration]
name = "tiny"
description = "a small test calibration"
scenario = "history"
fit_until = "2022-12"
seed = 5
particles = 40
chunk_size = 10
alpha = 0.5
max_generations = 3
min_acceptance = 0.0
predictive_draws = 20

[parameters."starlink.bass_imitation_per_yr"]
distribution = "uniform"
low = 0.35
high = 1.05
source = "assumption: test"

[parameters."satellite_market.potential_subscribers_initial"]
distribution = "uniform"
low = 12.5e6
high = 37.5e6
source = "assumption: test"
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {n: pd.read_parquet(out / f"{n}.parquet") for n in ("posterior", "diagnostics", "predictive", "fit")}


def _same(a: Path, b: Path) -> None:
    ta, tb = _tables(a), _tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True)


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cal")
    (d / "tiny.toml").write_text(TINY, encoding="utf-8")
    calibrate(load_calibration(d / "tiny.toml"), d / "one", workers=1)
    return d


def test_posterior_is_the_same_for_one_and_two_workers(one_worker: Path) -> None:
    """Draws, weights, diagnostics and the predictive fit are bit-identical with 1 and 2 worker processes."""
    run = calibrate(load_calibration(one_worker / "tiny.toml"), one_worker / "two", workers=2)
    _same(one_worker / "one", one_worker / "two")
    assert run.population.generation == 3
    post = pd.read_parquet(one_worker / "one" / "posterior.parquet")
    assert abs(post["weight"].sum() - 1.0) < 1e-12 and len(post) >= 10


def test_fit_table_lists_every_history_row(one_worker: Path) -> None:
    """fit.parquet has one line per history.csv row; the fitted rows up to 2022 have predictive ranges."""
    from ecosim.analysis.calibration import history_rows

    fit = pd.read_parquet(one_worker / "one" / "fit.parquet")
    assert len(fit) == len(history_rows())
    subs = fit[(fit["metric"] == "starlink_subscribers") & (fit["period"] == "2022-12")].iloc[0]
    assert subs["status"] == "fit" and subs["p5"] <= subs["median"] <= subs["p95"]
    assert (fit["status"] == "not represented").sum() > 0


def _stored_generations(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["generations"])
    except (OSError, ValueError, KeyError):
        return 0


def test_kill_9_then_resume_gives_the_same_posterior(one_worker: Path, tmp_path: Path) -> None:
    """kill -9 in the middle of a calibration, run again: it resumes from the stored generations and chunks, and the posterior equals an uninterrupted one."""
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [str(BIN / "ecosim"), "calibrate", str(one_worker / "tiny.toml"), "--out", str(out), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "generations" / "gen-001.parquet").is_file() and _stored_generations(out) >= 2:  # the manifest names it (written after the file)
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the calibration finished before it could be killed"
    assert not (out / "posterior.parquet").exists()
    run = calibrate(load_calibration(one_worker / "tiny.toml"), out, workers=1)
    assert run.resumed_from >= 1 and run.ran_simulations < run.simulations
    _same(one_worker / "one", out)
    assert not list(out.rglob(".*.tmp-*"))


def test_other_settings_in_the_same_directory_are_refused(one_worker: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A posterior directory holding another calibration is refused with one line, exit 2."""
    other = tmp_path / "other.toml"
    other.write_text(TINY.replace("seed = 5", "seed = 6"), encoding="utf-8")
    with pytest.raises(ExperimentError, match="holds a calibration with other settings"):
        calibrate(load_calibration(other), one_worker / "one")
    assert main(["calibrate", str(other), "--out", str(one_worker / "one")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_bad_prior_names_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A prior outside its field's bounds gives one line naming the file and field, exit 2."""
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.replace("low = 0.35", "low = -0.35"), encoding="utf-8")
    assert main(["calibrate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "starlink.bass_imitation_per_yr" in err and "Traceback" not in err


def test_backtest_runs_and_scores_blind_forecasts(tiny: Path, tmp_path: Path) -> None:
    """A small backtest from origin 2022: forecasts of 2023-2024 rows only, with errors and a summary."""
    spec = load_calibration(tiny).with_meta(max_generations=1, predictive_draws=20)
    res = run_backtests(spec, tmp_path / "bt", origins=(2022,))
    f = res[0].forecasts
    assert len(f) > 10 and set(f["horizon"]) == {1, 2}
    assert set(f["period"].str[:4]) <= {"2023", "2024"}
    row = f[(f["metric"] == "starlink_subscribers") & (f["period"] == "2023-12")].iloc[0]
    assert row["ape"] == pytest.approx(abs(row["median"] - 2.3e6) / 2.3e6)
    s = summary(res)
    assert s.iloc[-1]["forecasts"] == len(f) and 0 <= s.iloc[-1]["mdape"]
    fit = pd.read_parquet(tmp_path / "bt" / "origin-2022" / "fit.parquet")
    assert len(forecast_table(fit, 2022)) == len(f)
