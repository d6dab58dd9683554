"""The panels: every chart drawn for the month shown, drawing what the model's frame says."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.scenario import bundled_scenarios
from ecosim.timeline import trailing_twelve_months
from ecosim.viz.charts import LINE_PANELS, ValueChart, figure_json
from ecosim.viz.levers import Settings
from ecosim.viz.live import AS_LOADED, METRIC_NAMES, LiveModel, run_rate_values
from ecosim.viz.network import WIDTHS, NetworkChart, flow_class, month_flows
from ecosim.viz.panels import CHARTS, PANELS, orbital_share
from ecosim.viz.scorecard import scorecard_panel

pytestmark = pytest.mark.slow  # whole module: every test needs a long run


@pytest.fixture(scope="module")
def model() -> LiveModel:
    settings = replace(Settings.of("baseline").with_link("starlink->xai:data", False), reference=AS_LOADED)
    m = LiveModel(settings)
    for _ in range(30):
        m.step()
    return m


def _trace(fig: dict, name: str) -> dict:
    (t,) = [t for t in fig["data"] if t.get("name") == name]
    return t


def test_every_chart_draws_the_months_shown_as_json(model: LiveModel) -> None:
    """Each chart's figure is strict JSON; a month shown earlier (the time slider) draws fewer points."""
    for chart in CHARTS:
        now = chart.figure(model, model.frame)
        json.loads(figure_json(now))
        assert now["data"], chart.name
    launches = LINE_PANELS[0]
    at_12 = launches.figure(model, model.frame_at(12))
    assert len(_trace(at_12, "Starship")["x"]) == 12 and _trace(at_12, "Starship")["x"][-1] == "2026-12"
    assert len(_trace(launches.figure(model, model.frame), "Starship")["x"]) == 30
    assert at_12["layout"]["shapes"][0]["x0"] == "2026-12-15"  # a cursor at the month shown


def test_a_rate_line_is_the_trailing_twelve_month_total(model: LiveModel) -> None:
    """'Starship' on the launches chart is the trailing-12-month total of starship_launches (the first months annualised)."""
    fig = LINE_PANELS[0].figure(model, model.frame)
    monthly = model.values[:30, METRIC_NAMES.index("starship_launches")]
    assert_allclose(_trace(fig, "Starship")["y"], trailing_twelve_months(monthly, partial="annualise"), rtol=1e-5)
    month_18 = float(np.sum(monthly[6:18]))  # hand count: months 7..18
    assert _trace(fig, "Starship")["y"][17] == pytest.approx(month_18, rel=1e-5)


def test_the_ghost_is_the_reference_run_over_its_whole_span(model: LiveModel) -> None:
    """With a reference run each line has a dotted ghost of the reference's 180 months, the same metric read the same way."""
    fig = LINE_PANELS[1].figure(model, model.frame)
    ghost = _trace(fig, "SpaceX orbital (xAI) — baseline as loaded")
    assert ghost["line"]["dash"] == "dot" and ghost["showlegend"] is False and len(ghost["x"]) == 180
    ref = model.reference
    assert ref is not None
    assert_allclose(ghost["y"], ref.results.series["odc_compute_eflops"][:, 0], rtol=1e-5)
    no_ghost = LINE_PANELS[1].figure(model, model.frame, ghost_lines=False)
    ghosts = [t["name"] for t in fig["data"] if t["name"].endswith(" — baseline as loaded")]
    assert ghosts == [f"{t['name']} — baseline as loaded" for t in no_ghost["data"]]  # one ghost per line
    assert len(no_ghost["data"]) == len(fig["data"]) - len(ghosts)


def test_log_axes_have_readable_ticks(model: LiveModel) -> None:
    """A log axis is labelled in full (1,000 not 1e3) at decades or 1-2-5 steps, never a lone mantissa."""
    fig = LINE_PANELS[0].figure(model, model.frame)
    axis = fig["layout"]["yaxis2"]
    assert axis["type"] == "log"
    mantissas = {round(v / 10 ** np.floor(np.log10(v)), 9) for v in axis["tickvals"]}
    assert mantissas <= {1.0, 2.0, 5.0}
    assert "1,000" in axis["ticktext"]


def test_value_chart_draws_the_mark_dcf_and_run_rate(model: LiveModel) -> None:
    """The value chart's run-rate line is run_rate_values of SpaceX's FCF at the run's WACC; the DCF shows the years reached."""
    chart = ValueChart()
    fig = chart.figure(model, model.frame)
    v = model.valuation
    fcf = model.values[:30, METRIC_NAMES.index("spacex_fcf_usd")]
    rate = _trace(fig, ValueChart.LABELS[2])
    assert_allclose(rate["y"], run_rate_values(fcf, v.wacc, v.terminal_growth, v.tax_rate), rtol=1e-5)
    dcf = _trace(fig, ValueChart.LABELS[1])
    assert dcf["x"][:3] == ["2026-01", "2027-01", "2028-01"] and dcf["y"][0] == pytest.approx(v.value_usd[0], rel=1e-5)
    assert "the story's price" in ValueChart.LABELS[0]
    table = chart.table(model, model.frame)
    assert table.loc[table["date"] == "2027-01", f"{ValueChart.LABELS[1]} [USD]"].item() == pytest.approx(v.value_usd[1])


