"""The ``ecosim`` command line: parses, calls the library and hands the results to
:mod:`ecosim.report.console`, which prints them.

Exit status: 0 success, 2 bad input (one line on stderr naming file/option, field,
expectation and value), 1 internal error.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from ecosim.atomic import check_output_dir, check_output_file, check_writable, safe_slug
from ecosim.errors import EcosimError, UsageError
from ecosim.report.console.common import month_progress, strict_json

#: the names of ecosim.economics.odc_cost.CONVENTIONS (spelled here so that the parser imports no NumPy)
ODC_CONVENTIONS = ("calculator", "ecosim", "levelised")

console = Console(width=None if sys.stdout.isatty() else 132)
#: progress bars, spinners and notes on stderr (silenced by ``--quiet``)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
#: errors and warnings on stderr (never silenced)
_alert_console = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        _print_error(f"{self.prog}: {message}")
        raise SystemExit(2)


def _print_error(text: str) -> None:
    """``error: TEXT`` on stderr as one line; the text is shown as it is (never read as markup)."""
    _alert_console.print(f"[red]error:[/red] {escape(' '.join(text.split()))}", highlight=False, soft_wrap=True)


def _int_option(lo: int, hi: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``lo`` to ``hi`` (else a one-line usage error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, a whole number (got {text!r})") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be {what} from {lo:,} to {hi:,} (got {value:,})")
        return value

    return parse


def _finite_float(text: str) -> float:
    """An argparse type: a finite number (no nan, no inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number (got {text!r})") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number (got {text!r})")
    return value


_SEED = _int_option(0, 2**63 - 1, "a seed")
#: the most posterior draws of one command (assumption: 10,000 members of a 15-year run hold
#: about 2 GB of monthly series, ~150 metrics of 8 bytes)
MAX_DRAWS = 10_000
_COUNT = _int_option(1, 1_000_000, "a count")


# ------------------------------------------------------------------ run, calibrate


def cmd_run(args: argparse.Namespace) -> int:
    from ecosim.report.console.run import print_run
    from ecosim.run import run_scenario, write_run
    from ecosim.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set or [])
    posterior = _posterior_option(args)
    out = check_output_dir(Path(args.out) if args.out is not None else Path("runs") / safe_slug(loaded.name, "run"))  # before simulating
    progress, update = month_progress(err_console, f"running {loaded.name}")
    with progress:
        result = run_scenario(loaded, seed=args.seed, progress=update)
    backed = None
    if posterior is not None:
        from ecosim.run import DEFAULT_DRAWS, run_posterior

        draws = args.draws or DEFAULT_DRAWS
        progress, update = month_progress(err_console, f"running {loaded.name} under {draws:,} posterior draws")
        with progress:
            backed = run_posterior(loaded, posterior, draws, args.seed, progress=update)
    write_run(result, out, figures=not args.no_figures, posterior=backed)
    summary = None
    if backed is not None:
        from ecosim.analysis.posterior import summarise
        from ecosim.analysis.quantities import RUN_TABLE, table_years

        years = table_years(backed.results.months)
        summary = summarise(backed.results, result.results, RUN_TABLE, years)
    if args.json:
        from ecosim.report.console.run import run_json

        print(strict_json(run_json(result, out, None if summary is None else summary.as_dict())))
        return 0
    print_run(console, result, out, figures=not args.no_figures, brief=args.quiet)
    if backed is not None and summary is not None and not args.quiet:
        from ecosim.report.console.posterior import print_posterior

        print_posterior(console, backed, summary, RUN_TABLE, years, {r.id: r.status for r in result.summary.scorecard})
        console.print(f"and [bold]{escape(str(out))}/posterior/[/bold]: the {backed.members:,} members (draws.parquet, timeseries.parquet, members.json)")
    return 0


def _posterior_option(args: argparse.Namespace) -> Any:
    """``--posterior DIR`` read and checked before anything runs (None without it); ``--draws``
    without it is refused."""
    if getattr(args, "draws", None) is not None and args.draws < 1:
        raise UsageError(f"--draws must be >= 1 (got {args.draws})")
    if getattr(args, "draws", None) is not None and args.draws > MAX_DRAWS:
        raise UsageError(f"--draws must be <= {MAX_DRAWS:,}: every draw is a member of one model, and {args.draws:,} would hold about "
                         f"{args.draws * 180 * 150 * 8 / 1e9:,.0f} GB of series over 15 years (got {args.draws:,})")
    if args.posterior is None:
        if getattr(args, "draws", None) is not None:
            raise UsageError("--draws needs --posterior DIR (the posterior to draw from)")
        return None
    from ecosim.results.posterior import Posterior

    return Posterior.load(args.posterior)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from ecosim.calibration.spec import load_calibration
    from ecosim.experiments.runners import check_workers
    from ecosim.report.console import calibrate as view

    check_workers(args.workers)
    spec = load_calibration(args.file)
    out = Path(args.out) if args.out is not None else Path("runs") / f"calibration-{safe_slug(spec.meta.name, 'calibration')}"
    check_writable(out)
    if args.screen:
        return _calibrate_screen(spec, args.trajectories)
    if args.report:
        return _calibrate_report(spec, out, args.markdown)
    if args.backtest:
        return _calibrate_backtest(spec, out, args.workers or 1, args.markdown)
    view.print_header(console, spec)
    run = _run_calibration(spec, out, args.workers or 1)
    if isinstance(run, int):
        return run
    _print_posterior(run.store)
    return 0


