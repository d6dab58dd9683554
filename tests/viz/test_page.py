"""The page builds: viz/app.py renders every panel and control, and its buttons and controls work."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import ipyvue
import ipyvuetify as vw
import pytest
import solara
import solara.routing

from ecosim.scenario import bundled_scenarios
from ecosim.viz.page import EcosimPage
from ecosim.viz.server import app_path

pytestmark = pytest.mark.slow  # whole module: every test needs a long run


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


def _html(rc: Any, cls: str) -> str:
    (w,) = [w for w in rc.find(solara.widgets.HTML).widgets if cls in w.attributes.get("class", "").split()]
    return str(w.unsafe_innerHTML)


CHARTS = ("launches", "compute", "data", "constellations", "value", "network")


def _charts(rc: Any) -> dict[str, Any]:
    """The Plotly chart widgets by panel name (found inside the card of each)."""
    out = {}
    for name in CHARTS:
        card = rc.find(vw.Sheet, class_=f"d-flex ma-0 ecosim-panel ecosim-chart ecosim-{name}")
        if card.widgets:
            out[name] = next(w for w in card.find(ipyvue.VueTemplate).widgets if hasattr(w, "figure"))
    return out


def _type(field: Any, text: str) -> None:
    """Type ``text`` in a text field and leave it (Solara reads a typed value when it loses focus)."""
    field.v_model = text
    field.fire_event("focusout", None)


def _copy_texts(rc: Any) -> list[str]:
    return [w.text for w in rc.find(ipyvue.VueTemplate).widgets if hasattr(w, "text") and hasattr(w, "link")]


def _apply(rc: Any) -> None:
    rc.find(vw.Btn, children=["Apply: rebuild the world from month 0"]).widget.click()


def test_app_builds_every_panel_and_control(page: Any) -> None:
    """viz/app.py: six interactive charts with titles, explanations and CSV buttons; Mesa's controls; the intro; scenario, file, reference, seed, levers, links; the take-away card."""
    charts = _charts(page)
    assert set(charts) == {"launches", "compute", "data", "constellations", "value", "network"}
    assert all(json.loads(c.figure)["data"] for c in charts.values())
    downloads = [w.filename for w in page.find(ipyvue.VueTemplate).widgets if type(w).__name__ == "FileDownloadWidget"]
    assert sorted(downloads) == sorted([*(f"ecosim-{c}.csv" for c in CHARTS), "baseline-page.toml", "baseline-watched.csv", "baseline-watched.parquet"])
    assert _shows(page, "Step: 0")
    assert "2026-01 (not started)" in _html(page, "ecosim-now")
    assert 'title="flywheel: The loop under test' in _html(page, "ecosim-intro")
    labels = [w.children[0] for w in page.find(vw.Btn).widgets if w.children and isinstance(w.children[0], str)]
    assert {"Step", "Reset", "▶"} <= set(labels)
    assert page.find(vw.Select, label="Scenario").widget.items == list(bundled_scenarios())
    assert len(page.find(vw.Slider).widgets) == 2 + 1 + 13  # Mesa's play and render intervals, the month shown, the main levers
    assert len(page.find(vw.TextField).widgets) == 1 + 13  # the seed, a typed value per main lever
    assert any(label.startswith("▸ data [PB] — 16 goods links") for label in labels)
    assert _copy_texts(page) == ["ecosim run baseline", "scenario=baseline"]


def test_step_advances_the_date_and_redraws_the_charts(page: Any) -> None:
    """Each click of Step is one month: the date moves, every chart gets a new figure, the link names the month."""
    before = {k: c.figure for k, c in _charts(page).items()}
    step = page.find(vw.Btn, children=["Step"]).widget
    for _ in range(3):
        step.click()
    assert _shows(page, "Step: 3")
    assert "<h2 style='margin: 0 0 4px 0'>2026-03</h2>" in _html(page, "ecosim-now")
    after = {k: c.figure for k, c in _charts(page).items()}
    assert all(after[k] != before[k] for k in before)
    assert _copy_texts(page)[1] == "scenario=baseline&month=3"


def test_a_moved_lever_and_a_cut_link_apply_with_the_button_beside_the_notice(page: Any) -> None:
    """Moving a slider or unticking a link is pending, shown with an Apply button; Apply rebuilds the month-0 world with them."""
    page.find(vw.Btn, children=["Step"]).widget.click()
    levers = page.find(vw.Sheet, class_="d-flex ma-0 ecosim-lever lever-launch-starship-cost_progress_ratio")
    slider = levers.find(vw.Slider).widget
    slider.v_model = slider.v_model - 20  # 0.80 -> 0.76 on the 0.6..1.0 range
    pending = page.find(vw.Alert, class_="ecosim-pending").widget
    assert "Not applied yet" in str(pending.children)
    page.find(vw.Btn, children=["▸ data [PB] — 16 goods links"]).widget.click()
    box = page.find(vw.Sheet, class_="d-flex ma-0 link-tesla_fleet-xai-data").find(vw.Checkbox).widget
    box.v_model = False
    _apply(page)
    assert _shows(page, "Step: 0")
    now = _html(page, "ecosim-now")
    assert "Starship: cost multiplier per doubling of cumulative flights 0.8 → 0.76" in now
    assert "cut tesla_fleet-&gt;xai:data" in now
    assert not page.find(vw.Alert, class_="ecosim-pending").widgets
    page.find(vw.Btn, children=["Step"]).widget.click()
    assert "<h2 style='margin: 0 0 4px 0'>2026-01</h2>" in _html(page, "ecosim-now")
    command = _copy_texts(page)[0]
    assert command == """ecosim run baseline --set launch.starship.cost_progress_ratio=0.76 --set 'exchange.disable=["tesla_fleet->xai:data"]'"""


