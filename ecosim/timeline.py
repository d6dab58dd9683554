"""Months as integers.

A month is stored as an absolute month number ``year * 12 + (month - 1)`` so that dates can
be compared, subtracted and varied across ensemble members like any other number.
One model step is one month.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """Absolute month number of ``"YYYY-MM"``.

    >>> parse_month("2026-01") - parse_month("2025-12")
    1
    """
    m = _MONTH_RE.match(text.strip()) if isinstance(text, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"must be a month 'YYYY-MM' (got {text!r})")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def format_month(month: int) -> str:
    """``"YYYY-MM"`` of an absolute month number.

    >>> format_month(parse_month("2040-12"))
    '2040-12'
    """
    month = int(month)
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def year_of(month: int) -> int:
    """Calendar year of an absolute month number."""
    return int(month) // 12


def year_frac(month: float) -> float:
    """Decimal year of the middle of a month, e.g. 2026.04 for January 2026."""
    return (month + 0.5) / 12.0


def full_years(dates: Sequence[str]) -> list[int]:
    """Calendar years with all 12 months in ``dates`` (``YYYY-MM``), in order: the years a
    valuation or a yearly table can use.

    >>> full_years(["2025-12"] + [f"2026-{m:02d}" for m in range(1, 13)])
    [2026]
    """
    years = [int(d[:4]) for d in dates]
    return [y for y in sorted(set(years)) if years.count(y) == 12]


def trailing_twelve_months(monthly: ArrayLike, partial: str = "nan") -> np.ndarray:
    """A monthly flow as its trailing-12-month total (a rate per year), same shape as
    ``monthly`` ((months,) or (months, members)).

    The first 11 months have fewer than 12 months behind them: ``partial="nan"`` leaves them
    NaN, ``partial="annualise"`` gives the months so far times 12 over their number.

    >>> trailing_twelve_months(np.arange(13.0))[10:].tolist()
    [nan, 66.0, 78.0]
    >>> trailing_twelve_months(np.array([1.0, 2.0, 3.0]), partial="annualise").tolist()
    [12.0, 18.0, 24.0]
    """
    x = np.asarray(monthly, dtype=float)
    c = np.cumsum(x, axis=0)
    if partial == "annualise":
        n = np.arange(1, len(x) + 1, dtype=float).reshape((-1,) + (1,) * (x.ndim - 1))
        out = c * 12.0 / n
    elif partial == "nan":
        out = np.full_like(x, np.nan)
    else:
        raise ValueError(f"partial must be 'nan' or 'annualise' (got {partial!r})")
    if len(x) >= 12:
        out[11] = c[11]
        out[12:] = c[12:] - c[:-12]
    return out


def month_starts(months: Sequence[str]) -> pd.DatetimeIndex:
    """``YYYY-MM`` months as the first day of each month (a ``DatetimeIndex`` named ``date``).

    >>> [str(d.date()) for d in month_starts(["2026-01", "2026-02"])]
    ['2026-01-01', '2026-02-01']
    """
    return pd.DatetimeIndex(pd.to_datetime(list(months), format="%Y-%m"), name="date")


def dated_frame(months: Sequence[str], series: Mapping[str, np.ndarray], members: int, member: int | None = 0) -> pd.DataFrame:
    """Metrics of shape (months, members) as a DataFrame with a dated index: one row per month
    for ``member``, or per (date, member) when ``member`` is None (see :meth:`Results.to_frame`).

    >>> dated_frame(["2026-01", "2026-02"], {"x": np.array([[1.0, 2.0], [3.0, 4.0]])}, 2, member=1)  # doctest: +NORMALIZE_WHITESPACE
                  x
    date
    2026-01-01  2.0
    2026-02-01  4.0
    """
    dates = month_starts(months)
    if member is not None:
        if not -members <= member < members:
            raise IndexError(f"member must be in 0..{members - 1} (got {member})")
        return pd.DataFrame({n: np.asarray(c, dtype=float)[:, member] for n, c in series.items()}, index=dates)
    index = pd.MultiIndex.from_arrays([dates.repeat(members), np.tile(np.arange(members), len(dates))], names=["date", "member"])
    return pd.DataFrame({n: np.asarray(c, dtype=float).reshape(-1) for n, c in series.items()}, index=index)

