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
    """Every (link, outcome) pair gets a row with the sample count; absolute outcomes are not divided."""
    base = {"v": np.array([4.0, 8.0]), "n": np.array([10.0, 20.0])}
    cut = {"a->b:x": {"v": np.array([2.0, 6.0]), "n": np.array([10.0, 25.0])}, "b->c:y": {"v": np.array([4.0, 8.0]), "n": np.array([9.0, 19.0])}}
    t = ablation_summary(base, cut, {"v": True, "n": False}).set_index(["link", "outcome"])
    assert len(t) == 4 and (t["samples"] == 2).all()
    assert t.loc[("a->b:x", "v"), "change_median"] == pytest.approx((-0.5 - 0.25) / 2)
    assert t.loc[("a->b:x", "n"), "change_median"] == 2.5 and t.loc[("b->c:y", "v"), "change_median"] == 0.0


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
        assert row["change_median"] == -1.0 and row["change_p05"] == -1.0 and row["change_p95"] == -1.0 and row["agree"] == 1.0
    data = t.loc[("tesla_fleet->xai:data", "xai_capability")]
    assert data["change_p05"] <= data["change_median"] <= data["change_p95"] and data["samples"] == 4
