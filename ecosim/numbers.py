"""Numbers as people read them: ``$1.25T``, ``13.16M``, ``0.0929`` (tables, reports, axes).

Pure formatting, below every layer that words its results (analysis's verdicts, finance's
explanations, report's tables): it imports nothing of ecosim."""

from __future__ import annotations


def human(value: float, unit: str = "") -> str:
    """A value in a few significant digits; money (``unit`` starting with USD) in $M/$B/$T.

    >>> human(1.25e12, "USD"), human(-2.48e10, "USD/yr"), human(13.16e6), human(1234.5), human(0.0929)
    ('$1.25T', '-$24.8B', '13.16M', '1,234', '0.0929')
    >>> human(46.0), human(2.5)
    ('46', '2.50')
    >>> human(float("nan"))
    '—'
    """
    if value != value:  # NaN
        return "—"
    a = abs(value)
    if unit.startswith("USD") and a >= 1e6:
        sign = "-" if value < 0 else ""
        if a >= 1e12:
            return f"{sign}${a / 1e12:,.2f}T"
        return f"{sign}${a / 1e9:,.1f}B" if a >= 1e9 else f"{sign}${a / 1e6:,.0f}M"
    if a >= 1e9:
        return f"{value / 1e9:,.2f}e9"
    if a >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if a >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    if a >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def signed(value: float, unit: str = "") -> str:
    """A difference with its sign: ``+$1.2B``, ``-3.40``, ``0`` for none.

    >>> signed(1.2e9, "USD"), signed(-3.4), signed(0.0)
    ('+$1.2B', '-3.40', '0')
    """
    if value != value:
        return "—"
    if value == 0:
        return "0"
    text = human(abs(value), unit)
    return ("+" if value > 0 else "-") + text


def change_in(value: float, unit: str = "") -> str:
    """A change in ``unit`` with its sign, money in dollars at any size (an ablation's changes
    run from cents to trillions): ``-$48.2B``, ``+$0.28M``, ``-1.60``, ``0`` for none.

    >>> change_in(-4.82e10, "USD"), change_in(281_890.0, "USD"), change_in(-1.6, "index"), change_in(0.0, "USD")
    ('-$48.2B', '+$0.28M', '-1.60', '0')
    """
    a = abs(value)
    if unit.startswith("USD") and 0 < a < 1e6:
        return ("+" if value > 0 else "-") + f"${a / 1e6:.2f}M"
    return signed(value, unit)


def with_unit(value: float, unit: str) -> str:
    """A value followed by its unit, except money (already shown with ``$``) and ``-``.

    >>> with_unit(19400.0, "satellites"), with_unit(2.5e9, "USD/yr"), with_unit(0.5, "ratio")
    ('19,400 satellites', '$2.5B/yr', '0.5 ratio')
    """
    text = human(value, unit)
    if text.startswith(("$", "-$")) or text == "—":
        return text + (unit[3:] if unit.startswith("USD/") else "")
    return f"{text} {unit}" if unit and unit != "-" else text
