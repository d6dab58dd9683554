"""What a simulation gives back: :class:`Results` (members, months, series, the scenario, the
network, cash at the start, the cost of capital) and :class:`CostOfCapital`.

:func:`ecosim.simulate.simulate` fills a :class:`Results` from a finished model; a run
directory read back (:func:`ecosim.results.rundir.read_run`) gives the same object. Everything
above this layer (finance, analysis, report, experiments) reads results, never the model, so
saved runs can be re-valued and re-analysed without re-simulating.

This module imports nothing above :mod:`ecosim.scenario`: the units of the series come in as
data (from the simulation, or from a run's ``summary.json``), not from the metric
definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ecosim.economics.wacc import wacc_from_capital_market
from ecosim.scenario.loader import LoadedScenario
from ecosim.timeline import dated_frame


@dataclass(frozen=True)
class CostOfCapital:
    """The rates a run's companies are valued at, one value per member [fraction/yr; the tax
    rate in fraction]: the WACC (CAPM with Hamada's levered beta), the perpetual growth of the
    terminal value and the operating tax rate; and the years whose NOPAT margin the normalised
    terminal value is built on [yr] (``capital_market.terminal_normalise_yr``)."""

    wacc: np.ndarray
    terminal_growth: np.ndarray
    tax_rate: np.ndarray
    normalise_yr: np.ndarray

    @classmethod
    def of(cls, capital_market: Any, members: int = 1) -> CostOfCapital:
        """The rates of a ``[capital_market]`` section as code reads it (fractions:
        :func:`ecosim.scenario.params.params_of`, or a model's parameter tree with one value
        per member), broadcast to ``members``.

        >>> from types import SimpleNamespace as NS
        >>> cm = NS(tax_rate_frac=0.21, debt_to_capital_frac=0.3, beta_unlevered=1.05, risk_free_frac=0.045,
        ...         market_risk_premium_frac=0.055, cost_of_debt_frac=0.05, terminal_growth_frac=0.03, terminal_normalise_yr=5.0)
        >>> c = CostOfCapital.of(cm, 2)
        >>> [round(float(x), 5) for x in c.wacc], c.terminal_growth.tolist(), c.tax_rate.tolist(), c.normalise_yr.tolist()
        ([0.09746, 0.09746], [0.03, 0.03], [0.21, 0.21], [5.0, 5.0])
        """
        cm = capital_market
        return cls.from_rates(wacc_from_capital_market(cm), cm.terminal_growth_frac, cm.tax_rate_frac, members, normalise_yr=cm.terminal_normalise_yr)

    @classmethod
    def from_rates(cls, wacc: Any, terminal_growth: Any, tax_rate: Any, members: int = 1, *, normalise_yr: Any) -> CostOfCapital:
        """Rates given as fractions (scalars or one per member) and the normalisation years
        [yr], broadcast to ``members``."""

        def col(x: Any) -> np.ndarray:
            return np.broadcast_to(np.asarray(x, dtype=float), (members,)).copy()

        return cls(col(wacc), col(terminal_growth), col(tax_rate), col(normalise_yr))

    def take(self, idx: Any) -> CostOfCapital:
        """The rates of the members ``idx`` (an index array or a slice)."""
        return CostOfCapital(self.wacc[idx], self.terminal_growth[idx], self.tax_rate[idx], self.normalise_yr[idx])

    def valid(self) -> np.ndarray:
        """Members whose WACC is above their terminal growth (a DCF value exists) [bool]."""
        return np.asarray(self.wacc > self.terminal_growth)

    def as_tuple(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(WACC, terminal growth, tax rate), each (members,)."""
        return self.wacc, self.terminal_growth, self.tax_rate


@dataclass(frozen=True)
class AgentInfo:
    """One agent of a run: its kind, its label and its company at the end of the run (after
    any merger)."""

    kind: str
    label: str
    company: str


@dataclass
class Results:
    """One simulation: ``members`` ensemble members over ``months``.

    Attributes
    ----------
    scenario : the resolved scenario the run used.
    seed : seed of the random generator.
    members : ensemble size K.
    months : ``YYYY-MM`` of each simulated month (the run may stop before the scenario's end).
    series : metric name -> values, shape (months, members), in the units of ``units``.
    units : metric name -> unit (``USD/month``, ``EFLOP/s``...).
    network : the exchange network (nodes with kind and company, typed edges, which are cut).
    cash_start : cash metric (``spacex_cash_usd``, one per company) -> that company's cash
        before the first month, per member [USD].
    cost_of_capital : the rates the run's capital market used, per member.
    agents : agent name -> :class:`AgentInfo`.
    companies : company id -> display name, for every company of the run.
    end_month : ``YYYY-MM`` the scenario ends (``months`` stops earlier for a partial run).
    ledger : every transfer (``ecosim run``'s ``ledger.parquet``), when recorded.
    edge_flows : edge id (``seller->buyer:commodity``) -> per month, (months, members): the
        quantity a goods edge carried [commodity unit], what a signal edge's reader could read
        (before damping or a cut) [signal unit]; when flows were recorded.
    runtime_s : wall time of building and running the model [s].
    """

    scenario: LoadedScenario
    seed: int
    members: int
    months: list[str]
    series: dict[str, np.ndarray]
    units: dict[str, str]
    network: nx.MultiDiGraph
    cash_start: dict[str, np.ndarray]
    cost_of_capital: CostOfCapital
    agents: dict[str, AgentInfo] = field(default_factory=dict)
    companies: dict[str, str] = field(default_factory=dict)
    end_month: str = ""
    ledger: pd.DataFrame | None = None
    edge_flows: dict[str, np.ndarray] = field(default_factory=dict)
    runtime_s: float = 0.0

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.scenario.name

    @property
    def final_companies(self) -> dict[str, str]:
        """Agent -> company at the end of the run (after any merger)."""
        return {n: a.company for n, a in self.agents.items()}

    def to_frame(self, member: int | None = 0) -> pd.DataFrame:
        """Monthly metrics for pandas: a dated index and one float column per metric.

        ``member`` given (default 0, the only one of a one-member run): one row per month, the
        index the first day of each month (a ``DatetimeIndex`` named ``date``).
        ``member=None``: one row per (month, member), a ``(date, member)``
        ``MultiIndex``. Units are in :attr:`units`; stocks are month-end values, flows the
        month's totals (:mod:`ecosim.metrics`).
        """
        return dated_frame(self.months, self.series, self.members, member)

    def member(self, k: int) -> Results:
        """Member ``k`` alone, as a one-member :class:`Results` (its series, cash at the start,
        cost of capital, ledger rows and edge flows; the ledger's ``member`` column reads 0).

        Raises
        ------
        IndexError
            ``k`` is not a member of this run.
        """
        if not -self.members <= k < self.members:
            raise IndexError(f"member must be in 0..{self.members - 1} (got {k})")
        k %= self.members
        keep = [k]
        ledger = None
        if self.ledger is not None:
            rows = self.ledger[self.ledger["member"] == k] if "member" in self.ledger.columns else self.ledger
            ledger = rows.assign(member=0).reset_index(drop=True) if "member" in rows.columns else rows.reset_index(drop=True)
        return self._subset(keep, ledger=ledger)

    def _subset(self, keep: list[int], **changes: Any) -> Results:
        """These members alone (``keep``, in order): fresh contiguous arrays, laid out as a run of
        those members alone holds them (a reduction over a strided view may add in another order)."""
        return replace(
            self,
            members=len(keep),
            series={n: v[:, keep] for n, v in self.series.items()},
            cash_start={n: v[keep] for n, v in self.cash_start.items()},
            cost_of_capital=self.cost_of_capital.take(keep),
            edge_flows={n: v[:, keep] for n, v in self.edge_flows.items()},
            **changes,
        )

    def take(self, first: int, end: int, seed: int | None = None) -> Results:
        """Members ``first`` to ``end - 1`` alone, as a :class:`Results` of those members (their
        series, cash at the start, cost of capital and edge flows; ``seed``: the seed they drew
        from, when a model advanced several groups: ``member_seeds`` of
        :func:`ecosim.simulate.simulate`). Runs without a ledger only.

        Raises
        ------
        IndexError
            Not a range of this run's members. ValueError: the run kept its ledger.
        """
        if not 0 <= first < end <= self.members:
            raise IndexError(f"members must be a range within 0..{self.members} (got {first}..{end})")
        if self.ledger is not None:
            raise ValueError("take: a run with a ledger is split by member() instead")
        return self._subset(list(range(first, end)), seed=self.seed if seed is None else int(seed))

    def timeseries(self, member: int | None = 0) -> pd.DataFrame:
        """Monthly metrics as ``timeseries.parquet`` holds them: a ``date`` column then one
        column per metric, one row per month (``member`` given) or per (month, member)."""
        if member is not None:
            return pd.DataFrame({"date": self.months, **{n: c[:, member] for n, c in self.series.items()}})
        K = self.members
        return pd.DataFrame(
            {
                "date": np.repeat(self.months, K),
                "member": np.tile(np.arange(K), len(self.months)),
                **{n: c.reshape(-1) for n, c in self.series.items()},
            }
        )

