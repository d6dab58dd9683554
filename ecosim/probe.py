"""Experiments on the running world: loop gains, link ablations, operational requirements.

Everything here simulates many ensemble members in one model (:func:`ecosim.simulate.simulate`)
with common random numbers, so members differ only by what an experiment changes:

* :func:`run_flywheel` — member 0 is the scenario; one member per (loop, start year) pushes
  the loop's probe edge by a small partial cut from January of that year; one member per
  link cuts it for the whole run. The analysis is :mod:`ecosim.analysis.flywheel`'s.
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

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from ecosim.analysis.flywheel import (
    HUBS,
    Loop,
    ablation_table,
    dominance,
    find_loops,
    loop_gain,
    mode_by_year,
    reduce_network,
)
from ecosim.economics.binding import BINDING
from ecosim.errors import UsageError
from ecosim.exchange.topology import SIGNAL_UNITS, parse_edge_id
from ecosim.finance.series_value import equity_at_start
from ecosim.finance.valuation import valuation_data
from ecosim.results.results import Results
from ecosim.scenario.loader import LoadedScenario, schema_has_path
from ecosim.scenario.params import bounds_of, is_numeric
from ecosim.simulate import simulate
from ecosim.timeline import parse_month

Progress = Callable[[int, int], None] | None

#: outcomes of an ablation: (key, label, unit)
OUTCOMES = (
    ("xai_capability", "xAI capability at the end", "index"),
    ("odc_compute_peak", "SpaceX orbital compute, peak", "EFLOP/s"),
    ("spacex_value", "SpaceX (+xAI) value", "USD"),
    ("tesla_value", "Tesla value", "USD"),
)


# ------------------------------------------------------------------ the flywheel


@dataclass
class FlywheelResult:
    """Loops, their gains by year, link ablations and binding constraints of one scenario."""

    scenario: str
    dates: list[str]
    push_frac: float
    horizon_months: int
    loops: list[Loop]
    n_cycles: int
    gains: pd.DataFrame  # index: push year; columns: loop id
    long_run_gain: dict[str, float]
    dominant: pd.DataFrame  # index year: reinforcing, balancing loop ids
    ablation: pd.DataFrame
    base_outcomes: dict[str, float]
    binding: pd.DataFrame
    members: int
    open_below: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def clean(x: Any) -> Any:
            if isinstance(x, float | np.floating):
                return None if x != x else float(x)
            if isinstance(x, np.bool_):
                return bool(x)
            return x

        return {
            "scenario": self.scenario,
            "push_frac": self.push_frac,
            "horizon_months": self.horizon_months,
            "members": self.members,
            "cycles": self.n_cycles,
            "loops": [
                {**lp.as_dict(), "gain_by_year": {int(str(y)): clean(g) for y, g in self.gains[lp.id].items()}, "long_run_gain": clean(self.long_run_gain[lp.id])}
                for lp in self.loops
            ],
            "open_below": self.open_below,
            "dominant_by_year": {int(str(y)): dict(r) for y, r in self.dominant.iterrows()},
            "binding_by_year": [{k: clean(v) for k, v in r.items()} for r in self.binding.reset_index().to_dict("records")],
            "base_outcomes": self.base_outcomes,
            "ablation": [{k: clean(v) for k, v in r.items()} for r in self.ablation.to_dict("records")],
            "notes": self.notes,
        }


def ablation_edges(graph: Any) -> list[str]:
    """Every enabled goods or signal edge between two modelled agents, in network order."""
    return [d["id"] for s, b, k, d in graph.edges(keys=True, data=True) if k != "money" and s not in HUBS and b not in HUBS and d["enabled"]]


@lru_cache(maxsize=1)
def flywheel_defaults() -> dict[str, float]:
    """``ecosim/data/flywheel.toml``: push size, horizon and the open-loop threshold."""
    return dict(tomllib.loads((resources.files("ecosim") / "data" / "flywheel.toml").read_text(encoding="utf-8")))


def run_flywheel(
    loaded: LoadedScenario,
    *,
    push_frac: float | None = None,
    horizon_months: int | None = None,
    ablate: bool = True,
    seed: int | None = None,
    progress: Progress = None,
) -> FlywheelResult:
    """Find the loops of a scenario's network and measure gains and ablations in one model.

    Parameters
    ----------
    push_frac : [fraction] share of a probe edge's flow withheld by a push (0 < d < 0.5);
        default ``ecosim/data/flywheel.toml``.
    horizon_months : [months] how long after a push its return is read; default as above.
    ablate : also cut every link in turn (one member each).
    """
    defaults = flywheel_defaults()
    push_frac = float(defaults["push_frac"]) if push_frac is None else float(push_frac)
    horizon_months = int(defaults["horizon_months"]) if horizon_months is None else int(horizon_months)
    open_below = float(defaults["open_below"])
    if not 0.0 < push_frac < 0.5:
        raise UsageError(f"--push must be between 0 and 50 % (got {100 * push_frac:g} %)")
    probe = simulate(loaded, seed, until=0)  # the network, the companies, the calendar
    meta = loaded.model.scenario
    start, end = parse_month(meta.start_month), parse_month(meta.end_month)
    n_months = end - start + 1
    if not 1 <= horizon_months < n_months:
        raise UsageError(f"--horizon must be between 1 and {n_months - 1} months for {loaded.name} (got {horizon_months})")
    merger = parse_month(loaded.model.capital_market.merger_month)
    final_companies = {n: ("spacex" if (a.company == "xai" and merger <= end) else a.company) for n, a in probe.agents.items()}
    graph = probe.network
    R = reduce_network(graph, final_companies)
    loops, n_cycles = find_loops(R)
    first_year = start // 12 + (1 if start % 12 else 0)
    years = [y for y in range(first_year, end // 12 + 1) if y * 12 + horizon_months <= end]
    cut_edges = ablation_edges(graph) if ablate else []

    owners: list[tuple[str, int]] = []  # (loop id, year) per push member
    pushes: list[tuple[int, str, int]] = []  # (member, probe edge, first month pushed)
    k = 1
    for lp in loops:
        for y in years:
            pushes.append((k, lp.probe, y * 12 - start))
            owners.append((lp.id, y))
            k += 1
    cut_member = {e: k + i for i, e in enumerate(cut_edges)}
    K = k + len(cut_edges)
    scales: dict[str, np.ndarray] = {}
    for e, m in cut_member.items():
        scales.setdefault(e, np.ones((n_months, K)))[:, m] = 0.0
    for m, e, t in pushes:
        scales.setdefault(e, np.ones((n_months, K)))[t:, m] = 1.0 - push_frac
    results = simulate(loaded, seed, members=K, edge_scales=scales, common_random_numbers=True, record_flows=True, progress=progress)
    dates = results.months

    gains = pd.DataFrame(np.nan, index=pd.Index(years, name="year"), columns=[lp.id for lp in loops])
    long_run: dict[str, float] = {}
    i = 0
    for lp in loops:
        s, b, c = parse_edge_id(lp.probe)
        signal = c in SIGNAL_UNITS
        f = results.edge_flows[lp.probe]
        for j, y in enumerate(years):
            m = 1 + i + j
            t0 = y * 12 - start
            pushed = f[t0:, m] * (1.0 - push_frac) if signal else f[t0:, m]  # the buyer sees the damped signal
            g = loop_gain(f[t0:, 0], pushed, push_frac)
            gains.loc[y, lp.id] = g[horizon_months]
            if j == 0:
                long_run[lp.id] = float(g[-1])
        i += len(years)

    values = equity_at_start(results)
    cap = results.series["xai_capability_index"]
    odc = results.series["odc_compute_eflops"]

    def outcomes(m: int) -> dict[str, float]:
        return {"xai_capability": float(cap[-1, m]), "odc_compute_peak": float(odc[:, m].max()), "spacex_value": float(values["spacex"][m]), "tesla_value": float(values["tesla"][m])}

    base = outcomes(0)
    inter = {e: final_companies.get(parse_edge_id(e)[0]) != final_companies.get(parse_edge_id(e)[1]) for e in cut_edges}
    table = ablation_table(base, {e: outcomes(m) for e, m in cut_member.items()}, inter)
    binding = pd.DataFrame({
        "orbital_dc": mode_by_year(dates, results.series["odc_binding"][:, 0], BINDING),
        "ground_compute": mode_by_year(dates, results.series["tdc_binding"][:, 0], BINDING),
    })
    binding.index.name = "year"
    odc_power = pd.Series(results.series["odc_power_gw"][:, 0], index=[int(d[:4]) for d in dates]).groupby(level=0).max()
    binding["odc_power_gw_peak"] = odc_power
    notes = [
        f"{n_cycles} simple cycles with a goods or signal edge; {len(loops)} distinct loops (the shortest through each edge).",
        f"Gain: the probe edge carries {100 * (1 - push_frac):g} % of its flow from January of the year; read {horizon_months} months later; "
        "0 = nothing comes back, > 0 reinforcing, < 0 balancing. nan: the edge carries nothing then.",
        f"{K} members in one model with common random numbers: 1 base, {len(owners)} pushes, {len(cut_edges)} cuts.",
    ]
    return FlywheelResult(loaded.name, dates, push_frac, horizon_months, loops, n_cycles, gains, long_run, dominance(gains, open_below), table, base, binding, K, open_below, notes)


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

