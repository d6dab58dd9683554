"""``ecosim flywheel`` on the console: loop dominance per outcome by year (Loops that Matter),
the loop families' shares, the reinvestment loops, the link ablations with intervals, a verdict."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.analysis.flywheel import Flywheel


def share(x: float) -> str:
    """A relative loop score as a signed percentage ('—' when no loop is active).

    >>> share(0.4567), share(-0.01), share(float("nan"))
    ('+46%', '-1%', '—')
    """
    return "—" if x != x else f"{100 * x:+.0f}%"


def print_flywheel(out: Console, f: Flywheel, top: int | None = None) -> None:
    """A :class:`ecosim.analysis.flywheel.Flywheel` (``top``: only the N ablation rows that move
    an outcome most)."""
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
        tab = f.ablation.copy()
        tab["size"] = tab["change_median"].abs()
        tab = tab.sort_values(["size", "link"], ascending=[False, True])
        if top is not None:
            tab = tab.head(top)
        t = Table(title=f"Link ablations: each link cut for the whole run, {f.samples} samples (seeds × draws of {len(f.sampled)} uncertain parameters), "
                        "median change and 5–95 % interval", title_justify="left")
        for c in ("link", "outcome", "median", "5 %", "95 %", "same sign"):
            t.add_column(c, justify="left" if c in ("link", "outcome") else "right")
        for _, r in tab.iterrows():
            if r["size"] == 0 or r["size"] != r["size"]:
                continue
            t.add_row(escape(r["link"]), r["outcome"], share(r["change_median"]), share(r["change_p05"]), share(r["change_p95"]), f"{100 * r['agree']:.0f}%")
        out.print(t)
        for s in f.strandings:
            out.print(f"  stranded: cutting {escape(s['link'])} leaves {escape(s['agent'])} spending {100 * s['spending_kept']:.0f} % with {100 * s['output_kept']:.0f} % of its output")
    out.print("[bold]Verdict[/bold]")
    for line in f.verdict():
        out.print("  " + escape(line))
