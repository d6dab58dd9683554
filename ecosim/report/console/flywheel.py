"""``ecosim flywheel`` on the console: the loops, their gains by year, dominant loops and
binding constraints, and the link ablations."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.report.numbers import human


def gain(g: float, open_below: float) -> str:
    """A loop gain as a signed percentage; ~0 within the open-loop threshold.

    >>> gain(0.0123, 0.001), gain(0.0004, 0.001), gain(float("nan"), 0.001)
    ('+1.23%', '~0', '—')
    """
    if g != g:
        return "—"
    if abs(g) <= open_below:
        return "~0"
    return f"{100 * g:+.2f}%"


def print_flywheel(out: Console, r: Any, scenario_name: str, top: int | None = None) -> None:
    """A :class:`ecosim.probe.FlywheelResult` (``top``: only the links whose cut moves the
    SpaceX and Tesla values most)."""
    out.print(f"[bold]ecosim flywheel[/bold] — {escape(scenario_name)} ({r.dates[0]} → {r.dates[-1]})")
    out.print(
        "Reduced network: agents linked by what they trade (goods) and by xAI's capability signal; the outside economy and investors "
        "(market, capital_market) left out; one cash pool per company (agent → cash when it earns from outside its company, cash → "
        "every agent it pays for). " + escape(r.notes[0])
    )
    t = Table(title="Loops (read from the probe edge, the one fewest other cycles share)", title_justify="left")
    for c in ("id", "loop", "path"):
        t.add_column(c)
    for lp in r.loops:
        t.add_row(lp.id, escape(lp.name), escape(lp.path))
    out.print(t)
    years = list(r.gains.index)
    shown = years if len(years) <= 8 else sorted({years[0], *years[1:-1:2], years[-1]})
    t = Table(title=f"Gains: the probe edge carries {100 * (1 - r.push_frac):g} % of its flow from January of the year; its flow {r.horizon_months} months later "
              "(+ reinforcing, − balancing: −100 % = fully made up, ~0 open)", title_justify="left")
    t.add_column("id")
    t.add_column("probe edge")
    for y in shown:
        t.add_column(str(y), justify="right")
    t.add_column("long run", justify="right")
    for lp in r.loops:
        t.add_row(lp.id, escape(lp.probe), *[gain(float(r.gains.loc[y, lp.id]), r.open_below) for y in shown], gain(r.long_run_gain[lp.id], r.open_below))
    out.print(t)
    out.print("long run: a push from the first year, read at the end of the run. " + escape(r.notes[1]))

    names = {lp.id: lp.name for lp in r.loops}
    t = Table(title="Dominant loops and binding constraints by year", title_justify="left")
    for c in ("year", "strongest reinforcing loop", "strongest balancing loop", "orbital DC build limited by", "xAI ground compute limited by", "orbital DC power, peak [GW]"):
        t.add_column(c, justify="right" if c.startswith(("year", "orbital DC power")) else "left")
    for y in r.binding.index:
        row = r.dominant.loc[y] if y in r.dominant.index else None

        def cell(kind: str, row: Any = row, y: int = y) -> str:
            if row is None or not row[kind]:
                return "—" if row is None else "none"
            return escape(f"{row[kind]} {names[row[kind]].split(' (')[0]} {gain(float(r.gains.loc[y, row[kind]]), r.open_below)}")

        b = r.binding.loc[y]
        t.add_row(str(y), cell("reinforcing"), cell("balancing"), str(b["orbital_dc"]), str(b["ground_compute"]), f"{b['odc_power_gw_peak']:,.3g}")
    out.print(t)

    if not r.ablation.empty:
        a = r.ablation.copy()
        t = Table(title="Ablation: each link cut for the whole run (one member each), against the uncut run", title_justify="left")
        for c, j in (("edge", "left"), ("between companies", "left"), ("xAI capability", "right"), ("orbital compute, peak", "right"), ("SpaceX value", "right"), ("Tesla value", "right")):
            t.add_column(c, justify=j)  # type: ignore[arg-type]
        b = r.base_outcomes
        t.add_row("[bold]uncut[/bold]", "", f"{b['xai_capability']:.3f}", f"{b['odc_compute_peak']:,.1f} EFLOP/s", human(b["spacex_value"], "USD"), human(b["tesla_value"], "USD"))

        def pct(x: float) -> str:
            return "—" if x != x else ("0" if abs(x) < 5e-5 else f"{100 * x:+.2f}%")

        if top is not None:
            a = a.reindex(a["spacex_value_delta"].abs().add(a["tesla_value_delta"].abs()).sort_values(ascending=False).index).head(top)
        for row in a.to_dict("records"):
            t.add_row(escape(row["edge"]), "yes" if row["inter_company"] else "no", pct(row["xai_capability_change"]), pct(row["odc_compute_peak_change"]),
                      human(row["spacex_value_delta"], "USD") if abs(row["spacex_value_delta"]) >= 1e6 else "0", human(row["tesla_value_delta"], "USD") if abs(row["tesla_value_delta"]) >= 1e6 else "0")
        out.print(t)
        out.print("Values: the same DCF as `ecosim value` on each member's SpaceX (+xAI from the merger) and Tesla cash flows; value columns are changes from the uncut run.")
    out.print(escape(r.notes[2]))
