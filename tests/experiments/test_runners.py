"""Runners and the store: identical stores whatever the runner, resume after kill -9, failures isolated."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecosim.cli import main
from ecosim.experiments import ExperimentStore, load_experiment, run_experiment
from tests.experiments.helpers import TINY

BIN = Path(sys.executable).parent


def data_files(root: Path) -> dict[str, bytes]:
    """Every data table of a store (not the manifest, whose timings differ), by relative path."""
    out = {}
    for pattern in ("design.parquet", "draws.parquet", "runs/*.parquet", "outcomes/*.parquet", "timeseries/*.parquet"):
        for p in sorted(root.glob(pattern)):
            out[str(p.relative_to(root))] = p.read_bytes()
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """TINY run in this process (1 worker): the reference store."""
    d = tmp_path_factory.mktemp("ref")
    exp = d / "exp.toml"
    exp.write_text(TINY, encoding="utf-8")
    run = run_experiment(load_experiment(exp), d / "store", workers=1)
    assert run.complete and run.ok == 12
    return exp, d / "store"


def test_store_layout(reference: tuple[Path, Path]) -> None:
    """The store holds the design, one runs/outcomes/timeseries file per chunk and a complete manifest."""
    _, root = reference
    man = json.loads((root / "manifest.json").read_text())
    assert man["counts"]["runs"] == 12 and man["counts"]["chunks"] == 3 and man["complete"]
    assert [c["status"] for c in man["chunks"]] == ["done"] * 3 and man["runs_ok"] == 12
    assert set(man["versions"]) >= {"ecosim", "mesa", "numpy", "python"}
    assert len(data_files(root)) == 2 + 3 * 3
    store = ExperimentStore(root)
    typed = store.manifest()  # read back as a typed Manifest
    assert typed.counts.runs == 12 and typed.complete and typed.runs_ok == 12 and [c.status for c in typed.chunks] == ["done"] * 3
    assert [i.column for i in typed.inputs] == [i["column"] for i in man["inputs"]] and typed.outcomes[1].stat == "fundamental_value"
    res = store.table("results")
    assert res["run_id"].tolist() == list(range(12)) and (res["status"] == "ok").all()
    assert {"xai_compute_budget_frac", "starship_cost_per_flight_usd_floor", "spacex_value_2026_usd", "seed", "member"} <= set(res.columns)
    ts = store.table("timeseries")
    assert len(ts) == 12 * 12 and ts["date"].iloc[:2].tolist() == ["2026-01", "2026-02"]


@pytest.mark.slow
def test_two_workers_identical_store(reference: tuple[Path, Path], tmp_path: Path) -> None:
    """Two worker processes write byte-identical tables to one in-process worker."""
    exp, ref = reference
    run = run_experiment(load_experiment(exp), tmp_path / "two", workers=2)
    assert run.runner == "2 worker processes"
    assert data_files(tmp_path / "two") == data_files(ref)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.cluster
def test_dask_cluster_identical_store(reference: tuple[Path, Path], tmp_path: Path) -> None:
    """A real dask scheduler and two dask workers on 127.0.0.1 write the same tables."""
    exp, ref = reference
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        for i in range(2):
            procs.append(subprocess.Popen(
                [str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}", "--local-directory", str(tmp_path / f"w{i}")],
                cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        from distributed import Client

        with Client(address, timeout="60s") as c:
            c.wait_for_workers(2, timeout=60)
        run = run_experiment(load_experiment(exp), tmp_path / "dask", scheduler=address)
        assert run.runner == f"Dask cluster {address} (2 workers)"
        assert data_files(tmp_path / "dask") == data_files(ref)
        man = json.loads((tmp_path / "dask" / "manifest.json").read_text())
        assert man["runner"]["kind"] == "DaskRunner"
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def _session_processes(sid: int) -> list[str]:
    """Live (not zombie) processes of a session, from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":  # fields: state, ppid, pgrp, session
            out.append(stat.parent.name)
    return out


