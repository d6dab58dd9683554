"""Reverse DCF: what must be true, financially, for a value to equal a given mark.

Each function takes the run's yearly flows of an entity, the valuation assumptions, its cash
and a target equity value (a narrative mark), and solves for one quantity with the others as
in the run — no re-simulation (the operational reverse, which re-runs the world over a
scenario field, is :func:`ecosim.probe.operational_requirements`):

===================  ============================================================================
implied WACC          the discount rate at which the DCF equals the mark
implied growth        the perpetual growth of the last year's FCF (Gordon) that closes the gap
FCF multiple          how many times the run's cash flows (all years, and beyond) are needed
exit multiple         the EV/revenue at the end of the run that closes the gap
FCF margin            the constant after-tax FCF margin on the run's revenue (Gordon terminal)
revenue CAGR          the yearly revenue growth needed at the run's steady-state FCF margin
===================  ============================================================================

A quantity no value of which reaches the mark is reported as unreachable with the reason.

References: Rappaport and Mauboussin (2001), Expectations Investing (market-implied
expectations); Damodaran (2012), Investment Valuation, ch. 12 (implied growth, implied
discount rate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ecosim.finance.valuation import Assumptions, CashFlows, Valuation, value_cash_flows


@dataclass(frozen=True)
class Requirement:
    """One answer of the reverse DCF: the ``required`` value against the ``run`` value."""

    key: str
    label: str
    unit: str
    required: float | None
    run: float | None
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "unit": self.unit, "required": self.required, "run": self.run, "note": self.note}


def _root(f: Callable[[float], float], lo: float, hi: float, near: float, n: int = 120,
          scan: Callable[[np.ndarray], np.ndarray] | None = None) -> float | None:
    """The root of ``f`` on [lo, hi] nearest to ``near``, from a scan of ``n`` points; None if
    ``f`` keeps one sign. ``scan``: ``f`` at every point at once (the scan only brackets the
    roots by sign; each root is then refined on ``f`` itself)."""
    xs = np.linspace(lo, hi, n)
    ys = np.asarray(scan(xs), dtype=float) if scan is not None else np.array([f(float(x)) for x in xs])
    roots = []
    for i in range(n - 1):
        if ys[i] == 0.0:
            roots.append(float(xs[i]))
        elif np.isfinite(ys[i]) and np.isfinite(ys[i + 1]) and ys[i] * ys[i + 1] < 0:
            roots.append(float(brentq(f, xs[i], xs[i + 1], xtol=1e-12, rtol=1e-12)))
    if ys[-1] == 0.0:
        roots.append(float(xs[-1]))
    if not roots:
        return None
    return min(roots, key=lambda r: abs(r - near))


def _equity(flows: CashFlows, a: Assumptions, cash: float) -> float:
    return float(value_cash_flows(flows, a, cash).equity_value[0])


def _equities(flows: CashFlows, cash: float, a: Assumptions, **rates: np.ndarray) -> np.ndarray:
    """Member 0's equity value at each of several rates at once (one member per rate, each at
    its own ``wacc`` or ``terminal_growth``: :class:`~ecosim.finance.valuation.Assumptions`
    takes them per member) [USD]."""
    n = len(next(iter(rates.values())))
    one = CashFlows(list(flows.years), *(np.repeat(np.asarray(x)[:, :1], n, axis=1) for x in (flows.revenue, flows.ebitda, flows.capex)))
    return np.asarray(value_cash_flows(one, a.replace(**rates), cash).equity_value, dtype=float)


def implied_wacc(flows: CashFlows, a: Assumptions, cash: float, target: float) -> Requirement:
    """The WACC at which the equity value equals ``target`` [fraction/yr].

    Hand check: 100 a year for one year then Gordon at g = 0, no tax: V = 100 / r, so a mark
    of 1000 needs r = 10 %.

    >>> cf = CashFlows([2030], np.full((1, 1), 100.0), np.full((1, 1), 100.0), np.zeros((1, 1)))
    >>> a = Assumptions(wacc=0.08, terminal_growth=0.0, tax_rate=0.0, discounting="end", terminal="gordon")
    >>> round(implied_wacc(cf, a, 0.0, 1000.0).required, 6)
    0.1
    """
    lo = a.terminal_growth + 1e-4 if a.terminal != "exit" else 1e-4
    r = _root(lambda w: _equity(flows, a.replace(wacc=w), cash) - target, lo, 1.0, a.wacc,
              scan=lambda ws: _equities(flows, cash, a, wacc=ws) - target)
    note = "" if r is not None else f"no WACC between {100 * lo:.2f}% and 100% gives the mark"
    return Requirement("wacc", "discount rate (WACC) at which the value equals the mark", "fraction/yr", r, a.wacc, note)


def implied_terminal_growth(flows: CashFlows, a: Assumptions, cash: float, target: float) -> Requirement:
    """The perpetual growth of the last year's after-tax FCF (Gordon) that reaches ``target``.

    Hand check: FCF 100 in one year, 10 % WACC, mark 2000 = 100/1.1 + 100 (1 + g)/(0.1 - g)/1.1
    gives (1 + g)/(0.1 - g) = 21, g = 5 %.

    >>> cf = CashFlows([2030], np.full((1, 1), 100.0), np.full((1, 1), 100.0), np.zeros((1, 1)))
    >>> a = Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, discounting="end", terminal="gordon")
    >>> round(implied_terminal_growth(cf, a, 0.0, 2000.0).required, 6)
    0.05
    """
    gordon = a.replace(terminal="gordon")
    base = value_cash_flows(flows, gordon, cash)
    if base.fcf[-1, 0] <= 0:
        return Requirement("terminal_growth", "perpetual growth of the last year's FCF (Gordon)", "fraction/yr", None, a.terminal_growth,
                           f"the run's last-year FCF is not positive ({base.fcf[-1, 0] / 1e9:,.1f} B USD): no growth rate reaches the mark")
    lo, hi = -0.10, a.wacc - 1e-6
    r = _root(lambda g: _equity(flows, gordon.replace(terminal_growth=g), cash) - target, lo, hi, a.terminal_growth,
              scan=lambda gs: _equities(flows, cash, gordon, terminal_growth=gs) - target)
    note = "" if r is not None else f"no growth below the WACC ({100 * a.wacc:.2f}%) reaches the mark"
    return Requirement("terminal_growth", "perpetual growth of the last year's FCF (Gordon)", "fraction/yr", r, a.terminal_growth, note)


def implied_fcf_scale(valuation: Valuation, target: float) -> Requirement:
    """How many times the run's cash flows (every year and the terminal value) the mark needs.

    Every stage is linear in the flows (tax with loss carry-forward is homogeneous), so the
    factor is ``(mark - cash) / EV``.

    >>> cf = CashFlows([2030], np.full((1, 1), 100.0), np.full((1, 1), 100.0), np.zeros((1, 1)))
    >>> v = value_cash_flows(cf, Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, discounting="end", terminal="gordon"))
    >>> round(implied_fcf_scale(v, 3000.0).required, 9)
    3.0
    """
    ev = float(valuation.enterprise_value[0])
    need = target - float(valuation.cash[0])
    if ev <= 0:
        return Requirement("fcf_scale", "multiple of the run's free cash flows needed", "x", None, 1.0,
                           f"the run's flows are worth {ev / 1e9:,.1f} B USD (not positive): no multiple of them reaches the mark")
    return Requirement("fcf_scale", "multiple of the run's free cash flows needed", "x", need / ev, 1.0)


def implied_exit_multiple(valuation: Valuation, target: float) -> Requirement:
    """EV/revenue at the end of the run that makes the value equal the mark [ratio].

    >>> cf = CashFlows([2030], np.full((1, 1), 100.0), np.full((1, 1), 10.0), np.zeros((1, 1)))
    >>> v = value_cash_flows(cf, Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, discounting="end", terminal="exit"))
    >>> round(implied_exit_multiple(v, 10.0 / 1.1 + 5 * 100 / 1.1).required, 9)
    5.0
    """
    rev = float(valuation.flows.revenue[-1, 0])
    d = (1.0 + float(np.ravel(valuation.assumptions.wacc)[0])) ** -float(len(valuation.years))  # an exit is a price at the last year's end
    need = target - float(valuation.cash[0]) - float(valuation.pv_explicit[0])
    run = valuation.assumptions.exit_multiple
    label = "EV/revenue at the end of the run needed"
    if rev <= 0:
        return Requirement("exit_multiple", label, "x", None, run, "the run's last-year revenue is not positive")
    if need < 0:
        return Requirement("exit_multiple", label, "x", None, run, "the run's own years and cash are worth more than the mark: no exit value of zero or more gives it")
    return Requirement("exit_multiple", label, "x", need / (rev * d), run)


def implied_fcf_margin(valuation: Valuation, target: float) -> Requirement:
    """Constant after-tax FCF margin on the run's revenue, Gordon terminal on the last year,
    that gives the mark [fraction]; compared with the run's average margin over the years.

    >>> cf = CashFlows([2030], np.full((1, 1), 100.0), np.full((1, 1), 10.0), np.zeros((1, 1)))
    >>> v = value_cash_flows(cf, Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, discounting="end", terminal="gordon"))
    >>> round(implied_fcf_margin(v, 500.0).required, 9)   # 500 = m x 100 / 0.1
    0.5
    """
    a = valuation.assumptions
    f = valuation.flows
    idx = [f.years.index(y) for y in valuation.years]
    rev = f.revenue[idx, 0]
    d = valuation.discount[:, 0]
    pv_rev = float((rev * d).sum() + rev[-1] * (1 + a.terminal_growth) / (a.wacc - a.terminal_growth) * d[-1])
    total_rev = float(rev.sum())
    run = float(valuation.fcf[:, 0].sum() / total_rev) if total_rev > 0 else None
    label = "constant after-tax FCF margin on the run's revenue needed"
    if pv_rev <= 0:
        return Requirement("fcf_margin", label, "fraction", None, run, "the run has no revenue")
    m = (target - float(valuation.cash[0])) / pv_rev
    if m > 1.0:
        return Requirement("fcf_margin", label, "fraction", None, run, f"it would take a margin of {100 * m:.0f}% of revenue: free cash flow cannot exceed revenue")
    return Requirement("fcf_margin", label, "fraction", m, run)


def implied_revenue_cagr(valuation: Valuation, target: float) -> Requirement:
    """Yearly revenue growth from the valuation year's revenue, over the run's years, that
    reaches the mark at the run's steady-state FCF margin (then Gordon at g) [fraction/yr].

    The margin is the normalised terminal one, ``NOPAT_n (1 - (1 - t) g/RONIC) / revenue_n`` (after
    tax, net of the reinvestment growth needs); the run's own CAGR is shown beside it.

    >>> cf = CashFlows([2030, 2031], np.array([[100.0], [110.0]]), np.array([[50.0], [55.0]]), np.zeros((2, 1)))
    >>> v = value_cash_flows(cf, Assumptions(wacc=0.10, terminal_growth=0.0, tax_rate=0.0, discounting="end", fade_years=0))
    >>> r = implied_revenue_cagr(v, float(v.enterprise_value[0]))   # the run's own growth, 10 %
    >>> round(r.required, 6), round(r.run, 6)
    (0.1, 0.1)
    """
    a = valuation.assumptions
    f = valuation.flows
    idx = [f.years.index(y) for y in valuation.years]
    rev = f.revenue[idx, 0]
    n = len(idx)
    ss = float(valuation.nopat_terminal[0]) * (1 - (1 - a.tax_rate) * a.terminal_growth / a.ronic_value) if a.terminal == "normalised" else float(valuation.fcf[-1, 0])
    margin = ss / float(rev[-1]) if rev[-1] > 0 else float("nan")
    run = float((rev[-1] / rev[0]) ** (1.0 / (n - 1)) - 1.0) if n > 1 and rev[0] > 0 and rev[-1] > 0 else None
    label = "revenue growth per year needed at the run's steady-state FCF margin"
    if not margin > 0 or rev[0] <= 0:
        return Requirement("revenue_cagr", label, "fraction/yr", None, run, f"the run's steady-state FCF margin is not positive ({100 * margin:.1f}%): no revenue growth reaches the mark")
    w, g = a.wacc, a.terminal_growth
    d = valuation.discount[:, 0]
    need = target - float(valuation.cash[0])

    def value(c: float) -> float:
        r = rev[0] * (1.0 + c) ** np.arange(n, dtype=float)
        fcf = margin * r
        return float((fcf * d).sum() + fcf[-1] * (1 + g) / (w - g) * d[-1]) - need

    c = _root(value, -0.5, 3.0, run if run is not None else 0.0)
    note = f"steady-state FCF margin {100 * margin:.1f}% of revenue" + ("" if c is not None else "; no growth between -50% and +300% a year reaches the mark")
    return Requirement("revenue_cagr", label, "fraction/yr", c, run, note)


def reverse_dcf(valuation: Valuation, target: float) -> list[Requirement]:
    """Every financial requirement of :mod:`this module <ecosim.finance.reverse>` for one mark."""
    flows, a, cash = valuation.flows, valuation.assumptions, float(valuation.cash[0])
    return [
        implied_fcf_scale(valuation, target),
        implied_wacc(flows, a, cash, target),
        implied_terminal_growth(flows, a, cash, target),
        implied_exit_multiple(valuation, target),
        implied_fcf_margin(valuation, target),
        implied_revenue_cagr(valuation, target),
    ]
