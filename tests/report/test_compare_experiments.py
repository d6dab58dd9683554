"""`ecosim compare` with an experiment directory: mixed with a run, fan charts, the scorecard's
probabilities from each run's stored verdicts, and one-line errors for unfinished stores."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ecosim.analysis.scorecard import STATUS_COLUMN, WHEN_COLUMN, evaluate_claim, load_claims
from ecosim.cli import main
from ecosim.compare import compare
from ecosim.results.store import ExperimentStore

pytestmark = pytest.mark.slow  # whole module: every test needs a long run or worker processes

SMALL = """
[experiment]
name = "small_mc"
description = "six Monte Carlo draws of the baseline to 2028"
scenario = "baseline"
sampler = "monte_carlo"
size = 6
seed = 3
replications = 1
chunk_size = 6

[constants]
"scenario.end_month" = "2028-12"

[uncertainties."launch.starship.cost_progress_ratio"]
distribution = "uniform"
low = 0.7
high = 0.9
source = "test"

[uncertainties."capital_market.terminal_growth_pct"]
distribution = "uniform"
low = 2.0
high = 4.0
source = "test"

[outcomes.spacex_launches_2028]
metric = "spacex_launches"
stat = "sum"
year = 2028
direction = "info"
"""
SERIES = ("spacex_revenue_usd", "spacex_fcf_usd", "spacex_alone_fcf_usd", "spacex_capex_usd", "spacex_cash_usd", "xai_cash_usd",
          "xai_premerger_revenue_usd", "xai_premerger_fcf_usd", "xai_premerger_capex_usd", "starlink_satellites")


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A six-run experiment storing the series of SpaceX's accounts and Starlink's satellites."""
    root = tmp_path_factory.mktemp("exp")
    text = SMALL + "".join(f'\n[outcomes.{m}]\nmetric = "{m}"\nstat = "series"\ndirection = "info"\n' for m in SERIES)
    (root / "small.toml").write_text(text, encoding="utf-8")
    assert main(["experiment", "run", str(root / "small.toml"), "--out", str(root / "small"), "--workers", "1", "--no-analysis"]) == 0
    return root / "small"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "baseline"
    assert main(["run", "baseline", "--set", "scenario.end_month=2028-12", "--no-figures", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, run_dir: Path, experiment: Path):  # type: ignore[no-untyped-def]
    return compare([str(run_dir), str(experiment)], tmp_path_factory.mktemp("cmp") / "mixed")


def test_every_run_stores_its_verdicts(experiment: Path) -> None:
    """The experiment's outcomes table holds each run's verdict and month for every bundled claim."""
    out = ExperimentStore(experiment).table("outcomes")
    for c in load_claims():
        assert STATUS_COLUMN + c.id in out.columns and WHEN_COLUMN + c.id in out.columns
    assert set(out[STATUS_COLUMN + "cybercab_april_2026"]) == {"true"}
    assert set(out[WHEN_COLUMN + "cybercab_april_2026"]) == {"2026-04"}
    assert set(out[STATUS_COLUMN + "tesla_solar_100gw_yr"]) == {"not modelled"}


def test_mixing_a_run_and_an_experiment(mixed, run_dir: Path, experiment: Path) -> None:  # type: ignore[no-untyped-def]
    """A run directory and an experiment directory compare: the experiment's members are its six runs, its table cells are medians with [p10, p90]."""
    run, exp = mixed.sources
    assert (run.kind, run.members, exp.kind, exp.members) == ("run", 1, "experiment", 6)
    assert exp.series["starlink_satellites"].shape == (36, 6)
    tidy = mixed.outcomes.set_index(["outcome", "column", "source"])
    launches = ExperimentStore(experiment).table("outcomes")["spacex_launches_2028"].to_numpy()
    row = tidy.loc[("SpaceX launches", "2028", "small_mc")]
    assert_allclose([row["median"], row["p10"], row["p90"]], [np.median(launches), np.quantile(launches, 0.1), np.quantile(launches, 0.9)])
    sats = exp.series["starlink_satellites"][-1]
    assert_allclose(tidy.loc[("Starlink satellites", "2028", "small_mc"), "median"], np.median(sats))
    md = (mixed.out_dir / "report.md").read_text(encoding="utf-8")
    assert re.search(r"\| 2028 \| [\d,.]+ \| [\d,.]+ \[[\d,.]+, [\d,.]+\] \|", md)
    value = tidy.loc[("SpaceX+xAI equity value", "2028", "small_mc")]
    assert np.isfinite(value["median"]) and value["members"] == 6  # valued from the stored account series, each run at its own growth
    # the headline's marks, like for like over the members: each run's value at the valuation date carried to the
    # merger mark's month (2026-02) at its own rate, plus the scheduled raises of SpaceX and xAI in between (by hand)
    sm = mixed.marks["small_mc"]
    start = exp.dates.index(f"{sm.year}-01")
    v = exp.equity["spacex"][start]
    rates = np.array([a.wacc for a in exp.assumptions])
    cm = exp.scenario_data["capital_market"]
    months = (2026 - sm.year) * 12 + 1
    raised = sum(r["usd"] for r in cm.get("raises", []) if r["company"] in ("spacex", "xai") and f"{sm.year}-01" <= r["month"] < "2026-02")
    merger = next(c for c in sm.comparisons if c.mark_date == "2026-02")
    assert months >= 0 and merger.value_usd == pytest.approx(float(np.median(v * (1 + rates) ** (months / 12) + raised)), rel=1e-12)
    assert f"{100 * merger.share:.0f}% of the $1.25T merger mark (2026-02; " in next(line for line in mixed.headline if "small_mc" in line)


def test_experiment_scorecard_is_probability_and_median_year(mixed, experiment: Path) -> None:  # type: ignore[no-untyped-def]
    """For an experiment, a claim's probability on time and median year come from its runs' stored verdicts."""
    out = ExperimentStore(experiment).table("outcomes")
    card = pd.read_csv(mixed.out_dir / "scorecard.csv").set_index(["label", "id"])
    for claim_id in ("valuation_1_25t", "cybercab_large_scale_2026", "chips_unpowered_2026"):
        status = out[STATUS_COLUMN + claim_id]
        when = out[WHEN_COLUMN + claim_id]
        row = card.loc[("small_mc", claim_id)]
        assert_allclose(row["p_on_time"], (status == "true").mean())
        assert_allclose(row["p_by_end"], status.isin(["true", "late"]).mean())
        came = when[status.isin(["true", "late"])]
        assert (np.isnan(row["median_year"]) and came.empty) or row["median_year"] == np.median(came.str[:4].astype(int))


def test_stored_verdicts_match_scoring_the_stored_series(mixed) -> None:  # type: ignore[no-untyped-def]
    """Where the series a claim reads are stored, its stored verdicts equal the claim scored on them."""
    exp = mixed.sources[1]
    stored = {e.claim.id: e for e in mixed.scorecard["small_mc"]}
    claim = next(c for c in load_claims() if c.id == "fcf_positive_from_2026")
    again = evaluate_claim(claim, exp.series, exp.dates)
    assert again.status.tolist() == stored[claim.id].status.tolist()
    assert again.when.tolist() == stored[claim.id].when.tolist()


def test_html_embeds_every_figure_with_fans(mixed) -> None:  # type: ignore[no-untyped-def]
    """The mixed report has every figure as an interactive chart; the experiment is drawn as a fan
    (median and the 10-90 % band, in the chart's CSV too)."""
    html = (mixed.out_dir / "report.html").read_text(encoding="utf-8")
    pngs = {p.stem for p in (mixed.out_dir / "figures").glob("*.png")}
    assert pngs <= set(re.findall(r'<div class="chart" data-chart="([^"]+)">', html))
    heads = {name: base64.b64decode(data).decode().splitlines()[0] for name, data in re.findall(r'download="(series_\w+)\.csv" href="data:text/csv;base64,([^"]+)"', html)}
    assert "panel,source,date,value,unit,p10,p90" in heads.values(), heads
    assert "experiments: median, 50% and 80% bands" in html or "median with 50% and 80% bands" in html
    assert "small_mc" in (mixed.out_dir / "report.md").read_text(encoding="utf-8")
    assert any("varied: uniform" in str(v) for v in mixed.differences["small_mc"])


def test_unfinished_experiment_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], experiment: Path, run_dir: Path) -> None:
    """An experiment directory without a finished chunk, or with a foreign manifest, is named in one line; exit 2."""
    empty = tmp_path / "empty"
    shutil.copytree(experiment, empty)
    shutil.rmtree(empty / "runs")
    code = main(["compare", str(run_dir), str(empty), "--out", str(tmp_path / "r")])
    _, err = capsys.readouterr()
    assert code == 2 and re.search(r"empty: the experiment has no finished chunk yet", err) and len(err.strip().splitlines()) == 1
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "manifest.json").write_text('{"format": "something-else"}')
    code = main(["compare", str(run_dir), str(foreign), "--out", str(tmp_path / "r")])
    _, err = capsys.readouterr()
    assert code == 2 and "manifest.json format must be 'ecosim-experiment/1'" in err
    assert not (tmp_path / "r").exists()
