"""One line, exit 2, for every bad input and fault, and nothing written: undecodable, huge or
deeply nested files; NaN, infinities and numbers past their bounds; unbounded work (horizons,
experiment sizes, sweeps, texts) refused up front with an estimate; bad options; damaged run
folders; error text shown as it is (never as markup)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.experiments.helpers import TINY
from tests.safety.helpers import SHORT, cli, refused, strict_json, tree

ROOT = Path(__file__).resolve().parents[2]
CALIBRATION = (ROOT / "ecosim" / "data" / "calibration.toml").read_text(encoding="utf-8")


def _sub(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _short(**fields: str) -> str:
    """SHORT with ``[scenario]`` fields replaced or added (values as TOML)."""
    text = SHORT
    for key, value in fields.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M) if re.search(rf"^{key} = ", text, flags=re.M) else text + f"{key} = {value}\n"
    return text


def _section(section: str, key: str, value: str) -> str:
    return SHORT + f"\n[{section}]\n{key} = {value}\n"


def _ceiled_field() -> str:
    """A scenario field (not in a list) without an upper bound of its own: its unit's ceiling holds it."""
    from ecosim.scenario.loader import all_schema_paths
    from ecosim.scenario.params import field_info
    from ecosim.scenario.schema import ceiling

    return next(p for p in all_schema_paths() if "[" not in p and not p.startswith("scenario.") and ceiling(field_info(p)) is not None and "." in p)


_CEILED = _ceiled_field()

#: scenario files: id -> (file content, pattern of the one line)
SCENARIO_FILES: dict[str, tuple[str | bytes, str]] = {
    "not utf-8": (SHORT.replace("for tests", "für Tests").encode("latin-1"), r"s\.toml: not UTF-8 text \(byte 0xfc at offset \d+\)"),
    "binary": (bytes(range(256)) * 4, r"s\.toml: (not UTF-8 text|TOML syntax error)"),
    "nul bytes": (b"\x00" * 64, r"s\.toml: TOML syntax error"),
    "utf-16": (SHORT.encode("utf-16"), r"s\.toml: not UTF-8 text"),
    "deep inline arrays": ("x = " + "[" * 3000 + "]" * 3000 + "\n", r"s\.toml: nests tables and lists (too deeply|\d+ levels deep)"),
    "deep tables": ("[" + ".".join(["a"] * 3000) + "]\nb = 1\n", r"s\.toml: nests tables and lists 3001 levels deep \(at most 32\)"),
    "deep inline tables": ("x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n", r"s\.toml: nests tables and lists (too deeply|\d+ levels deep)"),
    "syntax error": (SHORT + "oops = \n", r"s\.toml: TOML syntax error"),
    "nan": (_section("launch.falcon", "payload_t", "nan"), r"launch\.falcon\.payload_t must be a finite number \(got nan\)"),
    "inf": (_section("launch.falcon", "payload_t", "inf"), r"launch\.falcon\.payload_t must be a finite number \(got inf\)"),
    "minus inf": (_section("tesla", "price_elasticity", "-inf"), r"tesla\.price_elasticity must be a finite number \(got -inf\)"),
    "1e308": (_section("launch.falcon", "payload_t", "1e308"), r"launch\.falcon\.payload_t must be <= 1e\+06 \[t\], the ceiling of its unit: .*\(got 1e\+308\)"),
    "huge usd": (_section("capital_market", "cash_initial_usd", "{spacex = 1e300}"), r"capital_market\.cash_initial_usd must be <= 1e\+15 \[USD\]"),
    "nan in a table of numbers": (_section("capital_market", "cash_initial_usd", "{spacex = nan}"), r"cash_initial_usd\.spacex must be a finite number"),
    "field held by its unit's ceiling": (_section(*_CEILED.rsplit(".", 1)[0:1], _CEILED.rsplit(".", 1)[1], "1e300"), rf"{re.escape(_CEILED)} must be <= [0-9e+.]+ \[[^\]]+\], the ceiling of its unit"),
    "int past int64": (_section("scenario", "seed", "99999999999999999999"), r"s\.toml: TOML syntax error|seed must be"),
    "end month 9999": (_short(end_month='"9999-12"'), r"scenario\.end_month must be a month from 1950-01 to 2200-12 \(got '9999-12'\)"),
    "a century and more": (_short(end_month='"2199-12"'), r"end_month must be at most 1,200 months after start_month .* would take about \d+ s per member"),
    "month 0000": (_short(start_month='"0000-01"'), r"start_month must be a month from 1950-01 to 2200-12"),
    "100 kB description": (_short(description='"' + "x" * 100_000 + '"'), r"scenario\.description must have at most 2,000 characters \(got 100,000\)"),
    "100 kB name": (_short(name='"' + "n" * 100_000 + '"'), r"scenario\.name must have at most 100 characters \(got 100,000\)"),
    "markup in a value": (_section("launch.falcon", "payload_t", '"[/bold]"'), r"payload_t must be a number \(got '\[/bold\]' \(str\)\)"),
    "extends itself": ('extends = "s.toml"\n', r"extends must not form a cycle"),
    "extends a binary": ('extends = "bin.dat"\n', r"bin\.dat: not UTF-8 text"),
    "extends a folder": ('extends = "adir"\n', r"extends names 'adir', which is not a scenario"),
}


