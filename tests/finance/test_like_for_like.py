"""Marks like for like (issue 16, item 2): same entity, same date, same basis, the raise counted once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecosim.finance.accounts import Entity, at_market_prices, entity_accounts
from ecosim.finance.gap import BASES, Mark, entity_specs, like_for_like, marks


def test_post_money_mark_with_a_raise_hand_computed() -> None:
    """OpenAI: equity 400 at 2026-01 (before its round), 8 % a year; the round of 110 at 840
    post-money in 2026-03, booked by the run in 2026-03, and 5 raised in 2026-02.
    Pre-money at 2026-03: 400 x 1.012909 + 5 = 410.164; compared with 840: 410.164 + 110 = 520.164.
    The raise is counted once: not twice (once booked, once in the mark) and not left out."""
    m = Mark("OpenAI", "2026-03", 840.0, "round", "test", "post-money", 110.0)
    x = like_for_like(m, 400.0, 0.08, "2026-01", {"2026-02": 5.0, "2026-03": 110.0, "2026-07": 50.0})
    pre = 400.0 * 1.08 ** (2 / 12) + 5.0
    assert x.months == 2 and x.raised_before_usd == 5.0 and x.raised_in_month_usd == 110.0
    assert x.value_usd == pytest.approx(pre + 110.0, rel=1e-12)
    assert x.value_usd == pytest.approx(520.1638, abs=1e-3)
    # the reverse DCF's target: the mark's pre-money, less what was raised in between, carried back
    assert x.target_at_start_usd == pytest.approx((840.0 - 110.0 - 5.0) / 1.08 ** (2 / 12), rel=1e-12)
    # the value compared reaches the mark exactly when the start value equals the target
    y = like_for_like(m, x.target_at_start_usd, 0.08, "2026-01", {"2026-02": 5.0, "2026-03": 110.0})
    assert y.value_usd == pytest.approx(840.0, rel=1e-12)


def test_pre_money_traded_and_older_marks() -> None:
    """A pre-money or traded mark adds no raise; a mark older than the run is the value discounted
    back, with a post-money round's money already in the starting cash (not added again)."""
    pre = like_for_like(Mark("X", "2026-01", 100.0, "k", "s", "pre-money", 0.0), 90.0, 0.1, "2026-01", {"2026-01": 30.0})
    assert pre.value_usd == 90.0 and pre.target_at_start_usd == 100.0
    old = like_for_like(Mark("X", "2025-01", 100.0, "k", "s", "post-money", 20.0), 110.0, 0.1, "2026-01", {})
    assert old.months == -12 and old.value_usd == pytest.approx(100.0, rel=1e-12)
    assert old.target_at_start_usd == pytest.approx(110.0, rel=1e-12)
    assert "already in the cash" in old.note


def test_every_mark_states_its_entity_basis_and_raise() -> None:
    """Each mark names an entity that a valued entity prices, a basis with its source, and a
    post-money mark its raise (OpenAI's $840B includes $110B; xAI's Series E $20B)."""
    priced = {e for s in entity_specs() for e in s.mark_entities}
    for m in marks():
        assert m.basis in BASES and m.basis_source, m
        assert m.entity in priced or m.entity in {"Tesla", "Anthropic"}, m
        assert (m.raise_usd > 0) == (m.basis == "post-money"), m
    by = {(m.entity, m.date, m.kind): m for m in marks()}
    assert by[("OpenAI", "2026-02", "post-money round (seed 003)")].raise_usd == 110e9
    assert by[("xAI", "2026-01", "Series E")].pre_money_usd == 210e9


