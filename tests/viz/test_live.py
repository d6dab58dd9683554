"""The model the page steps: same world as EcosimModel, consistent frames, honest values."""

from __future__ import annotations

import mesa
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from ecosim.finance.series_value import COMPANIES, equity_values_by_year
from ecosim.finance.valuation import assumptions_for
from ecosim.metrics import METRICS
from ecosim.model import EcosimModel
from ecosim.viz.levers import Settings, base_scenario
from ecosim.viz.live import (
    METRIC_NAMES,
    LiveModel,
    foresight_valuation,
    parse_seed,
    release,
    run_rate_value,
)


@pytest.fixture(scope="module")
def finished() -> LiveModel:
    model = LiveModel(Settings.of("baseline"))
    while model.running:
        model.step()
    return model


@pytest.mark.slow
def test_the_live_model_is_the_same_world_as_a_run(finished: LiveModel) -> None:
    """Stepping in the page gives bit-identical metrics to EcosimModel with the same scenario and seed."""
    ref = EcosimModel(base_scenario("baseline"), record_ledger=False).run()
    assert finished.steps == ref.n_steps == 180
    for name in ("spacex_launches", "odc_compute_eflops", "spacex_fcf_usd", "spacex_mark_usd"):
        assert_array_equal(finished.values[:, METRIC_NAMES.index(name)], ref.series(name)[:, 0])


@pytest.mark.slow
def test_frames_publish_the_month_and_its_flows(finished: LiveModel) -> None:
    """A frame names the month just simulated and holds that month's cleared flows; history stops at it."""
    frame = finished.frame
    assert (frame.steps, frame.date) == (180, "2040-12")
    sellers, buyers, x = frame.flows["data"]
    # every lab has a data edge (4 sellers x 4 labs); under xAI's contract every PB goes to xAI
    assert sorted(buyers) == ["anthropic", "google", "openai", "xai"] and x.shape == (len(sellers), len(buyers))
    assert x.sum() > 0 and np.all(np.delete(x, buyers.index("xai"), axis=1) == 0)
    assert_allclose(x.sum(), finished.values[-1, METRIC_NAMES.index("data_collected_pb")], rtol=1e-12)
    xs, (launches,) = finished.history(frame, "spacex_launches")
    assert len(xs) == len(launches) == 180
    assert_allclose(xs[[0, -1]], [2026 + 0.5 / 12, 2040 + 11.5 / 12])
    assert finished.x_range == (2026.0, 2041.0)


@pytest.mark.slow
def test_the_run_stops_at_its_last_month() -> None:
    """After the last month the model is not running and a further step changes nothing."""
    model = LiveModel(Settings.of("history"))
    while model.running:
        model.step()
    before = model.values.copy()
    model.step()
    assert model.steps == model.n_steps == 72 and not model.running
    assert_array_equal(model.values, before)
    assert model.frame.date == "2025-12"


@pytest.mark.slow
def test_foresight_value_is_ecosim_values_equity_of_the_runs_own_cash_flows(finished: LiveModel) -> None:
    """The perfect-foresight DCF of year Y is the equity value `ecosim value` gives for this run
    at the start of Y (after tax, fade, normalised terminal value, cash), at the scenario's WACC."""
    v = finished.valuation
    # CAPM with Hamada's beta and the WACC by hand (seed 002: rf 4.5 %, MRP 5.5 %, beta_u 1.05,
    # D/V 30 %, tax 21 %, cost of debt 5 %)
    beta = 1.05 * (1 + (1 - 0.21) * 0.30 / 0.70)
    assert_allclose(v.wacc, 0.70 * (0.045 + beta * 0.055) + 0.30 * 0.05 * (1 - 0.21), rtol=1e-12)
    assert v.terminal_growth == pytest.approx(0.035)
    assert v.tax_rate == pytest.approx(0.21)
    assert v.years == tuple(range(2026, 2041))
    sc = base_scenario("baseline")
    fresh = EcosimModel(sc)
    cash0 = {m: np.asarray(METRICS[m].fn(fresh), dtype=float) for m in COMPANIES["spacex"].cash}  # before the first month
    mesa.Agent._ids.pop(fresh, None)
    series = {m: finished.values[:, METRIC_NAMES.index(m)] for m in COMPANIES["spacex"].needed}
    dates = finished.dates()
    equity = equity_values_by_year(series, dates, "spacex", assumptions_for(sc.model.capital_market), cash_start=cash0)
    for year in (2026, 2033, 2040):
        assert_allclose(v.value_usd[year - 2026], equity[dates.index(f"{year}-01"), 0], rtol=1e-12)


@pytest.mark.slow
def test_foresight_values_are_revealed_year_by_year(finished: LiveModel) -> None:
    """The page shows the DCF of year Y only once the view has reached January of Y."""
    v = finished.valuation
    start = finished.start_month
    assert v.known_at(0, start) == ([], [])
    assert v.known_at(1, start)[0] == [2026.0]
    assert v.known_at(12, start)[0] == [2026.0]
    assert v.known_at(13, start)[0] == [2026.0, 2027.0]
    assert len(v.known_at(180, start)[0]) == 15


def test_run_rate_value_capitalises_trailing_free_cash_flow() -> None:
    """FCF_ttm (1 - t) (1 + g) / (WACC - g), tax on profit only, annualising fewer than 12 months;
    NaN when g >= WACC."""
    monthly = np.r_[np.full(12, -5.0), np.full(12, 2.0)]
    assert run_rate_value(monthly, 0.10, 0.03) == pytest.approx(24 * 1.03 / 0.07)
    assert run_rate_value(monthly, 0.10, 0.03, tax_rate=0.21) == pytest.approx(24 * 0.79 * 1.03 / 0.07)
    assert run_rate_value(monthly[:6], 0.10, 0.0, tax_rate=0.21) == pytest.approx(-60 / 0.10)
    assert np.isnan(run_rate_value(monthly, 0.03, 0.03))
    assert np.isnan(run_rate_value(np.array([]), 0.10, 0.0))


@pytest.mark.slow
def test_dcf_is_undefined_when_growth_reaches_the_wacc() -> None:
    """With terminal growth at or above the WACC the page says so instead of drawing a number."""
    loaded = base_scenario("history").with_overrides(["capital_market.terminal_growth_pct=10.0", "capital_market.risk_free_pct=0.0", "capital_market.beta_unlevered=0.5"])
    v = foresight_valuation(loaded, 1)
    assert v.value_usd == () and v.note.startswith("DCF undefined: terminal growth 10.00% is not below the WACC")


@pytest.mark.slow
def test_seed_text_and_reset_settings() -> None:
    """A typed seed is used; a blank one means the scenario's; a bad one falls back with a note."""
    assert parse_seed("") == (None, "")
    assert LiveModel(Settings.of("history"), seed="7").seed_value == 7
    model = LiveModel(Settings.of("history"), seed="-3")
    assert model.seed_value == base_scenario("history").model.scenario.seed
    assert "not a whole number" in model.seed_note


def test_released_models_leave_mesa_registry() -> None:
    """Mesa keeps every model in Agent._ids; release() lets a replaced page model be collected."""
    model = LiveModel(Settings.of("history"))
    assert model in mesa.Agent._ids
    release(model)
    assert model not in mesa.Agent._ids
