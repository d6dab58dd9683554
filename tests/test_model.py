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
    assert set(REQUIRED_COLUMNS) <= set(ts.columns)
    assert ts["date"].iloc[0] == "2026-01" and ts["date"].iloc[-1] == "2040-12" and len(ts) == 180
    assert ts.columns[0] == "date"


@pytest.mark.parametrize("name", ["history", "baseline"])
@pytest.mark.slow
def test_every_seller_gives_at_most_what_it_offered(name: str) -> None:
    """Every month, commodity and seller: sold <= offered, and every buyer got <= what it asked;
    a tier's takings from a seller stay within that seller's cap for the tier."""
    model = EcosimModel(load_scenario(name), record_ledger=False)
    while model.steps < model.n_steps:
        model.step()
        for c, m in model.exchange.markets.items():
            sold = m.x.sum(axis=2)
            assert np.all(sold <= m.offer * (1 + 1e-12) + 1e-9), (c, model.dates()[-1])
            assert np.all(m.x.sum(axis=1) <= m.asked * (1 + 1e-12) + 1e-9), (c, model.dates()[-1])
            for tier, cap in m.tier_cap.items():
                taken = m.x[:, :, m.tier == tier].sum(axis=2)
                assert np.all(taken <= cap * (1 + 1e-12) + 1e-9), (c, tier, model.dates()[-1])


def test_each_company_cash_moves_by_its_ledger_flow() -> None:
    """Month by month, a company's change of cash equals what its agents received minus what they
    paid in that month's ledger rows (goods sold and bought, revenue, raises, costs), with the
    merger moving xAI's agents into SpaceX in its month."""
    model = EcosimModel(load_scenario("baseline", ["scenario.end_month=2027-06"]))
    ex = model.exchange
    before = []
    while model.steps < model.n_steps:
        before.append(ex.cash[0].copy())
        model.step()
    after = before[1:] + [ex.cash[0].copy()]
    led = model.ledger()
    led = led.assign(sign_from=-1.0, sign_to=1.0)
    goods = led["commodity"] != "money"
    # goods: the seller ("from") receives usd; money: the payer ("from") pays it
    inflow = pd.concat([
        pd.DataFrame({"step": led.loc[goods, "step"], "agent": led.loc[goods, "from"], "usd": led.loc[goods, "usd"]}),
        pd.DataFrame({"step": led.loc[goods, "step"], "agent": led.loc[goods, "to"], "usd": -led.loc[goods, "usd"]}),
        pd.DataFrame({"step": led.loc[~goods, "step"], "agent": led.loc[~goods, "to"], "usd": led.loc[~goods, "usd"]}),
        pd.DataFrame({"step": led.loc[~goods, "step"], "agent": led.loc[~goods, "from"], "usd": -led.loc[~goods, "usd"]}),
    ])
    for step in range(1, model.steps + 1):
        rows = inflow[inflow["step"] == step]
        companies = {n: ex.company_at(n, step - 1) for n in ex.names}
        for company in sorted(set(companies.values())):
            names = [n for n, c in companies.items() if c == company]
            idx = [ex.index[n] for n in names]
            change = float(after[step - 1][idx].sum() - before[step - 1][idx].sum())
            flow = float(rows.loc[rows["agent"].isin(names), "usd"].sum())
            assert_allclose(change, flow, rtol=1e-9, atol=1e-3, err_msg=f"{company} in step {step}")


@pytest.mark.slow
def test_same_seed_same_results_other_seed_differs() -> None:
    """Determinism: same scenario and seed -> bit-identical series; another seed draws other failures."""
    sc = load_scenario("history")
    a = EcosimModel(sc, seed=7).run().timeseries()
    b = EcosimModel(sc, seed=7).run().timeseries()
    pd.testing.assert_frame_equal(a, b)
    c = EcosimModel(sc, seed=8).run().timeseries()
    assert not a.equals(c)


@pytest.mark.slow
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
    assert len(checks) == 75
    bad = [(c.metric, c.period, round(100 * c.error_frac, 1)) for c in checks if not c.passes()]
    assert bad == []


#: fitted rows the test above does not hold, each with the reason (the README's calibration table
#: prints them with their errors all the same)
NOT_ASSERTED = {
    # the model's xAI raises its Series B cash in June 2024, so Colossus's first 100,000 GPUs
    # (July 2024) are a third built; by 2025-02 (asserted) the build-out has caught up
    ("xai_colossus_gpus", "2024-07"),
}


def test_every_fitted_row_is_asserted_or_explained(history_run: RunResult) -> None:
    """A fitted row is held within +-25 % by the test above unless NOT_ASSERTED gives a reason."""
    fitted = {(c.metric, c.period) for c in history_run.calibration if c.status == "fit"}
    loose = {(c.metric, c.period) for c in history_run.calibration if c.status == "fit" and not c.asserted}
    assert len(fitted) == 76
    assert loose == NOT_ASSERTED


def test_baseline_starts_where_history_ends(history_run: RunResult) -> None:
    """The baseline's first month continues history's last month (stocks carried over)."""
    model = EcosimModel(load_scenario("baseline"))
    model.step()
    h = history_run.timeseries.iloc[-1]
    b = model.timeseries().iloc[0]
    assert_allclose(b["starlink_satellites"], h["starlink_satellites"], rtol=0.05)
    assert_allclose(b["tesla_fleet_vehicles"], h["tesla_fleet_vehicles"], rtol=0.02)
    assert b["fsd_miles_cumulative"] > h["fsd_miles_cumulative"]


@pytest.mark.slow
def test_cutting_links_changes_the_world() -> None:
    """Cutting the launch link zeroes SpaceX's orbital compute; cutting Tesla's data lowers xAI's
    data for four years and its capability for two (then the training race makes up for it: a lab
    further behind wins more by catching up, so it buys more compute beyond its demand)."""
    base = EcosimModel(load_scenario("musk_narrative", ["scenario.end_month=2030-12"])).run()
    no_launch = EcosimModel(load_scenario("musk_narrative", ["scenario.end_month=2030-12", 'exchange.disable=["spacex_launch->orbital_dc:launch_mass"]'])).run()
    no_data = EcosimModel(load_scenario("musk_narrative", ["scenario.end_month=2030-12", 'exchange.disable=["tesla_fleet->xai:data"]'])).run()
    assert base.series("odc_compute_eflops")[-1, 0] > 0
    assert no_launch.series("odc_compute_eflops").max() == 0.0
    # xAI's data stock is lower without Tesla's fleet data through 2030-07 (-10.9 % at 2029-12);
    # from 2030-08 Optimus's robots, more of them in the cut run (3.90M against 3.46M at 2030-12,
    # as the race moves xAI's capability), make it up (+1.2 % in 2030-08)
    four_years = slice(0, 48)  # 2026-01 to 2029-12
    assert np.all(no_data.series("xai_data_stock_pb")[four_years, 0] < base.series("xai_data_stock_pb")[four_years, 0])
    two_years = slice(1, 24)  # 2026-02 to 2027-12: measured -0.1 % in 2026-02, -1.0 % in 2027-11, -0.4 % in 2027-12, lower until 2029-04 (since the labs' SG&A falls with scale, ai_market.sga_mature_frac_of_revenue; it was 2028-01 before, 2029-05 before OpenAI and Anthropic built on on-site power)
    assert np.all(no_data.series("xai_capability_index")[two_years, 0] < base.series("xai_capability_index")[two_years, 0])


@pytest.mark.slow
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
