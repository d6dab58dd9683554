"""`ecosim compare`: the acceptance comparison of three bundled scenarios, a run against itself,
the self-contained HTML report, what differs, and one-line errors for bad arguments."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ecosim.cli import main
from ecosim.compare import compare
from ecosim.report.outcomes import OUTCOMES
from ecosim.run import RunResult, write_run

pytestmark = pytest.mark.slow  # whole module: every test needs a long run or worker processes


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`ecosim compare scenarios/baseline.toml scenarios/musk_narrative.toml scenarios/skeptic.toml --out DIR` (the acceptance command)."""
    out = tmp_path_factory.mktemp("cmp") / "three"
    code = main(["compare", "scenarios/baseline.toml", "scenarios/musk_narrative.toml", "scenarios/skeptic.toml", "--out", str(out)])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def baseline_dir(tmp_path_factory: pytest.TempPathFactory, baseline_run: RunResult) -> Path:
    return write_run(baseline_run, tmp_path_factory.mktemp("runs") / "baseline", figures=False)


def test_acceptance_writes_table_figures_reports_and_scorecard(three: Path) -> None:
    """Comparing the three bundled scenarios writes the outcomes table, the figures, report.md, report.html, the scorecard and each scenario's run."""
    for name in ("report.md", "report.html", "outcomes.csv", "scorecard.csv", "valuation.csv", "bridge.csv", "differences.csv", "compare.json"):
        assert (three / name).is_file(), name
    figures = sorted(p.name for p in (three / "figures").glob("*.png"))
    assert figures == ["bridge.png", "scorecard.png", "series_ai.png", "series_compute.png", "series_finance.png", "series_launch.png", "series_starlink.png"]
    for name in ("baseline", "musk_narrative", "skeptic"):
        assert (three / "runs" / name / "timeseries.parquet").is_file()
    md = (three / "report.md").read_text(encoding="utf-8")
    for heading in ("## At a glance", "## Sources", "## Key outcomes by year", "## Narrative scorecard", "## Time series",
                    "## Valuation and the gap to the marks", "## Valuation bridge", "## Loops", "## What differs"):
        assert heading in md
    for fig in figures:
        assert f"(figures/{fig})" in md
    tidy = pd.read_csv(three / "outcomes.csv", dtype={"column": str})
    assert set(tidy["column"]) == {"2028", "2030", "2035", "2040"}
    assert set(tidy["source"]) == {"baseline", "musk_narrative", "skeptic"}
    assert set(tidy["outcome"]) == {o.label for o in OUTCOMES}
    card = pd.read_csv(three / "scorecard.csv")
    assert set(card["label"]) == {"baseline", "musk_narrative", "skeptic"}
    assert card.groupby("label").size().nunique() == 1


def test_outcomes_match_the_runs(three: Path) -> None:
    """Table values are the runs' own numbers: a calendar-year sum, a December stock, and the difference to the first source."""
    tidy = pd.read_csv(three / "outcomes.csv", dtype={"column": str}).set_index(["outcome", "column", "source"])
    ts = {n: pd.read_parquet(three / "runs" / n / "timeseries.parquet") for n in ("baseline", "musk_narrative")}
    launches = {n: t.loc[t["date"].str.startswith("2030"), "spacex_launches"].sum() for n, t in ts.items()}
    assert_allclose(tidy.loc[("SpaceX launches", "2030", "musk_narrative"), "median"], launches["musk_narrative"])
    assert_allclose(tidy.loc[("SpaceX launches", "2030", "musk_narrative"), "diff_to_first"], launches["musk_narrative"] - launches["baseline"])
    sats = ts["baseline"].loc[ts["baseline"]["date"] == "2035-12", "starlink_satellites"].iloc[0]
    assert_allclose(tidy.loc[("Starlink satellites", "2035", "baseline"), "median"], sats)
    gap = tidy.loc[("Valuation gap (mark - value)", "2030", "skeptic"), "median"]
    mark = tidy.loc[("SpaceX+xAI narrative mark", "2030", "skeptic"), "median"]
    value = tidy.loc[("SpaceX+xAI equity value", "2030", "skeptic"), "median"]
    assert_allclose(gap, mark - value)


def test_html_report_embeds_every_figure(three: Path) -> None:
    """report.html is self-contained: every figure of figures/ is there as its interactive chart
    (plotly.js embedded once, no script or image linked), and report.md links the PNGs."""
    html = (three / "report.html").read_text(encoding="utf-8")
    charts = set(re.findall(r'<div class="chart" data-chart="([^"]+)">', html))
    pngs = {p.stem for p in (three / "figures").glob("*.png")}
    assert pngs <= charts and "valuation" in charts
    assert html.count("<script type=\"text/javascript\">/**\n* plotly.js") == 1
    assert not re.search(r'<script[^>]+src=|<img src="(?!data:)', html)
    assert "figures/" not in re.sub(r"<p>.*?</p>|<td>.*?</td>|<em>.*?</em>", "", html)
    assert "<table>" in html and "Narrative scorecard" in html


def test_what_differs_lists_changed_fields(three: Path) -> None:
    """What differs: the resolved scenarios' changed fields with each source's value, e.g. the Starship operational month."""
    diff = pd.read_csv(three / "differences.csv", dtype=str).set_index("parameter")
    row = diff.loc["launch.starship.operational_month"]
    assert (row["musk_narrative"], row["skeptic"]) == ("2026-03", "2027-06")
    assert diff.loc["orbital_dc.capacity_gw", "unit"] == "GW"
    assert "scenario.name" not in diff.index


