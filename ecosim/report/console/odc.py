"""``ecosim odc-cost`` on the console: orbital against terrestrial lifetime cost per W,
itemised, the ratio and the break-even launch cost, and the year's figures as every command
reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.economics.odc_cost import CONVENTIONS, ORBITAL_ITEMS, TERRESTRIAL_ITEMS
from ecosim.economics.odc_cross_check import CrossCheck
from ecosim.numbers import human

#: how each cost item is named in the table
ITEM_LABELS = {
    "hardware": "satellite hardware",
    "launch": "launch",
    "oversizing": "oversizing for degradation",
    "chip_replacement": "failed-chip replacement",
    "operations": "operations",
    "nre": "development (NRE)",
    "ai_hardware": "AI hardware",
    "facility": "facility capex",
    "energy": "energy",
    "interconnection": "interconnection wait (WACC)",
}


def print_odc_cost(out: Console, scenario_name: str, year: int, d: dict[str, Any], png: Path | None) -> None:
    """The comparison (``OdcCostResult.as_dict()``) and the sweep figure written, if any."""
    gw = d["capacity_gw"]
    out.print(
        f"[bold]ecosim odc-cost[/bold] — {escape(scenario_name)}, {d['month']}: SpaceX's orbital builder's comparison that month, {gw:g} GW of delivered IT power for {d['lifetime_yr']:g} years\n"
        f"launch paid by the builder {d['launch_cost_usd_per_kg']:,.0f} USD/kg ({escape(d['launch_cost_source'])}); satellite {d['specific_power_w_per_kg']:.1f} W/kg; "
        f"AI hardware {d['ai_hardware_usd_per_w']:.3g} USD/W; WACC {100 * d['wacc']:.2f}%\n"
        f"convention: {escape(d['convention'])} ({escape(d['convention_summary'])})",
        highlight=False,
    )
    table = Table(title="Lifetime cost, itemised", title_justify="left")
    for c, j in (("orbital", "left"), ("USD/W", "right"), ("total", "right"), ("terrestrial", "left"), ("USD/W ", "right"), ("total ", "right")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    rows = max(len(ORBITAL_ITEMS), len(TERRESTRIAL_ITEMS))
    for i in range(rows):
        left = ORBITAL_ITEMS[i] if i < len(ORBITAL_ITEMS) else None
        right = TERRESTRIAL_ITEMS[i] if i < len(TERRESTRIAL_ITEMS) else None
        cells = []
        for side, item in (("orbital", left), ("terrestrial", right)):
            if item is None:
                cells += ["", "", ""]
            else:
                usd = d[f"{side}_items_usd"][item]
                cells += [ITEM_LABELS[item], f"{usd / (gw * 1e9):.2f}", human(usd, "USD")]
        table.add_row(*cells)
    table.add_row("[bold]total[/bold]", f"[bold]{d['orbital_usd_per_w']:.2f}[/bold]", human(d["orbital_total_usd"], "USD"), "[bold]total[/bold]", f"[bold]{d['terrestrial_usd_per_w']:.2f}[/bold]", human(d["terrestrial_total_usd"], "USD"))
    table.add_row("per MWh delivered", f"{d['orbital_usd_per_mwh']:.1f}", "", "per MWh delivered", f"{d['terrestrial_usd_per_mwh']:.1f}", "")
    out.print(table)
    be = d["breakeven_launch_usd_per_kg"]
    verdict = "cheaper in orbit" if d["ratio"] < 1 else "cheaper on the ground"
    out.print(f"orbital / terrestrial cost ratio, {d['month']} = [bold]{d['ratio']:.2f}[/bold] ({verdict})")
    fig = d["year_figures"]
    out.print(
        f"{year} as every command reads it (December): cost ratio {fig['odc_cost_ratio']:.2f}; SpaceX launch cost to LEO "
        f"{fig['launch_cost']:,.0f} USD/kg (its cheapest vehicle's cost per kg; its price to outside customers {fig['launch_price']:,.0f} USD/kg)",
        highlight=False,
    )
    if be > 0:
        out.print(f"break-even launch cost: [bold]{be:,.0f} USD/kg[/bold]")
    else:
        out.print(f"break-even launch cost: [bold]{be:,.0f} USD/kg[/bold] — negative: even a free launch leaves orbit dearer")
    if png is not None:
        out.print(f"Wrote {escape(str(png))}", highlight=False)


def _breakeven(usd_per_kg: float) -> str:
    return f"{usd_per_kg:,.0f}" if usd_per_kg > 0 else f"none ({usd_per_kg:,.0f})"


def print_cross_check(out: Console, rows: list[CrossCheck]) -> None:
    """Published orbital-compute cost models reproduced under their own convention, and the
    ratio and break-even launch price of the same inputs under every named convention."""
    out.print("[bold]ecosim odc-cost --cross-check[/bold] — published models reproduced under their own conventions (docs/odc-conventions.md)", highlight=False)
    table = Table(title="Reproduction", title_justify="left")
    for c in ("case", "convention", "orbital published", "ecosim", "diff", "terrestrial published", "ecosim ", "diff "):
        table.add_column(c, justify="left" if c in ("case", "convention") else "right")
    for r in rows:
        table.add_row(
            escape(r.name), r.convention,
            human(r.published_orbital_usd, "USD"), human(r.orbital_usd, "USD"), f"{100 * r.orbital_error_frac:+.2f}%",
            human(r.published_terrestrial_usd, "USD"), human(r.terrestrial_usd, "USD"), f"{100 * r.terrestrial_error_frac:+.2f}%",
        )
    out.print(table)
    names = sorted(CONVENTIONS)
    conv = Table(title="The same inputs under each convention: orbital / terrestrial ratio (break-even launch price, USD/kg)", title_justify="left")
    conv.add_column("case")
    for n in names:
        conv.add_column(n, justify="right")
    for r in rows:
        conv.add_row(escape(r.name), *(f"{r.by_convention[n]['ratio']:.3f} ({_breakeven(r.by_convention[n]['breakeven_launch_usd_per_kg'])})" for n in names))
    out.print(conv)
    for n in names:
        out.print(f"{n}: {escape(CONVENTIONS[n].summary)}", highlight=False)
    for r in rows:
        out.print(f"{escape(r.name)} — {escape(r.source)}: {escape(r.note)}", highlight=False)


def cross_check_markdown(rows: list[CrossCheck]) -> str:
    """The cross-check as Markdown (README and docs/odc-conventions.md): the reproduction, then
    the ratio and break-even launch price of the same inputs under every named convention."""
    names = sorted(CONVENTIONS)
    lines = [
        "Printed by `ecosim odc-cost --cross-check` (totals in USD; a break-even is the launch price at which orbit costs what the ground does, \"none\" when even a free launch leaves orbit dearer):",
        "",
        "| case | convention | orbital, published | ecosim | diff | terrestrial, published | ecosim | diff |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.convention} | {r.published_orbital_usd:,.0f} | {r.orbital_usd:,.0f} | {100 * r.orbital_error_frac:+.2f}% "
            f"| {r.published_terrestrial_usd:,.0f} | {r.terrestrial_usd:,.0f} | {100 * r.terrestrial_error_frac:+.2f}% |"
        )
    lines += ["", "The same inputs under each convention, orbital / terrestrial ratio (break-even launch price, USD/kg):", ""]
    lines += ["| case | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for r in rows:
        cells = [f"{r.by_convention[n]['ratio']:.3f} ({_breakeven(r.by_convention[n]['breakeven_launch_usd_per_kg'])})" for n in names]
        lines.append(f"| {r.name} | " + " | ".join(cells) + " |")
    lines += ["", "What remains different, case by case:", ""]
    lines += [f"* **{r.name}** ({r.source}): {r.note}." for r in rows]
    return "\n".join(lines)
