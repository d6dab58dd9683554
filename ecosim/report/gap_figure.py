"""The gap, explained, as a figure: for each mark, the run's like-for-like value stacked by
segment, cash and raises (:func:`ecosim.finance.explain.explain`), with the mark beside it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ecosim.finance.explain import GapExplained
from ecosim.report.style import finish, new_figure

#: colours of the segments, in the order they are first met, each used once: Paul Tol's "muted"
#: scheme (colour-blind safe) then Okabe and Ito's, their sky blue last (it is close to Tol's
#: cyan, the second colour); past them a hatch tells a repeated colour apart
PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
           "#E69F00", "#0072B2", "#D55E00", "#56B4E9")
#: the parts that are not segments, in neutral greys
NEUTRAL = {"cash at the valuation date": "#555555"}
RAISES_COLOUR = "#BBBBBB"


def part_styles(names: list[str]) -> dict[str, tuple[str, str]]:
    """(colour, hatch) of each part: cash and raises grey, every segment its own colour.

    >>> st = part_styles(["Starlink", "cash at the valuation date", "raises to the mark's date", "xAI"])
    >>> st["Starlink"], st["xAI"], st["cash at the valuation date"][0], st["raises to the mark's date"][0]
    (('#332288', ''), ('#88CCEE', ''), '#555555', '#BBBBBB')
    """
    out: dict[str, tuple[str, str]] = {}
    k = 0
    for n in names:
        if n in NEUTRAL:
            out[n] = (NEUTRAL[n], "")
        elif n.startswith("raises"):
            out[n] = (RAISES_COLOUR, "")
        else:
            out[n] = (PALETTE[k % len(PALETTE)], "" if k < len(PALETTE) else "//")
            k += 1
    return out


def gap_figure(items: list[GapExplained], path: Path, title: str) -> Path:
    """Horizontal stacked bars (positive parts to the right, negative to the left) of each
    mark's value compared [USD T], a black diamond at the mark; written to ``path`` (PNG)."""
    fig, ax = new_figure(width=10.0, height=0.55 * len(items) + 1.8)
    names = list(dict.fromkeys(k for e in items for k in e.parts))
    style = part_styles(names)
    y = np.arange(len(items))[::-1]
    shown: set[str] = set()
    for yi, e in zip(y, items, strict=True):
        right = left = 0.0
        for name, usd in e.parts.items():
            v = usd / 1e12
            start = right if v >= 0 else left + v
            ax.barh(yi, abs(v), left=start, color=style[name][0], hatch=style[name][1], edgecolor="white", linewidth=0.4,
                    label=None if name in shown else name, height=0.6)
            shown.add(name)
            if v >= 0:
                right += v
            else:
                left += v
        ax.plot([e.gap.mark.value_usd / 1e12], [yi], marker="D", color="black", markersize=6, label=None if "mark" in shown else "mark")
        shown.add("mark")
    ax.set_yticks(y, [f"{e.gap.mark.entity} {e.gap.mark.date} {e.gap.mark.kind.split(' (')[0]}" for e in items])
    ax.set_xlabel("USD trillion at the mark's date (value compared like for like)")
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.set_title(title.replace("$", r"\$"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    finish(fig, str(path))
    return path
