"""Experiments on the running world: operational requirements (the flywheel's loops and link
ablations are :mod:`ecosim.experiments.flywheel`'s).

Everything here simulates many ensemble members in one model (:func:`ecosim.simulate.simulate`)
with common random numbers, so members differ only by what an experiment changes:

* :func:`operational_requirements` — for each lever of ``ecosim/data/valuation.toml``
  ``[[requirement]]`` (launch price for orbital data centers, the satellite-broadband market,
  orbital hardware cost), a grid of members over the field's range, then a finer grid inside
  the bracket, to find the value at which SpaceX's fundamental value equals each mark.

Values come from the run's metrics (``spacex_*``/``tesla_*`` revenue, FCF and capex, cash at
the start) through :func:`ecosim.finance.series_value.equity_at_start`, the same DCF as
``ecosim value``. SpaceX here is the company as the run books it (xAI inside from the merger
month, one month into the baseline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ecosim.errors import UsageError
from ecosim.finance.series_value import equity_at_start
from ecosim.finance.valuation import valuation_data
from ecosim.results.results import Results
from ecosim.scenario.loader import LoadedScenario, schema_has_path
from ecosim.scenario.params import bounds_of, is_numeric
from ecosim.simulate import simulate

Progress = Callable[[int, int], None] | None

#: outcomes of an ablation: (key, label, unit)
OUTCOMES = (
    ("xai_capability", "xAI capability at the end", "index"),
    ("odc_compute_peak", "SpaceX orbital compute, peak", "EFLOP/s"),
    ("spacex_value", "SpaceX (+xAI) value", "USD"),
    ("tesla_value", "Tesla value", "USD"),
)


# ------------------------------------------------------------------ operational reverse DCF


@dataclass
class LeverAnswer:
    """What one lever must be for SpaceX's value to equal one mark."""

    field: str
    label: str
    unit: str
    mark: str
    mark_usd: float
    required: float | None
    scenario_value: float | None
    outcomes: dict[str, float]
    note: str

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class OperationalRequirements:
    scenario: str
    base_value_usd: float
    answers: list[LeverAnswer]
    curves: dict[str, pd.DataFrame]  # field -> grid of (value, spacex equity, outcomes)
    units: dict[str, str] = field(default_factory=dict)  # metric -> unit (of the outcomes)

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "base_value_usd": self.base_value_usd, "answers": [a.as_dict() for a in self.answers],
                "curves": {k: v.to_dict("records") for k, v in self.curves.items()}}


def _grid(lo: float, hi: float, n: int, log: bool) -> np.ndarray:
    return np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)


def _outcome(results: Results, metric: str, year: int) -> np.ndarray:
    """A metric in a year per member: flows (per month) summed over the year, stocks at its end."""
    s = results.series[metric]
    idx = [i for i, d in enumerate(results.months) if d.startswith(str(year))] or [len(s) - 1]
    return s[idx].sum(axis=0) if "/month" in results.units[metric] else s[idx[-1]]


def _evaluate(loaded: LoadedScenario, field_path: str, values: np.ndarray, outcomes: list[tuple[str, int]], seed: int | None) -> pd.DataFrame:
    results = simulate(loaded, seed, members=len(values), member_values={field_path: values}, common_random_numbers=True)
    df = pd.DataFrame({"value": values, "spacex_value_usd": equity_at_start(results)["spacex"]})
    for metric, year in outcomes:
        df[f"{metric}@{year}"] = _outcome(results, metric, year)
    return df


