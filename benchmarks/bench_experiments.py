"""Experiment benchmark (printed figures, not a test): ecosim's chunked ensembles vs mesa.batch_run.

The target (issue 12), on this 2-core machine: the 10,000-draw baseline Monte Carlo
(``experiments/monte_carlo_baseline.toml``, 2026-2040 monthly) with its results stored in at
most 35 s on 2 workers (PASS or MISS printed beside the figure); the experiments issue's goal:
at least 100x faster than the same draws run one model per run through ``mesa.batch_run``
(floor: under 3 minutes and at least 30x).

Both sides run the same draws of the same experiment on the same cores:

* ecosim: ``run_experiment`` (chunks of 500 members on the member axis, ``--workers``
  processes), timed end to end: process start-up, the history warm-up in each worker,
  simulation, outcomes (valuation included) and the Parquet store (runs, outcomes and one
  monthly series per run). The analysis (summary, PRIM, figures) is timed separately.
* Mesa: ``mesa.batch_run`` over a sample of the draws (one ``EcosimModel`` with K = 1 per
  draw, ``number_processes`` = the same workers, results in memory as batch_run keeps them,
  no outcomes computed), extrapolated to all draws.

Run: ``.venv/bin/python benchmarks/bench_experiments.py [--draws 10000] [--workers 2]
[--mesa-sample 40]``
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from targets import MC_10K_S, mark

from ecosim.experiments import ExperimentStore, build_design, load_experiment, run_experiment
from ecosim.experiments.spec import bundled_experiments
from ecosim.model import EcosimModel, warmup_state
from ecosim.scenario import load_scenario

EXPERIMENT = "monte_carlo_baseline"


@lru_cache(maxsize=2)
def _draws(path: str) -> tuple[list[str], np.ndarray]:
    """Field paths and values (draws, inputs) of the experiment's design (once per process)."""
    spec = load_experiment(path)
    design = build_design(spec)
    cols = [i.column for i in spec.inputs if i.numeric]
    return [i.path for i in spec.inputs if i.numeric], design.frame[cols].to_numpy(dtype=float)


class OneDraw(EcosimModel):
    """One draw of the experiment as its own Mesa model (K = 1): what ``mesa.batch_run`` runs."""

    def __init__(self, draw: int = 0, experiment: str = "", seed: int = 0) -> None:
        spec = load_experiment(experiment)
        paths, values = _draws(experiment)
        member_values = {p: values[draw, j : j + 1] for j, p in enumerate(paths)}
        super().__init__(spec.base, seed=seed, members=1, member_values=member_values, record_ledger=False)


def experiment_file(draws: int, tmp: Path) -> Path:
    """The bundled experiment, with its number of draws changed if asked."""
    src = bundled_experiments()[EXPERIMENT]
    text = src.read_text(encoding="utf-8")
    if re.search(rf"^size = {draws}$", text, flags=re.M):
        return src
    out = tmp / f"{EXPERIMENT}_{draws}.toml"
    out.write_text(re.sub(r"^size = \d+$", f"size = {draws}", text, flags=re.M), encoding="utf-8")
    return out


