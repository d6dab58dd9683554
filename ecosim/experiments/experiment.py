"""Run an experiment into its store: design, chunks not yet stored, runner, progress.

:func:`run_experiment` is what ``ecosim experiment run`` calls. It is resumable: the store
knows which chunks are finished, so calling it again with the same experiment and output
directory runs only the rest (after Ctrl-C, kill -9 or a lost worker).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.errors import ExperimentError, UsageError
from ecosim.experiments.chunk import ChunkResult, ChunkTask, chunk_groups
from ecosim.experiments.runners import check_scheduler_address, make_runner
from ecosim.experiments.samplers import Design, build_design
from ecosim.experiments.spec import POSTERIOR_INPUT, ExperimentSpec, override_options
from ecosim.readers import read_text
from ecosim.results.store import FORMAT, ExperimentStore, _now, versions
from ecosim.scenario.loader import LoadedScenario
from ecosim.scenario.params import field_info

#: least time between two manifest rewrites while chunks finish [s] (always written at the end)
MANIFEST_EVERY_S = 1.0


@dataclass
class ExperimentRun:
    """What a call to :func:`run_experiment` did."""

    spec: ExperimentSpec
    design: Design
    store: ExperimentStore
    resumed: bool
    already_done_runs: int
    ran_runs: int
    ok: int  # over the whole store
    failed: int
    elapsed_s: float
    runner: str
    damaged: dict[int, str] = field(default_factory=dict)  # chunks found damaged on resume and run again: id -> what was wrong

    @property
    def complete(self) -> bool:
        return self.ok + self.failed == self.design.n_runs

    @property
    def rate_runs_per_s(self) -> float:
        return self.ran_runs / self.elapsed_s if self.elapsed_s > 0 else float("nan")


def _unit(path: str) -> str:
    if path == POSTERIOR_INPUT:
        return ""
    extra = getattr(field_info(path), "json_schema_extra", None) or {}
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""


def manifest_for(spec: ExperimentSpec, design: Design) -> dict[str, Any]:
    """The manifest of a new store (chunks pending)."""
    m = spec.meta
    return {
        "format": FORMAT,
        "experiment": m.name,
        "description": m.description,
        "experiment_file": str(spec.path),
        "spec_hash": spec.spec_hash(),
        "scenario": spec.base.name,
        "scenario_fingerprint": spec.base.fingerprint(),
        "constants": dict(spec.file.constants),
        "sampler": m.sampler,
        "size": m.size,
        "seed": m.seed,
        "replications": m.replications,
        "chunk_size": m.chunk_size,
        "levels": m.levels,
        "second_order": m.second_order,
        "counts": {
            "runs": design.n_runs,
            "chunks": len(design.chunks),
            "lever_settings": len(design.settings),
            "draws": design.n_draws,
            "seeds": m.replications,
            "text": design.count_text,
        },
        "inputs": [
            {
                "column": i.column, "path": i.path, "kind": i.kind, "unit": _unit(i.path), "numeric": i.numeric,
                "distribution": i.dist.describe() if i.dist else None,
                "support": list(i.dist.support) if i.dist else None,
                "settings": list(i.settings) if i.kind == "lever" else None,
                "source": i.source,
            }
            for i in spec.inputs
        ],
        "outcomes": [
            {"name": o.name, "metric": o.metric, "stat": o.stat, "year": o.year, "threshold": o.threshold,
             "relative_to": o.relative_to, "after_tax": o.after_tax if o.stat == "fundamental_value" else None,
             "direction": o.direction, "unit": o.unit, "description": o.description}
            for o in spec.outcomes
        ],
        "discovery": [d.model_dump() for d in spec.discovery],
        "posterior": None if spec.posterior is None else {
            "path": str(spec.posterior.path), "fingerprint": spec.posterior.fingerprint, "particles": spec.posterior.particles,
            "fields": list(spec.posterior.names),
        },
        "chunks": [
            {"id": c.id, "first_run": c.first_run, "runs": c.runs, "seed": c.seed, "group": c.group,
             "status": "pending", "ok": None, "failed": None, "runtime_s": None, "worker": None, "models": None}
            for c in design.chunks
        ],
        "versions": versions(),
        "created": _now(),
        "updated": _now(),
        "runner": None,
    }


def _refresh(manifest: dict[str, Any], spec: ExperimentSpec, store: ExperimentStore) -> dict[str, Any]:
    """On resume: descriptive fields from the current file; chunk status from the files."""
    m = spec.meta
    manifest.update(
        experiment=m.name, description=m.description, experiment_file=str(spec.path),
        discovery=[d.model_dump() for d in spec.discovery],
    )
    for entry, inp in zip(manifest["inputs"], spec.inputs, strict=True):
        entry["source"] = inp.source
    for entry, o in zip(manifest["outcomes"], spec.outcomes, strict=True):
        entry["description"] = o.description
    done = store.done_chunks()
    for c in manifest["chunks"]:
        if c["id"] in done and c["status"] != "done":
            runs = pd.read_parquet(store.root / "runs" / f"chunk-{c['id']:06d}.parquet", columns=["status"])
            c.update(status="done", ok=int((runs["status"] == "ok").sum()), failed=int((runs["status"] != "ok").sum()))
        elif c["id"] not in done:
            c.update(status="pending", ok=None, failed=None, runtime_s=None, worker=None, models=None)
    return manifest


def _draws_frame(spec: ExperimentSpec, design: Design) -> pd.DataFrame | None:
    if design.unit is None:
        return None
    return pd.DataFrame({"draw": np.arange(design.n_draws), **{u.column: design.unit[:, j] for j, u in enumerate(spec.uncertainties)}})


def run_experiment(
    spec: ExperimentSpec,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_start: Callable[[Design, int, str], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> ExperimentRun:
    """Run (or finish) an experiment into the store at ``out``.

    Parameters
    ----------
    workers : local worker processes (default: CPU count, at most the chunks left; 1 = this process).
    scheduler : address of a Dask scheduler (``tcp://host:8786``) instead of local workers.
    on_start : ``(design, runs already stored, runner description)`` before the first chunk.
    on_progress : runs done so far (fractional while chunks run), after every report.
    on_note : a line for the user (a damaged chunk found on resume, to be run again).

    On resume every chunk stored as finished is verified (its files readable, its runs file
    holding the chunk's runs); a damaged one is removed and run again, never skipped.
    """
    t0 = time.perf_counter()
    if scheduler and workers is not None:
        raise UsageError("--workers and --scheduler exclude each other (a cluster's size is its workers')")
    n = workers if workers is not None else (os.cpu_count() or 1)
    if scheduler:
        warning = check_scheduler_address(scheduler).warning  # a malformed address fails here, at once
        if warning and on_note:
            on_note(f"warning: {warning}")
    runner = make_runner(None if scheduler else n, scheduler)  # bad options, an unreachable cluster: before writing
    design = build_design(spec)
    store = ExperimentStore(out, origin=str(out))
    files: dict[str, Any] = {
        "experiment.toml": read_text(spec.path, ExperimentError),
        "scenario.toml": spec.base.to_toml(),
        "design.parquet": design.frame,
    }
    draws = _draws_frame(spec, design)
    if draws is not None:
        files["draws.parquet"] = draws
    try:
        resumed = store.create_or_resume(manifest_for(spec, design), files)
    except BaseException:
        _close(runner)
        raise
    damaged: dict[int, str] = {}
    try:
        if resumed:
            damaged = store.damaged_chunks({c.id: c.runs for c in design.chunks})
            for chunk, what in damaged.items():
                store.drop_chunk(chunk)
                if on_note:
                    on_note(f"chunk {chunk} is damaged ({what}): running it again")
        manifest = _refresh(store.manifest_json(), spec, store) if resumed else store.manifest_json()
        done = store.done_chunks()
        todo = [c for c in design.chunks if c.id not in done]
        done_runs = sum(c.runs for c in design.chunks if c.id in done)
        runner_desc = "nothing to run"
        ran = 0
        if todo:
            if not scheduler:  # no more local workers than chunks to run
                runner = make_runner(max(1, min(n, len(todo))), None)
            runner_desc = runner.description
            manifest["runner"] = {"kind": type(runner).__name__, "description": runner_desc, "started": _now()}
            store.write_manifest(manifest)
            if on_start:
                on_start(design, done_runs, runner_desc)
            partial: dict[int, float] = {}
            by_id = {c.id: c for c in design.chunks}
            finished = [done_runs]
            last_write = [time.monotonic()]

            def report() -> None:
                if on_progress:
                    on_progress(finished[0] + sum(by_id[c].runs * f for c, f in partial.items()))

            def progress(chunk: int, frac: float) -> None:
                partial[chunk] = frac
                report()

            def on_result(result: ChunkResult) -> None:
                _store_chunk(store, spec, design, result)
                entry = manifest["chunks"][result.chunk]
                entry.update(
                    status="done", ok=int((result.runs["status"] == "ok").sum()), failed=int((result.runs["status"] != "ok").sum()),
                    runtime_s=round(result.runtime_s, 3), worker=result.worker, models=result.models,
                )
                now = time.monotonic()
                if now - last_write[0] >= MANIFEST_EVERY_S:  # the runs files are the truth; the manifest follows
                    store.write_manifest(manifest)
                    last_write[0] = now
                partial.pop(result.chunk, None)
                finished[0] += len(result.runs)
                report()

            try:
                groups = chunk_groups(_tasks(spec, design, todo), spec.meta.chunk_size, len(todo), runner.workers)
                runner.run(groups, on_result, progress)
            finally:
                store.write_manifest(manifest)
            ran = finished[0] - done_runs
        elif on_start:
            on_start(design, done_runs, runner_desc)
        ok = sum(int(c["ok"] or 0) for c in manifest["chunks"])
        failed = sum(int(c["failed"] or 0) for c in manifest["chunks"])
        manifest["runs_ok"], manifest["runs_failed"] = ok, failed
        manifest["complete"] = ok + failed == design.n_runs
        store.write_manifest(manifest)
        return ExperimentRun(spec, design, store, resumed, done_runs, ran, ok, failed, time.perf_counter() - t0, runner_desc, damaged)
    finally:
        _close(runner)
        store.unlock()


def _close(runner: Any) -> None:
    if hasattr(runner, "close"):
        runner.close()


def _tasks(spec: ExperimentSpec, design: Design, chunks: list[Any]) -> Iterator[ChunkTask]:
    scenarios: dict[int, LoadedScenario] = {}
    numeric = spec.member_inputs()
    frame = design.frame
    for c in chunks:
        if c.group not in scenarios:
            overrides = design.groups[c.group]
            scenarios[c.group] = spec.base.with_overrides(list(override_options(overrides))) if overrides else spec.base
        rows = frame.iloc[c.first_run : c.first_run + c.runs]
        yield ChunkTask(
            chunk=c.id,
            seed=c.seed,
            run_ids=rows["run_id"].to_numpy(),
            scenario=scenarios[c.group],
            member_values={i.path: rows[i.column].to_numpy(dtype=float) for i in numeric},
            outcomes=spec.outcomes,
            posterior=spec.posterior.at(rows[POSTERIOR_INPUT].to_numpy(dtype=float)) if spec.posterior is not None else None,
        )


def _store_chunk(store: ExperimentStore, spec: ExperimentSpec, design: Design, result: ChunkResult) -> None:
    """A chunk's runs table is its design rows (inputs) with the chunk's status columns."""
    inputs = design.frame.set_index("run_id").loc[result.runs["run_id"].to_numpy()].reset_index()
    runs = inputs.copy()
    runs.insert(1, "chunk", np.int64(result.chunk))
    for col in ("status", "error", "seed", "members", "member"):
        runs[col] = result.runs[col].to_numpy()
    store.write_chunk(result.chunk, runs, result.outcomes, result.timeseries)
