"""Runners: where chunks run — this process, a pool of local worker processes, a Dask cluster.

Every runner calls the same pure function (:func:`ecosim.experiments.chunk.run_chunks`) on the
same groups of tasks (chunks that share a model, :func:`ecosim.experiments.chunk.chunk_groups`)
and hands each chunk's result back to the caller, which stores it; so the results are identical
whatever the runner and however many workers it has (and whether chunks share a model or not).

``InProcessRunner``  ``--workers 1``: chunks one after another in this process.
``ProcessRunner``    ``--workers N``: N worker processes, reused for every chunk (a pool). On
                     Linux they are forked from this process, so they start with its imports
                     (Mesa, pandas, SciPy, ecosim: ~1.8 s of CPU per spawned process, which
                     also re-imports the calling script) and its memoised history warm-up;
                     elsewhere they are spawned (fork is unsafe on macOS), as Mesa's own
                     batch_run does. Workers report their months done through a queue, for the
                     progress bar.
``DaskRunner``       ``--scheduler ADDRESS``: chunks are tasks on a Dask distributed cluster
                     (``dask-scheduler`` and ``dask-worker`` processes, on one machine or many;
                     every worker needs the same ecosim installed). Progress is per chunk.

A worker that dies (out of memory, killed) stops the experiment with a message; the chunks
already stored are kept and re-running the same command finishes the rest. Local workers
exit by themselves within a second if the runner process dies (kill -9).
"""

from __future__ import annotations

import concurrent.futures as cf
import ipaddress
import multiprocessing as mp
import os
import queue as queue_mod
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ecosim.errors import ExperimentError, UsageError
from ecosim.experiments.chunk import ChunkResult, ChunkTask, run_chunks

OnResult = Callable[[ChunkResult], None]
#: chunks one model advances together (one or more)
Group = Sequence[ChunkTask]
OnProgress = Callable[[int, float], None]  # (chunk id, fraction of its months done)

#: months between progress messages from a worker process
PROGRESS_EVERY_MONTHS = 6


class InProcessRunner:
    """Run chunks one after another in this process."""

    def __init__(self) -> None:
        self.description = "1 worker (this process)"
        self.workers = 1

    def run(self, groups: Iterable[Group], on_result: OnResult, on_progress: OnProgress) -> None:
        for group in groups:
            for result in run_chunks(group, progress=_reporter([t.chunk for t in group], on_progress)):
                on_result(result)


def _reporter(chunks: list[int], on_progress: OnProgress) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        for chunk in chunks:
            on_progress(chunk, done / total)

    return report


# ------------------------------------------------------------------ local worker processes

_QUEUE: Any = None


def _init_worker(q: Any) -> None:
    """Worker start-up: keep the progress queue; exit if the parent dies (e.g. kill -9)."""
    global _QUEUE
    _QUEUE = q
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:  # re-parented: the runner is gone, nobody wants our result
                os._exit(1)

    threading.Thread(target=watch, name="ecosim-parent-watch", daemon=True).start()


def _pool_chunks(group: Group) -> list[ChunkResult]:
    def progress(done: int, total: int) -> None:
        if _QUEUE is not None and (done % PROGRESS_EVERY_MONTHS == 0 or done == total):
            for task in group:
                _QUEUE.put((task.chunk, done / total))

    return run_chunks(group, progress=progress)


def worker_context() -> Any:
    """The start method of local worker processes: *fork* on Linux (the workers inherit this
    process's imports and memoised warm-up; the pool forks them all before it starts its own
    thread), *spawn* elsewhere. ``import mesa`` makes *spawn* the default for everyone
    (``mesa.batchrunner``), hence the explicit context."""
    return mp.get_context("fork" if sys.platform == "linux" else "spawn")


