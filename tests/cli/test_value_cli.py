"""`ecosim value` and `ecosim audit-report`: readable output, JSON, re-valuation, one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ecosim.model
from ecosim.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _flat(text: str) -> str:
    """Output with line wrapping undone (tables wrap at the console width)."""
    return " ".join(text.split())


@pytest.mark.slow
def test_value_prints_values_gaps_and_requirements(baseline_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table names every entity, every mark with its gap, and what each mark requires."""
    code, out, _ = _run(["value", str(baseline_dir), "--cash-flows", "--entity", "tesla"], capsys)
    assert code == 0
    for text in ("discount rate 7.80%", "sensitivity", "SpaceX + xAI", "Tesla", "OpenAI", "merger", "gap / mark",
                 "What each mark requires", "cash flows behind the value", "terminal"):
        assert text in _flat(out), text


@pytest.mark.slow
def test_value_json_and_revaluation_without_the_model(baseline_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """--wacc re-values the saved run (the model is never built); a higher WACC gives lower values."""

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("re-valuing must not re-simulate")

    monkeypatch.setattr(ecosim.model.EcosimModel, "__init__", boom)
    code, out, _ = _run(["value", str(baseline_dir), "--json"], capsys)
    assert code == 0
    base = json.loads(out)["runs"][0]
    code, out, _ = _run(["value", str(baseline_dir), "--json", "--wacc", "12"], capsys)
    high = json.loads(out)["runs"][0]
    assert high["assumptions"]["wacc"] == pytest.approx(0.12)
    assert high["entities"]["spacex_xai"]["equity_value_usd"] < base["entities"]["spacex_xai"]["equity_value_usd"]  # Tesla's is negative: a higher rate raises it
    assert all(g["like_for_like"]["value_usd"] == g["value_usd"] for g in base["gaps"])
    assert {g["mark"]["entity"] for g in base["gaps"]} == {"SpaceX", "SpaceX+xAI", "xAI", "OpenAI", "Tesla", "Anthropic"}
    assert base["entities"]["tesla"]["cash_flows"][0]["year"] == 2026


@pytest.mark.slow
def test_value_weights_several_runs(baseline_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two run directories with --weights print a probability-weighted table."""
    code, out, _ = _run(["value", str(baseline_dir), str(baseline_dir), "--weights", "0.3,0.7"], capsys)
    assert code == 0 and "Probability-weighted equity value" in out


def test_audit_report_is_readable_offline(capsys: pytest.CaptureFixture[str]) -> None:
    """The audit prints in English from the bundled data, mismatches first; --json lists every check."""
    code, out, _ = _run(["audit-report"], capsys)
    assert code == 0
    for text in ("values SpaceX at $211.5B", "root causes explain", "Rounding", "Method notes", "base share price", "levered beta", "Cost of capital", "Share price", "mismatch", "holds"):
        assert text in _flat(out), text
    code, out, _ = _run(["audit-report", "--json"], capsys)
    data = json.loads(out)
    assert data["summary"]["mismatch"] + data["summary"]["holds"] + data["summary"]["note"] == len(data["checks"])
    assert any(c["id"] == "wacc" and c["status"] == "mismatch" and c["lines"] == [355] for c in data["checks"])
    assert data["root_causes"][0]["id"] == "share_count" and "2.5 %" in data["by_root_cause"]["rounding_tolerance"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["value", "{tmp}/nowhere"], r"error: .*nowhere: no such directory"),
        (["value", "{tmp}"], r"error: .*: not an ecosim run directory \(missing timeseries\.parquet"),
        (["value", "{run}", "--wacc", "abc"], r"error: --wacc must be a percentage such as 9\.2 \(got 'abc'\)"),
        (["value", "{run}", "--wacc", "0.092"], r"error: --wacc is a percentage between 0\.5 and 100"),
        (["value", "{run}", "--terminal-growth", "12"], r"error: --terminal-growth is a percentage between -10 and 10 \(got '12'\)"),
        (["value", "{run}", "--wacc", "3", "--terminal-growth", "3.5"], r"error: .*terminal growth must be below the WACC \(got g=3\.50% >= WACC=3\.00%\)"),
        (["value", "{run}", "--valuation-year", "2050"], r"error: --valuation-year must be a full year of the run .* \(2026-2040\) \(got 2050\)"),
        (["value", "{run}", "{run}", "--weights", "0.5,0.6"], r"error: --weights must sum to 1 \(got 1\.1 for 2 runs\)"),
        (["value", "{run}", "--weights", "1,x"], r"error: --weights must be numbers separated by commas"),
        (["value", "{run}", "--entity", "nasa"], r"error: --entity must be one of spacex_xai, spacex, xai, tesla, openai, anthropic \(got 'nasa'\)"),
        (["value", "{run}", "--terminal", "magic"], r"error: ecosim value: argument --terminal: invalid choice: 'magic'"),
    ],
)
def test_value_bad_input_exits_2_with_one_line(baseline_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    """Bad run directories and bad options: exit status 2 and one line on stderr that says what is wrong."""
    import re

    full = [a.replace("{tmp}", str(tmp_path)).replace("{run}", str(baseline_dir)) for a in argv]
    with pytest.raises(SystemExit) if "invalid choice" in message else _nullcontext():
        code, _, err = _run(full, capsys)
        assert code == 2
        assert len(err.strip().splitlines()) == 1, err
        assert re.search(message, err), err
    if "invalid choice" in message:
        err = capsys.readouterr().err
        assert re.search(message, err) and len(err.strip().splitlines()) == 1


class _nullcontext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


@pytest.mark.slow
def test_value_operational_reruns_the_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--operational re-runs the run's scenario over each lever and reports, per SpaceX+xAI mark, a value or why none."""
    run_dir = tmp_path / "short"
    assert main(["run", "baseline", "--set", "scenario.end_month=2028-12", "--out", str(run_dir), "--no-figures"]) == 0
    capsys.readouterr()
    code, out, _ = _run(["value", str(run_dir), "--operational", "--json"], capsys)
    assert code == 0
    op = json.loads(out)["operational_requirements"]
    fields = {a["field"] for a in op["answers"]}
    assert {"orbital_dc.launch_cost_usd_per_kg", "satellite_market.potential_max", "xai.compute_budget_frac"} <= fields
    assert all(a["required"] is not None or a["note"].startswith("unreachable") for a in op["answers"])
    assert {a["mark"] for a in op["answers"]} == {"SpaceX+xAI 2026-02", "SpaceX+xAI 2026-06"}
