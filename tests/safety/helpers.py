"""What the safety corpus shares: a short scenario, running the CLI in a folder, and looking at
what a command wrote (to check that a refused command wrote nothing, and nothing outside its
output folder)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from contextlib import chdir
from dataclasses import dataclass
from pathlib import Path

import pytest

#: the marker of ecosim's output folders (ecosim.atomic.MARKER)
MARKER = ".ecosim-output"

#: three months of the history scenario: a whole `ecosim run` in well under a second
SHORT = """extends = "history"

[scenario]
name = "short"
description = "three months of history, for tests"
end_month = "2020-03"
"""


@dataclass(frozen=True)
class Outcome:
    """What a command did: exit status, stdout, stderr."""

    code: int
    out: str
    err: str

    @property
    def error_line(self) -> str:
        """The one line of a refused command (asserts there is exactly one, and no traceback)."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert "Traceback" not in self.err, self.err
        assert len(lines) == 1, self.err
        assert lines[0].startswith("error: "), self.err
        return lines[0]


def cli(argv: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]) -> Outcome:
    """``ecosim ARGV`` run in this process in ``cwd`` (an argparse error is exit status 2)."""
    from ecosim.cli import main

    capsys.readouterr()
    with chdir(cwd):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = int(exc.code or 0)
    got = capsys.readouterr()
    return Outcome(code, got.out, got.err)


def tree(root: Path) -> dict[str, str]:
    """Every file and folder under ``root``: relative path -> content hash ('dir' for folders;
    a link is its target, never followed)."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def new_paths(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Paths added or changed between two :func:`tree` snapshots."""
    return {p for p, h in after.items() if before.get(p) != h}


def refused(result: Outcome, before: dict[str, str], root: Path, pattern: str) -> str:
    """Assert a refused command: exit 2, one line matching ``pattern``, nothing written under ``root``."""
    assert result.code == 2, (result.code, result.err[-2000:])
    line = result.error_line
    assert re.search(pattern, line), line
    assert tree(root) == before, new_paths(before, tree(root)) or set(before) - set(tree(root))
    return line


def strict_json(path: Path) -> object:
    """A JSON file parsed strictly: NaN, Infinity and -Infinity tokens are errors."""

    def bad(token: str) -> None:
        raise AssertionError(f"{path}: holds {token}, not strict JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=bad)


def assert_finite_run(run_dir: Path) -> None:
    """A written run directory holds strict JSON and finite numbers only."""
    import numpy as np
    import pandas as pd

    summary = strict_json(run_dir / "summary.json")
    assert isinstance(summary, dict)
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    assert np.isfinite(ts.drop(columns=["date"]).to_numpy(dtype=float)).all()
    ledger = pd.read_parquet(run_dir / "ledger.parquet")
    assert np.isfinite(ledger[["quantity", "usd"]].to_numpy(dtype=float)).all()
    assert all(math.isfinite(v) for v in summary["final"].values())  # type: ignore[index]