class ProcessRunner:
    """Run chunks on ``workers`` local processes (a pool reused across chunks)."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise UsageError(f"--workers must be >= 1 (got {workers})")
        self.workers = workers
        self.description = f"{workers} worker processes"

    def run(self, groups: Iterable[Group], on_result: OnResult, on_progress: OnProgress) -> None:
        ctx = worker_context()
        q = ctx.Queue()
        pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx, initializer=_init_worker, initargs=(q,))
        pending: set[cf.Future[list[ChunkResult]]] = set()
        it: Iterator[Group] = iter(groups)
        exhausted = False
        clean = False
        try:
            while True:
                while not exhausted and len(pending) < 2 * self.workers:
                    group = next(it, None)
                    if group is None:
                        exhausted = True
                        break
                    pending.add(pool.submit(_pool_chunks, group))
                if not pending:
                    break
                done, pending = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
                _drain(q, on_progress)
                for fut in done:
                    try:
                        results = fut.result()
                    except cf.process.BrokenProcessPool:
                        raise RuntimeError(
                            "a worker process died (out of memory or killed); the finished chunks are stored: "
                            "run the same command again to finish the rest"
                        ) from None
                    for result in results:
                        on_result(result)
            clean = True
        finally:
            if clean:
                pool.shutdown(wait=True)
            else:  # Ctrl-C or an error: stop now, leave unfinished chunks for the next run
                for fut in pending:
                    fut.cancel()
                procs = list(getattr(pool, "_processes", {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for p in procs:
                    if p.is_alive():
                        p.terminate()
                for p in procs:
                    p.join(timeout=5)
            q.close()
            q.join_thread()


def _drain(q: Any, on_progress: OnProgress) -> None:
    while True:
        try:
            chunk, frac = q.get_nowait()
        except queue_mod.Empty:
            return
        on_progress(int(chunk), float(frac))


# ------------------------------------------------------------------ Dask


def _worker_ecosim_version() -> str:
    import ecosim

    return ecosim.__version__


_ADDRESS_RE = re.compile(r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(?P<port>\d{1,5})$")


@dataclass(frozen=True)
class SchedulerAddress:
    """A Dask scheduler address checked before connecting: ``tcp://HOST:PORT`` or ``tls://HOST:PORT``."""

    scheme: str
    host: str
    port: int

    @property
    def loopback(self) -> bool:
        """True when the scheduler is on this machine's loopback (127.0.0.0/8, ::1, localhost)."""
        host = self.host.strip("[]")
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    @property
    def warning(self) -> str | None:
        """Why this address is unsafe, or None: Dask's ``tcp://`` protocol neither authenticates
        nor encrypts, and a scheduler runs whatever it is sent on the workers."""
        if self.scheme == "tcp" and not self.loopback:
            return (
                f"tcp://{self.host}:{self.port} is neither authenticated nor encrypted: anyone who reaches that port can run code "
                "on the workers; use tls:// with certificates or an SSH tunnel to 127.0.0.1 (docs/experiments.md, Running on a Dask cluster)"
            )
        return None


def check_scheduler_address(address: str) -> SchedulerAddress:
    """Parse ``--scheduler ADDRESS`` before anything connects.

    >>> check_scheduler_address("tcp://127.0.0.1:8786").loopback
    True

    Raises
    ------
    UsageError
        Not ``[tcp|tls]://HOST:PORT`` with a port from 1 to 65535.
    """
    m = _ADDRESS_RE.match(address.strip())
    expected = "tcp://HOST:PORT or tls://HOST:PORT, e.g. tcp://127.0.0.1:8786"
    if not m:
        raise UsageError(f"--scheduler {address!r}: must be {expected}")
    scheme = m.group("scheme") or "tcp"
    if scheme not in ("tcp", "tls"):
        raise UsageError(f"--scheduler {address}: the protocol must be tcp or tls (got {scheme!r}); {expected}")
    port = int(m.group("port"))
    if not 1 <= port <= 65535:
        raise UsageError(f"--scheduler {address}: the port must be from 1 to 65535 (got {port})")
    host = m.group("host")
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host.strip("[]"))
        except ValueError:
            raise UsageError(f"--scheduler {address}: {host} is not an IPv6 address; {expected}") from None
    return SchedulerAddress(scheme, host, port)


