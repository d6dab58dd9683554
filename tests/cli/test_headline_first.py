"""Headline first (issue 19, item 5): `ecosim run`'s summary, `summary.json`, and the report of
one run (`ecosim report RUN_DIR`, `compare` of one source) state the findings in words — the
value against each SpaceX+xAI mark, the scorecard's counts, the binding constraints — before
any table; the single-run report is a command and the README documents it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from ecosim.cli import main
from ecosim.report.console.run import print_run
from ecosim.run import RunResult
from tests.conftest import Report

ROOT = Path(__file__).resolve().parents[2]
VALUE = re.compile(r"SpaceX\+xAI's equity value on this run's cash flows is \$[\d.]+[BT] at the start of 2026")
COUNTS = re.compile(r"Narrative scorecard: (\d+) of (\d+) testable claims of the seeds come true on time, (\d+) late, (\d+) never, (\d+) still open")


def _check_headline(lines: list[str], n_claims: int) -> None:
    """The three findings, in order: the value against the marks, the scorecard's counts (adding up), what binds."""
    assert VALUE.search(lines[0]) and "like for like" in lines[0] and "of the $1.25T merger mark (2026-02; " in lines[0]
    counts = COUNTS.search(lines[1])
    assert counts is not None
    on_time, testable, late, never, still_open = (int(x) for x in counts.groups())
    assert on_time + late + never + still_open == testable <= n_claims
    assert lines[2].startswith("Binding constraints: ")


def test_run_summary_opens_with_the_headline(baseline_run: RunResult, tmp_path: Path) -> None:
    """`ecosim run`'s console: title, period, then the three sentences, then the first table."""
    console = Console(record=True, width=2000)
    print_run(console, baseline_run, tmp_path, figures=False)
    lines = [ln for ln in console.export_text().splitlines() if ln.strip()]
    assert lines[0].startswith("ecosim run — baseline")
    assert lines[1].startswith("2026-01 → 2040-12 (180 months)")
    _check_headline([ln.removeprefix("baseline — ") for ln in lines[2:5]], len(baseline_run.summary.scorecard))
    assert lines[5].lstrip().startswith("Key outcomes")


def test_summary_json_holds_the_headline_and_the_valuation_first(baseline_dir: Path) -> None:
    d = json.loads((baseline_dir / "summary.json").read_text(encoding="utf-8"))
    assert list(d)[:5] == ["ecosim_version", "scenario", "description", "headline", "valuation"]
    _check_headline([d["headline"][0].replace("**baseline** — ", "").replace("`", ""), *d["headline"][1:]], len(d["scorecard"]))
    marks = {m["mark_date"]: m for m in d["valuation"]["marks"] if m["entity"] == "SpaceX+xAI"}
    merger = marks["2026-02"]
    assert merger["mark_usd"] == 1.25e12
    assert merger["value_share_of_mark"] == pytest.approx(merger["value_usd"] / 1.25e12)
    assert f"{100 * merger['value_share_of_mark']:.0f}% of the $1.25T merger mark (2026-02; " in d["headline"][0]


def test_report_of_one_run(baseline_dir: Path, baseline_report: Report) -> None:
    """`ecosim report RUN_DIR`: the console and report.md open with the headline, report.html has it right after the title."""
    out = baseline_report.out
    printed = [ln for ln in baseline_report.printed.splitlines() if ln.strip()]
    assert printed[0] == "ecosim report — baseline"
    md = (out / "report.md").read_text(encoding="utf-8")
    title, *paragraphs = [p for p in md.split("\n\n") if p.strip()]
    assert title == "# ecosim report: baseline"
    claims = len(json.loads((baseline_dir / "summary.json").read_text(encoding="utf-8"))["scorecard"])
    _check_headline([paragraphs[0].replace("**baseline** — ", "").replace("`", ""), *paragraphs[1:3]], claims)
    assert md.index("Binding constraints") < md.index("## At a glance") < md.index("|")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.split("</h1>", 1)[1].lstrip().startswith('<div class="headline">')
    for name in ("report.md", "report.html", "outcomes.csv", "valuation.csv", "scorecard.csv", "compare.json"):
        assert (out / name).is_file(), name


def test_report_takes_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["report", "a", "b"])
    assert exc.value.code == 2
    assert "unrecognized arguments: b" in capsys.readouterr().err


def test_readme_documents_the_single_run_report() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `ecosim report SOURCE" in readme and "`ecosim report RUN_DIR`" in readme
