"""Agent rules checked in isolation: launch capacity, deorbit, FCC milestones, grid queue, scrappage."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from ecosim.agents.base import DAYS_PER_MONTH
from ecosim.model import EcosimModel
from ecosim.scenario import load_scenario
from ecosim.timeline import parse_month


def test_falcon_capacity_is_the_tighter_of_boosters_pads_and_upper_stages() -> None:
    """capacity = min(boosters x days/turnaround, pads x days/pad turnaround, upper stages a month)
    at the start (history)."""
    model = EcosimModel(load_scenario("history"))
    fleet = model.agent("spacex_launch")
    p = model.params.launch.falcon
    model.step()
    by_boosters = p.boosters_initial * DAYS_PER_MONTH / p.turnaround_days_initial
    by_pads = p.pads_initial * DAYS_PER_MONTH / p.pad_turnaround_days_initial
    assert_allclose(fleet.falcon.capacity, math.floor(min(by_boosters, by_pads, p.upper_stages_per_month_initial)))


def test_satellites_deorbit_at_end_of_life() -> None:
    """With a 1-year life, no satellite older than 12 months is in orbit."""
    model = EcosimModel(load_scenario("history", ["starlink.lifetime_yr=1", "scenario.end_month=2021-12"]), record_ledger=False)
    model.run()
    sats = model.agent("starlink").s.sats[0, :, :]
    t = model.month
    ages = (t - np.arange(sats.shape[1])) % sats.shape[1]
    assert sats[:, ages >= 12].sum() == 0.0
    assert sats.sum() > 0


@pytest.mark.slow
def test_kuiper_milestone_reduce_rule_cuts_the_licence() -> None:
    """Under "reduce", a missed July-2026 milestone (1,616) cuts the authorization to what is in orbit."""
    strict = EcosimModel(load_scenario("baseline", ["kuiper.milestone_rule=reduce", "scenario.end_month=2027-12"]), record_ledger=False).run()
    lenient = EcosimModel(load_scenario("baseline", ["scenario.end_month=2027-12"]), record_ledger=False).run()
    july = strict.dates().index("2026-07")
    in_orbit = strict.series("kuiper_satellites")[july, 0]
    assert in_orbit < 1616
    assert_allclose(strict.series("kuiper_authorized")[-1, 0], in_orbit)
    assert lenient.series("kuiper_authorized")[-1, 0] == 3232


def test_grid_delay_is_base_plus_queue() -> None:
    """delay = base_delay + (background + modelled requests) / throughput: 24 GW more queued
    adds 24 GW / throughput to the wait."""
    model = EcosimModel(load_scenario("baseline"), record_ledger=False)
    grid = model.agent("grid_us")
    before = grid.delay_yr.copy()
    grid.s.backlog_openai_dc = grid.s.backlog_openai_dc + 24000.0  # 24 GW queued
    assert_allclose(grid.delay_yr, model.params.grid_us.base_delay_yr + grid.queue_gw / grid.s.throughput_gw_per_yr)
    assert_allclose(grid.delay_yr - before, 24.0 / grid.s.throughput_gw_per_yr)


def test_weibull_scrappage_follows_the_survival_curve() -> None:
    """A 1,000-vehicle 2008 cohort (built mid-year) runs from 2020-01 to 2025-06: its survivors are
    1,000 x S(17.04)/S(11.54) with S(a) = exp(-(a/lambda)^3.5), lambda = 17/ln(2)^(1/3.5) (median 17 yr)."""
    model = EcosimModel(load_scenario("history", ["scenario.end_month=2025-06"]), record_ledger=False)
    fleet = model.agent("tesla_fleet")
    fleet.s.cohorts[:] = 0.0
    fleet.s.cohorts[:, 0] = 1000.0  # index 0 = build year 2008
    model.run()
    lam = 17.0 / math.log(2.0) ** (1 / 3.5)

    def survival(age: float) -> float:
        return math.exp(-((age / lam) ** 3.5))

    first_age = (parse_month("2020-01") + 0.5) / 12 - 2008.5
    last_age = (parse_month("2025-06") + 0.5) / 12 - 2008.5 + 1 / 12
    assert_allclose(fleet.s.cohorts[0, 0], 1000.0 * survival(last_age) / survival(first_age), rtol=1e-9)
    assert_allclose(survival(17.0), 0.5, rtol=1e-12)
