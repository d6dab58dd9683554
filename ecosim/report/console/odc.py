"""``ecosim odc-cost`` on the console: orbital against terrestrial lifetime cost per W,
itemised, the ratio and the break-even launch cost, and the year's figures as every command
reads them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.economics.odc_cost import ORBITAL_ITEMS, TERRESTRIAL_ITEMS
from ecosim.report.numbers import human

#: how each cost item is named in the table
ITEM_LABELS = {
    "hardware": "satellite hardware",
    "launch": "launch",
    "oversizing": "oversizing for degradation",
    "chip_replacement": "failed-chip replacement",
    "operations": "operations",
    "nre": "development (NRE)",
    "ai_hardware": "AI hardware",
    "facility": "facility capex (life share)",
    "energy": "energy",
    "interconnection": "interconnection wait (WACC)",
}


def print_odc_cost(out: Console, scenario_name: str, year: int, d: dict[str, Any], png: Path | None) -> None:
    """The comparison (``OdcCostResult.as_dict()``) and the sweep figure written, if any."""
    gw = d["capacity_gw"]
    out.print(
        f"[bold]ecosim odc-cost[/bold] — {escape(scenario_name)}, {d['month']}: SpaceX's orbital builder's comparison that month, {gw:g} GW of delivered IT power for {d['lifetime_yr']:g} years\n"
        f"launch cost paid {d['launch_cost_usd_per_kg']:,.0f} USD/kg ({escape(d['launch_cost_source'])}); satellite {d['specific_power_w_per_kg']:.1f} W/kg; "
        f"AI hardware {d['ai_hardware_usd_per_w']:.3g} USD/W; WACC {100 * d['wacc']:.2f}%",
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
        f"{fig['launch_cost']:,.0f} USD/kg (its price to outside customers {fig['launch_price']:,.0f} USD/kg)",
        highlight=False,
    )
    if be > 0:
        out.print(f"break-even launch cost: [bold]{be:,.0f} USD/kg[/bold]")
    else:
        out.print(f"break-even launch cost: [bold]{be:,.0f} USD/kg[/bold] — negative: even a free launch leaves orbit dearer")
    if png is not None:
        out.print(f"Wrote {escape(str(png))}", highlight=False)
