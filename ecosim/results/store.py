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
runs one read-only SQL query over views named ``design``, ``runs``, ``outcomes``,
``timeseries``, ``results`` (runs joined with outcomes) and one per analysis table, in a
sandbox that cannot read or write outside the store (:meth:`ExperimentStore.connect`). The manifest is read back as a typed
:class:`Manifest` (:meth:`ExperimentStore.manifest`); only the experiment runner, which writes
it, handles its JSON (:meth:`ExperimentStore.manifest_json`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import platform
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from ecosim.errors import ExperimentError, RunDirError, UsageError
from ecosim.readers import read_json

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


@dataclass(frozen=True)
class ManifestInput:
    """One varied input of an experiment: its column in the tables, field path, kind
    (``uncertainty`` or ``lever``), unit, and how it varies."""

    column: str
    path: str
    kind: str
    unit: str
    numeric: bool
    distribution: str | None
    support: tuple[float, float] | None
    settings: tuple[Any, ...] | None
    source: str


@dataclass(frozen=True)
class ManifestOutcome:
    """One outcome of an experiment (see ``docs/experiments.md``): metric, statistic, year,
    direction, unit."""

    name: str
    metric: str
    stat: str
    year: int | None
    threshold: float | None
    relative_to: str | None
    after_tax: bool | None
    direction: str
    unit: str
    description: str


@dataclass(frozen=True)
class ManifestDiscovery:
    """A scenario-discovery condition (PRIM) on an outcome."""

    name: str
    label: str
    outcome: str
    op: str
    value: float
    density_threshold: float
    peel_alpha: float
    mass_min: float
    significance: float = 0.05


@dataclass(frozen=True)
class ManifestChunk:
    """One chunk of runs and its state (``pending`` or ``done``)."""

    id: int
    first_run: int
    runs: int
    seed: int
    group: int
    status: str
    ok: int | None
    failed: int | None
    runtime_s: float | None
    worker: str | None
    models: int | None


@dataclass(frozen=True)
class ManifestCounts:
    runs: int
    chunks: int
    lever_settings: int
    draws: int
    seeds: int
    text: str


@dataclass(frozen=True)
class ManifestRunner:
    kind: str
    description: str
    started: str


def _typed(cls: Any, data: Mapping[str, Any]) -> Any:
    """A manifest dataclass from its JSON object (unknown keys ignored; tuples for lists)."""
    kwargs = {}
    for f in fields(cls):
        if f.name in data:
            v = data[f.name]
            kwargs[f.name] = tuple(v) if isinstance(v, list) else v
    return cls(**kwargs)


@dataclass(frozen=True)
class Manifest:
    """``manifest.json`` of an experiment directory, read back (fields as the runner writes
    them; ``complete``, ``runs_ok`` and ``runs_failed`` once a run has finished)."""

    format: str
    experiment: str
    description: str
    experiment_file: str
    spec_hash: str
    scenario: str
    scenario_fingerprint: str
    constants: dict[str, Any]
    sampler: str
    size: int
    seed: int
    replications: int
    chunk_size: int
    levels: int
    second_order: bool
    counts: ManifestCounts
    inputs: tuple[ManifestInput, ...]
    outcomes: tuple[ManifestOutcome, ...]
    discovery: tuple[ManifestDiscovery, ...]
    chunks: tuple[ManifestChunk, ...]
    versions: dict[str, str]
    created: str = ""
    updated: str = ""
    runner: ManifestRunner | None = None
    runs_ok: int | None = None
    runs_failed: int | None = None
    complete: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], origin: str) -> Manifest:
        """Parse ``manifest.json``; a key missing is a one-line RunDirError."""
        simple = {f.name for f in fields(cls)} - {"counts", "inputs", "outcomes", "discovery", "chunks", "runner", "extra"}
        needed = [f.name for f in fields(cls) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        lacking = [k for k in needed if k not in data]
        if lacking:
            raise RunDirError(f"{origin}: manifest.json lacks {', '.join(lacking)} (write the experiment again with `ecosim experiment run`)")
        try:
            return cls(
                **{k: data[k] for k in simple if k in data},
                counts=_typed(ManifestCounts, data["counts"]),
                inputs=tuple(_typed(ManifestInput, i) for i in data["inputs"]),
                outcomes=tuple(_typed(ManifestOutcome, o) for o in data["outcomes"]),
                discovery=tuple(_typed(ManifestDiscovery, d) for d in data["discovery"]),
                chunks=tuple(_typed(ManifestChunk, c) for c in data["chunks"]),
                runner=_typed(ManifestRunner, data["runner"]) if data.get("runner") else None,
                extra={k: v for k, v in data.items() if k not in {f.name for f in fields(cls)}},
            )
        except (TypeError, KeyError) as exc:
            raise RunDirError(f"{origin}: manifest.json is not an ecosim experiment manifest ({exc})") from None

    @property
    def scalar_outcomes(self) -> list[ManifestOutcome]:
        """The outcomes with one value per run (every stat but ``series``)."""
        return [o for o in self.outcomes if o.stat != "series"]

    def units(self) -> dict[str, str]:
        """Unit of every input column and outcome."""
        return {i.column: i.unit for i in self.inputs} | {o.name: o.unit for o in self.outcomes}


#: the lock files this process holds open (:meth:`ExperimentStore.lock`)
_HELD_LOCKS: set[Any] = set()


def _drop_inherited_locks() -> None:
    """In a forked child (a local experiment worker): close its copies of the parent's lock files,
    without unlocking, so the lock lives exactly as long as the process that took it."""
    for fh in list(_HELD_LOCKS):
        fh.close()
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_locks)


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

    def manifest_json(self) -> dict[str, Any]:
        """The manifest as JSON (for the runner that rewrites it; readers use :meth:`manifest`)."""
        if not self.exists():
            raise RunDirError(f"{self.origin}: not an experiment directory (no manifest.json; run `ecosim experiment run` first)")
        data = read_json(self.manifest_path, RunDirError)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            got = data.get("format") if isinstance(data, dict) else data
            raise RunDirError(f"{self.origin}: manifest.json format must be {FORMAT!r} (got {got!r})")
        return dict(data)

    def manifest(self) -> Manifest:
        """The manifest, read back as a :class:`Manifest`."""
        return Manifest.from_json(self.manifest_json(), self.origin)

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
        _HELD_LOCKS.add(fh)

    def unlock(self) -> None:
        if self._lock_fh is not None:
            _HELD_LOCKS.discard(self._lock_fh)
            if not self._lock_fh.closed:
                fcntl.flock(self._lock_fh.fileno(), fcntl.LOCK_UN)
                self._lock_fh.close()
            self._lock_fh = None

    def create_or_resume(self, manifest: dict[str, Any], files: dict[str, Any]) -> bool:
        """Open for writing. A new (or empty) directory gets ``files`` (name -> text or DataFrame)
        and ``manifest``; an existing one must hold the same spec hash. True when resuming."""
        if self.root.exists() and not self.root.is_dir():
            raise ExperimentError(f"--out {self.origin}: must be a directory (got an existing file)")
        self._refuse_foreign()  # before the lock file is made: nothing is written into someone else's folder
        self.lock()
        try:
            self._clean_temporaries()
            if self.exists():
                old = self.manifest_json()
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
                self._write_files(files, only_missing=True)  # the same spec writes the same files: restore lost ones
                return True
            self._refuse_foreign()
            self._write_files(files)
            self.write_manifest(manifest)
            return False
        except BaseException:
            self.unlock()
            raise

    def _write_files(self, files: dict[str, Any], only_missing: bool = False) -> None:
        """Write a new store's files (name -> text or DataFrame); ``only_missing``: those not there."""
        for name, content in files.items():
            path = self.root / name
            if only_missing and path.is_file():
                continue
            if isinstance(content, pd.DataFrame):
                write_parquet(content, path)
            else:
                write_text(str(content), path)

    def _refuse_foreign(self) -> None:
        """A directory without a manifest must hold nothing but what a new store starts with."""
        if not self.root.is_dir() or self.exists():
            return
        foreign = [p.name for p in self.root.iterdir() if p.name not in _INIT_FILES and not p.name.startswith(".")]
        if foreign:
            raise ExperimentError(
                f"--out {self.origin}: exists and is not an experiment directory (holds {', '.join(sorted(foreign)[:3])}); choose another --out"
            )

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
        """A whole table: ``design``, ``draws`` (a sampler's unit draws), ``runs``,
        ``outcomes``, ``timeseries`` or ``results`` (runs with their outcomes), sorted by run id.

        Raises
        ------
        RunDirError
            A file of the table is missing or damaged (the message names it and the cause).
        """
        if name in ("design", "draws"):
            path = self.root / f"{name}.parquet"
            if not path.is_file():
                raise RunDirError(f"{path}: missing: the store is damaged (it holds no {name} table); run the experiment again into a new --out")
            return read_parquet_checked(path)
        if name == "results":
            runs, out = self.table("runs"), self.table("outcomes")
            return runs.merge(out, on="run_id", how="left")
        if name not in TABLES:
            raise RunDirError(f"{self.origin}: no table {name!r} (tables: design, runs, outcomes, timeseries, results)")
        files = self.files(name)
        if not files:
            return pd.DataFrame()
        df = pd.concat([read_parquet_checked(p) for p in files], ignore_index=True)
        sort = ["run_id", "date"] if name == "timeseries" else ["run_id"]
        lacking = [c for c in sort if c not in df.columns]
        if lacking:
            raise RunDirError(f"{self.root / name}: damaged: the chunk files lack the column {lacking[0]!r}")
        return df.sort_values(sort, kind="stable").reset_index(drop=True)

    def damaged_chunks(self, expected_runs: Mapping[int, int], tables: tuple[str, ...] = TABLES) -> dict[int, str]:
        """Chunks stored as finished whose files do not hold what they should: chunk id -> what
        is wrong. ``expected_runs`` maps each chunk to its number of runs; the runs file must
        hold that many rows, and each table's file in ``tables`` must be readable Parquet (its
        footer is read, not its data)."""
        import pyarrow.parquet as pq

        out: dict[int, str] = {}
        for chunk in sorted(self.done_chunks()):
            for table in ("runs", *[t for t in tables if t != "runs"]):
                path = self.root / table / chunk_file(chunk)
                if table != "runs" and not path.exists():
                    continue  # a chunk without outcomes (every run failed) or without series
                try:
                    rows = pq.ParquetFile(path).metadata.num_rows
                except Exception as exc:  # pyarrow raises several types for a damaged file
                    out[chunk] = f"{path.relative_to(self.root)} is not readable Parquet ({_first_line(exc)})"
                    break
                if table == "runs" and rows != expected_runs.get(chunk, rows):
                    out[chunk] = f"{path.relative_to(self.root)} holds {rows} runs, not {expected_runs[chunk]}"
                    break
        return out

    def drop_chunk(self, chunk: int) -> None:
        """Remove a chunk's files (runs file first: the chunk is then unfinished), to run it again."""
        for table in ("runs", *[t for t in TABLES if t != "runs"]):
            with contextlib.suppress(FileNotFoundError):
                (self.root / table / chunk_file(chunk)).unlink()

    def analysis_dir(self) -> Path:
        d = self.root / "analysis"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def write_analysis(self, name: str, df: pd.DataFrame) -> list[Path]:
        """Write an analysis table as ``analysis/NAME.parquet`` and a CSV copy, atomically;
        returns both paths."""
        d = self.analysis_dir()
        write_parquet(df, d / f"{name}.parquet")
        write_text(df.to_csv(index=False), d / f"{name}.csv")
        return [d / f"{name}.parquet", d / f"{name}.csv"]

    def figures_dir(self) -> Path:
        d = self.root / "figures"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _view_files(self) -> dict[str, list[Path]]:
        """The views :meth:`connect` builds and their files (inside the store, never through a
        link that leaves it). Analysis tables whose file name is not a plain identifier are left out."""
        root = self.root.resolve()
        views: dict[str, list[Path]] = {}
        if (self.root / "design.parquet").is_file():
            views["design"] = [self.root / "design.parquet"]
        for t in TABLES:
            if self.files(t):
                views[t] = self.files(t)
        adir = self.root / "analysis"
        if adir.is_dir():
            for p in sorted(adir.glob("*.parquet")):
                if _VIEW_NAME_RE.match(p.stem) and p.stem not in views and p.stem != "results":
                    views[p.stem] = [p]
        for files in views.values():
            for f in files:
                if not f.resolve().is_relative_to(root):
                    raise RunDirError(f"{f}: points outside the store ({f.resolve()}); the store is damaged or not to be trusted")
        return views

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        """A read-only DuckDB connection to the store, sandboxed: a view per table (see the module
        docstring), built with quoted identifiers and literals; the database opened read-only;
        file access limited to the store's directory (``enable_external_access`` off,
        ``allowed_directories`` the store); extensions neither installed nor loaded; the
        configuration locked, so no statement can lift any of this."""
        import duckdb

        self.manifest_json()
        root = str(self.root.resolve())
        views = self._view_files()
        with tempfile.TemporaryDirectory(prefix="ecosim-query-") as tmp:
            db = str(Path(tmp) / "views.duckdb")
            build = duckdb.connect(db, config=_SANDBOX)
            try:
                _restrict(build, root)
                for name, files in views.items():
                    listing = ", ".join(_sql_literal(str(p.resolve())) for p in files)
                    try:
                        build.execute(f"CREATE VIEW {_sql_ident(name)} AS SELECT * FROM read_parquet([{listing}], union_by_name = true)")
                    except duckdb.Error as exc:
                        raise RunDirError(f"{self.origin}: the {name} table is damaged ({_first_line(exc)})") from None
                if "runs" in views:
                    join = " LEFT JOIN outcomes USING (run_id)" if "outcomes" in views else ""
                    build.execute(f"CREATE VIEW results AS SELECT * FROM runs{join}")
            finally:
                build.close()
            con = duckdb.connect(db, read_only=True, config=_SANDBOX)
            try:
                _restrict(con, root)
                yield con
            finally:
                con.close()

    def query(self, sql: str) -> pd.DataFrame:
        """Run one read-only SQL query on the store (DuckDB, sandboxed: :meth:`connect`) and
        return the result as a DataFrame.

        Raises
        ------
        UsageError
            The SQL is not exactly one read-only query (``COPY``, ``ATTACH``, ``INSTALL``,
            ``SET``, ``CREATE``, ... are refused before anything runs).
        RunDirError
            The query fails (a syntax error, an unknown view, a file outside the store).
        """
        import duckdb

        with self.connect() as con:
            try:
                statements = con.extract_statements(sql)
            except duckdb.Error as exc:
                raise RunDirError(f"{self.origin}: SQL error: {_first_line(exc)} (views: {', '.join(self.views())})") from None
            if len(statements) != 1:
                raise UsageError(f"{self.origin}: give exactly one SQL query (got {len(statements)} statements)")
            kind = str(statements[0].type).rsplit(".", 1)[-1]
            if statements[0].type != duckdb.StatementType.SELECT:
                raise UsageError(
                    f"{self.origin}: only read-only queries are allowed (SELECT, WITH, FROM, SHOW, DESCRIBE, SUMMARIZE); got a {kind} statement"
                )
            try:
                return con.execute(sql).fetchdf()
            except duckdb.Error as exc:
                raise RunDirError(f"{self.origin}: SQL error: {_first_line(exc)} (views: {', '.join(self.views())})") from None

    def views(self) -> list[str]:
        """Names of the views a query can read."""
        views = list(self._view_files())
        tables = [v for v in views if v in ("design", *TABLES)]
        return tables + (["results"] if "runs" in views else []) + views[len(tables):]


#: DuckDB settings of every store connection (set at start: they cannot be changed later)
_SANDBOX: dict[str, str | bool | int | float | list[str]] = {"autoinstall_known_extensions": False, "autoload_known_extensions": False, "allow_community_extensions": False}
_VIEW_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def _restrict(con: Any, root: str) -> None:
    """Limit a connection's file access to ``root`` and lock its configuration."""
    con.execute(f"SET allowed_directories = [{_sql_literal(root + os.sep)}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _sql_ident(name: str) -> str:
    """A quoted SQL identifier.

    >>> _sql_ident('a"b')
    '"a""b"'
    """
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(text: str) -> str:
    """A quoted SQL string literal.

    >>> _sql_literal("it's")
    "'it''s'"
    """
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split("\n")[0].split())[:300]


def read_parquet_checked(path: Path) -> pd.DataFrame:
    """``pd.read_parquet`` with a damaged or missing file as a one-line RunDirError."""
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise RunDirError(f"{path}: missing: the store is damaged") from None
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise RunDirError(f"{path}: damaged: not readable Parquet ({_first_line(exc)})") from None
