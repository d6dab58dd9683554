"""One chunk of an experiment: K runs advanced together on one model's member axis.

:func:`run_chunk` is a pure, picklable function of its :class:`ChunkTask` (the same task gives
the same result in any process, on any machine with the same ecosim), used alike by the
in-process, process-pool and Dask runners.

Failure isolation. A chunk is one vectorised model; a run that makes it raise must not take
the other runs down:

1. the spec validates every varied value against its field's bounds up front, so the
   model's own per-member check never rejects a chunk;
2. if simulating the chunk raises, the runs are split in halves and each half simulated by
   its own model (seed derived from the chunk's), recursively, down to single runs: only the
   runs that raise alone are recorded as failed, with the error. Before splitting, the first
   and the last run are tried alone: if both raise the same error as the chunk, the failure
   is taken as systemic and every run of the chunk is recorded as failed with it (this saves
   ~2K model builds when nothing can succeed);
3. a run whose metrics hold NaN or infinity is recorded as failed ("metric is not finite from
   YYYY-MM");
4. an outcome that cannot be computed for the whole chunk (e.g. a terminal growth at or
   above its WACC) is recomputed run by run from the stored series: only the runs it fails
   for are recorded as failed.

Besides the experiment's outcomes, every run is scored on the narrative scorecard
(:func:`ecosim.analysis.scorecard.score_results`, each run at its own cost of capital): the
outcomes table gets ``claim:ID`` (verdict) and ``claim_when:ID`` (month) for each claim, so
``ecosim compare`` can give each claim's probability and median year over the runs.

Each run records the seed, member count and position of the model that produced it, which
is all a re-run of that model needs.

Memory: every model is built, run and released by :func:`ecosim.simulate.simulate`, so a
worker process can run chunk after chunk.

Chunks sharing a model (:func:`run_chunks`, :func:`chunk_groups`): a month costs a model a
fixed number of Python and NumPy calls whatever its members, so runners hand consecutive chunks
of one lever setting (up to :data:`MEMBERS_PER_MODEL` runs) to one model, each chunk's members
drawing from a generator seeded with the chunk's seed: every run computes what it computes in its
chunk's own model, and is stored with its chunk's seed, size and position as before (a re-run
of that chunk alone gives it again). A shared model that raises falls back to each chunk alone.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecosim.analysis.scorecard import score_results, scorecard_columns
from ecosim.experiments.outcomes import (
    first_nonfinite,
    needed_metrics,
    scalar_outcome,
    series_outcome,
)
from ecosim.experiments.spec import OutcomeSpec
from ecosim.finance.series_value import results_equity
from ecosim.results.results import Results
from ecosim.scenario.loader import LoadedScenario
from ecosim.simulate import simulate

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ChunkTask:
    """Everything a worker needs to run one chunk (picklable)."""

    chunk: int
    seed: int
    run_ids: np.ndarray  # (K,) run ids, consecutive
    scenario: LoadedScenario  # the base scenario with this chunk's lever overrides applied
    member_values: dict[str, np.ndarray]  # field path -> (K,) value of each run
    outcomes: tuple[OutcomeSpec, ...]
    posterior: dict[str, np.ndarray] | None = None  # calibrated history field -> (K,) each run's posterior draw


@dataclass
class ChunkResult:
    """What a chunk gives back: per-run status, scalar outcomes, monthly series."""

    chunk: int
    runs: pd.DataFrame  # run_id, seed, members, member, status, error
    outcomes: pd.DataFrame  # run_id, then one column per scalar outcome (ok runs only)
    timeseries: pd.DataFrame | None  # run_id, date, one column per series outcome (ok runs only)
    runtime_s: float = 0.0
    worker: str = ""
    models: int = 1


@dataclass
class _Part:
    """Runs ``idx`` (positions in the chunk) simulated together by one model, or failed."""

    idx: np.ndarray
    seed: int
    error: str | None = None
    results: Results | None = None
    equity: dict[str, np.ndarray] = field(default_factory=dict)


def _message(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def child_seed(seed: int, branch: int) -> int:
    """Seed of a sub-model when a chunk is split (deterministic in the chunk seed).

    >>> child_seed(7, 0) == child_seed(7, 0) != child_seed(7, 1)
    True
    """
    return int(np.random.SeedSequence([int(seed), int(branch)]).generate_state(1, dtype=np.uint32)[0])


def _simulate(task: ChunkTask, idx: np.ndarray, seed: int, progress: Progress | None = None) -> _Part:
    mv = {p: np.asarray(v, dtype=float)[idx] for p, v in task.member_values.items()}
    post = {p: np.asarray(v, dtype=float)[idx] for p, v in task.posterior.items()} if task.posterior is not None else None
    return _Part(idx, seed, None, simulate(task.scenario, seed, members=len(idx), member_values=mv, progress=progress, posterior=post))


def _try(task: ChunkTask, idx: np.ndarray, seed: int, progress: Progress | None = None) -> _Part:
    try:
        return _simulate(task, idx, seed, progress)
    except Exception as exc:  # a run's failure is data: recorded, not raised
        return _Part(idx, seed, _message(exc))


def _isolate(task: ChunkTask, failed: _Part, counter: list[int], top: bool = False) -> list[_Part]:
    """Split a failed group of runs until only the runs that fail alone remain failed."""
    idx = failed.idx
    if len(idx) == 1:
        return [failed]
    if top:
        ends = [_try(task, idx[[0]], child_seed(failed.seed, 10_000 + 0)), _try(task, idx[[-1]], child_seed(failed.seed, 10_000 + 1))]
        counter[0] += 2
        if all(p.error == failed.error for p in ends):
            return [_Part(idx, failed.seed, f"{failed.error} (systemic: the first and last runs fail alone too)")]
    h = len(idx) // 2
    parts: list[_Part] = []
    for b, sub in enumerate((idx[:h], idx[h:])):
        part = _try(task, sub, child_seed(failed.seed, b))
        counter[0] += 1
        parts += [part] if part.error is None else _isolate(task, part, counter)
    return parts


def run_chunk(task: ChunkTask, progress: Progress | None = None) -> ChunkResult:
    """Simulate a chunk's runs together and compute their outcomes, isolating failures."""
    t0 = time.perf_counter()
    K = len(task.run_ids)
    first = _try(task, np.arange(K), task.seed, progress)
    counter = [1]
    parts = [first] if first.error is None else _isolate(task, first, counter, top=True)
    return _chunk_result(task, parts, counter[0], t0)


