"""EcosimModel: the Musk-ecosystem world as a Mesa model.

One step is one month. Every agent is an actor at the level a decision is made (a company,
a fleet, a cohort) holding its objects as NumPy arrays with a leading ensemble-member axis,
so one model advances ``members`` independent runs at once (they may differ in parameter
values: ``member_values`` gives one value per member for any numeric scenario field).

A month (:meth:`EcosimModel.step`) reads as its phases::

    open    the exchange makes last month's signals readable and forgets last month's trades
    offer   every agent reads signals, produces and posts offers and demands on the exchange
    clear   every commodity clears on the network's enabled edges (ledger written)
    fulfil  sellers deliver (launchers fly and report payloads lost)
    settle  every agent takes what arrived, updates its stocks, pays what it owes, publishes
    collect the DataCollector records this month's metrics

Agents act in the order of the actor roster (``ecosim/data/roster.toml``), which also gives
each agent its class, company, parameters and groups. Every coupling between agents is an edge
of the exchange network (goods or signals; signals are read one month late), so the order of
agents does not change results; only the capital market acts first, so that a merger or a raise
takes effect in its month. A month has a ``fulfil`` phase between clearing and settling, in
which launchers fly and report payloads lost.

Randomness: only ``self.rng`` (NumPy Generator seeded from ``seed``); the same scenario,
seed and members give bit-identical results. Members draw independently by default; with
``common_random_numbers=True`` they share one uniform per draw (inverse-CDF coupling), so
members that differ only in a parameter or an edge differ only because of it — the
perturbation experiments of :mod:`ecosim.probe` rely on this. With ``member_seeds`` the members
fall in groups, each drawing from a generator of its own (seeded with the group's seed) exactly
what a model of that group's members alone, with that seed, draws: several experiment chunks
advance on one model's member axis, each as if alone (members never read one another).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import mesa
import numpy as np
import pandas as pd

from ecosim.agents import CLASSES
from ecosim.agents.base import EcosimAgent, MonthMemo
from ecosim.errors import ScenarioError
from ecosim.exchange import Exchange
from ecosim.exchange.network import Node, build_network
from ecosim.metrics import METRICS
from ecosim.scenario.loader import LoadedScenario, _split_path, load_scenario
from ecosim.scenario.params import build_params
from ecosim.scenario.roster import Roster, roster
from ecosim.timeline import dated_frame, format_month, parse_month

#: the shape of one member's array
_ONE = (1,)


def section_of(params: Any, path: str) -> Any:
    """A parameter section by its roster path (``"launch"``, ``"chips.tsmc"``, ``"pv.suppliers[0]"``)."""
    node = params
    for part in _split_path(path):
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


def network_nodes(r: Roster) -> dict[str, Node]:
    """The exchange network's nodes: kind, company and groups of every actor, with the derived
    group ``funded_head`` (the heads of the companies the capital market funds)."""
    funded_heads = {r.heads()[c] for c in r.funded() if c in r.heads()}
    return {
        a.name: Node(CLASSES[a.cls].kind, a.company, a.groups + (("funded_head",) if a.name in funded_heads else ()))
        for a in r.actors
    }


class MetricsCollector(mesa.DataCollector):
    """Mesa's DataCollector for model reporters that are functions of the model, keeping each
    metric once: its months as one (months, members) table, a month's values copied into the
    next row (a run's series is the table taken whole, :meth:`table`, not stacked from 180
    rows). Mesa's ``model_vars`` idiom reads the same tables: ``model_vars[name]`` is the list
    of the months collected so far, a float per month for a one-member model (so
    ``get_model_vars_dataframe()`` has scalar cells), else a read-only (members,) row."""

    def __init__(self, model_reporters: dict[str, Callable[[Any], Any]] | None = None, members: int = 1, months: int = 1) -> None:
        super().__init__(model_reporters=model_reporters)
        for name, reporter in self.model_reporters.items():
            if not callable(reporter):
                raise TypeError(f"MetricsCollector: reporter {name!r} must be a function of the model (got {reporter!r})")
        #: per metric, its (months, members) table: rows [:_months] are the months collected
        #: (a table doubles if a model steps past the months it was made for)
        self._tables = {name: np.empty((max(int(months), 1), int(members))) for name in self.model_reporters}
        self._months = 0
        self.model_vars = _Months(self)
        #: (model, [(table, the metric's value as a function of no argument)] in reporter
        #: order) of the model collected last (:meth:`_plan`)
        self._bound: tuple[Any, list[tuple[np.ndarray, Callable[[], Any]]]] | None = None

    def collect(self, model: Any) -> None:
        """Record this month's value of every metric (a scalar goes to every member)."""
        # metrics that read the same sum compute it once in a collection (ecosim.metrics._once)
        model.metric_memo = {}
        try:
            n = self._months
            tables = self._tables
            if tables and n == len(next(iter(tables.values()))):  # every table has as many rows
                for var, table in tables.items():
                    tables[var] = np.concatenate([table, np.empty_like(table)])
                self._bound = None
            for table, value in self._plan(model):
                table[n] = value()
            self._months = n + 1
        finally:
            model.metric_memo = None

    def _plan(self, model: Any) -> list[tuple[np.ndarray, Callable[[], Any]]]:
        """Each metric's table and its reporter bound to ``model``: the reporter's own ``bind``
        where it has one (a reading of the agent's array without the copy the reporter hands
        out: the table takes a copy anyway), else the reporter called with the model."""
        bound = self._bound
        if bound is None or bound[0] is not model:
            plan = []
            for var, reporter in self.model_reporters.items():
                bind = getattr(reporter, "bind", None)
                plan.append((self._tables[var], bind(model) if bind is not None else functools.partial(reporter, model)))
            bound = self._bound = (model, plan)
        return bound[1]

    def table(self, var: str) -> np.ndarray:
        """A copy of ``var``'s months collected so far as one (months, members) array."""
        return self._tables[var][: self._months].copy()

    def hand_over(self) -> dict[str, np.ndarray]:
        """Every metric's months collected as one (months, members) array, as :meth:`table`
        gives it, the tables themselves rather than copies when every row was collected (the
        collector then holds none and collects no more: for a model whose run is over)."""
        n, tables = self._months, self._tables
        self._tables = {}
        self._bound = None
        return {var: t if n == len(t) else t[:n].copy() for var, t in tables.items()}

    def rows(self, var: str) -> list[Any]:
        """``var``'s months collected so far as Mesa lists them (see the class docstring)."""
        months = self._tables[var][: self._months]
        if months.shape[1] == 1:
            return months[:, 0].tolist()
        view = months.view()
        view.flags.writeable = False
        return list(view)

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """Mesa's frame of the model variables: a column per metric, a row per month collected."""
        if not self.model_reporters:
            raise UserWarning("No model reporters have been defined in the DataCollector, returning empty DataFrame.")
        return pd.DataFrame({var: self.rows(var) for var in self.model_reporters})


