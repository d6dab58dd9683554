"""The sources of AI compute are drawn alike everywhere: the run's figure and the browser's chart
draw the same lines from one list, Google's ground line without its Suncatcher satellites (they
are in the orbital line), and the figure's axis spans every line it draws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ecosim.report import figures
from ecosim.report.compute_sources import COMPUTE_SOURCES
from ecosim.viz.charts import LINE_PANELS

# two months of each metric the sources read [EFLOP/s]: Google 5 (2 of them in orbit)
VALUES = {"odc_compute_eflops": 0.01, "google_orbital_compute_eflops": 2.0, "starcloud_compute_eflops": 1.0, "terrestrial_compute_eflops": 40.0,
          "xai_leased_eflops": 200.0, "openai_compute_eflops": 300.0, "google_compute_eflops": 5.0, "anthropic_compute_eflops": 100.0}
EXPECTED = {"SpaceX orbital (xAI)": 0.01, "other orbital (Google, Starcloud)": 3.0, "xAI terrestrial (own)": 40.0, "xAI leased (clouds, neoclouds)": 200.0,
            "OpenAI (owned and leased)": 300.0, "Google terrestrial": 3.0, "Anthropic (owned and leased)": 100.0}


def test_every_metric_a_source_reads_is_read_once() -> None:
    """Each metric is in one source, except Google's orbital compute: added to the orbital line,
    subtracted from Google's ground line."""
    plus = [m for s in COMPUTE_SOURCES for m in s.plus]
    assert sorted(plus) == sorted(VALUES) and len(plus) == len(set(plus))
    assert [m for s in COMPUTE_SOURCES for m in s.minus] == ["google_orbital_compute_eflops"]


def test_the_browser_chart_draws_the_sources() -> None:
    panel = next(p for p in LINE_PANELS if p.name == "compute")
    series = {m: np.full(2, v) for m, v in VALUES.items()}
    assert [s.label for s in panel.series] == list(EXPECTED)
    assert_allclose([v[-1] for v in panel.values(series, 2)], list(EXPECTED.values()))


def test_the_run_figure_draws_the_sources_and_spans_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The figure draws each source's line; its log axis runs from half the smallest positive
    value (0.005) to twice the largest (600)."""
    drawn: dict[str, Any] = {}
    monkeypatch.setattr(figures, "finish", lambda fig, path: drawn.update(fig=fig))
    ts = pd.DataFrame({"date": ["2030-01", "2030-02"], **{m: [v, v] for m, v in VALUES.items()}})
    figures.compute_by_source(ts, tmp_path / "compute.png")
    ax = drawn["fig"].axes[0]
    assert {line.get_label(): float(line.get_ydata()[-1]) for line in ax.get_lines()} == pytest.approx(EXPECTED)
    assert ax.get_ylim() == pytest.approx((0.005, 600.0))


def test_an_older_run_without_a_source_leaves_it_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: dict[str, Any] = {}
    monkeypatch.setattr(figures, "finish", lambda fig, path: drawn.update(fig=fig))
    ts = pd.DataFrame({"date": ["2030-01"], **{m: [v] for m, v in VALUES.items() if m != "anthropic_compute_eflops"}})
    figures.compute_by_source(ts, tmp_path / "compute.png")
    assert [line.get_label() for line in drawn["fig"].axes[0].get_lines()] == [k for k in EXPECTED if not k.startswith("Anthropic")]
