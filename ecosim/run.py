"""Run a scenario and write its results directory (the ``ecosim run`` contract).

``run_scenario`` is a pure function of (scenario, seed): it builds the model, runs it and
returns the results in memory. ``write_run`` writes them to a directory atomically (into a
temporary sibling first, then renamed), so an interrupted or failed run leaves nothing
half-written::

    DIR/timeseries.parquet   one row per month: date (YYYY-MM), then unit-suffixed metrics
    DIR/ledger.parquet       every transfer: step, date, member, from, to, commodity, quantity, unit, usd, kind, internal
    DIR/summary.json         scenario, seed, start, end, agents by kind, final values, totals by commodity,
                             calibration, the narrative scorecard (ecosim.analysis.scorecard)
    DIR/scenario.toml        the resolved scenario (extends and --set applied)
    DIR/network.json         the exchange network (nodes, typed edges, which are cut)
    DIR/figures/*.png        launches and cost, compute by source, data by source, Starlink, network
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from ecosim import __version__
from ecosim.analysis.calibration import Check, calibration_table
from ecosim.analysis.scorecard import run_scorecard, score_run
from ecosim.atomic import atomic_directory
from ecosim.errors import RunDirError
from ecosim.exchange.topology import COMMODITY_UNITS
from ecosim.finance.series_value import first_month_raises
from ecosim.metrics import METRICS
from ecosim.model import EcosimModel
from ecosim.scenario.loader import LoadedScenario
from ecosim.timeline import format_month


@dataclass
class RunResult:
    """A finished run, in memory."""

    scenario: LoadedScenario
    seed: int
    timeseries: pd.DataFrame
    ledger: pd.DataFrame
    graph: nx.MultiDiGraph
    summary: dict[str, Any]
    calibration: list[Check] = field(default_factory=list)
    runtime_s: float = 0.0


def run_scenario(
    scenario: LoadedScenario,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Run one member of a scenario from start to end and collect its results."""
    t0 = time.perf_counter()
    model = EcosimModel(scenario, seed=seed)
    model.run(progress)
    elapsed = time.perf_counter() - t0
    ts = model.timeseries()
    ledger = model.ledger()
    checks = calibration_table(ts, scenario.model)
    summary = build_summary(model, ts, ledger, checks, elapsed)
    return RunResult(scenario, model.seed_value, ts, ledger, model.network, summary, checks, elapsed)


def build_summary(model: EcosimModel, ts: pd.DataFrame, ledger: pd.DataFrame, checks: list[Check], runtime_s: float) -> dict[str, Any]:
    meta = model.scenario.scenario
    last = ts.iloc[-1]
    totals: dict[str, dict[str, Any]] = {}
    if not ledger.empty:
        for c, g in ledger.groupby("commodity"):
            totals[str(c)] = {"quantity": float(g["quantity"].sum()), "unit": COMMODITY_UNITS[str(c)], "usd": float(g["usd"].sum())}
    agents = {n: {"kind": a.kind, "label": a.label, "company": model.exchange.companies[n]} for n, a in model.by_name.items()}
    return {
        "ecosim_version": __version__,
        "scenario": meta.name,
        "description": meta.description,
        "scenario_file": str(model.loaded.path),
        "overrides": list(model.loaded.overrides),
        "seed": model.seed_value,
        "start": format_month(model.start_month),
        "end": format_month(model.end_month),
        "months": int(len(ts)),
        "members": model.members,
        "initial_state_from": meta.initial_state_from,
        "agents_by_kind": dict(sorted(Counter(a["kind"] for a in agents.values()).items())),
        "agents": agents,
        "companies": {c: model.roster.company_names().get(c, c) for c in sorted(set(model.companies.values()))},
        "merger_month": format_month(int(model.params.capital_market.merger_month)),
        "disabled_edges": list(model.scenario.exchange.disable),
        "final": {k: float(last[k]) for k in METRICS},
        "units": {k: m.unit for k, m in METRICS.items()},
        "totals_by_commodity": totals,
        "calibration": [
            {
                "metric": c.metric,
                "period": c.period,
                "unit": c.unit,
                "published": c.published,
                "model": c.model,
                "error_pct": 100.0 * c.error_frac,
                "within_25pct": c.passes(),
                "asserted": c.asserted,
                "uncertainty_frac": c.uncertainty_frac,
                "status": c.status,
                "source": c.source,
            }
            for c in checks
        ],
        "scorecard": run_scorecard(score_run(ts, model.scenario.capital_market, first_month_raises(ledger, {n: a["company"] for n, a in agents.items()}, str(ts["date"].iloc[0])))),
        "runtime_s": runtime_s,
    }


def write_run(result: RunResult, out_dir: Path, figures: bool = True) -> Path:
    """Write a run's results to ``out_dir`` atomically; returns ``out_dir``."""
    from ecosim.report.figures import write_run_figures

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise RunDirError(f"--out {out_dir}: must be a directory (got an existing file)")
    with atomic_directory(out_dir) as tmp:
        result.timeseries.to_parquet(tmp / "timeseries.parquet", index=False)
        result.ledger.to_parquet(tmp / "ledger.parquet", index=False)
        (tmp / "summary.json").write_text(json.dumps(result.summary, indent=2) + "\n", encoding="utf-8")
        (tmp / "scenario.toml").write_text(result.scenario.to_toml(), encoding="utf-8")
        (tmp / "network.json").write_text(json.dumps(network_to_json(result.graph), indent=1) + "\n", encoding="utf-8")
        if figures:
            write_run_figures(result.timeseries, result.ledger, result.graph, tmp / "figures")
    return out_dir


def network_to_json(g: nx.MultiDiGraph) -> dict[str, Any]:
    """The exchange network as plain JSON: nodes with kind and company, edges with commodity."""
    return {
        "nodes": [{"id": n, **d} for n, d in g.nodes(data=True)],
        "edges": [
            {"from": s, "to": b, "commodity": c, "unit": d["unit"], "signal": d["signal"], "enabled": d["enabled"], "id": d["id"]}
            for s, b, c, d in g.edges(keys=True, data=True)
        ],
    }


def network_from_json(data: dict[str, Any]) -> nx.MultiDiGraph:
    """Inverse of :func:`network_to_json`."""
    g = nx.MultiDiGraph()
    for node in data["nodes"]:
        attrs = {k: v for k, v in node.items() if k != "id"}
        g.add_node(node["id"], **attrs)
    for e in data["edges"]:
        g.add_edge(e["from"], e["to"], key=e["commodity"], commodity=e["commodity"], unit=e["unit"], signal=e["signal"], enabled=e["enabled"], id=e["id"])
    return g
