"""Property-based tests (Hypothesis): scenario files, --set values and experiment files drawn at
random, hostile values included (NaN, infinities, huge and tiny numbers, wrong types, markup,
Markdown, paths, long text). Whatever is drawn, a command either exits 0 and writes only its
output folder, with finite numbers and strict JSON, or exits 2 with one line and writes nothing;
never a traceback, never a write outside the output folder.

The default profile draws a few dozen cases per property (fast, derandomised so CI is
repeatable); the ``slow`` tests draw hundreds at random."""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ecosim.scenario.loader import all_schema_paths
from ecosim.scenario.params import bounds_of, field_info, is_numeric
from tests.experiments.helpers import TINY
from tests.safety.helpers import Outcome, assert_finite_run, cli, tree

NUMERIC = sorted(p for p in all_schema_paths() if "[" not in p and is_numeric(p) and not p.startswith("scenario."))
LISTED = sorted(p for p in all_schema_paths() if "[0]" in p)
TEXTS = sorted(p for p in all_schema_paths() if "[" not in p and getattr(field_info(p), "annotation", None) is str and not p.startswith("scenario."))

FAST = settings(max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

special_floats = st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, 0.0, -0.0, 1e15, 1e16, -1.0, 2.0**63, 1e-300])
numbers = st.one_of(
    special_floats,
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
)
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(max_size=40),
    st.sampled_from(["", ".", "..", "/", "/etc", "../../x", "~", "[/x]", "[bold]b[/bold]", "[uncertainties]", "![x](/etc/passwd.png)",
                     "<script>x</script>", "a|b", "x" * 3000, "C:\\Windows", "\x00", "é" * 10, "runs", "nan"]),
)
months = st.sampled_from(["2020-01", "2020-02", "2020-04", "2019-12", "1900-01", "9999-12", "2020-13", "20-01", "", "2020-1"])
values = st.one_of(numbers, hostile_text, st.booleans(), st.lists(numbers, max_size=3), months, st.dictionaries(st.text(max_size=5), numbers, max_size=2))


def in_bounds(path: str) -> st.SearchStrategy[float]:
    """Numbers a field accepts (its bounds, with the unit's ceiling), edges included."""
    b = bounds_of(path)
    lo = b.get("ge", b.get("gt", -1e15))
    hi = b.get("le", b.get("lt", 1e15))
    return st.floats(min_value=lo, max_value=hi, exclude_min="gt" in b, exclude_max="lt" in b, allow_nan=False)


def field_value(path: str) -> st.SearchStrategy[Any]:
    """Mostly a value the field accepts (so that runs happen), sometimes a hostile one."""
    return st.one_of(*[in_bounds(path)] * 6, numbers, values)