@pytest.mark.parametrize(("content", "pattern"), list(SCENARIO_FILES.values()), ids=list(SCENARIO_FILES))
def test_bad_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes, pattern: str) -> None:
    """A bad scenario file: exit 2, one line naming the file, field and cause; nothing written."""
    path = tmp_path / "s.toml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (tmp_path / "bin.dat").write_bytes(b"\xff\xfe" * 10)
    (tmp_path / "adir").mkdir()
    before = tree(tmp_path)
    refused(cli(["run", "s.toml", "--no-figures"], tmp_path, capsys), before, tmp_path, pattern)


def test_oversized_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 25 MB scenario file is refused before it is parsed."""
    (tmp_path / "s.toml").write_text(SHORT + "#" * 25_000_000 + "\n", encoding="utf-8")
    before = tree(tmp_path)
    refused(cli(["run", "s.toml"], tmp_path, capsys), before, tmp_path, r"s\.toml: too large for a data file \(25,000,\d+ bytes; at most 20,000,000\)")


def test_scenario_that_is_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder given as the scenario: exit 2, one line."""
    (tmp_path / "d.toml").mkdir()
    before = tree(tmp_path)
    refused(cli(["run", "d.toml"], tmp_path, capsys), before, tmp_path, r"d\.toml: no such scenario file")


#: --set options: id -> (option, pattern)
SETS: dict[str, tuple[str, str]] = {
    "index not a number": ("launch.starship.versions[x].payload_t=5", r"--set launch\.starship\.versions\[x\]\.payload_t: must be a field path: .* \(got 'versions\[x\]'\)"),
    "negative index": ("launch.starship.versions[-1].payload_t=5", r"must be a field path: .* \(got 'versions\[-1\]'\)"),
    "index past the end": ("launch.starship.versions[99].payload_t=5", r"index \[99\] is past the end of the list"),
    "empty part": ("launch..payload_t=5", r"must be a field path"),
    "no equals": ("launch.falcon.payload_t", r"expected path\.to\.field=value \(got no '='\)"),
    "empty path": ("=5", r"expected path\.to\.field=value \(got an empty path\)"),
    "unknown field": ("launch.falcon.payload=5", r"no such field in the scenario schema \(did you mean launch\.falcon\.payload_t\?\)"),
    "nan": ("launch.falcon.payload_t=nan", r"must be a finite number \(got nan\)"),
    "inf": ("launch.falcon.payload_t=inf", r"must be a finite number \(got inf\)"),
    "-inf": ("capital_market.terminal_growth_pct=-inf", r"must be a finite number \(got -inf\)"),
    "1e308": ("orbital_dc.nre_usd=1e308", r"must be <= 1e\+15 \[USD\]"),
    "seed -5": ("scenario.seed=-5", r"scenario\.seed must be >= 0 \(got -5\)"),
    "markup in a bare word": ("launch.falcon.payload_t=[/bold]", r"--set launch\.falcon\.payload_t=\[/bold\]: launch\.falcon\.payload_t must be a number"),
    "deeply nested value": ("exchange.disable=" + "[" * 5000 + "]" * 5000, r"the value nests lists and tables too deeply"),
    "long value": ("scenario.description=" + "y" * 50_000, r"scenario\.description must have at most 2,000 characters \(got 50,000\)"),
    "end month far": ("scenario.end_month=9999-12", r"scenario\.end_month must be a month from 1950-01 to 2200-12"),
    "a wrong type": ("tesla.factories=5", r"tesla\.factories must be a list"),
}


