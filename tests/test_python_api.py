"""The documented Python API (docs/python-api.md): dated frames, one member alone, scalar model
variables, valuation of a run from Python in one call, and the page's examples themselves."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecosim.api import EcosimModel, load_scenario, simulate, value
from ecosim.errors import UsageError
from ecosim.finance.gap import value_run
from ecosim.results.rundir import SavedRun
from ecosim.run import RunResult

DOC = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"
SHORT = ["scenario.end_month=2027-12"]


@pytest.fixture(scope="module")
def pair() -> object:
    """Two members of a two-year baseline, differing in Starship's cost floor, with their ledger."""
    return simulate(load_scenario("baseline", SHORT), members=2, record_ledger=True,
                    member_values={"launch.starship.cost_per_flight_usd_floor": np.array([5e6, 50e6])})


def test_to_frame_has_a_dated_index_and_the_series_values(pair) -> None:
    """Member 1's frame: one row per month on the first day of the month, each column its (months,) series."""
    df = pair.to_frame(member=1)
    assert len(df) == 24 and list(df.index[:3].strftime("%Y-%m-%d")) == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert df.index[-1] == pd.Timestamp("2027-12-01")
    assert df.index.name == "date" and isinstance(df.index, pd.DatetimeIndex)
    assert list(df.columns) == list(pair.series)
    for name in ("spacex_launches", "launch_cost_usd_per_kg", "spacex_cash_usd"):
        np.testing.assert_array_equal(df[name].to_numpy(), pair.series[name][:, 1])


def test_to_frame_of_every_member_is_indexed_by_date_and_member(pair) -> None:
    long = pair.to_frame(member=None)
    assert long.index.names == ["date", "member"] and len(long) == 24 * 2
    wide = long["spacex_launches"].unstack("member")
    np.testing.assert_array_equal(wide.to_numpy(), pair.series["spacex_launches"])
    with pytest.raises(IndexError, match="member must be in 0..1"):
        pair.to_frame(member=2)


def test_one_member_alone(pair) -> None:
    """``member(1)``: a one-member Results holding member 1's series, cash, rates and ledger rows."""
    one = pair.member(1)
    assert one.members == 1
    np.testing.assert_array_equal(one.series["launch_cost_usd_per_kg"][:, 0], pair.series["launch_cost_usd_per_kg"][:, 1])
    assert float(one.cash_start["spacex_cash_usd"][0]) == float(pair.cash_start["spacex_cash_usd"][1])
    assert float(one.cost_of_capital.wacc[0]) == float(pair.cost_of_capital.wacc[1])
    assert pair.ledger is not None and one.ledger is not None
    theirs = pair.ledger[pair.ledger["member"] == 1]
    assert len(one.ledger) == len(theirs) > 0 and set(one.ledger["member"]) == {0}
    assert float(one.ledger["usd"].sum()) == pytest.approx(float(theirs["usd"].sum()), rel=1e-12)


def test_model_variables_are_scalars_for_one_member_and_arrays_for_several() -> None:
    sc = load_scenario("baseline", ["scenario.end_month=2026-03"])
    one = EcosimModel(sc, record_ledger=False)
    assert one.date == "2026-01"
    one.run()
    assert one.date == "2026-03" and one.month == 2026 * 12 + 2
    cells = one.datacollector.model_vars["spacex_launches"]
    assert [type(c) for c in cells] == [float, float, float]
    np.testing.assert_array_equal(one.to_frame()["spacex_launches"].to_numpy(), one.series("spacex_launches")[:, 0])
    two = EcosimModel(sc, members=2, record_ledger=False).run()
    assert np.asarray(two.datacollector.model_vars["spacex_launches"][0]).shape == (2,)
    assert two.to_frame(member=None).index.names == ["date", "member"]
    # several members: every month is a row of the metric's (months, members) table, the whole
    # table what series() gives, the same numbers as the rows Mesa's lists hold
    rows = two.datacollector.model_vars["spacex_revenue_usd"]
    table = two.datacollector.table("spacex_revenue_usd")
    assert table is not None and table.shape == (3, 2)
    np.testing.assert_array_equal(two.series("spacex_revenue_usd"), np.stack(rows))
    np.testing.assert_array_equal(table, np.stack(rows))


def test_value_in_one_call_agrees_with_the_run_directory(baseline_run: RunResult, baseline_saved: SavedRun, baseline_dir: Path) -> None:
    """The run valued in memory (as Results, as RunResult) equals ``ecosim value`` of its directory, entity by entity."""
    ref = value_run(baseline_saved).entities_frame()["equity_value_usd"]
    for run in (baseline_run.results, baseline_run, str(baseline_dir)):
        got = value(run).entities_frame()["equity_value_usd"]
        pd.testing.assert_series_equal(got, ref, rtol=1e-9)
    gaps = value(baseline_run).gaps_frame()
    assert len(gaps) > 0
    np.testing.assert_allclose(gaps["gap_usd"], gaps["mark_usd"] - gaps["value_usd"])
    np.testing.assert_allclose(gaps["gap_share_of_mark"], gaps["gap_usd"] / gaps["mark_usd"])


def test_value_overrides_and_a_member_of_many(pair) -> None:
    """A higher WACC lowers a positive value; member k of a many-member run is valued as that member alone."""
    base = value(pair, member=1).entities_frame()
    alone = value(pair.member(1)).entities_frame()
    pd.testing.assert_series_equal(base["equity_value_usd"], alone["equity_value_usd"])
    higher = value(pair, member=1, wacc=float(base.loc["tesla", "wacc"]) + 0.02).entities_frame()
    assert higher.loc["tesla", "wacc"] == pytest.approx(base.loc["tesla", "wacc"] + 0.02)
    assert higher.loc["tesla", "enterprise_value_usd"] < base.loc["tesla", "enterprise_value_usd"]


def test_value_needs_the_ledger() -> None:
    bare = simulate(load_scenario("baseline", ["scenario.end_month=2026-02"]))
    with pytest.raises(UsageError, match="record_ledger=True"):
        value(bare)


@pytest.mark.slow
def test_the_python_api_page_runs_as_written() -> None:
    """Every example of docs/python-api.md gives the output the page shows (three baseline runs)."""
    failed, attempted = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert attempted > 20 and failed == 0
