"""Analyse a stored experiment: outcome summaries, sensitivity, scenario discovery.

Reads only the experiment store (:class:`~ecosim.results.store.ExperimentStore`: its typed
manifest and Parquet tables), so a finished experiment can be re-analysed at any time
(``ecosim experiment analyze DIR``). :func:`analyze_experiment` returns the tables; it writes
and draws nothing (:func:`ecosim.report.experiment_report.write_experiment_analysis` writes
them to ``analysis/``, Parquet plus CSV copies for spreadsheets, and draws ``figures/``):

=========================================  =====================================================
``summary``                                 every scalar outcome over all successful runs: runs,
                                            mean, sd, min, p5, p25, p50, p75, p95, max
``summary_by_lever``                        the same per lever setting (experiments with levers)
``sobol`` (+ ``sobol_s2``)                  S1, ST with confidence intervals (sobol sampler)
``morris``                                  mu, mu*, its confidence interval, sigma (morris sampler)
``discovery``                               per condition: share of runs meeting it, PRIM box
``prim_NAME_trajectory``, ``prim_NAME_box`` the PRIM peeling trajectory and the chosen box
``figures/outcomes.png``                    distributions of the scalar outcomes
``figures/grid.png``                        outcome over a two-input grid (grid sampler)
``figures/series_NAME.png``                 percentile fan of a monthly outcome
``figures/sobol_NAME.png``, ``morris_NAME.png``, ``prim_NAME.png``
=========================================  =====================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ecosim.analysis.discovery import PrimResult, condition, describe_box, prim_box
from ecosim.analysis.sensitivity import (
    MORRIS_COLUMNS,
    SOBOL_COLUMNS,
    mean_by_draw,
    morris_indices,
    sobol_indices,
)
from ecosim.errors import RunDirError
from ecosim.results.store import ExperimentStore, Manifest, ManifestOutcome

PERCENTILES = (5, 25, 50, 75, 95)


@dataclass
class ExperimentAnalysis:
    """What :func:`analyze_experiment` found: every table by name (the order they are written
    in), the PRIM results, notes, and what the figures need (manifest, results, units)."""

    manifest: Manifest
    results: pd.DataFrame
    units: dict[str, str]
    summary: pd.DataFrame
    sobol: pd.DataFrame | None = None
    morris: pd.DataFrame | None = None
    discovery: list[PrimResult] = field(default_factory=list)
    discovery_table: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def summarise(results: pd.DataFrame, outcomes: Sequence[ManifestOutcome], by: str | None = None) -> pd.DataFrame:
    """Distribution of each scalar outcome over successful runs (optionally per ``by`` group).

    >>> from ecosim.results.store import ManifestOutcome
    >>> df = pd.DataFrame({"status": ["ok"] * 5, "v": [1.0, 2.0, 3.0, 4.0, 5.0]})
    >>> s = summarise(df, [ManifestOutcome("v", "m", "last", None, None, None, None, "info", "x", "")])
    >>> s[["runs", "mean", "p50", "max"]].values.tolist()
    [[5.0, 3.0, 3.0, 5.0]]
    """
    ok = results[results["status"] == "ok"]
    groups = [(None, ok)] if by is None else list(ok.groupby(by))
    rows = []
    for key, g in groups:
        for o in outcomes:
            if o.stat == "series":
                continue
            v = g[o.name].to_numpy(dtype=float)
            f = v[np.isfinite(v)]
            row: dict[str, Any] = {} if by is None else {by: key}
            row.update(outcome=o.name, unit=o.unit, direction=o.direction, runs=float(len(v)), finite=float(len(f)))
            if len(f):
                pct = np.percentile(f, PERCENTILES)
                row.update(mean=float(f.mean()), sd=float(f.std(ddof=1)) if len(f) > 1 else 0.0, min=float(f.min()), **{f"p{p}": float(q) for p, q in zip(PERCENTILES, pct, strict=True)}, max=float(f.max()))
            else:
                row.update(mean=np.nan, sd=np.nan, min=np.nan, **{f"p{p}": np.nan for p in PERCENTILES}, max=np.nan)
            rows.append(row)
    return pd.DataFrame(rows)


def analyze_experiment(store: ExperimentStore) -> ExperimentAnalysis:
    """Compute every analysis the experiment's design allows (see the module docstring)."""
    man = store.manifest()
    results = store.table("results")
    if results.empty:
        raise RunDirError(f"{store.origin}: holds no finished runs yet (run `ecosim experiment run` to completion, or again to resume)")
    outcomes = man.outcomes
    scalars = man.scalar_outcomes
    units = man.units()
    tables: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    n_failed = int((results["status"] != "ok").sum())
    if n_failed:
        notes.append(f"{n_failed:,} of {len(results):,} runs failed (see: ecosim results query DIR \"SELECT run_id, error FROM runs WHERE status = 'failed'\")")
    if not man.complete:
        notes.append(f"the experiment is incomplete ({len(results):,} of {man.counts.runs:,} runs stored): analysis of what is stored")

    summary = tables["summary"] = summarise(results, outcomes)
    if man.counts.lever_settings > 1:
        levers = [i.column for i in man.inputs if i.kind == "lever"]
        settings = results[["lever_setting", *levers]].drop_duplicates("lever_setting")
        by_lever = summarise(results, outcomes, by="lever_setting").merge(settings, on="lever_setting", how="left")
        tables["summary_by_lever"] = by_lever[["lever_setting", *levers, *[c for c in by_lever if c not in levers and c != "lever_setting"]]]

    unc = [i.column for i in man.inputs if i.kind == "uncertainty"]
    n_draws = man.counts.draws
    sobol = morris = None
    if man.sampler in ("sobol", "morris") and scalars:
        rows: list[dict[str, Any]] = []
        s2_rows: list[dict[str, Any]] = []
        x_unit = store.table("draws")[unc].to_numpy() if man.sampler == "morris" else None
        for s, g in results.groupby("lever_setting"):
            for o in scalars:
                y, missing = mean_by_draw(g, o.name, n_draws)
                base: dict[str, Any] = {"lever_setting": int(str(s)), "outcome": o.name, "runs": int(len(g))}
                if missing:
                    note = f"{missing} draws have no successful run: indices not computed"
                    notes.append(f"{man.sampler} {o.name} (lever setting {s}): {note}")
                    rows += [{**base, "input": c, "note": note} for c in unc]
                    continue
                if man.sampler == "sobol":
                    first, s2 = sobol_indices(y, unc, second_order=man.second_order, seed=man.seed)
                    rows += [{**base, **{str(k): v for k, v in r.items()}, "note": ""} for r in first.to_dict("records")]
                    if s2 is not None:
                        s2_rows += [{**base, **{str(k): v for k, v in r.items()}} for r in s2.to_dict("records")]
                else:
                    mres = morris_indices(np.asarray(x_unit), y, unc, levels=man.levels, seed=man.seed)
                    rows += [{**base, **{str(k): v for k, v in r.items()}, "note": ""} for r in mres.to_dict("records")]
        if man.sampler == "sobol":
            sobol = tables["sobol"] = pd.DataFrame(rows).reindex(columns=SOBOL_COLUMNS)
            if s2_rows:
                tables["sobol_s2"] = pd.DataFrame(s2_rows)
        else:
            morris = tables["morris"] = pd.DataFrame(rows).reindex(columns=MORRIS_COLUMNS)

    found: list[PrimResult] = []
    disc_rows: list[dict[str, Any]] = []
    ok = results[results["status"] == "ok"].reset_index(drop=True)
    x = ok[[i.column for i in man.inputs if ok[i.column].nunique() > 1]]
    for d in man.discovery:
        y = condition(ok[d.outcome], d.op, d.value)
        res = prim_box(x, y, name=d.name, label=d.label, density_threshold=d.density_threshold, peel_alpha=d.peel_alpha, mass_min=d.mass_min, significance=d.significance)
        found.append(res)
        if res.note:
            notes.append(f"discovery {d.name}: {res.note}")
        disc_rows.append({
            "name": d.name, "label": d.label, "outcome": d.outcome, "op": d.op, "value": d.value,
            "runs": res.runs, "of_interest": res.of_interest, "share": res.of_interest / res.runs if res.runs else np.nan,
            "coverage": res.coverage, "density": res.density, "box": "; ".join(describe_box(res, units)), "note": res.note,
        })
        if len(res.trajectory):
            tables[f"prim_{d.name}_trajectory"] = res.trajectory
        tables[f"prim_{d.name}_box"] = res.limits
    disc = pd.DataFrame(disc_rows) if disc_rows else None
    if disc is not None:
        tables["discovery"] = disc
    return ExperimentAnalysis(man, results, units, summary, sobol, morris, found, disc, notes, tables)
