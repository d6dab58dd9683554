"""Experiment files: validated once, every mistake a one-line error naming file and field."""

from __future__ import annotations

import re

import pytest

from ecosim.cli import main
from ecosim.errors import ExperimentError
from ecosim.experiments import load_experiment
from ecosim.experiments.samplers import build_design, design_size
from ecosim.simulate import field_value
from tests.experiments.helpers import TINY

BAD = [
    # (replace in TINY, message the error must contain)
    ({'"launch.starship.cost_per_flight_usd_floor"]': '"launch.starship.cost_per_flight_usd_flor"]'},
     r"uncertainties\.launch\.starship\.cost_per_flight_usd_flor is not a field of the scenario schema \(did you mean launch\.starship\.cost_per_flight_usd_floor\?\)"),
    ({"low = 2.0\nhigh = 4.0": "low = 4.0\nhigh = 2.0"}, r"uncertainties\.capital_market\.terminal_growth_pct\.high must be > low 4 \(got 2\)"),
    ({"low = 2.0\nhigh = 4.0": "low = 2.0\nhigh = 12.0"},
     r"uncertainties\.capital_market\.terminal_growth_pct must draw values <= 10, the field's bound \(highest possible draw 12"),
    ({'distribution = "uniform"\nlow = 2.0\nhigh = 4.0': 'distribution = "normal"\nmean = 3.0\nsd = 1.0'},
     r"uncertainties\.capital_market\.terminal_growth_pct must draw values >= -5, the field's bound \(lowest possible draw -inf; truncate with low\)"),
    ({'distribution = "uniform"\nlow = 2.0\nhigh = 4.0': 'distribution = "uniform"\nlow = 2.0\nhigh = 4.0\nmode = 3.0'},
     r"uncertainties\.capital_market\.terminal_growth_pct\.mode is not a parameter of a uniform distribution \(its parameters: high, low\) \(got mode = 3\.0\)$"),
    ({'high = 4.0\nsource = "assumption"': "high = 4.0"}, r"uncertainties\.capital_market\.terminal_growth_pct\.source is required"),
    ({'sampler = "lhs"': 'sampler = "sobol"'}, r"experiment\.size must be a power of 2 for the sobol sampler, e\.g\. 4 \(got 3\)"),
    ({'sampler = "lhs"': 'sampler = "latin"'}, r"experiment\.sampler must be one of 'grid', 'monte_carlo', 'lhs', 'sobol' or 'morris' \(got 'latin'"),
    ({"size = 3": "size = 3.5"}, r"experiment\.size must be an integer \(got 3\.5"),
    ({'metric = "launch_cost_usd_per_kg"': 'metric = "launch_cost_per_kg"'},
     r"outcomes\.launch_cost\.metric must name a metric \(did you mean launch_cost_usd_per_kg\?\) \(got 'launch_cost_per_kg'\)"),
    ({'stat = "fundamental_value"\nyear = 2026': 'stat = "fundamental_value"\nyear = 2027'},
     r"outcomes\.spacex_value_2026_usd\.year must be a full year of the run \(2026-2026\) for stat fundamental_value \(got 2027\)"),
    ({'"scenario.end_month" = "2026-12"': '"scenario.end_month" = "2026-13"'},
     r"constants\.scenario\.end_month must be a month 'YYYY-MM' \(got '2026-13'\)"),
    ({"values = [0.5, 1.0]": "values = [0.5, 3.0]"}, r"levers\.xai\.compute_budget_frac must be <= 2 \(got 3\)"),
    ({"[levers.\"xai.compute_budget_frac\"]": "[levers.\"terrestrial_dc.energy_source\"]", "values = [0.5, 1.0]": 'values = ["grid", "coal"]'},
     r"levers\.terrestrial_dc\.energy_source must be one of 'grid' or 'onsite_gas' \(got 'coal'"),
    ({"[uncertainties.\"capital_market.terminal_growth_pct\"]": "[uncertainties.\"terrestrial_dc.energy_source\"]"},
     r"uncertainties\.terrestrial_dc\.energy_source must be a numeric field \(a text or yes/no choice varies as a lever\)"),
    ({"seed = 11": "seed = 11\nworkers = 2"}, r"experiment\.workers is not a known field"),
    ({"chunk_size = 4": "chunk_size = 4\n[experiment"}, r"TOML syntax error"),
    ({'direction = "info"': 'direction = "up"'}, r"outcomes\.launch_cost\.direction must be one of 'maximize', 'minimize' or 'info' \(got 'up'"),
]


