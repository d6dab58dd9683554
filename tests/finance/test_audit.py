"""The audit of seed 002: stated figures carry their lines; known errors are caught, correct arithmetic holds."""

from __future__ import annotations

import pytest

from ecosim.finance.audit import SECTIONS, audit, figures, fmt, headline, summary

SEED_LINES = 546


def _check(id: str):  # type: ignore[no-untyped-def]
    return next(c for c in audit() if c.id == id)


def test_every_figure_has_a_line_label_and_quote() -> None:
    """Each stated number names a line of the seed, an English label and the words it comes from."""
    F = figures()
    assert len(F) > 150
    for f in F.values():
        assert 1 <= f.line <= SEED_LINES, f.id
        assert f.label and f.quote and f.unit, f.id


@pytest.mark.parametrize(
    ("id", "stated", "recomputed"),
    [
        ("beta_levered", 1.15, 1.05 * (1 + 0.79 * 30 / 70)),  # 1.41, not 1.15
        ("wacc", 9.2, 10.825 * 0.7 + 5.0 * 0.79 * 0.3),  # 8.76 %, not 9.2 %
        ("terminal_value", 12850.0, 440 * 1.035 / (0.092 - 0.035)),  # 7,989.5, not 12,850
        ("base_price", 105.75, 2115 / 200),  # $10.58 a share, not $105.75
        ("spectrum_value", 255.0, 0.85 * 30),  # 25.5亿, not 255亿
        ("prem_gov", 120.0, 300 * 0.4 / 1.092**3),  # the discounting was not applied
        ("target_price", 120.0, 2400 / 200),
    ],
)
def test_known_errors_are_mismatches(id: str, stated: float, recomputed: float) -> None:
    """The report's errors named in the issue are found with the hand-computed right value."""
    c = _check(id)
    assert c.status == "mismatch"
    assert c.stated == pytest.approx(stated) and c.recomputed == pytest.approx(recomputed, rel=1e-9)


@pytest.mark.parametrize(
    ("id", "recomputed"),
    [
        ("weighted_dcf", 2855 * 0.2 + 2100 * 0.6 + 1500 * 0.2),  # 2,131
        ("ps_final", 7.8 + 0.5 + 0.7 - 0.5),  # the PS build-up 8.5
        ("final_value", 2350 - 235),
        ("proceeds", 14.5 * 95),
        ("fcf_2030", 343.9 - 125.0 - 38.9),
        ("eco_pv", 8675 / 1.092**5),  # 5,586 against 5,580: within rounding
        ("upside", 100 * 25 / 95),
    ],
)
def test_correct_arithmetic_holds(id: str, recomputed: float) -> None:
    """Figures that follow from their inputs are reported as holding."""
    c = _check(id)
    assert c.status == "holds"
    assert c.recomputed == pytest.approx(recomputed, rel=1e-9)


def test_wacc_end_to_end_and_sections() -> None:
    """The stated inputs give a 9.75 % WACC end to end; every section has checks; counts add up."""
    assert _check("wacc_end_to_end").recomputed == pytest.approx(100 * (0.7 * (0.045 + 1.05 * (1 + 0.79 * 30 / 70) * 0.055) + 0.3 * 0.05 * 0.79), rel=1e-12)
    checks = audit()
    assert {c.section for c in checks} == set(SECTIONS)
    counts = summary(checks)
    assert sum(counts.values()) == len(checks) and counts["mismatch"] >= 30 and counts["holds"] >= 40


def test_headline_ranks_the_tenfold_errors_first() -> None:
    """The first lines of the headline are the ten-times errors (spectrum value, share prices)."""
    top = headline(audit(), n=4)
    assert all("10.0× too" in line or "9.8× too" in line for line in top)
    assert any("base share price" in line for line in top)


def test_money_is_shown_in_dollars() -> None:
    """亿美元 figures print as billions of dollars."""
    assert fmt(12850.0, "1e8 USD") == "$1,285.0B" and fmt(25.3, "1e8 USD") == "$2.53B"


def test_mismatches_grouped_by_root_cause_share_count_is_one() -> None:
    """The share count (亿 USD / 亿 shares, tenfold) is ONE root cause with the prices and market
    values that follow from it beneath, not four tenfold errors; every mismatch is in exactly one
    place: under one root cause, in rounding, or in the method notes."""
    from ecosim.finance.audit import cross_checks, grouped_summary, is_rounding, root_causes

    checks = audit()
    errors, rounding, methods = root_causes(checks)
    share = [g for g in errors if any(c.id == "base_price" for c in g.checks)]
    assert len(share) == 1 and share[0].cause.id == "share_count"
    assert [c.id for c in share[0].checks] == ["base_price", "target_price", "offer_market_value", "low_price_value"]
    assert errors[0].cause.id == "share_count"  # the largest: tenfold
    placed = [c.id for g in errors + methods for c in g.checks] + [c.id for c in rounding]
    mismatches = [c.id for c in checks if c.status == "mismatch"]
    assert sorted(set(mismatches)) == sorted(x for x in set(placed) if _check(x).status == "mismatch")
    assert len(placed) == len(set(placed))
    # rounding: 150 stated for 153 recomputed (2 significant figures, 2 %) is not an error; 2,350 for 2,304 is
    assert [c.id for c in rounding] == ["spectrum_starlink", "core_low", "core_high"] and all(is_rounding(c) for c in rounding)
    assert not is_rounding(_check("weighted_avg_method_weights"))
    # method notes apart: the Amazon example and the deliberately chosen base case
    assert {"amazon_example", "chosen_case"} <= {g.cause.id for g in methods}
    g = grouped_summary(checks)
    assert g["root_causes"] == len(errors) < g["figures_under_root_causes"] < len(mismatches)
    assert g["stated_twice_checked"] == len(cross_checks(checks)) >= 10
