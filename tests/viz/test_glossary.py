"""Every term and unit the page shows has its meaning as a tooltip, from the glossary
(ecosim.nomenclature, also docs/nomenclature.md)."""

from __future__ import annotations

import re

from ecosim.exchange.topology import COMMODITY_UNITS
from ecosim.nomenclature import TERMS, UNITS
from ecosim.viz.charts import LINE_PANELS, ValueChart
from ecosim.viz.glossary import gloss, terms_in, unit_tip
from ecosim.viz.levers import Settings, scenario_levers
from ecosim.viz.network import NetworkChart
from ecosim.viz.page import INTRO


def test_every_unit_on_the_page_is_in_the_glossary() -> None:
    """Units of the levers, the charts' axes and the network's commodities all have a meaning in UNITS."""
    lever_units = {lv.unit for lv in scenario_levers(Settings.of("baseline").base().model)}
    chart_units = {p.unit for p in LINE_PANELS} | {p.unit2 for p in LINE_PANELS if p.unit2 and "[" not in p.unit2} | {ValueChart().unit}
    missing = (lever_units | chart_units | set(COMMODITY_UNITS.values())) - set(UNITS)
    assert missing == set()


def test_the_explanations_name_the_terms_they_use() -> None:
    """The intro and every chart's explanation mark up the glossary terms they contain (symlog-free: log axes are explained)."""
    intro = terms_in(INTRO)
    assert {"flywheel", "narrative mark", "odc", "cybercab", "optimus", "earth observation", "reference run"} <= set(intro)
    texts = [p.explain for p in LINE_PANELS] + [ValueChart().explain, NetworkChart().explain]
    assert all(terms_in(t) for t in texts)
    assert "log axis" in terms_in(LINE_PANELS[1].explain) and "eflop/s" in terms_in(LINE_PANELS[1].explain)
    assert {"perfect foresight", "dcf", "fcf", "run-rate value", "narrative mark"} <= set(terms_in(ValueChart().explain))


def test_a_term_becomes_an_abbr_with_its_meaning_once() -> None:
    """gloss() wraps the first use of each term in <abbr title=meaning>, escapes the rest, matches whole words only."""
    html = gloss("The narrative mark <b> and the narrative mark again; H100e, not H100eX")
    assert html.count("<abbr") == 2
    assert f'title="narrative mark: {TERMS["narrative mark"]}' in html.replace("&#x27;", "'")
    assert "&lt;b&gt;" in html and "H100eX" in html
    assert re.search(r'<abbr class="ecosim-term" title="H100e: [^"]+">H100e</abbr>, not H100eX', html)
    assert unit_tip("EFLOP/s") == f'<abbr class="ecosim-term" title="EFLOP/s: {UNITS["EFLOP/s"]}">EFLOP/s</abbr>'
