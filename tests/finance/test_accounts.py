"""Accounts from the ledger: company lines equal the world's FCF metrics; segments add up; mergers switch owners."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from ecosim.finance.accounts import (
    AgentBook,
    Entity,
    by_year,
    entity_accounts,
    entity_revenue_by_segment,
    segment_accounts,
    segment_table,
)
from ecosim.results.rundir import SavedRun
from ecosim.scenario.roster import roster


def test_every_actor_but_the_hubs_has_a_segment() -> None:
    """The roster books every actor except the market and the capital market to a labelled
    segment of the company that owns it at the start of a run."""
    table = segment_table()
    for actor in roster().actors:
        if actor.name in ("capital_market", "market"):
            assert actor.name not in table
            continue
        info = table[actor.name]
        assert info.company == actor.company and info.segment and info.label, actor.name


@pytest.mark.parametrize("company", ["spacex", "tesla"])
def test_company_accounts_equal_the_fcf_metrics(baseline_saved: SavedRun, company: str) -> None:
    """Booked from the ledger, a company's monthly revenue, capex and FCF are the world's own metrics."""
    book = AgentBook.from_summary(baseline_saved.summary)
    acc = entity_accounts(baseline_saved.ledger, book.company_entity(company), baseline_saved.dates)
    ts = baseline_saved.timeseries.set_index("date")
    assert_allclose(acc["fcf_usd"], ts[f"{company}_fcf_usd"], rtol=1e-9, atol=1.0)
    assert_allclose(acc["revenue_usd"], ts[f"{company}_revenue_usd"], rtol=1e-9, atol=1.0)
    assert_allclose(acc["capex_usd"], ts[f"{company}_capex_usd"], rtol=1e-9, atol=1.0)


def test_segments_add_up_to_the_company(baseline_saved: SavedRun) -> None:
    """Segment FCF (intra lines included) sums to the company's FCF each month; intra lines cancel;
    Tesla's segments' external revenue, operating cost and capex add up to the company's."""
    book = AgentBook.from_summary(baseline_saved.summary)
    seg = segment_accounts(baseline_saved.ledger, book)
    for company in ("spacex", "tesla"):
        part = seg[seg["company"] == company].groupby("date")[["fcf_usd", "intra_revenue_usd", "intra_opex_usd", "intra_capex_usd"]].sum()
        acc = entity_accounts(baseline_saved.ledger, book.company_entity(company), baseline_saved.dates)
        assert_allclose(part["fcf_usd"].reindex(acc.index, fill_value=0.0), acc["fcf_usd"], rtol=1e-9, atol=1.0)
        assert_allclose(part["intra_revenue_usd"], part["intra_opex_usd"] + part["intra_capex_usd"], rtol=1e-9, atol=1.0)
    tesla = seg[seg["company"] == "tesla"].groupby("date")[["revenue_usd", "opex_usd", "capex_usd"]].sum()
    acc = entity_accounts(baseline_saved.ledger, book.company_entity("tesla"), baseline_saved.dates)
    for col in ("revenue_usd", "opex_usd", "capex_usd"):
        assert_allclose(tesla[col].reindex(acc.index, fill_value=0.0), acc[col], rtol=1e-9, atol=1.0)
    assert {"launch", "starlink", "orbital_compute", "ai"} <= set(seg.loc[seg["company"] == "spacex", "segment"])
    assert {"automotive", "energy", "robotaxi", "optimus", "chips"} <= set(seg.loc[seg["company"] == "tesla", "segment"])


def test_merger_moves_xai_into_spacex(baseline_saved: SavedRun) -> None:
    """xAI's agents belong to xAI before the merger month (2026-02) and to SpaceX from it on."""
    book = AgentBook.from_summary(baseline_saved.summary)
    assert book.company_at("xai", "2026-01") == "xai" and book.company_at("xai", "2026-02") == "spacex"
    assert book.company_at("terrestrial_dc", "2030-05") == "spacex" and book.company_at("starlink", "2026-01") == "spacex"
    spacex = book.company_entity("spacex")
    assert spacex.spans["xai"] == ("2026-02", "9999-12") and spacex.spans["starlink"][0] == "0000-01"


def test_pro_forma_entity_and_revenue_by_segment(baseline_saved: SavedRun) -> None:
    """Pro forma SpaceX + xAI = both companies with their mutual trade eliminated; its revenue splits by segment."""
    book = AgentBook.from_summary(baseline_saved.summary)
    agents = ["spacex_launch", "starlink", "orbital_dc", "xai", "terrestrial_dc"]
    pro = entity_accounts(baseline_saved.ledger, Entity.of_agents("sx", "sx", agents), baseline_saved.dates)
    spacex = entity_accounts(baseline_saved.ledger, book.company_entity("spacex"), baseline_saved.dates)
    xai = entity_accounts(baseline_saved.ledger, book.company_entity("xai"), baseline_saved.dates)
    after = pro.index >= "2026-02"
    assert_allclose(pro.loc[after, "fcf_usd"], spacex.loc[after, "fcf_usd"], rtol=1e-9, atol=1.0)
    assert_allclose(pro.loc["2026-01", "fcf_usd"], spacex.loc["2026-01", "fcf_usd"] + xai.loc["2026-01", "fcf_usd"], rtol=1e-9, atol=1.0)
    by_seg = entity_revenue_by_segment(baseline_saved.ledger, Entity.of_agents("sx", "sx", agents), book)
    assert_allclose(by_seg.groupby("date")["revenue_usd"].sum().reindex(pro.index, fill_value=0.0), pro["revenue_usd"], rtol=1e-9, atol=1.0)


def test_yearly_sums_count_months(baseline_saved: SavedRun) -> None:
    """by_year sums 12 months per year and says so."""
    book = AgentBook.from_summary(baseline_saved.summary)
    acc = entity_accounts(baseline_saved.ledger, book.company_entity("tesla"), baseline_saved.dates)
    y = by_year(acc)
    assert list(y.index) == list(range(2026, 2041)) and set(y["months"]) == {12}
    assert_allclose(y.loc[2030, "fcf_usd"], acc.loc[acc.index.str.startswith("2030"), "fcf_usd"].sum())
    assert isinstance(y, pd.DataFrame)
