"""Physics sub-models against hand-computed and published values."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from ecosim.physics.launch import cost_per_kg_usd, satellite_mass_kg_per_w, wright_cost
from ecosim.physics.radiation import monthly_failure_frac, replacements_per_w
from ecosim.physics.scaling import capability_index, chinchilla_loss, trained_model
from ecosim.physics.solar import (
    eclipse_fraction,
    ground_yield_kwh_per_kw_yr,
    orbit_to_ground_yield_ratio,
    orbit_yield_kwh_per_kw_yr,
    oversize_for_degradation,
    sunlight_fraction,
)
from ecosim.physics.thermal import (
    STEFAN_BOLTZMANN_W_PER_M2_K4,
    radiator_area_m2_per_w,
    radiator_flux_w_per_m2,
)


def test_radiator_flux_at_300k_one_side() -> None:
    """epsilon=0.9, one side, no absorbed load, 300 K: 0.9 * 5.670374e-8 * 300^4 = 413.4 W/m^2."""
    assert_allclose(radiator_flux_w_per_m2(300.0, 0.9), 0.9 * 5.670374419e-8 * 300.0**4, rtol=1e-12)
    assert_allclose(radiator_flux_w_per_m2(300.0, 0.9), 413.4, atol=0.05)


def test_radiator_flux_at_350k_and_two_sides() -> None:
    """350 K: 765.8 W/m^2 per side; two radiating faces double it; a sink at T gives zero."""
    assert_allclose(radiator_flux_w_per_m2(350.0, 0.9), 765.8, atol=0.05)
    assert_allclose(radiator_flux_w_per_m2(350.0, 0.9, sides=2), 2 * 765.8, atol=0.1)
    assert_allclose(radiator_flux_w_per_m2(300.0, 0.9, sink_temp_k=300.0), 0.0, atol=1e-12)


def test_radiator_area_is_inverse_flux_and_absorbed_load_reduces_flux() -> None:
    """Area per W = 1/flux; absorbed sunlight or Earth IR subtracts from the rejected flux."""
    assert_allclose(radiator_area_m2_per_w(300.0, 0.9) * 413.4, 1.0, rtol=1e-4)
    assert_allclose(radiator_flux_w_per_m2(300.0, 0.9, absorbed_w_per_m2=100.0), 313.4, atol=0.05)
    assert STEFAN_BOLTZMANN_W_PER_M2_K4 == 5.670374419e-8


def test_sunlight_fraction_by_orbit() -> None:
    """Generic 550 km LEO (beta 0): shadow half-angle asin(6371/6921) -> 0.628 sunlit; dawn-dusk SSO: 1."""
    expected = 1.0 - np.arcsin(6371.0 / 6921.0) / np.pi
    assert_allclose(sunlight_fraction(550.0, 0.0), expected, rtol=1e-12)
    assert_allclose(expected, 0.628, atol=0.001)
    assert float(eclipse_fraction(550.0, 85.0)) == 0.0


def test_orbit_vs_ground_solar_yield() -> None:
    """A kW (STC) of array yields 8766 h x 0.98 x 1.361 = 11,692 kWh/yr in dawn-dusk orbit and
    8766 x 0.24 = 2,104 kWh/yr on a median US site: 5.6x, the seeds' "5x" (Google: up to 8x)."""
    assert_allclose(orbit_yield_kwh_per_kw_yr(0.98), 8766 * 0.98 * 1.361, rtol=1e-12)
    assert_allclose(ground_yield_kwh_per_kw_yr(0.24), 2103.84, rtol=1e-12)
    assert_allclose(orbit_to_ground_yield_ratio(0.98, 0.24), 5.557, atol=0.001)
    assert_allclose(orbit_to_ground_yield_ratio(0.98, 0.167), 7.99, atol=0.01)  # a poorer site: ~8x


def test_array_oversizing_for_degradation() -> None:
    """2.5 %/yr over 5 yr leaves 0.975^5 = 0.8811 of the power: arrays are 1/0.8811 = 1.135x at launch."""
    assert_allclose(oversize_for_degradation(0.025, 5.0), 1 / 0.975**5, rtol=1e-12)


def test_wright_learning_curve() -> None:
    """Cost falls by the progress ratio per doubling and stops at the floor."""
    assert_allclose(wright_cost(100.0, [10, 20, 40, 80], 10, 0.8), [100, 80, 64, 51.2], rtol=1e-12)
    assert_allclose(wright_cost(100.0, 80, 10, 0.8, floor=60.0), 60.0)
    assert_allclose(cost_per_kg_usd(67e6, 22.8), 2938.6, atol=0.1)  # Falcon 9 list price


def test_satellite_mass_per_watt_by_components() -> None:
    """(1.135/150 + 7/1210.4 + 0.004 + 0.002) / 0.75 = 0.02579 kg/W, i.e. 38.8 W/kg."""
    arrays = (1 / 0.975**5) / 150.0
    radiator = 7.0 / (2 * 0.9 * 5.670374419e-8 * 330.0**4)
    expected = (arrays + radiator + 0.004 + 0.002) / 0.75
    got = satellite_mass_kg_per_w(150, 0.025, 5, 330, 0.9, 2, 0, 7.0, 0.004, 0.002, 0.25)
    assert_allclose(got, expected, rtol=1e-12)
    assert_allclose(1 / got, 38.8, atol=0.1)


def test_radiation_failures_and_replacements() -> None:
    """9 %/yr is 1 - 0.91^(1/12) = 0.783 %/month; replacing it for 5 years is 0.45 W per W."""
    assert_allclose(monthly_failure_frac(0.09), 1 - 0.91 ** (1 / 12), rtol=1e-12)
    assert_allclose(replacements_per_w(0.09, 5.0), 0.45, rtol=1e-12)


def test_chinchilla_scaling_law() -> None:
    """Chinchilla (70B params, 1.4T tokens) has loss 1.937 (Hoffmann et al. 2022 fit);
    5.88e23 FLOP at 20 tokens/param is that model; less data than optimal makes it data-limited."""
    assert_allclose(chinchilla_loss(70e9, 1.4e12, 1.69, 406.4, 410.7, 0.34, 0.28), 1.9367, atol=1e-3)
    n, d = trained_model(5.88e23, 1e15, 20.0)
    assert_allclose([n, d], [70e9, 1.4e12], rtol=1e-3)
    n2, d2 = trained_model(5.88e23, 0.7e12, 20.0)
    assert_allclose(d2, 0.7e12) and assert_allclose(n2, 5.88e23 / (6 * 0.7e12))
    law = dict(param_coeff=406.4, data_coeff=410.7, param_exponent=0.34, data_exponent=0.28,
               tokens_per_param_optimal=20.0, reference_compute_flop=1e26, reference_tokens=1e15)
    assert_allclose(capability_index(1e26, 1e15, **law), 1.0)
    assert capability_index(1e26, 1e12, **law) < 1.0 < capability_index(1e27, 1e15, **law)