@pytest.mark.parametrize(("option", "pattern"), list(SETS.values()), ids=list(SETS))
def test_bad_set_option(tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, pattern: str) -> None:
    """A bad --set: exit 2, one line naming the option; long options are cut in the message."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    before = tree(tmp_path)
    line = refused(cli(["run", "s.toml", "--no-figures", "--set", option], tmp_path, capsys), before, tmp_path, pattern)
    assert len(line) < 1000


#: options: id -> (argv, pattern)
OPTIONS: dict[str, tuple[list[str], str]] = {
    "--seed -5": (["run", "s.toml", "--seed", "-5"], r"argument --seed: must be a seed from 0 to 9,223,372,036,854,775,807 \(got -5\)"),
    "--seed 2**64": (["run", "s.toml", "--seed", str(2**64)], r"argument --seed: must be a seed from 0"),
    "--seed abc": (["run", "s.toml", "--seed", "abc"], r"argument --seed: must be a seed, a whole number \(got 'abc'\)"),
    "--seed markup": (["run", "s.toml", "--seed", "[/x]"], r"\(got '\[/x\]'\)"),
    "flywheel --seed -1": (["flywheel", "s.toml", "--seed", "-1"], r"argument --seed: must be a seed"),
    "flywheel --seeds 0": (["flywheel", "s.toml", "--seeds", "0"], r"argument --seeds: must be a count"),
    "compare --seed -1": (["compare", "s.toml", "s.toml", "--seed", "-1"], r"argument --seed: must be a seed"),
    "--workers 0": (["experiment", "run", "e.toml", "--workers", "0"], r"--workers must be >= 1 \(got 0\)"),
    "--workers 10**6": (["experiment", "run", "e.toml", "--workers", "1000000"], r"--workers must be <= 1,024"),
    "calibrate --workers -1": (["calibrate", "--workers", "-1"], r"--workers must be >= 1 \(got -1\)"),
    "calibrate --trajectories 10**9": (["calibrate", "--screen", "--trajectories", "1000000000"], r"argument --trajectories: must be a number of trajectories from 2 to 10,000"),
    "--scheduler nonsense": (["experiment", "run", "e.toml", "--scheduler", "nonsense"], r"--scheduler 'nonsense': must be tcp://HOST:PORT or tls://HOST:PORT"),
    "--scheduler no port": (["experiment", "run", "e.toml", "--scheduler", "tcp://127.0.0.1"], r"must be tcp://HOST:PORT"),
    "--scheduler port 99999": (["experiment", "run", "e.toml", "--scheduler", "tcp://127.0.0.1:99999"], r"the port must be from 1 to 65535 \(got 99999\)"),
    "--scheduler ftp": (["experiment", "run", "e.toml", "--scheduler", "ftp://127.0.0.1:8786"], r"the protocol must be tcp or tls"),
    "--scheduler with --workers": (["experiment", "run", "e.toml", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], r"--workers and --scheduler exclude each other"),
    "--max-rows -1": (["results", "query", "nowhere", "SELECT 1", "--max-rows", "-1"], r"argument --max-rows: must be a count from 1"),
    "--top 0": (["audit-report", "--top", "0"], r"argument --top: must be a count from 1"),
    "--port 70000": (["viz", "--port", "70000"], r"--port 70000: must be a port number from 1 to 65535"),
    "odc-cost --year 10**6": (["odc-cost", "s.toml", "--year", "1000000"], r"argument --year: must be a year from 1,950 to 2,200"),
    "--sweep inf": (["odc-cost", "baseline", "--sweep", "launch_cost_usd_per_kg=10:inf:1"], r"START, STOP and STEP must be finite numbers"),
    "--sweep nan": (["odc-cost", "baseline", "--sweep", "launch_cost_usd_per_kg=nan:100:1"], r"START, STOP and STEP must be finite numbers"),
    "--sweep 10**9 points": (["odc-cost", "baseline", "--sweep", "launch_cost_usd_per_kg=1:1000000:0.001"], r"must give at most 10,000 points \(got 999,999,001\)"),
    "--sweep past the bound": (["odc-cost", "baseline", "--sweep", "launch_cost_usd_per_kg=1:1e300:1e290"], r"STOP must be <= 1e\+06 USD/kg"),
    "--sweep other field": (["odc-cost", "baseline", "--sweep", "payload_t=1:2:1"], r"only the launch price can be swept"),
    "value --weights nan": (["value", "{run}", "{run}", "--weights", "nan,nan"], r"--weights must be finite numbers \(got nan, nan\)"),
    "value --weights inf": (["value", "{run}", "{run}", "--weights", "inf,-inf"], r"--weights must be finite numbers"),
    "value --exit-multiple nan": (["value", "{run}", "--terminal", "exit", "--exit-multiple", "nan"], r"argument --exit-multiple: must be a finite number \(got 'nan'\)"),
    "value --exit-multiple inf": (["value", "{run}", "--terminal", "exit", "--exit-multiple", "inf"], r"argument --exit-multiple: must be a finite number"),
    "value --wacc nan": (["value", "{run}", "--wacc", "nan"], r"--wacc must be a finite percentage"),
    "value --valuation-year 1": (["value", "{run}", "--valuation-year", "1"], r"argument --valuation-year: must be a year from 1,950"),
}


@pytest.fixture(scope="module")
def run_dir(baseline_dir: Path) -> Path:
    """A baseline run folder (no figures): the session's (only read here; a test that damages
    one damages a copy)."""
    return baseline_dir


@pytest.mark.parametrize(("argv", "pattern"), list(OPTIONS.values()), ids=list(OPTIONS))
def test_bad_option(tmp_path: Path, capsys: pytest.CaptureFixture[str], run_dir: Path, argv: list[str], pattern: str) -> None:
    """A bad option value: exit 2 and one line, before any work; nothing written."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    (tmp_path / "e.toml").write_text(TINY, encoding="utf-8")
    before = tree(tmp_path)
    argv = [a.replace("{run}", str(run_dir)) for a in argv]
    refused(cli(argv, tmp_path, capsys), before, tmp_path, pattern)