def _run_calibration(spec: Any, out: Path, workers: int) -> Any:
    from ecosim.calibration.runner import calibrate
    from ecosim.report.console.calibrate import CalibrationProgress

    shown = CalibrationProgress(console, err_console, spec.meta, out)
    try:
        run = calibrate(spec, out, workers=workers, on_start=shown.on_start, on_progress=shown.on_progress, on_generation=shown.on_generation)
    except KeyboardInterrupt:
        shown.interrupted()
        return 130
    finally:
        shown.close()
    shown.finished(run)
    return run


#: posterior draws of the run that continues the history, for the forward checks of the calibration table
FORWARD_DRAWS = 200


def _print_posterior(store: Any, checks: Any = None) -> None:
    from ecosim.calibration.runner import fit_checks
    from ecosim.report.console.calibrate import print_posterior

    print_posterior(console, store, fit_checks(store) if checks is None else checks)


def _calibrate_report(spec: Any, out: Path, markdown: bool) -> int:
    from ecosim.calibration.runner import fit_checks
    from ecosim.calibration.store import PosteriorStore
    from ecosim.report.console import calibrate as view
    from ecosim.run import forward_checks

    store = PosteriorStore(out)
    if markdown or (store.exists() and (out / "fit.parquet").is_file()):
        from ecosim.results.posterior import Posterior

        draws = min(int(store.manifest()["settings"]["predictive_draws"]), FORWARD_DRAWS)
        checks = forward_checks(spec.scenario.name, fit_checks(store), Posterior.load(out), draws)
        if markdown:
            view.print_markdown(store, checks)
        else:
            _print_posterior(store, checks)
        return 0
    from ecosim.analysis.calibration import calibration_table
    from ecosim.run import run_scenario

    result = run_scenario(spec.scenario)
    checks = forward_checks(spec.scenario.name, calibration_table(result.timeseries, spec.scenario.model))
    view.print_one_run(console, spec.scenario.name, out, checks)
    return 0


def _calibrate_screen(spec: Any, trajectories: int) -> int:
    from ecosim.calibration.screen import assumption_fields, morris_screen
    from ecosim.report.console import calibrate as view

    cands = assumption_fields(spec.scenario.path)
    view.print_screen_header(console, spec.scenario.path, len(cands), trajectories)
    view.print_screen(console, morris_screen(spec.scenario, cands, trajectories=trajectories, seed=spec.meta.seed), list(spec.parameters))
    return 0


def _calibrate_backtest(spec: Any, out: Path, workers: int, markdown: bool = False) -> int:
    from ecosim.calibration.backtest import ORIGINS, run_backtests, summary
    from ecosim.report.console import calibrate as view

    if markdown:
        results = run_backtests(spec, out / "backtest", workers=workers)
        view.print_backtests_markdown(results, summary(results))
        return 0
    view.print_backtest_header(console, ORIGINS)
    results = run_backtests(spec, out / "backtest", workers=workers, on_origin=lambda y: console.print(f"origin {y}: calibrating on rows up to {y}-12"))
    view.print_backtests(console, results, summary(results))
    return 0


# ------------------------------------------------------------------ scenarios, edges, odc-cost


def cmd_scenarios(args: argparse.Namespace) -> int:
    from ecosim.report.console.world import print_scenarios
    from ecosim.scenario import bundled_scenarios, load_scenario

    metas = [(name, load_scenario(name).model.scenario) for name in bundled_scenarios()]
    rows = [(name, m.start_month, m.end_month, m.description) for name, m in metas]
    if args.json:
        print(strict_json([{"name": n, "start": a, "end": b, "description": d} for n, a, b, d in rows]))
        return 0
    print_scenarios(console, rows)
    return 0


def cmd_edges(args: argparse.Namespace) -> int:
    from ecosim.report.console.world import print_edges
    from ecosim.scenario import load_scenario
    from ecosim.simulate import simulate

    print_edges(console, simulate(load_scenario(args.scenario, args.set or []), until=0).network, as_json=args.json)
    return 0


