"""The experiment store: a directory of Parquet tables written chunk by chunk, atomically.

Layout of an experiment directory::

    manifest.json              spec hash, counts, inputs, outcomes, chunk list (status, runs ok/failed,
                               runtime, worker), versions; rewritten atomically after every chunk
    experiment.toml            the experiment file as run
    scenario.toml              the resolved base scenario (constants applied)
    design.parquet             every run: run_id, lever_setting, draw, replicate, one column per input
    runs/chunk-NNNNNN.parquet      run_id, chunk, lever_setting, draw, replicate, inputs..., status,
                                   error, seed, members, member  (one file per finished chunk)
    outcomes/chunk-NNNNNN.parquet  run_id, one column per scalar outcome (runs that succeeded), then
                                   claim:ID and claim_when:ID: the run's scorecard verdict and month per claim
    timeseries/chunk-NNNNNN.parquet run_id, date (YYYY-MM), one column per series outcome
    analysis/*.parquet, *.csv  outcome summary, Sobol/Morris indices, PRIM boxes
    figures/*.png

A chunk's files are written under temporary names and renamed into place, the runs file
last: a chunk is finished exactly when ``runs/chunk-NNNNNN.parquet`` exists. Re-running after
an interruption (Ctrl-C, kill -9, a lost worker) therefore redoes only the chunks without a
runs file, and no finished run is lost or written twice. Only one process writes a directory
at a time (an advisory lock on ``.lock``, released by the OS even after kill -9).

Every table is plain Parquet, readable with pandas or DuckDB; :meth:`ExperimentStore.query`
runs SQL over views named ``design``, ``runs``, ``outcomes``, ``timeseries``, ``results``
(runs joined with outcomes) and one per analysis table.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import platform
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ecosim.errors import ExperimentError, RunDirError

FORMAT = "ecosim-experiment/1"
TABLES = ("runs", "outcomes", "timeseries")
_INIT_FILES = {"experiment.toml", "scenario.toml", "design.parquet", ".lock"}
_CHUNK_RE = re.compile(r"^chunk-(\d{6})\.parquet$")


def chunk_file(chunk: int) -> str:
    return f"chunk-{chunk:06d}.parquet"


def versions() -> dict[str, str]:
    """Versions of what produced the results (written to the manifest)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("ecosim", "mesa", "numpy", "pandas", "pyarrow", "scipy", "SALib"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def atomic_write(path: Path, write: Any) -> None:
    """Write ``path`` through ``write(tmp_path)`` then rename: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    atomic_write(path, lambda tmp: df.to_parquet(tmp, index=False))


def write_text(text: str, path: Path) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


class ExperimentStore:
    """An experiment directory (see the module docstring).

    Open an existing one with ``ExperimentStore(path)``; :meth:`create_or_resume` opens one
    for writing (creating it, or checking that it holds the same experiment).
    """

    def __init__(self, root: str | Path, *, origin: str | None = None) -> None:
        self.root = Path(root)
        self.origin = origin or str(self.root)
        self._lock_fh: Any = None

    # ------------------------------------------------------------ opening

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def manifest(self) -> dict[str, Any]:
        if not self.exists():
            raise RunDirError(f"{self.origin}: not an experiment directory (no manifest.json; run `ecosim experiment run` first)")
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise RunDirError(f"{self.origin}: manifest.json is not valid JSON ({exc})") from None
        if data.get("format") != FORMAT:
            raise RunDirError(f"{self.origin}: manifest.json format must be {FORMAT!r} (got {data.get('format')!r})")
        return dict(data)

    def lock(self) -> None:
        """Take the directory's write lock (one writer at a time)."""
        self.root.mkdir(parents=True, exist_ok=True)
        fh = open(self.root / ".lock", "a+", encoding="utf-8")  # noqa: SIM115 (held until unlock)
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            who = fh.read().strip() or "another process"
            fh.close()
            raise ExperimentError(f"--out {self.origin}: another ecosim experiment is writing this directory ({who}); wait for it or choose another --out") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {platform.node()}\n")
        fh.flush()
        self._lock_fh = fh

    def unlock(self) -> None:
        if self._lock_fh is not None:
            fcntl.flock(self._lock_fh.fileno(), fcntl.LOCK_UN)
            self._lock_fh.close()
            self._lock_fh = None

    def create_or_resume(self, manifest: dict[str, Any], files: dict[str, Any]) -> bool:
        """Open for writing. A new (or empty) directory gets ``files`` (name -> text or DataFrame)
        and ``manifest``; an existing one must hold the same spec hash. True when resuming."""
        if self.root.exists() and not self.root.is_dir():
            raise ExperimentError(f"--out {self.origin}: must be a directory (got an existing file)")
        self.lock()
        try:
            self._clean_temporaries()
            if self.exists():
                old = self.manifest()
                if old.get("spec_hash") != manifest["spec_hash"]:
                    raise ExperimentError(
                        f"--out {self.origin}: holds experiment {old.get('experiment')!r} with a different spec "
                        f"(hash {old.get('spec_hash')} != {manifest['spec_hash']}); use another --out or delete the directory"
                    )
                if old.get("versions", {}).get("ecosim") != manifest["versions"]["ecosim"]:
                    raise ExperimentError(
                        f"--out {self.origin}: was written by ecosim {old['versions'].get('ecosim')} (this is "
                        f"{manifest['versions']['ecosim']}); results would mix model versions: use another --out"
                    )
                return True
            foreign = [p.name for p in self.root.iterdir() if p.name not in _INIT_FILES and not p.name.startswith(".")]
            if foreign:
                raise ExperimentError(
                    f"--out {self.origin}: exists and is not an experiment directory (holds {', '.join(sorted(foreign)[:3])}); choose another --out"
                )
            for name, content in files.items():
                if isinstance(content, pd.DataFrame):
                    write_parquet(content, self.root / name)
                else:
                    write_text(str(content), self.root / name)
            self.write_manifest(manifest)
            return False
        except BaseException:
            self.unlock()
            raise

    def _clean_temporaries(self) -> None:
        for sub in (self.root, *(self.root / t for t in TABLES), self.root / "analysis"):
            if sub.is_dir():
                for p in sub.glob(".*.tmp-*"):
                    with contextlib.suppress(FileNotFoundError):
                        p.unlink()

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        manifest["updated"] = _now()
        write_text(json.dumps(manifest, indent=1) + "\n", self.manifest_path)

    # ------------------------------------------------------------ chunks

    def done_chunks(self) -> set[int]:
        """Chunks whose runs file exists (finished, whatever the manifest says)."""
        d = self.root / "runs"
        if not d.is_dir():
            return set()
        return {int(m.group(1)) for p in d.iterdir() if (m := _CHUNK_RE.match(p.name))}

    def write_chunk(self, chunk: int, runs: pd.DataFrame, outcomes: pd.DataFrame, timeseries: pd.DataFrame | None) -> None:
        """Write one chunk's tables atomically, the runs file (the commit mark) last."""
        name = chunk_file(chunk)
        for table, df in (("timeseries", timeseries), ("outcomes", outcomes), ("runs", runs)):
            if df is not None:
                (self.root / table).mkdir(exist_ok=True)
                write_parquet(df, self.root / table / name)

    # ------------------------------------------------------------ reading

    def files(self, table: str) -> list[Path]:
        """Finished chunk files of a table, in chunk order (orphans of unfinished chunks left out)."""
        done = self.done_chunks()
        d = self.root / table
        if not d.is_dir():
            return []
        out = [(int(m.group(1)), p) for p in d.iterdir() if (m := _CHUNK_RE.match(p.name)) and int(m.group(1)) in done]
        return [p for _, p in sorted(out)]

    def table(self, name: str) -> pd.DataFrame:
        """A whole table: ``design``, ``runs``, ``outcomes``, ``timeseries`` or ``results``
        (runs with their outcomes), sorted by run id."""
        if name == "design":
            return pd.read_parquet(self.root / "design.parquet")
        if name == "results":
            runs, out = self.table("runs"), self.table("outcomes")
            return runs.merge(out, on="run_id", how="left")
        if name not in TABLES:
            raise RunDirError(f"{self.origin}: no table {name!r} (tables: design, runs, outcomes, timeseries, results)")
        files = self.files(name)
        if not files:
            return pd.DataFrame()
        df = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)
        sort = ["run_id", "date"] if name == "timeseries" else ["run_id"]
        return df.sort_values(sort, kind="stable").reset_index(drop=True)

    def analysis_dir(self) -> Path:
        d = self.root / "analysis"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def figures_dir(self) -> Path:
        d = self.root / "figures"
        d.mkdir(parents=True, exist_ok=True)
        return d

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        """A DuckDB connection with a view per table (see the module docstring)."""
        import duckdb

        self.manifest()
        con = duckdb.connect(":memory:")
        try:
            def view(name: str, files: list[Path]) -> None:
                if files:
                    listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
                    con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{listing}], union_by_name = true)')

            view("design", [self.root / "design.parquet"])
            for t in TABLES:
                view(t, self.files(t))
            if self.files("runs"):
                con.execute("CREATE VIEW results AS SELECT * FROM runs LEFT JOIN outcomes USING (run_id)" if self.files("outcomes") else "CREATE VIEW results AS SELECT * FROM runs")
            adir = self.root / "analysis"
            if adir.is_dir():
                for p in sorted(adir.glob("*.parquet")):
                    view(p.stem, [p])
            yield con
        finally:
            con.close()

    def query(self, sql: str) -> pd.DataFrame:
        """Run SQL on the store (DuckDB) and return the result as a DataFrame."""
        import duckdb

        with self.connect() as con:
            try:
                return con.execute(sql).fetchdf()
            except duckdb.Error as exc:
                first = " ".join(str(exc).split("\n")[0].split())
                raise RunDirError(f"{self.origin}: SQL error: {first} (views: {', '.join(self.views())})") from None

    def views(self) -> list[str]:
        out = ["design"] + [t for t in TABLES if self.files(t)]
        if self.files("runs"):
            out.append("results")
        adir = self.root / "analysis"
        if adir.is_dir():
            out += [p.stem for p in sorted(adir.glob("*.parquet"))]
        return out
