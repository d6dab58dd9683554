"""`--posterior DIR` on run, value, compare and experiment run: medians, intervals and probabilities printed; a missing or damaged store is one line and exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import ecosim.model
from ecosim.cli import main
from tests.posterior_store import write_pair, write_store


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def backed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The small forward scenario run with 6 posterior draws (its run directory), the posterior, the scenario."""
    d = tmp_path_factory.mktemp("cli")
    _, forward = write_pair(d)
    post = write_store(d / "post")
    assert main(["run", str(forward), "--out", str(d / "run"), "--no-figures", "--posterior", str(post), "--draws", "6", "--seed", "3"]) == 0
    return d / "run", post, forward


def test_run_prints_intervals_and_probabilities_and_keeps_the_members(backed: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The output names the posterior, shows medians over 5-95 % ranges, each value's and claim's probability; posterior/ holds 6 members."""
    run_dir, post, forward = backed
    code, out, _ = _run(["run", str(forward), "--out", str(tmp_path / "r"), "--no-figures", "--posterior", str(post), "--draws", "6", "--seed", "3"], capsys)
    flat = _flat(out)
    assert code == 0
    for text in ("Under the posterior", "6 draws (resampled with seed 3)", "Key outcomes under the posterior", "P(value ≥ mark)",
                 "the share of draws in which each claim comes true", "P(on time)", "posterior/: the 6 members"):
        assert text in flat, text
    ts = pd.read_parquet(run_dir / "posterior" / "timeseries.parquet")
    assert sorted(ts["member"].unique()) == list(range(6)) and len(ts) == 6 * 12
    assert json.loads((run_dir / "posterior" / "members.json").read_text())["draws"] == 6


def test_value_reads_the_stored_members_without_simulating(backed: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """value RUN_DIR --posterior DIR values the members the run directory holds (the model is never built); --json carries them."""
    run_dir, post, _ = backed

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the stored members must be valued, not re-simulated")

    monkeypatch.setattr(ecosim.model.EcosimModel, "__init__", boom)
    code, out, _ = _run(["value", str(run_dir), "--posterior", str(post)], capsys)
    assert code == 0 and "the 6 posterior draws stored in" in _flat(out) and "SpaceX+xAI" in out
    code, out, _ = _run(["value", str(run_dir), "--posterior", str(post), "--json"], capsys)
    data = json.loads(out)["posterior"][0]
    assert {e["company"] for e in data["equity"]} == {"spacex", "spacex_alone", "tesla", "anthropic"} and len(data["claims"]) > 20
    code, out, _ = _run(["value", str(run_dir), "--markdown"], capsys)
    assert code == 0 and "| SpaceX+xAI |" in out and "| claim of the seeds | seed:line | P(on time) |" in out and "6 draws" in out


def test_value_simulates_other_draws(backed: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Asking for another number of draws than stored simulates the run's scenario under the posterior."""
    run_dir, post, _ = backed
    code, out, _ = _run(["value", str(run_dir), "--posterior", str(post), "--draws", "3"], capsys)
    assert code == 0 and "3 posterior draws of" in _flat(out) and "simulated now with the run's scenario and seed 3" in _flat(out)


def _damaged(tmp_path: Path) -> Path:
    root = write_store(tmp_path / "damaged")
    (root / "posterior.parquet").write_bytes(b"not parquet")
    return root


@pytest.mark.parametrize("command", ["run", "value", "compare", "experiment"])
def test_a_damaged_posterior_is_one_line_and_exit_2(command: str, backed: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--posterior naming a damaged store: exit 2, one line naming posterior.parquet, nothing written."""
    run_dir, _, forward = backed
    bad = str(_damaged(tmp_path))
    out_dir = tmp_path / "out"
    argv = {
        "run": ["run", str(forward), "--out", str(out_dir), "--posterior", bad],
        "value": ["value", str(run_dir), "--posterior", bad],
        "compare": ["compare", str(run_dir), str(forward), "--out", str(out_dir), "--posterior", bad],
        "experiment": ["experiment", "run", "monte_carlo_baseline", "--out", str(out_dir), "--posterior", bad],
    }[command]
    code, _, err = _run(argv, capsys)
    err = err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "posterior.parquet: not a readable Parquet file" in err
    assert not out_dir.exists()


def test_missing_posterior_and_draws_alone(backed: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A posterior directory that does not exist, and --draws without --posterior, are refused with one line."""
    _, _, forward = backed
    for argv, message in (
        (["run", str(forward), "--out", str(tmp_path / "o"), "--posterior", str(tmp_path / "nope")], "--posterior " + str(tmp_path / "nope") + ": no such directory"),
        (["run", str(forward), "--out", str(tmp_path / "o"), "--draws", "5"], "--draws needs --posterior DIR"),
        (["run", str(forward), "--out", str(tmp_path / "o"), "--posterior", str(tmp_path), "--draws", "0"], "--draws must be >= 1 (got 0)"),
    ):
        code, _, err = _run(argv, capsys)
        err = err.strip()
        assert code == 2 and message in err and len(err.splitlines()) == 1


def test_compare_draws_a_posterior_backed_run_as_a_fan(backed: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run directory with posterior members is one source of 6 members: its scorecard gives probabilities (its figures are not read: none drawn)."""
    run_dir, _, forward = backed
    code, out, _ = _run(["compare", str(forward), str(run_dir), "--out", str(tmp_path / "c"), "--seed", "3", "--no-figures"], capsys)
    assert code == 0 and "(6 posterior draws)" in _flat(out)
    data = json.loads((tmp_path / "c" / "compare.json").read_text())
    kinds = {s["label"]: (s["kind"], s["members"]) for s in data["sources"]}
    assert sorted(kinds.values()) == [("posterior", 6), ("run", 1)]
    sc = pd.read_csv(tmp_path / "c" / "scorecard.csv")
    assert sc[sc["kind"] == "posterior"]["p_on_time"].notna().any()