class DaskRunner:
    """Run chunks as tasks on a Dask distributed cluster at ``address`` (checked first:
    :func:`check_scheduler_address`)."""

    def __init__(self, address: str, *, connect_timeout_s: float = 15.0, key_prefix: str = "ecosim") -> None:
        self.checked = check_scheduler_address(address)
        address = f"{self.checked.scheme}://{self.checked.host}:{self.checked.port}"
        try:
            from distributed import Client
            from distributed.security import Security
        except ImportError:
            raise UsageError(f"--scheduler {address}: needs dask[distributed] (pip install 'ecosim[dask]')") from None
        import ecosim

        if self.checked.scheme == "tls":
            sec = Security()  # from Dask's configuration (environment variables or distributed.yaml)
            lacking = [name for name, attr in (("CA_FILE", "tls_ca_file"), ("CLIENT__CERT", "tls_client_cert")) if not getattr(sec, attr, None)]
            if lacking:
                raise UsageError(
                    f"--scheduler {address}: a tls:// cluster needs this client's certificate: set "
                    + ", ".join(f"DASK_DISTRIBUTED__COMM__TLS__{n}" for n in lacking)
                    + " (docs/experiments.md, Running on a Dask cluster)"
                )
        try:
            self.client = Client(address, timeout=f"{connect_timeout_s}s", set_as_default=False)
        except (OSError, TimeoutError, TypeError, ValueError) as exc:
            raise UsageError(f"--scheduler {address}: cannot connect to a Dask scheduler ({' '.join(str(exc).split())[:160]})") from None
        try:
            self.client.wait_for_workers(1, timeout=connect_timeout_s)
        except (TimeoutError, OSError):
            self.client.close()
            raise UsageError(f"--scheduler {address}: no Dask worker joined within {connect_timeout_s:g} s (start dask-worker {address})") from None
        found = self.client.run(_worker_ecosim_version)
        wrong = {w: v for w, v in found.items() if v != ecosim.__version__}
        if wrong:
            self.client.close()
            w, v = next(iter(wrong.items()))
            raise UsageError(f"--scheduler {address}: worker {w} runs ecosim {v}, this is {ecosim.__version__}: install the same version on every worker")
        self.address = address
        self.key_prefix = key_prefix
        self.workers = len(found)
        self.description = f"Dask cluster {address} ({self.workers} workers)"

    def run(self, groups: Iterable[Group], on_result: OnResult, on_progress: OnProgress) -> None:
        from distributed import as_completed

        futures = [
            self.client.submit(run_chunks, list(g), key=f"{self.key_prefix}-chunk-{g[0].chunk}-{time.monotonic_ns()}", pure=False, retries=1)
            for g in groups
        ]
        try:
            for fut in as_completed(futures, loop=self.client.loop):
                try:
                    results = fut.result()
                except Exception as exc:  # a worker died twice on it, or the cluster went away
                    raise ExperimentError(
                        f"--scheduler {self.address}: a chunk failed on the Dask cluster ({type(exc).__name__}: {' '.join(str(exc).split())[:200]}); the finished chunks are "
                        "stored: run the same command again to finish the rest"
                    ) from exc
                for result in results:
                    on_result(result)
                fut.release()
        except BaseException:
            self.client.cancel(futures)
            raise

    def close(self) -> None:
        self.client.close()


#: the most local worker processes (assumption: far more than any machine's cores; each takes
#: a few hundred MB)
MAX_WORKERS = 1024


def check_workers(workers: int | None) -> None:
    """``--workers`` must be from 1 to :data:`MAX_WORKERS` (None: the default)."""
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be >= 1 (got {workers})")
    if workers is not None and workers > MAX_WORKERS:
        raise UsageError(f"--workers must be <= {MAX_WORKERS:,} (got {workers:,})")


def make_runner(workers: int | None, scheduler: str | None) -> Any:
    """The runner for ``--workers`` / ``--scheduler`` (a Dask runner connects here)."""
    if scheduler:
        return DaskRunner(scheduler)
    n = 1 if workers is None else int(workers)
    check_workers(n)
    return InProcessRunner() if n == 1 else ProcessRunner(n)