#: the most runs one model advances when chunks share it (:func:`chunk_groups`). Assumption, from
#: the 10,000-draw Monte Carlo's chunks of 500 on one model (CPU time, load average ~3): 1 chunk
#: 6.9 s, 2 chunks 9.2 s, 5 chunks 18.5 s (3.7 s a chunk, ~1.1 GB of a worker's memory),
#: 10 chunks 40.1 s (1.9 GB): past ~2,500 runs a model saves no more.
MEMBERS_PER_MODEL = 2500


def chunk_groups(tasks: Iterable[ChunkTask], chunk_runs: int, chunks: int, workers: int) -> Iterator[list[ChunkTask]]:
    """Consecutive chunks that one model advances together (:func:`run_chunks`): as many as fit
    in :data:`MEMBERS_PER_MODEL` runs of ``chunk_runs`` each, but no more than leave every one
    of ``workers`` a group of the ``chunks`` to run; a chunk that cannot share a model with the
    one before (:func:`groupable`) starts a group.

    >>> [len(g) for g in chunk_groups([ChunkTask(i, i, np.arange(1000), None, {}, ()) for i in range(5)], 1000, 5, 2)]  # type: ignore[arg-type]
    [2, 2, 1]
    >>> [len(g) for g in chunk_groups([ChunkTask(i, i, np.arange(500), None, {}, ()) for i in range(20)], 500, 20, 2)]  # type: ignore[arg-type]
    [5, 5, 5, 5]
    """
    size = max(1, min(MEMBERS_PER_MODEL // max(chunk_runs, 1), -(-chunks // max(workers, 1))))
    group: list[ChunkTask] = []
    for task in tasks:
        if group and (len(group) == size or not groupable(group[0], task)):
            yield group
            group = []
        group.append(task)
    if group:
        yield group


def groupable(a: ChunkTask, b: ChunkTask) -> bool:
    """Chunks one model may advance together (:func:`run_chunks`): the same scenario (lever
    setting) and outcomes, the same varied fields, no posterior."""
    return (
        a.scenario is b.scenario and a.outcomes == b.outcomes and a.posterior is None and b.posterior is None
        and list(a.member_values) == list(b.member_values)
    )


def run_chunks(tasks: Sequence[ChunkTask], progress: Progress | None = None) -> list[ChunkResult]:
    """Several chunks' results, the same as :func:`run_chunk` gives each, from one model: the
    chunks' runs side by side on its member axis, each chunk's members drawing from a generator
    seeded with the chunk's seed (``member_seeds``), so each member draws and computes what it
    does in its chunk's own model (members never read one another). A model's fixed cost of a
    month (the Python and NumPy calls, whatever the members) is paid once for all of them.

    If the joint model raises, or the chunks cannot share a model (:func:`groupable`), each
    chunk runs alone (:func:`run_chunk`, failures isolated as there).
    """
    tasks = list(tasks)
    if len(tasks) == 1 or not all(groupable(tasks[0], t) for t in tasks[1:]):
        return [run_chunk(t, progress) for t in tasks]
    t0 = time.perf_counter()
    sizes = [len(t.run_ids) for t in tasks]
    mv = {p: np.concatenate([np.asarray(t.member_values[p], dtype=float) for t in tasks]) for p in tasks[0].member_values}
    try:
        joint = simulate(tasks[0].scenario, tasks[0].seed, members=sum(sizes), member_values=mv, progress=progress,
                         member_seeds=[(t.seed, k) for t, k in zip(tasks, sizes, strict=True)])
    except Exception:  # some run raises: each chunk alone, where its failures are isolated
        return [run_chunk(t) for t in tasks]
    out = []
    first = 0
    share = (time.perf_counter() - t0) / len(tasks)
    for t, k in zip(tasks, sizes, strict=True):
        part = _Part(np.arange(k), t.seed, None, joint.take(first, first + k, seed=t.seed))
        out.append(_chunk_result(t, [part], 1, time.perf_counter() - share))
        first += k
    return out


def _chunk_result(task: ChunkTask, parts: list[_Part], models: int, t0: float) -> ChunkResult:
    """A chunk's runs, outcomes and series from its simulated parts (``t0``: when it started)."""
    K = len(task.run_ids)
    status = np.full(K, "ok", dtype=object)
    error = np.full(K, "", dtype=object)
    seed = np.zeros(K, dtype=np.int64)
    members = np.zeros(K, dtype=np.int64)
    member = np.zeros(K, dtype=np.int64)
    scalars = [o for o in task.outcomes if o.scalar]
    series_out = [o for o in task.outcomes if not o.scalar]
    values = {o.name: np.full(K, np.nan) for o in scalars}
    verdicts: dict[str, np.ndarray] = {}
    monthly: dict[str, np.ndarray] = {}
    dates: list[str] = []
    for part in parts:
        seed[part.idx] = part.seed
        members[part.idx] = len(part.idx)
        member[part.idx] = np.arange(len(part.idx))
        if part.error is not None or part.results is None:
            status[part.idx], error[part.idx] = "failed", part.error or ""
            continue
        res = part.results
        dates = res.months
        for k, msg in first_nonfinite(res.series, dates).items():
            status[part.idx[k]], error[part.idx[k]] = "failed", msg
        part.equity = results_equity(res)
        for o in scalars:
            values[o.name][part.idx] = _scalar(o, part, status, error)
        for o in series_out:
            arr = monthly.setdefault(o.name, np.full((len(dates), K), np.nan))
            arr[:, part.idx] = series_outcome(o, res.series)
        evals = score_results(res, equity=part.equity)
        for col, v in scorecard_columns(evals).items():
            verdicts.setdefault(col, np.full(K, "", dtype=object))[part.idx] = v

    ok = status == "ok"
    run_ids = np.asarray(task.run_ids, dtype=np.int64)
    runs = pd.DataFrame({"run_id": run_ids, "seed": seed, "members": members, "member": member, "status": status.astype(str), "error": error.astype(str)})
    outcomes = pd.DataFrame({"run_id": run_ids[ok], **{n: v[ok] for n, v in values.items()}, **{n: v[ok].astype(str) for n, v in verdicts.items()}})
    ts = None
    if series_out and dates:
        n_ok = int(ok.sum())
        ts = pd.DataFrame({
            "run_id": np.repeat(run_ids[ok], len(dates)),
            "date": pd.array(list(map(str, dates)), dtype="str").take(np.tile(np.arange(len(dates)), n_ok)),  # the months' strings once, repeated
            **{n: monthly[n][:, ok].T.reshape(-1) for n in monthly},
        })
    return ChunkResult(task.chunk, runs, outcomes, ts, time.perf_counter() - t0, f"{socket.gethostname()}:{os.getpid()}", models)


def _scalar(o: OutcomeSpec, part: _Part, status: np.ndarray, error: np.ndarray) -> np.ndarray:
    """A scalar outcome for a part; if it raises, member by member, recording failures."""
    res = part.results
    assert res is not None
    c = res.cost_of_capital
    try:
        return scalar_outcome(o, res.series, res.months, c.wacc, c.terminal_growth, c.tax_rate, equity=part.equity)
    except Exception:
        out = np.full(len(part.idx), np.nan)
        for k in range(len(part.idx)):
            one = {m: res.series[m][:, k : k + 1] for m in needed_metrics([o])}
            try:
                eq = {name: v[:, k : k + 1] for name, v in part.equity.items()}
                ck = c.take(slice(k, k + 1))
                out[k] = scalar_outcome(o, one, res.months, ck.wacc, ck.terminal_growth, ck.tax_rate, equity=eq)[0]
            except Exception as exc:
                pos = part.idx[k]
                if status[pos] == "ok":
                    status[pos], error[pos] = "failed", f"outcome {o.name}: {_message(exc)}"
        return out
