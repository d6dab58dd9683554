"""Run a calibration into a posterior store: batches on the member axis, chunks on workers, resumable.

:func:`calibrate` drives the sampler (:mod:`ecosim.calibration.smc`): every batch of
particles it asks for is cut into chunks of ``chunk_size`` particles; a chunk is one model
whose members are the particles (:func:`ecosim.calibration.history.simulate_rows`), seeded
by ``(seed, generation, move, chunk)``. Chunks run in this process (``workers=1``) or on a
pool of spawned worker processes; each finished chunk is stored at once, and a finished
generation replaces its chunks. The chunking and the seeds do not depend on the number of
workers, so the posterior does not either.

After the last generation the posterior is resampled to ``predictive_draws`` draws, which
are simulated again over every history row the scenario spans (the posterior predictive):
``fit.parquet`` gives each row's median and 5-95 % range, and ``predictive.parquet`` the
draws themselves.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecosim.analysis.calibration import Check, HistoryRow, checks_of, history_rows, row_maps
from ecosim.calibration.history import Discrepancy, simulate_rows
from ecosim.calibration.smc import ABCSMC, Population, stream, systematic_resample
from ecosim.calibration.spec import CalibrationSpec
from ecosim.calibration.store import PosteriorStore
from ecosim.errors import UsageError
from ecosim.scenario.loader import LoadedScenario
from ecosim.timeline import parse_month

#: generation number under which the posterior-predictive batch is stored
PREDICTIVE = 999

OnProgress = Callable[[float, str], None]  #: (simulated histories so far, what is running)


@dataclass(frozen=True)
class ChunkJob:
    """One chunk: a model whose members are ``theta``'s rows (picklable)."""

    key: tuple[int, int, int]  #: (generation, move, chunk)
    scenario: LoadedScenario
    names: tuple[str, ...]
    theta: np.ndarray  #: (n, d)
    rows: tuple[HistoryRow, ...]
    seed: int
    until: str


def chunk_seed(seed: int, key: tuple[int, int, int]) -> int:
    """Model seed of a chunk (independent of workers and of the other chunks)."""
    return int(np.random.SeedSequence([int(seed), *key, 7]).generate_state(1, dtype=np.uint32)[0])


