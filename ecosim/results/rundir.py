"""Run directories (``ecosim run``): written atomically, read back as typed objects without the
model, so saved runs can be re-valued and re-analysed without re-simulating.

A run directory holds::

    DIR/timeseries.parquet   one row per month: date (YYYY-MM), then unit-suffixed metrics
    DIR/ledger.parquet       every transfer: step, date, member, from, to, commodity, quantity, unit, usd, kind, internal
    DIR/summary.json         :class:`RunSummary`: scenario, the headline (value against each mark,
                             scorecard counts, binding constraints) and the valuation, seed, start, end, agents by kind, final values,
                             units, cash at the start, totals by commodity, calibration, the narrative scorecard
    DIR/scenario.toml        the resolved scenario (extends and --set applied)
    DIR/network.json         the exchange network (nodes, typed edges, which are cut)
    DIR/figures/*.png        (written by ``ecosim run``'s figures, not read back)

:func:`read_run` checks that the files are there and readable and returns a
:class:`SavedRun`; anything missing or foreign is a :class:`~ecosim.errors.RunDirError` with
a one-line message naming the directory and the file. :attr:`SavedRun.results` is the run as
:class:`~ecosim.results.Results`, its cost of capital read back from the ``wacc`` metric the
run stored.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ecosim.atomic import atomic_directory
from ecosim.errors import EcosimError, RunDirError
from ecosim.readers import read_json
from ecosim.results.results import AgentInfo, CostOfCapital, Results
from ecosim.scenario.loader import LoadedScenario, load_scenario
from ecosim.scenario.params import params_of

RUN_FILES = ("timeseries.parquet", "ledger.parquet", "summary.json", "scenario.toml", "network.json")
LEDGER_COLUMNS = ("step", "date", "member", "from", "to", "commodity", "quantity", "unit", "usd", "kind", "internal")
#: the metric holding the cost of capital the run's capital market used [fraction/yr]
WACC_METRIC = "wacc"


# ------------------------------------------------------------------ summary.json


@dataclass(frozen=True)
class CommodityTotal:
    """What moved of one commodity over the whole run: quantity [unit] and value [USD]."""

    quantity: float
    unit: str
    usd: float


@dataclass(frozen=True)
class CalibrationRow:
    """One check of the run against public history (:mod:`ecosim.analysis.calibration`)."""

    metric: str
    period: str
    unit: str
    published: float
    model: float
    error_pct: float
    within_25pct: bool
    asserted: bool
    uncertainty_frac: float
    status: str
    source: str


@dataclass(frozen=True)
class ScorecardRow:
    """One claim of the narrative scorecard in one run (:func:`ecosim.analysis.scorecard.run_scorecard`)."""

    id: str
    claim: str
    source: str
    short_source: str
    speaker: str
    stance: str
    test: str
    unit: str
    status: str
    when: str | None
    value: float | None
    holds_at_end: bool | None
    reason: str | None


@dataclass(frozen=True)
class RunSummary:
    """``summary.json`` of a run directory (fields in the order the file lists them).

    ``cash_start_usd``: each company's cash before the first month [USD] by its cash metric
    (:attr:`ecosim.results.Results.cash_start`, member 0).
    """

    ecosim_version: str
    scenario: str
    description: str
    scenario_file: str
    overrides: tuple[str, ...]
    seed: int
    start: str
    end: str
    months: int
    members: int
    initial_state_from: str | None
    agents_by_kind: dict[str, int]
    agents: dict[str, AgentInfo]
    companies: dict[str, str]
    merger_month: str
    disabled_edges: tuple[str, ...]
    final: dict[str, float]
    units: dict[str, str]
    cash_start_usd: dict[str, float]
    totals_by_commodity: dict[str, CommodityTotal]
    calibration: tuple[CalibrationRow, ...] = ()
    scorecard: tuple[ScorecardRow, ...] = ()
    runtime_s: float = 0.0
    headline: tuple[str, ...] = ()
    valuation: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The JSON object ``summary.json`` holds: the headline and the valuation against the
        marks right after the scenario's name, then the rest in field order (a number that is
        not finite, such as the model value of a history row the run does not represent, is
        ``null``)."""
        first = ("ecosim_version", "scenario", "description", "headline", "valuation")
        names = [*first, *(f.name for f in dataclasses.fields(self) if f.name not in first)]
        out = {n: getattr(self, n) for n in names}
        out["headline"] = list(self.headline)
        out["overrides"] = list(self.overrides)
        out["disabled_edges"] = list(self.disabled_edges)
        out["agents"] = {n: dataclasses.asdict(a) for n, a in self.agents.items()}
        out["totals_by_commodity"] = {c: dataclasses.asdict(t) for c, t in self.totals_by_commodity.items()}
        out["calibration"] = [dataclasses.asdict(c) for c in self.calibration]
        out["scorecard"] = [dataclasses.asdict(r) for r in self.scorecard]
        return strict_json(out)

    @classmethod
    def from_json(cls, data: Any, origin: Path | str) -> RunSummary:
        """Parse ``summary.json``; a missing key or a foreign value is a one-line RunDirError."""
        names = [f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        lacking = [k for k in names if not isinstance(data, dict) or k not in data]
        if lacking:
            raise RunDirError(f"{origin}: not an ecosim run summary of this version (missing keys {', '.join(lacking)}); write it again with `ecosim run`")
        try:
            return cls(
                **{k: data[k] for k in names if k not in ("overrides", "disabled_edges", "agents", "totals_by_commodity")},
                overrides=tuple(str(o) for o in data["overrides"]),
                disabled_edges=tuple(str(e) for e in data["disabled_edges"]),
                agents={str(n): AgentInfo(**a) for n, a in data["agents"].items()},
                totals_by_commodity={str(c): CommodityTotal(**t) for c, t in data["totals_by_commodity"].items()},
                calibration=tuple(CalibrationRow(**_nan_for_null(c, _CALIBRATION_FLOATS)) for c in data.get("calibration", ())),
                scorecard=tuple(ScorecardRow(**r) for r in data.get("scorecard", ())),
                runtime_s=float(data.get("runtime_s", 0.0)),
                headline=tuple(str(h) for h in data.get("headline", ())),
                valuation=dict(data.get("valuation", {})),
            )
        except (TypeError, AttributeError) as exc:
            raise RunDirError(f"{origin}: not an ecosim run summary ({exc})") from None

    @property
    def final_companies(self) -> dict[str, str]:
        """Agent -> company at the end of the run (after any merger)."""
        return {n: a.company for n, a in self.agents.items()}


_CALIBRATION_FLOATS = ("published", "model", "error_pct", "uncertainty_frac")


def strict_json(x: Any) -> Any:
    """``x`` with every float that is not finite replaced by ``None``, so that ``json.dumps``
    writes strict JSON (no ``NaN`` or ``Infinity`` tokens).

    >>> strict_json({"a": [1.0, float("nan")], "b": float("inf")})
    {'a': [1.0, None], 'b': None}
    """
    if isinstance(x, dict):
        return {k: strict_json(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [strict_json(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _nan_for_null(row: Any, keys: tuple[str, ...]) -> Any:
    """A JSON row with ``null`` numbers read back as NaN (the inverse of :func:`strict_json`)."""
    if not isinstance(row, dict):
        return row
    return {k: (float("nan") if k in keys and v is None else v) for k, v in row.items()}


# ------------------------------------------------------------------ the network


def network_to_json(g: nx.MultiDiGraph) -> dict[str, Any]:
    """The exchange network as plain JSON: nodes with kind and company, edges with commodity."""
    return {
        "nodes": [{"id": n, **d} for n, d in g.nodes(data=True)],
        "edges": [
            {"from": s, "to": b, "commodity": c, "unit": d["unit"], "signal": d["signal"], "enabled": d["enabled"], "id": d["id"]}
            for s, b, c, d in g.edges(keys=True, data=True)
        ],
    }


def network_from_json(data: Mapping[str, Any]) -> nx.MultiDiGraph:
    """Inverse of :func:`network_to_json`."""
    g = nx.MultiDiGraph()
    for node in data["nodes"]:
        attrs = {k: v for k, v in node.items() if k != "id"}
        g.add_node(node["id"], **attrs)
    for e in data["edges"]:
        g.add_edge(e["from"], e["to"], key=e["commodity"], commodity=e["commodity"], unit=e["unit"], signal=e["signal"], enabled=e["enabled"], id=e["id"])
    return g


# ------------------------------------------------------------------ writing


def write_run(results: Results, summary: RunSummary, out_dir: Path, extra: Callable[[Path], None] | None = None) -> Path:
    """Write a run directory atomically (into a temporary sibling, then renamed), so an
    interrupted or failed write leaves nothing half-written; ``extra(tmp)`` adds more files
    (the figures) before the rename. Returns ``out_dir``.

    Raises
    ------
    UsageError
        ``out_dir`` is a file, a directory ecosim did not write, or cannot be written
        (:func:`ecosim.atomic.check_output_dir`; nothing is written).
    """
    out_dir = Path(out_dir)
    ledger = results.ledger if results.ledger is not None else pd.DataFrame(columns=list(LEDGER_COLUMNS))
    summary_text = json.dumps(summary.to_json(), indent=2, allow_nan=False) + "\n"  # strict JSON: no NaN or Infinity
    with atomic_directory(out_dir, kind="run") as tmp:
        results.timeseries().to_parquet(tmp / "timeseries.parquet", index=False)
        ledger.to_parquet(tmp / "ledger.parquet", index=False)
        (tmp / "summary.json").write_text(summary_text, encoding="utf-8")
        (tmp / "scenario.toml").write_text(results.scenario.to_toml(), encoding="utf-8")
        (tmp / "network.json").write_text(json.dumps(network_to_json(results.network), indent=1) + "\n", encoding="utf-8")
        if extra is not None:
            extra(tmp)
    return out_dir


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class SavedRun:
    """A run read back from its directory (one member)."""

    path: Path
    timeseries: pd.DataFrame
    ledger: pd.DataFrame
    summary: RunSummary
    scenario: LoadedScenario
    network: nx.MultiDiGraph = field(compare=False)

    @property
    def name(self) -> str:
        return self.summary.scenario

    @property
    def dates(self) -> list[str]:
        return [str(d) for d in self.timeseries["date"]]

    @property
    def final_companies(self) -> dict[str, str]:
        """Agent -> company at the end of the run (after any merger)."""
        return self.summary.final_companies

    @cached_property
    def results(self) -> Results:
        """The run as :class:`~ecosim.results.Results`: series (months, 1), units, network and
        cash at the start from the directory; the WACC the ``wacc`` metric stored, the terminal
        growth and tax rate of the run's ``[capital_market]``."""
        ts = self.timeseries
        series = {str(c): ts[c].to_numpy(dtype=float)[:, None] for c in ts.columns if c != "date"}
        return Results(
            scenario=self.scenario,
            seed=self.summary.seed,
            members=1,
            months=self.dates,
            series=series,
            units=dict(self.summary.units),
            network=self.network,
            cash_start={m: np.array([v], dtype=float) for m, v in self.summary.cash_start_usd.items()},
            cost_of_capital=stored_cost_of_capital(series, self.scenario.model.capital_market),
            agents=dict(self.summary.agents),
            companies=dict(self.summary.companies),
            end_month=self.summary.end,
            ledger=self.ledger,
            runtime_s=self.summary.runtime_s,
        )


def stored_cost_of_capital(series: Mapping[str, np.ndarray], capital_market: Any) -> CostOfCapital:
    """The rates a stored run was valued at: the WACC its capital market used (the ``wacc``
    metric of its first month, per member), the terminal growth and tax rate of its
    ``[capital_market]`` section (fractions, as :func:`ecosim.scenario.params.params_of` reads them)
    and its normalisation years."""
    cm = params_of(capital_market)
    wacc = np.asarray(series[WACC_METRIC], dtype=float)[0]
    return CostOfCapital.from_rates(wacc, cm.terminal_growth_frac, cm.tax_rate_frac, members=len(wacc), normalise_yr=cm.terminal_normalise_yr)


def _read_json(path: Path) -> Any:
    return read_json(path, RunDirError)


def _check_finite(df: pd.DataFrame, path: Path, what: str) -> None:
    """Every value of ``df`` must be a finite number (ecosim writes no NaN, no infinity)."""
    for col in df.columns:
        try:
            values = df[col].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise RunDirError(f"{path}: damaged: {what} {col!r} is not numeric") from None
        bad = ~np.isfinite(values)
        if bad.any():
            raise RunDirError(f"{path}: damaged: {what} {col!r} holds {float(values[bad][0])!r} in row {int(np.argmax(bad))} (ecosim writes finite numbers only)")


def read_run(path: str | Path) -> SavedRun:
    """Read and check a run directory.

    Raises
    ------
    RunDirError
        ``RUN_DIR: no such directory``, ``RUN_DIR: not an ecosim run directory (missing ...)``,
        or a file that cannot be read or lacks what ``ecosim run`` writes.
    """
    p = Path(path)
    if not p.exists():
        raise RunDirError(f"{p}: no such directory (give a directory written by `ecosim run`)")
    if not p.is_dir():
        raise RunDirError(f"{p}: must be a run directory written by `ecosim run` (got a file)")
    missing = [f for f in RUN_FILES if not (p / f).is_file()]
    if missing:
        raise RunDirError(f"{p}: not an ecosim run directory (missing {', '.join(missing)}); write one with `ecosim run SCENARIO --out {p}`")
    summary = RunSummary.from_json(_read_json(p / "summary.json"), p / "summary.json")
    frames = {}
    for name in ("timeseries.parquet", "ledger.parquet"):
        try:
            frames[name] = pd.read_parquet(p / name)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise RunDirError(f"{p / name}: not a readable Parquet file ({type(exc).__name__})") from None
    ts, ledger = frames["timeseries.parquet"], frames["ledger.parquet"]
    if "date" not in ts.columns or ts.empty:
        raise RunDirError(f"{p / 'timeseries.parquet'}: must have a 'date' column and one row per month")
    if WACC_METRIC not in ts.columns:
        raise RunDirError(f"{p / 'timeseries.parquet'}: must hold the {WACC_METRIC!r} metric (the cost of capital the run used)")
    lacking = [c for c in LEDGER_COLUMNS if c not in ledger.columns]
    if lacking:
        raise RunDirError(f"{p / 'ledger.parquet'}: not an ecosim ledger (missing columns {', '.join(lacking)})")
    _check_finite(ts.drop(columns=["date"]), p / "timeseries.parquet", "metric")
    _check_finite(ledger[["quantity", "usd"]], p / "ledger.parquet", "column")
    try:
        network = network_from_json(_read_json(p / "network.json"))
    except (KeyError, TypeError) as exc:
        raise RunDirError(f"{p / 'network.json'}: not an ecosim network (missing {exc})") from None
    try:
        scenario = load_scenario(p / "scenario.toml")
    except EcosimError as exc:
        raise RunDirError(f"{p / 'scenario.toml'}: the run's scenario no longer loads: {exc}") from None
    return SavedRun(p, ts, ledger, summary, scenario, network)
