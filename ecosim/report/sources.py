"""What ``ecosim compare`` compares, read from results only: saved runs and experiment stores.

A :class:`Source` holds the monthly series of one run (one member), of a posterior-backed run
(one member per posterior draw, ``ecosim run --posterior``) or of an experiment's runs (one
member per run), the resolved scenario, ``ecosim value``'s valuation assumptions per
member and the equity values they give (:mod:`ecosim.finance.series_value`), and for a run
the :class:`~ecosim.results.rundir.SavedRun` (ledger, summary, cash at the start) behind the
valuation bridge.
:func:`classify` tells what a command-line argument names, without reading it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ecosim.errors import RunDirError
from ecosim.finance.gap import Mark
from ecosim.finance.series_value import marks_like_for_like, results_equity
from ecosim.finance.valuation import Assumptions, member_assumptions
from ecosim.results.posterior import read_members
from ecosim.results.rundir import SavedRun
from ecosim.scenario.loader import bundled_scenarios


@dataclass
class Source:
    """One thing being compared, with its series shaped (months, members).

    ``members`` is 1 for a run and the number of runs for an experiment; ``assumptions`` has
    one entry per member (the valuation assumptions of that member's scenario, None where it
    has no value); ``equity`` maps a company to its equity value at the start of each year
    (months, members), NaN between. An experiment may also carry ``scalars`` (outcomes-table
    cells it stored: (metric, how, column) -> values per member) and ``stored_verdicts`` (its
    outcomes table with each run's scorecard verdicts).
    """

    label: str
    kind: Literal["run", "posterior", "experiment"]
    origin: str
    path: Path
    scenario: str
    description: str
    dates: list[str]
    series: dict[str, np.ndarray]
    scenario_data: dict[str, Any]
    assumptions: list[Assumptions | None]
    equity: dict[str, np.ndarray]
    saved: SavedRun | None = None
    varied: list[tuple[str, str]] = field(default_factory=list)
    detail: str = ""
    scalars: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)
    stored_verdicts: pd.DataFrame | None = None

    @cached_property
    def marks(self) -> dict[Mark, np.ndarray]:
        """Each mark's value like for like per member [USD] (members,), from ``equity`` with the
        raises the runs book (the scenario's scheduled ones where the series do not hold them:
        :func:`ecosim.finance.series_value.marks_like_for_like`): what the scorecard judges a
        claim on a mark with."""
        return marks_like_for_like(self.equity, self.dates, self.assumptions, self.scenario_data.get("capital_market", {}), series=self.series)

    @property
    def members(self) -> int:
        """Runs behind the source (1 for a run)."""
        return len(self.assumptions)

    @property
    def period(self) -> str:
        return f"{self.dates[0]} to {self.dates[-1]}"


def from_saved_run(label: str, origin: str, run: SavedRun) -> Source:
    """A run directory as a source: one member, or one member per posterior draw when the run
    was run under a posterior (its ``posterior/`` members; no ledger, so no bridge)."""
    members = read_members(run.path, run.results)
    results = run.results if members is None else members.results
    assumptions = member_assumptions(run.scenario.model.capital_market, results.cost_of_capital)  # None: no value
    overrides = run.scenario.overrides or run.summary.overrides
    detail = f"seed {run.summary.seed}" + (f"; --set {' --set '.join(overrides)}" if overrides else "")
    if members is not None:
        detail += f"; {results.members:,} posterior draws of {members.posterior_path}"
    return Source(
        label=label,
        kind="run" if members is None else "posterior",
        origin=origin,
        path=run.path,
        scenario=run.scenario.name,
        description=run.scenario.model.scenario.description,
        dates=results.months,
        series=results.series,
        scenario_data=run.scenario.data,
        assumptions=assumptions,
        equity=results_equity(results),
        saved=run if members is None else None,
        detail=detail,
    )


def classify(arg: str) -> tuple[Literal["run", "experiment", "scenario"], Path]:
    """What an argument names, checked without reading it fully.

    Raises
    ------
    RunDirError
        For a path that does not exist (and is no bundled scenario) or a directory that is
        neither a run nor an experiment directory, or a file that is not a scenario (.toml).
    """
    p = Path(arg)
    if p.is_dir():
        if (p / "manifest.json").is_file():
            return "experiment", p
        if (p / "summary.json").is_file() or (p / "timeseries.parquet").is_file():
            return "run", p
        raise RunDirError(
            f"{arg}: not a run or experiment directory (no summary.json or manifest.json); give a directory written by "
            "`ecosim run` or `ecosim experiment run`, or a scenario file"
        )
    if p.is_file():
        if p.suffix != ".toml":
            raise RunDirError(f"{arg}: must be a run directory, an experiment directory or a scenario file (.toml) (got a {p.suffix or 'suffix-less'} file)")
        return "scenario", p
    if "/" not in arg and arg.removesuffix(".toml") in bundled_scenarios():
        return "scenario", bundled_scenarios()[arg.removesuffix(".toml")]
    names = ", ".join(bundled_scenarios())
    raise RunDirError(f"{arg}: no such run directory, experiment directory or scenario file (bundled scenarios: {names})")


def unique_labels(names: Sequence[str]) -> list[str]:
    """Names made unique by numbering repeats.

    >>> unique_labels(["baseline", "skeptic", "baseline"])
    ['baseline', 'skeptic', 'baseline #2']
    """
    out: list[str] = []
    for n in names:
        label, k = n, 1
        while label in out:
            k += 1
            label = f"{n} #{k}"
        out.append(label)
    return out


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """A nested scenario (tables, arrays of tables) as ``dotted.path[i].field -> value``;
    arrays of plain values stay whole.

    >>> flatten({"a": {"b": 1, "v": [{"x": 2}], "d": ["e"]}})
    {'a.b': 1, 'a.v[0].x': 2, 'a.d': ['e']}
    """
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        for i, v in enumerate(data):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = data
    return out


def load_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict (an experiment's resolved scenario)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)