def test_a_typed_lever_value_is_taken_as_typed(page: Any) -> None:
    """Typing 0.71 in a lever's box proposes exactly 0.71 (the slider only moves in 200 steps)."""
    box = page.find(vw.Sheet, class_="d-flex ma-0 ecosim-lever lever-launch-starship-cost_progress_ratio").find(vw.TextField).widget
    _type(box, "0.71")
    assert "0.8 → 0.71" in str(page.find(vw.Alert, class_="ecosim-pending").widget.children)
    _type(box, "7")  # above the schema's bound: refused with the scenario's one-line message
    assert "cost_progress_ratio" in str(page.find(vw.Alert, class_="ecosim-refused").widget.children)


def test_choosing_a_scenario_and_a_reference_run(page: Any) -> None:
    """The chooser loads another scenario; the reference run adds ghost lines to every time chart once applied."""
    page.find(vw.Select, label="Reference run (ghost lines on every chart)").widget.v_model = "scenario skeptic"
    page.find(vw.Select, label="Scenario").widget.v_model = "history"
    assert "scenario history" in str(page.find(vw.Alert, class_="ecosim-pending").widget.children)
    _apply(page)
    page.find(vw.Btn, children=["Step"]).widget.click()
    assert "<h2 style='margin: 0 0 4px 0'>2020-01</h2>" in _html(page, "ecosim-now")
    assert "<b>history</b>" in _html(page, "ecosim-now") and "<b>skeptic</b>" in _html(page, "ecosim-now")
    charts = _charts(page)
    for name in ("launches", "compute", "data", "constellations", "value"):
        ghosts = json.loads(charts[name].ghost)
        assert ghosts and all(t["name"].endswith(" — skeptic") and t["line"]["dash"] == "dot" for t in ghosts), name


def test_the_month_slider_looks_back(page: Any) -> None:
    """Moving the month slider back shows that month in every panel; 'Back to the latest month' returns."""
    step = page.find(vw.Btn, children=["Step"]).widget
    for _ in range(5):
        step.click()
    months = [w for w in page.find(vw.Slider).widgets if w.max == 5][0]
    months.v_model = 2
    assert "<h2 style='margin: 0 0 4px 0'>2026-02</h2>" in _html(page, "ecosim-now")
    assert "looking back; the run is at month 5" in _html(page, "ecosim-now")
    launches = json.loads(_charts(page)["launches"].figure)
    assert len(launches["data"][0]["x"]) == 2
    assert _copy_texts(page)[1] == "scenario=baseline&month=2"
    page.find(vw.Btn, children=["Back to the latest month"]).widget.click()
    assert "<h2 style='margin: 0 0 4px 0'>2026-05</h2>" in _html(page, "ecosim-now")


def test_every_lever_is_reachable_and_an_optional_one_can_be_set(page: Any) -> None:
    """'All levers' opens one slider per schema lever; an unset optional field is fixed by its checkbox."""
    page.find(vw.Btn, children=["▸ All 68 levers by actor"]).widget.click()
    assert len(page.find(vw.Slider).widgets) == 2 + 1 + 13 + 68  # 68 with [anthropic_dc]'s capex, electricity price and grid wait
    box = page.find(vw.Sheet, class_="d-flex ma-0 ecosim-lever lever-orbital_dc-specific_power_w_per_kg").find(vw.Checkbox).widgets[0]
    assert box.v_model is False  # unset: derived from the component masses
    box.v_model = True
    pending = str(page.find(vw.Alert, class_="ecosim-pending").widget.children)
    assert "IT power per kg of the whole satellite at launch" in pending and "auto → 37" in pending
    lifetime = page.find(vw.Sheet, class_="d-flex ma-0 ecosim-lever lever-kuiper-lifetime_yr").find(vw.Slider).widget
    lifetime.v_model = 200  # the top of the 2..15 yr range
    assert "Kuiper: design life before deorbit 7 → 15 yr" in str(page.find(vw.Alert, class_="ecosim-pending").widget.children)


@solara.component
def _AtAddress(search: str) -> None:
    """The page as a browser opening ``/?search`` sees it."""
    solara.routing.router_context.provide(solara.routing.Router(f"/?{search}", []))
    EcosimPage()


def test_a_link_reopens_the_same_state() -> None:
    """Opening the page at a link's address rebuilds its scenario, moved levers, cut links, reference run and seed, and steps to its month."""
    search = "scenario=baseline&set=pv.export_policy_frac%3D0.5&cut=tesla_fleet-%3Exai%3Adata&ref=%40scenario&seed=7&month=4"
    box, rc = solara.render(solara.AppLayout(children=[_AtAddress(search)]), handle_error=False)
    try:
        assert _shows(rc, "Step: 4")
        now = _html(rc, "ecosim-now")
        assert "<h2 style='margin: 0 0 4px 0'>2026-04</h2>" in now and "seed</abbr> 7" in now
        assert "Chinese PV: share of output China lets US buyers take 1 → 0.5 frac" in now
        assert "cut tesla_fleet-&gt;xai:data" in now and "baseline as loaded" in now
        assert _copy_texts(rc)[1] == search
    finally:
        rc.close()
