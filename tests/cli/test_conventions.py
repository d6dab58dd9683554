"""Command-line conventions: --version, bare commands print help, --json wherever a table is
printed, --quiet, a results query that fits the terminal, compare's progress with counts."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from ecosim.cli import build_parser, main
from ecosim.report.console.compare import CompareProgress
from ecosim.report.console.experiment import fit_columns, print_query
from ecosim.report.progress import REPORT_STEPS, Step, plan_steps


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_version_names_ecosim_mesa_and_python(capsys: pytest.CaptureFixture[str]) -> None:
    """`ecosim --version` prints the installed version (pyproject's), Mesa's and Python's, and exits 0."""
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ecosim {version('ecosim')} (Mesa {version('mesa')}, Python 3.")


@pytest.mark.parametrize(("argv", "lists"), [([], ("run", "compare", "scenarios", "experiment", "results", "viz")),
                                             (["experiment"], ("run", "analyze", "show", "list")),
                                             (["results"], ("query",))])
def test_bare_command_prints_its_help(capsys: pytest.CaptureFixture[str], argv: list[str], lists: tuple[str, ...]) -> None:
    """Bare `ecosim` (or a bare command group) prints its help on stdout and exits 0, like --help."""
    code, out, err = _run(argv, capsys)
    assert code == 0 and err == ""
    assert out.startswith("usage: ecosim")
    for name in lists:
        assert f"\n    {name} " in out, name


def _leaves(parser: object, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    """Every runnable command of the parser: its path of names -> its parser."""
    import argparse

    assert isinstance(parser, argparse.ArgumentParser)
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {path: parser}
    out: dict[tuple[str, ...], object] = {}
    for name, child in subs[0].choices.items():
        out.update(_leaves(child, (*path, name)))
    return out


#: commands that print no table of results: they serve a page, or print calibration progress
#: and Markdown the README reads (calibrate's tables have --markdown)
WITHOUT_JSON = {("viz",), ("calibrate",)}


def test_every_command_that_prints_a_table_takes_json_and_quiet() -> None:
    """--json on every command but the page and calibrate; -q/--quiet on every command."""
    leaves = _leaves(build_parser())
    assert len(leaves) >= 15
    for path, parser in leaves.items():
        flags = {s for a in parser._actions for s in a.option_strings}  # type: ignore[attr-defined]
        assert "--quiet" in flags and "-q" in flags, path
        assert ("--json" in flags) != (path in WITHOUT_JSON), path


@pytest.mark.parametrize(("argv", "first"), [(["scenarios", "--json"], {"name": "baseline", "start": "2026-01", "end": "2040-12"}),
                                             (["experiment", "list", "--json"], {"name": "discovery_valuation", "sampler": "lhs", "runs": 4000})])
def test_listing_json(capsys: pytest.CaptureFixture[str], argv: list[str], first: dict[str, object]) -> None:
    """`scenarios --json` and `experiment list --json` print a JSON list of what their tables show."""
    code, out, _ = _run(argv, capsys)
    rows = json.loads(out)
    assert code == 0 and {k: rows[0][k] for k in first} == first
    assert all(r["description"] for r in rows)


def test_experiment_show_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`experiment show --json`: the run count (N=512 x (30+2) Sobol' draws), every input with its source, every outcome."""
    code, out, _ = _run(["experiment", "show", "sobol_valuation", "--json"], capsys)
    d = json.loads(out)
    assert code == 0 and d["runs"] == 512 * 32 and d["sampler"] == "sobol"
    assert len(d["inputs"]) == 30 and all(i["source"] for i in d["inputs"])
    assert d["outcomes"] and {"outcome", "metric", "direction", "unit"} <= set(d["outcomes"][0])


@pytest.fixture(scope="module")
def history_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, str, Path]:  # type: ignore[type-arg]
    """`ecosim run history --json --no-figures`: the parsed JSON, stdout, stderr and the run directory."""
    out_dir = tmp_path_factory.mktemp("conv") / "hist"
    import contextlib
    import io

    o, e = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
        assert main(["run", "history", "--out", str(out_dir), "--no-figures", "--json"]) == 0
    return json.loads(o.getvalue()), o.getvalue(), e.getvalue(), out_dir


def test_run_json_is_summary_json_with_every_years_outcomes(history_json: tuple[dict, str, str, Path]) -> None:  # type: ignore[type-arg]
    """`run --json` prints only JSON: where it wrote, summary.json's object (headline, valuation first) and each year's key outcomes."""
    d, _, _, out_dir = history_json
    summary = json.loads((out_dir / "summary.json").read_text())
    assert d["out"] == str(out_dir)
    assert {k: d[k] for k in summary} == summary
    assert list(d)[1:5] == ["ecosim_version", "scenario", "description", "headline"]
    rows = {r["key"]: r for r in d["key_outcomes"]}
    assert [y for y in rows[next(iter(rows))] if y.isdigit()] == [str(y) for y in range(2020, 2026)]
    ts = pd.read_parquet(out_dir / "timeseries.parquet")
    launches = [k for k in rows if "launch" in k and rows[k]["unit"] in ("", "-", "flights/yr", "launches/yr")]
    assert launches, list(rows)
    k = launches[0]
    assert rows[k]["2024"] == pytest.approx(float(ts.loc[ts["date"].str.startswith("2024"), k].sum()) if k in ts else rows[k]["2024"])


def test_quiet_run_prints_the_headline_and_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ecosim -q run` and `ecosim run -q`: the headline sentences and the directory on stdout, nothing on stderr, no tables."""
    for i, argv in enumerate((["-q", "run", "history"], ["run", "history", "--quiet"])):
        out_dir = tmp_path / f"r{i}"
        code, out, err = _run([*argv, "--out", str(out_dir), "--no-figures", "--set", "scenario.end_month=2021-12"], capsys)  # two years: valued, scored
        assert code == 0 and err == ""
        lines = out.strip().splitlines()
        assert lines[-1] == f"Wrote {out_dir}"
        assert "equity value" in out and "Narrative scorecard:" in out
        assert "Key outcomes" not in out and "Calibration against public history" not in out
    code, _, err = _run(["-q", "run", "no_such.toml"], capsys)
    assert code == 2 and "no such scenario file" in err  # errors are never silenced


def test_query_table_fits_the_width_and_says_what_it_left_out() -> None:
    """79 columns (40 empty) in 80 characters: the columns that fit, whole; the notes name the empty and the left-out columns and --csv."""
    df = pd.DataFrame({f"input_{i:02d}": [1.5 * i, 2.0 * i] for i in range(39)} | {f"unset_{i:02d}": [None, None] for i in range(40)})
    df.insert(0, "run_id", ["r0", "r1"])
    shown, left, empty = fit_columns(df, 80)
    assert empty == [f"unset_{i:02d}" for i in range(40)]
    assert shown[0] == "run_id" and len(shown) + len(left) == 40 and left[-1] == "input_38"
    assert len(shown) == 1 + (80 - 1 - 9) // 11  # run_id 6+3, then 8+3 per input_NN column
    out = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    notes = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    print_query(out, df, 50, notes=notes)
    table = out.export_text()
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "input_01" in table and "unset_00" not in table and "…" not in table
    said = notes.export_text()
    assert "2 rows" in said and "40 columns are empty" in said and "--csv or --json for every column" in said
    assert f"showing {len(shown)} of 40 columns" in said and "input_38" in said


def test_compare_progress_counts_steps_and_months(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a terminal: a line per step (and every 10 s within one) with step k of N, months simulated of the plan's, the ETA at the rate so far."""
    now = [0.0]
    monkeypatch.setattr("ecosim.report.console.compare.time.perf_counter", lambda: now[0])
    err = Console(record=True, width=300, file=open("/dev/null", "w"))  # noqa: SIM115
    steps = plan_steps([("a", "scenario", 120), ("b", "scenario", 120), ("r", "run", 60), ("c", "scenario", 60)], posterior=False, draws=0)
    assert steps == [Step("running a", 120), Step("running b", 120), Step("running c", 60),
                     *[Step(x, 0) for x in REPORT_STEPS]]
    with CompareProgress(err) as p:
        p.plan(steps)
        p.step("running a")  # at 0: no month yet, no ETA
        now[0] = 9.0
        p.months(120, 120)  # 120 months in 9 s: no line within the step before 10 s
        now[0] = 10.0
        p.step("running b")  # 120 of 300 at 10 s: 180 left at 12 months/s = 15 s
        now[0] = 25.0
        p.months(60, 120)  # 15 s into the step: a line; 180 of 300 at 25 s: 120 left at 7.2 months/s
        now[0] = 30.0
        p.months(120, 120)
        p.step("running c")  # 240 of 300 at 30 s: 60 left at 8 months/s = 7.5 s
        now[0] = 39.0
        p.months(60, 60)
        now[0] = 40.0
        p.step(REPORT_STEPS[0])  # at 40 s: all simulated, no ETA
    lines = err.export_text().splitlines()
    assert lines == [
        "compare, step 1 of 5 (0 of 300 months simulated, 0:00:00 elapsed): running a",
        "compare, step 2 of 5 (120 of 300 months simulated, 0:00:10 elapsed, ETA of the simulations 0:00:15): running b",
        "compare, step 2 of 5 (180 of 300 months simulated, 0:00:25 elapsed, ETA of the simulations 0:00:17): running b",
        "compare, step 3 of 5 (240 of 300 months simulated, 0:00:30 elapsed, ETA of the simulations 0:00:08): running c",
        f"compare, step 4 of 5 (300 of 300 months simulated, 0:00:40 elapsed): {REPORT_STEPS[0]}",
    ]


def test_compare_progress_on_a_terminal_draws_a_bar() -> None:
    """On a terminal the same calls drive a rich progress bar (months of the plan) and print no lines; quiet draws nothing."""
    for quiet in (False, True):
        err = Console(record=True, force_terminal=True, width=120, quiet=quiet, file=open("/dev/null", "w"))  # noqa: SIM115
        with CompareProgress(err) as p:
            p.plan([Step("running a", 12), Step(REPORT_STEPS[0], 0)])
            assert (p.bar is not None) != quiet
            p.step("running a")
            p.months(12, 12)
            if p.bar is not None:
                assert p.bar.tasks[0].completed == 12 and p.bar.tasks[0].total == 12
            p.step(REPORT_STEPS[0])
        assert "months simulated" not in err.export_text()  # no log lines
