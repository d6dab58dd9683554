"""The scorecard-so-far panel: verdicts revealed month by month, ending on ecosim run's scorecard."""

from __future__ import annotations

import pytest

from ecosim.analysis.scorecard import load_claims
from ecosim.run import RunResult
from ecosim.viz.levers import Settings
from ecosim.viz.live import LiveModel
from ecosim.viz.panels import PANELS
from ecosim.viz.scorecard import scorecard_panel, scorecard_rows, verdict_so_far


@pytest.fixture(scope="module")
def live() -> LiveModel:
    return LiveModel(Settings.of("baseline"))


def test_nothing_is_decided_before_the_first_month(live: LiveModel) -> None:
    """Before the first step every testable claim is open; claims the world lacks say so."""
    rows = {r["claim"]: r["status"] for r in scorecard_rows(live)}
    claims = load_claims()
    assert {rows[c.claim] for c in claims if c.test} == {"open"}
    assert {rows[c.claim] for c in claims if not c.test} == {"not modelled"}


def test_verdicts_appear_when_their_month_is_reached(live: LiveModel) -> None:
    """By May 2026 the Cybercab claim (April 2026) shows as true in April; a 2030 claim is still open; an end-2026 claim is open until its deadline passes."""
    while live.frame.date < "2026-05":
        live.step()
    rows = {r["claim"]: r for r in scorecard_rows(live)}
    by_id = {c.id: c.claim for c in load_claims()}
    assert (rows[by_id["cybercab_april_2026"]]["status"], rows[by_id["cybercab_april_2026"]]["when"]) == ("true", "2026-04")
    assert rows[by_id["starlink_20m_2030"]]["status"] == "open"
    assert rows[by_id["chips_unpowered_2026"]]["status"] == "open"
    while live.frame.date < "2027-01":
        live.step()
    rows = {r["claim"]: r for r in scorecard_rows(live)}
    assert rows[by_id["chips_unpowered_2026"]]["status"] == "missed"  # its deadline passed (it comes true late, in 2028)


@pytest.mark.slow
def test_at_the_end_the_panel_shows_ecosim_runs_scorecard(live: LiveModel, baseline_run: RunResult) -> None:
    """At the last month every verdict and month equals the scorecard `ecosim run` writes for the same scenario and seed."""
    while live.running:
        live.step()
    shown = {r["claim"]: (r["status"], r["when"]) for r in scorecard_rows(live)}
    written = {r.claim: (r.status, r.when or "") for r in baseline_run.summary.scorecard}
    assert shown == written


def test_the_panel_is_on_the_page_full_width(live: LiveModel) -> None:
    """The panel is one of the page's panels, takes a whole row and renders an HTML table."""
    assert scorecard_panel in PANELS and scorecard_panel.full_width  # type: ignore[attr-defined]
    element = scorecard_panel(live)
    assert "scorecard</abbr> so far" in element.kwargs["unsafe_innerHTML"]


def test_an_every_year_claim_fails_from_its_first_failure() -> None:
    """An 'every year' claim shows as failed from the month it first breaks, open before, and its final verdict at its window's end."""
    c = next(c for c in load_claims() if c.id == "fcf_positive_from_2026")
    assert verdict_so_far({"status": "false", "when": "2027-03"}, c, "2027-02", "2040-12") == ("open", "")
    assert verdict_so_far({"status": "false", "when": "2027-03"}, c, "2027-03", "2040-12") == ("false", "2027-03")
    assert verdict_so_far({"status": "true", "when": ""}, c, "2039-12", "2040-12") == ("open", "")
    assert verdict_so_far({"status": "true", "when": ""}, c, "2040-12", "2040-12") == ("true", "")
