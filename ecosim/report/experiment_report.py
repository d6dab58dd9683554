"""Write a stored experiment's analysis: its tables into ``analysis/`` and its figures into
``figures/`` (:func:`ecosim.analysis.experiment.analyze_experiment` computes them)."""

from __future__ import annotations

from pathlib import Path

from ecosim.analysis.experiment import ExperimentAnalysis, analyze_experiment
from ecosim.report.experiment_figures import experiment_figures
from ecosim.results.store import ExperimentStore


def write_experiment_analysis(store: ExperimentStore, *, figures: bool = True) -> tuple[ExperimentAnalysis, list[Path]]:
    """Analyse the store and write every table (Parquet and CSV) and, unless ``figures`` is
    False, every figure; returns the analysis and the files written."""
    res = analyze_experiment(store)
    files: list[Path] = []
    for name, df in res.tables.items():
        files += store.write_analysis(name, df)
    if figures:
        files += experiment_figures(store, res.manifest, res.results, res.sobol, res.morris, res.discovery, res.units)
    return res, files
