"""Cost of capital: CAPM, Hamada's levered beta and the weighted average cost of capital.

References
----------
[1] Sharpe, W. F. (1964). Capital asset prices. J. Finance 19(3). r_e = r_f + beta * MRP.
[2] Hamada, R. S. (1972). The effect of the firm's capital structure on the systematic risk
    of common stocks. J. Finance 27(2). beta_L = beta_U * (1 + (1 - t) * D/E).
[3] Brealey, Myers and Allen, Principles of Corporate Finance, ch. 19 (WACC).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def levered_beta(beta_unlevered: ArrayLike, debt_to_capital: ArrayLike, tax_rate: ArrayLike) -> np.ndarray:
    """Equity beta of a levered firm [-] (Hamada [2]); ``debt_to_capital`` = D/(D+E).

    >>> round(float(levered_beta(1.05, 0.30, 0.21)), 4)
    1.4055
    """
    dv = np.asarray(debt_to_capital, dtype=float)
    return np.asarray(beta_unlevered, float) * (1.0 + (1.0 - np.asarray(tax_rate, float)) * dv / (1.0 - dv))


def cost_of_equity(risk_free: ArrayLike, beta: ArrayLike, market_risk_premium: ArrayLike) -> np.ndarray:
    """CAPM required return on equity [fraction/yr] [1].

    >>> round(float(cost_of_equity(0.045, 1.15, 0.055)), 5)
    0.10825
    """
    return np.asarray(risk_free, float) + np.asarray(beta, float) * np.asarray(market_risk_premium, float)


def wacc(cost_equity: ArrayLike, cost_debt: ArrayLike, debt_to_capital: ArrayLike, tax_rate: ArrayLike) -> np.ndarray:
    """Weighted average cost of capital [fraction/yr] [3].

    >>> round(float(wacc(0.10825, 0.05, 0.30, 0.21)), 5)
    0.08762
    """
    dv = np.asarray(debt_to_capital, float)
    return (1.0 - dv) * np.asarray(cost_equity, float) + dv * np.asarray(cost_debt, float) * (1.0 - np.asarray(tax_rate, float))


def wacc_from_capital_market(cm: Any) -> np.ndarray:
    """WACC of a ``[capital_market]`` scenario section (fractions, as :func:`ecosim.scenario.params.params_of` gives it) [fraction/yr]."""
    tax = np.asarray(cm.tax_rate_frac)
    dv = np.asarray(cm.debt_to_capital_frac)
    beta = levered_beta(cm.beta_unlevered, dv, tax)
    re = cost_of_equity(np.asarray(cm.risk_free_frac), beta, np.asarray(cm.market_risk_premium_frac))
    return wacc(re, np.asarray(cm.cost_of_debt_frac), dv, tax)


def wacc_build_up(cm: Any) -> dict[str, float]:
    """Every step of :func:`wacc_from_capital_market`, as fractions (first member), for printing.

    >>> from types import SimpleNamespace as NS
    >>> b = wacc_build_up(NS(tax_rate_frac=0.21, debt_to_capital_frac=0.3, beta_unlevered=1.05, risk_free_frac=0.045,
    ...                      market_risk_premium_frac=0.055, cost_of_debt_frac=0.05))
    >>> round(b["beta_levered"], 4), round(b["cost_of_equity"], 5), round(b["wacc"], 5)
    (1.4055, 0.1223, 0.09746)
    """
    tax = float(np.ravel(cm.tax_rate_frac)[0])
    dv = float(np.ravel(cm.debt_to_capital_frac)[0])
    bu = float(np.ravel(cm.beta_unlevered)[0])
    rf = float(np.ravel(cm.risk_free_frac)[0])
    mrp = float(np.ravel(cm.market_risk_premium_frac)[0])
    rd = float(np.ravel(cm.cost_of_debt_frac)[0])
    bl = float(levered_beta(bu, dv, tax))
    re = float(cost_of_equity(rf, bl, mrp))
    return {
        "risk_free": rf,
        "market_risk_premium": mrp,
        "beta_unlevered": bu,
        "debt_to_capital": dv,
        "tax_rate": tax,
        "beta_levered": bl,
        "cost_of_equity": re,
        "cost_of_debt": rd,
        "wacc": float(wacc(re, rd, dv, tax)),
    }