class _Months(Mapping[str, list[Any]]):
    """``MetricsCollector.model_vars``: each metric's months as Mesa's list (made from its table
    when read)."""

    def __init__(self, collector: MetricsCollector) -> None:
        self._collector = collector

    def __getitem__(self, var: str) -> list[Any]:
        if var not in self._collector.model_reporters:
            raise KeyError(var)
        return self._collector.rows(var)

    def __iter__(self) -> Iterator[str]:
        return iter(self._collector.model_reporters)

    def __len__(self) -> int:
        return len(self._collector.model_reporters)


class EcosimModel(mesa.Model):
    """The ecosystem world.

    Parameters
    ----------
    scenario : a :class:`~ecosim.scenario.loader.LoadedScenario` (or a path / bundled name).
    seed : seed of the random generator (default: the scenario's ``scenario.seed``).
    members : ensemble size K (leading axis of every agent array).
    member_values : ``{"field.path": array of shape (K,)}`` — per-member parameter values.
    record_ledger : keep every transfer (the ledger); off saves memory in large ensembles.
    common_random_numbers : members share their random draws (see the module docstring).
    initial_state : a :meth:`snapshot` to start from instead of the scenario's
        ``initial_state_from`` run: one row (every member starts there) or K rows (member k
        starts from row k, e.g. histories run under K posterior draws, see :func:`warmup_state`).
    member_seeds : ``[(seed, members), ...]``: consecutive groups of members (summing to
        ``members``), each drawing as a model of its members alone seeded with its seed does
        (see the module docstring); ``seed`` then only names the model.
    """

    def __init__(
        self,
        scenario: LoadedScenario | str,
        *,
        seed: int | None = None,
        members: int = 1,
        member_values: dict[str, np.ndarray] | None = None,
        record_ledger: bool = True,
        common_random_numbers: bool = False,
        initial_state: dict[str, Any] | None = None,
        member_seeds: Sequence[tuple[int, int]] | None = None,
    ) -> None:
        loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
        meta = loaded.model.scenario
        self.seed_value = int(meta.seed if seed is None else seed)
        super().__init__(rng=self.seed_value)
        self.loaded = loaded
        self.scenario = loaded.model
        self.common_random_numbers = bool(common_random_numbers)
        #: replay (ecosim.experiments.replay): member 0 draws as a one-member run would, the
        #: others at the same quantile of their own distribution
        self.follow_member0 = False
        self.members = int(members)
        if self.members < 1:
            raise ScenarioError(f"members must be >= 1 (got {members})")
        #: (generator, first member, end member) of each member group (``member_seeds``), or None
        self.member_rngs = self._member_rngs(member_seeds)
        self.start_month = parse_month(meta.start_month)
        self.end_month = parse_month(meta.end_month)
        self.n_steps = self.end_month - self.start_month + 1
        self.month = self.start_month
        #: values this month that several agents compute alike (EcosimAgent.once_a_month)
        self.month_memo = MonthMemo()
        self.params = build_params(self.scenario, member_values, self.members)

        self.roster = roster()
        self._check_roster()
        try:
            self.network = build_network(network_nodes(self.roster), self.scenario.exchange.disable)
        except ValueError as exc:
            raise ScenarioError(f"{loaded.path}: {exc}") from None
        self.companies: dict[str, str] = {a.name: a.company for a in self.roster.actors}
        self.exchange = Exchange(self.network, self.companies, self.members, self.n_steps, record=record_ledger)

        self.by_name: dict[str, EcosimAgent] = {}
        for actor in self.roster.actors:
            p = section_of(self.params, actor.section)
            shared = SimpleNamespace(**{name: section_of(self.params, name) for name in actor.shared})
            self.by_name[actor.name] = CLASSES[actor.cls](self, actor, p, shared)

        self._check_companies()
        self.restored = False
        #: sums several metrics read, while the DataCollector collects a month (ecosim.metrics)
        self.metric_memo: dict[tuple[Any, ...], np.ndarray] | None = None
        if initial_state is not None:
            self._restore(initial_state)
        else:
            self._restore_from()
        if not self.restored:
            heads = self.roster.heads()
            for company, usd in self.scenario.capital_market.cash_initial_usd.items():
                self.exchange.cash[:, self.exchange.index[heads[company]]] += usd
        for agent in self.by_name.values():
            agent.start(self.restored)
        self.exchange.begin()

        self.datacollector = MetricsCollector({name: m.fn for name, m in METRICS.items()}, self.members, self.n_steps)

    def _member_rngs(self, member_seeds: Sequence[tuple[int, int]] | None) -> list[tuple[np.random.Generator, int, int]] | None:
        """One generator per member group, as ``mesa.Model`` seeds its own (``default_rng(seed)``)."""
        if member_seeds is None:
            return None
        counts = [int(k) for _, k in member_seeds]
        if sum(counts) != self.members or min(counts, default=0) < 1:
            raise ScenarioError(f"member_seeds must split the {self.members} members into groups of at least one (got {counts})")
        if self.common_random_numbers:
            raise ScenarioError("member_seeds: member groups draw independently (no common random numbers)")
        bounds = np.cumsum([0, *counts]).tolist()
        return [(np.random.default_rng(int(seed)), bounds[g], bounds[g + 1]) for g, (seed, _) in enumerate(member_seeds)]

    def _check_roster(self) -> None:
        """The scenario's list sections must hold one item per roster actor, with its name."""
        suppliers = self.params.pv.suppliers
        in_roster = [a for a in self.roster.actors if a.section.startswith("pv.suppliers[")]
        if len(suppliers) != len(in_roster):
            names = ", ".join(a.label for a in in_roster)
            raise ScenarioError(f"{self.loaded.path}: pv.suppliers must list the {len(in_roster)} suppliers of the actor roster ({names}) (got {len(suppliers)})")
        for a in in_roster:
            i = int(a.section[len("pv.suppliers[") : -1])
            got = suppliers[i].name
            if got.lower().replace(" ", "_") != a.name:
                raise ScenarioError(f"{self.loaded.path}: pv.suppliers[{i}].name must be {a.label!r} (the actor roster's) (got {got!r})")

    def _check_companies(self) -> None:
        heads = self.roster.heads()
        known = sorted(heads)
        cm = self.scenario.capital_market
        for company in cm.cash_initial_usd:
            if company not in heads:
                raise ScenarioError(
                    f"{self.loaded.path}: capital_market.cash_initial_usd.{company} must name a company ({', '.join(known)})"
                )
        funded = self.roster.funded()
        for i, r in enumerate(cm.raises):
            if r.company not in funded:
                raise ScenarioError(
                    f"{self.loaded.path}: capital_market.raises[{i}].company must name a company the capital market funds ({', '.join(funded)}) (got {r.company!r})"
                )
        for field in ("merger_company", "merger_into_company"):
            value = getattr(cm, field)
            if value not in funded:
                raise ScenarioError(f"{self.loaded.path}: capital_market.{field} must name a company the capital market funds ({', '.join(funded)}) (got {value!r})")

    # ------------------------------------------------------------------ hand-over

    def _restore_from(self) -> None:
        ref = continued_scenario(self.loaded)
        if ref is not None:
            self._restore(warmup_state(ref))

    def _restore(self, state: dict[str, Any]) -> None:
        rows = int(np.asarray(state["cash"]).shape[0])
        if rows not in (1, self.members):
            raise ScenarioError(f"initial_state must hold 1 or {self.members} members (one per member of this model) (got {rows})")
        for name, arrays in state["agents"].items():
            if name in self.by_name:
                self.by_name[name].restore(arrays)
        ex = self.exchange
        ex.cash[:] = state["cash"]
        ex.month_in[:] = state["month_in"]
        ex.month_out[:] = state["month_out"]
        ex.restore_signals(state["signals"])
        self.restored = True

    def snapshot(self, all_members: bool = False) -> dict[str, Any]:
        """Everything a later run needs to continue from this one: member 0, or with
        ``all_members`` every member (a later model of as many members continues each)."""
        n = self.members if all_members else 1
        return {
            "agents": {name: {k: v[:n].copy() for k, v in a.snapshot().items()} for name, a in self.by_name.items()},
            "cash": self.exchange.cash[:n].copy(),
            "month_in": self.exchange.month_in[:n].copy(),
            "month_out": self.exchange.month_out[:n].copy(),
            "signals": self.exchange.signal_state(n),
        }

    # ------------------------------------------------------------------ running

    def agent(self, name: str) -> Any:
        return self.by_name[name]

    def binomial(self, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Binomial draws, one per member (``n`` trials of probability ``p``) [count].

        Independent across members by default; with common random numbers every member uses
        the same uniform, so equal ``(n, p)`` give equal draws and close ones close draws.
        """
        if self.member_rngs is not None:  # each group's members from its own generator, in member order
            if self.follow_member0:
                raise ScenarioError("member_seeds: a replay follows one generator's member 0")
            return np.concatenate([rng.binomial(n[a:b], p[a:b]) for rng, a, b in self.member_rngs])
        if self.follow_member0:
            return follow_first(self.rng, n, p)
        if not self.common_random_numbers:
            if type(n) is np.ndarray and n.shape == _ONE and n[0] == 0 and type(p) is np.ndarray and p.shape == _ONE and 0.0 <= p[0] <= 1.0:
                return np.zeros(1, dtype=np.int64)  # one member, no trial: the generator draws nothing for it
            return self.rng.binomial(n, p)
        u = max(float(self.rng.random()), 1e-300)
        return np.maximum(binom_ppf(u, n, p), 0.0)

    def step(self) -> None:
        """One month: open, offer, clear, fulfil, settle, collect."""
        self.month = self.start_month + self.steps - 1
        self.exchange.open(self.steps - 1)
        self.agents.do("offer")
        self.exchange.clear()
        self.agents.do("fulfil")
        self.agents.do("settle")
        self.datacollector.collect(self)

    def run(self, progress: Callable[[int, int], None] | None = None) -> EcosimModel:
        """Run every month from start to end; ``progress(done, total)`` after each."""
        while self.steps < self.n_steps:
            self.step()
            if progress is not None:
                progress(self.steps, self.n_steps)
        return self

    # ------------------------------------------------------------------ results

    def series(self, name: str) -> np.ndarray:
        """One metric over the months run so far, shape (months, members)."""
        return self.datacollector.table(name)

    @property
    def date(self) -> str:
        """The month last simulated (before the first step, the first month), ``YYYY-MM``;
        :attr:`month` is the same month as an absolute month number (``year * 12 + month - 1``,
        :mod:`ecosim.timeline`)."""
        return format_month(self.month)

    def dates(self) -> list[str]:
        """``YYYY-MM`` of every month simulated so far."""
        return [format_month(self.start_month + i) for i in range(self.steps)]

    def to_frame(self, member: int | None = 0) -> pd.DataFrame:
        """The months simulated so far for pandas: a dated index (the first day of each month,
        named ``date``) and one float column per metric (:mod:`ecosim.metrics`), for ``member``;
        ``member=None``: one row per (date, member). See :meth:`ecosim.results.Results.to_frame`."""
        return dated_frame(self.dates(), {name: self.series(name) for name in METRICS}, self.members, member)

    def timeseries(self, member: int | None = 0) -> pd.DataFrame:
        """Monthly metrics as ``timeseries.parquet`` holds them: a ``date`` column (``YYYY-MM``)
        then one column per metric, one row per month (``member`` given) or per (month,
        member). For a dated index, :meth:`to_frame`."""
        dates = self.dates()
        cols = {name: self.series(name) for name in METRICS}
        if member is not None:
            df = pd.DataFrame({"date": dates, **{n: c[:, member] for n, c in cols.items()}})
            return df
        K = self.members
        df = pd.DataFrame(
            {
                "date": np.repeat(dates, K),
                "member": np.tile(np.arange(K), len(dates)),
                **{n: c.reshape(-1) for n, c in cols.items()},
            }
        )
        return df

    def ledger(self, members: list[int] | None = None) -> pd.DataFrame:
        return self.exchange.ledger_frame(self.start_month, self.steps, members)


def follow_first(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial draws whose member 0 is what a one-member model draws from ``rng`` (the same
    call on the first row), every other member at the middle of the same quantile band of its
    own ``(n, p)``: equal ``(n, p)`` give member 0's draw, close ones close draws.

    >>> a = follow_first(np.random.default_rng(1), np.array([[10], [10], [0]]), np.array([[0.5], [0.5], [0.5]]))
    >>> b = np.random.default_rng(1).binomial(np.array([[10]]), np.array([[0.5]]))
    >>> a[0].tolist() == a[1].tolist() == b[0].tolist(), a[2].tolist()
    (True, [0.0])
    """
    n = np.asarray(n)
    p = np.broadcast_to(np.asarray(p, dtype=float), n.shape)
    first = rng.binomial(n[:1], p[:1])
    lo, hi = binom_cdf(np.stack([first - 1, first]), n[:1], p[:1])  # the band of member 0's draw
    # the quantile is elementwise: members whose (n, p) are the same bits draw the same, so it
    # is computed once per distinct member (in a replay most members are member 0's copies)
    pick, back = _distinct_rows(n, p)
    u = np.broadcast_to(0.5 * (lo + hi), (len(pick),) + n.shape[1:])
    out = np.maximum(binom_ppf(u, n[pick], p[pick]), 0.0)[back]
    out[:1] = first
    return out


def _binom_args(k: Any, n: Any, p: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``k``, ``n`` and ``p`` broadcast together, when they are what :func:`binom_cdf` and
    :func:`binom_ppf` compute directly: ``k`` and ``n`` int64 or float64, ``p`` float64, ``n`` a
    whole number >= 0, ``p`` in [0, 1], ``k`` not NaN (else None: SciPy's own method decides)."""
    k, n, p = np.asarray(k), np.asarray(n), np.asarray(p)
    if k.dtype.char not in "ld" or n.dtype.char not in "ld" or p.dtype.char != "d":
        return None
    k, n, p = np.broadcast_arrays(k, n, p)
    if not bool(np.all((n >= 0) & (n == np.round(n)) & (p >= 0) & (p <= 1))) or bool(np.isnan(k).any()):
        return None
    return k, n, p


def binom_cdf(k: Any, n: Any, p: Any) -> np.ndarray:
    """``scipy.stats.binom.cdf(k, n, p)``, the same numbers: 1 from ``k >= n``, 0 below 0, else
    the Boost CDF SciPy calls (``scipy.special``'s ``_binom_cdf`` of ``floor(k)``, clipped to
    [0, 1]), without SciPy's generic argument handling or importing ``scipy.stats`` (a replay
    draws through it every month). Arguments it does not handle go to SciPy.

    >>> from scipy.stats import binom
    >>> k, n, p = np.array([-1, 0, 3, 9, 10, 12]), np.array([10, 10, 10, 10, 10, 10]), np.array([0.3, 0.3, 0.5, 0.5, 0.9, 0.1])
    >>> binom_cdf(k, n, p).tobytes() == binom.cdf(k, n, p).tobytes()
    True
    """
    from scipy.special import _ufuncs

    args = _binom_args(k, n, p)
    if args is None:
        from scipy.stats import binom

        return np.asarray(binom.cdf(k, n, p))
    k, n, p = args
    out = np.zeros(k.shape)
    out[k >= n] = 1.0
    inside = (k >= 0) & (k < n) & np.isfinite(k)
    if inside.any():
        out[inside] = np.clip(_ufuncs._binom_cdf(np.floor(k[inside]), n[inside], p[inside]), 0, 1)
    return out


def binom_ppf(q: Any, n: Any, p: Any) -> np.ndarray:
    """``scipy.stats.binom.ppf(q, n, p)`` for ``q`` strictly between 0 and 1, the same numbers
    (the Boost quantile SciPy calls, ``scipy.special``'s ``_binom_ppf``); other arguments go to
    SciPy (see :func:`binom_cdf`).

    >>> from scipy.stats import binom
    >>> q, n, p = np.array([0.01, 0.5, 0.99]), np.array([10.0, 7.0, 3.0]), np.array([0.3, 0.0, 1.0])
    >>> binom_ppf(q, n, p).tobytes() == binom.ppf(q, n, p).tobytes()
    True
    """
    from scipy.special import _ufuncs

    args = _binom_args(q, n, p)
    if args is None or not bool(np.all((args[0] > 0) & (args[0] < 1))):
        from scipy.stats import binom

        return np.asarray(binom.ppf(q, n, p))
    q, n, p = args
    return np.asarray(_ufuncs._binom_ppf(q, n, p) + 0, dtype=float)


def _distinct_rows(*arrays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Members (first axis) that differ in any bit of the arrays: the index of one member per
    distinct row, and for each member the position of its row among them.

    >>> pick, back = _distinct_rows(np.array([3, 3, 4, 3]), np.array([0.5, 0.5, 0.5, 0.25]))
    >>> len(pick), pick[back].tolist()  # three distinct members; each member's representative
    (3, [0, 0, 2, 3])
    """
    K = len(arrays[0])
    raw = np.concatenate([np.ascontiguousarray(a).reshape(K, -1).view(np.uint8) for a in arrays], axis=1)
    keys = np.ascontiguousarray(raw).view(np.dtype((np.void, raw.shape[1]))).ravel()
    _, pick, back = np.unique(keys, return_index=True, return_inverse=True)
    return pick, back.ravel()


#: per loaded scenario (by identity, while it lives), the scenario it continues from
_CONTINUED: dict[int, tuple[weakref.ref[LoadedScenario], LoadedScenario | None]] = {}


def continued_scenario(loaded: LoadedScenario) -> LoadedScenario | None:
    """The scenario ``loaded`` continues from (its ``initial_state_from``), checked to end the
    month before ``loaded`` starts; None when it continues nothing. Loaded once per loaded
    scenario (a model of the same scenario object, built again, reuses it).

    Raises
    ------
    ScenarioError
        The named scenario does not load or does not end the month before.
    """
    got = _CONTINUED.get(id(loaded))
    if got is not None and got[0]() is loaded:
        return got[1]
    ref = _continued(loaded)
    if len(_CONTINUED) > 64:  # forget scenarios no longer alive
        for key in [k for k, (r, _) in _CONTINUED.items() if r() is None]:
            del _CONTINUED[key]
    _CONTINUED[id(loaded)] = (weakref.ref(loaded), ref)
    return ref


def _continued(loaded: LoadedScenario) -> LoadedScenario | None:
    source = loaded.model.scenario.initial_state_from
    if not source:
        return None
    try:
        ref = load_scenario(source)
    except ScenarioError as exc:
        raise ScenarioError(f"{loaded.path}: scenario.initial_state_from names {source!r}: {exc}") from None
    end = parse_month(ref.model.scenario.end_month)
    start = parse_month(loaded.model.scenario.start_month)
    if end != start - 1:
        raise ScenarioError(
            f"{loaded.path}: scenario.initial_state_from must name a scenario that ends the month before "
            f"start_month {format_month(start)} (got {source!r}, which ends {format_month(end)})"
        )
    return ref


@lru_cache(maxsize=8)
def _warmup_cached(fingerprint: str, path: str, seed: int) -> dict[str, Any]:
    ref = load_scenario(path)
    model = EcosimModel(ref, seed=seed, members=1, record_ledger=False)
    model.run()
    return model.snapshot()


def warmup_state(
    ref: LoadedScenario,
    member_values: dict[str, np.ndarray] | None = None,
    members: int = 1,
    seed: int | None = None,
    common_random_numbers: bool = False,
) -> dict[str, Any]:
    """End state of a scenario run: with its own seed and one member (memoised per process), or
    with ``members`` members differing by ``member_values`` (e.g. posterior draws), every member
    kept, for :class:`EcosimModel`'s ``initial_state``."""
    if member_values is None and members == 1 and seed is None and not common_random_numbers:
        return _warmup_cached(ref.fingerprint(), str(ref.path), int(ref.model.scenario.seed))
    model = EcosimModel(ref, seed=seed, members=members, member_values=member_values, record_ledger=False, common_random_numbers=common_random_numbers)
    try:
        model.run()
        return model.snapshot(all_members=True)
    finally:
        mesa.Agent._ids.pop(model, None)
