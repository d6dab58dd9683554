"""The ``ecosim`` command line (thin: parses, calls the library, prints).

Exit status: 0 success, 2 bad input (one line on stderr naming file/option, field,
expectation and value), 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.errors import EcosimError

console = Console(width=None if sys.stdout.isatty() else 132)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

SUBCOMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        err_console.print(f"[red]error:[/red] {self.prog}: {message}", highlight=False)
        raise SystemExit(2)


def _progress_runner(label: str) -> tuple[Any, Callable[[int, int], None]]:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("months"), TimeRemainingColumn(), console=err_console, transient=True, disable=not err_console.is_terminal)
    task = progress.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


# ------------------------------------------------------------------ run


def _fmt(value: float, unit: str = "") -> str:
    if value != value:  # NaN
        return "—"
    a = abs(value)
    if unit.startswith("USD") and a >= 1e6:
        if a >= 1e12:
            return f"${value / 1e12:,.2f}T"
        return f"${value / 1e9:,.1f}B" if a >= 1e9 else f"${value / 1e6:,.0f}M"
    if a >= 1e9:
        return f"{value / 1e9:,.2f}e9"
    if a >= 1e6:
        return f"{value / 1e6:,.2f}M"
    if a >= 100:
        return f"{value:,.0f}"
    if a >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


#: (label, column, how to read a year, unit)
SUMMARY_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("SpaceX launches [/yr]", "spacex_launches", "sum", ""),
    ("  of which Starship [/yr]", "starship_launches", "sum", ""),
    ("Launch cost to LEO [USD/kg]", "launch_cost_usd_per_kg", "last", ""),
    ("Starlink satellites", "starlink_satellites", "last", ""),
    ("Starlink subscribers", "starlink_subscribers", "last", ""),
    ("Kuiper satellites", "kuiper_satellites", "last", ""),
    ("Tesla deliveries [/yr]", "tesla_deliveries", "sum", ""),
    ("Tesla fleet [vehicles]", "tesla_fleet_vehicles", "last", ""),
    ("FSD miles, cumulative", "fsd_miles_cumulative", "last", ""),
    ("Cybercabs", "cybercab_fleet", "last", ""),
    ("Optimus robots", "optimus_robots", "last", ""),
    ("Data to xAI [PB/yr]", "data_collected_pb", "sum", ""),
    ("Orbital DC power [GW]", "odc_power_gw", "last", ""),
    ("Orbital / terrestrial cost", "odc_cost_ratio", "last", ""),
    ("Orbital compute [EFLOP/s]", "odc_compute_eflops", "last", ""),
    ("xAI terrestrial compute [EFLOP/s]", "terrestrial_compute_eflops", "last", ""),
    ("xAI capability [index]", "xai_capability_index", "last", ""),
    ("PV module price [USD/W]", "pv_module_price_usd_per_w", "last", ""),
    ("SpaceX revenue [/yr]", "spacex_revenue_usd", "sum", "USD"),
    ("SpaceX free cash flow [/yr]", "spacex_fcf_usd", "sum", "USD"),
    ("SpaceX(+xAI) narrative mark", "spacex_mark_usd", "last", "USD"),
)


def summary_table(ts: pd.DataFrame, title: str) -> Table:
    df = ts.copy()
    df["year"] = df["date"].str[:4].astype(int)
    years_all = sorted(df["year"].unique())
    if len(years_all) <= 7:
        years = years_all
    else:
        years = sorted({years_all[0], *[y for y in (2028, 2030, 2035) if y in years_all], years_all[-1]})
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("metric")
    for y in years:
        table.add_column(str(y), justify="right")
    g = df.groupby("year")
    for label, col, how, unit in SUMMARY_ROWS:
        vals = g[col].sum() if how == "sum" else g[col].last()
        table.add_row(escape(label), *[_fmt(float(vals[y]), unit) for y in years])
    return table


def calibration_rich(checks: list[Any]) -> Table:
    table = Table(title="Calibration against public history (ecosim/data/history.csv), tolerance ±25%", title_justify="left")
    for c, j in (("metric", "left"), ("period", "left"), ("published", "right"), ("model", "right"), ("error", "right"), ("", "left"), ("role", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for c in checks:
        ok = c.passes()
        unit = "USD" if c.unit.startswith("USD") else ""
        role = "calibrated" if c.asserted else "reference"
        table.add_row(c.metric, c.period, _fmt(c.published, unit), _fmt(c.model, unit), f"{100 * c.error_frac:+.1f}%", "[green]ok[/green]" if ok else "[red]outside[/red]", role)
    return table


def cmd_run(args: argparse.Namespace) -> int:
    from ecosim.run import run_scenario, write_run
    from ecosim.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set or [])
    out = Path(args.out) if args.out else Path("runs") / loaded.name
    progress, update = _progress_runner(f"running {loaded.name}")
    with progress:
        result = run_scenario(loaded, seed=args.seed, progress=update)
    write_run(result, out, figures=not args.no_figures)
    s = result.summary
    console.print(
        f"[bold]ecosim run[/bold] — {s['scenario']}: {s['description']}\n"
        f"{s['start']} → {s['end']} ({s['months']} months), seed {s['seed']}, simulated in {result.runtime_s:.2f} s"
        + (f"; started from the end of '{s['initial_state_from']}'" if s["initial_state_from"] else "")
    )
    console.print(summary_table(result.timeseries, "Key outcomes (flows per year, stocks at year end)"))
    if result.calibration:
        console.print(calibration_rich(result.calibration))
        cal = [c for c in result.calibration if c.asserted]
        ref = [c for c in result.calibration if not c.asserted]
        console.print(f"{sum(c.passes() for c in cal)} of {len(cal)} calibration checks within ±25%; {sum(c.passes() for c in ref)} of {len(ref)} reference checks.")
    files = ["timeseries.parquet", f"ledger.parquet ({len(result.ledger):,} transfers)", "summary.json", "scenario.toml", "network.json"]
    if not args.no_figures:
        files.append("figures/ (5 PNG)")
    console.print(f"Wrote [bold]{out}[/bold]: " + ", ".join(files))
    return 0


# ------------------------------------------------------------------ scenarios, edges


def cmd_scenarios(args: argparse.Namespace) -> int:
    from ecosim.scenario import bundled_scenarios, load_scenario

    table = Table(title="Bundled scenarios (ecosim run NAME or scenarios/NAME.toml)", title_justify="left")
    for c in ("name", "years", "description"):
        table.add_column(c)
    for name in bundled_scenarios():
        sc = load_scenario(name).model.scenario
        table.add_row(name, f"{sc.start_month[:4]}–{sc.end_month[:4]}", sc.description)
    console.print(table)
    return 0


def cmd_edges(args: argparse.Namespace) -> int:
    from ecosim.model import EcosimModel
    from ecosim.scenario import load_scenario

    model = EcosimModel(load_scenario(args.scenario, args.set or []), record_ledger=False)
    rows = [(d["id"], d["unit"], "cut" if not d["enabled"] else ("signal" if d["signal"] else "")) for _, _, _, d in model.network.edges(keys=True, data=True)]
    if args.json:
        print(json.dumps([{"edge": e, "unit": u, "note": n} for e, u, n in rows], indent=1))
        return 0
    table = Table(title="Exchange network edges (cut one with --set 'exchange.disable=[\"seller->buyer:commodity\"]')", title_justify="left")
    for c in ("edge", "unit", ""):
        table.add_column(c)
    for r in rows:
        table.add_row(*r)
    console.print(table)
    return 0


# ------------------------------------------------------------------ odc-cost


def cmd_odc_cost(args: argparse.Namespace) -> int:
    from ecosim.odc import (
        ITEM_LABELS,
        ORBITAL_ITEMS,
        TERRESTRIAL_ITEMS,
        odc_cost,
        parse_sweep,
        sweep_figure,
    )
    from ecosim.scenario import load_scenario

    if args.sweep:
        parse_sweep(args.sweep)  # bad option -> exit 2 before any work
    loaded = load_scenario(args.scenario, args.set or [])
    result = odc_cost(loaded, year=args.year, sweep=args.sweep)
    png = None
    if result.sweep is not None:
        png = Path(args.out) if args.out else Path(f"odc-cost-{loaded.name}-{result.year}.png")
        png.parent.mkdir(parents=True, exist_ok=True)
        sweep_figure(result, png, loaded.name)
    d = result.as_dict()
    if args.json:
        if png is not None:
            d["sweep_png"] = str(png)
        print(json.dumps(d, indent=2))
        return 0
    gw = d["capacity_gw"]
    console.print(
        f"[bold]ecosim odc-cost[/bold] — {loaded.name}, {result.year}: {gw:g} GW of delivered IT power for {d['lifetime_yr']:g} years\n"
        f"launch price {d['launch_cost_usd_per_kg']:,.0f} USD/kg ({d['launch_cost_source']}); satellite {d['specific_power_w_per_kg']:.1f} W/kg; "
        f"AI hardware {d['ai_hardware_usd_per_w']:g} USD/W; WACC {100 * d['wacc']:.2f}%"
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
                cells += [ITEM_LABELS[item], f"{usd / (gw * 1e9):.2f}", _fmt(usd, "USD")]
        table.add_row(*cells)
    table.add_row("[bold]total[/bold]", f"[bold]{d['orbital_usd_per_w']:.2f}[/bold]", _fmt(d["orbital_total_usd"], "USD"), "[bold]total[/bold]", f"[bold]{d['terrestrial_usd_per_w']:.2f}[/bold]", _fmt(d["terrestrial_total_usd"], "USD"))
    table.add_row("per MWh delivered", f"{d['orbital_usd_per_mwh']:.1f}", "", "per MWh delivered", f"{d['terrestrial_usd_per_mwh']:.1f}", "")
    console.print(table)
    be = d["breakeven_launch_usd_per_kg"]
    verdict = "cheaper in orbit" if d["ratio"] < 1 else "cheaper on the ground"
    console.print(f"orbital / terrestrial = [bold]{d['ratio']:.2f}[/bold] ({verdict})")
    if be > 0:
        console.print(f"break-even launch price: [bold]{be:,.0f} USD/kg[/bold]")
    else:
        console.print(f"break-even launch price: [bold]{be:,.0f} USD/kg[/bold] — negative: even a free launch leaves orbit dearer")
    if png is not None:
        console.print(f"Wrote {png}")
    return 0


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ecosim", description="Agent-based simulation of the Musk-ecosystem flywheel (Mesa).")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("run", help="run a scenario and write its results directory")
    p.add_argument("scenario", help="scenario file or bundled name")
    p.add_argument("--out", help="results directory (default runs/NAME)")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a field (TOML value; a bare word is a string)")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("scenarios", help="list bundled scenarios with one-line descriptions")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("edges", help="list the exchange network's edges (what --set exchange.disable can cut)")
    p.add_argument("scenario", nargs="?", default="baseline")
    p.add_argument("--set", action="append", metavar="PATH=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_edges)

    p = sub.add_parser("odc-cost", help="orbital vs terrestrial cost per W, itemised")
    p.add_argument("scenario")
    p.add_argument("--year", type=int, help="year of the launch price from the run (default: first year)")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.add_argument("--set", action="append", metavar="PATH=VALUE")
    p.add_argument("--sweep", metavar="launch_cost_usd_per_kg=START:STOP:STEP", help="draw cost against launch price as a PNG")
    p.add_argument("--out", help="PNG path for --sweep (default odc-cost-NAME-YEAR.png)")
    p.set_defaults(func=cmd_odc_cost)

    for _name, register in _EXTENSIONS:
        register(sub)
    return parser


#: further subcommands registered by other modules: (name, function(subparsers))
_EXTENSIONS: list[tuple[str, Callable[[Any], None]]] = []


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except EcosimError as exc:
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return 130
    except Exception:  # an internal error: say so, with the traceback for the bug report
        err_console.print("[red]internal error[/red] (please report):", highlight=False)
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
