"""``ecosim flywheel`` on the console: loop dominance per outcome by year (Loops that Matter),
the loop families' shares, the reinvestment loops, the link ablations with intervals, a verdict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.flywheel import Flywheel
from ecosim.numbers import change_in


def share(x: float) -> str:
    """A relative loop score as a signed percentage ('—' when no loop is active).

    >>> share(0.4567), share(-0.01), share(float("nan"))
    ('+46%', '-1%', '—')
    """
    return "—" if x != x else f"{100 * x:+.0f}%"


def change(row: Mapping[str, Any], q: str) -> str:
    """An ablation row's change at ``q`` (median, p05, p95) as the row reads: relative
    (a signed percentage) or in the outcome's unit (dollars for a value).

    >>> change({"relative": True, "relative_median": -0.13, "change_median": -2.0, "unit": "index"}, "median")
    '-13%'
    >>> change({"relative": False, "relative_median": -3.8, "change_median": -1.54e11, "unit": "USD"}, "median")
    '-$154.0B'
    """
    if row["relative"]:
        return share(float(row[f"relative_{q}"]))
    return change_in(float(row[f"change_{q}"]), str(row["unit"]))


def ablation_rows(table: pd.DataFrame, top: int | None = None) -> list[dict[str, Any]]:
    """The rows of an ablation table that move their outcome, outcome by outcome (in the table's
    order), the largest median change first; ``top``: the N largest of each outcome. Changes of
    one outcome share a unit, so they are ranked within it, never across outcomes.

    >>> t = pd.DataFrame({"link": ["a", "b", "a", "b"], "outcome": ["x", "x", "v", "v"], "relative": [True, True, False, False],
    ...                   "relative_median": [-0.1, 0.3, -9.0, 2.0], "change_median": [-1.0, 3.0, -5e9, 0.0]})
    >>> [(r["outcome"], r["link"]) for r in ablation_rows(t)], [r["link"] for r in ablation_rows(t, top=1)]
    ([('x', 'b'), ('x', 'a'), ('v', 'a')], ['b', 'a'])
    """
    rows = []
    for outcome in dict.fromkeys(table["outcome"]):
        part = table[table["outcome"] == outcome].to_dict("records")
        size = {id(r): abs(float(r["relative_median" if r["relative"] else "change_median"])) for r in part}
        part = [r for r in part if size[id(r)] > 0]  # nan and 0: the cut moves nothing
        part.sort(key=lambda r: (-size[id(r)], r["link"]))
        rows += part if top is None else part[:top]
    return rows


def print_flywheel(out: Console, f: Flywheel, top: int | None = None) -> None:
    """A :class:`ecosim.analysis.flywheel.Flywheel` (``top``: only the N ablation rows of each
    outcome that move it most)."""
    out.print(f"[bold]ecosim flywheel[/bold] — {escape(f.scenario)} seed {f.seed} ({f.dates[0]} → {f.dates[-1]})")
    out.print(f"Loops that Matter on the run's own trajectory: {f.variables} variables, {f.links} measured links, "
              f"{f.loops} loops of up to {f.max_length} variables through links of mean strength ≥ {100 * f.min_link:.0f} % "
              f"(replay {f.replay_s:.1f} s). Share: the loop's relative score in the outcome's change, + reinforcing, - balancing.")
    for o in f.outcomes.values():
        t = Table(title=f"{o.label}: {o.loops} loops", title_justify="left")
        for c in ("year", "dominant loop", "polarity", "share", *o.families.columns):
            t.add_column(c, justify="left" if c == "dominant loop" else "right")
        fam = o.families.to_dict("index")
        for y, row in o.years.to_dict("index").items():
            pol = {1: "reinforcing", -1: "balancing"}.get(int(row["polarity"]), "none")
            t.add_row(str(y), escape(f"{row['dominant']} {row['name']}".strip()), pol, share(float(row["share"])), *(share(float(fam[y][c])) for c in o.families.columns))
        out.print(t)
        for lp in o.top:
            out.print(f"  {lp['id']} {escape(lp['name'])} ({100 * lp['mean_abs_share']:.0f} % on average): {escape(lp['path'])}")
    t = Table(title="Reinvestment loops: through a company's cash and a capacity decision (measured, not assumed)", title_justify="left")
    for c in ("loop", "share of the cash's loops", "active months", "path"):
        t.add_column(c)
    for loop in f.reinvestment:
        t.add_row(escape(f"{loop['id']} {loop['name']}"), f"{100 * loop['mean_abs_share']:.0f}%", f"{100 * loop['active_months']:.0f}%", escape(loop["path"]))
    out.print(t)
    if not f.ablation.empty:
        t = Table(title=f"Link ablations: each link cut for the whole run, {f.samples} samples (seeds × draws of {len(f.sampled)} uncertain parameters), "
                        "median change and 5–95 % interval: values in dollars, the others relative to the uncut run", title_justify="left")
        for c in ("link", "outcome", "median", "5 %", "95 %", "same sign"):
            t.add_column(c, justify="left" if c in ("link", "outcome") else "right")
        for r in ablation_rows(f.ablation, top):
            t.add_row(escape(r["link"]), r["outcome"], *(change(r, q) for q in ("median", "p05", "p95")), f"{100 * r['agree']:.0f}%")
        out.print(t)
        for s in f.strandings:
            out.print(f"  stranded: cutting {escape(s['link'])} leaves {escape(s['agent'])} spending {100 * s['spending_kept']:.0f} % with {100 * s['output_kept']:.0f} % of its output")
    out.print("[bold]Verdict[/bold]")
    for line in f.verdict():
        out.print("  " + escape(line))
