"""The command line: the run contract, readable output, exit 2 with one line on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ecosim.cli import main
from tests.conftest import write_toml


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_run_writes_the_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ecosim run` writes timeseries, ledger, summary, resolved scenario and figures, and prints the calibration."""
    out_dir = tmp_path / "hist"
    code, out, _ = _run(["run", "scenarios/history.toml", "--out", str(out_dir), "--seed", "2020"], capsys)
    assert code == 0
    for name in ("timeseries.parquet", "ledger.parquet", "summary.json", "scenario.toml", "network.json"):
        assert (out_dir / name).is_file(), name
    assert sorted(p.name for p in (out_dir / "figures").glob("*.png")) == [
        "compute_by_source.png", "data_by_source.png", "launches_and_cost.png", "network.png", "starlink.png"]
    ts = pd.read_parquet(out_dir / "timeseries.parquet")
    assert ts.columns[0] == "date" and ts["date"].iloc[0] == "2020-01" and len(ts) == 72
    ledger = pd.read_parquet(out_dir / "ledger.parquet")
    assert list(ledger.columns[:9]) == ["step", "date", "member", "from", "to", "commodity", "quantity", "unit", "usd"]
    summary = json.loads((out_dir / "summary.json").read_text())
    for key in ("scenario", "seed", "start", "end", "agents_by_kind", "final", "totals_by_commodity"):
        assert key in summary
    assert summary["seed"] == 2020 and summary["agents_by_kind"]["pv_supplier"] == 4
    asserted = [c for c in summary["calibration"] if c["asserted"] and c["status"] not in ("not represented", "outside the run")]
    assert len(asserted) >= 28 and all(c["within_25pct"] for c in asserted)
    n = len(asserted)
    assert "Calibration against public history" in out and f"{n} of {n} calibration checks within ±25%" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "no_such.toml"], r"error: no_such\.toml: no such scenario file"),
        (["run", "baseline", "--set", "launch.falcon.payload_t=-1"], r"error: --set launch\.falcon\.payload_t=-1: launch\.falcon\.payload_t must be > 0\.0 \(got -1\)"),
        (["run", "baseline", "--set", "launch.falcon.nope=1"], r"error: --set launch\.falcon\.nope: no such field"),
        (["run", "baseline", "--set", 'exchange.disable=["a->b:data"]'], r"exchange\.disable\[0\] must name an edge of the network \(got 'a->b:data'"),
        (["odc-cost", "baseline", "--set", "orbital_dc.launch_cost_usd_per_kg=-5"], r"orbital_dc\.launch_cost_usd_per_kg must be > 0\.0 \(got -5\)"),
        (["odc-cost", "baseline", "--set", "orbital_dc.sunlight_fraction=1.5"], r"orbital_dc\.sunlight_fraction must be <= 1\.0 \(got 1\.5\)"),
        (["odc-cost", "baseline", "--set", "orbital_dc.lifetime_yr=0"], r"orbital_dc\.lifetime_yr must be > 0\.0 \(got 0\)"),
        (["odc-cost", "baseline", "--year", "2101"], r"--year 2101: must be within the scenario's years 2026-2040 \(got 2101\)"),
        (["odc-cost", "baseline", "--sweep", "launch_cost_usd_per_kg=30:20:5"], r"--sweep launch_cost_usd_per_kg=30:20:5: must have 0 < START < STOP"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    """Bad input: exit status 2, one line on stderr naming what was wrong, nothing written."""
    out_dir = tmp_path / "never"
    full = [*argv, "--out", str(out_dir)] if argv[0] == "run" else argv
    code, _, err = _run(full, capsys)
    assert code == 2
    import re

    assert re.search(message, err), err
    assert len(err.strip().splitlines()) == 1
    assert not out_dir.exists()


def test_bad_file_content_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario file with an unknown key: exit 2, the file and field named."""
    path = write_toml(tmp_path, "mine.toml", 'extends = "baseline"\n[starlink]\nlifetime = 5\n')
    code, _, err = _run(["run", str(path), "--out", str(tmp_path / "x")], capsys)
    assert code == 2 and "mine.toml: starlink.lifetime is not a known field (did you mean starlink.lifetime_yr?)" in err
    assert not (tmp_path / "x").exists()


def test_scenarios_lists_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["scenarios"], capsys)
    assert code == 0
    for name in ("baseline", "history", "musk_narrative", "skeptic", "china_pv", "kuiper_race", "regulatory_drag"):
        assert name in out


def test_odc_cost_json_and_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """odc-cost --json has the documented keys; --sweep writes the PNG; items add up to the totals."""
    png = tmp_path / "sweep.png"
    code, out, _ = _run(["odc-cost", "baseline", "--set", "orbital_dc.launch_cost_usd_per_kg=200", "--json", "--sweep", "launch_cost_usd_per_kg=20:3000:50", "--out", str(png)], capsys)
    assert code == 0
    d = json.loads(out)
    for key in ("orbital_total_usd", "terrestrial_total_usd", "ratio", "breakeven_launch_usd_per_kg", "orbital_usd_per_mwh", "orbital_items_usd"):
        assert key in d
    assert abs(sum(d["orbital_items_usd"].values()) - d["orbital_total_usd"]) < 1e-3 * d["orbital_total_usd"]
    assert d["launch_cost_usd_per_kg"] == 200 and d["launch_cost_source"] == "orbital_dc.launch_cost_usd_per_kg"
    assert png.is_file() and len(d["sweep"]["launch_cost_usd_per_kg"]) == 60


def test_odc_cost_takes_the_launch_cost_from_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a set launch cost, December's comparison uses SpaceX's internal cost the builder read
    (November's, on its learning curve) and its ratio is the run's December odc_cost_ratio."""
    code, out, _ = _run(["odc-cost", "baseline", "--year", "2027", "--json"], capsys)
    assert code == 0
    d = json.loads(out)
    assert d["year"] == 2027 and d["month"] == "2027-12" and "learning curve" in d["launch_cost_source"]
    assert 50 < d["launch_cost_usd_per_kg"] < 500
    assert d["ratio"] == pytest.approx(d["year_figures"]["odc_cost_ratio"], rel=1e-12)


def test_odc_cost_table_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["odc-cost", "skeptic", "--set", "orbital_dc.launch_cost_usd_per_kg=500"], capsys)
    assert code == 0
    for text in ("satellite hardware", "interconnection wait (WACC)", "orbital / terrestrial cost ratio, 2026-12 =", "break-even launch cost", "price to outside customers"):
        assert text in out


