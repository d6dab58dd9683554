"""Launch economics: learning curves and the mass an orbital data center puts on a rocket.

References
----------
[1] Wright, T. P. (1936). Factors affecting the cost of airplanes. J. Aeronautical Sciences 3(4).
    Unit cost falls by a constant ratio with every doubling of cumulative output.
[2] SpaceX price sheet (2022): Falcon 9 67 M USD for 22.8 t reusable to LEO, ~2,940 USD/kg.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ecosim.physics.solar import oversize_for_degradation
from ecosim.physics.thermal import radiator_mass_kg_per_w


def wright_cost(
    initial_cost: ArrayLike,
    cumulative: ArrayLike,
    initial_cumulative: ArrayLike,
    progress_ratio: ArrayLike,
    floor: ArrayLike = 0.0,
) -> np.ndarray:
    """Unit cost after ``cumulative`` units on a Wright learning curve [same unit as cost].

    ``c = max(floor, c0 * (n / n0) ** log2(progress_ratio))`` with ``n >= n0`` [1].

    >>> float(wright_cost(100.0, 20, 10, 0.8))      # one doubling: 80 %
    80.0
    >>> float(wright_cost(100.0, 40, 10, 0.8, 70))  # two doublings, floored
    70.0
    """
    # the ufuncs cast numbers and integer arrays to float64 themselves (the float 1.0 makes every
    # result float64): the same numbers as casting each argument first, in fewer calls
    if type(initial_cumulative) in _NUMBERS and type(progress_ratio) in _NUMBERS:  # a curve's fixed factors, once
        key = (initial_cumulative, progress_ratio)
        fixed = _CURVES.get(key)
        if fixed is None:
            fixed = (np.maximum(initial_cumulative, 1.0), np.log2(progress_ratio))
            if initial_cumulative == initial_cumulative and progress_ratio == progress_ratio and len(_CURVES) < 4096:  # not NaN
                _CURVES[key] = fixed
        n0, exponent = fixed
        if type(cumulative) is np.ndarray and cumulative.shape == _ONE and cumulative.dtype is _F64 and cumulative[0] >= n0:
            # one member past the curve's start: max(n, n0) is n itself
            return np.maximum(floor, np.multiply(initial_cost, (cumulative / n0) ** exponent))
    else:
        n0, exponent = np.maximum(initial_cumulative, 1.0), np.log2(progress_ratio)
    n = np.maximum(cumulative, n0)
    return np.maximum(floor, np.multiply(initial_cost, (n / n0) ** exponent))


def wright_costs(
    cumulative: ArrayLike,
    initial_cumulative: ArrayLike,
    progress_ratio: ArrayLike,
    *curves: tuple[ArrayLike, ArrayLike],
) -> tuple[np.ndarray, ...]:
    """:func:`wright_cost` of several curves that share cumulative output, its start and the
    progress ratio, one per ``(initial_cost, floor)`` of ``curves``: their power
    ``(n / n0) ** log2(progress_ratio)`` worked out once (:func:`wright_cost` with initial cost
    1.0 and floor -inf, which leave it as it is), then each ``max(floor, initial_cost x power)``,
    the operations :func:`wright_cost` does.

    >>> [float(c) for c in wright_costs(20, 10, 0.8, (100.0, 0.0), (10.0, 9.0))]
    [80.0, 9.0]
    """
    power = wright_cost(1.0, cumulative, initial_cumulative, progress_ratio, -np.inf)
    return tuple(np.maximum(floor, np.multiply(initial_cost, power)) for initial_cost, floor in curves)


#: argument types of :func:`wright_cost` whose fixed factors it keeps by value (one number for
#: every member: the same NumPy float64 computing them again gives)
_NUMBERS = (float, int, np.float64)
#: the shape of one member's array and the dtype whose value max(n, n0) leaves as it is
_ONE, _F64 = (1,), np.dtype(np.float64)
#: by (initial_cumulative, progress_ratio): ``(max(initial_cumulative, 1), log2(progress_ratio))``
_CURVES: dict[tuple[Any, Any], tuple[Any, Any]] = {}


def cost_per_kg_usd(cost_per_flight_usd: ArrayLike, payload_t: ArrayLike) -> np.ndarray:
    """Launch cost per kg to LEO [USD/kg].

    >>> round(float(cost_per_kg_usd(67e6, 22.8)))   # Falcon 9 list price [2]
    2939
    """
    return np.asarray(cost_per_flight_usd, dtype=float) / (np.asarray(payload_t, dtype=float) * 1000.0)


def satellite_mass_kg_per_w(
    array_specific_power_w_per_kg: ArrayLike,
    degradation_frac_per_yr: ArrayLike,
    lifetime_yr: ArrayLike,
    radiator_temp_k: ArrayLike,
    emissivity: ArrayLike,
    radiator_sides: ArrayLike,
    sink_temp_k: ArrayLike,
    radiator_areal_density_kg_per_m2: ArrayLike,
    chip_mass_kg_per_w: ArrayLike,
    shielding_kg_per_w: ArrayLike,
    structure_mass_frac: ArrayLike,
) -> np.ndarray:
    """Launch mass of an orbital data-center satellite per W of IT power [kg/W].

    Arrays are oversized for end-of-life power, the radiator rejects all IT power as heat
    (Stefan-Boltzmann), chips and shielding add per W, and the bus/structure is a share of
    the total: ``m = (oversize/array_w_per_kg + radiator + chips + shielding) / (1 - structure)``.

    >>> round(float(satellite_mass_kg_per_w(150, 0.025, 5, 330, 0.9, 2, 0, 7.0, 0.004, 0.002, 0.25)), 4)
    0.0258
    """
    arrays = oversize_for_degradation(degradation_frac_per_yr, lifetime_yr) / np.asarray(
        array_specific_power_w_per_kg, dtype=float
    )
    radiator = radiator_mass_kg_per_w(
        radiator_temp_k, emissivity, radiator_areal_density_kg_per_m2, radiator_sides, sink_temp_k
    )
    payload = arrays + radiator + np.asarray(chip_mass_kg_per_w, float) + np.asarray(shielding_kg_per_w, float)
    return payload / (1.0 - np.asarray(structure_mass_frac, dtype=float))