@pytest.mark.slow
def test_kill_9_then_resume_gives_the_same_store(write_experiment, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """kill -9 in the middle of a 2-worker experiment: its workers exit; run again: only the missing chunks run, the store equals an uninterrupted one."""
    exp = write_experiment(replace={"chunk_size = 4": "chunk_size = 1", '"2026-12"': '"2027-12"'})
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [str(BIN / "ecosim"), "experiment", "run", str(exp), "--out", str(out), "--workers", "2", "--no-analysis"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / "runs").glob("chunk-*.parquet"))) >= 2:
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the experiment finished before it could be killed"
    stored = len(list((out / "runs").glob("chunk-*.parquet")))
    assert 2 <= stored < 12
    deadline = time.monotonic() + 10  # the orphaned worker processes notice and exit
    while time.monotonic() < deadline and _session_processes(proc.pid):
        time.sleep(0.2)
    assert not _session_processes(proc.pid), "worker processes outlived the killed runner"
    spec = load_experiment(exp)
    resumed = run_experiment(spec, out, workers=1)
    assert resumed.resumed and resumed.already_done_runs == stored and resumed.ran_runs == 12 - stored
    assert run_experiment(spec, tmp_path / "whole", workers=1).ok == 12
    assert data_files(out) == data_files(tmp_path / "whole")
    assert not list(out.rglob(".*.tmp-*"))
    again = run_experiment(spec, out, workers=1)
    assert again.ran_runs == 0 and again.ok == 12


def test_changed_spec_in_same_dir_is_refused(reference: tuple[Path, Path], write_experiment, capsys) -> None:  # type: ignore[no-untyped-def]
    """Re-running into a directory that holds another spec exits 2 with one line."""
    _, ref = reference
    exp = write_experiment(replace={"high = 25e6": "high = 30e6"})
    before = (ref / "manifest.json").read_text()
    assert main(["experiment", "run", str(exp), "--out", str(ref)]) == 2
    err = capsys.readouterr().err
    assert "holds experiment 'tiny' with a different spec" in err and "Traceback" not in err
    assert (ref / "manifest.json").read_text() == before


