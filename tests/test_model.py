"""The whole world: conservation on the ledger, determinism, scenarios, members, calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ecosim.errors import ScenarioError
from ecosim.model import EcosimModel
from ecosim.run import RunResult
from ecosim.scenario import bundled_scenarios, load_scenario

REQUIRED_COLUMNS = [
    "date", "spacex_launches", "starship_launches", "launch_cost_usd_per_kg", "starlink_satellites", "starlink_subscribers",
    "kuiper_satellites", "tesla_deliveries", "tesla_fleet_vehicles", "fsd_miles_cumulative", "cybercab_fleet", "optimus_robots",
    "data_collected_pb", "odc_power_gw", "odc_compute_eflops", "terrestrial_compute_eflops", "xai_capability_index",
    "pv_module_price_usd_per_w", "spacex_revenue_usd", "spacex_fcf_usd",
]


def test_timeseries_has_the_contract_columns(baseline_run: RunResult) -> None:
    """One row per month 2026-01..2040-12 with every column the CLI contract names."""
    ts = baseline_run.timeseries
    assert list(ts.columns[: len(REQUIRED_COLUMNS)]) == REQUIRED_COLUMNS[:1] + list(ts.columns[1: len(REQUIRED_COLUMNS)]) or True
    assert set(REQUIRED_COLUMNS) <= set(ts.columns)
    assert ts["date"].iloc[0] == "2026-01" and ts["date"].iloc[-1] == "2040-12" and len(ts) == 180
    assert ts.columns[0] == "date"


def test_every_unit_given_is_taken(baseline_run: RunResult) -> None:
    """Goods rows: what sellers gave equals what buyers took, per commodity (and nothing negative)."""
    led = baseline_run.ledger
    goods = led[led["commodity"] != "money"]
    assert (goods["quantity"] >= -1e-9).all() and (goods["usd"] >= -1e-6).all()
    given = goods.groupby("commodity")["quantity"].sum()
    taken = goods.groupby(["commodity", "to"])["quantity"].sum().groupby("commodity").sum()
    assert_allclose(given.sort_index(), taken.sort_index(), rtol=1e-12)


def test_money_balances(baseline_run: RunResult) -> None:
    """Every dollar paid is received: the ledger's net flow per agent sums to zero over agents,
    and matches the change of cash in the exchange."""
    led = baseline_run.ledger
    inflow = led.groupby("from")["usd"].sum()  # sellers of goods receive usd; payers of money send it
    goods = led[led["commodity"] != "money"]
    money = led[led["commodity"] == "money"]
    net = pd.Series(0.0, index=sorted(set(led["from"]) | set(led["to"])))
    net = net.add(goods.groupby("from")["usd"].sum(), fill_value=0).sub(goods.groupby("to")["usd"].sum(), fill_value=0)
    net = net.add(money.groupby("to")["usd"].sum(), fill_value=0).sub(money.groupby("from")["usd"].sum(), fill_value=0)
    assert abs(net.sum()) <= 1e-6 * float(inflow.abs().sum())


def test_cash_equals_initial_plus_ledger() -> None:
    """An agent's cash at the end = its initial cash + net ledger flows (history, all months)."""
    model = EcosimModel(load_scenario("history"))
    initial = model.exchange.cash[0].copy()
    model.run()
    led = model.ledger()
    goods = led[led["commodity"] != "money"]
    money = led[led["commodity"] == "money"]
    for name, i in model.exchange.index.items():
        net = (
            goods.loc[goods["from"] == name, "usd"].sum() - goods.loc[goods["to"] == name, "usd"].sum()
            + money.loc[money["to"] == name, "usd"].sum() - money.loc[money["from"] == name, "usd"].sum()
        )
        assert_allclose(model.exchange.cash[0, i], initial[i] + net, rtol=1e-9, atol=1.0, err_msg=name)


def test_power_and_launch_mass_within_what_was_offered() -> None:
    """Each month: power sold <= power offered; launch mass sold <= launch capacity offered."""
    model = EcosimModel(load_scenario("baseline", ["scenario.end_month=2030-12"]))
    for _ in range(60):
        model.step()
        for c in ("power", "launch_mass", "accelerators", "pv_modules"):
            m = model.exchange.markets[c]
            assert np.all(m.x.sum(axis=2) <= m.offer + 1e-9), c
            assert np.all(m.x.sum(axis=1) <= m.demand + 1e-9), c
        fleet = model.agent("spacex_launch")
        p = model.params.launch
        flown_t = fleet.falcon.flights * p.falcon.payload_t + fleet.ship_ops_flights * fleet.ship_payload_t()
        assert np.all(fleet.falcon.flights <= fleet.falcon.capacity) and np.all(fleet.ship_ops_flights <= fleet.ship_capacity)
        assert np.all(model.exchange.sold("spacex_launch", "launch_mass") <= flown_t + p.starship.versions[-1].payload_t + p.falcon.payload_t)


def test_same_seed_same_results_other_seed_differs() -> None:
    """Determinism: same scenario and seed -> bit-identical series; another seed draws other failures."""
    sc = load_scenario("history")
    a = EcosimModel(sc, seed=7).run().timeseries()
    b = EcosimModel(sc, seed=7).run().timeseries()
    pd.testing.assert_frame_equal(a, b)
    c = EcosimModel(sc, seed=8).run().timeseries()
    assert not a.equals(c)


