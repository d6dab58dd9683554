"""Equity values from a run's metrics agree with `ecosim value`; the valuation bridge adds up."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.finance.bridge import CASH, RATES, company_segments, shapley, value_bridge
from ecosim.finance.gap import mark_gaps
from ecosim.finance.series_value import results_equity
from ecosim.finance.valuation import Assumptions, CashFlows, assumptions_for
from ecosim.results.rundir import SavedRun, read_run
from ecosim.run import RunResult, write_run


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, baseline_run: RunResult) -> SavedRun:
    return read_run(write_run(baseline_run, tmp_path_factory.mktemp("runs") / "baseline", figures=False))


def test_series_values_match_ecosim_value(saved: SavedRun) -> None:
    """At the valuation date, each company's equity value from its metrics is ecosim value's, booked from the ledger, to 1e-9: Tesla; SpaceX
    alone; SpaceX + xAI pro forma (xAI's flows of January 2026, before the merger month, are in the series through the xai_premerger_* metrics,
    as its cash is: without them the series gave 1.2688T against the ledger's 1.2680T)."""
    equity = results_equity(saved.results)
    booked, _ = mark_gaps(saved, ("spacex_xai", "spacex", "tesla"))
    assert_allclose(equity["tesla"][0, 0], booked["tesla"].valuation.equity_value[0], rtol=1e-9)
    assert_allclose(equity["spacex_alone"][0, 0], booked["spacex"].valuation.equity_value[0], rtol=1e-9)
    assert_allclose(equity["spacex"][0, 0], booked["spacex_xai"].valuation.equity_value[0], rtol=1e-9)
    assert saved.summary.merger_month > saved.dates[0] and saved.timeseries["xai_premerger_fcf_usd"].iloc[0] < -1e7  # xAI's month alone counts (about -$0.1B with the labs of issue 14)
    assert (saved.timeseries["xai_premerger_fcf_usd"].iloc[1:] == 0).all()
    jan = [i for i, d in enumerate(saved.dates) if d.endswith("-01")]
    assert np.isfinite(equity["spacex"][jan]).all() and np.isnan(np.delete(equity["spacex"][:, 0], jan)).all()


@pytest.mark.parametrize("agents_of", [("tesla",), ("spacex", "xai")])
def test_cash_at_start_plus_the_first_month_is_the_first_cash(saved: SavedRun, agents_of: tuple[str, ...]) -> None:
    """The cash stored as the run's start, plus the first month's ledger (money to and from the companies' agents; goods they sold less goods they bought), is their cash metrics at its end."""
    metrics = [f"{c}_cash_usd" for c in agents_of]
    agents = [a for a, info in saved.summary.agents.items() if info.company in agents_of]
    L = saved.ledger[saved.ledger["date"] == saved.dates[0]]
    money = L["commodity"] == "money"
    payee = L["to"].where(money, L["from"]).isin(agents)  # who the dollars go to: a money edge's buyer, a good's seller
    payer = L["from"].where(money, L["to"]).isin(agents)
    net = L.loc[payee, "usd"].sum() - L.loc[payer, "usd"].sum()
    start = sum(float(saved.results.cash_start[m][0]) for m in metrics)
    assert_allclose(start + net, saved.timeseries[metrics].iloc[0].sum(), rtol=1e-12)


def test_segments_add_up_to_the_company(saved: SavedRun) -> None:
    """A company's segments' revenue, EBITDA and capex add up to the company's metrics (internal lines cancel)."""
    segs = company_segments(saved.ledger, saved.summary, saved.dates, "spacex")
    assert set(segs) == {"Launch services (Falcon and Starship)", "Starlink broadband", "Orbital data centers", "AI models and data centers (xAI)"}
    ts = saved.timeseries
    year = ts["date"].str[:4].astype(int)
    total_rev = sum(s.flows.revenue[:, 0] for s in segs.values())
    total_fcf = sum(s.flows.ebitda[:, 0] - s.flows.capex[:, 0] for s in segs.values())
    years = next(iter(segs.values())).flows.years
    pro_forma = {k: ts[f"spacex_{k}_usd"] + ts[f"xai_premerger_{k}_usd"] for k in ("revenue", "fcf")}  # xAI's month before the merger included
    assert_allclose(total_rev, [pro_forma["revenue"][year == y].sum() for y in years], rtol=1e-9)
    assert_allclose(total_fcf, [pro_forma["fcf"][year == y].sum() for y in years], rtol=1e-9, atol=1.0)


def test_shapley_shares_add_up_and_are_symmetric() -> None:
    """Shapley values add up to v(all) - v(none), and players that add the same get the same (hand check with an interaction)."""
    v = {frozenset(): 0.0, frozenset("a"): 1.0, frozenset("b"): 2.0, frozenset("ab"): 6.0}
    shares = shapley(lambda s: v[s], ["a", "b"])
    # a: (1 - 0 + 6 - 2) / 2 = 2.5; b: (2 - 0 + 6 - 1) / 2 = 3.5
    assert shares == {"a": 2.5, "b": 3.5}


def test_bridge_between_real_runs_adds_up(saved: SavedRun) -> None:
    """From a run to itself with a higher WACC, the whole change is the assumptions' share (its sign is the world's: positive when
    late losses weigh more than early gains); segment shares are zero; the steps add up."""
    segs = {k: s.flows for k, s in company_segments(saved.ledger, saved.summary, saved.dates, "spacex").items()}
    a = assumptions_for(saved.scenario.model.capital_market)
    b = value_bridge("spacex", segs, segs, a, a.replace(wacc=a.wacc + 0.01), 1e9, 1e9, 2026)
    shares = dict(b.steps)
    assert abs(b.residual()) < 1.0
    assert all(abs(v) < 1e-3 for k, v in shares.items() if k not in (RATES, CASH))
    assert shares[RATES] != 0 and shares[CASH] == 0.0
    assert_allclose(b.value_b - b.value_a, shares[RATES])
    booked, _ = mark_gaps(saved, ("spacex_xai",))
    v = booked["spacex_xai"].valuation
    cash = float(np.asarray(v.cash).reshape(-1)[0])
    c = value_bridge("spacex", segs, segs, v.assumptions, v.assumptions, cash, cash, 2026)
    assert_allclose(c.value_a, v.equity_value[0], rtol=1e-9)  # the bridge starts from ecosim value's SpaceX + xAI, xAI's month before the merger included


def test_bridge_hand_check_with_tax() -> None:
    """With tax and two segments the steps still add up exactly (the Shapley split of a non-linear value)."""
    a = Assumptions(wacc=0.10, terminal_growth=0.02, tax_rate=0.21, terminal="gordon")
    years = [2030, 2031, 2032]

    def cf(e: list[float]) -> CashFlows:
        x = np.asarray(e, dtype=float)[:, None]
        return CashFlows(years, x, x, np.zeros_like(x))

    A = {"s1": cf([-50.0, 10.0, 30.0]), "s2": cf([20.0, 20.0, 20.0])}
    B = {"s1": cf([10.0, 40.0, 60.0]), "s2": cf([5.0, 5.0, 5.0])}
    b = value_bridge("x", A, B, a, a.replace(tax_rate=0.30), 10.0, 20.0, 2030)
    assert abs(b.residual()) < 1e-9
    assert dict(b.steps)[CASH] == pytest.approx(10.0)

