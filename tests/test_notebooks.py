"""The example notebooks (notebooks/*.ipynb) run from top to bottom on the current model,
offline, in a fresh kernel: no cell fails, the headline and the tables print, the figure draws."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_is_a_notebook_and_the_readme_links_it() -> None:
    assert [p.name for p in NOTEBOOKS] == ["quickstart.ipynb"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "notebooks/quickstart.ipynb" in readme and "docs/python-api.md" in readme


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    """Executed as ``jupyter nbconvert --execute`` would (nbclient, kernel ``python3``), in the repository root."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "baseline: 2026-01 to 2040-12, 1 member" in text
    assert "- **baseline** — SpaceX+xAI's equity value" in text  # the run's headline, in words
    tables = [o["data"]["text/html"] for o in outputs if "data" in o and "text/html" in o["data"]]
    assert len(tables) >= 5 and any("mark unsupported [%]" in t for t in tables)
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1
