"""The valuation gap on a saved run: every mark against its entity, re-valued without re-simulating."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

import ecosim.model
from ecosim.errors import RunDirError, UsageError
from ecosim.finance.comparables import group_multiples, peer_table
from ecosim.finance.gap import check_weights, marks, value_run, weighted_values
from ecosim.results.rundir import SavedRun, read_run


@pytest.mark.slow
def test_every_mark_of_a_known_entity_is_set_against_a_value(baseline_saved: SavedRun) -> None:
    """Every mark of valuation_marks.csv (Tesla's market capitalisation among them) gets its entity's
    value like for like and a gap = mark - value."""
    rv = value_run(baseline_saved)
    assert len(rv.gaps) == len(marks()) >= 14
    assert {g.mark.date for g in rv.gaps if g.entity_id == "tesla"} == {"2023-12", "2024-12"}
    for g in rv.gaps:
        assert g.like is not None and g.value_usd == g.like.value_usd
        assert g.like.value_at_start_usd == rv.entities[g.entity_id].equity_usd
        assert_allclose(g.gap_usd, g.mark.value_usd - g.value_usd)
        assert_allclose(g.gap_share_of_mark, 1 - g.value_usd / g.mark.value_usd)
        assert len(g.requirements) == 6
    merged = [g for g in rv.gaps if g.mark.entity == "SpaceX+xAI"]
    assert {g.entity_id for g in merged} == {"spacex_xai"} and any(not g.mark.narrative for g in merged)


@pytest.mark.slow
def test_revaluing_under_another_wacc_does_not_resimulate(baseline_dir, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """With the model made unusable, a saved run is still re-valued; a higher WACC lowers SpaceX+xAI's value (Tesla's is negative on the baseline, so a higher rate raises it)."""

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was built: valuation must not re-simulate")

    monkeypatch.setattr(ecosim.model.EcosimModel, "__init__", boom)
    run = read_run(baseline_dir)
    base = value_run(run)
    higher = value_run(run, wacc=base.assumptions.wacc + 0.02)
    assert higher.assumptions.wacc == pytest.approx(base.assumptions.wacc + 0.02)
    assert higher.entities["spacex_xai"].equity_usd < base.entities["spacex_xai"].equity_usd


@pytest.mark.slow
def test_terminal_methods_and_weights(baseline_saved: SavedRun) -> None:
    """Each entity carries its value under all three terminal methods; weights combine runs linearly."""
    rv = value_run(baseline_saved, terminal="gordon")
    assert rv.assumptions.terminal == "gordon"
    for e in rv.entities.values():
        assert set(e.by_method) == {"normalised", "gordon", "exit"} and e.by_method["gordon"] == e.equity_usd
    low = value_run(baseline_saved, wacc=0.12)
    w = weighted_values([rv, low], [0.25, 0.75])
    tesla = w[w["entity"] == "tesla"].iloc[0]
    assert_allclose(tesla["weighted"], 0.25 * rv.entities["tesla"].equity_usd + 0.75 * low.entities["tesla"].equity_usd)
    with pytest.raises(UsageError, match=r"--weights must sum to 1 \(got 0\.9 for 2 runs\)"):
        check_weights([0.5, 0.4], 2)
    with pytest.raises(UsageError, match=r"--weights must give one weight per run directory \(2\) \(got 3\)"):
        check_weights([0.2, 0.4, 0.4], 2)


@pytest.mark.slow
def test_comparables_use_dated_peers_never_the_entitys_own_mark(baseline_saved: SavedRun) -> None:
    """Peers give group medians (launch: Rocket Lab 46x and Firefly 104x); OpenAI's AI segment is
    priced at Anthropic's multiple alone (its own round is left out), xAI's at OpenAI's and
    Anthropic's; a later valuation year's comparables are discounted back to the run's first year."""
    g = group_multiples(list(peer_table()))
    assert g.loc["launch", "median"] == pytest.approx((46 + 104) / 2)
    rv = value_run(baseline_saved)
    ai_openai = rv.entities["openai"].comparables.query("segment == 'ai'").iloc[0]
    assert ai_openai["multiple_median"] == 37 and ai_openai["multiple_low"] == ai_openai["multiple_high"] == 37
    ai_xai = rv.entities["xai"].comparables.query("segment == 'ai'").iloc[0]
    assert ai_xai["multiple_median"] == pytest.approx((37 + 38) / 2)
    later = value_run(baseline_saved, valuation_year=2031)
    tot = later.entities["spacex_xai"].comparables.iloc[-1]
    assert tot["discounted_to"] == "2026-01"
    assert_allclose(tot["value_median_at_first_year_usd"], tot["value_median_usd"] / (1 + later.assumptions.wacc) ** 5, rtol=1e-12)


def test_bad_run_directories_are_one_line_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A missing, foreign or damaged run directory is a RunDirError naming it and what is wrong."""
    with pytest.raises(RunDirError, match=r"nowhere: no such directory"):
        read_run(tmp_path / "nowhere")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("hello")
    with pytest.raises(RunDirError, match=r"foreign: not an ecosim run directory \(missing timeseries\.parquet, ledger\.parquet, summary\.json, scenario\.toml, network\.json\)"):
        read_run(tmp_path / "foreign")