#: experiment files: id -> (TINY with (old, new) replaced, pattern)
EXPERIMENTS: dict[str, tuple[tuple[str, str], str]] = {
    "high inf": (("high = 25e6", "high = inf"), r"uncertainties\.launch\.starship\.cost_per_flight_usd_floor\.high must be a finite number \(got inf\)"),
    "low nan": (("low = 2.0", "low = nan"), r"uncertainties\.capital_market\.terminal_growth_pct\.low must be a finite number \(got nan\)"),
    "high 1e308": (("high = 25e6", "high = 1e308"), r"must draw values <= 1e\+15, the field's bound"),
    "lever nan": (("values = [0.5, 1.0]", "values = [0.5, nan]"), r"levers\.xai\.compute_budget_frac must be finite \(got nan\)|must be a finite number"),
    "lever inf": (("values = [0.5, 1.0]", "values = [inf]"), r"levers\.xai\.compute_budget_frac"),
    "discrete nan": (('distribution = "uniform"\nlow = 2.0\nhigh = 4.0', 'distribution = "discrete"\nvalues = [2.0, nan]'), r"values\[1\] must be a finite number"),
    "weights nan": (('distribution = "uniform"\nlow = 2.0\nhigh = 4.0', 'distribution = "discrete"\nvalues = [2.0, 3.0]\nweights = [nan, 1.0]'), r"weights\[0\] must be a finite number"),
    "size 5e7": (("size = 3", "size = 50000000"), r"experiment\.size makes 2 lever settings x 50,000,000 draws x 2 seeds = 200,000,000 runs \(about [\d,.]+ GB of tables and [\d,.]+ days of CPU\); at most 10,000,000 runs"),
    "size 1e12": (("size = 3", "size = 1000000000000"), r"experiment\.size makes .* = 4,000,000,000,000 runs"),
    "size as a float": (("size = 3", "size = 5e7"), r"experiment\.size must be an integer \(got 50000000\.0\)"),
    "lever steps 1e8": (("values = [0.5, 1.0]", "low = 0.1\nhigh = 1.0\nsteps = 100000000"), r"levers\.xai\.compute_budget_frac\.steps must be <= 10000"),
    "replications 1e9": (("replications = 2", "replications = 1000000000"), r"experiment\.replications must be <= 10000"),
    "seed -1": (("seed = 11", "seed = -1"), r"experiment\.seed must be >= 0"),
    "100 kB description": (('description = "tiny test experiment"', 'description = "' + "d" * 100_000 + '"'), r"experiment\.description must have at most 2,000 characters"),
    "100 kB source": (('source = "seed 002"', 'source = "' + "s" * 100_000 + '"'), r"\.source must have at most 2,000 characters"),
    "name with a path": (('name = "tiny"', 'name = "' + "../" * 40 + 'etc"'), r"experiment\.name must have at most 100 characters"),
    "same field twice": (('[levers."xai.compute_budget_frac"]', '[uncertainties."xai.compute_budget_frac"]\ndistribution = "uniform"\nlow = 0.5\nhigh = 1.0\nsource = "x"\n\n[levers."xai.compute_budget_frac"]'),
                         r"is already set in \[uncertainties\]: a field varies in one place only"),
    "constant end month 9999": (('"scenario.end_month" = "2026-12"', '"scenario.end_month" = "9999-12"'), r"constants\.scenario\.end_month must be a month from 1950-01 to 2200-12"),
    "bad index in a path": (('[levers."xai.compute_budget_frac"]', '[levers."launch.starship.versions[x].payload_t"]'), r"is not a field of the scenario schema"),
    "not utf-8": (("tiny test experiment", "t\xefny"), r"e\.toml: not UTF-8 text"),
}


