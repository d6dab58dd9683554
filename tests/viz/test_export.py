"""What the page lets a reader take away: the command line, the scenario file, the watched months,
the link, and scenario files loaded in the page."""

from __future__ import annotations

import io
import shlex
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ecosim.errors import ScenarioError, UsageError
from ecosim.scenario import load_scenario
from ecosim.simulate import simulate
from ecosim.viz.charts import month_dates
from ecosim.viz.export import (
    Uploads,
    command_line,
    from_query,
    scenario_toml,
    table_bytes,
    to_query,
    watched_table,
)
from ecosim.viz.levers import Settings, scenario_levers
from ecosim.viz.live import AS_LOADED, METRIC_NAMES, LiveModel


@pytest.fixture(scope="module")
def settings() -> Settings:
    s = Settings.of("baseline")
    lever = next(lv for lv in scenario_levers(s.base().model) if lv.path == "launch.starship.cost_progress_ratio")
    return replace(s.with_lever(lever, 0.74).with_link("tesla_fleet->xai:data", False), reference=AS_LOADED)


def test_the_command_line_builds_the_same_scenario(settings: Settings) -> None:
    """`ecosim run NAME --seed N --set ...` as the page prints it loads exactly the scenario the page runs."""
    words = shlex.split(command_line(settings, seed=7))
    assert words[:5] == ["ecosim", "run", "baseline", "--seed", "7"]
    sets = [words[i + 1] for i, w in enumerate(words) if w == "--set"]
    assert sets == ["launch.starship.cost_progress_ratio=0.74", 'exchange.disable=["tesla_fleet->xai:data"]']
    assert load_scenario(words[2], sets).data == settings.load().data
    assert command_line(Settings.of("baseline"), seed=42) == "ecosim run baseline"  # 42 is the scenario's own seed


def test_the_scenario_file_loads_back_to_the_same_scenario(settings: Settings, tmp_path: Path) -> None:
    """The downloaded TOML is the resolved scenario with the page's changes: loading it gives the same data."""
    path = tmp_path / "page.toml"
    path.write_text(scenario_toml(settings), encoding="utf-8")
    assert load_scenario(path).data == settings.load().data


def test_the_watched_months_are_the_runs_timeseries(settings: Settings) -> None:
    """The months watched (CSV and Parquet) are `ecosim run`'s timeseries.parquet rows for those months, column for column."""
    model = LiveModel(replace(settings, reference=""), seed="7")  # no ghost run: the months watched are the model's own
    for _ in range(24):
        model.step()
    table = watched_table(month_dates(model.start_month, 24), model.values, METRIC_NAMES)
    run = simulate(settings.load(), seed=7, until=24).timeseries()  # the first 24 months, as a whole run has them
    assert_frame_equal(table, run[table.columns], check_dtype=False)
    assert list(table.columns) == ["date", *METRIC_NAMES]
    assert_frame_equal(pd.read_csv(io.BytesIO(table_bytes(table, "csv"))), table, check_exact=False, rtol=1e-12)
    assert_frame_equal(pd.read_parquet(io.BytesIO(table_bytes(table, "parquet"))), table)


def test_a_link_round_trips_the_state(settings: Settings) -> None:
    """to_query then from_query gives back the scenario, moved levers, cut and restored links, reference run, seed and month."""
    restored = settings.with_link("capital_market->spacex_launch:money", True)
    query = to_query(restored, seed=3, month=40)
    state = from_query(query, "baseline")
    assert (state.settings, state.seed, state.month, state.notes) == (restored, 3, 40, ())
    assert "cut=tesla_fleet-%3Exai%3Adata" in query and "ref=%40scenario" in query


def test_a_link_that_cannot_be_honoured_says_why() -> None:
    """An unknown lever, a refused value or a file the server did not open is left out, with a note naming it."""
    state = from_query("scenario=/etc/passwd&set=nope%3D1&seed=x", "baseline")
    assert state.settings == Settings.of("baseline")
    assert state.notes == (
        "link: scenario '/etc/passwd' is not a bundled scenario or a file loaded on this server: baseline is shown",
        "link: set 'nope=1' is not a lever of baseline with a number",
        "link: seed 'x' is not a whole number >= 0",
    )
    refused = from_query("scenario=baseline&set=launch.starship.cost_progress_ratio%3D7", "baseline")
    assert refused.settings.levers == () and "cost_progress_ratio" in refused.notes[0]


def test_a_loaded_scenario_file_is_kept_checked_and_named(tmp_path: Path) -> None:
    """A file loaded in the page is checked as `ecosim run FILE` checks it, kept under its name, and linkable while the server runs."""
    uploads = Uploads(tmp_path)
    text = 'extends = "baseline"\n[scenario]\nname = "mine"\ndescription = "a test"\n'
    path = uploads.store("mine.toml", text.encode())
    assert Path(path).name == "mine.toml" and load_scenario(path).name == "mine"
    key = uploads.key(path)
    assert key is not None and key.startswith("upload:") and uploads.path(key) == path
    assert uploads.path("upload:../../etc/passwd") is None
    with pytest.raises(UsageError, match=r"notes.txt: a scenario file is TOML and ends in \.toml"):
        uploads.store("notes.txt", b"x")
    with pytest.raises(ScenarioError, match=r"bad.toml.*launch.starship.cost_progress_ratio"):
        uploads.store("bad.toml", b'extends = "baseline"\n[launch.starship]\ncost_progress_ratio = 7\n')
    assert not list(tmp_path.glob("*/bad.toml"))  # a refused file is not kept
