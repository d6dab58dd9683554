"""Fundamental value of a company from a run's cash flows (the shared entry point).

``fundamental_value`` is what experiments, the browser view and ``ecosim value`` call: the
DCF at the start of ``valuation_year`` of the company's yearly free cash flows from that year
to the end of the run, plus a Gordon terminal value on the last year, at the WACC of the
scenario's ``[capital_market]``. Vectorised over ensemble members.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ecosim.finance.dcf import dcf_value, yearly_sums


def fundamental_value(
    fcf_monthly_usd: ArrayLike,
    dates: list[str],
    valuation_year: int,
    wacc: ArrayLike,
    terminal_growth: ArrayLike,
) -> np.ndarray:
    """Value [USD] per member at the start of ``valuation_year``.

    Parameters
    ----------
    fcf_monthly_usd : free cash flow per month, shape (months,) or (months, members) [USD/month].
    dates : ``YYYY-MM`` of each month.
    valuation_year : first year whose cash flows count; must have 12 months in the run.
    wacc, terminal_growth : [fraction/yr], scalars or per member.

    Hand check: 12/month for 2 years (144/yr) at 10 %, no growth:
    144/1.1 + 144/1.21 + 1440/1.21 = 1440

    >>> d = [f"{2030 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
    >>> round(float(fundamental_value(np.full(24, 12.0), d, 2030, 0.10, 0.0)[0]), 6)
    1440.0
    """
    years, yearly = yearly_sums(fcf_monthly_usd, dates)
    full = [y for y in years if sum(1 for d in dates if d.startswith(str(y))) == 12]
    if valuation_year not in full:
        raise ValueError(f"valuation_year must be a full year of the run ({full[0]}-{full[-1]}) (got {valuation_year})")
    idx = [i for i, y in enumerate(years) if y in full and y >= valuation_year]
    return dcf_value(yearly[idx], wacc, terminal_growth=terminal_growth)
