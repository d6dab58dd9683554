"""The valuation bridge: which parts of a company explain the change in its value from one
scenario to another.

:func:`ecosim.finance.valuation.fundamental_value` is linear in the free cash flow at given
rates, so a company's value is the sum of its parts' values (segments, or revenue / operating
cost / capex lines), terminal value included. From scenario A to scenario B:

    V_B - V_A = sum over parts p of [V(f_B,p ; rates_A) - V(f_A,p ; rates_A)]   (each part's cash flows)
              + [V(f_B ; rates_B) - V(f_B ; rates_A)]                            (WACC and terminal growth)

exactly; the steps are drawn as a waterfall from V_A to V_B. Both runs must cover the same
months from the valuation year on (the terminal value sits on the last year).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ecosim.finance.valuation import fundamental_value

RATES_STEP = "WACC and terminal growth"


@dataclass(frozen=True)
class Bridge:
    """Value of A, the steps (label, change [USD]) and value of B, at the start of ``year``."""

    year: int
    value_a: float
    steps: tuple[tuple[str, float], ...]
    value_b: float

    def residual(self) -> float:
        """``V_A + sum(steps) - V_B`` [USD]: zero up to rounding when the parts add up to the whole."""
        return self.value_a + sum(v for _, v in self.steps) - self.value_b


def value_bridge(
    parts_a: Mapping[str, np.ndarray],
    parts_b: Mapping[str, np.ndarray],
    dates: Sequence[str],
    year: int,
    rates_a: tuple[float, float],
    rates_b: tuple[float, float],
) -> Bridge:
    """The bridge from A to B at the start of ``year``.

    Parameters
    ----------
    parts_a, parts_b : part name -> monthly free cash flow [USD/month] over ``dates``; a part
        missing on one side counts as zero there.
    dates : ``YYYY-MM`` of the months (the same for A and B).
    year : valuation year (a full year of ``dates``).
    rates_a, rates_b : (WACC, terminal growth) [fraction/yr] of A and of B.

    Hand check: one part at 12/yr for two years, WACC 10 % and no growth gives 1,440 (see
    ``fundamental_value``); doubling the part's flows doubles it, and B's WACC of 20 % values
    24/yr at 24/1.2 + 24/1.44 + 120/1.44 = 120:

    >>> d = [f"{2030 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
    >>> b = value_bridge({"x": np.full(24, 1.0)}, {"x": np.full(24, 2.0)}, d, 2030, (0.10, 0.0), (0.20, 0.0))
    >>> round(b.value_a, 6), [(k, round(v, 6)) for k, v in b.steps], round(b.value_b, 6)
    (120.0, [('x', 120.0), ('WACC and terminal growth', -120.0)], 120.0)
    """
    names = list(dict.fromkeys([*parts_a, *parts_b]))
    zeros = np.zeros(len(dates))

    def value(f: np.ndarray, rates: tuple[float, float]) -> float:
        return float(fundamental_value(np.asarray(f, float), list(dates), year, rates[0], rates[1])[0])

    total_a = sum((np.asarray(parts_a.get(n, zeros), float) for n in names), zeros)
    total_b = sum((np.asarray(parts_b.get(n, zeros), float) for n in names), zeros)
    steps = [(n, value(np.asarray(parts_b.get(n, zeros), float) - np.asarray(parts_a.get(n, zeros), float), rates_a)) for n in names]
    steps.append((RATES_STEP, value(total_b, rates_b) - value(total_b, rates_a)))
    return Bridge(year, value(total_a, rates_a), tuple(steps), value(total_b, rates_b))