def cmd_odc_cost(args: argparse.Namespace) -> int:
    import json

    from ecosim.odc import odc_cost, parse_sweep
    from ecosim.report.console.odc import print_odc_cost
    from ecosim.report.figures import odc_sweep_figure
    from ecosim.scenario import load_scenario

    if args.cross_check:
        from ecosim.economics.odc_cross_check import cross_check
        from ecosim.report.console.odc import print_cross_check

        rows = cross_check()
        if args.json:
            print(json.dumps([r.as_dict() for r in rows], indent=2))
        else:
            print_cross_check(console, rows)
        return 0
    if args.scenario is None:
        raise UsageError("odc-cost: give a SCENARIO (or --cross-check)")
    if args.sweep:
        parse_sweep(args.sweep)  # bad option -> exit 2 before any work
    elif args.out is not None:
        raise UsageError(f"--out {args.out}: is the PNG of --sweep; give --sweep too")
    loaded = load_scenario(args.scenario, args.set or [])
    if args.out is not None:
        check_output_file(args.out, ".png")
    result = odc_cost(loaded, year=args.year, sweep=args.sweep, infrastructure_only=args.infrastructure_only, convention=args.convention)
    png = None
    if result.sweep is not None:
        png = check_output_file(Path(args.out) if args.out is not None else Path(f"odc-cost-{safe_slug(loaded.name, 'scenario')}-{result.year}.png"), ".png")
        png.parent.mkdir(parents=True, exist_ok=True)
        odc_sweep_figure(result, png, loaded.name)
    d = result.as_dict()
    if args.json:
        if png is not None:
            d["sweep_png"] = str(png)
        print(json.dumps(d, indent=2))
        return 0
    print_odc_cost(console, loaded.name, result.year, d, png)
    return 0


# ------------------------------------------------------------------ value, audit-report


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
        if not 0 < args.exit_multiple <= 1e4:
            raise UsageError(f"--exit-multiple must be > 0 and at most 10,000 (got {args.exit_multiple:g})")
        o["exit_multiple"] = args.exit_multiple
    if args.fade_years is not None:
        if not 0 <= args.fade_years <= 50:
            raise UsageError(f"--fade-years must be between 0 and 50 (got {args.fade_years})")
        o["fade_years"] = args.fade_years
    o["terminal"] = args.terminal
    o["valuation_year"] = args.valuation_year
    return o


def cmd_value(args: argparse.Namespace) -> int:
    from ecosim.finance.gap import check_weights, entity_specs, value_run, weighted_values
    from ecosim.report.console import value as view
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
    ids = [s.id for s in entity_specs()]
    if args.entity is not None and args.entity not in ids:
        raise UsageError(f"--entity must be one of {', '.join(ids)} (got {args.entity!r})")
    posterior = _posterior_option(args)
    runs = [read_run(d) for d in args.run_dir]
    values = [value_run(r, **overrides) for r in runs]
    backed = _posterior_values(runs, posterior, args.draws, overrides)
    operational = None
    if args.operational:
        from ecosim.probe import operational_requirements

        progress, update = month_progress(err_console, "re-running the world for the operational requirements")
        with progress:
            operational = operational_requirements(runs[0].scenario, progress=update)
    if args.markdown:
        from ecosim.report.console.posterior import headline_markdown

        if not any(summary is not None for summary, _, _ in backed):
            raise UsageError("--markdown prints the posterior-backed headline: give --posterior DIR (or a run directory written with --posterior)")
        for r, (summary, where, n) in zip(runs, backed, strict=True):
            if summary is not None:
                print(headline_markdown(summary, r.name, where, n))
        return 0
    explained = None
    if args.explain is not None:
        from ecosim.finance.explain import explain

        explained = [explain(v) for v in values]
        if args.explain:
            from ecosim.report.gap_figure import gap_figure

            gap_figure(explained[0], Path(args.explain), f"{values[0].run.name}: each mark against the run's value, by segment")
    if args.json:
        out: dict[str, Any] = {"runs": [v.as_dict() for v in values]}
        if explained is not None:
            out["explained"] = [[e.as_dict() for e in ex] for ex in explained]
        if weights is not None and len(values) > 1:
            out["weights"] = weights
            out["weighted"] = weighted_values(values, weights).to_dict("records")
        if operational is not None:
            out["operational_requirements"] = operational.as_dict()
        if backed:
            out["posterior"] = [{"run": str(r.path), "members": where, **summary.as_dict()} for r, (summary, where, _) in zip(runs, backed, strict=True) if summary is not None]
        print(strict_json(out))
        return 0
    for v in values:
        view.value_tables(console, v)
        if args.cash_flows:
            view.cash_flow_tables(console, v, args.entity)
        if args.accounts:
            view.accounts_tables(console, v, args.entity)
    for ex in explained or []:
        console.print("[bold]The gap, explained[/bold] (the value compared split by Shapley value into segments, cash and raises; the valuation choices that move it most):")
        for e in ex:
            console.print(f"  • {escape(e.words())}", highlight=False)
    if weights is not None and len(values) > 1:
        view.weighted_table(console, values, weights)
    if operational is not None:
        view.operational_table(console, operational)
    for r, (summary, where, n) in zip(runs, backed, strict=True):
        if summary is not None:
            from ecosim.report.console.posterior import claims_table, value_table

            console.print(value_table(summary.equity, summary.marks, where))
            point = {row.id: row.status for row in r.summary.scorecard}
            console.print(claims_table(summary.claims, point, f"Narrative scorecard of {r.name} under the posterior ({n:,} draws): the share of draws in which each claim comes true"))
    return 0