def test_edges_lists_the_network(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["edges", "baseline", "--json"], capsys)
    edges = {e["edge"] for e in json.loads(out)}
    assert code == 0 and {"spacex_launch->orbital_dc:launch_mass", "tesla_fleet->xai:data", "xai->tesla_fleet:capability"} <= edges


def test_odc_cost_cross_check_and_conventions(capsys: pytest.CaptureFixture[str]) -> None:
    """--cross-check needs no scenario and prints each published model against its reproduction
    (JSON too); the parser's convention names are the cost model's; a missing scenario is one line."""
    from ecosim.cli import ODC_CONVENTIONS
    from ecosim.economics.odc_cost import CONVENTIONS

    assert tuple(sorted(CONVENTIONS)) == ODC_CONVENTIONS
    code, out, _ = _run(["odc-cost", "--cross-check"], capsys)
    assert code == 0 and "mccalip baseline" in out and "starcloud 40 MW" in out and "levelised" in out
    code, out, _ = _run(["odc-cost", "--cross-check", "--json"], capsys)
    rows = json.loads(out)
    assert code == 0 and all(abs(r["orbital_error_frac"]) < 0.05 for r in rows)
    code, _, err = _run(["odc-cost"], capsys)
    assert code == 2 and err.strip() == "error: odc-cost: give a SCENARIO (or --cross-check)"
