"""Scenario files: extends, --set overrides, validation once at load, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosim.errors import ScenarioError
from ecosim.scenario import bundled_scenarios, load_scenario, parse_set
from ecosim.scenario.loader import all_schema_paths
from tests.conftest import SCENARIOS, write_toml

BUNDLED = ["baseline", "history", "musk_narrative", "skeptic", "china_pv", "kuiper_race", "regulatory_drag"]


def test_every_named_scenario_is_bundled() -> None:
    """The issue's seven scenarios are bundled and load."""
    assert set(BUNDLED) <= set(bundled_scenarios())
    for name in BUNDLED:
        assert load_scenario(name).name == name


def test_extends_merges_tables_and_replaces_values() -> None:
    """A child keeps its parent's fields and overrides only what it sets."""
    base = load_scenario("baseline").model
    bull = load_scenario("musk_narrative").model
    assert bull.launch.starship.turnaround_days_floor == 1.0
    assert base.launch.starship.turnaround_days_floor == 3.0
    assert bull.launch.falcon == base.launch.falcon
    assert bull.scenario.start_month == "2026-01" and bull.scenario.initial_state_from == "history"


def test_set_override_applies_toml_values_and_bare_words() -> None:
    """--set takes TOML values; a bare word is a string."""
    sc = load_scenario("baseline", ["launch.falcon.payload_t=19.5", "terrestrial_dc.energy_source=grid", 'exchange.disable=["tesla_fleet->xai:data"]'])
    assert sc.model.launch.falcon.payload_t == 19.5
    assert sc.model.terrestrial_dc.energy_source == "grid"
    assert sc.model.exchange.disable == ["tesla_fleet->xai:data"]
    assert parse_set("a.b=1e3") == ("a.b", 1000.0)


def test_resolved_toml_round_trips(tmp_path: Path) -> None:
    """The resolved scenario written next to a run loads back to the same scenario."""
    sc = load_scenario("musk_narrative", ["orbital_dc.nre_usd=1e9"])
    path = write_toml(tmp_path, "resolved.toml", sc.to_toml())
    again = load_scenario(path)
    assert again.model == sc.model


def _child(tmp_path: Path, body: str, name: str = "bad.toml") -> Path:
    return write_toml(tmp_path, name, f'extends = "{SCENARIOS / "baseline.toml"}"\n{body}')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[launch.falcon]\npayload_t = -5", r"bad\.toml: launch\.falcon\.payload_t must be > 0\.0 \(got -5\)"),
        ("[launch.falcon]\npayload_t = \"heavy\"", r"bad\.toml: launch\.falcon\.payload_t must be a number \(got 'heavy' \(str\)\)"),
        ("[launch.falcon]\npaylod_t = 20", r"bad\.toml: launch\.falcon\.paylod_t is not a known field \(did you mean launch\.falcon\.payload_t\?\)"),
        ("[orbital_dc]\nsunlight_fraction = 1.2", r"orbital_dc\.sunlight_fraction must be <= 1\.0 \(got 1\.2\)"),
        ("[orbital_dc]\nsunlight_fraction = 0", r"orbital_dc\.sunlight_fraction must be > 0\.0 \(got 0\)"),
        ("[orbital_dc]\nlifetime_yr = 0", r"orbital_dc\.lifetime_yr must be > 0\.0 \(got 0\)"),
        ("[terrestrial_dc]\nelectricity_usd_per_mwh = -1", r"terrestrial_dc\.electricity_usd_per_mwh must be >= 0\.0 \(got -1\)"),
        ("[terrestrial_dc]\nenergy_source = \"coal\"", r"terrestrial_dc\.energy_source must be one of 'grid' or 'onsite_gas' \(got 'coal' \(str\)\)"),
        ("[scenario]\nend_month = \"2025-01\"", r"scenario\.end_month must not be before start_month '2026-01' \(got '2025-01'\)"),
        ("[scenario]\nstart_month = \"2026-13\"", r"scenario\.start_month must be a month 'YYYY-MM' \(got '2026-13'\)"),
        ("[kuiper]\nmilestones = [{ month = \"2026-07\" }]", r"kuiper\.milestones\[0\]\.satellites is required"),
    ],
)
def test_bad_values_get_one_line_errors(tmp_path: Path, body: str, message: str) -> None:
    """Each bad value names file, field path, expectation and what was found, on one line."""
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(_child(tmp_path, body))
    assert "\n" not in str(info.value)


