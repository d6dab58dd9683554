"""Link ablations over seeds and sampled uncertainties: paired changes, intervals, stranded spending, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ecosim.analysis.ablation import ablation_summary, interval, paired_change, stranded
from ecosim.experiments.ablation import run_ablation, uncertain_draws
from ecosim.scenario import load_scenario


def test_paired_change_and_interval_by_hand() -> None:
    """Changes are taken within each sample; the interval is the 5th-95th percentile, agreement the share with the median's sign."""
    base = np.array([100.0, 200.0, 50.0, 0.0])
    cut = np.array([90.0, 150.0, 55.0, 3.0])
    assert_allclose(paired_change(base, cut)[:3], [-0.1, -0.25, 0.1])
    assert np.isnan(paired_change(base, cut)[3])
    assert_allclose(paired_change(base, cut, relative=False), [-10.0, -50.0, 5.0, 3.0])
    med, lo, hi, agree = interval(np.array([-0.1, -0.25, 0.1]))
    assert med == -0.1 and agree == pytest.approx(2 / 3)
    assert lo == pytest.approx(-0.25 + 0.1 * 0.15) and hi == pytest.approx(-0.1 + 0.9 * 0.2)


def test_summary_has_one_row_per_link_and_outcome() -> None:
    """Every (link, outcome) pair gets a row with the sample count and its change both ways: in the outcome's unit and relative to the uncut run."""
    base = {"v": np.array([4.0, 8.0]), "n": np.array([10.0, 20.0])}
    cut = {"a->b:x": {"v": np.array([2.0, 6.0]), "n": np.array([10.0, 25.0])}, "b->c:y": {"v": np.array([4.0, 8.0]), "n": np.array([9.0, 19.0])}}
    t = ablation_summary(base, cut, {"v": True, "n": False}, {"v": "EFLOP/s", "n": "USD"}).set_index(["link", "outcome"])
    assert len(t) == 4 and (t["samples"] == 2).all()
    v, n = t.loc[("a->b:x", "v")], t.loc[("a->b:x", "n")]
    # v: changes -2 and -2 (-50 % and -25 %), read relative; n: changes 0 and +5 USD (0 and +25 %), read in dollars
    assert v["relative"] and v["relative_median"] == pytest.approx((-0.5 - 0.25) / 2) and v["change_median"] == -2.0 and v["unit"] == "EFLOP/s"
    assert not n["relative"] and n["change_median"] == 2.5 and n["relative_median"] == pytest.approx(0.125) and n["unit"] == "USD"
    assert n["change_p05"] == pytest.approx(0.25) and n["change_p95"] == pytest.approx(4.75)
    assert t.loc[("b->c:y", "v"), "relative_median"] == 0.0 and t.loc[("b->c:y", "n"), "change_median"] == -1.0


def test_a_value_near_zero_is_read_in_dollars() -> None:
    """A base that crosses zero (a company worth about nothing in one sample) is read in its unit, not as -380 %; its relative change is still given."""
    base = {"value": np.array([0.5e9, -0.25e9, 2.0e9])}
    cut = {"a->b:x": {"value": np.array([-1.4e9, -1.25e9, 1.0e9])}}
    (row,) = ablation_summary(base, cut, {"value": True}, {"value": "USD"}).to_dict("records")
    # changes: -1.9e9, -1.0e9, -1.0e9; relative to |base|: -380 %, -400 %, -50 %
    assert not row["relative"] and row["change_median"] == -1.0e9 and row["agree"] == 1.0 and row["samples"] == 3
    assert row["relative_median"] == pytest.approx(-3.8)
    assert row["change_p05"] == pytest.approx(-1.9e9 + 0.1 * 0.9e9) and row["change_p95"] == -1.0e9


