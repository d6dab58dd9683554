"""One definition per quantity: `ecosim run`, `ecosim compare`, `ecosim odc-cost` and the scorecard
print the same number under the same name for the same quantity and year."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecosim.analysis.quantities import QUANTITIES, month_value, year_value
from ecosim.cli import main
from ecosim.numbers import human
from tests.conftest import Report

YEAR = 2028


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory, baseline_run: object, baseline_report: Report) -> dict[str, object]:
    """The baseline through `ecosim run` (printing the session's baseline run: the same scenario and
    seed, not simulated again), `ecosim compare RUN_DIR` (the session's single-run report of the
    baseline's run directory, `ecosim report RUN_DIR`) and `ecosim odc-cost --year 2028 --json`."""
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

    import ecosim.run

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ecosim.run, "run_scenario", lambda *a, **k: baseline_run)
        out["run"] = run(["run", "baseline", "--out", str(tmp / "run"), "--no-figures"])
    out["odc"] = json.loads(run(["odc-cost", "baseline", "--year", str(YEAR), "--json"]))
    out["ts"] = pd.read_parquet(tmp / "run" / "timeseries.parquet")
    out["outcomes"] = pd.read_csv(baseline_report.out / "outcomes.csv", dtype={"column": str})
    out["summary"] = json.loads((tmp / "run" / "summary.json").read_text(encoding="utf-8"))
    out["tmp"] = tmp
    out["report"] = baseline_report.out
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
    # what the orbital builder pays per kg (its transfer price, at cost) is named as such, never "launch cost"
    assert "transfer price" in odc["launch_cost_source"] and "not the cheapest vehicle's cost per kg" in odc["launch_cost_source"]


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
    first = [m for m in v["marks"] if m["entity"] == "SpaceX+xAI" and m["mark_date"] == "2026-02"][0]
    assert first["mark_usd"] == 1.25e12
    assert first["value_share_of_mark"] == pytest.approx(first["value_usd"] / 1.25e12, rel=1e-12)
    assert first["value_usd"] > v["equity_value_usd"]  # carried a month at a positive rate, plus xAI's Series E booked in 2026-01
    outcomes = commands["outcomes"]
    assert isinstance(outcomes, pd.DataFrame)
    value_2028 = _compare(outcomes, QUANTITIES["spacex_equity"].label, str(YEAR))
    assert np.isfinite(value_2028) and value_2028 > 0
    assert human(v["equity_value_usd"], "USD") in summary["headline"][0]


# --------------------------------------------------------------------- the value against each mark


def _share_text(share: float) -> str:
    return f"{100 * share:.0f}%"