@pytest.mark.parametrize(("change", "pattern"), list(EXPERIMENTS.values()), ids=list(EXPERIMENTS))
def test_bad_experiment_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], pattern: str) -> None:
    """A bad experiment file: `experiment show` and `experiment run` exit 2 with one line, at once, writing nothing."""
    text = _sub(TINY, *change)
    data = text.encode("latin-1") if "not utf-8" in pattern or "not UTF-8" in pattern else text.encode("utf-8")
    (tmp_path / "e.toml").write_bytes(data)
    before = tree(tmp_path)
    refused(cli(["experiment", "show", "e.toml"], tmp_path, capsys), before, tmp_path, pattern)
    refused(cli(["experiment", "run", "e.toml", "--out", "store", "--workers", "1"], tmp_path, capsys), before, tmp_path, pattern)


#: calibration files: id -> ((old, new) in the bundled calibration.toml, pattern)
CALIBRATIONS: dict[str, tuple[tuple[str, str], str]] = {
    "prior high inf": (("high = 263\n", "high = inf\n"), r"high must be a finite number \(got inf\)"),
    "prior low nan": (("low = 87.65", "low = nan"), r"low must be a finite number \(got nan\)"),
    "discrepancy nan": (("model_discrepancy_frac = 0.10", "model_discrepancy_frac = nan"), r"calibration\.model_discrepancy_frac must be a finite number"),
    "particles 1e12": (("particles = 2000", "particles = 1000000000000"), r"calibration\.particles must be <= 1000000"),
    "seed -1": (("seed = 2020", "seed = -1"), r"calibration\.seed must be >= 0"),
    "budget 1e15": (("max_simulations = 22000", "max_simulations = 1000000000000000"), r"calibration\.max_simulations must be <= 1000000000000"),
    "long description": (('description = "The history', 'description = "' + "z" * 5000 + ' The history'), r"calibration\.description must have at most 2,000 characters"),
    "not utf-8": (("The history's uncertain", "The hist\xf6ry's uncertain"), r"c\.toml: not UTF-8 text"),
}


