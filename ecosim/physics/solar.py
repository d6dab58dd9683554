"""Solar power in orbit and on the ground.

References
----------
[1] Kopp, G. and Lean, J. L. (2011). A new, lower value of total solar irradiance.
    Geophys. Res. Lett. 38, L01706. (1361 W/m^2)
[2] IEC 60904-3: standard test conditions, 1000 W/m^2 (AM1.5G) for module ratings.
[3] Wertz, J. R. et al. (2011). Space Mission Engineering: The New SMAD, sec. 9.
    Eclipse fraction of a circular orbit from the beta angle.
[4] Starcloud white paper (2024) citing US utility PV: median capacity factor 0.24.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

SOLAR_CONSTANT_W_PER_M2 = 1361.0  # [1]
STC_IRRADIANCE_W_PER_M2 = 1000.0  # [2]
EARTH_RADIUS_KM = 6371.0
HOURS_PER_YR = 8766.0  # 365.25 days


def eclipse_fraction(altitude_km: ArrayLike, beta_deg: ArrayLike = 0.0) -> np.ndarray:
    """Share of a circular orbit spent in Earth's shadow [fraction], from [3].

    ``f = acos(sqrt(h^2 + 2 R h) / ((R + h) cos beta)) / pi`` while the orbit crosses the
    shadow (|beta| below the critical angle), else 0.

    >>> round(float(eclipse_fraction(550.0)), 3)   # generic LEO, beta = 0
    0.372
    >>> float(eclipse_fraction(550.0, 80.0))       # dawn-dusk: never in shadow
    0.0
    """
    h = np.asarray(altitude_km, dtype=float)
    r = EARTH_RADIUS_KM
    beta = np.radians(np.asarray(beta_deg, dtype=float))
    beta_crit = np.arcsin(r / (r + h))
    cos_b = np.cos(beta)
    arg = np.sqrt(h * h + 2 * r * h) / ((r + h) * np.maximum(cos_b, 1e-12))
    f = np.arccos(np.clip(arg, -1.0, 1.0)) / np.pi
    return np.where(np.abs(beta) < beta_crit, f, 0.0)


def sunlight_fraction(altitude_km: ArrayLike, beta_deg: ArrayLike = 0.0) -> np.ndarray:
    """Share of a circular orbit in sunlight [fraction]: ``1 - eclipse_fraction``.

    A generic 550 km LEO sees about 0.63; a dawn-dusk sun-synchronous orbit about 0.98
    averaged over the year (short eclipse seasons; ``parameters.csv``).

    >>> round(float(sunlight_fraction(550.0)), 2)
    0.63
    """
    return 1.0 - eclipse_fraction(altitude_km, beta_deg)


def orbit_yield_kwh_per_kw_yr(sunlight: ArrayLike) -> np.ndarray:
    """Energy per year from 1 kW (rated at STC) of array in orbit [kWh/(kW yr)].

    In orbit the array sees the full solar constant (AM0, 1361 W/m^2 [1]) instead of the
    1000 W/m^2 its rating assumes [2], whenever it is in sunlight.

    >>> round(float(orbit_yield_kwh_per_kw_yr(0.98)))
    11692
    """
    s = np.asarray(sunlight, dtype=float)
    return HOURS_PER_YR * s * SOLAR_CONSTANT_W_PER_M2 / STC_IRRADIANCE_W_PER_M2


def ground_yield_kwh_per_kw_yr(capacity_factor: ArrayLike) -> np.ndarray:
    """Energy per year from 1 kW (STC) of ground PV [kWh/(kW yr)] at a capacity factor.

    >>> round(float(ground_yield_kwh_per_kw_yr(0.24)))
    2104
    """
    return HOURS_PER_YR * np.asarray(capacity_factor, dtype=float)


def orbit_to_ground_yield_ratio(sunlight: ArrayLike, capacity_factor: ArrayLike) -> np.ndarray:
    """How many times more energy a panel makes in orbit than on the ground [ratio].

    The seed's claim is "5x" (seed 000; Google's Suncatcher blog says up to 8x).
    Dawn-dusk orbit (0.98) against the US median utility site (0.24) gives 5.6:

    >>> round(float(orbit_to_ground_yield_ratio(0.98, 0.24)), 1)
    5.6
    """
    return orbit_yield_kwh_per_kw_yr(sunlight) / ground_yield_kwh_per_kw_yr(capacity_factor)


def degradation_factor(frac_per_yr: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Remaining array power after ``years`` at a constant loss rate [fraction].

    >>> round(float(degradation_factor(0.025, 5)), 4)
    0.8811
    """
    return (1.0 - np.asarray(frac_per_yr, dtype=float)) ** np.asarray(years, dtype=float)


def oversize_for_degradation(frac_per_yr: ArrayLike, lifetime_yr: ArrayLike) -> np.ndarray:
    """Array size at launch per W needed at end of life [W/W]: ``1 / degradation_factor``.

    >>> round(float(oversize_for_degradation(0.025, 5)), 4)
    1.135
    """
    return 1.0 / degradation_factor(frac_per_yr, lifetime_yr)