def test_outcome_failure_is_recorded_with_inputs(write_experiment, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A run whose valuation cannot be computed (terminal growth >= WACC) is failed with its inputs; the rest succeed."""
    from ecosim.economics.wacc import wacc_from_capital_market
    from ecosim.scenario import load_scenario
    from ecosim.scenario.params import params_of

    wacc = float(wacc_from_capital_market(params_of(load_scenario("baseline").model.capital_market)))  # 9.75 %
    exp = write_experiment(replace={'distribution = "uniform"\nlow = 2.0\nhigh = 4.0': 'distribution = "discrete"\nvalues = [3.0, 9.9]', 'sampler = "lhs"': 'sampler = "grid"'})
    run = run_experiment(load_experiment(exp), tmp_path / "s", workers=1)
    res = ExperimentStore(tmp_path / "s").table("results")
    high = res["capital_market_terminal_growth_pct"] / 100 > wacc
    assert high.sum() == 12 and run.failed == 12 and run.ok == 12
    assert (res.loc[high, "status"] == "failed").all()
    assert res.loc[high, "error"].str.startswith("outcome spacex_value_2026_usd: ValueError: terminal growth must be below the WACC").all()
    assert (res.loc[~high, "status"] == "ok").all() and res.loc[~high, "spacex_value_2026_usd"].notna().all()


@pytest.mark.slow
def test_run_that_raises_inside_a_chunk_is_isolated(write_experiment, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A member that makes the vectorised model raise is failed with its inputs and error; its chunk's other runs succeed."""
    from ecosim.agents.starship import SpaceXLaunch

    original = SpaceXLaunch.settle

    def settle(self):  # type: ignore[no-untyped-def]
        floors = np.atleast_1d(self.p.starship.cost_per_flight_usd_floor)
        if np.any(floors == 13e6):
            raise ValueError("boom at a 13 M USD floor")
        return original(self)

    monkeypatch.setattr(SpaceXLaunch, "settle", settle)
    exp = write_experiment(replace={
        'distribution = "triangular"\nlow = 10e6\nmode = 15e6\nhigh = 25e6': 'distribution = "discrete"\nvalues = [10e6, 13e6, 20e6]',
        "size = 3": "size = 6", 'sampler = "lhs"': 'sampler = "monte_carlo"', "chunk_size = 4": "chunk_size = 8",
    })
    run_experiment(load_experiment(exp), tmp_path / "s", workers=1)
    store = ExperimentStore(tmp_path / "s")
    res = store.table("results")
    bad = res["starship_cost_per_flight_usd_floor"] == 13e6
    assert bad.any() and (~bad).any()
    assert (res.loc[bad, "status"] == "failed").all() and (res.loc[~bad, "status"] == "ok").all()
    assert res.loc[bad, "error"].str.fullmatch(r"ValueError: boom at a 13 M USD floor").all()
    assert res.loc[~bad, "spacex_fcf_2026_usd"].notna().all() and res.loc[bad, "spacex_fcf_2026_usd"].isna().all()
    chunks = json.loads((tmp_path / "s" / "manifest.json").read_text())["chunks"]
    assert sum(c["models"] for c in chunks) > len(chunks)  # the failing chunks were split
    assert set(store.table("outcomes")["run_id"]) == set(res.loc[~bad, "run_id"])


def test_systemic_failure_fails_the_chunk_quickly(write_experiment, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """When every run raises, the chunk is recorded failed without splitting it run by run."""
    from ecosim.agents.starship import SpaceXLaunch

    def settle(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("broken")

    monkeypatch.setattr(SpaceXLaunch, "settle", settle)
    run = run_experiment(load_experiment(write_experiment()), tmp_path / "s", workers=1)
    assert run.failed == 12 and run.ok == 0
    chunks = json.loads((tmp_path / "s" / "manifest.json").read_text())["chunks"]
    assert [c["models"] for c in chunks] == [3, 3, 3]
    runs = ExperimentStore(tmp_path / "s").table("runs")
    assert runs["error"].str.startswith("RuntimeError: broken (systemic").all()


def test_results_query_cli(reference: tuple[Path, Path], capsys) -> None:  # type: ignore[no-untyped-def]
    """`ecosim results query DIR SQL` runs DuckDB SQL over the store's views; bad SQL exits 2."""
    _, root = reference
    assert main(["results", "query", str(root), "SELECT lever_setting, count(*) AS n FROM results WHERE status = 'ok' GROUP BY ALL ORDER BY 1", "--csv"]) == 0
    assert capsys.readouterr().out == "lever_setting,n\n0,6\n1,6\n"
    assert main(["results", "query", str(root), "SELECT count(DISTINCT run_id) AS n, min(date) AS first FROM timeseries", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 12, "first": "2026-01"}]
    assert main(["results", "query", str(root), "SELECT nope FROM runs"]) == 2
    assert "SQL error: Binder Error" in capsys.readouterr().err
    df = ExperimentStore(root).query("SELECT * FROM design")
    assert isinstance(df, pd.DataFrame) and len(df) == 12


def test_chunks_sharing_a_model_compute_what_each_computes_alone(reference: tuple[Path, Path]) -> None:
    """TINY's three chunks on one model (run_chunks: each chunk's members draw from its own
    seed's generator) give every chunk exactly the runs, outcomes and series its own model gives."""
    from ecosim.experiments import build_design
    from ecosim.experiments.chunk import chunk_groups, run_chunk, run_chunks
    from ecosim.experiments.experiment import _tasks

    exp, _ = reference
    spec = load_experiment(exp)
    design = build_design(spec)
    tasks = list(_tasks(spec, design, design.chunks))
    assert [len(g) for g in chunk_groups(tasks, 4, 3, 1)] == [3] and [len(g) for g in chunk_groups(tasks, 4, 3, 2)] == [2, 1]
    joint = run_chunks(tasks)
    assert [r.chunk for r in joint] == [0, 1, 2] and all(r.models == 1 for r in joint)
    for task, got in zip(tasks, joint, strict=True):
        alone = run_chunk(task)
        assert got.runs.equals(alone.runs) and got.outcomes.equals(alone.outcomes)
        assert got.timeseries is not None and alone.timeseries is not None and got.timeseries.equals(alone.timeseries)