def test_spacex_alone_sells_to_xai_at_market_prices() -> None:
    """SpaceX's compute sold to xAI at an internal 1 per unit counts at the market's 3 per unit
    (another seller's sale to the market that month), so SpaceX's revenue does not depend on the
    internal price; xAI's sale is eliminated inside SpaceX + xAI either way."""
    L = pd.DataFrame({
        "date": ["2030-01", "2030-01", "2030-02"], "member": 0, "from": ["orbital_dc", "starcloud", "orbital_dc"], "to": ["xai", "market", "xai"],
        "commodity": ["compute"] * 3, "quantity": [2.0, 4.0, 1.0], "unit": ["EFLOP/s"] * 3, "usd": [2.0, 12.0, 1.0],
        "kind": ["opex", "revenue", "opex"], "internal": [True, False, True],
    })
    spec = next(s for s in entity_specs() if s.id == "spacex")
    assert set(spec.market_prices_for) == {"xai", "terrestrial_dc"}
    priced, notes = at_market_prices(L, spec.agents, spec.market_prices_for)
    acc = entity_accounts(priced, Entity.of_agents("spacex", "SpaceX", spec.agents), ["2030-01", "2030-02"])
    assert acc["revenue_usd"].tolist() == [6.0, 3.0]
    assert notes.iloc[0][["booked_usd", "market_usd"]].tolist() == [3.0, 9.0] and notes.iloc[0]["basis"] == "same month, same year"


@pytest.mark.slow
def test_openai_round_on_the_baseline_counts_its_raise_once(baseline_saved) -> None:  # type: ignore[no-untyped-def]
    """The baseline books OpenAI's $110B in 2026-02: the value set against the $840B post-money
    mark is OpenAI's value at 2026-01 carried one month, plus the $110B once."""
    from ecosim.finance.gap import value_run

    rv = value_run(baseline_saved)
    g = next(g for g in rv.gaps if g.mark.entity == "OpenAI" and g.mark.date == "2026-02")
    v0 = rv.entities["openai"].equity_usd
    assert g.like is not None and g.like.raised_in_month_usd == pytest.approx(110e9)
    assert g.value_usd == pytest.approx(v0 * (1 + rv.assumptions.wacc) ** (1 / 12) + 110e9, rel=1e-12)
    x = next(g for g in rv.gaps if g.mark.entity == "xAI" and g.mark.date == "2026-01")
    assert x.value_usd == pytest.approx(rv.entities["xai"].equity_usd + 20e9, rel=1e-12)
    assert "xai_cash_usd" in rv.entities["xai"].cash_note