def mostly(good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``good`` about four times in five, else ``bad``."""
    return st.one_of(good, good, good, good, bad)


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    node = data
    *heads, last = path.split(".")
    for h in heads:
        node = node.setdefault(h, {}) if isinstance(node.get(h, {}), dict) else node
    node[last] = value


@st.composite
def scenario_files(draw: st.DrawFn) -> dict[str, Any]:
    """A short scenario extending history, with a few fields set to drawn values."""
    month = draw(mostly(st.sampled_from(["2020-02", "2020-03", "2020-06"]), months))
    plain = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)
    data: dict[str, Any] = {"extends": "history", "scenario": {"end_month": month, "name": draw(mostly(plain, hostile_text)), "description": draw(mostly(plain, hostile_text))}}
    if draw(st.integers(0, 3)) == 0:
        data["scenario"]["seed"] = draw(mostly(st.integers(min_value=0, max_value=2**63 - 1), st.one_of(st.integers(min_value=-(2**63), max_value=2**64), numbers)))
    for path in draw(st.lists(st.sampled_from(NUMERIC), max_size=4, unique=True)):
        _put(data, path, draw(field_value(path)))
    if draw(st.integers(0, 4)) == 0:
        _put(data, draw(st.sampled_from(TEXTS)), draw(hostile_text))
    if draw(st.integers(0, 9)) == 0:
        _put(data, draw(st.sampled_from(["launch.falcon.nonsense", "nowhere", "tesla.factories"])), draw(values))
    return data


def _check(result: Outcome, before: dict[str, str], root: Path, outputs: str) -> None:
    """The contract: exit 0 with finite outputs only in the output folder, or exit 2 with one line and nothing written."""
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err[-3000:]
    after = tree(root)
    changed = {p for p, h in after.items() if before.get(p) != h} | (set(before) - set(after))
    if result.code == 2:
        result.error_line  # noqa: B018 (asserts one line)
        assert not changed, changed
        return
    assert result.code == 0, (result.code, result.err[-3000:])
    assert changed and all(p == outputs or p.startswith(outputs + os.sep) for p in changed), changed


def _run_scenario_case(data: dict[str, Any], capsys: pytest.CaptureFixture[str], extra: list[str] = ()) -> None:  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        work = root / "work"
        work.mkdir()
        try:
            text = tomli_w.dumps(data)
        except (TypeError, ValueError):  # a value TOML cannot hold: write it as text instead
            text = str(data)
        (work / "s.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        before = tree(root)
        result = cli(["run", "s.toml", "--no-figures", *extra], work, capsys)
        event(f"exit {result.code}" + (f": {re.sub(r'[0-9.e+-]+', 'N', result.err.split(': ', 2)[-1])[:50]}" if result.code == 2 and os.environ.get("ECOSIM_EVENTS") else ""))
        _check(result, before, root, f"work{os.sep}runs")
        if result.code == 0:
            (folder,) = list((work / "runs").iterdir())
            assert_finite_run(folder)


@FAST
@given(scenario_files())
def test_scenario_files(capsys: pytest.CaptureFixture[str], data: dict[str, Any]) -> None:
    """Any scenario file: exit 0 with finite outputs under runs/, or exit 2 with one line and nothing written."""
    _run_scenario_case(data, capsys)


@pytest.mark.slow
@SLOW
@given(scenario_files())
def test_scenario_files_many(capsys: pytest.CaptureFixture[str], data: dict[str, Any]) -> None:
    """As test_scenario_files, over many more drawn files."""
    _run_scenario_case(data, capsys)


def _literal(value: Any) -> str:
    """A drawn value as the text of a --set (a TOML literal, or raw text)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_literal(v)}" for k, v in value.items()) + "}"
    try:
        return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()
    except (TypeError, ValueError):
        return repr(value)


numeric_sets = st.sampled_from(NUMERIC).flatmap(lambda p: st.tuples(st.just(p), field_value(p)))
paths = st.one_of(
    st.sampled_from(NUMERIC),
    st.sampled_from(LISTED).map(lambda p: p.replace("[0]", "[1]")),
    st.sampled_from(LISTED).flatmap(lambda p: st.sampled_from(["-1", "x", "99", "1.5", "", "0][0"]).map(lambda i: p.replace("[0]", f"[{i}]"))),
    st.sampled_from(["scenario.end_month", "scenario.seed", "scenario.name", "exchange.disable", "capital_market.cash_initial_usd"]),
    st.text(max_size=20),
)


@FAST
@given(st.lists(st.one_of(numeric_sets, numeric_sets, st.tuples(paths, values)), min_size=1, max_size=3))
def test_set_options(capsys: pytest.CaptureFixture[str], sets: list[tuple[str, Any]]) -> None:
    """Any --set options: exit 0 with finite outputs under runs/, or exit 2 with one line and nothing written."""
    extra = [a for path, value in sets for a in ("--set", f"{path}={_literal(value)}")]
    data = {"extends": "history", "scenario": {"end_month": "2020-02", "name": "s", "description": "d"}}
    _run_scenario_case(data, capsys, extra)


@pytest.mark.slow
@SLOW
@given(st.lists(st.one_of(numeric_sets, numeric_sets, st.tuples(paths, values)), min_size=1, max_size=3))
def test_set_options_many(capsys: pytest.CaptureFixture[str], sets: list[tuple[str, Any]]) -> None:
    """As test_set_options, over many more drawn options."""
    extra = [a for path, value in sets for a in ("--set", f"{path}={_literal(value)}")]
    data = {"extends": "history", "scenario": {"end_month": "2020-02", "name": "s", "description": "d"}}
    _run_scenario_case(data, capsys, extra)


