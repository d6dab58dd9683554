"""Tooltips of the browser view: terms and units explained where they appear on the page.

The explanations are :data:`ecosim.nomenclature.TERMS` and :data:`ecosim.nomenclature.UNITS`
(also printed in ``docs/nomenclature.md``), so the page and the glossary cannot disagree. A
term is marked up as ``<abbr class="ecosim-term" title="...">`` (the browser shows the
meaning on hover, with a dotted underline saying there is one).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from ecosim.nomenclature import TERMS, UNITS

#: units too short or too common in prose to be marked up inside a sentence (their unit
#: positions, e.g. a lever's ``[t]``, still get a tooltip through :func:`unit_tip`)
PLAIN_UNITS = frozenset({"t", "-", "%", "count", "days", "yr", "index", "ratio", "frac", "satellites", "subscribers", "USD", "MW", "GW", "PB"})


def abbr(shown: str, meaning: str) -> str:
    """``shown`` with ``meaning`` as its tooltip (both escaped).

    >>> abbr("H100e", "H100-equivalent <accelerators>")
    '<abbr class="ecosim-term" title="H100-equivalent &lt;accelerators&gt;">H100e</abbr>'
    """
    return f'<abbr class="ecosim-term" title="{escape(meaning, quote=True)}">{escape(shown)}</abbr>'


def unit_tip(unit: str) -> str:
    """A unit with its meaning as a tooltip (escaped text alone when the glossary lacks it).

    >>> unit_tip("USD/kg")
    '<abbr class="ecosim-term" title="USD/kg: US dollars per kilogram to low Earth orbit">USD/kg</abbr>'
    """
    meaning = UNITS.get(unit)
    return abbr(unit, f"{unit}: {meaning}") if meaning else escape(unit)


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    meanings = {t.lower(): f"{t}: {d}" for t, d in TERMS.items()}
    for u, d in UNITS.items():
        if u not in PLAIN_UNITS:
            meanings.setdefault(u.lower(), f"{u}: {d}")
    words = sorted(meanings, key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w/])({alternatives})(?![\w/])", re.IGNORECASE), meanings


def gloss(text: str) -> str:
    """``text`` as HTML with each glossary term's first appearance given its meaning as a tooltip.

    >>> gloss("Compute in EFLOP/s & more")
    'Compute in <abbr class="ecosim-term" title="EFLOP/s: Exa floating-point operations per second (10^18 per second): AI compute capacity.">EFLOP/s</abbr> &amp; more'
    """
    pattern, meanings = _pattern()
    out, seen, last = [], set(), 0
    for m in pattern.finditer(text):
        key = m.group(1).lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(escape(text[last : m.start()]))
        out.append(abbr(m.group(1), meanings[key]))
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def terms_in(text: str) -> list[str]:
    """The glossary entries :func:`gloss` finds in ``text`` (lower case, in order)."""
    pattern, _ = _pattern()
    return list(dict.fromkeys(m.group(1).lower() for m in pattern.finditer(text)))
