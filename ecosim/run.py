"""Run a scenario and write its results directory (the ``ecosim run`` contract).

``run_scenario`` is a pure function of (scenario, seed): it simulates one member
(:func:`ecosim.simulate.simulate`, with the ledger), checks the run against public history,
scores the narrative scorecard and returns everything in memory. ``write_run`` writes it to a
directory atomically (:func:`ecosim.results.rundir.write_run`, with the figures), so an
interrupted or failed run leaves nothing half-written. The directory's files are listed in
:mod:`ecosim.results.rundir`.

``run_posterior`` runs the same scenario under a calibration's posterior: ``draws`` members,
each an equally weighted draw (resampled with the run's seed), each continuing from the
history run under its own draw (:func:`ecosim.simulate.simulate` with ``posterior``);
``write_run`` then adds them to the directory (``posterior/``,
:func:`ecosim.results.posterior.write_members`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ecosim import __version__
from ecosim.analysis.calibration import (
    STATUS_OUTSIDE,
    Check,
    calibration_table,
    checks_of,
    history_rows,
    period_months,
    row_values,
    with_forward,
)
from ecosim.analysis.scorecard import run_scorecard, score_results
from ecosim.errors import ScenarioError, UsageError
from ecosim.exchange.topology import COMMODITY_UNITS
from ecosim.finance.gap import Booked, GapRow, RunValue, mark_gaps, value_run
from ecosim.finance.series_value import results_equity
from ecosim.model import continued_scenario
from ecosim.results import rundir
from ecosim.results.posterior import MEMBERS_DIR, Posterior, read_members, write_members
from ecosim.results.results import Results
from ecosim.results.rundir import CalibrationRow, CommodityTotal, RunSummary, SavedRun, ScorecardRow
from ecosim.scenario.loader import LoadedScenario, bundled_scenarios, load_scenario
from ecosim.simulate import held_fields, simulate
from ecosim.timeline import format_month, parse_month

#: posterior draws of a posterior-backed run unless told otherwise
DEFAULT_DRAWS = 200


@dataclass
class RunResult:
    """A finished run, in memory: its :class:`~ecosim.results.Results`, its timeseries table
    and ledger, its ``summary.json`` and its calibration checks."""

    results: Results
    timeseries: pd.DataFrame
    summary: RunSummary
    calibration: list[Check] = field(default_factory=list)

    @property
    def scenario(self) -> LoadedScenario:
        return self.results.scenario

    @property
    def seed(self) -> int:
        return self.results.seed

    @property
    def ledger(self) -> pd.DataFrame:
        assert self.results.ledger is not None  # run_scenario records it
        return self.results.ledger

    @property
    def graph(self) -> nx.MultiDiGraph:
        return self.results.network

    @property
    def runtime_s(self) -> float:
        return self.results.runtime_s

    def saved(self) -> SavedRun:
        """The run as :func:`~ecosim.results.read_run` would read it back from its directory
        (nothing is written; its ``path`` is the scenario file's)."""
        return SavedRun(Path(str(self.scenario.path)), self.timeseries, self.ledger, self.summary, self.scenario, self.graph)


@dataclass
class PosteriorRun:
    """A scenario run under a posterior: ``results`` has one member per draw; ``draws`` holds
    each member's values of the inferred fields; ``held``: inferred fields the scenario sets
    itself (kept at its value in its own months, see :func:`ecosim.simulate.posterior_start`)."""

    posterior: Posterior
    results: Results
    draws: dict[str, np.ndarray]
    seed: int
    held: list[str]
    stale: bool  #: the history changed since the calibration (the posterior should be inferred again)

    @property
    def members(self) -> int:
        return self.results.members

    def info(self) -> dict[str, object]:
        """What ``posterior/members.json`` records about the posterior."""
        return {"posterior": str(self.posterior.path), "fingerprint": self.posterior.fingerprint, "seed": self.seed,
                "draws": self.members, "held": list(self.held), "stale": self.stale}


def run_posterior(
    scenario: LoadedScenario,
    posterior: Posterior,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PosteriorRun:
    """Run ``draws`` members of a scenario, each under its own draw of the posterior (resampled
    with ``seed``, default the scenario's), each continuing from its own history."""
    run_seed = int(scenario.model.scenario.seed if seed is None else seed)
    values = posterior.draws(draws, run_seed)
    history = continued_scenario(scenario) or scenario
    held = held_fields(scenario, list(values))
    results = simulate(scenario, run_seed, members=draws, posterior=values, progress=progress)
    return PosteriorRun(posterior, results, values, run_seed, held, not posterior.calibrated_on(history))


def posterior_members(run: SavedRun, posterior: Posterior | None, draws: int | None = None) -> tuple[Results, str] | None:
    """The posterior members behind a saved run, and where they come from: the members its
    directory holds (``ecosim run --posterior``) when they are of ``posterior`` (or none is
    given) and of ``draws`` (or none is given); else, with a posterior, its scenario run here
    under it with the run's seed. None: no posterior given and none stored."""
    stored = read_members(run.path, run.results)
    if stored is not None and (posterior is None or (stored.fingerprint == posterior.fingerprint and draws in (None, stored.results.members))):
        return stored.results, f"the {stored.results.members:,} posterior draws stored in {run.path / MEMBERS_DIR} (of {stored.posterior_path})"
    if posterior is None:
        return None
    n = DEFAULT_DRAWS if draws is None else draws
    backed = run_posterior(run.scenario, posterior, n, run.summary.seed)
    return backed.results, f"{n:,} posterior draws of {posterior.path}, simulated now with the run's scenario and seed {run.summary.seed}"


def continuation_of(name: str) -> str | None:
    """The bundled scenario that continues ``name`` from the state it reaches
    (``initial_state_from``): ``baseline`` if it does, else the first by name; None if none."""
    names = [n for n in bundled_scenarios() if n != name and load_scenario(n).model.scenario.initial_state_from == name]
    return "baseline" if "baseline" in names else (names[0] if names else None)


def forward_checks(scenario_name: str, checks: list[Check], posterior: Posterior | None = None, draws: int = DEFAULT_DRAWS,
                   seed: int | None = None) -> list[Check]:
    """``checks`` (a history run's) with the rows after its months checked against the run that
    continues it (:func:`continuation_of`): one run, or ``draws`` members each under its own draw
    of ``posterior``, up to the last such row (never asserted: forward years are the model's own)."""
    outside = {(c.metric, c.period) for c in checks if c.status == STATUS_OUTSIDE}
    cont = continuation_of(scenario_name) if outside else None
    if cont is None:
        return list(checks)
    sc = load_scenario(cont)
    rows = [r for r in history_rows() if (r.metric, r.period) in outside]
    last = min(max(period_months(r.period)[1] for r in rows), parse_month(sc.model.scenario.end_month))
    if posterior is None:
        results = simulate(sc, seed, until=format_month(last))
    else:
        run_seed = int(sc.model.scenario.seed if seed is None else seed)
        results = simulate(sc, run_seed, members=draws, posterior=posterior.draws(draws, run_seed), until=format_month(last))
    values = row_values(rows, results.series, parse_month(results.months[0]), sc.model)
    return with_forward(checks, checks_of(rows, values), cont)


def run_scenario(
    scenario: LoadedScenario | str,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Run one member of a scenario (loaded, or a path / bundled name) from start to end and
    collect its results as ``ecosim run`` does (without writing them: :func:`write_run`)."""
    if not isinstance(scenario, LoadedScenario):
        scenario = load_scenario(scenario)
    return collect(simulate(scenario, seed, record_ledger=True, progress=progress))


def collect(results: Results) -> RunResult:
    """What ``ecosim run`` collects from a one-member :class:`Results` with its ledger: the
    timeseries table, the calibration checks against history and ``summary.json``."""
    check_finite(results)
    ts = results.timeseries()
    checks = calibration_table(ts, results.scenario.model)
    result = RunResult(results, ts, build_summary(results, checks), checks)
    if results.ledger is not None:
        result.summary = with_headline(result.saved(), results.series)
    return result


def with_headline(run: SavedRun, series: dict[str, np.ndarray]) -> RunSummary:
    """The run's summary with its headline and ``valuation``: every entity booked from the ledger
    and every mark like for like as ``ecosim value`` sets it (:func:`ecosim.finance.gap.mark_gaps`),
    the scorecard's counts and what binds."""
    from ecosim.report.headline import (
        HEADLINE_ENTITY,
        from_gaps,
        run_headline,
        valuation_summary,
        valuation_year,
    )

    s = run.summary
    booked: dict[str, Booked] = {}
    gaps: list[GapRow] = []
    if valuation_year(run.dates) is not None:
        try:
            booked, gaps = mark_gaps(run)
        except UsageError:  # terminal growth not below the WACC: no value
            pass
    head = booked.get(HEADLINE_ENTITY)
    value = float(head.valuation.equity_value[0]) if head is not None else float("nan")
    comparisons = from_gaps(gaps)
    entities = {k: (b.spec.label, float(b.valuation.equity_value[0])) for k, b in booked.items()}
    statuses = [r.status for r in s.scorecard]
    return replace(s, headline=tuple(run_headline(series, run.dates, value, comparisons, statuses, s.scenario)),
                   valuation=valuation_summary(value, valuation_year(run.dates), comparisons, entities))


def value(run: Results | RunResult | SavedRun | str | Path, member: int = 0, **overrides: Any) -> RunValue:
    """Value a run in one call, as ``ecosim value`` does: every entity of
    ``ecosim/data/valuation.toml`` (SpaceX + xAI, SpaceX, xAI, Tesla, OpenAI) by DCF at the
    run's cost of capital, and every narrative and market mark set against its entity.

    Parameters
    ----------
    run : :class:`~ecosim.results.Results` (simulated with ``record_ledger=True``: valuation
        books the ledger), a :class:`RunResult` (:func:`run_scenario`), a
        :class:`~ecosim.results.SavedRun`, or a run directory written by ``ecosim run``.
    member : the member of a many-member :class:`~ecosim.results.Results` to value.
    overrides : any :class:`~ecosim.finance.valuation.Assumptions` field instead of the
        scenario's (``wacc=0.10``, ``terminal_growth=0.03``, ``terminal="exit"``,
        ``valuation_year=2027``...), as ``ecosim value``'s options.

    Returns
    -------
    :class:`~ecosim.finance.gap.RunValue`: ``entities`` (id -> value, accounts, cash flows),
    ``gaps`` (one per mark); ``entities_frame()`` and ``gaps_frame()`` as DataFrames.

    Raises
    ------
    UsageError
        ``Results`` without a ledger, or an override out of range.
    """
    if isinstance(run, (str, Path)):
        saved = rundir.read_run(run)
    elif isinstance(run, SavedRun):
        saved = run
    elif isinstance(run, RunResult):
        saved = run.saved()
    else:
        one = run.member(member) if run.members > 1 else run
        if one.ledger is None:
            raise UsageError("value() books the run's ledger: simulate with record_ledger=True (or use run_scenario)")
        saved = collect(one).saved()
    return value_run(saved, **overrides)


def check_finite(results: Results) -> None:
    """Every series and every ledger amount of a run must be finite; a NaN or an infinity means
    the inputs took the world outside what it can compute (nothing is written).

    Raises
    ------
    ScenarioError
        Naming the scenario, the first metric that is not finite, its month and value.
    """
    where = results.scenario.path if not results.scenario.overrides else f"{results.scenario.path} with --set {' --set '.join(results.scenario.overrides)}"
    for name, values in results.series.items():
        bad = ~np.isfinite(values)
        if bad.any():
            month, member = np.argwhere(bad)[0]
            raise ScenarioError(
                f"{where}: the run gives {name} = {float(values[month, member])!r} in {results.months[month]}: these inputs take the world "
                "outside what it can compute (nothing written)"
            )
    ledger = results.ledger
    if ledger is not None and len(ledger):
        amounts = ledger[["quantity", "usd"]].to_numpy(dtype=float)
        bad_rows = ~np.isfinite(amounts).all(axis=1)
        if bad_rows.any():
            row = ledger[bad_rows].iloc[0]
            raise ScenarioError(
                f"{where}: the run books a transfer {row['from']} -> {row['to']} of {row['commodity']} that is not a finite amount in {row['date']}: "
                "these inputs take the world outside what it can compute (nothing written)"
            )


def build_summary(results: Results, checks: list[Check]) -> RunSummary:
    """``summary.json`` of a one-member run."""
    meta = results.scenario.model.scenario
    ledger = results.ledger if results.ledger is not None else pd.DataFrame(columns=["commodity", "quantity", "usd"])
    totals = {
        str(c): CommodityTotal(float(g["quantity"].sum()), COMMODITY_UNITS[str(c)], float(g["usd"].sum()))
        for c, g in ledger.groupby("commodity")
    }
    last = {k: float(v[-1, 0]) for k, v in results.series.items()}
    equity = results_equity(results)
    card = run_scorecard(score_results(results, equity=equity))
    return RunSummary(
        ecosim_version=__version__,
        scenario=meta.name,
        description=meta.description,
        scenario_file=str(results.scenario.path),
        overrides=tuple(results.scenario.overrides),
        seed=results.seed,
        start=format_month(parse_month(meta.start_month)),
        end=results.end_month,
        months=len(results.months),
        members=results.members,
        initial_state_from=meta.initial_state_from,
        agents_by_kind=dict(sorted(Counter(a.kind for a in results.agents.values()).items())),
        agents=dict(results.agents),
        companies=dict(results.companies),
        merger_month=format_month(parse_month(results.scenario.model.capital_market.merger_month)),
        disabled_edges=tuple(results.scenario.model.exchange.disable),
        final=last,
        units=dict(results.units),
        cash_start_usd={m: float(v[0]) for m, v in results.cash_start.items()},
        totals_by_commodity=totals,
        calibration=tuple(
            CalibrationRow(c.metric, c.period, c.unit, c.published, c.model, 100.0 * c.error_frac, c.passes(), c.asserted, c.uncertainty_frac, c.status, c.source)
            for c in checks
        ),
        scorecard=tuple(ScorecardRow(**r) for r in card),
        runtime_s=results.runtime_s,
    )


def write_run(result: RunResult, out_dir: Path, figures: bool = True, posterior: PosteriorRun | None = None) -> Path:
    """Write a run's results to ``out_dir`` atomically (figures included unless ``figures`` is
    False; a posterior-backed run's members in ``posterior/``); returns ``out_dir``."""

    def extra(tmp: Path) -> None:
        if figures:
            from ecosim.report.figures import write_run_figures

            write_run_figures(result.timeseries, result.ledger, result.graph, tmp / "figures")
        if posterior is not None:
            write_members(posterior.results, posterior.draws, posterior.info(), tmp / MEMBERS_DIR)

    return rundir.write_run(result.results, result.summary, Path(out_dir), extra)
