"""``simulate``: build a world, run it and hand back its :class:`~ecosim.results.Results`.

The one place that builds, runs and releases an :class:`~ecosim.model.EcosimModel` for batch
use: ``ecosim run``, experiment chunks, the flywheel and operational-requirement probes, the
browser view's perfect-foresight run and ``ecosim odc-cost`` all call it. (The browser view's
live model, stepped month by month by the page, is the one model built elsewhere.)

What it adds to the model's own run:

* **edge scales** — per-member throughput factors on edges of the network
  (:meth:`ecosim.exchange.Exchange.set_edge_scale`), for the whole run (shape (K,)) or as a
  schedule (shape (months, K): row *t* applies from month *t* of the scenario on), so a cut
  or a push from a given month is data, not a callback;
* **an early stop** — ``until``, a month ``YYYY-MM`` (simulated inclusive) or a number of
  months;
* **the results** — the metrics as (months, members) arrays with their units, cash at the
  start, the cost of capital the capital market used, the network, the agents, and when asked
  the ledger and the flows on each goods edge;
* **a posterior** — ``posterior`` gives each member its own draw of the calibrated history
  parameters (:meth:`ecosim.results.posterior.Posterior.draws`): the history the scenario
  continues from (``initial_state_from``) runs first with those draws, one member per draw,
  and each member continues from its own history's end state with the same draws
  (:func:`posterior_start`); a scenario without ``initial_state_from`` takes the draws
  directly;
* **release** — Mesa keeps every model alive through ``mesa.Agent._ids``
  (``MESA-NOTES.md``): the model is dropped from it when the run ends, so a process can
  simulate again and again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import mesa
import numpy as np

from ecosim.errors import ScenarioError, UsageError
from ecosim.exchange import Exchange
from ecosim.exchange.topology import parse_edge_id
from ecosim.metrics import METRICS
from ecosim.model import EcosimModel, continued_scenario, warmup_state
from ecosim.results.results import AgentInfo, CostOfCapital, Results
from ecosim.scenario.loader import LoadedScenario, _split_path, load_scenario
from ecosim.timeline import format_month, parse_month

Progress = Callable[[int, int], None]

#: metrics holding a company's cash: their values before the first month are ``Results.cash_start``
CASH_SUFFIX = "_cash_usd"
#: tag of the seed of the history a posterior-backed run continues from (derived from the run's seed)
HISTORY_SEED_TAG = 2025


def simulate(
    scenario: LoadedScenario | str,
    seed: int | None = None,
    members: int = 1,
    member_values: Mapping[str, np.ndarray] | None = None,
    edge_scales: Mapping[str, Any] | None = None,
    until: str | int | None = None,
    *,
    record_ledger: bool = False,
    record_flows: bool = False,
    common_random_numbers: bool = False,
    progress: Progress | None = None,
    observe: Callable[[Exchange], None] | None = None,
    posterior: Mapping[str, np.ndarray] | None = None,
    member_seeds: Sequence[tuple[int, int]] | None = None,
) -> Results:
    """Simulate ``members`` ensemble members of a scenario and return their results.

    Parameters
    ----------
    scenario : a loaded scenario, or a path / bundled name.
    seed : seed of the random generator (default: the scenario's ``scenario.seed``).
    members : ensemble size K.
    member_values : ``{"field.path": (K,) values}``: per-member values of numeric fields.
    edge_scales : ``{"seller->buyer:commodity": factors}`` in [0, 1] (1 normal, 0 cut): shape
        (K,) (or a scalar) for the whole run, or (months of the scenario, K), row *t* from
        month *t* on.
    until : stop after this month (``YYYY-MM``) or this many months (default: the
        scenario's end).
    record_ledger : keep every transfer (``Results.ledger``, one row per transfer and member).
    record_flows : keep the quantity on every goods edge per month (``Results.edge_flows``).
    common_random_numbers : members share their random draws (:mod:`ecosim.model`).
    progress : ``progress(months done, months to run)`` after every month.
    observe : called with the exchange after every month, to accumulate what the results do
        not keep (e.g. what each agent spent, internal purchases included); it reads, never
        changes.
    posterior : ``{"field.path": (K,) values}``: each member's draw of the calibrated history
        parameters (see :func:`posterior_start`); ``member_values`` win over it for the
        scenario's own months.
    member_seeds : ``[(seed, members), ...]``: the members in consecutive groups, each drawing as
        a run of its members alone with that seed (:class:`~ecosim.model.EcosimModel`): several
        experiment chunks on one member axis (:func:`ecosim.experiments.chunk.run_chunks`);
        :meth:`~ecosim.results.Results.take` splits the results.

    Raises
    ------
    ScenarioError
        The scenario does not build (e.g. an ``[exchange] disable`` naming no edge).
    UsageError
        ``until`` outside the scenario's months.
    ValueError
        An edge scale naming no edge, of the wrong shape, or outside [0, 1].
    ScenarioError
        Also when the inputs take the world outside what it can compute (a NaN reaching a
        random draw, a division by zero): :func:`outside_domain`.
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    t0 = time.perf_counter()
    values = dict(member_values) if member_values is not None else None
    initial_state = None
    if posterior is not None:
        run_seed = int(loaded.model.scenario.seed if seed is None else seed)
        drawn, initial_state = posterior_start(loaded, posterior, members, run_seed, common_random_numbers)
        values = {**drawn, **(values or {})}
    model = EcosimModel(
        loaded,
        seed=seed,
        members=members,
        member_values=values,
        record_ledger=record_ledger or record_flows,
        common_random_numbers=common_random_numbers,
        initial_state=initial_state,
        member_seeds=member_seeds,
    )
    try:
        steps = months_to_run(until, model.start_month, model.n_steps)
        schedule = _schedule(edge_scales or {}, model)
        cash_start = {name: np.array(m.fn(model), dtype=float) for name, m in METRICS.items() if name.endswith(CASH_SUFFIX)}
        while model.steps < steps:
            for edge, factors in schedule.items():
                _apply(model, edge, factors, model.steps)
            try:
                model.step()
            except (FloatingPointError, ZeroDivisionError, OverflowError, ValueError) as exc:
                if isinstance(exc, ValueError) and not _from_numpy(exc):
                    raise
                raise outside_domain(loaded, format_month(model.start_month + model.steps), exc) from None
            if observe is not None:
                observe(model.exchange)
            if progress is not None:
                progress(model.steps, steps)
        runtime = time.perf_counter() - t0
        ex = model.exchange
        tables = model.datacollector.hand_over()  # the model is released below: no copies
        series = {name: tables[name] for name in METRICS}
        return Results(
            scenario=loaded,
            seed=model.seed_value,
            members=model.members,
            months=model.dates(),
            series=series,
            units={name: m.unit for name, m in METRICS.items()},
            network=model.network,
            cash_start=cash_start,
            cost_of_capital=CostOfCapital.of(model.params.capital_market, model.members),
            agents={n: AgentInfo(a.kind, a.label, ex.companies[n]) for n, a in model.by_name.items()},
            companies={c: model.roster.company_names().get(c, c) for c in sorted(set(model.companies.values()))},
            end_month=format_month(model.end_month),
            ledger=model.ledger() if record_ledger else None,
            edge_flows=_flows(model) if record_flows else {},
            runtime_s=runtime,
        )
    finally:
        mesa.Agent._ids.pop(model, None)


def field_value(scenario: LoadedScenario, path: str) -> Any:
    """The value a scenario gives a field (``"tesla.fsd_engaged_pct"``, ``"pv.suppliers[0].x"``)."""
    node: Any = scenario.model
    for part in _split_path(path):
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


def history_seed(seed: int) -> int:
    """Seed of the history a posterior-backed run of seed ``seed`` continues from.

    >>> history_seed(42) == history_seed(42) != history_seed(43)
    True
    """
    return int(np.random.SeedSequence([int(seed), HISTORY_SEED_TAG]).generate_state(1, dtype=np.uint32)[0])


def held_fields(scenario: LoadedScenario, paths: Sequence[str]) -> list[str]:
    """The fields of ``paths`` a scenario sets to another value than the scenario it continues
    from (``initial_state_from``) does: its own levers, kept at its value in its months when the
    history runs under a posterior (none for a scenario that continues nothing)."""
    ref = continued_scenario(scenario)
    if ref is None:
        return []
    return [p for p in paths if field_value(scenario, p) != field_value(ref, p)]


def posterior_start(
    scenario: LoadedScenario,
    posterior: Mapping[str, np.ndarray],
    members: int,
    seed: int,
    common_random_numbers: bool = False,
) -> tuple[dict[str, np.ndarray], dict[str, Any] | None]:
    """Where a posterior-backed run starts: its member values and its initial state.

    ``posterior`` holds each member's draw of the history's calibrated fields, (K,) each.
    When the scenario continues another (``initial_state_from``, e.g. ``baseline`` from
    ``history``), that history runs first with the draws as its member values (K members, seed
    :func:`history_seed` of the run's) and every member continues from its own history's end
    state (:func:`ecosim.model.warmup_state`); the scenario's months take the draws too, except
    the fields it sets itself (:func:`held_fields`, e.g. a ``--set``), which keep the scenario's
    value. A scenario that continues nothing (``history`` itself) takes every draw.

    Returns
    -------
    (member values for the scenario's months, initial state or None)

    Raises
    ------
    ValueError
        A draw that does not hold one value per member.
    """
    values = {p: np.asarray(v, dtype=float) for p, v in posterior.items()}
    for path, v in values.items():
        if v.shape != (members,):
            raise ValueError(f"posterior: {path} must have one value per member, shape ({members},) (got {v.shape})")
    ref = continued_scenario(scenario)
    if ref is None:
        return values, None
    state = warmup_state(ref, member_values=values, members=members, seed=history_seed(seed), common_random_numbers=common_random_numbers)
    held = held_fields(scenario, list(values))
    return {p: v for p, v in values.items() if p not in held}, state


def outside_domain(loaded: LoadedScenario, month: str, cause: object) -> ScenarioError:
    """The one-line error of a run whose inputs took the world outside what it can compute (a
    NaN or an infinity reached a random draw, a division by zero): names the scenario, its
    overrides, the month and the cause."""
    where = str(loaded.path) + (f" with --set {' --set '.join(loaded.overrides)}" if loaded.overrides else "")
    text = " ".join(str(cause).split())[:200] or type(cause).__name__
    return ScenarioError(f"{where}: these inputs take the world outside what it can compute in {month} ({text}); nothing written")


def _from_numpy(exc: BaseException) -> bool:
    """True when a ValueError was raised inside NumPy (a random draw given NaN or a negative count)."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and "numpy" in last


def _flows(model: EcosimModel) -> dict[str, np.ndarray]:
    """Every goods edge's monthly quantity, and what every signal edge's reader could read
    each month (before damping or a cut), (months, members)."""
    ex = model.exchange
    out = {f"{s}->{b}:{c}": ex.edge_series(s, b, c) for s, b, c in ex.goods_edges}
    for s, b, c, d in model.network.edges(keys=True, data=True):
        if d["signal"]:
            out[d["id"]] = ex.signal_series(s, b, c)
    return out


def months_to_run(until: str | int | None, start_month: int, n_steps: int) -> int:
    """Months to simulate for ``until`` (a month ``YYYY-MM``, inclusive, or a count).

    >>> from ecosim.timeline import parse_month
    >>> start = parse_month("2026-01")
    >>> months_to_run(None, start, 180), months_to_run("2030-12", start, 180), months_to_run(12, start, 180)
    (180, 60, 12)
    """
    if until is None:
        return n_steps
    end = format_month(start_month + n_steps - 1)
    if isinstance(until, str):
        try:
            steps = parse_month(until) - start_month + 1
        except ValueError:
            raise UsageError(f"until must be a month YYYY-MM or a number of months (got {until!r})") from None
        if not 0 <= steps <= n_steps:
            raise UsageError(f"until must be a month from {format_month(start_month - 1)} to {end} (got {until!r})")
        return steps
    if not 0 <= int(until) <= n_steps:
        raise UsageError(f"until must be between 0 and {n_steps} months (got {until})")
    return int(until)


def _schedule(edge_scales: Mapping[str, Any], model: EcosimModel) -> dict[str, np.ndarray]:
    """Each edge's factors as (months, K) or (K,), checked against the network."""
    K, T = model.members, model.n_steps
    out: dict[str, np.ndarray] = {}
    for edge, factors in edge_scales.items():
        seller, buyer, commodity = parse_edge_id(edge)
        if not model.network.has_edge(seller, buyer, key=commodity):
            raise ValueError(f"edge scale: {edge!r} must name an edge of the network (see `ecosim edges`)")
        f = np.asarray(factors, dtype=float)
        if f.ndim == 2 and f.shape != (T, K):
            raise ValueError(f"edge scale of {edge}: a schedule must have shape (months, members) = ({T}, {K}) (got {f.shape})")
        if f.ndim > 2:
            raise ValueError(f"edge scale of {edge}: must have shape (members,) or (months, members) (got {f.shape})")
        out[edge] = f if f.ndim == 2 else np.broadcast_to(f, (K,))
    return out


def _apply(model: EcosimModel, edge: str, factors: np.ndarray, t: int) -> None:
    """Set an edge's factors for month ``t`` when they change (from all 1 before the run)."""
    now = factors[t] if factors.ndim == 2 else factors
    before = (factors[t - 1] if factors.ndim == 2 else factors) if t > 0 else None
    if before is None and np.all(now == 1.0):
        return
    if before is None or not np.array_equal(now, before):
        model.exchange.set_edge_scale(edge, now)
