"""``ecosim flywheel`` on the console: loop dominance per outcome by year (Loops that Matter),
the loop families' shares, the reinvestment loops, the link ablations with intervals, a verdict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.flywheel import Flywheel, share_range
from ecosim.numbers import change_in


def share(x: float) -> str:
    """A relative loop score as a signed percentage ('—' when no loop is active).

    >>> share(0.4567), share(-0.01), share(float("nan"))
    ('+46%', '-1%', '—')
    """
    return "—" if x != x else f"{100 * x:+.0f}%"


def ranged(x: float, lo: float | None = None, hi: float | None = None, signed: bool = True) -> str:
    """A share and its range over the link-strength thresholds ('+21% [+9%, +24%]'), the share
    alone where the range rounds to it or there is none.

    >>> ranged(0.21, 0.09, 0.24), ranged(0.0, 0.0, 0.0), ranged(0.52, 0.51, 0.55, signed=False), ranged(0.3)
    ('+21% [+9%, +24%]', '+0%', '52% [51%, 55%]', '+30%')
    """
    def p(v: float) -> str:
        return share(v) if signed else ("—" if v != v else f"{100 * v:.0f}%")

    if lo is None or hi is None or lo != lo:
        return p(x)
    a, b = p(lo), p(hi)
    return p(x) if a == b == p(x) else f"{p(x)} [{a}, {b}]"


def _at(t: float) -> str:
    return f"{100 * t:.4g} %"


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
    ranges = len(f.thresholds) > 1
    if ranges:
        out.print(f"In brackets: the range over link-strength thresholds {', '.join(_at(t) for t in f.thresholds)} "
                  f"({', '.join(str(n) for n in f.threshold_loops)} loops; a loop missing at one counts 0 there). A share whose range reaches 0 "
                  "or changes sign is not robust; 'at other thresholds' names the loop that dominates the year where it is another one.")
    for o in f.outcomes.values():
        t = Table(title=f"{o.label}: {o.loops} loops", title_justify="left")
        for c in ("year", "dominant loop", "polarity", "share", *o.families.columns, *(("at other thresholds",) if ranges else ())):
            t.add_column(c, justify="left" if c in ("dominant loop", "at other thresholds") else "right")
        fam = o.families.to_dict("index")
        at = {c: v.to_dict("index") for c, v in o.family_variants.items()}  # family -> year -> threshold -> share
        for y, row in o.years.to_dict("index").items():
            pol = {1: "reinforcing", -1: "balancing"}.get(int(row["polarity"]), "none")
            cells = []
            for c in o.families.columns:
                if c in at:
                    lo, hi = share_range([float(v) for v in at[c][y].values()])
                    cells.append(ranged(float(fam[y][c]), lo, hi))
                else:
                    cells.append(share(float(fam[y][c])))
            other = ([escape(str(row.get("elsewhere", ""))) or "same"] if ranges else [])
            t.add_row(str(y), escape(f"{row['dominant']} {row['name']}".strip()), pol, share(float(row["share"])), *cells, *other)
        out.print(t)
        for lp in o.top:
            absent = f", not a loop at {', '.join(_at(a) for a in lp['absent_at'])}" if lp.get("absent_at") else ""
            out.print(f"  {lp['id']} {escape(lp['name'])} ({ranged(lp['mean_abs_share'], lp.get('low'), lp.get('high'), signed=False)} on average{absent}): {escape(lp['path'])}")
        for m in f.marginal.get(o.key, []):
            out.print(f"  near the threshold: {escape(m['link'])} (mean strength {100 * m['strength']:.1f} %): its loops carry {100 * m['carries']:.0f} % of the loop score")
    t = Table(title="Reinvestment loops: through a company's cash and a capacity decision (measured, not assumed)", title_justify="left")
    for c in ("loop", "share of the cash's loops", "active months", "path"):
        t.add_column(c)
    for loop in f.reinvestment:
        absent = f" (not a loop at {', '.join(_at(a) for a in loop['absent_at'])})" if loop.get("absent_at") else ""
        t.add_row(escape(f"{loop['id']} {loop['name']}"), ranged(loop["mean_abs_share"], loop.get("low"), loop.get("high"), signed=False) + absent,
                  f"{100 * loop['active_months']:.0f}%", escape(loop["path"]))
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