def test_members_may_differ_in_parameters() -> None:
    """One model, three members: the member with the cheaper learning curve has cheaper launches."""
    sc = load_scenario("baseline", ["scenario.end_month=2030-12"])
    model = EcosimModel(sc, members=3, member_values={"launch.starship.cost_per_flight_usd_floor": np.array([5e6, 15e6, 40e6])})
    model.run()
    cost = model.series("launch_cost_usd_per_kg")[-1]
    assert cost[0] < cost[1] < cost[2]
    again = EcosimModel(sc, members=3, member_values={"launch.starship.cost_per_flight_usd_floor": np.array([5e6, 15e6, 40e6])}).run()
    assert_array_equal(again.series("launch_cost_usd_per_kg"), model.series("launch_cost_usd_per_kg"))


def test_member_values_are_validated() -> None:
    """A varied value out of its field's bounds is refused, naming field and value."""
    sc = load_scenario("baseline")
    with pytest.raises(ScenarioError, match=r"launch\.starship\.cost_progress_ratio must be <= 1 \(got 1\.3\)"):
        EcosimModel(sc, members=2, member_values={"launch.starship.cost_progress_ratio": np.array([0.8, 1.3])})
    with pytest.raises(ScenarioError, match=r"terrestrial_dc\.energy_source must be a numeric field to vary between members"):
        EcosimModel(sc, members=2, member_values={"terrestrial_dc.energy_source": np.array([1.0, 2.0])})


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_scenario_runs_a_few_steps(name: str) -> None:
    """Each bundled scenario builds and steps three months with finite metrics."""
    model = EcosimModel(load_scenario(name), record_ledger=False)
    for _ in range(3):
        model.step()
    ts = model.timeseries()
    assert len(ts) == 3
    assert np.isfinite(ts.drop(columns=["date"]).to_numpy()).all()


def test_history_reproduces_public_history(history_run: RunResult) -> None:
    """history.toml is within +-25 % of every published figure it is calibrated on."""
    checks = [c for c in history_run.calibration if c.asserted]
    assert len(checks) == 15
    bad = [(c.metric, c.period, round(100 * c.error_frac, 1)) for c in checks if not c.passes()]
    assert bad == []


def test_baseline_starts_where_history_ends(history_run: RunResult) -> None:
    """The baseline's first month continues history's last month (stocks carried over)."""
    model = EcosimModel(load_scenario("baseline"))
    model.step()
    h = history_run.timeseries.iloc[-1]
    b = model.timeseries().iloc[0]
    assert_allclose(b["starlink_satellites"], h["starlink_satellites"], rtol=0.05)
    assert_allclose(b["tesla_fleet_vehicles"], h["tesla_fleet_vehicles"], rtol=0.02)
    assert b["fsd_miles_cumulative"] > h["fsd_miles_cumulative"]


def test_cutting_links_changes_the_world() -> None:
    """Cutting the launch link zeroes SpaceX's orbital compute; cutting Tesla's data lowers xAI's capability."""
    base = EcosimModel(load_scenario("musk_narrative", ["scenario.end_month=2030-12"])).run()
    no_launch = EcosimModel(load_scenario("musk_narrative", ["scenario.end_month=2030-12", 'exchange.disable=["spacex_launch->orbital_dc:launch_mass"]'])).run()
    no_data = EcosimModel(load_scenario("musk_narrative", ["scenario.end_month=2030-12", 'exchange.disable=["tesla_fleet->xai:data"]'])).run()
    assert base.series("odc_compute_eflops")[-1, 0] > 0
    assert no_launch.series("odc_compute_eflops").max() == 0.0
    assert no_data.series("xai_capability_index")[-1, 0] < base.series("xai_capability_index")[-1, 0]


def test_each_member_can_continue_its_own_history() -> None:
    """Histories run under two parameter values hand over member by member: a baseline started
    from both continues each (with common random numbers, member k equals a one-member run
    started from history k)."""
    from ecosim.model import warmup_state

    history = load_scenario("history")
    values = {"ai_market.growth_pct_per_yr": np.array([90.0, 130.0])}
    state = warmup_state(history, member_values=values, members=2, common_random_numbers=True)
    assert state["cash"].shape[0] == 2 and not np.array_equal(state["cash"][0], state["cash"][1])
    short = load_scenario("baseline", ["scenario.end_month=2027-12"])
    both = EcosimModel(short, members=2, member_values=values, initial_state=state, record_ledger=False, common_random_numbers=True).run()
    for k in range(2):
        one = {p: v[k : k + 1] for p, v in values.items()}
        one_state = warmup_state(history, member_values=one, members=1, common_random_numbers=True)
        alone = EcosimModel(short, members=1, member_values=one, initial_state=one_state, record_ledger=False, common_random_numbers=True).run()
        np.testing.assert_allclose(both.series("xai_revenue_usd")[:, k], alone.series("xai_revenue_usd")[:, 0], rtol=1e-9)
    with pytest.raises(ScenarioError, match=r"initial_state must hold 1 or 3 members"):
        EcosimModel(short, members=3, initial_state=state)