def cpu_s() -> float:
    """CPU time [s] of this process and its finished children (worker processes), user + system."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def dir_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (default 10,000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes on both sides")
    ap.add_argument("--mesa-sample", type=int, default=40, help="draws run through mesa.batch_run, then extrapolated")
    ap.add_argument("--keep", help="keep the experiment directory here")
    args = ap.parse_args()

    import mesa

    tmp = Path(tempfile.mkdtemp(prefix="bench_experiments_"))
    try:
        exp = experiment_file(args.draws, tmp)
        spec = load_experiment(exp)
        out = Path(args.keep) if args.keep else tmp / "store"
        if out.exists():
            shutil.rmtree(out)
        print(f"{spec.name}: {build_design(spec).count_text}, {spec.base.model.scenario.start_month} to {spec.base.model.scenario.end_month} monthly, "
              f"chunks of {spec.meta.chunk_size}, {args.workers} workers, {os.cpu_count()} CPUs")
        print(f"load average before: {os.getloadavg()[0]:.2f} (other processes on these cores slow both sides)")

        import ecosim.experiments.experiment as experiment_module

        stored = [0.0]  # the runner's time storing chunks (this process)
        store_chunk = experiment_module._store_chunk

        def timed_store(*a: Any) -> None:
            s = time.perf_counter()
            store_chunk(*a)
            stored[0] += time.perf_counter() - s

        experiment_module._store_chunk = timed_store  # type: ignore[assignment]
        first: list[float] = []  # when the first worker reported its first months
        t0, c0 = time.perf_counter(), cpu_s()
        run = run_experiment(spec, out, workers=args.workers, on_progress=lambda _: first or first.append(time.perf_counter()))
        t_ecosim, c_ecosim = time.perf_counter() - t0, cpu_s() - c0
        experiment_module._store_chunk = store_chunk
        assert run.complete, "the experiment did not finish"
        print(f"ecosim:      {run.design.n_runs:,} runs stored in {t_ecosim:.1f} s ({run.design.n_runs / t_ecosim:,.0f} runs/s; {run.ok:,} ok, {run.failed:,} failed; store {dir_size_mb(out):.1f} MB)")
        if run.design.n_runs == 10_000 and args.workers == 2:
            print(f"             target <= {MC_10K_S:g} s for 10,000 draws on 2 workers: {mark(t_ecosim, MC_10K_S)} (load average now {os.getloadavg()[0]:.2f})")
        else:
            print(f"             (target <= {MC_10K_S:g} s is for 10,000 draws on 2 workers)")
        print(f"             CPU {c_ecosim:.1f} s ({1000 * c_ecosim / run.design.n_runs:.2f} ms per run, all processes)")
        print(f"             phases: first months reported after {first[0] - t0 if first else float('nan'):.1f} s (design, store, workers started, "
              f"history warm-up, first model built); storing {stored[0]:.1f} s in this process")
        by_worker: dict[str, list[float]] = {}
        for c in run.store.manifest_json()["chunks"]:
            by_worker.setdefault(str(c["worker"]), []).append(float(c["runtime_s"] or 0.0))
        for worker, times in sorted(by_worker.items()):
            print(f"             worker {worker}: {len(times)} chunks, {sum(times):.1f} s simulating them and computing their outcomes")
        history = load_scenario("history")  # after the run: the workers must not inherit it memoised
        t_warm = time.perf_counter()
        warmup_state(history)
        print(f"             history warm-up (once per worker process): {time.perf_counter() - t_warm:.1f} s")

        from ecosim.report.experiment_report import write_experiment_analysis

        t0 = time.perf_counter()
        write_experiment_analysis(ExperimentStore(out))
        print(f"             analysis (summary, PRIM, figures): {time.perf_counter() - t0:.1f} s")

        n = min(args.mesa_sample, args.draws)
        params: dict[str, Any] = {"draw": list(range(n)), "experiment": [str(exp)], "seed": [spec.meta.seed]}
        steps = spec.base.model.scenario
        from ecosim.timeline import parse_month

        months = parse_month(steps.end_month) - parse_month(steps.start_month) + 1
        t0, c0 = time.perf_counter(), cpu_s()
        results = mesa.batch_run(OneDraw, params, number_processes=args.workers, iterations=1, max_steps=months - 1, data_collection_period=-1, display_progress=False)
        t_mesa_sample, c_mesa_sample = time.perf_counter() - t0, cpu_s() - c0
        assert len(results) == n and all(r["Step"] == months - 1 for r in results), "batch_run did not run every month"  # Step = steps run - 1
        per_run = t_mesa_sample / n
        t_mesa = per_run * args.draws
        print(f"mesa:        batch_run of {n} draws in {t_mesa_sample:.1f} s ({per_run:.2f} s per run, {args.workers} processes) "
              f"-> {args.draws:,} draws ~ {t_mesa:,.0f} s ({t_mesa / 60:,.1f} min), extrapolated")
        print(f"             CPU {c_mesa_sample:.1f} s ({1000 * c_mesa_sample / n:.0f} ms per run, all processes)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        print(f"CPU per run: mesa / ecosim = {(c_mesa_sample / n) / (c_ecosim / run.design.n_runs):,.0f}x (independent of other load)")
        ratio = t_mesa / t_ecosim
        print(f"speed-up:    {ratio:,.0f}x  (goal < 60 s and >= 100x; floor < 180 s and >= 30x): "
              f"{'goal met' if t_ecosim < 60 and ratio >= 100 else 'floor met' if t_ecosim < 180 and ratio >= 30 else 'below the floor'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