def _posterior_values(runs: list[Any], posterior: Any, draws: int | None, overrides: dict[str, Any]) -> list[tuple[Any, str, int]]:
    """For each run: its posterior members' values and claims (from the run directory, or
    simulated under ``posterior``), where the members come from, and how many there are."""
    from ecosim.analysis.posterior import summarise
    from ecosim.run import posterior_members

    out: list[tuple[Any, str, int]] = []
    for r in runs:
        found = posterior_members(r, posterior, draws)
        if found is None:
            out.append((None, "", 0))
            continue
        members, where = found
        rates = {k: v for k, v in overrides.items() if k != "valuation_year"}
        out.append((summarise(members, r.results, valuation_year=overrides.get("valuation_year"), **rates), where, members.members))
    return out


def cmd_audit_report(args: argparse.Namespace) -> int:
    from ecosim.finance.audit import (
        audit,
        cross_checks,
        figures,
        grouped_summary,
        root_causes,
        summary,
    )
    from ecosim.report.console.audit import META, print_audit

    checks = audit()
    counts = summary(checks)
    if args.json:
        errors, rounding, methods = root_causes(checks)
        print(strict_json({**META, "summary": counts, "by_root_cause": grouped_summary(checks), "root_causes": [g.as_dict() for g in errors],
                           "rounding": [c.id for c in rounding], "method_notes": [g.as_dict() for g in methods],
                           "stated_twice": [c.id for c in cross_checks(checks)],
                           "checks": [c.as_dict() for c in checks], "figures": {k: vars(f) for k, f in figures().items()}}))
        return 0
    print_audit(console, checks, counts, args.top, args.mismatches_only)
    return 0


# ------------------------------------------------------------------ flywheel, compare