def run_job(job: ChunkJob, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Simulate a chunk: each row's value for each member, (n, R)."""
    mv = {n: job.theta[:, i] for i, n in enumerate(job.names)}
    return simulate_rows(job.scenario, job.rows, mv, chunk_seed(job.seed, job.key), job.until, progress=progress).T


def _key_id(key: tuple[int, int, int]) -> int:
    """A chunk key as one integer (the progress queue carries integers)."""
    g, m, c = key
    return (g * 1000 + m) * 1_000_000 + c


def _pool_job(job: ChunkJob) -> tuple[tuple[int, int, int], np.ndarray]:
    from ecosim.experiments import runners

    def progress(done: int, total: int) -> None:
        if runners._QUEUE is not None and (done % runners.PROGRESS_EVERY_MONTHS == 0 or done == total):
            runners._QUEUE.put((_key_id(job.key), done / total))

    return job.key, run_job(job, progress)


class Workers:
    """Where chunks run: this process (1) or a pool of spawned processes (reused for every batch)."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise UsageError(f"--workers must be >= 1 (got {workers})")
        self.workers = workers
        self._pool: cf.ProcessPoolExecutor | None = None
        self._queue: Any = None

    @property
    def description(self) -> str:
        return "1 worker (this process)" if self.workers == 1 else f"{self.workers} worker processes"

    def __enter__(self) -> Workers:
        if self.workers > 1:
            from ecosim.experiments.runners import _init_worker

            ctx = mp.get_context("spawn")
            self._queue = ctx.Queue()
            self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_init_worker, initargs=(self._queue,))
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            procs = list(getattr(self._pool, "_processes", {}).values())
            self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)
            for p in procs:
                if p.is_alive():
                    p.terminate()
            self._queue.close()
            self._queue.join_thread()

    def map(self, jobs: Sequence[ChunkJob], on_done: Callable[[ChunkJob, np.ndarray], None], on_progress: Callable[[tuple[int, int, int], float], None]) -> None:
        """Run ``jobs``; ``on_done`` sees each result (in completion order)."""
        if self._pool is None:
            for job in jobs:
                on_done(job, run_job(job, lambda d, t, k=job.key: on_progress(k, d / t)))  # type: ignore[misc]
            return
        from ecosim.experiments.runners import _drain

        by_key = {j.key: j for j in jobs}
        by_id = {_key_id(j.key): j.key for j in jobs}
        pending = {self._pool.submit(_pool_job, j) for j in jobs}
        while pending:
            done, pending = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
            _drain(self._queue, lambda k, f: on_progress(by_id[k], f) if k in by_id else None)
            for fut in done:
                try:
                    key, values = fut.result()
                except cf.process.BrokenProcessPool:
                    raise RuntimeError("a worker process died (out of memory or killed); the finished chunks are stored: run the same command again to finish") from None
                on_done(by_key[tuple(key)], values)  # type: ignore[index]


@dataclass
class CalibrationRun:
    """What :func:`calibrate` returns."""

    store: PosteriorStore
    population: Population
    fit: list[Check]
    simulations: int
    ran_simulations: int
    elapsed_s: float
    resumed_from: int  #: generations already stored when this call started (-1: none)


def predictive_rows(scenario: LoadedScenario, until: str | None = None) -> tuple[HistoryRow, ...]:
    """Every history row the scenario's months (up to ``until``) can measure (role fit, check or input)."""
    sc = scenario.model.scenario
    first, last = parse_month(sc.start_month), parse_month(until or sc.end_month)
    maps = row_maps()
    out = []
    for r in history_rows():
        m = maps[r.metric]
        lo, hi = r.months
        if m.role == "input" or (m.role != "none" and hi <= last and (lo >= first or m.aggregate in ("end", "cumulative")) and hi >= first):
            out.append(r)
    return tuple(out)


def calibrate(
    spec: CalibrationSpec,
    out: str | Path,
    workers: int = 1,
    on_start: Callable[[dict[str, Any], Workers], None] | None = None,
    on_progress: OnProgress | None = None,
    on_generation: Callable[[Population], None] | None = None,
) -> CalibrationRun:
    """Infer the spec's parameters into the posterior store ``out`` (resuming what it holds)."""
    t0 = time.perf_counter()
    disc = Discrepancy.for_scenario(spec.scenario, spec.fit_until, spec.meta.model_discrepancy_frac)
    row_keys = [r.key for r in disc.rows]
    names = spec.names
    prior = spec.prior
    store = PosteriorStore(out)
    header = {
        "name": spec.meta.name,
        "fingerprint": spec.fingerprint(),
        "scenario": spec.scenario.name,
        "fit_until": spec.fit_until,
        "seed": spec.meta.seed,
        "settings": spec.meta.model_dump(),
        "parameters": [{"path": p, "prior": u.dist().describe(), "source": u.source} for p, u in spec.parameters.items()],
        "rows": [{"key": r.key, "value": r.value, "uncertainty_frac": r.uncertainty_frac} for r in disc.rows],
    }
    man = store.create_or_resume(header, spec.text, spec.scenario.to_toml())
    smc = ABCSMC(prior, disc, spec.settings, spec.meta.seed)
    done_sims = [0.0]
    ran = [0]
    try:
        pop = store.last_population(names, row_keys)
        resumed = -1 if pop is None else pop.generation
        done_sims[0] = 0.0 if pop is None else float(pop.simulations)
        with Workers(workers) as pool:
            if on_start:
                on_start(man, pool)

            def batch(z: np.ndarray, generation: int, move: int, rows: tuple[HistoryRow, ...], until: str, theta: np.ndarray | None = None) -> np.ndarray:
                theta = prior.theta(z) if theta is None else theta
                size = spec.meta.chunk_size
                cols = [r.key for r in rows]
                result = np.full((len(theta), len(rows)), np.nan)
                jobs = []
                base = done_sims[0]
                frac: dict[tuple[int, int, int], float] = {}
                for c, start in enumerate(range(0, len(theta), size)):
                    key = (generation, move, c)
                    stored = store.load_chunk(*key)
                    if stored is not None and stored.shape == (min(size, len(theta) - start), len(rows)):
                        result[start : start + size] = stored
                        frac[key] = 1.0
                        continue
                    jobs.append(ChunkJob(key, spec.scenario, names, theta[start : start + size], rows, spec.meta.seed, until))
                    frac[key] = 0.0
                sizes = {(generation, move, c): min(size, len(theta) - c * size) for c in range(len(frac))}

                def report(key: tuple[int, int, int], f: float) -> None:
                    frac[key] = max(frac[key], f)
                    done_sims[0] = base + sum(frac[k] * sizes[k] for k in frac)
                    if on_progress:
                        on_progress(done_sims[0], f"generation {generation}" if generation != PREDICTIVE else "posterior predictive")

                def done(job: ChunkJob, values: np.ndarray) -> None:
                    g, m, c = job.key
                    store.save_chunk(g, m, c, values, cols)
                    result[c * size : c * size + len(values)] = values
                    ran[0] += len(values)
                    report(job.key, 1.0)

                report((generation, move, 0), frac[(generation, move, 0)])
                pool.map(jobs, done, report)
                return result

            fit_until = spec.fit_until
            if pop is None:
                z0 = smc.initial()
                pop = smc.first(z0, batch(z0, 0, 0, disc.rows, fit_until))
                pop.stop = smc.stop_reason(pop)
                store.save_population(pop, names, prior.theta(pop.z), row_keys, man)
                if on_generation:
                    on_generation(pop)
            while not pop.stop:
                pop = smc.reweight(pop)
                for move in range(spec.meta.moves):
                    mv = smc.propose(pop, move)
                    pop = smc.accept(pop, mv, batch(mv.z, pop.generation, move, disc.rows, fit_until))
                pop.stop = smc.stop_reason(pop)
                store.save_population(pop, names, prior.theta(pop.z), row_keys, man)
                if on_generation:
                    on_generation(pop)
            theta = prior.theta(pop.z)
            _write_posterior(store, man, pop, names, theta)
            prows = predictive_rows(spec.scenario)
            draws = posterior_draws(theta, pop.weight, spec.meta.predictive_draws, spec.meta.seed)
            values = batch(np.zeros((len(draws), len(names))), PREDICTIVE, 0, prows, spec.scenario.model.scenario.end_month, theta=draws)
        everything = history_rows()
        where = {r.key: j for j, r in enumerate(prows)}
        all_values = np.full((len(everything), len(draws)), np.nan)
        for i, r in enumerate(everything):
            if r.key in where:
                all_values[i] = values[:, where[r.key]]
        fit = checks_of(everything, all_values)
        fit_data = checks_of(everything, with_observation_error(everything, all_values, spec.meta.model_discrepancy_frac, spec.meta.seed))
        _write_predictive(store, man, names, draws, prows, values, fit, fit_data)
    finally:
        store.unlock()
    return CalibrationRun(store, pop, fit, int(pop.simulations) + spec.meta.predictive_draws, ran[0], time.perf_counter() - t0, resumed)


def posterior_draws(theta: np.ndarray, weight: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` equally weighted draws from a weighted population (systematic resampling)."""
    return theta[systematic_resample(weight, stream(seed, PREDICTIVE, 0, 0), n)]


def _write_posterior(store: PosteriorStore, man: dict[str, Any], pop: Population, names: tuple[str, ...], theta: np.ndarray) -> None:
    from ecosim.results.store import write_parquet

    keep = pop.weight > 0
    write_parquet(pd.DataFrame({"draw": np.flatnonzero(keep), **{n: theta[keep, i] for i, n in enumerate(names)}, "weight": pop.weight[keep], "distance": pop.distance[keep]}), store.root / "posterior.parquet")
    diag = pd.DataFrame(man["generations"])[["generation", "epsilon", "acceptance", "ess", "alive", "simulations", "resampled"]]
    write_parquet(diag, store.root / "diagnostics.parquet")


def with_observation_error(rows: Sequence[HistoryRow], values: np.ndarray, model_discrepancy_frac: float, seed: int) -> np.ndarray:
    """Predictive draws of the published figures (rows, n): the model's value plus the error the
    discrepancy assumes, ``N(0, (|published| * sqrt(u^2 + m^2))^2)`` (Wilkinson 2013: ABC's
    predictive of the data includes the error model)."""
    u = np.array([r.uncertainty_frac for r in rows])
    scale = np.abs([r.value for r in rows]) * np.sqrt(u**2 + model_discrepancy_frac**2)
    noise = stream(seed, PREDICTIVE, 1, 0).standard_normal(values.shape)
    return values + noise * scale[:, None]


def _write_predictive(store: PosteriorStore, man: dict[str, Any], names: tuple[str, ...], draws: np.ndarray, rows: tuple[HistoryRow, ...], values: np.ndarray, fit: list[Check], fit_data: list[Check]) -> None:
    from ecosim.results.store import write_parquet

    write_parquet(pd.DataFrame({"draw": np.arange(len(draws)), **{n: draws[:, i] for i, n in enumerate(names)}, **{f"row:{r.key}": values[:, j] for j, r in enumerate(rows)}}), store.root / "predictive.parquet")
    write_parquet(fit_frame(fit, fit_data), store.root / "fit.parquet")
    store.drop_chunks(PREDICTIVE)
    man["status"] = "complete"
    store.write_manifest(man)


def fit_frame(fit: list[Check], fit_data: list[Check]) -> pd.DataFrame:
    """The fit table as a frame (one row per history row).

    ``p5``/``p95``: the model's posterior-predictive range; ``p5_data``/``p95_data``: the range
    of the published figure the posterior predicts (the model plus the error model of the
    discrepancy), against which coverage is judged.
    """
    return pd.DataFrame([{
        "metric": c.metric, "period": c.period, "unit": c.unit, "published": c.published, "uncertainty_frac": c.uncertainty_frac,
        "status": c.status, "p5": c.p5, "median": c.model, "p95": c.p95, "error_frac": c.error_frac,
        "within_90pct": c.covered() if c.represented else None,
        "p5_data": d.p5, "p95_data": d.p95, "within_90pct_data": d.covered() if d.represented else None,
        "note": c.note, "source": c.source,
    } for c, d in zip(fit, fit_data, strict=True)])


def fit_checks(store: PosteriorStore) -> list[Check]:
    """The stored fit table as :class:`Check` lines (every history row)."""
    from ecosim.analysis.calibration import row_maps

    maps = row_maps()
    out = []
    for _, r in store.table("fit").iterrows():
        m = maps.get(str(r["metric"]))
        out.append(Check(
            str(r["metric"]), str(r["period"]), str(r["unit"]), float(r["published"]), float(r["median"]), str(r["source"]),
            bool(m.asserts(str(r["period"]))) if m else False, float(r["uncertainty_frac"]), str(r["status"]), str(r["note"]),
            float(r["p5"]), float(r["p95"]), int(store.manifest()["settings"]["predictive_draws"]),
        ))
    return out
