"""Figure conventions shared by the reports and the browser view."""

from __future__ import annotations

from ecosim.exchange.topology import COMMODITY_UNITS
from ecosim.report.style import COMMODITY_COLOURS


def test_every_commodity_has_its_own_colour() -> None:
    """Every commodity the exchange trades is drawn in the network figures (the static one and the
    browser's, which lists only the commodities with a colour) and told apart by its colour: a
    commodity without one was drawn grey and left out of the legend (leased compute was)."""
    assert set(COMMODITY_UNITS) <= set(COMMODITY_COLOURS)
    assert len(set(COMMODITY_COLOURS.values())) == len(COMMODITY_COLOURS)