def operational_requirements(
    loaded: LoadedScenario,
    *,
    fields: list[str] | None = None,
    targets: list[tuple[str, float]] | None = None,
    n_grid: int = 12,
    n_refine: int = 8,
    seed: int | None = None,
    progress: Progress = None,
) -> OperationalRequirements:
    """For each lever of ``valuation.toml`` (or only ``fields``) and each target (default: the
    narrative SpaceX+xAI marks of ``valuation_marks.csv``, as ``(name, USD)``): the field value
    at which SpaceX's value equals the target, with the outcomes there (re-runs the world).

    Two passes of ``n_grid`` then ``n_refine`` members per bracket, linear interpolation in
    between: the answer is exact where the value is linear between grid points.
    """
    from ecosim.finance.gap import marks as all_marks

    levers = [lv for lv in valuation_data()["requirement"] if fields is None or lv["field"] in fields]
    for lv in levers:
        if not schema_has_path(lv["field"]) or not is_numeric(lv["field"]):
            raise UsageError(f"ecosim/data/valuation.toml: requirement field {lv['field']!r} must be a numeric scenario field")
    if targets is None:
        targets = [(f"{m.entity} {m.date}", m.value_usd) for m in all_marks() if m.entity == "SpaceX+xAI" and m.narrative]
    total = len(levers) * 2
    done = 0
    base = simulate(loaded, seed, common_random_numbers=True)
    base_value = float(equity_at_start(base)["spacex"][0])
    answers: list[LeverAnswer] = []
    curves: dict[str, pd.DataFrame] = {}
    for lv in levers:
        path, lo, hi, log = lv["field"], float(lv["lo"]), float(lv["hi"]), bool(lv.get("log", False))
        b = bounds_of(path)
        lo = max(lo, b.get("ge", -np.inf), b.get("gt", -np.inf) + 1e-9 if "gt" in b else -np.inf)
        hi = min(hi, b.get("le", np.inf), b.get("lt", np.inf) - 1e-9 if "lt" in b else np.inf)
        outcomes = [(str(m), int(y)) for m, y in lv["outcomes"]]
        current = _scenario_value(loaded, path)
        coarse = _evaluate(loaded, path, _grid(lo, hi, n_grid, log), outcomes, seed)
        done += 1
        if progress is not None:
            progress(done, total)
        fine_values: list[float] = []
        brackets = {}
        for name, usd in targets:
            diff = coarse["spacex_value_usd"].to_numpy() - usd
            cross = [i for i in range(len(diff) - 1) if diff[i] == 0 or diff[i] * diff[i + 1] < 0]
            if cross:
                i = _nearest(cross, coarse["value"].to_numpy(), current, log)
                x0, x1 = coarse["value"].iloc[i], coarse["value"].iloc[i + 1]
                brackets[name] = (x0, x1)
                fine_values.extend(_grid(min(x0, x1), max(x0, x1), n_refine, log))
        fine = _evaluate(loaded, path, np.array(fine_values), outcomes, seed) if fine_values else coarse.iloc[:0]
        done += 1
        if progress is not None:
            progress(done, total)
        curve = pd.concat([coarse, fine]).sort_values("value").drop_duplicates("value").reset_index(drop=True)
        curves[path] = curve
        for name, usd in targets:
            if name not in brackets:
                vmin, vmax = curve["spacex_value_usd"].min(), curve["spacex_value_usd"].max()
                answers.append(LeverAnswer(path, lv["label"], lv["unit"], name, usd, None, current, {},
                                           f"unreachable: over {lo:g}-{hi:g} {lv['unit']} SpaceX's value stays between {vmin / 1e9:,.0f} and {vmax / 1e9:,.0f} B USD"))
                continue
            x = curve["value"].to_numpy()
            y = curve["spacex_value_usd"].to_numpy() - usd
            lo_b, hi_b = brackets[name]
            inside = [j for j in range(len(x) - 1) if (y[j] == 0 or y[j] * y[j + 1] < 0) and min(lo_b, hi_b) <= x[j] <= max(lo_b, hi_b)]
            j = inside[0] if inside else _nearest([j for j in range(len(x) - 1) if y[j] == 0 or y[j] * y[j + 1] < 0], x, current, log)
            w = 0.0 if y[j] == 0 else y[j] / (y[j] - y[j + 1])
            req = x[j] + w * (x[j + 1] - x[j])
            outs = {c: float(curve[c].iloc[j] + w * (curve[c].iloc[j + 1] - curve[c].iloc[j])) for c in curve.columns if "@" in c}
            mono = bool(np.all(np.diff(curve["spacex_value_usd"]) >= 0) or np.all(np.diff(curve["spacex_value_usd"]) <= 0))
            note = "" if mono else "the value is not monotone in this field: the crossing nearest the scenario's value is shown"
            answers.append(LeverAnswer(path, lv["label"], lv["unit"], name, usd, float(req), current, outs, note))
    return OperationalRequirements(loaded.name, base_value, answers, curves, base.units)


def _nearest(crossings: list[int], xs: np.ndarray, current: float | None, log: bool) -> int:
    """Of the grid intervals where the value crosses a target, the one closest to the
    scenario's own field value (the lowest when the scenario leaves the field unset)."""
    if current is None:
        return crossings[0]

    def scale(v: float) -> float:
        return float(np.log(v)) if log else float(v)

    return min(crossings, key=lambda i: abs(scale(0.5 * (xs[i] + xs[i + 1])) - scale(current)))


def _scenario_value(loaded: LoadedScenario, path: str) -> float | None:
    node: Any = loaded.model
    for part in path.split("."):
        node = getattr(node, part)
    return None if node is None else float(node)