@pytest.mark.parametrize(("change", "pattern"), list(CALIBRATIONS.values()), ids=list(CALIBRATIONS))
def test_bad_calibration_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], pattern: str) -> None:
    """A bad calibration file: `ecosim calibrate` exits 2 with one line before simulating, writing nothing."""
    text = _sub(CALIBRATION, *change).replace('scenario = "history"', 'scenario = "history"', 1)
    data = text.encode("latin-1") if "UTF-8" in pattern else text.encode("utf-8")
    (tmp_path / "c.toml").write_bytes(data)
    before = tree(tmp_path)
    refused(cli(["calibrate", "c.toml", "--out", "post"], tmp_path, capsys), before, tmp_path, pattern)


def test_damaged_posterior_chunk_is_simulated_again(tmp_path: Path) -> None:
    """A truncated chunk file of a calibration in progress is removed and reported as not stored (so it runs again)."""
    import numpy as np

    from ecosim.calibration.store import PosteriorStore

    store = PosteriorStore(tmp_path / "post")
    store.save_chunk(0, 0, 3, np.ones((4, 2)), ["a", "b"])
    path = tmp_path / "post" / "chunks" / "g000-m0" / "chunk-0003.parquet"
    assert store.load_chunk(0, 0, 3) is not None
    path.write_bytes(path.read_bytes()[:40])
    assert store.load_chunk(0, 0, 3) is None and not path.exists()


#: damage done to a copy of a run folder: id -> (damage, pattern)
RUN_DAMAGE = {
    "binary summary": (lambda d: (d / "summary.json").write_bytes(b"\x89PNG\r\n\x1a\n\xff\x00"), r"summary\.json: not UTF-8 text"),
    "truncated summary": (lambda d: (d / "summary.json").write_text('{"scenario": '), r"summary\.json is not valid JSON"),
    "nested summary": (lambda d: (d / "summary.json").write_text("[" * 100_000 + "]" * 100_000), r"summary\.json: (not an ecosim file \(nested too deeply\)|nests tables and lists)"),
    "summary is a list": (lambda d: (d / "summary.json").write_text("[]"), r"summary\.json: not an ecosim run summary"),
    "truncated timeseries": (lambda d: (d / "timeseries.parquet").write_bytes((d / "timeseries.parquet").read_bytes()[:200]), r"timeseries\.parquet: not a readable Parquet file"),
    "nan in the ledger": (lambda d: _edit_parquet(d / "ledger.parquet", "usd", float("nan")), r"ledger\.parquet: damaged: column 'usd' holds nan in row 0"),
    "inf in the timeseries": (lambda d: _edit_parquet(d / "timeseries.parquet", "spacex_revenue_usd", float("inf")), r"timeseries\.parquet: damaged: metric 'spacex_revenue_usd' holds inf"),
    "network missing": (lambda d: (d / "network.json").unlink(), r"not an ecosim run directory \(missing network\.json\)"),
    "binary scenario": (lambda d: (d / "scenario.toml").write_bytes(b"\xff" * 10), r"scenario\.toml: the run's scenario no longer loads: .*not UTF-8 text"),
}


def _edit_parquet(path: Path, column: str, value: float) -> None:
    df = pd.read_parquet(path)
    df.loc[0, column] = value
    df.to_parquet(path, index=False)


