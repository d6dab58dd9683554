"""SpaceX's economics across the bundled scenarios: launch EBITDA, Starlink's capacity, fleets
built to need."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecosim.model import EcosimModel
from ecosim.run import RunResult
from ecosim.scenario import load_scenario

SCENARIOS = ("baseline", "musk_narrative", "skeptic")

#: whole module: whole runs of three scenarios (and one more of baseline); the launch, Starlink,
#: Starship and grid rules each have their own tests on a stub world in tests/agents
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(baseline_run: RunResult) -> dict[str, pd.DataFrame]:
    """Each scenario's monthly metrics; the baseline's is the session's baseline run (the same
    scenario and seed: the same table, not simulated again)."""
    out = {"baseline": baseline_run.timeseries}
    for name in SCENARIOS[1:]:
        model = EcosimModel(load_scenario(name), record_ledger=False)
        out[name] = model.run().timeseries()
    return out


def _by_year(ts: pd.DataFrame, metric: str, how: str = "sum") -> pd.Series:
    return ts.groupby(ts["date"].str[:4])[metric].agg(how)


def test_launch_ebitda_stays_positive_every_year_of_baseline(runs: dict[str, pd.DataFrame]) -> None:
    """Outside launches sold with market power pay for Starship's development and the launch
    overhead: the launch segment's EBITDA is above zero in every year of baseline."""
    ebitda = _by_year(runs["baseline"], "spacex_launch_ebitda_usd")
    assert (ebitda > 0).all(), ebitda[ebitda <= 0].to_dict()


def test_starlink_subscribers_differ_by_scenario(runs: dict[str, pd.DataFrame]) -> None:
    """Capacity binds where people live: the narrative's larger constellation serves more
    subscribers than baseline in 2040, and the skeptic's Starship delay fewer in 2027."""
    subs = {n: _by_year(ts, "starlink_subscribers", "last") for n, ts in runs.items()}
    assert subs["musk_narrative"]["2040"] > 1.05 * subs["baseline"]["2040"]
    assert subs["skeptic"]["2027"] < 0.95 * subs["baseline"]["2027"]


def test_the_starship_fleet_is_within_twice_what_its_flights_need(runs: dict[str, pd.DataFrame]) -> None:
    """In 2040 the stacks in the fleet are at most twice the stacks its flights keep busy (over
    the year), and not fewer than them."""
    for name, ts in runs.items():
        year = ts[ts["date"].str.startswith("2040")]
        fleet = year["starship_stacks"].mean()
        needed = year["starship_stacks_needed"].mean()
        assert needed > 0 and needed * 0.999 <= fleet <= 2.0 * needed, (name, fleet, needed)


def test_the_outside_price_moves_without_cliffs(runs: dict[str, pd.DataFrame]) -> None:
    """No month moves SpaceX's outside price by more than its 2 % limit."""
    for name, ts in runs.items():
        price = ts["launch_price_usd_per_launch"].to_numpy()
        assert np.all(np.abs(np.diff(price) / price[:-1]) <= 0.02 + 1e-12), name


def test_falcon_flies_no_more_upper_stages_than_are_made(runs: dict[str, pd.DataFrame]) -> None:
    """Each month's Falcon flights are at most the upper stages made that month (each flight
    expends one), and the skeptic's Starship delay puts Falcon at that ceiling: 14 a month
    (upper_stages_per_month_max, ~170 a year, SpaceX's stated plateau) = 168 flights in 2026."""
    for name, ts in runs.items():
        assert (ts["falcon_launches"] <= ts["falcon_upper_stages_per_month"] + 1e-9).all(), name
    skeptic = runs["skeptic"]
    assert _by_year(skeptic, "falcon_launches")["2026"] == pytest.approx(_by_year(skeptic, "falcon_upper_stages_per_month")["2026"]) == pytest.approx(168.0)


def test_spacex_alone_is_worth_more_in_the_narrative_than_in_the_skeptic() -> None:
    """SpaceX without xAI (launch, Starlink, orbital compute) valued on each run's own cash flows:
    the narrative's faster, cheaper Starship and larger constellation are worth more than the
    skeptic's slipped, costly one (455.0 against 284.4 billion USD when written)."""
    from ecosim.api import simulate, value

    equity = {name: value(simulate(name, record_ledger=True)).entities_frame().loc["spacex", "equity_value_usd"] for name in ("musk_narrative", "skeptic")}
    assert equity["musk_narrative"] > 1.2 * equity["skeptic"], equity


#: flights a year from a year on (scenarios/history.toml: public launch logs for 2025, then the
#: stated ramps, halved for 2026; none of these scenarios changes them)
CADENCE = {"new_glenn_launches": {2026: 6, 2027: 12, 2029: 24}, "legacy_launches": {2026: 18, 2027: 28}}


def test_new_glenn_vulcan_and_ariane_fly_their_manifests_within_their_cadence(runs: dict[str, pd.DataFrame]) -> None:
    """Blue Origin's and ULA's and Arianespace's vehicles fly every year of every scenario and
    never above their cadence; while Kuiper's booked Vulcan and Ariane launches last, the legacy
    launchers fly at it (27-28 of 28 in 2029)."""
    for name, ts in runs.items():
        for metric, steps in CADENCE.items():
            flights = _by_year(ts, metric)
            for year, n in flights.items():
                cap = max(v for y, v in steps.items() if y <= int(year))
                assert 1 <= n <= cap + 1e-9, (name, metric, year, n, cap)
        assert _by_year(ts, "legacy_launches")["2029"] >= 27, name


def test_the_us_grid_wait_moves_with_the_requests_it_queues(runs: dict[str, pd.DataFrame]) -> None:
    """The US interconnection wait is an outcome of what queues: 4.2 years in 2026 (LBNL's ~5
    years request to operation), ~8.3 in 2040 as the background's requests grow 3 %/yr faster
    than the grid processes them; with no growth it stays near 4.4."""
    wait = _by_year(runs["baseline"], "grid_us_delay_yr", "last")
    assert 3.5 < wait["2026"] < 5.0 and wait["2040"] > wait["2030"] + 2.0 > wait["2026"] + 2.0
    flat = EcosimModel(load_scenario("baseline", ["grid_us.background_requests_growth_pct_per_yr=0"]), record_ledger=False).run().timeseries()
    assert _by_year(flat, "grid_us_delay_yr", "last")["2040"] < wait["2040"] - 3.0
