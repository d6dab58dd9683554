"""simulate(): the one way to build, run and release a world for batch use, and the Results it gives."""

from __future__ import annotations

import mesa
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ecosim.errors import UsageError
from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario
from ecosim.simulate import simulate

SHORT = ["scenario.end_month=2027-12"]
CUT = "spacex_launch->orbital_dc:launch_mass"


def test_results_are_the_models_run_and_the_model_is_released() -> None:
    """Every metric equals EcosimModel's own run bit for bit, months are YYYY-MM, and Mesa no longer holds the model."""
    loaded = load_scenario("baseline", SHORT)
    simulate(loaded, until=0)  # the history warm-up is memoised once per process
    before = set(mesa.Agent._ids)
    res = simulate(loaded)
    assert set(mesa.Agent._ids) == before
    ref = EcosimModel(loaded, record_ledger=False).run()
    assert res.months == ref.dates() and res.months[0] == "2026-01" and res.months[-1] == "2027-12"
    for name in ("spacex_launches", "spacex_fcf_usd", "xai_capability_index", "wacc"):
        assert_array_equal(res.series[name], ref.series(name))
    assert res.units["spacex_fcf_usd"] == "USD/month" and res.ledger is None and res.members == 1
    mesa.Agent._ids.pop(ref, None)


def test_until_stops_at_a_month_or_a_count() -> None:
    """until='2026-06' simulates January to June; until=3 three months; outside the scenario is a one-line error."""
    loaded = load_scenario("baseline", SHORT)
    assert simulate(loaded, until="2026-06").months[-1] == "2026-06"
    assert len(simulate(loaded, until=3).months) == 3
    with pytest.raises(UsageError, match=r"until must be a month from 2025-12 to 2027-12 \(got '2028-01'\)"):
        simulate(loaded, until="2028-01")


def test_cash_at_start_is_the_scenarios_initial_cash() -> None:
    """Without a warm-up, each company's cash before the first month is its capital_market.cash_initial_usd (history: Tesla 6.3e9, SpaceX 2.0e9)."""
    res = simulate(load_scenario("history", ["scenario.end_month=2020-03"]))
    assert res.cash_start["tesla_cash_usd"].tolist() == [6.3e9]
    assert res.cash_start["spacex_cash_usd"].tolist() == [2.0e9]


def test_cost_of_capital_per_member_is_capm_with_hamada() -> None:
    """A member's WACC follows its own risk-free rate: 0.70 (rf + beta_L 0.055) + 0.30 0.05 (1 - 0.21), beta_L = 1.05 (1 + 0.79 0.3/0.7)."""
    res = simulate(load_scenario("baseline", ["scenario.end_month=2026-02"]), members=2, member_values={"capital_market.risk_free_pct": np.array([4.5, 2.0])})
    beta = 1.05 * (1 + (1 - 0.21) * 0.30 / 0.70)
    hand = [0.70 * (rf + beta * 0.055) + 0.30 * 0.05 * (1 - 0.21) for rf in (0.045, 0.02)]
    assert_allclose(res.cost_of_capital.wacc, hand, rtol=1e-12)
    assert_allclose(res.series["wacc"][0], hand, rtol=1e-12)  # the metric the run stores
    assert res.cost_of_capital.terminal_growth.tolist() == [0.035, 0.035] and res.cost_of_capital.tax_rate.tolist() == [0.21, 0.21]


def test_an_edge_schedule_cuts_from_its_month_on() -> None:
    """A schedule cutting member 1 from month 12 leaves it identical to member 0 before, and equal to a whole-run cut member when cut from month 0."""
    loaded = load_scenario("musk_narrative", ["scenario.end_month=2028-12"])
    T = 36
    late = np.ones((T, 3))
    late[12:, 1] = 0.0
    late[:, 2] = 0.0
    res = simulate(loaded, members=3, edge_scales={CUT: late}, common_random_numbers=True)
    whole = simulate(loaded, members=2, edge_scales={CUT: np.array([1.0, 0.0])}, common_random_numbers=True)
    odc = res.series["odc_compute_eflops"]
    assert_array_equal(odc[:12, 1], odc[:12, 0])
    assert odc[-1, 1] < odc[-1, 0]
    assert_array_equal(odc[:, 2], whole.series["odc_compute_eflops"][:, 1])
    with pytest.raises(ValueError, match="must name an edge of the network"):
        simulate(loaded, edge_scales={"nobody->orbital_dc:launch_mass": np.ones(1)})


def test_recorded_flows_are_the_ledgers_goods_rows() -> None:
    """With flows and ledger recorded, an edge's monthly quantity equals the ledger's rows for it."""
    res = simulate(load_scenario("baseline", ["scenario.end_month=2026-06"]), record_ledger=True, record_flows=True)
    assert res.ledger is not None
    edge = "tesla_fleet->xai:data"
    rows = res.ledger[(res.ledger["from"] == "tesla_fleet") & (res.ledger["to"] == "xai") & (res.ledger["commodity"] == "data")]
    assert_allclose(res.edge_flows[edge][:, 0], rows.groupby("date")["quantity"].sum().reindex(res.months, fill_value=0.0).to_numpy(), rtol=1e-12)
    assert_allclose(res.edge_flows[edge][:, 0], res.series["data_from_vehicles_pb"][:, 0], rtol=1e-12)
