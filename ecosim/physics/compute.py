"""Accelerator technology over time: price per W and IT power per H100-equivalent.

Both follow constant yearly trends anchored at a reference month, so every part of the model
(chip sales, data-center builds, ``ecosim odc-cost``) sees the same figures for a month.

[1] Epoch AI (2024), "Trends in machine learning hardware": FLOP/s per W of ML accelerators.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def accelerator_usd_per_w(usd_per_w: ArrayLike, change_frac_per_yr: ArrayLike, reference_month: ArrayLike, month: ArrayLike) -> np.ndarray:
    """Accelerator price per W of IT power in ``month`` [USD/W].

    >>> round(float(accelerator_usd_per_w(25.0, -0.05, 24311, 24311 + 24)), 4)   # two years later
    22.5625
    """
    years = (np.asarray(month, float) - np.asarray(reference_month, float)) / 12.0
    return np.asarray(usd_per_w, float) * (1.0 + np.asarray(change_frac_per_yr, float)) ** years


def watts_per_h100e(w_per_h100e: ArrayLike, gain_frac_per_yr: ArrayLike, reference_month: ArrayLike, month: ArrayLike) -> np.ndarray:
    """IT power (host included) of one H100-equivalent of compute in ``month`` [W].

    >>> round(float(watts_per_h100e(730.0, 0.25, 24311, 24311 - 72)), 1)   # six years earlier
    2784.7
    """
    years = (np.asarray(month, float) - np.asarray(reference_month, float)) / 12.0
    return np.asarray(w_per_h100e, float) / (1.0 + np.asarray(gain_frac_per_yr, float)) ** years


def compute_cost_index(hw: Any, month: int) -> np.ndarray:
    """Cost of one EFLOP/s of compute in ``month`` relative to the hardware's reference month
    [-]: accelerator price per W x W per H100e (the shared ``[ai_hardware]`` trends).

    >>> from types import SimpleNamespace as NS
    >>> hw = NS(usd_per_w_change_frac_per_yr=-0.05, efficiency_gain_frac_per_yr=0.25, reference_month=100)
    >>> round(float(compute_cost_index(hw, 112)), 4)
    0.76
    """
    now = accelerator_usd_per_w(1.0, hw.usd_per_w_change_frac_per_yr, hw.reference_month, month)
    w = watts_per_h100e(1.0, hw.efficiency_gain_frac_per_yr, hw.reference_month, month)
    return np.asarray(now * w, float)
