"""What ``ecosim compare`` compares: run directories, experiment directories and scenario files.

:func:`resolve_sources` turns each command-line argument into a :class:`Source`: the monthly
series of one run (one member) or of an experiment's runs (one member per run), the resolved
scenario, the rates its cash flows are valued at and, for runs, the ledger. A scenario file or
bundled name is run first (its run directory is written under ``runs_dir``). Every argument is
checked before anything runs: a missing or foreign path is a :class:`~ecosim.errors.RunDirError`
naming it.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import numpy as np
import pandas as pd

from ecosim.errors import RunDirError
from ecosim.finance.wacc import discount_rates
from ecosim.scenario.loader import LoadedScenario, bundled_scenarios, load_scenario

RUN_FILES = ("timeseries.parquet", "ledger.parquet", "summary.json", "scenario.toml")


@dataclass
class Source:
    """One thing being compared, with its series shaped (months, members).

    ``members`` is 1 for a run and the number of runs for an experiment; ``wacc`` and
    ``growth`` [fraction/yr] are per member (the rates of each member's scenario).
    """

    label: str
    kind: Literal["run", "experiment"]
    origin: str
    path: Path
    scenario: str
    description: str
    dates: list[str]
    series: dict[str, np.ndarray]
    scenario_data: dict[str, Any]
    wacc: np.ndarray
    growth: np.ndarray
    ledger: pd.DataFrame | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    varied: list[tuple[str, str]] = field(default_factory=list)
    detail: str = ""

    @property
    def members(self) -> int:
        return next(iter(self.series.values())).shape[1] if self.series else 0

    @property
    def period(self) -> str:
        return f"{self.dates[0]} to {self.dates[-1]}"


def read_run_dir(path: Path, origin: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any], dict[str, Any]]:
    """The timeseries, ledger, summary and resolved scenario data of a run directory.

    The scenario is read as data, not validated against this version's schema, so runs saved
    by an earlier ecosim stay comparable.

    Raises
    ------
    RunDirError
        When a file ``ecosim run`` writes is missing or unreadable.
    """
    missing = [f for f in RUN_FILES if not (path / f).is_file()]
    if missing:
        raise RunDirError(f"{origin}: not an ecosim run directory (missing {', '.join(missing)}); write one with `ecosim run SCENARIO --out {origin}`")
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        data = load_toml(path / "scenario.toml")
        ts = pd.read_parquet(path / "timeseries.parquet")
        ledger = pd.read_parquet(path / "ledger.parquet")
    except (OSError, ValueError) as exc:
        raise RunDirError(f"{origin}: a file of the run directory cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})") from None
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise RunDirError(f"{origin}: a Parquet file of the run directory cannot be read ({type(exc).__name__})") from None
    if not isinstance(summary, dict) or "scenario" not in summary or "date" not in ts.columns or ts.empty:
        raise RunDirError(f"{origin}: not an ecosim run directory (summary.json lacks 'scenario' or timeseries.parquet lacks 'date')")
    return ts, ledger, summary, data


def rates_of(data: dict[str, Any], origin: str) -> tuple[np.ndarray, np.ndarray]:
    """(WACC, terminal growth) [fraction/yr] from a resolved scenario's ``[capital_market]`` table.

    Raises
    ------
    RunDirError
        When a field the rates need is missing.
    """
    cm = data.get("capital_market", {})
    need = ("risk_free_pct", "market_risk_premium_pct", "beta_unlevered", "debt_to_capital_frac", "cost_of_debt_pct", "tax_rate_pct", "terminal_growth_pct")
    lacking = [k for k in need if k not in cm]
    if lacking:
        raise RunDirError(f"{origin}: scenario.toml lacks capital_market.{lacking[0]} (needed to value the run's cash flows)")
    wacc, growth = discount_rates(SimpleNamespace(**{k: cm[k] for k in need}))
    return np.atleast_1d(wacc).astype(float), np.atleast_1d(growth).astype(float)


def _from_run(label: str, origin: str, path: Path, ts: pd.DataFrame, ledger: pd.DataFrame, summary: dict[str, Any], data: dict[str, Any]) -> Source:
    wacc, growth = rates_of(data, origin)
    meta = data.get("scenario", {})
    series = {str(c): ts[c].to_numpy(dtype=float)[:, None] for c in ts.columns if c != "date"}
    overrides = summary.get("overrides") or []
    return Source(
        label=label,
        kind="run",
        origin=origin,
        path=path,
        scenario=str(meta.get("name", summary["scenario"])),
        description=str(meta.get("description", summary.get("description", ""))),
        dates=[str(d) for d in ts["date"]],
        series=series,
        scenario_data=data,
        wacc=wacc,
        growth=growth,
        ledger=ledger,
        summary=summary,
        detail=f"seed {summary.get('seed', '?')}" + (f"; --set {' --set '.join(overrides)}" if overrides else ""),
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


def resolve_sources(
    args: Sequence[str],
    runs_dir: Path,
    seed: int | None = None,
    sets: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> list[Source]:
    """A :class:`Source` per argument, in order.

    Scenario files (and bundled names) are loaded with ``sets`` applied, run with ``seed``
    (default: the scenario's) and written to ``runs_dir/LABEL`` (without figures). Every
    argument is classified and every scenario loaded before the first run starts.
    """
    kinds = [classify(a) for a in args]
    loaded: dict[int, LoadedScenario] = {}
    for i, (kind, p) in enumerate(kinds):
        if kind == "scenario":
            loaded[i] = load_scenario(p, list(sets))
    names: list[str] = []
    for i, (kind, p) in enumerate(kinds):
        if kind == "scenario":
            names.append(loaded[i].name)
        elif kind == "run":
            names.append(_run_name(p, args[i]))
        else:
            names.append(p.resolve().name)
    labels = unique_labels(names)
    out: list[Source] = []
    for i, (kind, p) in enumerate(kinds):
        if kind == "experiment":
            from ecosim.report.experiment_source import read_experiment  # noqa: PLC0415

            out.append(read_experiment(labels[i], args[i], p))
        elif kind == "run":
            out.append(_from_run(labels[i], args[i], p, *read_run_dir(p, args[i])))
        else:
            from ecosim.run import run_scenario, write_run  # noqa: PLC0415 (only when something must run)

            if progress:
                progress(f"running {labels[i]}")
            result = run_scenario(loaded[i], seed=seed)
            target = runs_dir / labels[i].replace(" #", "-")
            write_run(result, target, figures=False)
            out.append(_from_run(labels[i], args[i], target, result.timeseries, result.ledger, result.summary, result.scenario.data))
    return out


def _run_name(path: Path, origin: str) -> str:
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        return str(summary["scenario"])
    except (OSError, ValueError, KeyError, TypeError):
        raise RunDirError(f"{origin}/summary.json: not an ecosim run summary (unreadable or without 'scenario')") from None


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
    """A TOML file as a dict (a run's or an experiment's resolved scenario)."""
    with open(path, "rb") as fh:
        return tomllib.load(fh)
