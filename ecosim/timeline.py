"""Months as integers.

A month is stored as an absolute month number ``year * 12 + (month - 1)`` so that dates can
be compared, subtracted and varied across ensemble members like any other number.
One model step is one month.
"""

from __future__ import annotations

import re

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