def cmd_flywheel(args: argparse.Namespace) -> int:
    from ecosim.experiments.flywheel import run_flywheel
    from ecosim.report.console.flywheel import print_flywheel
    from ecosim.scenario import load_scenario

    loaded = load_scenario(args.scenario, args.set or [])
    progress, update = month_progress(err_console, f"flywheel {loaded.name}")
    with progress:
        r = run_flywheel(loaded, seed=args.seed, seeds=0 if args.no_ablation else args.seeds, draws=args.draws, progress=update)
    if args.json:
        print(strict_json(r.as_dict()))
        return 0
    print_flywheel(console, r, args.top)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from ecosim.compare import compare
    from ecosim.report.console.compare import CompareProgress, print_compare

    out = Path(args.out) if args.out is not None else Path("comparisons") / safe_slug("_vs_".join(Path(a.rstrip("/")).stem for a in args.sources), "comparison")
    posterior = _posterior_option(args)
    draws = {} if args.draws is None else {"draws": args.draws}
    with CompareProgress(err_console) as tracker:
        result = compare(args.sources, out, seed=args.seed, sets=args.set or [], claims_path=args.claims,
                         progress=tracker, posterior=posterior, figures=not args.no_figures, **draws)
    if args.json:
        from ecosim.report.console.compare import compare_json

        print(strict_json(compare_json(result, out)))
        return 0
    print_compare(console, result, out, brief=args.quiet)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``ecosim report SOURCE``: the single-run report, ``ecosim compare`` of one source."""
    if args.out is None:
        args.out = str(Path("reports") / safe_slug(Path(args.source.rstrip("/")).stem, "report"))
    args.sources = [args.source]
    args.posterior = args.draws = None
    return cmd_compare(args)


# ------------------------------------------------------------------ experiments, results


def cmd_experiment_run(args: argparse.Namespace) -> int:
    from ecosim.experiments import load_experiment, run_experiment
    from ecosim.experiments.runners import check_workers
    from ecosim.report.console.experiment import ExperimentProgress
    from ecosim.results.store import ExperimentStore

    check_workers(args.workers)
    spec = load_experiment(args.experiment, posterior=_posterior_option(args))
    out = Path(args.out) if args.out is not None else Path("runs") / safe_slug(spec.name, "experiment")
    check_writable(out)
    shown = ExperimentProgress(Console(quiet=True) if args.json or args.quiet else console, err_console, spec, out)
    shown.header()
    try:
        run = run_experiment(spec, out, workers=args.workers, scheduler=args.scheduler, on_start=shown.on_start, on_progress=shown.on_progress,
                             on_note=lambda line: err_console.print(escape(line), highlight=False, soft_wrap=True))
    except KeyboardInterrupt:
        shown.close()
        store = ExperimentStore(out)
        shown.interrupted(sum(c.runs for c in store.manifest().chunks if c.id in store.done_chunks()) if store.exists() else 0)
        return 130
    finally:
        shown.close()
    shown.finished(run)
    if args.quiet and not args.json:
        ExperimentProgress(console, err_console, spec, out).finished(run)
    if not args.no_analysis and run.complete:
        if args.quiet and not args.json:
            from ecosim.report.experiment_report import write_experiment_analysis

            write_experiment_analysis(run.store)
        else:
            _print_analysis(run.store, args.json)
    elif args.json:
        print(strict_json({"dir": str(out), "complete": run.complete, "analysis": None}))
    return 0


def _print_analysis(store: Any, as_json: bool = False) -> None:
    from ecosim.report.console.experiment import analysis_json, print_analysis
    from ecosim.report.experiment_report import write_experiment_analysis

    res, files = write_experiment_analysis(store)
    if as_json:
        print(strict_json(analysis_json(res, files, store.root)))
        return
    print_analysis(console, res, files, store.root)


def cmd_experiment_analyze(args: argparse.Namespace) -> int:
    from ecosim.results.store import ExperimentStore

    store = ExperimentStore(args.dir)
    store.manifest()
    _print_analysis(store, args.json)
    return 0


def cmd_experiment_show(args: argparse.Namespace) -> int:
    from ecosim.experiments import load_experiment
    from ecosim.experiments.samplers import build_design
    from ecosim.report.console.experiment import print_show

    spec = load_experiment(args.experiment)
    design = build_design(spec)
    if args.json:
        from ecosim.report.console.experiment import show_json

        print(strict_json(show_json(spec, design)))
        return 0
    print_show(console, spec, design)
    return 0


def cmd_experiment_list(args: argparse.Namespace) -> int:
    from ecosim.experiments import bundled_experiments, load_experiment
    from ecosim.experiments.samplers import design_size
    from ecosim.report.console.experiment import print_list

    specs = [load_experiment(name) for name in bundled_experiments()]
    rows = [(name, s.meta.sampler, design_size(s)[2], s.meta.description) for name, s in zip(bundled_experiments(), specs, strict=True)]
    if args.json:
        print(strict_json([{"name": n, "sampler": sm, "runs": r, "description": d} for n, sm, r, d in rows]))
        return 0
    print_list(console, rows)
    return 0


def cmd_results_query(args: argparse.Namespace) -> int:
    from ecosim.report.console.experiment import print_query
    from ecosim.results.store import ExperimentStore

    df = ExperimentStore(args.dir).query(args.sql)
    if args.csv:
        sys.stdout.write(df.to_csv(index=False))
    elif args.json:
        print(df.to_json(orient="records", indent=1))
    else:
        print_query(console, df, args.max_rows, notes=err_console)
    return 0


def _add_experiment_parsers(sub: Any) -> None:
    p = sub.add_parser("experiment", help="batch experiments: run, analyze, show, list")
    p.set_defaults(func=_help_of(p))
    esub = p.add_subparsers(dest="experiment_command", parser_class=_Parser)
    r = esub.add_parser("run", help="run an experiment into a results store (resumes an interrupted one)")
    r.add_argument("experiment", help="experiment file or bundled name")
    r.add_argument("--out", help="experiment directory (default runs/NAME)")
    r.add_argument("--workers", type=int, help="local worker processes (default: CPU count; 1 = this process)")
    r.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://127.0.0.1:8786")
    r.add_argument("--no-analysis", action="store_true", help="store the runs only (analyse later with `experiment analyze`)")
    r.add_argument("--posterior", metavar="DIR", help="draw the calibrated history from this posterior (one more uncertainty, 'posterior')")
    r.add_argument("--json", action="store_true", help="JSON on stdout instead of tables: the analysis (progress stays on stderr)")
    r.set_defaults(func=cmd_experiment_run)
    a = esub.add_parser("analyze", help="summaries, sensitivity (Sobol, Morris), scenario discovery (PRIM), figures")
    a.add_argument("dir", help="experiment directory")
    a.add_argument("--json", action="store_true", help="JSON instead of tables: every analysis table as records")
    a.set_defaults(func=cmd_experiment_analyze)
    s = esub.add_parser("show", help="validate an experiment file and show its inputs, outcomes and run count")
    s.add_argument("experiment")
    s.add_argument("--json", action="store_true", help="JSON instead of tables")
    s.set_defaults(func=cmd_experiment_show)
    ls = esub.add_parser("list", help="list bundled experiments")
    ls.add_argument("--json", action="store_true", help="JSON instead of a table")
    ls.set_defaults(func=cmd_experiment_list)

    p = sub.add_parser("results", help="query an experiment's results store")
    p.set_defaults(func=_help_of(p))
    rsub = p.add_subparsers(dest="results_command", parser_class=_Parser)
    q = rsub.add_parser("query", help='run SQL (DuckDB) on the store: views design, runs, outcomes, timeseries, results, analysis tables')
    q.add_argument("dir", help="experiment directory")
    q.add_argument("sql", help='e.g. "SELECT status, count(*) FROM runs GROUP BY status"; "SHOW TABLES" lists the views')
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV on stdout (every row and column)")
    fmt.add_argument("--json", action="store_true", help="JSON records on stdout (every row and column)")
    q.add_argument("--max-rows", type=_COUNT, default=50, help="rows shown in the table (default 50); the table shows the columns that fit the terminal and says which it left out")
    q.set_defaults(func=cmd_results_query)


# ------------------------------------------------------------------ viz


def cmd_viz(args: argparse.Namespace) -> int:
    from ecosim.viz.server import check_address, is_loopback, scenario_ref, serve

    scenario = scenario_ref(args.scenario)
    check_address(args.host, args.port)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    console.print(f"[bold]ecosim viz[/bold] — scenario {escape(scenario)}: open [bold]http://{shown}:{args.port}/[/bold] (Ctrl-C stops)", highlight=False)
    if not is_loopback(args.host):
        _alert_console.print(f"warning: listening on {args.host}: anyone who can reach this machine can open the page", highlight=False)
    serve(args.host, args.port, scenario)
    console.print("ecosim viz: stopped")
    return 0


# ------------------------------------------------------------------ parser


def _version() -> str:
    """``ecosim --version``: ecosim's version and those of Mesa and Python (for bug reports)."""
    from importlib.metadata import PackageNotFoundError, version

    from ecosim import __version__

    try:
        mesa = version("mesa")
    except PackageNotFoundError:  # pragma: no cover - mesa is a dependency
        mesa = "not installed"
    return f"ecosim {__version__} (Mesa {mesa}, Python {sys.version.split()[0]})"


