"""The gap, explained, as a figure: for each mark, the run's like-for-like value stacked by
segment, cash and raises (:func:`ecosim.finance.explain.explain`), with the mark beside it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ecosim.finance.explain import GapExplained
from ecosim.report.style import finish, new_figure

#: colours of the parts, in the order they are first met
PALETTE = ("#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e")


def gap_figure(items: list[GapExplained], path: Path, title: str) -> Path:
    """Horizontal stacked bars (positive parts to the right, negative to the left) of each
    mark's value compared [USD T], a black diamond at the mark; written to ``path`` (PNG)."""
    fig, ax = new_figure(width=10.0, height=0.55 * len(items) + 1.8)
    names = list(dict.fromkeys(k for e in items for k in e.parts))
    colour = {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}
    y = np.arange(len(items))[::-1]
    shown: set[str] = set()
    for yi, e in zip(y, items, strict=True):
        right = left = 0.0
        for name, usd in e.parts.items():
            v = usd / 1e12
            start = right if v >= 0 else left + v
            ax.barh(yi, abs(v), left=start, color=colour[name], label=None if name in shown else name, height=0.6)
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
