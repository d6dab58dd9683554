"""Radiators: rejecting waste heat to space by thermal radiation (Stefan-Boltzmann).

References
----------
[1] CODATA 2018: Stefan-Boltzmann constant 5.670374419e-8 W/(m^2 K^4).
[2] NASA, ISS Active Thermal Control System: 14 kW from 3.12 m x 13.6 m panels (~330 W/m^2),
    about 17.5 kg/m^2 (``parameters.csv``).
[3] Gilmore, D. G. (2002). Spacecraft Thermal Control Handbook, vol. 1, ch. 6.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

STEFAN_BOLTZMANN_W_PER_M2_K4 = 5.670374419e-8  # [1]


def radiator_flux_w_per_m2(
    temp_k: ArrayLike,
    emissivity: ArrayLike,
    sides: ArrayLike = 1,
    sink_temp_k: ArrayLike = 0.0,
    absorbed_w_per_m2: ArrayLike = 0.0,
) -> np.ndarray:
    """Net heat rejected per m^2 of radiator panel [W/m^2].

    ``q = sides * emissivity * sigma * (T^4 - T_sink^4) - absorbed`` [1][3].

    >>> round(float(radiator_flux_w_per_m2(300.0, 0.9)), 1)
    413.4
    >>> round(float(radiator_flux_w_per_m2(350.0, 0.9)), 1)
    765.8
    >>> round(float(radiator_flux_w_per_m2(300.0, 0.9, sides=2)), 1)
    826.7
    """
    t = np.asarray(temp_k, dtype=float)
    ts = np.asarray(sink_temp_k, dtype=float)
    eps = np.asarray(emissivity, dtype=float)
    return (
        np.asarray(sides, dtype=float) * eps * STEFAN_BOLTZMANN_W_PER_M2_K4 * (t**4 - ts**4)
        - np.asarray(absorbed_w_per_m2, dtype=float)
    )


def radiator_area_m2_per_w(
    temp_k: ArrayLike, emissivity: ArrayLike, sides: ArrayLike = 1, sink_temp_k: ArrayLike = 0.0
) -> np.ndarray:
    """Radiator panel area per W of heat rejected [m^2/W].

    >>> round(float(radiator_area_m2_per_w(300.0, 0.9)) * 1e3, 3)   # m^2 per kW
    2.419
    """
    flux = radiator_flux_w_per_m2(temp_k, emissivity, sides, sink_temp_k)
    return 1.0 / np.maximum(flux, 1e-9)


def radiator_mass_kg_per_w(
    temp_k: ArrayLike,
    emissivity: ArrayLike,
    areal_density_kg_per_m2: ArrayLike,
    sides: ArrayLike = 1,
    sink_temp_k: ArrayLike = 0.0,
) -> np.ndarray:
    """Radiator mass per W of heat rejected [kg/W] at a panel areal density [kg/m^2].

    >>> round(float(radiator_mass_kg_per_w(330.0, 0.9, 7.0, sides=2)), 5)
    0.00578
    """
    return radiator_area_m2_per_w(temp_k, emissivity, sides, sink_temp_k) * np.asarray(
        areal_density_kg_per_m2, dtype=float
    )