@pytest.mark.parametrize(("damage", "pattern"), list(RUN_DAMAGE.values()), ids=list(RUN_DAMAGE))
def test_damaged_run_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], run_dir: Path, damage, pattern: str) -> None:  # type: ignore[no-untyped-def]
    """A damaged run folder: `ecosim value` exits 2 with one line naming the file and what is wrong."""
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    damage(copy)
    before = tree(tmp_path)
    refused(cli(["value", "run"], tmp_path, capsys), before, tmp_path, pattern)


def test_summary_json_is_strict_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """summary.json holds no NaN or Infinity tokens (a history row the run does not represent is null)."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    assert cli(["run", "s.toml", "--out", "r", "--no-figures"], tmp_path, capsys).code == 0
    data = strict_json(tmp_path / "r" / "summary.json")
    assert isinstance(data, dict) and any(row["model"] is None for row in data["calibration"])


def test_error_text_is_never_markup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Messages with [/x], [bold] or [uncertainties] are printed as they are (they crashed the printer or lost words)."""
    (tmp_path / "[bold]x.toml").write_text("= broken\n", encoding="utf-8")
    result = cli(["run", "[bold]x.toml"], tmp_path, capsys)
    assert result.code == 2 and "[bold]x.toml: TOML syntax error" in result.error_line
    result = cli(["run", "[/x].toml"], tmp_path, capsys)
    assert result.code == 2 and "[/x].toml: no such scenario file" in result.error_line


def test_broken_pipe_on_piped_json(tmp_path: Path) -> None:
    """`ecosim edges --json | head -c 10`: no traceback, exit 0 (it raised BrokenPipeError)."""
    cmd = f"{sys.executable} -m ecosim.cli edges history --json | head -c 10 > /dev/null; echo ${{PIPESTATUS[0]}}"  # history: no warm-up run to wait for
    done = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "0" and "Traceback" not in done.stderr and done.stderr.strip() == "", done.stderr


def _unshare_ok() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _unshare_ok(), reason="needs a private mount namespace (root and unshare) to make a small or read-only disk")
@pytest.mark.parametrize(
    ("mount", "pattern"),
    [
        ("-o ro,size=1m", r"--out disk/out: cannot write in disk \(read-only, or no permission\)"),
        ("-o size=64k", r"disk/out: cannot write \(.*No space left on device\)"),
    ],
    ids=["read-only disk", "full disk"],
)
def test_read_only_and_full_disk(tmp_path: Path, mount: str, pattern: str) -> None:
    """A read-only disk is refused before simulating; a disk that fills up is one line, and nothing half-written stays."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    (tmp_path / "disk").mkdir()
    script = (
        f"mount -t tmpfs {mount} tmpfs disk && {sys.executable} -m ecosim.cli run s.toml --out disk/out; code=$?; "
        "ls -A disk; exit $code"
    )
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and re.search(pattern, lines[0]), done.stderr
    assert done.stdout.strip() == "", f"left on the disk: {done.stdout}"


def test_a_run_that_goes_non_finite_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """If a run's series ever hold NaN or infinity, nothing is written and the one line names the metric and month."""
    import numpy as np

    import ecosim.run

    real = ecosim.run.simulate

    def poisoned(*a, **k):  # type: ignore[no-untyped-def]
        results = real(*a, **k)
        results.series["starlink_satellites"][1, 0] = np.nan
        return results

    monkeypatch.setattr(ecosim.run, "simulate", poisoned)
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    before = tree(tmp_path)
    refused(cli(["run", "s.toml", "--out", "r"], tmp_path, capsys), before, tmp_path, r"s\.toml: the run gives starlink_satellites = nan in 2020-02")


def test_json_outputs_are_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str], run_dir: Path) -> None:
    """Every --json output parses as strict JSON (no NaN or Infinity tokens)."""
    def bad(token: str) -> None:
        raise AssertionError(f"--json output holds {token}")

    for argv in (["value", str(run_dir), "--json"], ["edges", "--json"], ["audit-report", "--json"]):
        result = cli(argv, tmp_path, capsys)
        assert result.code == 0, result.err
        json.loads(result.out, parse_constant=bad)


