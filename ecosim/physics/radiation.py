"""Radiation faults of accelerators in orbit and what replacing them costs.

References
----------
[1] Meta, Llama 3 training report (2024): hardware interruptions of large GPU clusters,
    used by public orbital data-center calculators as a proxy of ~9 %/yr chip loss.
[2] Google Project Suncatcher (arXiv 2511.19468, 2025): TPUs tolerated 15 krad(Si) with no
    hard failures; a shielded 5-year LEO dose is about 0.75 krad.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def monthly_failure_frac(frac_per_yr: ArrayLike) -> np.ndarray:
    """Share of working chips lost in one month at a yearly loss rate [fraction/month].

    >>> round(float(monthly_failure_frac(0.09)), 5)
    0.00783
    """
    return 1.0 - (1.0 - np.asarray(frac_per_yr, dtype=float)) ** (1.0 / 12.0)


def replacements_per_w(frac_per_yr: ArrayLike, lifetime_yr: ArrayLike) -> np.ndarray:
    """W of accelerators replaced per W installed, to hold capacity over a life [W/W].

    Replacing the failed share every year keeps capacity constant: ``rate * life``.

    >>> round(float(replacements_per_w(0.09, 5.0)), 2)
    0.45
    """
    return np.asarray(frac_per_yr, dtype=float) * np.asarray(lifetime_yr, dtype=float)


def dose_margin(tolerance_krad: ArrayLike, dose_krad_per_yr: ArrayLike, lifetime_yr: ArrayLike) -> np.ndarray:
    """Total-dose tolerance over the dose received in a life [ratio] (>1: survives) [2].

    >>> float(dose_margin(15.0, 0.15, 5.0))
    20.0
    """
    return np.asarray(tolerance_krad, float) / (np.asarray(dose_krad_per_yr, float) * np.asarray(lifetime_yr, float))