def _help_of(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """A command that prints ``parser``'s help on stdout and succeeds (bare ``ecosim``,
    ``ecosim experiment``, ...)."""

    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stdout)
        return 0

    return show


_QUIET_HELP = "no progress bars or notes on stderr; commands that write a directory print only the headline and where they wrote (errors still show)"


def _add_quiet(parser: argparse.ArgumentParser, top: bool = True) -> None:
    """``-q/--quiet`` on ``parser`` and every subcommand under it, so it may come before or after
    the command's name (a subcommand's flag only sets it, never resets it)."""
    parser.add_argument("-q", "--quiet", action="store_true", default=False if top else argparse.SUPPRESS, help=_QUIET_HELP)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                _add_quiet(child, top=False)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ecosim", description="Agent-based simulation of the Musk-ecosystem flywheel (Mesa). "
                     "`ecosim COMMAND --help` lists a command's options (--json: JSON on stdout instead of tables).")
    parser.add_argument("--version", action="version", version=_version(), help="print ecosim's version (and Mesa's and Python's) and exit")
    parser.set_defaults(func=_help_of(parser))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("run", help="run a scenario and write its results directory")
    p.add_argument("scenario", help="scenario file or bundled name")
    p.add_argument("--out", help="results directory (default runs/NAME)")
    p.add_argument("--seed", type=_SEED, help="random seed (default: the scenario's)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a field (TOML value; a bare word is a string)")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures")
    p.add_argument("--posterior", metavar="DIR", help="also run N members under this posterior (`ecosim calibrate --out DIR`): medians and 5-95 %% intervals, each claim's probability")
    p.add_argument("--draws", type=int, metavar="N", help="posterior draws (default 200)")
    p.add_argument("--json", action="store_true", help="JSON on stdout instead of tables: where the run was written, summary.json, every year's key outcomes")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("calibrate", help="fit the uncertain parameters to history (a posterior, ABC-SMC); --report, --screen, --backtest")
    p.add_argument("file", nargs="?", help="calibration file (default: the bundled ecosim/data/calibration.toml)")
    p.add_argument("--out", help="posterior directory (default runs/calibration-NAME); an interrupted calibration resumes there")
    p.add_argument("--workers", type=int, help="worker processes (default 1; the posterior is the same for any number)")
    p.add_argument("--report", action="store_true", help="print the calibration table: the posterior's fit if --out holds one, else the scenario's own run")
    p.add_argument("--screen", action="store_true", help="rank the scenario's assumptions by how much they move the history (Morris)")
    p.add_argument("--trajectories", type=_int_option(2, 10_000, "a number of trajectories"), default=20, help="Morris trajectories of --screen (default 20)")
    p.add_argument("--backtest", action="store_true", help="rolling-origin backtests: fit up to 2022 and 2023, forecast the next two years")
    p.add_argument("--markdown", action="store_true", help="with --report or --backtest: print Markdown tables (the README's sections)")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("scenarios", help="list bundled scenarios with one-line descriptions")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.set_defaults(func=cmd_scenarios)

    p = sub.add_parser("edges", help="list the exchange network's edges (what --set exchange.disable can cut)")
    p.add_argument("scenario", nargs="?", default="baseline")
    p.add_argument("--set", action="append", metavar="PATH=VALUE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_edges)

    p = sub.add_parser("odc-cost", help="orbital vs terrestrial cost per W, itemised")
    p.add_argument("scenario", nargs="?")
    p.add_argument("--year", type=_int_option(1950, 2200, "a year"), help="itemise SpaceX's builder's comparison in December of this year (default: the first year)")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.add_argument("--set", action="append", metavar="PATH=VALUE")
    p.add_argument("--sweep", metavar="launch_cost_usd_per_kg=START:STOP:STEP", help="draw cost per W against the launch cost as a PNG")
    p.add_argument("--out", help="PNG path for --sweep (default odc-cost-NAME-YEAR.png)")
    p.add_argument("--infrastructure-only", action="store_true", help="leave the AI accelerators out of both sides (power, cooling, launch, facility alone)")
    p.add_argument("--convention", choices=ODC_CONVENTIONS, default=None, help="what cost per W counts and how (default the builder's own, [orbital_dc] cost_convention: levelised in every bundled scenario; docs/odc-conventions.md)")
    p.add_argument("--cross-check", action="store_true", help="reproduce published orbital-compute cost models under their own conventions (no SCENARIO)")
    p.set_defaults(func=cmd_odc_cost)

    p = sub.add_parser("value", help="valuation table and gap to narrative marks (re-values a saved run without re-simulating)")
    p.add_argument("run_dir", nargs="+", metavar="RUN_DIR", help="run directory written by `ecosim run` (several: scenarios weighted by --weights)")
    p.add_argument("--json", action="store_true", help="JSON instead of tables (every cash flow, assumption and requirement)")
    p.add_argument("--wacc", metavar="PCT", help="discount rate [%%] instead of the scenario's CAPM/Hamada WACC")
    p.add_argument("--terminal-growth", metavar="PCT", help="perpetual growth [%%] instead of capital_market.terminal_growth_pct")
    p.add_argument("--tax-rate", metavar="PCT", help="tax rate [%%] instead of capital_market.tax_rate_pct")
    p.add_argument("--terminal", choices=("normalised", "gordon", "exit"), help="terminal value method (default: ecosim/data/valuation.toml)")
    p.add_argument("--exit-multiple", type=_finite_float, metavar="X", help="EV/revenue at the end of the run for --terminal exit")
    p.add_argument("--fade-years", type=_int_option(0, 50, "a number of years"), metavar="N", help="years of growth fade before the normalised terminal value")
    p.add_argument("--valuation-year", type=_int_option(1950, 2200, "a year"), metavar="YEAR", help="value at the start of this year (default: the run's first full year)")
    p.add_argument("--weights", metavar="W1,W2,...", help="scenario probabilities, one per RUN_DIR, summing to 1")
    p.add_argument("--entity", metavar="ID", help="only this entity's cash flows/accounts (spacex_xai, spacex, xai, tesla, openai, anthropic)")
    p.add_argument("--cash-flows", action="store_true", help="print each entity's yearly cash flows and discounting")
    p.add_argument("--accounts", action="store_true", help="print SpaceX's and Tesla's accounts by segment and year")
    p.add_argument("--explain", metavar="PNG", nargs="?", const="", default=None,
                   help="explain each mark's gap: the value compared split into segments, cash and raises (Shapley), and the valuation choices that move it most; with a path, also draw it as a PNG")
    p.add_argument("--operational", action="store_true", help="also re-run the world to find the launch price, Starlink market and ODC cost each mark requires (slow)")
    p.add_argument("--markdown", action="store_true", help="with --posterior: print the posterior-backed headline as Markdown (the README's section)")
    p.add_argument("--posterior", metavar="DIR", help="also value N draws of this posterior (the run's stored members, or its scenario simulated under it): medians, 5-95 %% intervals, each mark's probability")
    p.add_argument("--draws", type=int, metavar="N", help="posterior draws (default 200)")
    p.set_defaults(func=cmd_value)

    p = sub.add_parser("audit-report", help="recompute the seed valuation report (seed 002) from its own inputs, list mismatches")
    p.add_argument("--json", action="store_true", help="JSON: every check, and every stated figure with its line")
    p.add_argument("--mismatches-only", action="store_true", help="leave out the figures that hold")
    p.add_argument("--top", type=_COUNT, default=30, metavar="N", help="how many root causes to list first, largest first (default 30: all of them; every figure is in the tables that follow)")
    p.set_defaults(func=cmd_audit_report)

    p = sub.add_parser("flywheel", help="which loops drive capability, launches, orbital compute and value each year (Loops that Matter on the run), reinvestment loops, link ablations over seeds")
    p.add_argument("scenario", help="scenario file or bundled name")
    p.add_argument("--json", action="store_true", help="JSON instead of tables")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a field (TOML value)")
    p.add_argument("--seed", type=_SEED, help="random seed (default: the scenario's)")
    p.add_argument("--seeds", type=_COUNT, default=5, metavar="N", help="seeds of the link ablations (default 5)")
    p.add_argument("--draws", type=_COUNT, default=1, metavar="N", help="draws of the uncertain parameters per seed (default 1)")
    p.add_argument("--no-ablation", action="store_true", help="skip cutting each link")
    p.add_argument("--top", type=_COUNT, metavar="N", help="only the N ablation rows of each outcome that move it most")
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
    p.add_argument("--seed", type=_SEED, help="seed for the scenarios run here (default: each scenario's)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a field of the scenarios run here")
    p.add_argument("--claims", metavar="FILE", help="claims file for the scorecard (default: the bundled ecosim/data/claims.toml)")
    p.add_argument("--posterior", metavar="DIR", help="run scenario arguments under this posterior too (N members each: fan charts, each claim's probability)")
    p.add_argument("--draws", type=int, metavar="N", help="posterior draws (default 200)")
    p.add_argument("--json", action="store_true", help="JSON on stdout instead of tables: compare.json's content and every outcome by year")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures (report.html keeps its interactive charts)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("report", help="the report of one run: headline, outcomes by year, valuation, scorecard, figures (report.md, a self-contained report.html)")
    p.add_argument("source", metavar="SOURCE", help="run directory (read back, never re-simulated), or scenario file / bundled name (run first)")
    p.add_argument("--out", help="report directory (default reports/NAME)")
    p.add_argument("--seed", type=_SEED, help="seed when SOURCE is a scenario (default: the scenario's)")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="override a field when SOURCE is a scenario")
    p.add_argument("--claims", metavar="FILE", help="claims file for the scorecard (default: the bundled ecosim/data/claims.toml)")
    p.add_argument("--json", action="store_true", help="JSON on stdout instead of tables: compare.json's content and every outcome by year")
    p.add_argument("--no-figures", action="store_true", help="skip the PNG figures (report.html keeps its interactive charts)")
    p.set_defaults(func=cmd_report)

    for _name, register in _EXTENSIONS:
        register(sub)
    _add_quiet(parser)
    return parser


