"""Never delete what ecosim did not write: output locations come from options or a fixed root,
never from text in a data file; a directory is replaced only if it carries ecosim's marker;
temporary folders of dead writers are cleaned; concurrent writers each swap whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.safety.helpers import MARKER, SHORT, cli, refused, tree

NAMES = {
    "absolute path": "{victim}",
    "empty": "",
    "dot": ".",
    "dot-dot": "..",
    "parent path": "../victim",
    "nested parent path": "a/../../victim",
    "home": "~",
    "hidden": ".ssh",
    "markup and spaces": "[bold]Bull case[/bold] 2030",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A working folder with a foreign folder beside it and a file of the user's in runs/."""
    work = tmp_path / "work"
    (work / "runs").mkdir(parents=True)
    (work / "runs" / "notes.txt").write_text("the user's notes")
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "file.txt").write_text("precious")
    (work / "victim").mkdir()
    (work / "victim" / "file.txt").write_text("precious too")
    return work


def _scenario(work: Path, name: str) -> Path:
    path = work / "s.toml"
    path.write_text(SHORT.replace('name = "short"', f"name = {name!r}".replace("'", '"')), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(NAMES.values()), ids=list(NAMES))
def test_scenario_name_never_names_a_path(site: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """A scenario's name, whatever it says, gives a run folder directly under runs/ and touches nothing else."""
    name = name.replace("{victim}", str(site.parent / "victim"))
    scenario = _scenario(site, name)
    before = tree(site.parent)
    result = cli(["run", scenario, "--no-figures"], site, capsys)
    assert result.code == 0, result.err
    written = {p for p in tree(site.parent) if p not in before}
    folders = {p.split(os.sep)[2] for p in written if p.startswith(f"work{os.sep}runs{os.sep}") and p.count(os.sep) >= 2}
    assert len(folders) == 1 and written <= {p for p in tree(site.parent) if p.startswith(f"work{os.sep}runs{os.sep}")}, written
    (folder,) = folders
    assert folder and not folder.startswith(".") and "/" not in folder and folder not in ("..", ".")
    for path, digest in before.items():
        assert tree(site.parent).get(path) == digest, f"{path} changed"


def test_run_out_foreign_directory_is_refused_before_simulating(site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`ecosim run --out DIR` on a directory ecosim did not write: exit 2, one line, nothing touched, nothing simulated."""
    import ecosim.run

    monkeypatch.setattr(ecosim.run, "simulate", lambda *a, **k: pytest.fail("simulated before checking --out"))
    scenario = _scenario(site, "short")
    before = tree(site.parent)
    result = cli(["run", scenario, "--out", site / "victim"], site, capsys)
    refused(result, before, site.parent, r"victim: exists and was not written by ecosim")


@pytest.mark.parametrize("out", ["", ".", "..", "/", "runs/.."], ids=["empty", "dot", "dot-dot", "root", "runs-parent"])
def test_run_out_that_names_no_folder_is_refused(site: Path, capsys: pytest.CaptureFixture[str], out: str) -> None:
    """`--out` that is empty, '.', '..' or '/' is refused: it would replace the working folder or more."""
    scenario = _scenario(site, "short")
    before = tree(site.parent)
    result = cli(["run", scenario, "--out", out, "--no-figures"], site, capsys)
    refused(result, before, site.parent, r"must name a directory to create or replace|exists and was not written by ecosim")


def test_run_out_existing_ecosim_run_is_replaced(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A directory ecosim wrote (it has the marker) is replaced whole; an empty directory is used."""
    scenario = _scenario(site, "short")
    assert cli(["run", scenario, "--out", "runs/a", "--no-figures"], site, capsys).code == 0
    (site / "runs" / "a" / "stale.txt").write_text("from an older run")
    assert cli(["run", scenario, "--out", "runs/a", "--no-figures"], site, capsys).code == 0
    assert (site / "runs" / "a" / MARKER).is_file() and not (site / "runs" / "a" / "stale.txt").exists()
    (site / "empty").mkdir()
    assert cli(["run", scenario, "--out", "empty", "--no-figures"], site, capsys).code == 0
    assert (site / "empty" / "summary.json").is_file()
    assert sorted(p.name for p in site.iterdir()) == ["empty", "runs", "s.toml", "victim"]  # no temporary folder left


@pytest.mark.parametrize(
    ("out", "pattern"),
    [
        ("afile", r"must be a directory \(got an existing file\)"),
        ("afile/sub", r"afile is a file, so nothing can be made under it"),
        ("afile/sub/deeper", r"afile is a file, so nothing can be made under it"),
    ],
    ids=["existing file", "under a file", "deep under a file"],
)
def test_run_out_file_or_under_a_file_is_refused_before_simulating(site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, out: str, pattern: str) -> None:
    """--out that is a file or lies under one: exit 2 naming it, before the simulation (it failed after)."""
    import ecosim.run

    (site / "afile").write_text("a file")
    monkeypatch.setattr(ecosim.run, "simulate", lambda *a, **k: pytest.fail("simulated before checking --out"))
    scenario = _scenario(site, "short")
    before = tree(site.parent)
    refused(cli(["run", scenario, "--out", out], site, capsys), before, site.parent, pattern)


def test_marker_is_the_one_ecosim_writes() -> None:
    """The corpus checks the marker file ecosim.atomic writes."""
    from ecosim.atomic import MARKER as written

    assert written == MARKER


def test_dead_writers_temporaries_are_cleaned(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A temporary folder left by a killed writer (its process gone) is removed by the next write; one without the marker is not."""
    from ecosim.atomic import _host

    dead = 2**22 + 12345  # above pid_max's default: no such process
    left = site / "runs" / f".short.tmp-{_host()}-{dead}-0123abcd"
    left.mkdir()
    (left / MARKER).write_text("{}")
    (left / "timeseries.parquet").write_text("half written")
    mine = site / "runs" / f".mine.tmp-{_host()}-{dead}-0123abcd"
    mine.mkdir()
    (mine / "data.txt").write_text("not ecosim's")
    assert cli(["run", _scenario(site, "short"), "--no-figures"], site, capsys).code == 0
    assert not left.exists() and (mine / "data.txt").read_text() == "not ecosim's"


def test_concurrent_swaps_each_replace_whole(tmp_path: Path) -> None:
    """16 writers swapping into one directory at once: none fails, the result is one writer's whole output, no leftovers."""
    from ecosim.atomic import atomic_directory

    target = tmp_path / "out"
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            with atomic_directory(target, kind="run") as tmp:
                for k in range(20):
                    (tmp / f"part-{k}.txt").write_text(str(i))
        except BaseException as exc:  # noqa: BLE001 (collected for the assertion)
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({(target / f"part-{k}.txt").read_text() for k in range(20)}) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.slow
def test_eight_concurrent_runs_into_one_out(tmp_path: Path) -> None:
    """8 `ecosim run` processes into one --out at once: all exit 0, one complete run folder, nothing else (1 in 64 crashed)."""
    (tmp_path / "s.toml").write_text(SHORT, encoding="utf-8")
    cmd = [sys.executable, "-m", "ecosim.cli", "run", "s.toml", "--out", "same", "--no-figures"]
    procs = [subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [(p.wait(timeout=600), p.stderr.read() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in results), results
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml", "same"]
    assert {p.name for p in (tmp_path / "same").iterdir()} == {MARKER, "timeseries.parquet", "ledger.parquet", "summary.json", "scenario.toml", "network.json"}


@pytest.mark.slow
def test_kill_9_during_run_leaves_nothing_for_ever(tmp_path: Path) -> None:
    """kill -9 while `ecosim run` writes leaves at most a temporary folder, which the next run removes."""
    (tmp_path / "s.toml").write_text(SHORT.replace("2020-03", "2025-12"), encoding="utf-8")
    cmd = [sys.executable, "-m", "ecosim.cli", "run", "s.toml", "--out", "runs/x"]
    for delay in (2.0, 3.0, 4.0):
        proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert subprocess.run(cmd, cwd=tmp_path, capture_output=True).returncode == 0
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["x"]


@pytest.mark.slow
def test_compare_names_from_files_stay_inside_out(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ecosim compare` runs scenarios named '/abs' and '..' into OUT/runs/ only; nothing outside OUT changes."""
    a = site / "a.toml"
    a.write_text(SHORT.replace('name = "short"', f'name = "{site.parent / "victim"}"'), encoding="utf-8")
    b = site / "b.toml"
    b.write_text(SHORT.replace('name = "short"', 'name = ".."'), encoding="utf-8")
    before = tree(site.parent)
    result = cli(["compare", a, b, "--out", "cmp"], site, capsys)
    assert result.code == 0, result.err
    changed = {p for p, h in tree(site.parent).items() if before.get(p) != h}
    assert changed and all(p.startswith(f"work{os.sep}cmp") for p in changed), changed
    folders = [p.name for p in (site / "cmp" / "runs").iterdir()]
    assert len(folders) == 2 and not any(f.startswith(".") for f in folders), folders
    assert (site / "cmp" / MARKER).is_file()


def test_compare_out_foreign_directory_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ecosim compare --out DIR` on a directory ecosim did not write: exit 2, nothing touched."""
    a = site / "a.toml"
    a.write_text(SHORT, encoding="utf-8")
    before = tree(site.parent)
    refused(cli(["compare", a, a, "--out", site / "victim"], site, capsys), before, site.parent, r"exists and was not written by ecosim")


def test_experiment_and_calibration_out_foreign_directory_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`experiment run --out` and `calibrate --out` on a directory holding other files: exit 2, nothing touched."""
    from tests.experiments.helpers import TINY

    (site / "e.toml").write_text(TINY, encoding="utf-8")
    before = tree(site.parent)
    refused(cli(["experiment", "run", "e.toml", "--out", "victim", "--workers", "1"], site, capsys), before, site.parent, r"exists and is not an experiment directory")
    refused(cli(["calibrate", "--out", "victim"], site, capsys), before, site.parent, r"not empty and holds no calibration")


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["--sweep", "launch_cost_usd_per_kg=20:3000:50", "--out", "adir"], r"--out adir: must be a \.png file"),
        (["--sweep", "launch_cost_usd_per_kg=20:3000:50", "--out", "x.txt"], r"--out x\.txt: must be a \.png file \(got '\.txt'\)"),
        (["--sweep", "launch_cost_usd_per_kg=20:3000:50", "--out", "afile/x.png"], r"afile is a file"),
        (["--out", "x.png"], r"--out x\.png: is the PNG of --sweep; give --sweep too"),
    ],
    ids=["a directory", "not png", "under a file", "without sweep"],
)
def test_odc_cost_out_is_checked(site: Path, capsys: pytest.CaptureFixture[str], args: list[str], pattern: str) -> None:
    """`odc-cost --out` must be a PNG path (it wrote DIR.png, or crashed on x.txt): exit 2, nothing written."""
    (site / "adir").mkdir()
    (site / "afile").write_text("a file")
    before = tree(site.parent)
    refused(cli(["odc-cost", "baseline", *args], site, capsys), before, site.parent, pattern)


def test_odc_cost_default_png_name_is_a_slug(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The default PNG of --sweep is named from the scenario's name as a slug, in the working folder."""
    scenario = site / "o.toml"
    scenario.write_text('extends = "baseline"\n[scenario]\nname = "../../x y"\n', encoding="utf-8")
    result = cli(["odc-cost", scenario, "--sweep", "launch_cost_usd_per_kg=100:1000:300", "--json"], site, capsys)
    assert result.code == 0, result.err
    assert (site / "odc-cost-x-y-2026.png").is_file()

