"""Experiments that draw the calibrated history from a posterior: each run's draw follows the weights, its history runs under it, any number of workers gives the same store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ecosim.errors import ExperimentError
from ecosim.experiments import ExperimentStore, load_experiment, run_experiment
from ecosim.results.posterior import Posterior, weighted_index
from tests.experiments.test_runners import data_files
from tests.posterior_store import FIELDS, write_pair, write_store

SUBS, _ = FIELDS

EXPERIMENT = """
[experiment]
name = "posterior_test"
description = "a forward year under a posterior"
scenario = "{forward}"
sampler = "monte_carlo"
size = 6
seed = 3
chunk_size = 4

[outcomes.subscribers_2021]
metric = "starlink_subscribers"
year = 2021
direction = "info"
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Posterior, Path]:
    d = tmp_path_factory.mktemp("pexp")
    _, forward = write_pair(d)
    exp = d / "exp.toml"
    exp.write_text(EXPERIMENT.format(forward=forward), encoding="utf-8")
    post = Posterior.load(write_store(d / "p", (0.75, 0.25)))
    run = run_experiment(load_experiment(exp, posterior=post), d / "one", workers=1)
    assert run.complete and run.ok == 6
    return exp, post, d / "one"


def test_each_run_gets_the_draw_its_point_maps_to(setup: tuple[Path, Posterior, Path]) -> None:
    """The posterior column is a point of [0, 1) (no own uncertainty needed); runs whose point maps to the larger market end 2021 with more subscribers."""
    _, post, root = setup
    res = ExperimentStore(root).table("results")
    u = res["posterior"].to_numpy()
    high = weighted_index(post.weight, u) == 1
    assert ((u >= 0.75) == high).all() and 0 < high.sum() < len(u)
    subs = res["subscribers_2021"].to_numpy()
    assert subs[high].min() > subs[~high].max()
    man = json.loads((root / "manifest.json").read_text())
    assert man["posterior"]["fingerprint"] == "testfingerprint" and man["posterior"]["fields"] == list(FIELDS)
    assert [i["column"] for i in man["inputs"]] == ["posterior"] and man["inputs"][0]["distribution"] is not None


@pytest.mark.slow  # worker processes, end to end (as test_runners.py's test_two_workers_identical_store)
def test_two_workers_write_the_same_store(setup: tuple[Path, Posterior, Path], tmp_path: Path) -> None:
    """Two worker processes give byte-identical tables to one (draws and histories derive from the chunk seeds)."""
    exp, post, root = setup
    run_experiment(load_experiment(exp, posterior=post), tmp_path / "two", workers=2)
    assert data_files(tmp_path / "two") == data_files(root)


def test_another_posterior_in_the_same_store_is_refused(setup: tuple[Path, Posterior, Path], tmp_path: Path) -> None:
    """The posterior's fingerprint is part of the experiment: resuming with another is refused."""
    exp, _, root = setup
    other = write_store(tmp_path / "other")
    man = json.loads((other / "manifest.json").read_text())
    man["fingerprint"] = "another"
    (other / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(ExperimentError, match=r"holds experiment .posterior_test. with a different spec"):
        run_experiment(load_experiment(exp, posterior=Posterior.load(other)), root, workers=1)
    assert np.isfinite(ExperimentStore(root).table("results")["subscribers_2021"]).all()


def test_a_grid_cannot_draw_from_a_posterior(setup: tuple[Path, Posterior, Path], tmp_path: Path) -> None:
    """A grid has no points to map to draws: refused naming the sampler."""
    exp, post, _ = setup
    text = exp.read_text().replace('sampler = "monte_carlo"\nsize = 6', 'sampler = "grid"\nsize = 2') + '\n[levers."xai.compute_budget_frac"]\nvalues = [0.5, 1.0]\nsource = "test"\n'
    grid = tmp_path / "grid.toml"
    grid.write_text(text)
    with pytest.raises(ExperimentError, match=r"experiment.sampler must draw points .* \(got 'grid'\)"):
        load_experiment(grid, posterior=post)