@st.composite
def experiment_files(draw: st.DrawFn) -> str:
    """TINY with its numbers, sampler, sizes, names and texts drawn (mostly valid and small;
    sometimes hostile, or past the cap)."""
    size = draw(mostly(st.integers(1, 4), st.one_of(st.integers(-2, 0), st.sampled_from([10**8, 10**12, 2**62]))))
    text = TINY
    if draw(st.integers(0, 4)) == 0:
        text = text.replace('name = "tiny"', f"name = {json.dumps(draw(hostile_text))}")
    sampler = draw(mostly(st.sampled_from(["lhs", "monte_carlo"]), st.sampled_from(["sobol", "morris", "grid", "magic"])))
    text = text.replace('sampler = "lhs"', f'sampler = "{sampler}"')
    text = text.replace("size = 3", f"size = {size}")
    text = text.replace("replications = 2", f"replications = {draw(mostly(st.integers(1, 2), st.integers(-1, 0)))}")
    text = text.replace("chunk_size = 4", f"chunk_size = {draw(mostly(st.integers(1, 8), st.integers(-1, 0)))}")
    for old in ("low = 10e6", "mode = 15e6", "high = 25e6", "low = 2.0", "high = 4.0"):
        if draw(st.integers(0, 5)) == 0:
            key = old.split(" =")[0]
            text = text.replace(old, f"{key} = {_literal(draw(numbers))}")
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("values = [0.5, 1.0]", f"values = {_literal(draw(st.lists(numbers, max_size=3)))}")
    if draw(st.integers(0, 5)) == 0:
        text = text.replace('source = "assumption"', f"source = {json.dumps(draw(hostile_text))}")
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("year = 2026", f"year = {draw(st.integers(-5, 5000))}")
    return text


def _experiment_case(text: str, capsys: pytest.CaptureFixture[str], run: bool) -> None:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        work = root / "work"
        work.mkdir()
        (work / "e.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
        before = tree(root)
        shown = cli(["experiment", "show", "e.toml"], work, capsys)
        event(f"show: exit {shown.code}" + (f": {shown.err[:90]}" if shown.code == 2 and os.environ.get("ECOSIM_EVENTS") else ""))
        assert shown.code in (0, 2) and "Traceback" not in shown.err, shown.err[-3000:]
        if shown.code == 2:
            shown.error_line  # noqa: B018 (asserts one line)
        assert tree(root) == before
        if shown.code == 0 and run:
            result = cli(["experiment", "run", "e.toml", "--out", "store", "--workers", "1", "--no-analysis"], work, capsys)
            _check(result, before, root, f"work{os.sep}store")
            if result.code == 0:
                _assert_finite_store(work / "store")


def _assert_finite_store(root: Path) -> None:
    """A finished store: every run succeeded and every outcome is finite or empty (a year no run reaches)."""
    import numpy as np

    from ecosim.results.store import ExperimentStore

    store = ExperimentStore(root)
    runs = store.table("runs")
    assert (runs["status"] == "ok").all(), runs.loc[runs["status"] != "ok", "error"].head(3).tolist()
    outcomes = store.table("outcomes").select_dtypes("number")
    values = outcomes.to_numpy(dtype=float)
    assert not np.isinf(values).any()


@FAST
@given(experiment_files())
def test_experiment_files(capsys: pytest.CaptureFixture[str], text: str) -> None:
    """Any experiment file: `experiment show` exits 0 or exits 2 with one line, writing nothing (sizes past the cap refused at once)."""
    _experiment_case(text, capsys, run=False)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(experiment_files())
def test_experiment_files_run(capsys: pytest.CaptureFixture[str], text: str) -> None:
    """Any experiment file that shows also runs: exit 0 writing only its store, or exit 2 with one line and nothing written."""
    _experiment_case(text, capsys, run=True)