def test_marks_like_for_like_from_series_by_hand() -> None:
    """The value the scorecard and the posterior set against a mark from a company's series value: SpaceX+xAI worth
    $1,000B (member 0) and $2,000B (member 1, at 10 %) at 2026-01, xAI's $20B raised in 2026-01 and SpaceX's $30B in 2026-06
    scheduled: the merger mark (2026-02, traded) gets 1,000 x 1.08^(1/12) + 20; the IPO pricing talk (2026-06,
    pre-money) 2,000 x 1.10^(5/12) + 20 (the IPO's own 30 booked that month is not in a pre-money value); SpaceX
    alone's IPO target (2025-12, post-money, before the run) its value discounted back a month, the round not added."""
    from ecosim.finance.series_value import marks_like_for_like
    from ecosim.finance.valuation import Assumptions

    dates = [f"{2026 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
    jan = np.full((24, 2), np.nan)
    jan[0] = [1000e9, 2000e9]
    cm = {"merger_company": "xai", "merger_into_company": "spacex",
          "raises": [{"month": "2026-01", "company": "xai", "usd": 20e9}, {"month": "2026-06", "company": "spacex", "usd": 30e9}]}
    a = [Assumptions(wacc=0.08, terminal_growth=0.02, tax_rate=0.0), Assumptions(wacc=0.10, terminal_growth=0.02, tax_rate=0.0)]
    got = marks_like_for_like({"spacex": jan, "spacex_alone": jan / 2}, dates, a, cm)
    by = {(m.entity, m.date, m.value_usd): v for m, v in got.items()}
    assert by["SpaceX+xAI", "2026-02", 1.25e12][0] == pytest.approx(1000e9 * 1.08 ** (1 / 12) + 20e9, rel=1e-12)
    assert by["SpaceX+xAI", "2026-06", 1.75e12][1] == pytest.approx(2000e9 * 1.10 ** (5 / 12) + 20e9, rel=1e-12)
    assert by["SpaceX", "2025-12", 1.5e12][0] == pytest.approx(500e9 / 1.08 ** (1 / 12), rel=1e-12)
    assert {m.entity for m in got} == {"SpaceX+xAI", "SpaceX"}  # no company of these series values xAI, OpenAI or Tesla


def test_anthropic_series_h_counts_series_g_between_and_its_own_raise_once() -> None:
    """Anthropic's marks price the ``anthropic`` entity (its own company). Series H, $965B
    post-money with $65B raised in 2026-05 (pre-money $900B, as the FT reports the same round);
    equity 400 ($B) at 2026-01 at 7.8 %, the Series G's $30B booked in 2026-02 and the H's in 2026-05:
    400 x 1.078^(4/12) = 410.141, plus 30 raised in between = 440.141 pre-money; compared with the
    mark: 440.141 + 65 = 505.141 (52 % of 965). The Series F (2025-09, $13B inside $183B) is
    older than the run: the value is discounted back 4 months and its raise is not added again."""
    spec = next(s for s in entity_specs() if s.id == "anthropic")
    assert spec.mark_entities == ("Anthropic",) and spec.company == "anthropic"
    by = {(m.entity, m.kind): m for m in marks()}
    h = by[("Anthropic", "Series H")]
    assert (h.date, h.value_usd, h.raise_usd, h.pre_money_usd) == ("2026-05", 965e9, 65e9, 900e9)
    x = like_for_like(Mark("Anthropic", "2026-05", 965.0, "Series H", "test", "post-money", 65.0), 400.0, 0.078, "2026-01", {"2026-02": 30.0, "2026-05": 65.0})
    assert x.months == 4 and x.raised_before_usd == 30.0 and x.raised_in_month_usd == 65.0
    assert x.value_usd == pytest.approx(505.141, abs=1e-3)
    f = by[("Anthropic", "Series F")]
    assert (f.date, f.value_usd, f.raise_usd) == ("2025-09", 183e9, 13e9)
    y = like_for_like(Mark("Anthropic", "2025-09", 183.0, "Series F", "test", "post-money", 13.0), 400.0, 0.078, "2026-01", {})
    assert y.months == -4 and y.value_usd == pytest.approx(400.0 / 1.078 ** (4 / 12), rel=1e-12)


def test_marks_from_series_count_the_raises_the_run_books() -> None:
    """One count of raises for `ecosim value` and the scorecard: with the run's booked raises in
    the series (xAI's $20B in 2026-01 as scheduled, and a $5B follow-on SpaceX's capital market adds
    in 2026-04 that no schedule lists), the IPO pricing talk (2026-06, pre-money) gets
    1,000 x 1.08^(5/12) + 20 + 5; without them, the scheduled 20 only."""
    from ecosim.finance.series_value import marks_like_for_like
    from ecosim.finance.valuation import Assumptions

    dates = [f"{2026 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
    jan = np.full((24, 1), np.nan)
    jan[0] = [1000e9]
    cm = {"merger_company": "xai", "merger_into_company": "spacex", "raises": [{"month": "2026-01", "company": "xai", "usd": 20e9}]}
    spacex, xai = np.zeros((24, 1)), np.zeros((24, 1))
    xai[0], spacex[3] = 20e9, 5e9
    a = [Assumptions(wacc=0.08, terminal_growth=0.02, tax_rate=0.0)]
    booked = marks_like_for_like({"spacex": jan}, dates, a, cm, series={"spacex_raised_usd": spacex, "xai_raised_usd": xai})
    scheduled = marks_like_for_like({"spacex": jan}, dates, a, cm)
    key = next(m for m in booked if (m.entity, m.date, m.value_usd) == ("SpaceX+xAI", "2026-06", 1.75e12))
    assert booked[key][0] == pytest.approx(1000e9 * 1.08 ** (5 / 12) + 25e9, rel=1e-12)
    assert scheduled[key][0] == pytest.approx(1000e9 * 1.08 ** (5 / 12) + 20e9, rel=1e-12)