def test_every_mark_is_one_number_in_every_command(commands: dict[str, object], baseline_run: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Each mark against its entity like for like (issue 16 item 2, issue 19 items 5-6): the value
    compared and its share of the mark are the same number in `ecosim run --json`, summary.json,
    `ecosim value --json`, the compare report (two runs) and the single-run report (the session's
    `ecosim report RUN_DIR` of the same baseline, which is `compare RUN_DIR`), and each headline sentence
    prints that share for every SpaceX+xAI mark. (`run --json` reuses the session's baseline run,
    the same seed and scenario as the module's: it is not simulated again; the two-run compare
    draws no figure, `--no-figures`, as none is read here.)"""
    import ecosim.run

    tmp = commands["tmp"]
    assert isinstance(tmp, Path)
    monkeypatch.setattr(ecosim.run, "run_scenario", lambda *a, **k: baseline_run)
    assert main(["run", "baseline", "--json", "--no-figures", "--out", str(tmp_path / "run")]) == 0
    run_json = json.loads(capsys.readouterr().out)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert main(["value", str(tmp / "run"), "--json"]) == 0
    value = json.loads(capsys.readouterr().out)["runs"][0]
    assert main(["compare", str(tmp / "run"), str(tmp_path / "run"), "--out", str(tmp_path / "cmp"), "--no-figures"]) == 0
    assert "figures/" not in capsys.readouterr().out and not (tmp_path / "cmp" / "figures").exists()  # the numbers only: no figure drawn
    reports = {"cmp": tmp_path / "cmp", "rep": commands["report"]}

    # ecosim value's rows are the definition; run --json and summary.json hold every one of them
    gaps = {(g["mark"]["entity"], g["mark"]["date"], g["mark"]["kind"]): g for g in value["gaps"]}
    assert run_json["valuation"] == summary["valuation"]
    held = {(m["entity"], m["mark_date"], m["kind"]): m for m in summary["valuation"]["marks"]}
    assert held.keys() == gaps.keys() and len(held) >= 10
    for key, m in held.items():
        assert m["value_usd"] == pytest.approx(gaps[key]["value_usd"], rel=1e-12), key
        assert m["value_share_of_mark"] == pytest.approx(gaps[key]["value_usd"] / gaps[key]["mark"]["value_usd"], rel=1e-12), key
    assert summary["valuation"]["equity_value_usd"] == pytest.approx(value["entities"]["spacex_xai"]["equity_value_usd"], rel=1e-12)
    for k, e in summary["valuation"]["entities"].items():
        assert e["equity_value_usd"] == pytest.approx(value["entities"][k]["equity_value_usd"], rel=1e-12), k

    # the merger mark: the value at 2026-01 carried one month at the discount rate plus xAI's Series E booked in January (by hand)
    merger = gaps[("SpaceX+xAI", "2026-02", next(k for e, d, k in gaps if e == "SpaceX+xAI" and d == "2026-02"))]
    rate = value["assumptions"]["wacc"]
    by_hand = value["entities"]["spacex_xai"]["equity_value_usd"] * (1 + rate) ** (1 / 12) + 20e9
    assert merger["value_usd"] == pytest.approx(by_hand, rel=1e-9)

    # the reports: valuation.csv's value at each SpaceX+xAI mark, and every headline sentence
    spacex = {k: g for k, g in gaps.items() if k[0] == "SpaceX+xAI"}
    sentences = {"run --json": run_json["headline"][0], "summary.json": summary["headline"][0]}
    for name, folder in reports.items():
        table = pd.read_csv(folder / "valuation.csv")
        rows = table[table["company"] == "SpaceX+xAI"]
        assert len(rows) == (2 if name == "cmp" else 1)
        for (entity, date, kind), g in spacex.items():
            col = f"value at {entity} {date} {kind} [USD]"
            assert rows[col].to_numpy() == pytest.approx(g["value_usd"], rel=1e-12), (name, col)
        marks_json = json.loads((folder / "compare.json").read_text(encoding="utf-8"))["marks"]
        assert len(marks_json) == len(rows)
        for label, listed in marks_json.items():  # every mark of every entity, as value --json sets it
            assert {(m["entity"], m["mark_date"], m["kind"]) for m in listed} == gaps.keys(), (name, label)
            for m in listed:
                assert m["value_usd"] == pytest.approx(gaps[m["entity"], m["mark_date"], m["kind"]]["value_usd"], rel=1e-12), (name, label, m["kind"])
        md = (folder / "report.md").read_text(encoding="utf-8")
        every = md.split("Every mark, like for like", 1)[1].split("\n## ", 1)[0]
        for (entity, date, kind), g in gaps.items():
            share = g["value_usd"] / g["mark"]["value_usd"]
            assert f"| {entity} | {kind} | {date} | {g['mark']['basis']} | {human(g['mark']['value_usd'], 'USD')} | {human(g['value_usd'], 'USD')} ({_share_text(share)})" in every, (name, kind)
        glance = md.split("## At a glance", 1)[1].split("\n## ", 1)[0]
        assert glance.count(f"{human(merger['value_usd'], 'USD')} in 2026-02, {_share_text(merger['value_usd'] / 1.25e12)} of the $1.25T merger mark (like for like)") == len(rows)
        heads = [p for p in md.split("\n\n") if "SpaceX+xAI's equity value" in p]
        assert len(heads) == len(rows)
        sentences.update({f"{name} report.md #{i}": h for i, h in enumerate(heads)})
        sentences.update({f"{name} compare.json #{i}": h for i, h in enumerate(x for x in json.loads((folder / "compare.json").read_text())["headline"] if "equity value" in x)})
    assert len(sentences) == 2 + 2 * (2 + 1)
    for where, text in sentences.items():
        assert human(value["entities"]["spacex_xai"]["equity_value_usd"], "USD") + " at the start of 2026" in text, where
        for (_, date, kind), g in spacex.items():
            share = g["value_usd"] / g["mark"]["value_usd"]
            printed = f"{_share_text(share)} of the {human(g['mark']['value_usd'], 'USD')} {kind.split(' (')[0]} mark ({date}; {human(g['value_usd'], 'USD')} then)"
            assert printed in text, (where, printed)

    # the scorecard judges each valuation claim on a mark at the mark's month on that same number (issue 16 item 4,
    # issue 19 item 6): summary.json (ecosim run) and both reports' scorecards hold value --json's value
    from ecosim.analysis.scorecard import load_claims

    on_mark = {c.id: c for c in load_claims() if c.mark is not None}
    assert {c.short_source for c in on_mark.values()} == {"000:5", "000:34", "001:4", "002:485"}
    cards = {"summary.json": summary["scorecard"], **{f"{name} compare.json": json.loads((folder / "compare.json").read_text())["scorecard"]
                                                      for name, folder in reports.items()}}
    for where, card in cards.items():
        rows = [r for r in card if r["id"] in on_mark]
        assert len(rows) == len(on_mark) * (2 if where == "cmp compare.json" else 1), where
        for r in rows:
            c = on_mark[r["id"]]
            m = c.mark.resolve()  # type: ignore[union-attr]
            g = gaps[m.entity, m.date, m.kind]
            assert r["value"] == pytest.approx(g["value_usd"], rel=1e-9), (where, c.short_source)
            t = c.test
            assert t is not None
            lo, hi = (t.threshold, np.inf) if t.op == ">=" else t.threshold  # type: ignore[misc]
            assert r["when"] == m.date and r["status"] == ("true" if lo <= g["value_usd"] <= hi else "false"), (where, c.short_source)
    assert [r["value"] for r in summary["scorecard"] if r["id"] == "valuation_1_25t"] == [pytest.approx(merger["value_usd"], rel=1e-9)]
