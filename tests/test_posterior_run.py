"""Posterior-backed runs: every member continues from the history run under its own draw, with the same draws forward; same seed, same run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ecosim.analysis.posterior import equity_intervals, yearly_intervals
from ecosim.results.posterior import Posterior, read_members
from ecosim.results.rundir import read_run
from ecosim.run import PosteriorRun, RunResult, run_posterior, run_scenario, write_run
from ecosim.scenario import load_scenario
from ecosim.simulate import history_seed, simulate
from tests.posterior_store import FIELDS, write_pair, write_store

SUBS, BASS = FIELDS


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Posterior]:
    d = tmp_path_factory.mktemp("pair")
    history, forward = write_pair(d)
    return history, forward, Posterior.load(write_store(d / "post"))


@pytest.fixture(scope="module")
def forward_runs(pair: tuple[Path, Path, Posterior]) -> tuple[PosteriorRun, RunResult]:
    """The forward scenario's posterior-backed run (4 draws, seed 3) and its point run (seed 3),
    made once for the tests that read them (none changes them)."""
    _, forward, post = pair
    sc = load_scenario(forward)
    return run_posterior(sc, post, 4, seed=3), run_scenario(sc, 3)


def test_each_member_continues_from_its_own_history(pair: tuple[Path, Path, Posterior]) -> None:
    """A member's cash before the forward run's first month is its history's last month under the same draw and seed."""
    history, forward, post = pair
    draws = post.draws(6, 3)
    run = simulate(load_scenario(forward), 3, members=6, posterior=draws)
    hist = simulate(load_scenario(history), history_seed(3), members=6, member_values=draws)
    for cash in ("spacex_cash_usd", "tesla_cash_usd", "xai_cash_usd"):
        assert np.array_equal(run.cash_start[cash], hist.series[cash][-1])
    subs_start = run.series["starlink_subscribers"][0]
    assert np.all(subs_start[draws[SUBS] == 12.5e6] < subs_start[draws[SUBS] == 37.5e6].min())


def test_intervals_straddle_the_point_run_and_members_differ(pair: tuple[Path, Path, Posterior], forward_runs: tuple[PosteriorRun, RunResult]) -> None:
    """Particles at half and one and a half times the history's addressable market give members below and above the point run, which lies inside the 5-95 % range."""
    _, forward, post = pair
    sc = load_scenario(forward)
    pr = run_posterior(sc, post, draws=8, seed=3)
    point = forward_runs[1].results
    subs = pr.results.series["starlink_subscribers"][-1]
    low, high = subs[pr.draws[SUBS] == 12.5e6], subs[pr.draws[SUBS] == 37.5e6]
    assert len(low) == len(high) == 4 and high.min() > low.max()
    table = yearly_intervals(pr.results, ["starlink_subscribers", "spacex_launches"], [2021], point).set_index(["key", "year"])
    row = table.loc[("starlink_subscribers", 2021)]
    assert row["p5"] < row["point"] < row["p95"]
    assert row["p5"] == pytest.approx(np.quantile(subs, 0.05)) and row["median"] == pytest.approx(np.median(subs))
    eq = equity_intervals(pr.results, point).set_index("company")
    assert eq.loc["spacex", "valued"] == 1.0 and eq.loc["spacex", "p5"] <= eq.loc["spacex", "median"] <= eq.loc["spacex", "p95"]
    assert pr.held == [] and pr.stale  # the hand-made store holds no scenario: flagged as not calibrated on this history


def test_same_seed_same_members_other_seed_other_draws(pair: tuple[Path, Path, Posterior]) -> None:
    """The seed decides the draws and the history's seed: the same seed gives bit-identical members."""
    _, forward, post = pair
    sc = load_scenario(forward)
    a, b = run_posterior(sc, post, 5, seed=7), run_posterior(sc, post, 5, seed=7)
    for m in ("starlink_subscribers", "spacex_cash_usd", "tesla_deliveries"):
        assert np.array_equal(a.results.series[m], b.results.series[m])
    assert np.array_equal(a.draws[SUBS], b.draws[SUBS])


def test_a_field_the_scenario_sets_itself_is_held(pair: tuple[Path, Path, Posterior], forward_runs: tuple[PosteriorRun, RunResult]) -> None:
    """A --set of a calibrated field keeps its value forward (history still runs under the draws)."""
    _, forward, post = pair
    sc = load_scenario(forward, ["starlink.bass_imitation_per_yr=0.2"])
    pr = run_posterior(sc, post, 4, seed=3)
    assert pr.held == [BASS]
    free = forward_runs[0]  # the same scenario without the --set, 4 draws, seed 3
    assert not np.array_equal(pr.results.series["starlink_subscribers"][-1], free.results.series["starlink_subscribers"][-1])
    assert np.array_equal(pr.results.cash_start["spacex_cash_usd"], free.results.cash_start["spacex_cash_usd"])


def test_run_directory_keeps_the_members(forward_runs: tuple[PosteriorRun, RunResult], tmp_path: Path) -> None:
    """ecosim run's directory holds the posterior members and reads them back unchanged; the point run is untouched."""
    pr, point = forward_runs
    out = write_run(point, tmp_path / "run", figures=False, posterior=pr)
    saved = read_run(out)
    members = read_members(out, saved.results)
    assert members is not None and members.results.members == 4 and members.fingerprint == "testfingerprint"
    for m in ("starlink_subscribers", "spacex_fcf_usd"):
        assert np.array_equal(members.results.series[m], pr.results.series[m])
    assert np.array_equal(members.draws[SUBS].to_numpy(), pr.draws[SUBS])
    assert np.array_equal(saved.results.series["starlink_subscribers"][:, 0], point.results.series["starlink_subscribers"][:, 0])
    assert read_members(tmp_path, saved.results) is None


def test_run_directory_keeps_the_normalisation_window(pair: tuple[Path, Path, Posterior], tmp_path: Path) -> None:
    """The scenario's terminal_normalise_yr is what the point run and its members were valued
    over: the run directory reads it back (scenario.toml, members.json); members stored before
    the window was recorded are read at the point run's."""
    import json

    _, forward, post = pair
    sc = load_scenario(forward, ["capital_market.terminal_normalise_yr=3.5"])
    pr = run_posterior(sc, post, 3, seed=3)
    assert pr.results.cost_of_capital.normalise_yr.tolist() == [3.5, 3.5, 3.5]
    out = write_run(run_scenario(sc, 3), tmp_path / "run", figures=False, posterior=pr)
    saved = read_run(out)
    assert saved.results.cost_of_capital.normalise_yr.tolist() == [3.5]
    path = out / "posterior" / "members.json"
    meta = json.loads(path.read_text())
    meta["cost_of_capital"]["normalise_yr"] = [3.0, 4.0, 8.0]
    path.write_text(json.dumps(meta))
    members = read_members(out, saved.results)
    assert members is not None and members.results.cost_of_capital.normalise_yr.tolist() == [3.0, 4.0, 8.0]
    del meta["cost_of_capital"]["normalise_yr"]
    path.write_text(json.dumps(meta))
    members = read_members(out, saved.results)
    assert members is not None and members.results.cost_of_capital.normalise_yr.tolist() == [3.5, 3.5, 3.5]
