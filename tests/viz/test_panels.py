"""The live panels: drawn for every month, and drawing what the frame says."""

from __future__ import annotations

import io

import numpy as np
import pytest
from numpy.testing import assert_allclose
from PIL import Image

from ecosim.scenario import bundled_scenarios
from ecosim.viz.canvas import DPI
from ecosim.viz.levers import Settings
from ecosim.viz.live import METRIC_NAMES, LiveModel
from ecosim.viz.page import rows
from ecosim.viz.panels import PANELS, ChartPanel, NetworkPanel, orbital_share
from ecosim.viz.scorecard import scorecard_panel


@pytest.fixture(scope="module")
def model() -> LiveModel:
    m = LiveModel(Settings.of("baseline").with_link("starlink->xai:data", False))
    for _ in range(30):
        m.step()
    return m


@pytest.mark.slow
def test_every_chart_panel_draws_the_current_month(model: LiveModel) -> None:
    """Each chart gives a PNG of its size; a new month gives a new picture, the same month the same bytes."""
    for panel in PANELS:
        if not isinstance(panel, ChartPanel):
            continue
        png = panel.render(model)
        img = Image.open(io.BytesIO(png))
        w, h = model.figures[panel.name]["live"].fig.get_size_inches() * DPI
        assert img.size == (round(w), round(h)), panel.name
        assert panel.render(model) is png
    before = {p.name: p.render(model) for p in PANELS if isinstance(p, ChartPanel)}
    model.step()
    after = {p.name: p.render(model) for p in PANELS if isinstance(p, ChartPanel)}
    assert all(before[k] != after[k] for k in before)


@pytest.mark.slow
def test_network_edges_are_as_wide_as_this_months_flows(model: LiveModel) -> None:
    """The largest flow of a commodity is drawn 5 wide, no flow 0.4; the cut link is dashed and faint-free."""
    panel = next(p for p in PANELS if isinstance(p, NetworkPanel))
    panel.render(model)
    st = model.figures["network"]
    widths = st["lines"].get_linewidths()
    colours = st["lines"].get_colors()
    sellers, buyers, x = model.frame.flows["data"]
    flow = {(s, "xai"): float(x[i, 0]) for i, s in enumerate(sellers)}
    top = max(flow, key=lambda k: flow[k])
    for k, (s, b, c, enabled, _signal, _) in enumerate(st["edges"]):
        if c != "data":
            continue
        expected = 0.4 + 4.6 * np.sqrt(flow[(s, b)] / flow[top])
        assert_allclose(widths[k], expected, rtol=1e-9)
        if (s, b) == ("starlink", "xai"):
            assert not enabled and flow[(s, b)] == 0.0 and colours[k][3] == pytest.approx(0.9)
    assert_allclose(max(widths[k] for k, e in enumerate(st["edges"]) if e[2] == "data"), 5.0)


@pytest.mark.slow
def test_orbital_share_counts_google_suncatcher_once(model: LiveModel) -> None:
    """Orbital share = (SpaceX + Suncatcher + Starcloud) / all compute, Google's total including Suncatcher."""
    row = model.values[model.frame.steps - 1]
    v = {name: row[METRIC_NAMES.index(name)] for name in METRIC_NAMES}
    orbital = v["odc_compute_eflops"] + v["google_orbital_compute_eflops"] + v["starcloud_compute_eflops"]
    total = orbital + v["terrestrial_compute_eflops"] + v["openai_compute_eflops"] + v["google_compute_eflops"] - v["google_orbital_compute_eflops"]
    assert_allclose(orbital_share(model, model.frame), orbital / total, rtol=1e-12)


def test_page_rows_pair_half_width_panels_and_give_the_network_a_row() -> None:
    """Panels are laid out in order: charts two by two, the scorecard and the network each alone on its row."""
    layout = rows(PANELS)
    assert [len(r) for r in layout] == [2, 2, 2, 1, 1]
    assert layout[-2][0] is scorecard_panel
    assert isinstance(layout[-1][0], NetworkPanel)


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
@pytest.mark.slow
def test_every_bundled_scenario_plays_in_the_page(name: str) -> None:
    """Each scenario the chooser offers builds its live world, steps and draws every panel."""
    m = LiveModel(Settings.of(name))
    for _ in range(3):
        m.step()
    assert m.frame.steps == 3
    for panel in PANELS:
        panel(m)
    assert all(model_png.startswith(b"\x89PNG") for model_png in (f["live"].last_png for f in m.figures.values()))
    assert m.valuation.value_usd or m.valuation.note
