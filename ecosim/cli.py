"""The ``ecosim`` command line (thin: parses, calls the library, prints).

Exit status: 0 success, 2 bad input (one line on stderr naming file/option, field,
expectation and value), 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecosim.errors import EcosimError, UsageError
from ecosim.report.numbers import human as _fmt
from ecosim.report.numbers import with_unit

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


def scorecard_rich(rows: Sequence[Any], title: str) -> Table:
    """The narrative scorecard of one run: claim, where it is said, verdict, when, value."""
    from ecosim.analysis.scorecard import SYMBOLS

    table = Table(title=title, title_justify="left")
    for c, j in (("claim", "left"), ("seed:line", "left"), ("verdict", "left"), ("when", "left"), ("value (then, or closest)", "right"), ("at end", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for r in rows:
        value = "" if r.value is None else with_unit(r.value, r.unit)
        at_end = {True: "holds", False: "no", None: ""}[r.holds_at_end]
        table.add_row(escape(r.claim), r.short_source, SYMBOLS[r.status], r.when or "", value, at_end)
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
        f"[bold]ecosim run[/bold] — {s.scenario}: {s.description}\n"
        f"{s.start} → {s.end} ({s.months} months), seed {s.seed}, simulated in {result.runtime_s:.2f} s"
        + (f"; started from the end of '{s.initial_state_from}'" if s.initial_state_from else "")
    )
    console.print(summary_table(result.timeseries, "Key outcomes (flows per year, stocks at year end)"))
    shown = [c for c in result.calibration if c.status != "outside the run"]
    if any(c.represented and c.status != "input" for c in shown):
        from ecosim.report.calibration_view import history_rich, summary_line

        console.print(history_rich(shown, "Calibration against public history (ecosim/data/history.csv): every row"))
        _print_notes(shown)
        cal = [c for c in result.calibration if c.asserted and c.represented]
        console.print(f"{sum(c.passes() for c in cal)} of {len(cal)} calibration checks within ±25%. {summary_line(shown)}")
        if len(shown) < len(result.calibration):
            console.print(f"{len(result.calibration) - len(shown)} rows fall outside this run's months.")
    console.print(scorecard_rich(s.scorecard, "Narrative scorecard (claims of the seeds, ecosim/data/claims.toml): does each come true, and when?"))
    files = ["timeseries.parquet", f"ledger.parquet ({len(result.ledger):,} transfers)", "summary.json", "scenario.toml", "network.json"]
    if not args.no_figures:
        files.append("figures/ (5 PNG)")
    console.print(f"Wrote [bold]{out}[/bold]: " + ", ".join(files))
    return 0


# ------------------------------------------------------------------ calibrate


def cmd_calibrate(args: argparse.Namespace) -> int:
    from ecosim.calibration.spec import load_calibration

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be >= 1 (got {args.workers})")
    spec = load_calibration(args.file)
    out = Path(args.out) if args.out else Path("runs") / f"calibration-{spec.meta.name}"
    if args.screen:
        return _calibrate_screen(spec, args.trajectories)
    if args.report and args.markdown:
        return _calibrate_markdown(out)
    if args.report:
        return _calibrate_report(spec, out)
    if args.backtest:
        return _calibrate_backtest(spec, out, args.workers or 1, args.markdown)
    meta = spec.meta
    console.print(
        f"[bold]ecosim calibrate[/bold] — {escape(meta.name)}: {escape(meta.description)}\n"
        f"{len(spec.names)} parameters; scenario {escape(spec.scenario.name)}, rows up to {spec.fit_until}; ABC-SMC (Del Moral et al. 2012), "
        f"{meta.particles:,} particles in chunks of {meta.chunk_size:,} members, seed {meta.seed}, budget {meta.max_simulations:,} simulated histories"
    )
    run = _run_calibration(spec, out, args.workers or 1)
    if isinstance(run, int):
        return run
    _print_posterior(run.store)
    return 0


def _run_calibration(spec: Any, out: Path, workers: int) -> Any:
    from ecosim.calibration.runner import calibrate

    meta = spec.meta
    holder: dict[str, Any] = {}
    total = meta.max_simulations + meta.predictive_draws

    def on_start(man: dict[str, Any], pool: Any) -> None:
        done = man["generations"][-1]["simulations"] if man["generations"] else 0
        if done:
            console.print(f"resuming {out}: {len(man['generations'])} generations ({done:,} simulations) already stored")
        console.print(f"running on {pool.description}")
        holder["progress"], holder["update"] = _experiment_progress(total, done, "histories")
        holder["progress"].__enter__()

    def on_generation(pop: Any) -> None:
        acc = "" if pop.generation == 0 else f", acceptance {100 * pop.acceptance:.1f}%"
        console.print(f"  generation {pop.generation}: tolerance {pop.epsilon:.3g}{acc}, ESS {pop.ess:,.0f}, {pop.simulations:,} simulations" + (f" — stop: {pop.stop}" if pop.stop else ""), highlight=False)

    try:
        run = calibrate(spec, out, workers=workers, on_start=on_start, on_progress=lambda n, what: holder["update"](n) if "update" in holder else None, on_generation=on_generation)
    except KeyboardInterrupt:
        err_console.print(f"interrupted: the finished generations and chunks are stored in {out}; run the same command again to resume")
        return 130
    finally:
        if "progress" in holder:
            holder["progress"].__exit__(None, None, None)
    console.print(f"{meta.name}: {run.ran_simulations:,} histories simulated in {_hms(run.elapsed_s)} ({run.ran_simulations / max(run.elapsed_s, 1e-9):,.0f}/s); posterior → {out}")
    return run


def _print_notes(checks: list[Any]) -> None:
    from ecosim.report.calibration_view import notes

    for line in notes(checks):
        console.print(f"  {escape(line)}", highlight=False)


def _print_posterior(store: Any) -> None:
    from ecosim.calibration.runner import fit_checks
    from ecosim.report.calibration_view import (
        diagnostics_rich,
        history_rich,
        posterior_rich,
        summary_line,
    )

    man = store.manifest()
    console.print(diagnostics_rich(man))
    console.print(f"stopped: {man['stop']}")
    console.print(posterior_rich(man, store.posterior()))
    checks = fit_checks(store)
    console.print(history_rich(checks, f"Every history row under the posterior predictive ({man['settings']['predictive_draws']:,} draws): median and 5–95 %"))
    _print_notes(checks)
    console.print(summary_line(checks) + " " + _data_coverage(store))


def _data_coverage(store: Any) -> str:
    fit = store.table("fit")
    f = fit[fit["status"] == "fit"]
    return f"{int(f['within_90pct_data'].sum())} of {len(f)} fitted figures inside the 5–95 % range the posterior predicts for them (the model plus each row's uncertainty and the model discrepancy)."


def _calibrate_report(spec: Any, out: Path) -> int:
    from ecosim.calibration.store import PosteriorStore
    from ecosim.report.calibration_view import history_rich, summary_line

    store = PosteriorStore(out)
    if store.exists() and (out / "fit.parquet").is_file():
        _print_posterior(store)
        return 0
    from ecosim.analysis.calibration import calibration_table
    from ecosim.run import run_scenario

    result = run_scenario(spec.scenario)
    checks = calibration_table(result.timeseries, spec.scenario.model)
    console.print(f"no posterior in {out}: the {escape(spec.scenario.name)} scenario's own run (its hand-set parameters)")
    console.print(history_rich(checks, "Every history row (ecosim/data/history.csv) against one run"))
    _print_notes(checks)
    console.print(summary_line(checks))
    return 0


def _calibrate_screen(spec: Any, trajectories: int) -> int:
    from ecosim.calibration.screen import assumption_fields, morris_screen

    cands = assumption_fields(spec.scenario.path)
    console.print(f"Morris screen of {len(cands)} assumptions of {spec.scenario.path} (±30 %), {trajectories} trajectories = {(len(cands) + 1) * trajectories:,} members of one model")
    df = morris_screen(spec.scenario, cands, trajectories=trajectories, seed=spec.meta.seed)
    table = Table(title="Assumptions ranked by Morris mu* of the history discrepancy", title_justify="left")
    for h, j in (("rank", "right"), ("field", "left"), ("value", "right"), ("mu*", "right"), ("sigma", "right"), ("calibrated", "left")):
        table.add_column(h, justify=j)  # type: ignore[arg-type]
    for i, (_, r) in enumerate(df.head(30).iterrows()):
        table.add_row(str(i + 1), escape(str(r["path"])), _fmt(float(r["value"])), f"{r['mu_star']:.3f}", f"{r['sigma']:.3f}", "yes" if r["path"] in spec.parameters else "")
    console.print(table)
    return 0


def _calibrate_markdown(out: Path) -> int:
    """The posterior's tables in Markdown (the README's calibration sections)."""
    from ecosim.calibration.runner import fit_checks
    from ecosim.calibration.store import PosteriorStore
    from ecosim.report.calibration_view import (
        diagnostics_markdown,
        history_markdown,
        notes,
        posterior_markdown,
        summary_line,
    )

    store = PosteriorStore(out)
    man = store.manifest()
    checks = fit_checks(store)
    print(history_markdown(checks))
    print()
    print(summary_line(checks) + " " + _data_coverage(store))
    print()
    for line in notes(checks):
        print(f"- {line}")
    print()
    print(posterior_markdown(man, store.posterior()))
    print()
    print(diagnostics_markdown(man))
    print()
    print(f"Stopped: {man['stop']}.")
    return 0


def _calibrate_backtest(spec: Any, out: Path, workers: int, markdown: bool = False) -> int:
    from ecosim.calibration.backtest import ORIGINS, run_backtests, summary
    from ecosim.report.calibration_view import (
        backtest_markdown,
        backtest_rich,
        backtest_summary_markdown,
        backtest_summary_rich,
    )

    if markdown:
        results = run_backtests(spec, out / "backtest", workers=workers)
        import pandas as pd

        print(backtest_summary_markdown(summary(results)))
        print()
        print(backtest_markdown(pd.concat([r.forecasts for r in results], ignore_index=True)))
        return 0

    console.print(f"[bold]ecosim calibrate --backtest[/bold] — rolling origins {', '.join(map(str, ORIGINS))}: fit on the history up to each year, forecast the next two blind")
    results = run_backtests(spec, out / "backtest", workers=workers, on_origin=lambda y: console.print(f"origin {y}: calibrating on rows up to {y}-12"))
    for r in results:
        console.print(backtest_rich(r.forecasts, f"Forecasts from origin {r.origin} ({r.generations} generations, {r.simulations:,} simulations)"))
    console.print(backtest_summary_rich(summary(results)))
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
    from ecosim.scenario import load_scenario
    from ecosim.simulate import simulate

    network = simulate(load_scenario(args.scenario, args.set or []), until=0).network
    rows = [(d["id"], d["unit"], "cut" if not d["enabled"] else ("signal" if d["signal"] else "")) for _, _, _, d in network.edges(keys=True, data=True)]
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


# ------------------------------------------------------------------ value


def _json(obj: Any) -> str:
    """Strict JSON (no NaN or Infinity tokens: a missing number is null)."""

    def clean(x: Any) -> Any:
        if isinstance(x, dict):
            return {str(k): clean(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [clean(v) for v in x]
        if hasattr(x, "item") and not isinstance(x, str):
            x = x.item()
        if isinstance(x, float) and not math.isfinite(x):
            return None
        return x

    return json.dumps(clean(obj), indent=1, ensure_ascii=False, allow_nan=False)


def _pct(x: float | None, digits: int = 1) -> str:
    if x is None or x != x:
        return "—"
    return f"{100 * x:,.{digits}f}%"


def _percent_option(text: str, option: str) -> float:
    """``--wacc 9.2`` or ``9.2%`` -> 0.092; one-line UsageError otherwise."""
    raw = text.strip().rstrip("%")
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{option} must be a percentage such as 9.2 (got {text!r})") from None
    if value != value or abs(value) == float("inf"):
        raise UsageError(f"{option} must be a finite percentage (got {text!r})")
    return value / 100.0


def _value_overrides(args: argparse.Namespace) -> dict[str, Any]:
    o: dict[str, Any] = {}
    if args.wacc is not None:
        o["wacc"] = _percent_option(args.wacc, "--wacc")
        if not 0.0 < o["wacc"] <= 1.0 or o["wacc"] < 0.005:
            raise UsageError(f"--wacc is a percentage between 0.5 and 100, e.g. 9.2 for 9.2 % (got {args.wacc!r})")
    if args.terminal_growth is not None:
        o["terminal_growth"] = _percent_option(args.terminal_growth, "--terminal-growth")
        if not -0.10 <= o["terminal_growth"] <= 0.10:
            raise UsageError(f"--terminal-growth is a percentage between -10 and 10 (got {args.terminal_growth!r})")
    if args.tax_rate is not None:
        o["tax_rate"] = _percent_option(args.tax_rate, "--tax-rate")
        if not 0.0 <= o["tax_rate"] < 1.0:
            raise UsageError(f"--tax-rate is a percentage from 0 to below 100 (got {args.tax_rate!r})")
    if args.exit_multiple is not None:
        if not args.exit_multiple > 0:
            raise UsageError(f"--exit-multiple must be > 0 (got {args.exit_multiple:g})")
        o["exit_multiple"] = args.exit_multiple
    if args.fade_years is not None:
        if not 0 <= args.fade_years <= 50:
            raise UsageError(f"--fade-years must be between 0 and 50 (got {args.fade_years})")
        o["fade_years"] = args.fade_years
    o["terminal"] = args.terminal
    o["valuation_year"] = args.valuation_year
    return o


def _requirement_cell(r: Any) -> str:
    def v(x: float | None) -> str:
        if x is None:
            return "—"
        if r.unit.startswith("fraction"):
            return _pct(x)
        return f"{x:,.2f}x" if r.unit == "x" else f"{x:,.2f}"

    if r.required is None:
        return "unreachable"
    return f"{v(r.required)} ({v(r.run)})"


def _value_tables(rv: Any, args: argparse.Namespace) -> None:
    from ecosim.economics.wacc import wacc_build_up
    from ecosim.scenario.params import params_of

    a = rv.assumptions
    cm = rv.run.scenario.model.capital_market
    b = wacc_build_up(params_of(cm))
    first = next(iter(rv.entities.values())).valuation
    console.print(f"[bold]ecosim value[/bold] — {escape(rv.run.name)} ({escape(str(rv.run.path))}), values at the start of {first.years[0]}; cash flows {first.years[0]}–{first.years[-1]} from the run's ledger")
    if "wacc" in a.sources and a.sources["wacc"] == "command-line override":
        console.print(f"WACC {_pct(a.wacc, 2)} (--wacc; the scenario's is {_pct(b['wacc'], 2)})")
    else:
        console.print(
            f"WACC {_pct(a.wacc, 2)} = equity {_pct(1 - b['debt_to_capital'], 0)} × (rf {_pct(b['risk_free'])} + βL {b['beta_levered']:.3f} × MRP {_pct(b['market_risk_premium'])}"
            f" = {_pct(b['cost_of_equity'], 2)}) + debt {_pct(b['debt_to_capital'], 0)} × {_pct(b['cost_of_debt'])} × (1 − tax {_pct(b['tax_rate'], 0)}); "
            f"βL = βU {b['beta_unlevered']:.2f} × (1 + (1 − t) D/E) (Hamada)"
        )
    term = {
        "normalised": f"normalised (value driver: NOPAT × (1 − g/RONIC) / (WACC − g), RONIC {_pct(a.ronic_value, 2)}, {a.fade_years} fade years, capex depreciated over {a.asset_life_yr:g} yr)",
        "gordon": "Gordon growth on the last year's FCF",
        "exit": f"exit at {a.exit_multiple:g}× last-year {a.exit_metric}",
    }[a.terminal]
    console.print(f"terminal growth {_pct(a.terminal_growth)}; tax {_pct(a.tax_rate, 0)} on pre-tax FCF (full expensing), losses carried forward (offset ≤ {_pct(a.nol_limit_frac, 0)} of a year's profit); terminal value: {term}")

    t = Table(title="Fundamental value by entity (equity = enterprise value + cash; the world has no debt)", title_justify="left")
    for c, j in (("entity", "left"), ("enterprise value", "right"), ("cash", "right"), ("equity value", "right"), ("after the run", "right"), ("normalised", "right"), ("Gordon", "right"), ("exit", "right"), ("comparables (low–high)", "right")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    for e in rv.entities.values():
        v = e.valuation
        comp = e.comparables.iloc[-1]
        comps = "—" if comp["value_median_usd"] != comp["value_median_usd"] else f"{_fmt(comp['value_median_usd'], 'USD')} ({_fmt(comp['value_low_usd'], 'USD')}–{_fmt(comp['value_high_usd'], 'USD')})"
        t.add_row(escape(e.spec.label), _fmt(float(v.enterprise_value[0]), "USD"), _fmt(float(v.cash[0]), "USD"), f"[bold]{_fmt(e.equity_usd, 'USD')}[/bold]", _pct(float(v.terminal_share[0]), 0),
                  *[_fmt(e.by_method[m], "USD") for m in ("normalised", "gordon", "exit")], comps)
    console.print(t)
    console.print("'after the run': share of the enterprise value from years after the run (fade and terminal). Comparables: peers' revenue multiples (ecosim/data/peers.csv; AI labs: the other lab's mark over its simulated revenue) on each segment's revenue in the valuation year.")

    t = Table(title="Narrative marks against the run's value (ecosim/data/valuation_marks.csv)", title_justify="left")
    for c, j in (("mark", "left"), ("date", "left"), ("mark value", "right"), ("entity value", "right"), ("gap", "right"), ("gap / mark", "right"), ("mark / value", "right"), ("mark / run revenue", "right")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    for g in rv.gaps:
        ratio = g.mark.value_usd / g.value_usd if g.value_usd > 0 else float("nan")
        t.add_row(escape(f"{g.mark.entity}: {g.mark.kind}"), g.mark.date, _fmt(g.mark.value_usd, "USD"), _fmt(g.value_usd, "USD"), _fmt(g.gap_usd, "USD"), _pct(g.gap_share_of_mark, 0),
                  "—" if ratio != ratio else f"{ratio:,.1f}×", "—" if g.implied_ev_revenue != g.implied_ev_revenue else f"{g.implied_ev_revenue:,.0f}×")
    console.print(t)
    console.print("gap / mark: the share of the mark the run's cash flows do not support. mark / run revenue: the EV/revenue the mark implies on the simulated revenue of its year. A value below zero means the run's cash flows destroy value at this cost of capital.")

    t = Table(title="What each mark requires, financially (reverse DCF on the run's flows, no re-simulation): required (run)", title_justify="left")
    labels = [r.label for r in rv.gaps[0].requirements] if rv.gaps else []
    t.add_column("mark")
    for lab in ("FCF ×", "WACC", "perpetual g (Gordon)", "exit EV/revenue", "FCF margin", "revenue CAGR"):
        t.add_column(lab, justify="right")
    for g in rv.gaps:
        if g.mark.narrative:
            t.add_row(escape(f"{g.mark.entity} {g.mark.date} {_fmt(g.mark.value_usd, 'USD')}"), *[_requirement_cell(r) for r in g.requirements])
    if rv.gaps:
        console.print(t)
        console.print("; ".join(escape(f"{lab}") for lab in labels) + ". 'unreachable': no value of that quantity alone closes the gap (use --json for the reason).")


def _cash_flow_tables(rv: Any, entity: str | None) -> None:
    for eid, e in rv.entities.items():
        if entity is not None and eid != entity:
            continue
        df = e.valuation.table()
        t = Table(title=f"{escape(e.spec.label)}: cash flows behind the value [USD] ({escape(e.cash_note)})", title_justify="left")
        cols = ("year", "stage", "revenue_usd", "ebitda_usd", "capex_usd", "tax_usd", "fcf_usd", "discount", "pv_usd")
        for c in cols:
            t.add_column(c.removesuffix("_usd"), justify="left" if c == "stage" else "right")
        for r in df.to_dict("records"):
            t.add_row(*[str(int(r["year"])) if c == "year" else escape(str(r[c])) if c == "stage" else ("" if r.get(c) is None or r.get(c) != r.get(c) else (f"{r[c]:.4f}" if c == "discount" else _fmt(float(r[c]), "USD"))) for c in cols])
        console.print(t)


def _accounts_tables(rv: Any, entity: str | None) -> None:
    from ecosim.finance.accounts import AgentBook, by_year, segment_accounts

    book = AgentBook.from_summary(rv.run.summary)
    seg = by_year(segment_accounts(rv.run.ledger, book), ["company", "segment"])
    companies = ["spacex", "tesla"] if entity is None else [rv.entities[entity].spec.company or "spacex"]
    for company in companies:
        part = seg[seg["company"] == company]
        t = Table(title=f"{escape(company)}: accounts by segment and year [USD] (intra = with sister segments at internal prices)", title_justify="left")
        cols = ("year", "segment", "revenue_usd", "intra_revenue_usd", "opex_usd", "intra_opex_usd", "capex_usd", "ebitda_usd", "fcf_usd")
        for c in cols:
            t.add_column(c.removesuffix("_usd"), justify="left" if c == "segment" else "right")
        for r in part.to_dict("records"):
            t.add_row(*[str(r[c]) if c in ("year", "segment") else _fmt(float(r[c]), "USD") for c in cols])
        console.print(t)


def _operational_table(op: Any) -> None:
    t = Table(title=f"What each mark requires, operationally: the world re-run over one field at a time ({escape(op.scenario)}; SpaceX with xAI from the merger, "
              f"valued {_fmt(op.base_value_usd, 'USD')} in the scenario)", title_justify="left")
    for c, j in (("field", "left"), ("mark", "left"), ("required", "right"), ("scenario", "right"), ("there", "left")):
        t.add_column(c, justify=j)  # type: ignore[arg-type]
    from ecosim.metrics import METRICS

    def num(x: float, unit: str) -> str:
        return _fmt(x, "USD") if unit.startswith("USD") and abs(x) >= 1e6 else f"{x:,.4g}"

    for a in op.answers:
        scen = "learning curve" if a.scenario_value is None else num(a.scenario_value, a.unit)
        req = "unreachable" if a.required is None else f"{num(a.required, a.unit)} {a.unit}"
        there = "; ".join(f"{k.split('@')[0]} {k.split('@')[1]}: {num(v, METRICS[k.split('@')[0]].unit)}" for k, v in a.outcomes.items()) or a.note
        if a.required is not None and a.note:
            there += f" ({a.note})"
        t.add_row(escape(f"{a.field}\n{a.label}"), escape(f"{a.mark} {_fmt(a.mark_usd, 'USD')}"), req, scen, escape(there))
    console.print(t)


def cmd_value(args: argparse.Namespace) -> int:
    from ecosim.finance.gap import check_weights, value_run, weighted_values
    from ecosim.results.rundir import read_run

    overrides = _value_overrides(args)
    weights = None
    if args.weights is not None:
        try:
            weights = [float(x) for x in args.weights.split(",")]
        except ValueError:
            raise UsageError(f"--weights must be numbers separated by commas, one per run directory (got {args.weights!r})") from None
        check_weights(weights, len(args.run_dir))
    elif len(args.run_dir) > 1:
        weights = [1.0 / len(args.run_dir)] * len(args.run_dir)
    ids = None
    if args.entity is not None:
        from ecosim.finance.gap import entity_specs

        ids = [s.id for s in entity_specs()]
        if args.entity not in ids:
            raise UsageError(f"--entity must be one of {', '.join(ids)} (got {args.entity!r})")
    runs = [read_run(d) for d in args.run_dir]
    values = [value_run(r, **overrides) for r in runs]
    operational = None
    if args.operational:
        from ecosim.probe import operational_requirements

        progress, update = _progress_runner("re-running the world for the operational requirements")
        with progress:
            operational = operational_requirements(runs[0].scenario, progress=update)
    if args.json:
        out: dict[str, Any] = {"runs": [v.as_dict() for v in values]}
        if weights is not None and len(values) > 1:
            out["weights"] = weights
            out["weighted"] = weighted_values(values, weights).to_dict("records")
        if operational is not None:
            out["operational_requirements"] = operational.as_dict()
        print(_json(out))
        return 0
    for v in values:
        _value_tables(v, args)
        if args.cash_flows:
            _cash_flow_tables(v, args.entity)
        if args.accounts:
            _accounts_tables(v, args.entity)
    if weights is not None and len(values) > 1:
        df = weighted_values(values, weights)
        t = Table(title="Probability-weighted equity value (--weights " + ", ".join(f"{w:g}" for w in weights) + ")", title_justify="left")
        for c in df.columns:
            if c != "entity":
                t.add_column(escape(c), justify="left" if c == "label" else "right")
        for r in df.to_dict("records"):
            t.add_row(escape(r["label"]), *[_fmt(float(r[c]), "USD") for c in df.columns if c not in ("entity", "label")])
        console.print(t)
    if operational is not None:
        _operational_table(operational)
    return 0


# ------------------------------------------------------------------ audit-report


def cmd_audit_report(args: argparse.Namespace) -> int:
    from ecosim.finance.audit import SECTIONS, audit, figures, fmt, headline, summary

    checks = audit()
    counts = summary(checks)
    meta = {"seed": "002_790d88de6b92b6de.txt", "report": "SpaceX IPO in-depth research report (5), Yunayun think tank, 2026-02-10", "data": "ecosim/data/seed002_valuation.toml"}
    if args.json:
        print(_json({**meta, "summary": counts, "checks": [c.as_dict() for c in checks], "figures": {k: vars(f) for k, f in figures().items()}}))
        return 0
    F = figures()
    console.print(
        f"[bold]ecosim audit-report[/bold] — seed 002, {escape(meta['report'])}: chapter 6 values SpaceX at "
        f"{fmt(F['final_value'].value, '1e8 USD')} (DCF {fmt(F['val_dcf'].value, '1e8 USD')}, comparables {fmt(F['val_comps'].value, '1e8 USD')}, "
        f"precedent transactions {fmt(F['val_deals'].value, '1e8 USD')}, weighted 50/30/20, less 10 %) and proposes an IPO at "
        f"${F['price_low'].value:.0f}–${F['price_high'].value:.0f} a share on {F['shares'].value / 10:.0f} B shares."
    )
    console.print(
        f"Every derived figure is recomputed from the report's own stated inputs ({escape(meta['data'])}: each number with its line and original words). "
        f"{len(checks)} checks: [green]{counts['holds']} hold[/green], [red]{counts['mismatch']} disagree with the report's own inputs[/red], {counts['note']} notes. "
        "Stated and recomputed amounts are in US dollars; the formulas keep the report's units (亿美元 = 100 million dollars, 亿股 = 100 million shares)."
    )
    console.print("[bold]Largest disagreements[/bold]")
    for line in headline(checks, n=args.top):
        console.print(f"  • {escape(line)}", highlight=False)
    for section in SECTIONS:
        part = [c for c in checks if c.section == section]
        if args.mismatches_only:
            part = [c for c in part if c.status != "holds"]
        if not part:
            continue
        t = Table(title=section, title_justify="left", show_lines=False)
        for col, j in (("figure", "left"), ("line", "right"), ("stated", "right"), ("recomputed", "right"), ("difference", "right"), ("", "left"), ("how it is recomputed", "left")):
            t.add_column(col, justify=j)  # type: ignore[arg-type]
        notes = []
        for c in part:
            status = {"holds": "[green]holds[/green]", "mismatch": "[red]mismatch[/red]", "note": "note"}[c.status]
            diff = "" if c.relative is None else f"{100 * c.relative:+.1f}%"
            t.add_row(escape(c.label), ", ".join(map(str, c.lines)), "" if c.stated is None else fmt(c.stated, c.unit), fmt(c.recomputed, c.unit), diff, status, escape(c.formula))
            if c.note:
                notes.append(f"{escape(c.label)}: {escape(c.note)}")
        console.print(t)
        for n in notes:
            console.print(f"  note — {n}", highlight=False)
    return 0


# ------------------------------------------------------------------ flywheel


def _gain(g: float, open_below: float) -> str:
    if g != g:
        return "—"
    if abs(g) <= open_below:
        return "~0"
    return f"{100 * g:+.2f}%"


def cmd_flywheel(args: argparse.Namespace) -> int:
    from ecosim.probe import run_flywheel
    from ecosim.scenario import load_scenario

    push = None if args.push is None else _percent_option(args.push, "--push")
    loaded = load_scenario(args.scenario, args.set or [])
    progress, update = _progress_runner(f"flywheel {loaded.name}")
    with progress:
        r = run_flywheel(loaded, push_frac=push, horizon_months=args.horizon, ablate=not args.no_ablation, seed=args.seed, progress=update)
    if args.json:
        print(_json(r.as_dict()))
        return 0
    console.print(f"[bold]ecosim flywheel[/bold] — {escape(loaded.name)} ({r.dates[0]} → {r.dates[-1]})")
    console.print(
        "Reduced network: agents linked by what they trade (goods) and by xAI's capability signal; the outside economy and investors "
        "(market, capital_market) left out; one cash pool per company (agent → cash when it earns from outside its company, cash → "
        "every agent it pays for). " + escape(r.notes[0])
    )
    t = Table(title="Loops (read from the probe edge, the one fewest other cycles share)", title_justify="left")
    for c in ("id", "loop", "path"):
        t.add_column(c)
    for lp in r.loops:
        t.add_row(lp.id, escape(lp.name), escape(lp.path))
    console.print(t)
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
        t.add_row(lp.id, escape(lp.probe), *[_gain(float(r.gains.loc[y, lp.id]), r.open_below) for y in shown], _gain(r.long_run_gain[lp.id], r.open_below))
    console.print(t)
    console.print("long run: a push from the first year, read at the end of the run. " + escape(r.notes[1]))

    names = {lp.id: lp.name for lp in r.loops}
    t = Table(title="Dominant loops and binding constraints by year", title_justify="left")
    for c in ("year", "strongest reinforcing loop", "strongest balancing loop", "orbital DC build limited by", "xAI ground compute limited by", "orbital DC power, peak [GW]"):
        t.add_column(c, justify="right" if c.startswith(("year", "orbital DC power")) else "left")
    for y in r.binding.index:
        row = r.dominant.loc[y] if y in r.dominant.index else None

        def cell(kind: str, row: Any = row, y: int = y) -> str:
            if row is None or not row[kind]:
                return "—" if row is None else "none"
            return escape(f"{row[kind]} {names[row[kind]].split(' (')[0]} {_gain(float(r.gains.loc[y, row[kind]]), r.open_below)}")

        b = r.binding.loc[y]
        t.add_row(str(y), cell("reinforcing"), cell("balancing"), str(b["orbital_dc"]), str(b["ground_compute"]), f"{b['odc_power_gw_peak']:,.3g}")
    console.print(t)

    if not r.ablation.empty:
        a = r.ablation.copy()
        t = Table(title="Ablation: each link cut for the whole run (one member each), against the uncut run", title_justify="left")
        for c, j in (("edge", "left"), ("between companies", "left"), ("xAI capability", "right"), ("orbital compute, peak", "right"), ("SpaceX value", "right"), ("Tesla value", "right")):
            t.add_column(c, justify=j)  # type: ignore[arg-type]
        b = r.base_outcomes
        t.add_row("[bold]uncut[/bold]", "", f"{b['xai_capability']:.3f}", f"{b['odc_compute_peak']:,.1f} EFLOP/s", _fmt(b["spacex_value"], "USD"), _fmt(b["tesla_value"], "USD"))

        def pct(x: float) -> str:
            return "—" if x != x else ("0" if abs(x) < 5e-5 else f"{100 * x:+.2f}%")

        if args.top is not None:
            a = a.reindex(a["spacex_value_delta"].abs().add(a["tesla_value_delta"].abs()).sort_values(ascending=False).index).head(args.top)
        for row in a.to_dict("records"):
            t.add_row(escape(row["edge"]), "yes" if row["inter_company"] else "no", pct(row["xai_capability_change"]), pct(row["odc_compute_peak_change"]),
                      _fmt(row["spacex_value_delta"], "USD") if abs(row["spacex_value_delta"]) >= 1e6 else "0", _fmt(row["tesla_value_delta"], "USD") if abs(row["tesla_value_delta"]) >= 1e6 else "0")
        console.print(t)
        console.print("Values: the same DCF as `ecosim value` on each member's SpaceX (+xAI from the merger) and Tesla cash flows; value columns are changes from the uncut run.")
    console.print(escape(r.notes[2]))
    return 0


# ------------------------------------------------------------------ compare


def cmd_compare(args: argparse.Namespace) -> int:
    from ecosim.compare import compare
    from ecosim.report.compare import end_summary

    out = Path(args.out) if args.out else Path("comparisons") / "_vs_".join(Path(a.rstrip("/")).stem for a in args.sources)
    with err_console.status("comparing") as status:
        result = compare(args.sources, out, seed=args.seed, sets=args.set or [], claims_path=args.claims, loops=not args.no_loops, progress=lambda msg: status.update(msg))
    console.print(f"[bold]ecosim compare[/bold] — {' vs '.join(escape(s.label) for s in result.sources)} (reference: {escape(result.sources[0].label)})")
    shown = end_summary(result)
    table = Table(title=f"Key outcomes ({shown.attrs['column']}); the full table by year is in the report", title_justify="left")
    table.add_column("outcome")
    for label in shown.columns:
        table.add_column(escape(label), justify="right")
    for outcome, row in shown.iterrows():
        table.add_row(escape(f"{outcome} [{shown.attrs['units'][outcome]}]"), *[str(v) for v in row])
    console.print(table)
    for s in result.sources:
        evals = result.scorecard[s.label]
        st = [str(e.status[0]) for e in evals]
        if s.members == 1:
            console.print(f"scorecard {escape(s.label)}: {st.count('true')} true, {st.count('late')} late, {st.count('false')} false, {st.count('open')} open")
        else:
            tested = [e for e in evals if str(e.status[0]) not in ("not modelled", "not recorded")]
            likely = sum(float((e.status.astype(str) == "true").mean()) >= 0.5 for e in tested)
            console.print(f"scorecard {escape(s.label)} ({s.members:,} runs): {likely} of {len(tested)} claims come true on time in at least half of the runs")
    for label, d in result.divergence.items():
        if d is None:
            console.print(f"{escape(label)} shares no month with {escape(result.sources[0].label)}")
            continue
        where = ", ".join(f"{m} {month}" for month, m in d[:3]) if d else "no key metric"
        console.print(f"{escape(label)} departs from {escape(result.sources[0].label)} first in: {where}")
    console.print(f"Wrote [bold]{out}[/bold]: report.md, report.html, outcomes.csv, scorecard.csv, valuation.csv, bridge.csv, loops.csv, differences.csv, compare.json, figures/ ({len(result.figures)} PNG)")
    return 0


# ------------------------------------------------------------------ experiments


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _experiment_progress(total: int, done: int, label: str = "runs") -> tuple[Any, Callable[[float], None]]:
    """A rich progress bar (``label`` done, rate, ETA) on a terminal; a line every 10 s otherwise."""
    import time

    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if err_console.is_terminal:
        progress = Progress(
            TextColumn(label), BarColumn(), TaskProgressColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f}"), TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err_console, transient=True,
        )
        task = progress.add_task(label, total=total, completed=done, rate="")
        t0, start = time.perf_counter(), done

        def update(runs: float) -> None:
            dt = time.perf_counter() - t0
            rate = f"{(runs - start) / dt:,.1f} {label}/s" if dt > 0 and runs > start else ""
            progress.update(task, completed=runs, rate=rate)

        return progress, update

    import contextlib

    state = {"t0": time.perf_counter(), "last": time.perf_counter(), "start": float(done)}

    def log(runs: float) -> None:
        now = time.perf_counter()
        if now - state["last"] < 10.0 or runs >= total:
            return
        state["last"] = now
        dt = now - state["t0"]
        rate = (runs - state["start"]) / dt if dt > 0 else 0.0
        eta = _hms((total - runs) / rate) if rate > 0 else "?"
        err_console.print(f"  {runs:,.0f}/{total:,} {label} ({100 * runs / total:.0f}%), {rate:,.1f} {label}/s, ETA {eta}", highlight=False)

    return contextlib.nullcontext(), log


def cmd_experiment_run(args: argparse.Namespace) -> int:
    from ecosim.experiments import load_experiment, run_experiment
    from ecosim.results.store import ExperimentStore

    spec = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("runs") / spec.name
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be >= 1 (got {args.workers})")
    sc = spec.base.model.scenario
    console.print(
        f"[bold]ecosim experiment[/bold] — {escape(spec.name)}: {escape(spec.meta.description)}\n"
        f"base scenario {escape(spec.base.name)} ({sc.start_month} → {sc.end_month}); sampler {spec.meta.sampler}, seed {spec.meta.seed}"
    )
    holder: dict[str, Any] = {}

    def on_start(design: Any, done_runs: int, runner: str) -> None:
        console.print(f"{design.count_text} in {len(design.chunks):,} chunks of ≤{spec.meta.chunk_size:,}")
        if done_runs:
            console.print(f"resuming {out}: {done_runs:,} of {design.n_runs:,} runs already stored")
        if done_runs < design.n_runs:
            console.print(f"running on {runner}")
            holder["progress"], holder["update"] = _experiment_progress(design.n_runs, done_runs)
            holder["progress"].__enter__()
        holder["total"] = design.n_runs

    def on_progress(runs: float) -> None:
        if "update" in holder:
            holder["update"](runs)

    try:
        run = run_experiment(spec, out, workers=args.workers, scheduler=args.scheduler, on_start=on_start, on_progress=on_progress)
    except KeyboardInterrupt:
        if "progress" in holder:
            holder["progress"].__exit__(None, None, None)
        store = ExperimentStore(out)
        n = sum(c.runs for c in store.manifest().chunks if c.id in store.done_chunks()) if store.exists() else 0
        err_console.print(f"interrupted: {n:,} of {holder.get('total', 0):,} runs are stored in {out}; run the same command again to finish the rest")
        return 130
    finally:
        if "progress" in holder:
            holder["progress"].__exit__(None, None, None)
            holder.pop("progress")
    total = run.design.n_runs
    if run.ran_runs:
        console.print(
            f"{spec.name}: {run.ran_runs:,} runs in {_hms(run.elapsed_s)} ({run.rate_runs_per_s:,.1f} runs/s on {run.runner}); "
            f"store: {run.ok:,} ok, {run.failed:,} failed of {total:,} → {out}"
        )
    else:
        console.print(f"{spec.name}: all {total:,} runs were already stored ({run.ok:,} ok, {run.failed:,} failed) → {out}")
    if not args.no_analysis and run.complete:
        _print_analysis(run.store)
    return 0


def _print_analysis(store: Any) -> None:
    from ecosim.report.experiment_report import write_experiment_analysis

    res, files = write_experiment_analysis(store)
    man = res.manifest
    table = Table(title=f"Outcomes over {int(res.summary['runs'].max()) if len(res.summary) else 0:,} successful runs", title_justify="left")
    for c, j in (("outcome", "left"), ("direction", "left"), ("p5", "right"), ("median", "right"), ("p95", "right"), ("mean", "right"), ("unit", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for _, r in res.summary.iterrows():
        u = str(r["unit"])
        cells = [_fmt_outcome(float(r[c]), u) for c in ("p5", "p50", "p95", "mean")]
        table.add_row(escape(str(r["outcome"])), str(r["direction"]), *cells, escape(u))
    console.print(table)
    for name, df, key in (("Sobol' total index ST", res.sobol, "ST"), ("Morris mu*", res.morris, "mu_star")):
        if df is None or df.empty:
            continue
        first = df[df["lever_setting"] == df["lever_setting"].min()]
        for outcome, g in first.groupby("outcome", sort=False):
            top = g.dropna(subset=[key]).sort_values(key, ascending=False).head(3)
            if len(top):
                ranked = ", ".join(f"{r['input']} {r[key]:.3g}" for _, r in top.iterrows())
                console.print(f"{name} of {escape(str(outcome))}: {escape(ranked)}")
    for d in res.discovery:
        console.print(f"[bold]{escape(d.label)}[/bold]: {d.of_interest:,} of {d.runs:,} runs ({100 * d.of_interest / max(d.runs, 1):.1f}%)")
        if len(d.trajectory):
            from ecosim.analysis.discovery import describe_box

            units = {i.column: i.unit for i in man.inputs}
            lines = describe_box(d, units)
            console.print(f"  PRIM box (coverage {d.coverage:.2f}, density {d.density:.2f}):" + ("" if lines else " no restriction, the whole input space"))
            for line in lines:
                console.print(f"    {escape(line)}", highlight=False)
    for note in res.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}")
    n_tab = len([p for p in files if p.suffix == ".parquet"])
    n_fig = len([p for p in files if p.suffix == ".png"])
    console.print(f"analysis: {n_tab} tables in {store.root / 'analysis'}, {n_fig} figures in {store.root / 'figures'}")
    console.print(f'query: ecosim results query {store.root} "SELECT * FROM results LIMIT 5"', highlight=False)


def _fmt_outcome(value: float, unit: str) -> str:
    if unit == "year":
        return "—" if value != value else f"{value:.1f}"
    return _fmt(value, unit)


def cmd_experiment_analyze(args: argparse.Namespace) -> int:
    from ecosim.results.store import ExperimentStore

    store = ExperimentStore(args.dir)
    store.manifest()
    _print_analysis(store)
    return 0


def cmd_experiment_show(args: argparse.Namespace) -> int:
    from ecosim.experiments import load_experiment
    from ecosim.experiments.samplers import build_design

    spec = load_experiment(args.experiment)
    design = build_design(spec)
    console.print(f"[bold]{escape(spec.name)}[/bold] ({spec.path}): {escape(spec.meta.description)}")
    console.print(f"{design.count_text} in {len(design.chunks):,} chunks of ≤{spec.meta.chunk_size:,}")
    table = Table(title="Inputs", title_justify="left")
    for c in ("column", "field", "kind", "varies as"):
        table.add_column(c, no_wrap=c != "varies as")
    for i in spec.inputs:
        how = i.dist.describe() if i.dist else ", ".join(str(v) for v in i.settings)
        table.add_row(i.column, i.path, i.kind, escape(how))
    console.print(table)
    console.print("Sources:")
    for i in spec.inputs:
        console.print(f"  {i.column}: {escape(i.source)}", highlight=False)
    table = Table(title="Outcomes", title_justify="left")
    for c in ("outcome", "metric", "stat", "year", "direction", "unit"):
        table.add_column(c)
    for o in spec.outcomes:
        stat = o.stat + (f" (>= {o.threshold:g})" if o.threshold is not None else "") + (f" / {o.relative_to}" if o.relative_to else "")
        table.add_row(o.name, o.metric, escape(stat), str(o.year or ""), o.direction, escape(o.unit))
    console.print(table)
    for d in spec.discovery:
        console.print(f"discovery {d.name}: {escape(d.label)} ({d.outcome} {d.op} {d.value:g})")
    return 0


def cmd_experiment_list(args: argparse.Namespace) -> int:
    from ecosim.experiments import bundled_experiments, load_experiment
    from ecosim.experiments.samplers import design_size

    table = Table(title="Bundled experiments (ecosim experiment run NAME or experiments/NAME.toml)", title_justify="left")
    for c, j in (("name", "left"), ("sampler", "left"), ("runs", "right"), ("description", "left")):
        table.add_column(c, justify=j)  # type: ignore[arg-type]
    for name in bundled_experiments():
        spec = load_experiment(name)
        table.add_row(name, spec.meta.sampler, f"{design_size(spec)[2]:,}", escape(spec.meta.description))
    console.print(table)
    return 0


def cmd_results_query(args: argparse.Namespace) -> int:
    from ecosim.results.store import ExperimentStore

    df = ExperimentStore(args.dir).query(args.sql)
    if args.csv:
        sys.stdout.write(df.to_csv(index=False))
        return 0
    if args.json:
        print(df.to_json(orient="records", indent=1))
        return 0
    table = Table(title_justify="left")
    for c in df.columns:
        table.add_column(escape(str(c)), justify="right" if pd.api.types.is_numeric_dtype(df[c]) else "left")
    for row in df.head(args.max_rows).itertuples(index=False):
        table.add_row(*[escape(v if isinstance(v, str) else (f"{v:.6g}" if isinstance(v, float) else str(v))) for v in row])
    console.print(table)
    more = f"; showing {args.max_rows:,} (--max-rows N, or --csv for all)" if len(df) > args.max_rows else ""
    console.print(f"{len(df):,} rows{more}")
    return 0


def _add_experiment_parsers(sub: Any) -> None:
    p = sub.add_parser("experiment", help="batch experiments: run, analyze, show, list")
    esub = p.add_subparsers(dest="experiment_command", required=True, parser_class=_Parser)
    r = esub.add_parser("run", help="run an experiment into a results store (resumes an interrupted one)")
    r.add_argument("experiment", help="experiment file or bundled name")
    r.add_argument("--out", help="experiment directory (default runs/NAME)")
    r.add_argument("--workers", type=int, help="local worker processes (default: CPU count; 1 = this process)")
    r.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    r.add_argument("--no-analysis", action="store_true", help="store the runs only (analyse later with `experiment analyze`)")
    r.set_defaults(func=cmd_experiment_run)
    a = esub.add_parser("analyze", help="summaries, sensitivity (Sobol, Morris), scenario discovery (PRIM), figures")
    a.add_argument("dir", help="experiment directory")
    a.set_defaults(func=cmd_experiment_analyze)
    s = esub.add_parser("show", help="validate an experiment file and show its inputs, outcomes and run count")
    s.add_argument("experiment")
    s.set_defaults(func=cmd_experiment_show)
    ls = esub.add_parser("list", help="list bundled experiments")
    ls.set_defaults(func=cmd_experiment_list)

    p = sub.add_parser("results", help="query an experiment's results store")
    rsub = p.add_subparsers(dest="results_command", required=True, parser_class=_Parser)
    q = rsub.add_parser("query", help='run SQL (DuckDB) on the store: views design, runs, outcomes, timeseries, results, analysis tables')
    q.add_argument("dir", help="experiment directory")
    q.add_argument("sql", help='e.g. "SELECT status, count(*) FROM runs GROUP BY status"; "SHOW TABLES" lists the views')
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV on stdout (every row)")
    fmt.add_argument("--json", action="store_true", help="JSON records on stdout (every row)")
    q.add_argument("--max-rows", type=int, default=50, help="rows shown in the table (default 50)")
    q.set_defaults(func=cmd_results_query)


# ------------------------------------------------------------------ viz


def cmd_viz(args: argparse.Namespace) -> int:
    from ecosim.viz.server import check_address, is_loopback, scenario_ref, serve

    scenario = scenario_ref(args.scenario)
    check_address(args.host, args.port)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    console.print(f"[bold]ecosim viz[/bold] — scenario {escape(scenario)}: open [bold]http://{shown}:{args.port}/[/bold] (Ctrl-C stops)", highlight=False)
    if not is_loopback(args.host):
        err_console.print(f"warning: listening on {args.host}: anyone who can reach this machine can open the page", highlight=False)
    serve(args.host, args.port, scenario)
    console.print("ecosim viz: stopped")
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

    p = sub.add_parser("calibrate", help="fit the uncertain parameters to history (a posterior, ABC-SMC); --report, --screen, --backtest")
    p.add_argument("file", nargs="?", help="calibration file (default: the bundled ecosim/data/calibration.toml)")
    p.add_argument("--out", help="posterior directory (default runs/calibration-NAME); an interrupted calibration resumes there")
    p.add_argument("--workers", type=int, help="worker processes (default 1; the posterior is the same for any number)")
    p.add_argument("--report", action="store_true", help="print the calibration table: the posterior's fit if --out holds one, else the scenario's own run")
    p.add_argument("--screen", action="store_true", help="rank the scenario's assumptions by how much they move the history (Morris)")
    p.add_argument("--trajectories", type=int, default=20, help="Morris trajectories of --screen (default 20)")
    p.add_argument("--backtest", action="store_true", help="rolling-origin backtests: fit up to 2022 and 2023, forecast the next two years")
    p.add_argument("--markdown", action="store_true", help="with --report or --backtest: print Markdown tables (the README's sections)")
    p.set_defaults(func=cmd_calibrate)

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

    p = sub.add_parser("value", help="valuation table and gap to narrative marks (re-values a saved run without re-simulating)")
    p.add_argument("run_dir", nargs="+", metavar="RUN_DIR", help="run directory written by `ecosim run` (several: scenarios weighted by --weights)")
    p.add_argument("--json", action="store_true", help="JSON instead of tables (every cash flow, assumption and requirement)")
    p.add_argument("--wacc", metavar="PCT", help="discount rate [%%] instead of the scenario's CAPM/Hamada WACC")
    p.add_argument("--terminal-growth", metavar="PCT", help="perpetual growth [%%] instead of capital_market.terminal_growth_pct")
    p.add_argument("--tax-rate", metavar="PCT", help="tax rate [%%] instead of capital_market.tax_rate_pct")
    p.add_argument("--terminal", choices=("normalised", "gordon", "exit"), help="terminal value method (default: ecosim/data/valuation.toml)")
    p.add_argument("--exit-multiple", type=float, metavar="X", help="EV/revenue at the end of the run for --terminal exit")
    p.add_argument("--fade-years", type=int, metavar="N", help="years of growth fade before the normalised terminal value")
    p.add_argument("--valuation-year", type=int, metavar="YEAR", help="value at the start of this year (default: the run's first full year)")
    p.add_argument("--weights", metavar="W1,W2,...", help="scenario probabilities, one per RUN_DIR, summing to 1")
    p.add_argument("--entity", metavar="ID", help="only this entity's cash flows/accounts (spacex_xai, spacex, xai, tesla, openai)")
    p.add_argument("--cash-flows", action="store_true", help="print each entity's yearly cash flows and discounting")
    p.add_argument("--accounts", action="store_true", help="print SpaceX's and Tesla's accounts by segment and year")
    p.add_argument("--operational", action="store_true", help="also re-run the world to find the launch price, Starlink market and ODC cost each mark requires (slow)")
    p.set_defaults(func=cmd_value)

    p = sub.add_parser("audit-report", help="recompute the seed valuation report (seed 002) from its own inputs, list mismatches")
    p.add_argument("--json", action="store_true", help="JSON: every check, and every stated figure with its line")
    p.add_argument("--mismatches-only", action="store_true", help="leave out the figures that hold")
    p.add_argument("--top", type=int, default=10, metavar="N", help="how many of the largest disagreements to list first (default 10)")
    p.set_defaults(func=cmd_audit_report)

    p = sub.add_parser("flywheel", help="loops of the exchange network, their gains by year, link ablations, binding constraints")
    p.add_argument("scenario", help="scenario file or bundled name")
    p.add_argument("--json", action="store_true", help="JSON instead of tables")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a field (TOML value)")
    p.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    p.add_argument("--push", metavar="PCT", help="share of the probe edge's flow a push withholds [%%] (default ecosim/data/flywheel.toml)")
    p.add_argument("--horizon", type=int, metavar="MONTHS", help="months after a push its return is read (default ecosim/data/flywheel.toml)")
    p.add_argument("--no-ablation", action="store_true", help="skip cutting each link")
    p.add_argument("--top", type=int, metavar="N", help="only the N links whose cut moves the SpaceX and Tesla values most")
    p.set_defaults(func=cmd_flywheel)
    _add_experiment_parsers(sub)

    p = sub.add_parser("viz", help="watch the ecosystem month by month in the browser (Mesa SolaraViz)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--scenario", default="baseline", help="bundled scenario name or scenario file the page opens on (default baseline)")
    p.set_defaults(func=cmd_viz)

    p = sub.add_parser("compare", help="compare runs, experiments or scenarios side by side: table, figures, scorecard, report")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="run directory, experiment directory, or scenario file / bundled name (run first)")
    p.add_argument("--out", help="report directory (default comparisons/A_vs_B...)")
    p.add_argument("--seed", type=int, help="seed for the scenarios run here (default: each scenario's)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a field of the scenarios run here")
    p.add_argument("--claims", metavar="FILE", help="claims file for the scorecard (default: the bundled ecosim/data/claims.toml)")
    p.add_argument("--no-loops", action="store_true", help="skip measuring loop gains (they re-simulate each scenario with pushes, a few seconds each)")
    p.set_defaults(func=cmd_compare)

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
