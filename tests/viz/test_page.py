"""The page builds: viz/app.py renders every panel and control, and its buttons and controls work."""

from __future__ import annotations

import importlib.util
from typing import Any

import ipyvuetify as vw
import ipywidgets
import pytest
import solara

from ecosim.scenario import bundled_scenarios
from ecosim.viz.server import app_path

pytestmark = pytest.mark.slow  # whole module: every test needs a long run or worker processes


def _load_app() -> Any:
    spec = importlib.util.spec_from_file_location("ecosim_viz_app", app_path())
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def page() -> Any:
    app = _load_app()

    # Solara's server wraps the page in an AppLayout, where the sidebar lives
    box, rc = solara.render(solara.AppLayout(children=[app.page]), handle_error=False)
    yield rc
    rc.close()


def _shows(rc: Any, text: str) -> bool:
    return bool(rc.find(children=[text]).widgets)


def _now(rc: Any) -> str:
    (now,) = [w for w in rc.find(solara.widgets.HTML).widgets if "ecosim-now" in w.attributes.get("class", "")]
    return str(now.unsafe_innerHTML)


def _images(rc: Any) -> dict[str, bytes]:
    out = {}
    for w in rc.find(ipywidgets.Image).widgets:
        name = next(c for c in w._dom_classes if c.startswith("ecosim-") and c != "ecosim-panel")
        out[name] = bytes(w.value)
    return out


def test_app_builds_every_panel_and_control(page: Any) -> None:
    """viz/app.py defines `page`: six PNG panels, the date, Mesa's Step/Reset/play, scenario chooser, levers, links."""
    images = _images(page)
    assert set(images) == {"ecosim-launches", "ecosim-compute", "ecosim-data", "ecosim-constellations", "ecosim-value", "ecosim-network"}
    assert all(v.startswith(b"\x89PNG") for v in images.values())
    assert _shows(page, "Step: 0")
    assert "2026-01 (not started)" in _now(page)
    labels = [w.children[0] for w in page.find(vw.Btn).widgets if w.children and isinstance(w.children[0], str)]
    assert {"Step", "Reset", "▶"} <= set(labels)
    assert page.find(vw.Select, label="Scenario").widget.items == list(bundled_scenarios())
    assert len(page.find(vw.Slider).widgets) == 2 + 13  # Mesa's play and render intervals + the main levers
    assert any(label.startswith("▸ data [PB]") for label in labels)


def test_step_advances_the_date_and_redraws_the_panels(page: Any) -> None:
    """Each click of Step is one month: the date moves and every chart is redrawn."""
    before = _images(page)
    step = page.find(vw.Btn, children=["Step"]).widget
    for _ in range(3):
        step.click()
    assert _shows(page, "Step: 3")
    assert "<h2 style='margin: 0 0 4px 0'>2026-03</h2>" in _now(page)
    after = _images(page)
    assert all(after[k] != before[k] for k in before)


def test_a_moved_lever_and_a_cut_link_apply_on_reset(page: Any) -> None:
    """Moving a slider or unticking a link is pending until Reset, which rebuilds the month-0 world with them."""
    page.find(vw.Btn, children=["Step"]).widget.click()
    levers = page.find(vw.Sheet, class_="d-flex ma-0 ecosim-lever lever-launch-starship-cost_progress_ratio")
    slider = levers.find(vw.Slider).widget
    slider.v_model = slider.v_model - 20  # 0.80 -> 0.76 on the 0.6..1.0 range
    pending = page.find(vw.Alert, class_="ecosim-pending").widget
    assert "Press Reset to apply" in str(pending.children)
    page.find(vw.Btn, children=["▸ data [PB] — 4 links"]).widget.click()
    box = page.find(vw.Sheet, class_="d-flex ma-0 link-tesla_fleet-xai-data").find(vw.Checkbox).widget
    box.v_model = False
    page.find(vw.Btn, children=["Reset"]).widget.click()
    assert _shows(page, "Step: 0")
    now = _now(page)
    assert "Starship: cost multiplier per doubling of cumulative flights 0.8 → 0.76" in now
    assert "cut tesla_fleet-&gt;xai:data" in now
    assert not page.find(vw.Alert, class_="ecosim-pending").widgets
    page.find(vw.Btn, children=["Step"]).widget.click()
    assert "<h2 style='margin: 0 0 4px 0'>2026-01</h2>" in _now(page)


def test_choosing_a_scenario_resets_the_levers_to_its_values(page: Any) -> None:
    """The chooser loads the other scenario's values into the sliders; Reset runs it from its own start."""
    page.find(vw.Select, label="Scenario").widget.v_model = "history"
    assert "Press Reset to apply: scenario history" in str(page.find(vw.Alert, class_="ecosim-pending").widget.children)
    page.find(vw.Btn, children=["Reset"]).widget.click()
    page.find(vw.Btn, children=["Step"]).widget.click()
    assert "<h2 style='margin: 0 0 4px 0'>2020-01</h2>" in _now(page)
    assert "<b>history</b>" in _now(page)


def test_every_lever_is_reachable_and_an_optional_one_can_be_set(page: Any) -> None:
    """'All levers' opens one slider per schema lever; an unset optional field is fixed by its checkbox."""
    page.find(vw.Btn, children=["▸ All 65 levers by actor"]).widget.click()
    assert len(page.find(vw.Slider).widgets) == 2 + 13 + 65
    box = page.find(vw.Sheet, class_="d-flex ma-0 ecosim-lever lever-orbital_dc-specific_power_w_per_kg").find(vw.Checkbox).widgets[0]
    assert box.v_model is False  # unset: derived from the component masses
    box.v_model = True
    pending = str(page.find(vw.Alert, class_="ecosim-pending").widget.children)
    assert "IT power per kg of the whole satellite at launch" in pending and "auto → 37" in pending
    lifetime = page.find(vw.Sheet, class_="d-flex ma-0 ecosim-lever lever-kuiper-lifetime_yr").find(vw.Slider).widget
    lifetime.v_model = 200  # the top of the 2..15 yr range
    assert "Kuiper: design life before deorbit 7 → 15 yr" in str(page.find(vw.Alert, class_="ecosim-pending").widget.children)