def test_stranded_spending_flags_an_end_that_keeps_buying_without_output() -> None:
    """The seller of a cut link that keeps spending while its sales vanish is flagged; a buyer that stops spending is not."""
    spend = ({"a": np.array([10.0, 12.0]), "b": np.array([20.0, 20.0])}, {"a": np.array([9.0, 12.0]), "b": np.array([5.0, 5.0])})
    earn = ({"a": np.array([8.0, 8.0]), "b": np.array([30.0, 30.0])}, {"a": np.array([1.0, 0.0]), "b": np.array([10.0, 10.0])})
    link = (np.array([8.0, 8.0]), np.array([0.0, 0.0]))
    flags = stranded("a->b:x", spend, earn, link)
    assert [f.agent for f in flags] == ["a"]
    f = flags[0]
    assert f.spending_kept == pytest.approx(0.95) and f.output_kept == pytest.approx(0.0625)
    assert f.stranded_usd == pytest.approx(np.median([9.0 - 10.0 * 0.125, 12.0]))
    # b's spending other than on the link: 12 of 12 kept, but its output keeps a third: not stranded
    assert stranded("a->b:x", spend, ({"a": earn[0]["a"], "b": np.array([30.0, 30.0])}, {"a": earn[1]["a"], "b": np.array([29.0, 29.0])}), link)[0].agent == "a"


def test_draws_hold_what_the_scenario_sets_itself() -> None:
    """musk_narrative sets Starship's turnaround floor and the AI market's ceiling itself: they are held, not drawn from the baseline's ranges."""
    values, held = uncertain_draws(load_scenario("musk_narrative"), "monte_carlo_baseline", 4, np.random.SeedSequence(1))
    assert "launch.starship.turnaround_days_floor" in held and "launch.starship.turnaround_days_floor" not in values
    assert "ai_market.revenue_usd_per_yr_max" in held
    assert "capital_market.risk_free_pct" in values and len(values["capital_market.risk_free_pct"]) == 4
    v0, held0 = uncertain_draws(load_scenario("baseline"), "monte_carlo_baseline", 4, np.random.SeedSequence(1))
    assert held0 == [] and set(v0) > set(values)
    lo, hi = 0.3e12, 1.2e12
    assert ((v0["ai_market.revenue_usd_per_yr_max"] >= lo) & (v0["ai_market.revenue_usd_per_yr_max"] <= hi)).all()


SHORT = ["scenario.end_month=2028-12"]
LINKS = ["spacex_launch->orbital_dc:launch_mass", "tesla_fleet->xai:data", "xai->tesla_fleet:capability"]


@pytest.fixture(scope="module")
def two_runs() -> tuple:  # type: ignore[type-arg]
    sc = load_scenario("baseline", SHORT)
    a = run_ablation(sc, LINKS, seeds=2, draws=2, experiment="monte_carlo_baseline", seed=7)
    b = run_ablation(sc, LINKS, seeds=2, draws=2, experiment="monte_carlo_baseline", seed=7)
    return a, b


def test_ablation_is_identical_for_the_same_seeds(two_runs: tuple) -> None:  # type: ignore[type-arg]
    """Same scenario, seed and sizes: bit-identical paired outcomes, and samples that differ from each other."""
    a, b = two_runs
    assert a.seeds == b.seeds and len(set(a.seeds)) == 2 and a.samples == 4
    for k in a.base:
        assert_array_equal(a.base[k], b.base[k])
        for e in LINKS:
            assert_array_equal(a.cut[e][k], b.cut[e][k])
    assert len(set(a.base["spacex_value"].tolist())) == 4  # seeds and draws differ


def test_cutting_the_launch_link_zeroes_orbital_compute_in_every_sample(two_runs: tuple) -> None:  # type: ignore[type-arg]
    """With the launch link to the orbital data centers cut, orbital compute is 0 in each sample; the summary's interval says so."""
    a, _ = two_runs
    assert (a.cut["spacex_launch->orbital_dc:launch_mass"]["odc_compute_peak"] == 0).all()
    t = a.summary().set_index(["link", "outcome"])
    row = t.loc[("spacex_launch->orbital_dc:launch_mass", "odc_compute_peak")]
    if (a.base["odc_compute_peak"] > 0).all():
        assert row["relative"] and row["relative_median"] == -1.0 and row["relative_p05"] == -1.0 and row["relative_p95"] == -1.0 and row["agree"] == 1.0
        assert row["change_median"] == -np.median(a.base["odc_compute_peak"])
    data = t.loc[("tesla_fleet->xai:data", "xai_capability")]
    assert data["relative_p05"] <= data["relative_median"] <= data["relative_p95"] and data["samples"] == 4
    value = t.loc[("tesla_fleet->xai:data", "spacex_value")]
    assert not value["relative"] and value["unit"] == "USD"
    assert value["change_median"] == np.median(a.cut["tesla_fleet->xai:data"]["spacex_value"] - a.base["spacex_value"])
