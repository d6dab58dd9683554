"""`ecosim results query` is a read-only sandbox: one read-only query over the store's views; it
cannot read or write a file outside the store, install or load extensions, lift its settings,
or change the store; views are built with quoted identifiers, so file names run no SQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.experiments.helpers import TINY
from tests.safety.helpers import cli, refused, tree


@pytest.fixture(scope="module")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TINY experiment's store (12 runs), written once."""
    from ecosim.experiments import load_experiment, run_experiment

    d = tmp_path_factory.mktemp("query")
    (d / "exp.toml").write_text(TINY, encoding="utf-8")
    run = run_experiment(load_experiment(d / "exp.toml"), d / "store", workers=1)
    assert run.complete
    return d / "store"


@pytest.fixture
def site(store_template: Path, tmp_path: Path) -> Path:
    """A copy of the store in ``work/store``, with a secret file outside it."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(store_template, work / "store")
    (tmp_path / "secret.txt").write_text("password=hunter2\n")
    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "outside.parquet")
    return work


OUTSIDE = "{root}"  # replaced by the test's root folder (outside the store)

REFUSED = {
    "copy to a file outside": ("COPY runs TO '{root}/leak.csv'", r"only read-only queries .* got a COPY statement"),
    "copy over a chunk file": ("COPY (SELECT 1) TO '{store}/runs/chunk-000000.parquet' (FORMAT parquet)", r"got a COPY statement"),
    "copy to the working folder": ("COPY runs TO 'leak.csv'", r"got a COPY statement"),
    "attach a database": ("ATTACH '{root}/x.db' AS x", r"got a ATTACH statement"),
    "export the database": ("EXPORT DATABASE '{root}/exported'", r"got a EXPORT statement"),
    "install an extension": ("INSTALL httpfs", r"got a LOAD statement"),
    "load an extension": ("LOAD httpfs", r"got a LOAD statement"),
    "lift the sandbox": ("SET enable_external_access = true", r"got a SET statement"),
    "reset allowed directories": ("RESET allowed_directories", r"got a SET statement"),
    "create a table": ("CREATE TABLE t AS SELECT 1", r"got a CREATE statement"),
    "drop a view": ("DROP VIEW runs", r"got a DROP statement"),
    "a pragma": ("PRAGMA enable_profiling", r"got a PRAGMA statement"),
    "a second statement": ("SELECT 1; COPY runs TO '{root}/leak.csv'", r"give exactly one SQL query \(got 2 statements\)"),
    "read a csv outside": ("SELECT * FROM read_csv('{root}/secret.txt')", r"SQL error: .*(Permission|disabled)"),
    "read /etc/passwd": ("SELECT * FROM read_csv('/etc/passwd')", r"SQL error: .*(Permission|disabled)"),
    "read text outside": ("SELECT * FROM read_text('{root}/secret.txt')", r"SQL error: .*(Permission|disabled)"),
    "read parquet outside": ("SELECT * FROM read_parquet('{root}/outside.parquet')", r"SQL error: .*(Permission|disabled)"),
    "read through ..": ("SELECT * FROM read_parquet('{store}/../../outside.parquet')", r"SQL error: .*(Permission|disabled)"),
    "read a relative path": ("SELECT * FROM read_parquet('../outside.parquet')", r"SQL error: .*(Permission|disabled)"),
    "glob /root": ("SELECT * FROM glob('/root/*')", r"SQL error: .*(Permission|disabled)"),
    "glob outside": ("SELECT * FROM glob('{root}/*')", r"SQL error: .*(Permission|disabled)"),
    "sniff a csv outside": ("SELECT * FROM sniff_csv('{root}/secret.txt')", r"SQL error: .*(Permission|disabled)"),
    "a url": ("SELECT * FROM read_csv('https://example.com/x.csv')", r"SQL error"),
    "a syntax error": ("SELEC 1", r"SQL error: .*syntax error"),
    "markup in the error": ('SELECT "[/bold]" FROM runs', r"\[/bold\]"),
}

ALLOWED = {
    "select": ("SELECT status, count(*) AS n FROM runs GROUP BY status", "ok"),
    "join": ("SELECT count(*) AS n FROM results WHERE spacex_fcf_2026_usd IS NOT NULL", "12"),
    "show tables": ("SHOW TABLES", "runs"),
    "describe": ("DESCRIBE runs", "run_id"),
    "summarize": ("SUMMARIZE outcomes", "spacex_value_2026_usd"),
    "with": ("WITH x AS (SELECT run_id FROM design) SELECT max(run_id) AS m FROM x", "11"),
    "read the store's own files": ("SELECT count(*) AS n FROM read_parquet('{store}/runs/*.parquet')", "12"),
}


@pytest.mark.parametrize(("sql", "pattern"), list(REFUSED.values()), ids=list(REFUSED))
def test_query_refused_and_nothing_read_or_written(site: Path, capsys: pytest.CaptureFixture[str], sql: str, pattern: str) -> None:
    """A statement that is not one read-only query, or reads outside the store: exit 2, one line, nothing written anywhere, no secret shown."""
    root = site.parent
    sql = sql.replace("{root}", str(root)).replace("{store}", str(site / "store"))
    before = tree(root)
    result = cli(["results", "query", "store", sql, "--csv"], site, capsys)
    refused(result, before, root, pattern)
    assert "hunter2" not in result.out + result.err


@pytest.mark.parametrize(("sql", "expect"), list(ALLOWED.values()), ids=list(ALLOWED))
def test_read_only_queries_work(site: Path, capsys: pytest.CaptureFixture[str], sql: str, expect: str) -> None:
    """Read-only queries over the views (and the store's own files) work and write nothing."""
    sql = sql.replace("{store}", str(site / "store"))
    before = tree(site.parent)
    result = cli(["results", "query", "store", sql, "--csv"], site, capsys)
    assert result.code == 0, result.err
    assert expect in result.out
    assert tree(site.parent) == before


def test_file_names_run_no_sql(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Analysis files named to inject SQL (a store received from someone else) run nothing and write nothing."""
    adir = site / "store" / "analysis"
    adir.mkdir(exist_ok=True)
    evil = 'x" AS SELECT 1; ATTACH \'pwned.db\' AS p; CREATE TABLE p.t AS SELECT 42; CREATE VIEW "y'
    pd.DataFrame({"a": [1]}).to_parquet(adir / f"{evil}.parquet")
    pd.DataFrame({"a": [7]}).to_parquet(adir / "good_table.parquet")
    before = tree(site.parent)
    result = cli(["results", "query", "store", "SELECT a FROM good_table", "--csv"], site, capsys)
    assert result.code == 0, result.err
    assert result.out.split() == ["a", "7"]
    assert tree(site.parent) == before and not (site / "pwned.db").exists()
    from ecosim.results.store import ExperimentStore

    assert evil not in ExperimentStore(site / "store").views()


def test_link_out_of_the_store_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An analysis file that is a link to a file outside the store is refused, naming it."""
    adir = site / "store" / "analysis"
    adir.mkdir(exist_ok=True)
    (adir / "leak.parquet").symlink_to(site.parent / "outside.parquet")
    before = tree(site.parent)
    refused(cli(["results", "query", "store", "SELECT * FROM leak", "--csv"], site, capsys), before, site.parent, r"leak\.parquet: points outside the store")


def test_the_connection_is_read_only_and_locked(site: Path) -> None:
    """The connection is a read-only database with external access off, extensions off and the configuration locked."""
    from ecosim.results.store import ExperimentStore

    with ExperimentStore(site / "store").connect() as con:
        settings = dict(con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN ('access_mode', 'enable_external_access', 'lock_configuration', "
            "'autoinstall_known_extensions', 'autoload_known_extensions', 'allowed_directories')"
        ).fetchall())
        assert settings["access_mode"] == "read_only"
        assert settings["enable_external_access"] == "false" and settings["lock_configuration"] == "true"
        assert settings["autoinstall_known_extensions"] == "false" and settings["autoload_known_extensions"] == "false"
        allowed = settings["allowed_directories"].strip("[]").split(", ")
        assert f"{(site / 'store').resolve()}/" in allowed
        assert all(a == f"{(site / 'store').resolve()}/" or "/ecosim-query-" in a for a in allowed), allowed  # and DuckDB's own temporary folder
        with pytest.raises(Exception, match="configuration has been locked"):
            con.execute("SET enable_external_access = true")
        with pytest.raises(Exception, match="read-only|attached in read-only mode|Cannot execute statement"):
            con.execute("CREATE VIEW z AS SELECT 1")


def test_damaged_chunk_is_named(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A truncated chunk file: query and analyze exit 2 naming the file (they gave tracebacks)."""
    chunk = site / "store" / "outcomes" / "chunk-000001.parquet"
    chunk.write_bytes(chunk.read_bytes()[:100])
    before = tree(site.parent)
    refused(cli(["results", "query", "store", "SELECT * FROM outcomes", "--csv"], site, capsys), before, site.parent, r"the outcomes table is damaged .*chunk-000001\.parquet")
    result = cli(["experiment", "analyze", "store"], site, capsys)
    assert result.code == 2 and "chunk-000001.parquet: damaged" in result.error_line


def test_missing_design_is_named_and_restored_on_resume(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A store whose design.parquet was deleted: reading it is one line naming the file; resuming writes it again."""
    from ecosim.errors import RunDirError
    from ecosim.results.store import ExperimentStore

    (site / "store" / "design.parquet").unlink()
    with pytest.raises(RunDirError, match=r"design\.parquet: missing: the store is damaged"):
        ExperimentStore(site / "store").table("design")
    result = cli(["results", "query", "store", "SELECT * FROM design"], site, capsys)
    assert result.code == 2 and "SQL error" in result.error_line
    (site / "exp.toml").write_text(TINY, encoding="utf-8")
    assert cli(["experiment", "run", "exp.toml", "--out", "store", "--workers", "1", "--no-analysis"], site, capsys).code == 0
    assert len(ExperimentStore(site / "store").table("design")) == 12


@pytest.mark.parametrize(
    ("damage", "pattern"),
    [
        (lambda m: m.write_bytes(b"\xff\xfe\x00binary"), r"manifest\.json: not UTF-8 text"),
        (lambda m: m.write_text("{not json"), r"manifest\.json is not valid JSON"),
        (lambda m: m.write_text("[" * 5000 + "]" * 5000), r"manifest\.json: not an ecosim file \(nested too deeply\)|nests tables and lists"),
        (lambda m: m.write_text('{"format": "ecosim-experiment/1"}'), r"manifest\.json lacks"),
        (lambda m: m.unlink(), r"not an experiment directory \(no manifest\.json"),
    ],
    ids=["binary", "not json", "nested", "keys missing", "deleted"],
)
def test_damaged_manifest_is_named(site: Path, capsys: pytest.CaptureFixture[str], damage, pattern: str) -> None:  # type: ignore[no-untyped-def]
    """A damaged manifest.json: query and analyze exit 2 with one line saying what is wrong."""
    import re

    damage(site / "store" / "manifest.json")
    result = cli(["experiment", "analyze", "store"], site, capsys)
    assert result.code == 2 and re.search(pattern, result.error_line), result.err
    result = cli(["results", "query", "store", "SELECT 1"], site, capsys)  # a query needs only the format
    assert result.code == 0 or (result.code == 2 and re.search(pattern, result.error_line)), result.err


def test_resume_reruns_a_damaged_chunk(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Resuming over a truncated runs chunk runs that chunk again (it said 'all runs stored'), and the store is whole after."""
    chunk = site / "store" / "runs" / "chunk-000002.parquet"
    chunk.write_bytes(chunk.read_bytes()[:50])
    (site / "exp.toml").write_text(TINY, encoding="utf-8")
    result = cli(["experiment", "run", "exp.toml", "--out", "store", "--workers", "1", "--no-analysis"], site, capsys)
    assert result.code == 0, result.err
    assert "chunk 2 is damaged (runs/chunk-000002.parquet is not readable Parquet" in result.err
    assert "12 ok, 0 failed" in result.out
    from ecosim.results.store import ExperimentStore

    assert len(ExperimentStore(site / "store").table("runs")) == 12