def test_a_run_compared_with_itself_shows_no_difference(tmp_path: Path, baseline_dir: Path) -> None:
    """A run against itself: every difference is zero, no field differs, nothing diverges, and both scorecards agree."""
    result = compare([str(baseline_dir), str(baseline_dir)], tmp_path / "same")
    assert [s.label for s in result.sources] == ["baseline", "baseline #2"]
    diffs = result.outcomes["diff_to_first"].to_numpy(dtype=float)
    assert np.all((diffs == 0) | np.isnan(diffs)) and np.isfinite(diffs).sum() > 50
    assert result.differences.empty and result.divergence == {"baseline #2": []}
    (spacex, tesla) = result.bridges
    for pb in (spacex, tesla):
        assert pb.bridge.value_a == pb.bridge.value_b and all(v == 0 for _, v in pb.bridge.steps)
    a, b = (result.scorecard[label] for label in ("baseline", "baseline #2"))
    assert [e.status.tolist() for e in a] == [e.status.tolist() for e in b]
    md = (tmp_path / "same" / "report.md").read_text(encoding="utf-8")
    assert "No scenario field differs" in md and "does not differ from **baseline**" in md


def test_compare_json_lists_sources_and_scorecard(three: Path) -> None:
    """compare.json names the reference, every source with its period and rates, and the scorecard rows."""
    data = json.loads((three / "compare.json").read_text(encoding="utf-8"))
    assert data["reference"] == "baseline"
    assert [s["label"] for s in data["sources"]] == ["baseline", "musk_narrative", "skeptic"]
    assert data["sources"][0]["start"] == "2026-01" and data["sources"][0]["end"] == "2040-12"
    assert len(data["scorecard"]) == 3 * len({r["id"] for r in data["scorecard"]})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: [str(tmp / "nowhere"), "baseline"], r"error: \S*nowhere: no such run directory, experiment directory or scenario file \(bundled scenarios: "),
        (lambda tmp: [str(tmp), "baseline"], r"error: \S+: not a run or experiment directory \(no summary\.json or manifest\.json\)"),
        (lambda tmp: [str(tmp / "ledger.csv"), "baseline"], r"error: \S+ledger\.csv: must be a run directory, an experiment directory or a scenario file \(\.toml\) \(got a \.csv file\)"),
    ],
)
def test_bad_argument_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, message: str) -> None:
    """A missing or foreign argument: exit status 2, one line on stderr naming it, and no report written."""
    (tmp_path / "ledger.csv").write_text("x\n")
    (tmp_path / "notes.txt").write_text("x\n")
    out = tmp_path / "report"
    code = main(["compare", *make(tmp_path), "--out", str(out)])  # type: ignore[operator]
    _, err = capsys.readouterr()
    assert code == 2
    assert re.search(message, err), err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".report.tmp-*"))


def test_incomplete_run_directory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], baseline_dir: Path) -> None:
    """A run directory missing a file ecosim run writes is named with the missing file; exit 2."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "summary.json").write_text((baseline_dir / "summary.json").read_text())
    code = main(["compare", str(baseline_dir), str(broken), "--out", str(tmp_path / "r")])
    _, err = capsys.readouterr()
    assert code == 2 and re.search(r"broken: not an ecosim run directory \(missing timeseries\.parquet, ledger\.parquet, scenario\.toml, network\.json\)", err)


def test_run_whose_scenario_no_longer_loads_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], baseline_dir: Path) -> None:
    """A run directory whose scenario.toml does not load with this version (e.g. lacks a field added since) is named with the field; exit 2."""
    import shutil

    old = tmp_path / "old"
    shutil.copytree(baseline_dir, old)
    text = (old / "scenario.toml").read_text(encoding="utf-8")
    (old / "scenario.toml").write_text(re.sub(r"(?m)^attrition_pct_per_yr = .*\n", "", text), encoding="utf-8")
    code = main(["compare", str(baseline_dir), str(old), "--out", str(tmp_path / "r")])
    _, err = capsys.readouterr()
    assert code == 2 and re.search(r"old/scenario\.toml: the run's scenario no longer loads: .*attrition_pct_per_yr is required", err)
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "r").exists()


def test_bridge_adds_up_to_the_values_in_the_table(three: Path) -> None:
    """Each bridge starts at the first run's equity value and ends at the other's (as in valuation.csv), its steps adding up exactly."""
    bridge = pd.read_csv(three / "bridge.csv")
    values = pd.read_csv(three / "valuation.csv").set_index(["source", "company"])["equity_value_usd"]
    for (to, company), g in bridge.groupby(["to", "company"]):
        start, end = g["change_usd"].iloc[0], g["change_usd"].iloc[-1]
        assert_allclose(start, values[("baseline", company)], rtol=1e-9)
        assert_allclose(end, values[(to, company)], rtol=1e-9)
        assert_allclose(start + g["change_usd"].iloc[1:-1].sum(), end, rtol=1e-9, atol=1.0)
    assert set(bridge["to"]) == {"musk_narrative", "skeptic"}


def test_compare_json_is_strict() -> None:
    """NaN never reaches compare.json (strict JSON: null instead)."""
    import json

    from ecosim.report.compare import _clean

    text = json.dumps(_clean({"a": float("nan"), "b": [np.float64("inf"), 1.0]}), allow_nan=False)
    assert text == '{"a": null, "b": [null, 1.0]}'