@pytest.mark.parametrize(("replace", "message"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_file_one_line_error_naming_field(write_experiment, replace, message) -> None:  # type: ignore[no-untyped-def]
    """A mistake in an experiment file raises one line: file, field path, expectation, value."""
    path = write_experiment(replace=replace)
    with pytest.raises(ExperimentError, match=message) as info:
        load_experiment(path)
    text = str(info.value)
    assert text.startswith(str(path)) and "\n" not in text


def test_a_lease_term_varies_member_by_member(write_experiment) -> None:  # type: ignore[no-untyped-def]
    """An uncertainty on a lease term (each member's contract ring read at its own term's
    offset) loads with the file's chunks of four runs, and its chunks may share one model (the
    agents read every field member by member: tests/agents/test_member_values.py)."""
    from ecosim.experiments.chunk import groupable
    from ecosim.experiments.experiment import _tasks

    spec = load_experiment(write_experiment(replace={"[uncertainties.\"capital_market.terminal_growth_pct\"]": "[uncertainties.\"cloud.lease_term_yr\"]",
                                                      "low = 2.0\nhigh = 4.0": "low = 3.0\nhigh = 7.0"}))
    assert "cloud.lease_term_yr" in [i.path for i in spec.uncertainties]
    design = build_design(spec)
    assert [c.runs for c in design.chunks] == [4, 4, 4]
    tasks = list(_tasks(spec, design, design.chunks))
    assert groupable(tasks[0], tasks[1])


def test_bad_file_cli_exit_2(write_experiment, capsys) -> None:  # type: ignore[no-untyped-def]
    """`ecosim experiment run` on a bad file exits 2 with the one-line error and no traceback."""
    path = write_experiment(replace={"values = [0.5, 1.0]": "values = [0.5, 3.0]"})
    assert main(["experiment", "run", str(path), "--out", str(path.parent / "out")]) == 2
    err = capsys.readouterr().err
    assert re.search(r"error: .*exp\.toml: levers\.xai\.compute_budget_frac must be <= 2 \(got 3\)", err)
    assert "Traceback" not in err
    assert not (path.parent / "out").exists()


def test_discovery_must_name_a_scalar_outcome(write_experiment) -> None:
    """A discovery condition on a series or unknown outcome is refused."""
    path = write_experiment(TINY + '\n[[discovery]]\nname = "d"\nlabel = "x"\noutcome = "launch_cost"\nop = ">="\nvalue = 1.0\n')
    with pytest.raises(ExperimentError, match=r"discovery\[0\]\.outcome must name a scalar outcome \(spacex_fcf_2026_usd, spacex_value_2026_usd\) \(got 'launch_cost'\)"):
        load_experiment(path)


def test_nested_tables_equal_quoted_paths(write_experiment) -> None:
    """`[uncertainties.a.b.c]` (nested tables) means the same as `[uncertainties."a.b.c"]`."""
    quoted = load_experiment(write_experiment())
    nested = load_experiment(write_experiment(name="nested.toml", replace={'[uncertainties."capital_market.terminal_growth_pct"]': "[uncertainties.capital_market.terminal_growth_pct]"}))
    assert [i.path for i in nested.inputs] == [i.path for i in quoted.inputs]
    assert nested.spec_hash() == quoted.spec_hash()


def test_columns_and_stats_resolved(write_experiment) -> None:
    """Inputs get short unique column names; a flow metric sums over its year by default."""
    spec = load_experiment(write_experiment())
    assert [i.column for i in spec.inputs] == ["starship_cost_per_flight_usd_floor", "capital_market_terminal_growth_pct", "xai_compute_budget_frac"]
    o = {o.name: o for o in spec.outcomes}
    assert (o["spacex_fcf_2026_usd"].stat, o["spacex_fcf_2026_usd"].unit) == ("sum", "USD/yr")
    assert (o["spacex_value_2026_usd"].unit, o["launch_cost"].scalar) == ("USD", False)


def test_list_item_uncertainty(write_experiment) -> None:
    """A list item (Starship V3's payload) varies like any field, with a column named after its tail."""
    from ecosim.experiments.samplers import build_design

    spec = load_experiment(write_experiment(replace={'[uncertainties."capital_market.terminal_growth_pct"]': '[uncertainties."launch.starship.versions[1].payload_t"]', "low = 2.0\nhigh = 4.0": "low = 80.0\nhigh = 150.0"}))
    assert spec.inputs[1].column == "versions_1_payload_t"
    assert build_design(spec).frame["versions_1_payload_t"].between(80, 150).all()
    bad = write_experiment(name="bad.toml", replace={'[uncertainties."capital_market.terminal_growth_pct"]': '[uncertainties."launch.starship.versions[7].payload_t"]', "low = 2.0\nhigh = 4.0": "low = 80.0\nhigh = 150.0"})
    with pytest.raises(ExperimentError, match=r"uncertainties\.launch\.starship\.versions\[7\]\.payload_t names item \[7\], past the end of the base scenario's list"):
        load_experiment(bad)


def test_count_printed_up_front(write_experiment) -> None:
    """The run count reads like '2 lever settings × 3 ... draws × 2 seeds = 12 runs'."""
    spec = load_experiment(write_experiment())
    design = build_design(spec)
    assert design.count_text == "2 lever settings × 3 Latin-hypercube draws of 2 uncertainties × 2 seeds = 12 runs"
    assert design_size(spec) == (2, 3, 12)


def test_spec_hash_ignores_descriptions_but_not_ranges(write_experiment) -> None:
    """Editing a description keeps the store resumable; editing a range does not."""
    a = load_experiment(write_experiment()).spec_hash()
    b = load_experiment(write_experiment(name="b.toml", replace={"tiny test experiment": "another description"})).spec_hash()
    c = load_experiment(write_experiment(name="c.toml", replace={"high = 25e6": "high = 26e6"})).spec_hash()
    assert a == b != c


@pytest.mark.parametrize("name", ["launch_hardware_sweep", "monte_carlo_baseline", "sobol_valuation", "discovery_valuation"])
def test_bundled_experiments_load(name: str) -> None:
    """Every bundled experiment validates and cites a source for each varied input."""
    spec = load_experiment(name)
    assert spec.inputs and all(len(i.source) > 8 for i in spec.inputs)
    assert design_size(spec)[2] >= 25


@pytest.mark.parametrize("name", ["monte_carlo_baseline", "sobol_valuation", "discovery_valuation"])
def test_valuation_experiments_sample_the_normalisation_window(name: str) -> None:
    """Each bundled experiment that values the runs samples the terminal value's normalisation
    window, 3-8 years around the scenario's 5, its range stated as an assumption; every draw
    lies in it."""
    spec = load_experiment(name)
    [window] = [i for i in spec.inputs if i.path == "capital_market.terminal_normalise_yr"]
    assert window.dist is not None and (window.dist.low, window.dist.high) == (3.0, 8.0) and "assumption" in window.source
    column = build_design(spec).frame[window.column]
    assert column.between(3.0, 8.0).all() and column.min() < 3.5 and column.max() > 7.5


@pytest.mark.parametrize("name", ["monte_carlo_baseline", "sobol_valuation", "discovery_valuation"])
def test_every_sampled_range_holds_the_scenarios_own_value(name: str) -> None:
    """An uncertainty's range holds the value its base scenario runs with (the point run), so the
    experiment samples around the world the README's point figures come from: a range left behind
    by a refit biases every statistic of the experiment (monte_carlo_baseline drew Starlink's ARPU
    change from -8 to -2 %/yr after history.toml's was fitted to -1: its median SpaceX+xAI value
    was $162.1B against the point run's $201.3B, and $238.1B with the range around -1)."""
    spec = load_experiment(name)
    base = spec.base
    outside = [(i.path, i.dist.low, i.dist.high, field_value(base, i.path)) for i in spec.inputs
               if i.dist is not None and i.dist.low is not None and not i.dist.low <= field_value(base, i.path) <= i.dist.high]
    assert outside == []