@pytest.mark.parametrize("text", ["[/x]", "[bold]name[/bold]", "[uncertainties]", "![x](/etc/passwd.png)"], ids=["closing tag", "tags", "brackets", "markdown image"])
def test_text_from_data_prints_as_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    """A scenario named or described with markup runs, and the console shows the text as it is (it crashed the printer)."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    result = cli(["run", "s.toml", "--out", "[/out]", "--no-figures", "--set", f"scenario.name={json.dumps(text)}", "--set", f"scenario.description={json.dumps(text)}"], tmp_path, capsys)
    assert result.code == 0, result.err
    assert f"ecosim run — {text}: {text}" in result.out and "Wrote [/out]" in result.out


def _posterior(root: Path, values: list[float] | None = None, weights: list[float] | None = None, status: str = "complete") -> Path:
    """A minimal posterior store (one inferred field) as `ecosim calibrate` leaves it."""
    from ecosim.results.posterior import FORMAT

    root.mkdir()
    (root / "manifest.json").write_text(json.dumps({"format": FORMAT, "parameters": [{"path": "tesla.fsd_engaged_frac"}], "status": status,
                                                     "fingerprint": "x", "scenario": "history"}), encoding="utf-8")
    values = values or [0.5, 0.6, 0.7]
    pd.DataFrame({"tesla.fsd_engaged_frac": values, "weight": weights or [1.0] * len(values)}).to_parquet(root / "posterior.parquet")
    return root


POSTERIOR_DAMAGE = {
    "no such directory": (lambda d: None, r"--posterior post: no such directory"),
    "a file": (lambda d: d.write_text("x"), r"--posterior post: must be a posterior directory .* \(got a file\)"),
    "a foreign folder": (lambda d: (d.mkdir(), (d / "notes.txt").write_text("mine")), r"post: not a posterior directory \(no manifest\.json"),
    "binary manifest": (lambda d: (_posterior(d), (d / "manifest.json").write_bytes(b"\xff\xfe\x00")), r"manifest\.json: not UTF-8 text"),
    "nested manifest": (lambda d: (_posterior(d), (d / "manifest.json").write_text("[" * 50_000 + "]" * 50_000)), r"manifest\.json: (not an ecosim file|nests tables and lists)"),
    "unfinished": (lambda d: _posterior(d, status="running"), r"the calibration has not finished"),
    "truncated draws": (lambda d: (_posterior(d), (d / "posterior.parquet").write_bytes(b"PAR1\x00\x00")), r"posterior\.parquet: not a readable Parquet file"),
    "nan weights": (lambda d: _posterior(d, weights=[float("nan")] * 3), r"weight must be finite and >= 0 with a positive sum"),
    "draw out of bounds": (lambda d: _posterior(d, values=[0.5, 7.0, float("inf")]), r"tesla\.fsd_engaged_frac must be (finite|<= 1)"),
}


@pytest.mark.parametrize(("damage", "pattern"), list(POSTERIOR_DAMAGE.values()), ids=list(POSTERIOR_DAMAGE))
def test_damaged_posterior_store_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str], damage, pattern: str) -> None:  # type: ignore[no-untyped-def]
    """`ecosim run --posterior DIR` with a missing, foreign or damaged posterior store: exit 2, one line, before simulating."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    damage(tmp_path / "post")
    before = tree(tmp_path)
    refused(cli(["run", "s.toml", "--posterior", "post", "--draws", "2"], tmp_path, capsys), before, tmp_path, pattern)


def test_posterior_draws_are_capped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--draws past the cap is refused with its memory estimate, before anything runs."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    _posterior(tmp_path / "post")
    before = tree(tmp_path)
    refused(cli(["run", "s.toml", "--posterior", "post", "--draws", "10000000"], tmp_path, capsys), before, tmp_path,
            r"--draws must be <= 10,000: every draw is a member of one model, and 10,000,000 would hold about [\d,]+ GB")