def test_flow_classes_follow_the_square_root_of_the_share() -> None:
    """A flow's width class is int(sqrt(flow / largest) * 5), capped at the top class; none for no flow."""
    assert [flow_class(v, 100.0) for v in (0.0, 3.9, 4.0, 63.9, 64.0, 100.0)] == [-1, 0, 1, 3, 4, 4]
    assert len(WIDTHS) == 5


def test_network_hides_zero_flows_marks_cuts_and_groups_kinds(model: LiveModel) -> None:
    """Goods links with no flow are not drawn, the cut link has a red cross and its id, signals start hidden, each commodity is one legend group."""
    chart = NetworkChart()
    fig = chart.figure(model, model.frame)
    flows = month_flows(model.frame)
    drawn = sum(1 for t in fig["data"] if t.get("hovertemplate") and t["mode"] == "markers" and t.get("legendgroup") == "data" for _ in t["x"])
    assert drawn == sum(1 for (s, b, c), v in flows.items() if c == "data" and v > 0)
    cut = [t for t in fig["data"] if t.get("legendgroup") == "cut" and t["mode"] == "markers"][0]
    assert cut["marker"]["symbol"] == "x" and "starlink->xai:data" in cut["customdata"][0]
    signals = [t for t in fig["data"] if t.get("legendgroup") == "signals"]
    assert signals and all(t["visible"] == "legendonly" for t in signals)
    legend = [t["name"] for t in fig["data"] if t.get("showlegend", True) and t.get("legendgroup") not in ("companies",)]
    assert "data [PB]" in legend and "cut links (1)" in legend
    labels = {x for t in fig["data"] if t.get("legendgroup") == "companies" for x in t["text"]}
    assert {"xAI", "Starlink", "SpaceX orbital DCs", "Tesla vehicles"} <= labels
    table = chart.table(model, model.frame)
    row = table[table["link"] == "tesla_fleet->xai:data"]
    assert row["flow_this_month"].item() == pytest.approx(flows[("tesla_fleet", "xai", "data")])


def test_the_hover_of_a_link_gives_its_flow(model: LiveModel) -> None:
    """Hovering the middle of a goods link reads seller -> buyer, commodity, this month's flow and its share of the largest."""
    fig = NetworkChart().figure(model, model.frame)
    hover = [t for t in fig["data"] if t.get("legendgroup") == "data" and t["mode"] == "markers"][0]["customdata"]
    assert any(h.startswith("Tesla vehicles → xAI<br>data: ") and " PB this month (" in h for h in hover)


def test_orbital_share_counts_google_suncatcher_once(model: LiveModel) -> None:
    """Orbital share = (SpaceX + Suncatcher + Starcloud) / all compute (xAI's own and leased,
    OpenAI's, Google's, Anthropic's), Google's total including Suncatcher."""
    row = model.values[model.frame.steps - 1]
    v = {name: row[METRIC_NAMES.index(name)] for name in METRIC_NAMES}
    orbital = v["odc_compute_eflops"] + v["google_orbital_compute_eflops"] + v["starcloud_compute_eflops"]
    total = orbital + v["terrestrial_compute_eflops"] + v["xai_leased_eflops"] + v["openai_compute_eflops"] + v["google_compute_eflops"] + v["anthropic_compute_eflops"] - v["google_orbital_compute_eflops"]
    assert_allclose(orbital_share(model, model.frame), orbital / total, rtol=1e-12)


def test_page_panels_in_order_with_full_width_scorecard_and_network() -> None:
    """The page shows the month, four time charts, the value chart, then the scorecard and the network on whole rows."""
    names = [getattr(p, "chart", None) and p.chart.name for p in PANELS]  # type: ignore[attr-defined]
    assert names == [None, "launches", "compute", "data", "constellations", "value", None, "network"]
    assert PANELS[-2] is scorecard_panel and getattr(PANELS[-1], "full_width", False)


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_scenario_plays_in_the_page(name: str) -> None:
    """Each scenario the chooser offers builds its live world, steps and draws every chart."""
    m = LiveModel(Settings.of(name))
    for _ in range(3):
        m.step()
    assert m.frame.steps == 3
    for chart in CHARTS:
        json.loads(figure_json(chart.figure(m, m.frame)))
        assert len(chart.table(m, m.frame)) > 0
    assert m.valuation.value_usd or m.valuation.note
