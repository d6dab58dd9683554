"""Shared fixtures: scenarios and finished runs, computed once per test session."""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

#: bytecode is cached for the test session, and for the commands it starts, even where the
#: environment says not to (PYTHONDONTWRITEBYTECODE=1, as on the development machine): without
#: the cache every worker compiles ecosim and rewrites every test module again, about 9 s of
#: CPU each, and each `ecosim` a test starts compiles what it imports (the files are ignored by git)
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from ecosim.results.rundir import SavedRun, read_run  # noqa: E402 (after the bytecode switch above)
from ecosim.run import RunResult, run_scenario, write_run  # noqa: E402 (after the bytecode switch above)
from ecosim.scenario import load_scenario  # noqa: E402 (after the bytecode switch above)

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


T = TypeVar("T")


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[], T]) -> T:
    """``make()``, made once per test session even over several pytest-xdist workers: the first
    worker to ask makes it and leaves it pickled in the session's temporary folder (under a lock),
    the others read it back (the same numbers: a pickle round trip is exact). Alone (no xdist)
    it is simply made."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make()
    import fcntl

    path = tmp_path_factory.getbasetemp().parent / f"shared-{name}.pickle"
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            return pickle.loads(path.read_bytes())  # written by this session's other worker
        value = make()
        path.with_suffix(".part").write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        path.with_suffix(".part").replace(path)
        return value


@pytest.fixture(scope="session")
def history_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return shared(tmp_path_factory, "history_run", lambda: run_scenario(load_scenario("history")))


@pytest.fixture(scope="session")
def baseline_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return shared(tmp_path_factory, "baseline_run", lambda: run_scenario(load_scenario("baseline")))


@pytest.fixture(scope="session")
def baseline_dir(baseline_run: RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The baseline run written as a run directory (no figures)."""
    return write_run(baseline_run, tmp_path_factory.mktemp("runs") / "baseline", figures=False)


@pytest.fixture(scope="session")
def baseline_saved(baseline_dir: Path) -> SavedRun:
    """The baseline run read back from its directory."""
    return read_run(baseline_dir)


@dataclass(frozen=True)
class Report:
    """A report directory and what its command printed."""

    out: Path
    printed: str


@pytest.fixture(scope="session")
def baseline_report(baseline_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    """`ecosim report RUN_DIR --no-figures` of the baseline run directory (the single-run report:
    `ecosim compare` of one source; its interactive charts, no PNG: no test here reads one) and
    what it printed, made once per test session for the tests that read it."""
    from ecosim import cli

    def make() -> tuple[Path, str]:
        out = tmp_path_factory.mktemp("report") / "baseline"
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            cli.console.file = buf
            try:
                assert cli.main(["report", str(baseline_dir), "--out", str(out), "--no-figures"]) == 0
            finally:
                cli.console.file = None  # type: ignore[assignment]
        return out, buf.getvalue()

    return Report(*shared(tmp_path_factory, "baseline_report", make))  # the tests only read the folder


def write_toml(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def pytest_runtest_setup(item: pytest.Item) -> None:
    """In CI (CI=true) a browser test without Chromium fails instead of being skipped."""
    from tests.chromium import MISSING

    if MISSING is not None and MISSING[0] == "fail" and item.get_closest_marker("browser") is not None:
        pytest.fail(MISSING[1], pytrace=False)
