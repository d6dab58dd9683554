"""Levers and links the page offers, and the settings they become."""

from __future__ import annotations

import pytest

from ecosim.errors import ScenarioError
from ecosim.exchange.topology import SIGNAL_UNITS
from ecosim.model import EcosimModel
from ecosim.scenario import bundled_scenarios
from ecosim.viz.levers import (
    MAIN_LEVERS,
    SLIDER_STEPS,
    Lever,
    Settings,
    base_scenario,
    cuttable_links,
    lever_schema_fields,
    main_levers,
    round_sig,
    scenario_levers,
)

OPS = {"gt": lambda v, b: v > b, "ge": lambda v, b: v >= b, "lt": lambda v, b: v < b, "le": lambda v, b: v <= b}


def test_every_lever_range_lies_inside_its_field_bounds() -> None:
    """A slider can only offer values the schema accepts: lo < hi, both within gt/ge/lt/le."""
    fields = lever_schema_fields()
    assert len(fields) >= 30
    for path, (lo, hi), bounds in fields:
        assert lo < hi, path
        for key, bound in bounds.items():
            assert OPS[key](lo, bound) and OPS[key](hi, bound), (path, key, bound, lo, hi)


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_bundled_scenario_offers_the_main_levers(name: str) -> None:
    """Each main lever of the issue's list is a slider in every bundled scenario, with unit and doc."""
    levers = scenario_levers(base_scenario(name).model)
    main = main_levers(levers)
    assert len(main) == len(MAIN_LEVERS)
    for lever in levers:
        assert lever.unit and lever.doc, lever.path
        assert lever.lo <= (lever.value if lever.value is not None else lever.lo) <= lever.hi
    # list items give one slider each; [-1] picks the last Starship version
    versions = base_scenario(name).model.launch.starship.versions
    payload = next(lv for lv in main if ".versions[" in lv.path)
    assert payload.path == f"launch.starship.versions[{len(versions) - 1}].payload_t"
    assert payload.section == f"Starship {versions[-1].name}"


def test_slider_positions_map_to_values_on_linear_and_log_scales() -> None:
    """Linear ranges split evenly; ranges of 100x or more move by equal ratios; values keep 3 digits."""
    linear = Lever("a", "s", "d", "u", 0.6, 1.0, 0.8)
    log = Lever("b", "s", "d", "u", 1e3, 1e6, 3232.0)
    assert not linear.log and log.log
    assert linear.from_position(SLIDER_STEPS / 2) == pytest.approx(0.8)
    assert log.from_position(SLIDER_STEPS / 3) == pytest.approx(1e4)
    assert log.to_position(1e4) == round(SLIDER_STEPS / 3)
    for lever in (linear, log):
        for pos in range(0, SLIDER_STEPS + 1, 7):
            assert lever.to_position(lever.from_position(pos)) == pytest.approx(pos, abs=1)
    assert round_sig(3232.0) == 3230.0


def test_settings_become_set_overrides_applied_to_the_scenario() -> None:
    """Moved levers and cut links load as `--set` would: the values land in the validated scenario."""
    s = Settings.of("baseline")
    levers = {lv.path: lv for lv in scenario_levers(s.base().model)}
    s = s.with_lever(levers["launch.starship.cost_progress_ratio"], 0.7)
    s = s.with_lever(levers["orbital_dc.specific_power_w_per_kg"], 55.0)
    s = s.with_link("tesla_fleet->xai:data", False)
    assert s.overrides() == [
        "launch.starship.cost_progress_ratio=0.7",
        "orbital_dc.specific_power_w_per_kg=55.0",
        'exchange.disable=["tesla_fleet->xai:data"]',
    ]
    m = s.load().model
    assert m.launch.starship.cost_progress_ratio == 0.7
    assert m.orbital_dc.specific_power_w_per_kg == 55.0
    assert m.exchange.disable == ["tesla_fleet->xai:data"]
    assert any("0.8 → 0.7" in line for line in s.describe())
    assert "cut tesla_fleet->xai:data" in s.describe()


def test_a_lever_moved_back_or_a_link_restored_is_no_longer_an_override() -> None:
    """Back at the scenario's value (or 'auto'), a lever leaves the overrides; so does a re-ticked link."""
    s = Settings.of("baseline")
    levers = {lv.path: lv for lv in scenario_levers(s.base().model)}
    lever = levers["pv.export_policy_frac"]
    assert s.with_lever(lever, 0.2).with_lever(lever, lever.value).overrides() == []
    sp = levers["orbital_dc.specific_power_w_per_kg"]
    assert s.with_lever(sp, 40.0).with_lever(sp, None).overrides() == []
    assert s.with_link("starlink->xai:data", False).with_link("starlink->xai:data", True) == s
    assert s.load() is s.base()


def test_a_value_the_scenario_rejects_raises_its_one_line_error() -> None:
    """Settings are validated like `ecosim run --set`: a value out of bounds names option, field and value."""
    s = Settings.of("baseline")
    lever = next(lv for lv in scenario_levers(s.base().model) if lv.path == "launch.starship.cost_progress_ratio")
    with pytest.raises(ScenarioError, match=r"^--set launch\.starship\.cost_progress_ratio=1\.5: launch\.starship\.cost_progress_ratio must be <= 1\b.*\(got 1\.5\)$"):
        s.with_lever(lever, 1.5).load()


def test_links_are_the_goods_and_signal_edges_of_the_network() -> None:
    """Every non-money edge can be cut, once; money edges are not offered."""
    model = EcosimModel(base_scenario("baseline"), record_ledger=False)
    links = cuttable_links(model.network)
    edges = [(s, b, c) for s, b, c in model.network.edges(keys=True) if c != "money"]
    assert len(links) == len(edges) == len({lk.id for lk in links})
    assert {lk.commodity for lk in links} >= {"launch_mass", "data", "compute", "capability"}
    assert all(lk.signal == (lk.commodity in SIGNAL_UNITS) for lk in links)


@pytest.mark.slow
def test_each_main_lever_moves_the_world() -> None:
    """No dead slider up front: each main lever at one end of its range changes some metric by 2028."""
    s = Settings.of("baseline")
    short = ['scenario.end_month="2028-12"']
    ref = EcosimModel(s.load().with_overrides(short), record_ledger=False).run().timeseries()
    numeric = [c for c in ref.columns if c != "date"]
    for lever in main_levers(scenario_levers(s.base().model)):
        changed = 0.0
        for end in (lever.lo, lever.hi):
            ts = EcosimModel(s.with_lever(lever, end).load().with_overrides(short), record_ledger=False).run().timeseries()
            changed = max(changed, float((ts[numeric] - ref[numeric]).abs().to_numpy().max()))
            if changed > 0:
                break
        assert changed > 0, f"{lever.path}: neither {lever.lo} nor {lever.hi} changed anything"
