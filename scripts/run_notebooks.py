"""Execute the example notebooks in place, so the outputs they show are the current model's.

    .venv/bin/python scripts/run_notebooks.py [notebooks/quickstart.ipynb ...]

Like the README scripts: re-run it when a change moves the world (the figures in a notebook are
what running it printed). Each notebook runs top to bottom in a fresh ``python3`` kernel from the
repository's root (nbclient, offline); timings are not recorded, so only outputs change.
``tests/test_notebooks.py`` executes them in the suite without writing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path) -> float:
    """Execute ``path`` and write it back with its outputs; returns the wall time [s]."""
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(ROOT)}}).execute()
    nbformat.write(nb, path)
    return time.perf_counter() - t0


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        print(f"{p}: executed in {run(p):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
