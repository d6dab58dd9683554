"""A claim's probability under a posterior is the share of draws in which it holds; values and marks over draws."""

from __future__ import annotations

import numpy as np
import pytest

from ecosim.analysis.posterior import (
    claim_probabilities,
    mark_probabilities,
    member_equity,
    quantiles,
    yearly_intervals,
)
from ecosim.analysis.scorecard import Claim
from ecosim.errors import UsageError
from ecosim.finance.gap import marks as all_marks
from ecosim.finance.valuation import member_assumptions
from ecosim.results.posterior import Posterior
from ecosim.run import run_posterior
from ecosim.scenario import load_scenario
from tests.posterior_store import FIELDS, write_pair, write_store

SUBS, _ = FIELDS


def _claim(threshold: float) -> Claim:
    return Claim.model_validate({
        "id": "subs", "claim": "Starlink reaches the threshold in 2021", "quote": "q", "seed": "000_test.txt", "line": 1,
        "speaker": "test", "said": "2020-01", "stance": "narrative", "entity": "spacex",
        "test": {"metric": "starlink_subscribers", "op": ">=", "threshold": threshold, "deadline": "2021-06"},
    })


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Weights 0.75 (half the history's market) and 0.25 (one and a half times): 4 draws are 3 low and 1 high."""
    d = tmp_path_factory.mktemp("post")
    _, forward = write_pair(d)
    return run_posterior(load_scenario(forward), Posterior.load(write_store(d / "p", (0.75, 0.25))), draws=4, seed=3)


def test_probability_is_the_share_of_draws_where_the_claim_holds(ensemble) -> None:  # type: ignore[no-untyped-def]
    """A threshold between the low and the high draws' subscribers by June 2021 holds in 1 of 4 draws: p = 0.25; below both, 1; above both, 0."""
    subs = ensemble.results.series["starlink_subscribers"][:6]  # 2021-01 .. 2021-06
    best = subs.max(axis=0)
    high = ensemble.draws[SUBS] == 37.5e6
    assert high.sum() == 1 and best[high].min() > best[~high].max()
    between = (best[high].min() + best[~high].max()) / 2
    for threshold, p in ((between, 0.25), (best.min() / 2, 1.0), (best.max() * 2, 0.0)):
        row = claim_probabilities(ensemble.results, [_claim(threshold)])[0]
        assert row["p_on_time"] == p == float(np.mean(best >= threshold))
        assert row["members"] == 4
        assert (row["when_median"] is None) == (row["p_by_end"] == 0.0)
    row = claim_probabilities(ensemble.results, [_claim(between)])[0]
    whole = ensemble.results.series["starlink_subscribers"]  # 2021-01 .. 2021-12: late arrivals count for the month too
    came = (whole >= between).any(axis=0)
    months = sorted(int(np.argmax(whole[:, k] >= between)) + 1 for k in np.flatnonzero(came))  # first month each draw holds
    expect = [months[int(np.ceil(q * len(months))) - 1] for q in (0.05, 0.5, 0.95)]  # inverted-CDF quantiles by hand
    assert [row["when_p5"], row["when_median"], row["when_p95"]] == [f"2021-{m:02d}" for m in expect]


def test_quantiles_and_yearly_intervals_read_quantities_as_every_command(ensemble) -> None:  # type: ignore[no-untyped-def]
    """5/50/95 % over draws; a flow is its calendar-year total, a stock its December value (analysis.quantities), per member."""
    q = quantiles(np.array([[0.0, 10.0, 20.0]]), axis=1)
    assert q[:, 0].tolist() == [1.0, 10.0, 19.0]
    r = ensemble.results
    table = yearly_intervals(r, ["spacex_launches", "starlink_subscribers"], [2021]).set_index("key")
    launches = r.series["spacex_launches"].sum(axis=0)
    subs_dec = r.series["starlink_subscribers"][r.months.index("2021-12")]
    assert table.loc["spacex_launches", "median"] == pytest.approx(np.median(launches))
    assert table.loc["starlink_subscribers", "p95"] == pytest.approx(np.quantile(subs_dec, 0.95))
    assert np.isnan(table.loc["spacex_launches", "point"])


def test_marks_and_valuation_year(ensemble) -> None:  # type: ignore[no-untyped-def]
    """Each SpaceX+xAI mark (and each SpaceX-alone mark, against SpaceX alone; Tesla's and Anthropic's against theirs), with the raises each draw books, gets the share of draws whose equity, like for like at the mark's month, reaches it; a valuation year outside the run is refused."""
    year, eq = member_equity(ensemble.results)
    assert year == 2021 and eq["spacex"].shape == (4,)
    marks = mark_probabilities(ensemble.results)
    assert set(marks["entity"]) == {"SpaceX+xAI", "SpaceX", "Tesla", "Anthropic"}
    cm = ensemble.results.scenario.model.capital_market
    rates = np.array([a.wacc for a in member_assumptions(cm, ensemble.results.cost_of_capital)])
    by_mark = {(m.entity, m.date, m.kind): m for m in all_marks()}
    for _, m in marks.iterrows():
        company = {"SpaceX+xAI": "spacex", "SpaceX": "spacex_alone", "Tesla": "tesla", "Anthropic": "anthropic"}[m["entity"]]
        mark = by_mark[m["entity"], m["date"], m["kind"]]
        # like for like by hand: every mark is dated after 2021-01, so each draw's value is carried forward
        # at its rate, plus the raises scheduled in between and a post-money round's raise once
        months = (int(mark.date[:4]) - 2021) * 12 + int(mark.date[5:]) - 1
        # the raises the run books (scheduled rounds and follow-ons), per member, as ecosim value counts them
        raised = {"spacex": ("spacex_raised_usd", "xai_raised_usd"), "spacex_alone": ("spacex_raised_usd",), "tesla": ("tesla_raised_usd",),
                  "anthropic": ("anthropic_raised_usd",)}[company]
        months_before = [k for k, d in enumerate(ensemble.results.months) if "2021-01" <= d < mark.date]
        between = sum(ensemble.results.series[n][months_before].sum(axis=0) for n in raised)
        like = eq[company] * (1 + rates) ** (months / 12) + between + (mark.raise_usd if mark.basis == "post-money" else 0.0)
        assert months > 0 and m["median_value_usd"] == pytest.approx(float(np.median(like)), rel=1e-12)
        assert m["p_reaches"] == float(np.mean(like >= m["value_usd"]))
        assert m["median_gap_share"] == pytest.approx(float(np.median((m["value_usd"] - like) / m["value_usd"])), rel=1e-12)
    with pytest.raises(UsageError, match=r"--valuation-year must be a full year of the run \(2021-2021\) \(got 2030\)"):
        member_equity(ensemble.results, 2030)