#: further subcommands registered by other modules: (name, function(subparsers))
_EXTENSIONS: list[tuple[str, Callable[[Any], None]]] = []


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """:func:`build_parser`'s parser, built once per process: building it takes about 12 ms and
    parsing never changes it (a notebook or the test suite calls :func:`main` hundreds of times)."""
    return build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit status 0 success, 2 bad input or a fault met on the way (one line:
    a bad file or option, a damaged directory, an unwritable or full disk, too little memory),
    1 an internal error (with the traceback), 130 interrupted."""
    args = _parser().parse_args(argv)
    err_console.quiet = bool(args.quiet)
    try:
        return int(args.func(args))
    except EcosimError as exc:
        _print_error(str(exc))
        return 2
    except BrokenPipeError:  # the reader of our output stopped reading (`| head`): not an error
        _silence_stdout()
        return 0
    except OSError as exc:  # a fault of the machine met on the way: one line naming the path and the cause
        where = exc.filename if exc.filename is not None else "ecosim"
        _print_error(f"{where}: {exc.strerror or type(exc).__name__}")
        return 2
    except MemoryError:
        _print_error("ecosim: out of memory: make the run smaller (members, months, experiment size)")
        return 2
    except RecursionError:
        _print_error("ecosim: the input nests too deeply to be read")
        return 2
    except KeyboardInterrupt:
        _alert_console.print("interrupted")
        return 130
    except Exception:  # an internal error: say so, with the traceback for the bug report
        _alert_console.print("[red]internal error[/red] (please report):", highlight=False)
        traceback.print_exc()
        return 1
    finally:
        err_console.quiet = False


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit cannot raise BrokenPipeError again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured in tests)
        pass


if __name__ == "__main__":
    sys.exit(main())