def test_missing_file_names_the_bundled_alternatives() -> None:
    """A missing scenario file says so and lists the bundled names."""
    with pytest.raises(ScenarioError, match=r"nope\.toml: no such scenario file \(bundled scenarios: baseline, .*skeptic\)"):
        load_scenario("nope.toml")


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    """TOML syntax errors name the file and the position."""
    path = write_toml(tmp_path, "broken.toml", "[scenario\nname = 1\n")
    with pytest.raises(ScenarioError, match=r"broken\.toml: TOML syntax error: .*line 1"):
        load_scenario(path)


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    """a extends b extends a: the cycle is named."""
    write_toml(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write_toml(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match=r"a\.toml: extends must not form a cycle \(got a\.toml -> b\.toml -> a\.toml\)"):
        load_scenario(tmp_path / "a.toml")


def test_set_on_unknown_field_suggests_the_right_one() -> None:
    """--set on a field that does not exist is refused with a suggestion."""
    with pytest.raises(ScenarioError, match=r"--set launch\.falcon\.payload: no such field in the scenario schema \(did you mean launch\.falcon\.payload_t\?\)"):
        load_scenario("baseline", ["launch.falcon.payload=3"])


def test_set_with_bad_value_names_the_option() -> None:
    """A --set value that fails validation names the option, not the file."""
    with pytest.raises(ScenarioError, match=r"^--set orbital_dc\.lifetime_yr=0: orbital_dc\.lifetime_yr must be > 0\.0 \(got 0\)$"):
        load_scenario("baseline", ["orbital_dc.lifetime_yr=0"])


def test_set_without_equals_is_refused() -> None:
    with pytest.raises(ScenarioError, match=r"--set launch\.falcon\.payload_t: expected path\.to\.field=value \(got no '='\)"):
        load_scenario("baseline", ["launch.falcon.payload_t"])


def test_schema_fields_carry_units_in_their_names() -> None:
    """Numeric leaf fields end in a unit suffix or a dimensionless marker (nomenclature)."""
    from ecosim.scenario.params import field_info

    suffixes = (
        "_t", "_kg", "_usd", "_w", "_gw", "_mw", "_tb", "_pb", "_k", "_yr", "_month", "_months", "_days", "_day", "_frac",
        "_pct", "_ratio", "_index", "_count", "_gbps", "_mbps", "_tbps", "_per_yr", "_per_month", "_kwh", "_mwh", "_mmbtu",
        "_m2", "_h100e", "_flop", "_tokens", "_hour", "_mile", "_miles", "_flights", "_satellites", "_subscribers",
        "_robots", "_vehicles", "_eflops", "_initial", "_max", "_floor", "_per_w", "_per_kg", "_prob", "_per_vehicle",
        "_per_robot", "_per_subscriber", "_per_operator", "_of_price", "_of_revenue", "_half", "_mature", "_operations", "_shape",
        "_prob_test", "_prob_operational", "_kw", "_per_launch",
    )
    exempt = {"seed", "name", "description", "kind", "company", "initial_state_from", "energy_source", "cost_convention", "milestone_rule", "disable",
              "needs_starship", "orbital_first", "radiator_sides", "emissivity", "pue", "param_coeff", "data_coeff",
              "param_exponent", "data_exponent", "price_elasticity", "fsd_capability_elasticity", "fsd_learning_exponent",
              "capability_elasticity", "share_exponent", "oversupply_price_elasticity", "price_scarcity_elasticity", "launch_price_elasticity", "launch_choice_price_exponent",
              "beta_unlevered", "year", "vehicles", "satellites", "usd", "month", "cash_initial_usd", "suppliers",
              "versions", "generations", "sectors", "factories", "fleet_cohorts_initial", "milestones", "raises", "capability_steepness",
              "approval_steepness", "sunlight_fraction", "capacity_factor", "tokens_per_param_optimal", "scarcity_elasticity", "rd_staff_scale_exponent"}
    missing = []
    for path in all_schema_paths():
        leaf = path.split(".")[-1]
        info = field_info(path)
        if leaf in exempt or info.annotation in (str, bool):
            continue
        if not leaf.endswith(suffixes):
            missing.append(path)
    assert missing == []
