"""An experiment directory (``ecosim experiment run``) as a compared source.

Each successful run is a member. What the store holds decides what the comparison can show:

* monthly series: the experiment's ``series`` outcomes of a plain metric (the fan charts and the
  outcomes table read them; other metrics are "not recorded");
* scalar outcomes of a year (``sum`` or ``last`` of a metric) fill the matching cells of the
  outcomes table when the series is not stored;
* the narrative scorecard: every run's verdict and month, stored by the runner
  (``claim:ID`` / ``claim_when:ID`` columns of the outcomes table), give each claim's
  probability and median year; a claim without stored verdicts is scored on the stored series;
* valuation assumptions: the base scenario's ``[capital_market]`` with each run's varied
  fields (an equity value needs the company's revenue, free cash flow, capex and cash series).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ecosim.errors import RunDirError
from ecosim.finance.series_value import company_equity
from ecosim.finance.valuation import Assumptions, assumptions_for
from ecosim.metrics import METRICS
from ecosim.report.sources import Source, load_toml
from ecosim.results.store import ExperimentStore, Manifest
from ecosim.scenario.loader import load_scenario
from ecosim.timeline import format_month, parse_month

#: experiment outcome stats that read a year the way the outcomes table does (``how``)
STAT_TO_HOW = {"sum": "sum", "last": "last"}


@dataclass
class OpenedExperiment:
    """A checked experiment store, before its tables are read."""

    store: ExperimentStore
    manifest: Manifest
    origin: str

    @property
    def name(self) -> str:
        return self.manifest.experiment

    def source(self, label: str) -> Source:
        """The experiment as a :class:`~ecosim.report.sources.Source`: one member per
        successful run, in run-id order."""
        return read_experiment(self, label)


def open_experiment(path: Path, origin: str) -> OpenedExperiment:
    """Check an experiment directory (manifest, resolved scenario, at least one finished run).

    Raises
    ------
    RunDirError
        A missing or foreign manifest, a missing ``scenario.toml``, or no successful run yet.
    """
    store = ExperimentStore(path, origin=origin)
    manifest = store.manifest()
    if not (path / "scenario.toml").is_file():
        raise RunDirError(f"{origin}: not a complete experiment directory (missing scenario.toml)")
    if not store.files("runs"):
        raise RunDirError(f"{origin}: the experiment has no finished chunk yet (run `ecosim experiment run` to completion)")
    return OpenedExperiment(store, manifest, origin)


def _months(data: dict[str, Any]) -> list[str]:
    meta = data["scenario"]
    return [format_month(m) for m in range(parse_month(meta["start_month"]), parse_month(meta["end_month"]) + 1)]


def read_experiment(exp: OpenedExperiment, label: str) -> Source:
    """Read the store's tables into a source (see the module docstring)."""
    man, store = exp.manifest, exp.store
    runs = store.table("runs")
    ok_ids = runs.loc[runs["status"] == "ok", "run_id"].to_numpy()
    if len(ok_ids) == 0:
        raise RunDirError(f"{exp.origin}: no successful run in the experiment ({len(runs)} failed)")
    data = load_toml(store.root / "scenario.toml")
    outcomes = store.table("outcomes").set_index("run_id").reindex(ok_ids)
    series_outcomes = {o.name: o.metric for o in man.outcomes if o.stat == "series" and not o.relative_to and o.metric in METRICS}
    series: dict[str, np.ndarray] = {}
    dates = _months(data)
    if series_outcomes:
        ts = store.table("timeseries")
        ts = ts[ts["run_id"].isin(ok_ids)]
        dates = sorted(ts["date"].astype(str).unique())
        for name, metric in series_outcomes.items():
            wide = ts.pivot(index="date", columns="run_id", values=name).reindex(index=dates, columns=ok_ids)
            series[metric] = wide.to_numpy(dtype=float)
    scalars: dict[tuple[str, str, str], np.ndarray] = {}
    for o in man.outcomes:
        how = STAT_TO_HOW.get(o.stat)
        if how and o.year is not None and not o.relative_to and o.name in outcomes.columns:
            scalars[(o.metric, how, str(o.year))] = outcomes[o.name].to_numpy(dtype=float)
    assumptions = _assumptions(exp, ok_ids)
    total = man.counts.runs
    failed = int((runs["status"] != "ok").sum())
    detail = f"{len(ok_ids):,} runs" + (f" of {total:,}" if len(runs) < total else "") + (f" ({failed} failed)" if failed else "") + f": {man.sampler} sampler"
    return Source(
        label=label,
        kind="experiment",
        origin=exp.origin,
        path=store.root,
        scenario=man.scenario,
        description=man.description,
        dates=dates,
        series=series,
        scenario_data=data,
        assumptions=assumptions,
        equity=company_equity(series, dates, assumptions) if series else {},
        varied=[(i.path, f"{i.distribution or 'settings ' + str(list(i.settings or ()))} ({i.kind})") for i in man.inputs],
        detail=detail,
        scalars=scalars,
        stored_verdicts=outcomes.reset_index(drop=True),
    )


def _assumptions(exp: OpenedExperiment, ok_ids: np.ndarray) -> list[Assumptions | None]:
    """Each run's valuation assumptions: the base scenario's ``[capital_market]`` with the
    run's values of the capital-market fields the experiment varies."""
    base = load_scenario(exp.store.root / "scenario.toml").model.capital_market
    varied = [(i.column, i.path.split(".", 1)[1]) for i in exp.manifest.inputs if i.path.startswith("capital_market.") and i.numeric]
    if not varied:
        return [assumptions_for(base)] * len(ok_ids)
    design = exp.store.table("design").set_index("run_id").reindex(ok_ids)
    out: list[Assumptions | None] = []
    for _, row in design.iterrows():
        cm = base.model_copy(update={field: float(row[col]) for col, field in varied})
        try:
            out.append(assumptions_for(cm))
        except ValueError:  # terminal growth at or above the WACC: no value for this run
            out.append(None)
    return out
