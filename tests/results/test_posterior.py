"""A posterior store read back: checked on load (one line for anything missing or damaged), resampled by its weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecosim.errors import RunDirError
from ecosim.results.posterior import Posterior, weighted_index
from tests.posterior_store import FIELDS, write_store

SUBS, BASS = FIELDS


def test_draws_follow_the_weights_exactly_with_systematic_resampling(tmp_path: Path) -> None:
    """Weights 0.75/0.25 and 4 draws give 3 draws of the first particle and 1 of the second, for any seed."""
    post = Posterior.load(write_store(tmp_path / "p", (3.0, 1.0)))
    assert post.weight.tolist() == [0.75, 0.25]
    assert post.ess == pytest.approx(1 / (0.75**2 + 0.25**2))
    for seed in (0, 1, 42):
        d = post.draws(4, seed)
        assert sorted(d[SUBS].tolist()) == [12.5e6, 12.5e6, 12.5e6, 37.5e6]
        assert np.array_equal(d[BASS] == 1.0, d[SUBS] == 37.5e6)  # a draw keeps its particle's fields together


def test_same_seed_same_draws_other_seed_other_order(tmp_path: Path) -> None:
    """Draws are a function of the seed: the same seed repeats them, and 1,000 draws hit each particle in proportion."""
    post = Posterior.load(write_store(tmp_path / "p", (0.3, 0.7)))
    a, b = post.draws(1000, 5), post.draws(1000, 5)
    assert np.array_equal(a[SUBS], b[SUBS])
    assert np.mean(a[SUBS] == 37.5e6) == pytest.approx(0.7, abs=0.001)


def test_weighted_index_is_the_inverse_cdf() -> None:
    """Points of [0, 1) map to the particle whose cumulative weight first exceeds them (weights 1, 0, 3)."""
    assert weighted_index(np.array([1.0, 0.0, 3.0]), np.array([0.0, 0.2499, 0.25, 0.9999, 1.0])).tolist() == [0, 0, 2, 2, 2]


def _damage(root: Path, how: str) -> None:
    man = json.loads((root / "manifest.json").read_text())
    if how == "no manifest":
        (root / "manifest.json").unlink()
    elif how == "manifest not json":
        (root / "manifest.json").write_text("{not json")
    elif how == "unfinished":
        man["status"] = "running"
        (root / "manifest.json").write_text(json.dumps(man))
    elif how == "no posterior":
        (root / "posterior.parquet").unlink()
    elif how == "posterior not parquet":
        (root / "posterior.parquet").write_bytes(b"PAR1 garbage")
    elif how == "column missing":
        pd.read_parquet(root / "posterior.parquet").drop(columns=[BASS]).to_parquet(root / "posterior.parquet")
    elif how == "negative weight":
        df = pd.read_parquet(root / "posterior.parquet")
        df["weight"] = [-1.0, 1.0]
        df.to_parquet(root / "posterior.parquet")
    elif how == "out of bounds":
        df = pd.read_parquet(root / "posterior.parquet")
        df[SUBS] = [-5.0, 1.0]
        df.to_parquet(root / "posterior.parquet")
    elif how == "not a field":
        man["parameters"][0]["path"] = "starlink.no_such_field"
        (root / "manifest.json").write_text(json.dumps(man))


@pytest.mark.parametrize(("how", "match"), [
    ("no manifest", r"p: not a posterior directory \(no manifest.json"),
    ("manifest not json", r"manifest.json is not valid JSON"),
    ("unfinished", r"the calibration has not finished \(status 'running'\)"),
    ("no posterior", r"posterior.parquet: missing"),
    ("posterior not parquet", r"posterior.parquet: not a readable Parquet file"),
    ("column missing", r"posterior.parquet: must hold a column per inferred field and the weights \(missing starlink.bass_imitation_per_yr\)"),
    ("negative weight", r"posterior.parquet: weight must be finite and >= 0 with a positive sum \(got -1.0\)"),
    ("out of bounds", r"posterior.parquet: satellite_market.potential_subscribers_initial must be > 0 \(got -5\)"),
    ("not a field", r"posterior.parquet: must hold a column per inferred field"),
])
def test_a_damaged_store_is_one_line_naming_what_is_wrong(tmp_path: Path, how: str, match: str) -> None:
    """Every way a store can be missing or damaged raises one RunDirError line naming the file and what was expected."""
    root = write_store(tmp_path / "p")
    _damage(root, how)
    with pytest.raises(RunDirError, match=match) as info:
        Posterior.load(root)
    assert "\n" not in str(info.value)


def test_no_directory_or_a_file(tmp_path: Path) -> None:
    """A missing path and a file are refused, naming the option."""
    with pytest.raises(RunDirError, match=r"--posterior .*nope: no such directory"):
        Posterior.load(tmp_path / "nope")
    (tmp_path / "f").write_text("x")
    with pytest.raises(RunDirError, match=r"--posterior .*f: must be a posterior directory .* \(got a file\)"):
        Posterior.load(tmp_path / "f")
