"""One definition per quantity: `ecosim run`, `ecosim compare`, `ecosim odc-cost` and the scorecard
print the same number under the same name for the same quantity and year."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from ecosim.analysis.quantities import QUANTITIES, month_value, year_value
from ecosim.cli import main
from ecosim.report.numbers import human

YEAR = 2028


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The baseline through `ecosim run`, `ecosim compare RUN_DIR` and `ecosim odc-cost --year 2028 --json`."""
    out: dict[str, object] = {}
    tmp = tmp_path_factory.mktemp("quantities")
    import contextlib
    import io

    def run(argv: list[str]) -> str:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            from ecosim import cli

            cli.console.file = buf
            try:
                assert main(argv) == 0
            finally:
                cli.console.file = None  # type: ignore[assignment]
        return buf.getvalue()

    out["run"] = run(["run", "baseline", "--out", str(tmp / "run"), "--no-figures"])
    run(["compare", str(tmp / "run"), "--out", str(tmp / "cmp")])
    out["odc"] = json.loads(run(["odc-cost", "baseline", "--year", str(YEAR), "--json"]))
    out["ts"] = pd.read_parquet(tmp / "run" / "timeseries.parquet")
    out["outcomes"] = pd.read_csv(tmp / "cmp" / "outcomes.csv", dtype={"column": str})
    out["summary"] = json.loads((tmp / "run" / "summary.json").read_text(encoding="utf-8"))
    return out


def _run_cell(table: str, label: str, year: int) -> str:
    """The cell of ``ecosim run``'s table in the row starting with ``label`` and the column ``year``."""
    header = next(line for line in table.splitlines() if "quantity" in line and str(year) in line)
    years = re.findall(r"\b(20\d\d)\b", header)
    row = next(line for line in table.splitlines() if line.strip("│┃ ").startswith(label))
    cells = [c.strip() for c in row.strip().strip("│").split("│")]
    return cells[1 + years.index(str(year))]


def _compare(outcomes: pd.DataFrame, label: str, column: str) -> float:
    row = outcomes[(outcomes["outcome"] == label) & (outcomes["column"] == column)]
    assert len(row) == 1, (label, column)
    return float(row["median"].iloc[0])


@pytest.mark.parametrize("key", ["spacex_mark", "launch_cost", "odc_cost_ratio", "spacex_revenue", "starlink_subscribers"])
def test_run_and_compare_print_the_same_figure(commands: dict[str, object], key: str) -> None:
    """run's table and compare's outcomes show a quantity under one name with one value per year
    (the mark in January, stocks and prices in December, flows as calendar-year totals)."""
    q = QUANTITIES[key]
    ts = commands["ts"]
    assert isinstance(ts, pd.DataFrame)
    series = {c: ts[c].to_numpy() for c in ts.columns if c != "date"}
    for year in (YEAR, 2040):
        expected = float(year_value(series, list(ts["date"]), q, year)[0])
        printed = _run_cell(str(commands["run"]), q.label, year)
        assert printed == human(expected, q.unit), (q.label, year)
        assert _compare(commands["outcomes"], q.label, str(year)) == pytest.approx(expected, rel=1e-12)  # type: ignore[arg-type]


def test_the_mark_is_read_in_january(commands: dict[str, object]) -> None:
    """The 2040 narrative mark is January 2040's in every command (the issue found December in run, January in compare)."""
    ts = commands["ts"]
    assert isinstance(ts, pd.DataFrame)
    january = float(ts.loc[ts["date"] == "2040-01", "spacex_mark_usd"].iloc[0])
    december = float(ts.loc[ts["date"] == "2040-12", "spacex_mark_usd"].iloc[0])
    assert january != december
    assert _run_cell(str(commands["run"]), "SpaceX+xAI narrative mark", 2040) == human(january, "USD")


def test_odc_cost_agrees_with_run_and_compare(commands: dict[str, object]) -> None:
    """odc-cost's December comparison has the run's December cost ratio; its year figures (cost
    ratio, SpaceX's launch cost, its price to outside customers) are run's and compare's."""
    odc = commands["odc"]
    assert isinstance(odc, dict)
    ratio = _compare(commands["outcomes"], QUANTITIES["odc_cost_ratio"].label, str(YEAR))  # type: ignore[arg-type]
    assert odc["ratio"] == pytest.approx(ratio, rel=1e-9)
    assert odc["year_figures"]["odc_cost_ratio"] == pytest.approx(ratio, rel=1e-12)
    cost = _compare(commands["outcomes"], QUANTITIES["launch_cost"].label, str(YEAR))  # type: ignore[arg-type]
    assert odc["year_figures"]["launch_cost"] == pytest.approx(cost, rel=1e-12)
    assert _run_cell(str(commands["run"]), QUANTITIES["launch_price"].label, YEAR) == human(odc["year_figures"]["launch_price"], "USD/kg")
    assert odc["year_figures"]["launch_price"] > odc["year_figures"]["launch_cost"]  # a price, not the cost


def test_scorecard_values_are_the_series_at_their_month(commands: dict[str, object]) -> None:
    """A scorecard row's value is its metric in the month it reports (the cost-ratio claims too)."""
    summary = commands["summary"]
    ts = commands["ts"]
    assert isinstance(summary, dict) and isinstance(ts, pd.DataFrame)
    series = {c: ts[c].to_numpy() for c in ts.columns if c != "date"}
    checked = 0
    for row in summary["scorecard"]:
        if row["test"].startswith("odc_cost_ratio") and row["when"] and row["value"] is not None:
            assert row["value"] == pytest.approx(float(month_value(series, list(ts["date"]), "odc_cost_ratio", row["when"])[0]), rel=1e-12)
            checked += 1
    assert checked >= 1


def test_summary_json_opens_with_the_valuation(commands: dict[str, object]) -> None:
    """summary.json's headline and valuation come first and agree with compare's equity value."""
    summary = commands["summary"]
    assert isinstance(summary, dict)
    assert list(summary)[:5] == ["ecosim_version", "scenario", "description", "headline", "valuation"]
    v = summary["valuation"]
    assert v["valuation_year"] == 2026
    first = [m for m in v["marks"] if m["mark_date"] == "2026-02"][0]
    assert first["mark_usd"] == 1.25e12
    assert first["value_share_of_mark"] == pytest.approx(v["equity_value_usd"] / 1.25e12)
    outcomes = commands["outcomes"]
    assert isinstance(outcomes, pd.DataFrame)
    value_2028 = _compare(outcomes, QUANTITIES["spacex_equity"].label, str(YEAR))
    assert np.isfinite(value_2028) and value_2028 > 0
    assert human(v["equity_value_usd"], "USD") in summary["headline"][0]
