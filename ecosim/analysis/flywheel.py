"""The flywheel, measured: which loops drive each outcome over a run (Loops that Matter), the
reinvestment loops that close through the companies' cash, and link ablations with intervals.

Loop dominance is read from the run's own trajectory (:mod:`ecosim.analysis.dominance` on a
replay trace): nothing is pushed, each loop's score is the product of its link scores, and the
relative scores of the loops through an outcome's variables sum to 100 % in magnitude each
month. The outcomes are read through the variables that carry them:

* xAI's capability through its training compute and data (capability is computed from them each
  month, so the loops that move it pass through them);
* SpaceX's launches through the launch mass it carries to each customer;
* SpaceX's orbital compute through the orbital data centres' power and compute;
* SpaceX+xAI's value through SpaceX's cash (the value discounts the cash it generates).

A **reinvestment loop** is a loop through a company's cash and through one of the capacity
decisions the narrative says the cash funds (launch vehicles, satellites, data centres): it
exists only where an agent's decision was measured to depend on the cash, so such loops are
found, not assumed. **Loop families** sum the relative scores of the loops of one kind (every
data loop, every compute loop) per outcome and year.

**Robustness**: which links enter the loop graph depends on a threshold of link strength
(``min_link``), and a link near it can cross it on a last-bit change of the run. So the loops
are found again at a few thresholds around the default (:class:`Variant`, one per threshold,
kept small) and every family share, dominant loop and strongest loop carries its range over
them: a share whose range reaches 0 or the other sign, or a year whose dominant loop differs at
another threshold, is *not robust* (:func:`fragility`), and the verdict says so.

This module is pure: it takes a :class:`~ecosim.analysis.dominance.RunLoops` and the ablation
table. Running the replay and the ablations is :mod:`ecosim.experiments.flywheel`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ecosim.analysis.dominance import RunLoops, nanmean_rows
from ecosim.numbers import change_in

#: outcome -> (label, the variables of the causal graph that carry it)
OUTCOMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "capability": ("xAI capability (through its training compute and data)", ("xai.train_flop", "xai.data_pb")),
    "launches": ("SpaceX launches (launch mass carried)", tuple(f"spacex_launch->{b}:launch_mass" for b in ("starlink", "orbital_dc", "google_planet", "starcloud", "kuiper", "market"))),
    "orbital_compute": ("SpaceX orbital compute", ("orbital_dc.eflops_total", "orbital_dc.mw_total")),
    "spacex_value": ("SpaceX+xAI value (through SpaceX's cash)", ("cash:spacex",)),
}
#: the variables of the causal graph behind the orbital compute loop's sentence: orbit's lifetime
#: cost per delivered W over the ground's, as xAI is shown it (0 before it is first published),
#: and the orbital data centres' power in service [MW]
ORBIT_RATIO, ORBIT_MW = "orbital_dc->xai:orbital_cost_ratio", "orbital_dc.mw_total"
#: the agents whose capacity decisions the narrative says the loop funds
CAPACITY = ("spacex_launch", "starlink", "orbital_dc", "terrestrial_dc", "terafab", "tesla_fleet", "cybercab", "optimus")
#: loop families listed per outcome, in order: (label, words in the loop's name)
FAMILIES = (("data loops", "data loop"), ("compute loops", "compute loop"), ("cash loops", "cash loop"))


def family_share(relative: Mapping[str, np.ndarray], names: Mapping[str, str], prefix: str, months: int) -> np.ndarray:
    """Signed sum of the relative scores of the loops whose name contains ``prefix``, per
    month of ``months`` (nan where no loop of the outcome is active).

    >>> r = {"L1": np.array([0.5, np.nan]), "L2": np.array([-0.3, np.nan]), "L3": np.array([0.2, np.nan])}
    >>> family_share(r, {"L1": "data loop (a)", "L2": "data loop (b)", "L3": "x"}, "data loop", 2).tolist()
    [0.2, nan]
    """
    ids = [i for i in relative if prefix in names[i]]
    if not relative:
        return np.full(months, np.nan)
    active = ~np.all(np.isnan(np.stack(list(relative.values()))), axis=0)
    total = np.sum([np.nan_to_num(relative[i]) for i in ids], axis=0) if ids else np.zeros_like(active, dtype=float)
    return np.where(active, total, np.nan)


def by_year(series: np.ndarray, dates: list[str]) -> dict[int, float]:
    """Mean of a monthly series per calendar year over the months it is defined (nan if none).

    >>> by_year(np.array([np.nan, 1.0, 3.0]), ["2030-11", "2030-12", "2031-01"])
    {2030: 1.0, 2031: 3.0}
    """
    years = np.array([int(d[:4]) for d in dates])
    out = {}
    for y in sorted(set(years.tolist())):
        v = series[years == y]
        out[y] = float(np.nanmean(v)) if np.isfinite(v).any() else float("nan")
    return out


def is_reinvestment(path: tuple[str, ...]) -> bool:
    """A loop through a company's cash and a capacity decision (module docstring).

    >>> is_reinvestment(("cash:spacex", "spacex_launch.ship_stacks", "spacex_launch->starlink:launch_mass", "starlink.subs"))
    True
    >>> is_reinvestment(("cash:spacex", "xai->terrestrial_dc:terrestrial_target_mw"))
    False
    """
    return any(v.startswith("cash:") for v in path) and any(v.split(".", 1)[0] in CAPACITY for v in path if "->" not in v and not v.startswith("cash:"))


@dataclass
class OutcomeView:
    """One outcome's loops over the run."""

    key: str
    label: str
    variables: tuple[str, ...]
    loops: int  # loops through its variables
    years: pd.DataFrame  # index year: dominant (loop id), name, polarity (+1/-1/0), share
    families: pd.DataFrame  # index year; one column per family: signed share of the outcome's change
    top: list[dict[str, Any]]  # strongest loops: id, name, path, mean |relative score| (with_ranges: low, high, absent_at)
    #: family -> index year, one column per link-strength threshold: the family's share found at it (with_ranges)
    family_variants: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass
class Flywheel:
    """Everything ``ecosim flywheel`` reports of one run."""

    scenario: str
    seed: int
    dates: list[str]
    variables: int
    links: int
    loops: int
    max_length: int
    min_link: float
    outcomes: dict[str, OutcomeView]
    reinvestment: list[dict[str, Any]]  # loops through cash and a capacity decision, strongest first
    ablation: pd.DataFrame  # ecosim.analysis.ablation.ablation_summary
    strandings: list[dict[str, Any]] = field(default_factory=list)
    samples: int = 0
    sampled: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    replay_s: float = 0.0
    control_error: float = 0.0
    orbit: dict[str, dict[int, float]] = field(default_factory=dict)  # orbit_by_year
    signals: list[str] = field(default_factory=list)  # the ablated links that are signal edges (the rest carry goods)
    thresholds: list[float] = field(default_factory=list)  # link-strength thresholds the ranges are over (min_link among them)
    threshold_loops: list[int] = field(default_factory=list)  # loops found at each of them
    #: outcome -> the links of its loops whose strength lies between the lowest and the highest
    #: threshold (in the loops at some thresholds, not at others), each with its strength and the
    #: share of the outcome's loop score its loops carry (at least MARGINAL), largest first
    marginal: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def verdict(self) -> list[str]:
        """A few sentences in words, each from the numbers above."""
        return verdict(self)

    def as_dict(self) -> dict[str, Any]:
        def clean(x: Any) -> Any:
            if isinstance(x, float | np.floating):
                return None if not np.isfinite(x) else float(x)
            if isinstance(x, np.integer):
                return int(x)
            return x

        def frame(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [{str(k): clean(v) for k, v in r.items()} for r in df.reset_index().to_dict("records")]

        return {
            "scenario": self.scenario, "seed": self.seed, "variables": self.variables, "links": self.links, "loops": self.loops,
            "max_length": self.max_length, "min_link": self.min_link, "replay_s": self.replay_s, "control_error": self.control_error,
            "robustness": {"over": "link-strength threshold", "thresholds": self.thresholds, "loops": self.threshold_loops,
                           "default": self.min_link, "marginal": self.marginal},
            "outcomes": {k: {"label": o.label, "variables": list(o.variables), "loops": o.loops, "by_year": frame(o.years),
                             "families_by_year": frame(o.families), "families_range_by_year": family_ranges(o),
                             "top": [{k2: clean(v) for k2, v in t.items()} for t in o.top]}
                         for k, o in self.outcomes.items()},
            "reinvestment": [{k: clean(v) for k, v in r.items()} for r in self.reinvestment],
            "ablation": {"samples": self.samples, "sampled": self.sampled, "held": self.held, "table": frame(self.ablation) if not self.ablation.empty else [],
                         "stranded": self.strandings, "signals": self.signals},
            "orbit": {k: {str(y): clean(v) for y, v in d.items()} for k, d in self.orbit.items()},
            "verdict": self.verdict(),
        }


def outcome_views(run: RunLoops, labels: Mapping[str, str], top: int = 5) -> dict[str, OutcomeView]:
    """Per outcome of ``run``: dominance by year with the loops' names, family shares, strongest loops."""
    out = {}
    by_id = {lp.id: lp for lp in run.loops}
    for key, od in run.outcomes.items():
        years = od.by_year[["dominant", "polarity", "share"]].copy()
        years.insert(1, "name", [run.names.get(i, "") for i in years["dominant"]])
        fam = families(run, key)
        strongest = []
        for lp in od.loops[:top]:
            r = od.relative[lp.id]
            strongest.append({"id": lp.id, "name": run.names[lp.id], "path": by_id[lp.id].path,
                              "mean_abs_share": float(np.nanmean(np.abs(r))) if np.isfinite(r).any() else 0.0,
                              "polarity": int(np.sign(np.nansum(r))) if np.isfinite(r).any() else 0})
        out[key] = OutcomeView(key, labels.get(key, key), od.variables, len(od.loops), years, fam, strongest)
    return out


def families(run: RunLoops, outcome: str) -> pd.DataFrame:
    """Signed share of ``outcome``'s change explained by each loop family (:data:`FAMILIES`), by year."""
    od = run.outcomes[outcome]
    fam = pd.DataFrame({label: by_year(family_share(od.relative, run.names, prefix, len(run.trace.dates)), run.trace.dates) for label, prefix in FAMILIES})
    fam.index.name = "year"
    return fam


@dataclass
class Variant:
    """What the loops found at one link-strength threshold say, kept small (paths name loops: a
    loop's id depends on which loops the threshold keeps, its path does not)."""

    min_link: float
    loops: int
    families: dict[str, pd.DataFrame]  # outcome -> index year, one column per family (:func:`families`)
    dominant: dict[str, dict[int, tuple[str, str, int]]]  # outcome -> year -> (path, name, polarity); ("", "", 0): none
    strength: dict[str, dict[str, float]]  # outcome -> path -> mean |relative score| over the run, every loop through it
    reinvestment: dict[str, float]  # path -> mean |relative score| among the loops through its cash
    #: outcome -> link -> (its strength, the summed mean |relative score| of the outcome's loops
    #: through it), for the links of its loops weaker than ``upto`` (gone at that threshold)
    marginal: dict[str, dict[tuple[str, str], tuple[float, float]]] = field(default_factory=dict)


def variant(run: RunLoops, min_link: float, upto: float = float("inf")) -> Variant:
    """The summary of ``run`` (its loops found at ``min_link``) that :func:`with_ranges` compares;
    ``upto``: the highest threshold compared (its ``marginal`` links are those below it)."""
    path = {lp.id: lp.path for lp in run.loops}
    fam: dict[str, pd.DataFrame] = {}
    dom: dict[str, dict[int, tuple[str, str, int]]] = {}
    strength: dict[str, dict[str, float]] = {}
    marginal: dict[str, dict[tuple[str, str], tuple[float, float]]] = {}
    for key, od in run.outcomes.items():
        fam[key] = families(run, key)
        y = od.by_year
        dom[key] = {int(str(year)): (path[d], run.names[d], int(p)) if d else ("", "", 0) for year, d, p in zip(y.index, y["dominant"], y["polarity"], strict=True)}
        strength[key], marginal[key] = {}, {}
        if not od.loops:
            continue
        mean = np.nan_to_num(nanmean_rows(np.abs(np.stack([od.relative[lp.id] for lp in od.loops]))))
        strength[key] = {path[lp.id]: float(m) for lp, m in zip(od.loops, mean.tolist(), strict=True)}
        for lp, m in zip(od.loops, mean.tolist(), strict=True):
            for lk in lp.links:
                s = run.strength.get(lk.pair, float("inf"))
                if s < upto:
                    marginal[key][lk.pair] = (s, marginal[key].get(lk.pair, (s, 0.0))[1] + float(m))
    reinvest = {r["path"]: float(r["mean_abs_share"]) for r in reinvestment_loops(run, top=None)}
    return Variant(min_link, len(run.loops), fam, dom, strength, reinvest, marginal)


def share_range(values: Sequence[float]) -> tuple[float, float]:
    """Lowest and highest of a share over the thresholds, a threshold where no loop through the
    outcome is active (nan) counting as 0; nan, nan where none is active at any.

    >>> share_range([0.09, 0.21, float("nan")]), share_range([float("nan")] * 2)
    ((0.0, 0.21), (nan, nan))
    """
    v = np.asarray(values, dtype=float)
    if not np.isfinite(v).any():
        return float("nan"), float("nan")
    v = np.nan_to_num(v)
    return float(v.min()), float(v.max())


def fragility(values: Sequence[float]) -> str:
    """Why a share is not robust over the thresholds ('' when it is): it ``changes sign``
    (positive at one, negative at another), or it ``reaches 0`` (no loop of the family, or none
    through the outcome, at some threshold while it is not 0 at another). A share that is 0 at
    every threshold, or undefined at every one, is robust.

    >>> fragility([0.09, 0.21, 0.24]), fragility([-0.01, 0.21, 0.3]), fragility([0.0, 0.21, float("nan")]), fragility([0.0, 0.0])
    ('', 'changes sign', 'reaches 0', '')
    """
    v = np.asarray(values, dtype=float)
    if not np.isfinite(v).any():
        return ""
    v = np.nan_to_num(v)
    if (v > 0).any() and (v < 0).any():
        return "changes sign"
    if (v == 0).any() and (v != 0).any():
        return "reaches 0"
    return ""


def _at(t: float) -> str:
    """A threshold as the docs write it.

    >>> _at(0.05), _at(0.045)
    ('5 %', '4.5 %')
    """
    return f"{100 * t:.4g} %"


def with_ranges(f: Flywheel, variants: Sequence[Variant], ids: Mapping[str, str]) -> None:
    """Give ``f`` (found at ``f.min_link``, one of the ``variants``' thresholds) the ranges of its
    figures over the variants: each family share by year (``family_variants``), whether each
    year's dominant loop is the same at every threshold (``years``' ``robust`` and ``elsewhere``,
    what dominates where it differs), and each strongest and reinvestment loop's share
    (``low``, ``high``, ``absent_at``: the thresholds where it is not a loop). ``ids``: path ->
    id of the loops found at ``f.min_link``."""
    variants = sorted(variants, key=lambda v: v.min_link)
    f.thresholds = [v.min_link for v in variants]
    f.threshold_loops = [v.loops for v in variants]
    for key, o in f.outcomes.items():
        o.family_variants = {c: pd.DataFrame({v.min_link: v.families[key][c] for v in variants}).rename_axis("year") for c in o.families.columns}
        own = next(v for v in variants if v.min_link == f.min_link).dominant[key]
        robust, elsewhere = [], []
        for year in o.years.index:
            y = int(str(year))
            differs = [(v.min_link, v.dominant[key].get(y, ("", "", 0))) for v in variants if v.dominant[key].get(y, ("", "", 0))[::2] != own.get(y, ("", "", 0))[::2]]
            robust.append(not differs)
            elsewhere.append("; ".join(f"{_at(t)}: {_label(d, ids)}" for t, d in differs))
        o.years["robust"] = robust
        o.years["elsewhere"] = elsewhere
        for t in o.top:
            _range_of(t, [(v.min_link, v.strength[key]) for v in variants])
        near: dict[tuple[str, str], tuple[float, float]] = {}
        for v in sorted(variants, key=lambda v: -v.min_link):  # a link's figure from the highest threshold that keeps it
            for pair, sc in v.marginal.get(key, {}).items():
                near.setdefault(pair, sc)
        f.marginal[key] = [{"link": f"{x} -> {z}", "strength": s, "carries": min(c, 1.0)}
                           for (x, z), (s, c) in sorted(near.items(), key=lambda kv: (-kv[1][1], kv[0])) if c >= MARGINAL]
    for r in f.reinvestment:
        _range_of(r, [(v.min_link, v.reinvestment) for v in variants])


def _label(dominant: tuple[str, str, int], ids: Mapping[str, str]) -> str:
    """A dominant loop found at another threshold, by its id at the default one when it is a loop there."""
    path, name, polarity = dominant
    if not path:
        return "none"
    pol = "R" if polarity > 0 else "B"
    return f"{ids[path]} {name} ({pol})" if path in ids else f"{name} ({pol}), not a loop at the default threshold"


def _range_of(loop: dict[str, Any], shares: Sequence[tuple[float, Mapping[str, float]]]) -> None:
    """A loop's share at each threshold (0 where it is not a loop): its ``low``, ``high`` and ``absent_at``."""
    at = [s.get(loop["path"]) for _, s in shares]
    vals = [0.0 if a is None else a for a in at]
    loop["low"], loop["high"] = min(vals), max(vals)
    loop["absent_at"] = [t for (t, _), a in zip(shares, at, strict=True) if a is None]


def family_ranges(o: OutcomeView) -> list[dict[str, Any]]:
    """Per year, each family's share at each threshold, its range and why it is not robust ('' if it is), for ``--json``."""
    out = []
    for year in o.families.index:
        row: dict[str, Any] = {"year": int(str(year))}
        for c, table in o.family_variants.items():
            vals = [float(x) for x in table.loc[year]]
            lo, hi = share_range(vals)
            row[c] = {"low": _finite(lo), "high": _finite(hi), "not_robust": fragility(vals), "by_threshold": [_finite(x) for x in vals]}
        out.append(row)
    return out


def _finite(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def orbit_by_year(run: RunLoops) -> dict[str, dict[int, float]]:
    """Per year of ``run``: ``cost_ratio``, orbit's cost over the ground's as xAI is shown it
    (mean of the months it is published, nan before), and ``mw``, the orbital data centres'
    mean power in service [MW]; empty if the run has no orbital data centre.

    >>> class T: dates = ["2026-12", "2027-01", "2027-02"]; values = {ORBIT_RATIO: np.array([0.0, 2.0, 1.0]), ORBIT_MW: np.array([0.0, 1.0, 3.0])}
    >>> class R: trace = T
    >>> orbit_by_year(R)  # doctest: +NORMALIZE_WHITESPACE
    {'cost_ratio': {2026: nan, 2027: 1.5}, 'mw': {2026: 0.0, 2027: 2.0}}
    """
    values = run.trace.values
    if ORBIT_RATIO not in values or ORBIT_MW not in values:
        return {}
    ratio = np.where(values[ORBIT_RATIO] > 0, values[ORBIT_RATIO], np.nan)
    return {"cost_ratio": by_year(ratio, run.trace.dates), "mw": by_year(values[ORBIT_MW], run.trace.dates)}


def orbit_sentence(orbit: Mapping[str, Mapping[int, float]]) -> str | None:
    """What the orbital compute loop could carry: orbit's cost against the ground's over the
    years, the first full year orbit is cheaper, and the orbital power's peak.

    >>> orbit_sentence({"cost_ratio": {2026: float("nan"), 2027: 1.97, 2040: 2.13}, "mw": {2026: 0.0, 2033: 23.8, 2040: 2.6}})
    'Orbital compute: orbit costs 1.97-2.13x the ground over 2027-2040 (lifetime cost per delivered W, as xAI is shown it), never below it; the orbital data centres peak at 24 MW in 2033.'
    >>> orbit_sentence({"cost_ratio": {2027: 1.004, 2028: 0.981, 2040: 0.912}, "mw": {2027: 113.0, 2037: 5931.5}})
    'Orbital compute: orbit costs 0.91-1.00x the ground over 2027-2040 (lifetime cost per delivered W, as xAI is shown it), below it from 2028; the orbital data centres peak at 5.9 GW in 2037.'
    """
    ratio = {y: v for y, v in orbit.get("cost_ratio", {}).items() if np.isfinite(v)}
    if not ratio:
        return None
    years = sorted(ratio)
    lo, hi = min(ratio.values()), max(ratio.values())
    cheaper = [y for y in years if ratio[y] < 1.0]
    when = f"below it from {cheaper[0]}" if cheaper else "never below it"
    mw = {y: v for y, v in orbit.get("mw", {}).items() if np.isfinite(v)}
    peak_year = max(mw, key=lambda y: (mw[y], -y)) if mw else years[0]
    peak = mw.get(peak_year, 0.0)
    power = f"{peak / 1000:.1f} GW" if peak >= 1000 else f"{peak:.0f} MW"
    return (f"Orbital compute: orbit costs {lo:.2f}-{hi:.2f}x the ground over {years[0]}-{years[-1]} "
            f"(lifetime cost per delivered W, as xAI is shown it), {when}; the orbital data centres peak at {power} in {peak_year}.")


def reinvestment_loops(run: RunLoops, top: int | None = 8) -> list[dict[str, Any]]:
    """Reinvestment loops (module docstring), strongest first: each with its path, mean relative
    score among the loops through its cash variable, and the share of months it is active."""
    found: list[dict[str, Any]] = []
    totals: dict[str, np.ndarray] = {}  # per cash variable: the sum over every loop through it (once, not per loop)
    for lp in run.loops:
        if not is_reinvestment(lp.variables):
            continue
        cash = next(v for v in lp.variables if v.startswith("cash:"))
        if cash not in totals:
            through = [q.id for q in run.loops if cash in q]
            totals[cash] = np.nansum(np.abs(np.stack([run.scores[i] for i in through])), axis=0)
        total = totals[cash]
        s = run.scores[lp.id]
        rel = np.divide(np.nan_to_num(s), total, out=np.full_like(total, np.nan), where=total > 0)
        found.append({"id": lp.id, "name": run.names[lp.id], "path": lp.path, "cash": cash,
                      "mean_abs_share": float(np.nanmean(np.abs(rel))) if np.isfinite(rel).any() else 0.0,
                      "active_months": float(np.mean(np.nan_to_num(s) != 0)), "polarity": int(np.sign(np.nansum(s)))})
    found.sort(key=lambda r: (-r["mean_abs_share"], r["id"]))
    return found[:top]


def _runs(years: pd.DataFrame) -> list[tuple[str, int, list[tuple[int, int]]]]:
    """The dominant loop over the years, in one pass: each change of the dominant loop or its
    polarity starts an entry (loop "id name", polarity, [(first, last), ...]) whose spans are
    runs of consecutive years; years where no loop dominates end a span but not the entry, so
    the same loop on both sides of them stays one entry. Loops are told apart by id (several
    loops can share a name).

    >>> y = pd.DataFrame({"dominant": ["L1", "L2", "L2", ""], "name": ["a", "a", "a", ""], "polarity": [1, -1, -1, 0]}, index=[2030, 2031, 2032, 2033])
    >>> _runs(y)
    [('L1 a', 1, [(2030, 2030)]), ('L2 a', -1, [(2031, 2032)])]
    >>> y = pd.DataFrame({"dominant": ["L34", "", "L34", "", "L34", "L34"], "name": ["a", "", "a", "", "a", "a"], "polarity": [-1, 0, -1, 0, -1, -1]}, index=[2027, 2028, 2029, 2030, 2031, 2032])
    >>> _runs(y)
    [('L34 a', -1, [(2027, 2027), (2029, 2029), (2031, 2032)])]
    >>> y = pd.DataFrame({"dominant": ["L1", "L2", "L1", "L1"], "name": ["a", "b", "a", "a"], "polarity": [1, -1, 1, 1]}, index=[2026, 2027, 2028, 2029])
    >>> _runs(y)
    [('L1 a', 1, [(2026, 2026)]), ('L2 b', -1, [(2027, 2027)]), ('L1 a', 1, [(2028, 2029)])]
    """
    out: list[tuple[str, int, list[tuple[int, int]]]] = []
    for y, dominant, name, polarity in zip(years.index, years["dominant"], years["name"], years["polarity"], strict=True):
        if not str(dominant):
            continue
        loop, pol, year = f"{dominant} {name}".strip(), int(polarity), int(str(y))
        if out and out[-1][0] == loop and out[-1][1] == pol:
            spans = out[-1][2]
            if spans[-1][1] == year - 1:
                spans[-1] = (spans[-1][0], year)
            else:
                spans.append((year, year))
        else:
            out.append((loop, pol, [(year, year)]))
    return out


def verdict(f: Flywheel) -> list[str]:
    """Sentences from the numbers: each outcome's dominant loops over the years, the data and
    compute loops' shares, what orbit costs against the ground, the strongest reinvestment loop and the ablation that matters most."""
    lines = []
    ranged = len(f.thresholds) > 1
    if ranged:
        lines.append(f"Ranges [low-high] are over link-strength thresholds {', '.join(_at(t) for t in f.thresholds)} (the loops found again at each, "
                     f"{_at(f.min_link)} the default); a share whose range reaches 0 or changes sign, or a year whose dominant loop differs at "
                     "another threshold, is not robust, and is said so.")
    for o in f.outcomes.values():
        runs = _runs(o.years)
        shaky = {int(str(y)) for y, r in zip(o.years.index, o.years.get("robust", pd.Series(True, index=o.years.index)), strict=True) if not r}
        if not runs:
            lines.append(f"{o.label}: no loop through it is active in any year" + (f" (not robust: at another threshold a loop dominates {_years(sorted(shaky))})." if shaky else "."))
            continue
        parts = [f"{n} ({'reinforcing' if p > 0 else 'balancing'}) " + ", ".join(f"{a}" + (f"-{b}" if b != a else "") for a, b in years) + _shaky(years, shaky)
                 for n, p, years in runs[:4]]
        more = f" and {len(runs) - 4} more change{'s' if len(runs) > 5 else ''}" + _shaky([y for _, _, ys in runs[4:] for y in ys], shaky) if len(runs) > 4 else ""
        said = []
        notes = []
        for c in o.families:
            v = _mean_abs(o.families[c])
            if not ranged or c not in o.family_variants:
                said.append(f"{c} explain {100 * v:.0f} %")
                continue
            each = [_mean_abs(o.family_variants[c][t]) for t in o.family_variants[c].columns]
            lo, hi = f"{100 * min(each):.0f}", f"{100 * max(each):.0f}"
            said.append(f"{c} explain {100 * v:.0f} %" + ("" if lo == hi == f"{100 * v:.0f}" else f" [{lo}-{hi} %]"))
            if fragility(each):
                notes.append(f"{c} explain 0 % at {', '.join(_at(float(t)) for t, e in zip(o.family_variants[c].columns, each, strict=True) if e == 0)}")
            flips = [int(str(y)) for y, row in o.family_variants[c].iterrows()
                     if fragility(row.tolist()) == "changes sign" and np.nanmax(np.abs(row.to_numpy(dtype=float))) >= FLIP]
            if flips:
                notes.append(f"the {c}' yearly share changes sign across thresholds in {_years(flips)}")
        if shaky:
            notes.insert(0, f"another loop, or none, dominates at another threshold in {_years(sorted(shaky))}")
        near = f.marginal.get(o.key, [])
        if notes and near:
            notes.append(f"of the links near the threshold, its loops through {near[0]['link']} (mean strength {100 * near[0]['strength']:.1f} %) "
                         f"carry {100 * near[0]['carries']:.0f} % of its loop score")
        lines.append(f"{o.label}: dominated by " + ", then ".join(parts) + more + "; " + ", ".join(said)
                     + " of its change on average over the years" + (f"; not robust: {'; '.join(notes)}." if notes else "."))
    orbit = orbit_sentence(f.orbit)
    if orbit:
        lines.append(orbit)
    if f.reinvestment:
        r = f.reinvestment[0]
        lo, hi = (f"{100 * r[k]:.0f}" for k in ("low", "high")) if ranged and "low" in r else ("", "")
        rng = "" if lo == hi == f"{100 * r['mean_abs_share']:.0f}" or not lo else f" [{lo}-{hi} %]"
        absent = f"; not robust: not a loop at {', '.join(_at(t) for t in r['absent_at'])}" if r.get("absent_at") else ""
        lines.append(f"Strongest reinvestment loop: {r['path']} ({100 * r['mean_abs_share']:.0f} %{rng} of the loops through {r['cash']}, "
                     f"active {100 * r['active_months']:.0f} % of months{absent}).")
    else:
        lines.append("No loop through a company's cash passes a capacity decision: no reinvestment loop closes.")
    if not f.ablation.empty:
        lines.extend(_largest_cuts(f.ablation, set(f.signals)))
    return lines


#: a link near the threshold is listed for an outcome when the outcome's loops through it carry
#: at least this share of its loop score (mean |relative score| summed over those loops)
MARGINAL = 0.01
#: a yearly family share that changes sign across thresholds is named in the verdict when it
#: reaches this much at some threshold (the verdict's figures are whole percents)
FLIP = 0.005


def _mean_abs(series: pd.Series) -> float:
    """Mean over the years of a yearly share's magnitude (0 when no year has one)."""
    v = series.to_numpy(dtype=float)
    return float(np.nanmean(np.abs(v))) if np.isfinite(v).any() else 0.0


def _years(years: Sequence[int]) -> str:
    """Years as runs: ``2026-2028, 2030``.

    >>> _years([2026, 2027, 2028, 2030])
    '2026-2028, 2030'
    """
    spans: list[list[int]] = []
    for y in sorted(years):
        if spans and spans[-1][1] == y - 1:
            spans[-1][1] = y
        else:
            spans.append([y, y])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def _shaky(spans: Sequence[tuple[int, int]] | Sequence[int], shaky: set[int]) -> str:
    """' (not robust)' when another loop or none dominates every year of ``spans`` at another
    threshold, ' (not robust in ...)' when some, '' when none.

    >>> _shaky([(2026, 2027)], {2026, 2027}), _shaky([(2026, 2028)], {2027}), _shaky([(2026, 2028)], set())
    (' (not robust)', ' (not robust in 2027)', '')
    """
    years = sorted({y for s in spans for y in (range(s[0], s[1] + 1) if isinstance(s, tuple) else (s,))})
    bad = [y for y in years if y in shaky]
    if not bad:
        return ""
    return " (not robust)" if len(bad) == len(years) else f" (not robust in {_years(bad)})"


def _largest_cuts(ablation: pd.DataFrame, signals: set[str]) -> list[str]:
    """The cut that moves SpaceX+xAI's value most, said to be a signal when it is one (its
    buyer then decides without what the link told it: a test of the decision, not of a flow),
    and then the goods cut that moves it most.

    >>> t = pd.DataFrame({"link": ["a->b:price", "c->b:compute"], "outcome": "spacex_value", "change_median": [-2e12, -4e11],
    ...                   "change_p05": [-3e12, -5e11], "change_p95": [-1e9, -3e11], "samples": 5})
    >>> for line in _largest_cuts(t, {"a->b:price"}): print(line)
    The cut that moves SpaceX+xAI value most: a->b:price, a signal (b decides without it), -$2.00T (5-95 %: -$3.00T to -$1.0B over 5 samples).
    The goods cut that moves it most: c->b:compute, -$400.0B (5-95 %: -$500.0B to -$300.0B over 5 samples).
    """
    t = ablation[ablation["outcome"] == "spacex_value"]
    t = t.reindex(t["change_median"].abs().sort_values(ascending=False, kind="stable").index)
    if t.empty:
        return []

    def said(row: pd.Series) -> str:
        return (f"{change_in(row['change_median'], 'USD')} (5-95 %: {change_in(row['change_p05'], 'USD')} to "
                f"{change_in(row['change_p95'], 'USD')} over {int(row['samples'])} samples)")

    top = t.iloc[0]
    if top["link"] not in signals:
        return [f"The cut that moves SpaceX+xAI value most: {top['link']}, {said(top)}."]
    buyer = str(top["link"]).split("->", 1)[1].split(":", 1)[0]
    lines = [f"The cut that moves SpaceX+xAI value most: {top['link']}, a signal ({buyer} decides without it), {said(top)}."]
    goods = t[~t["link"].isin(signals)]
    if not goods.empty:
        lines.append(f"The goods cut that moves it most: {goods.iloc[0]['link']}, {said(goods.iloc[0])}.")
    return lines


__all__ = ["CAPACITY", "FAMILIES", "OUTCOMES", "Flywheel", "OutcomeView", "by_year", "family_share", "is_reinvestment", "Variant", "families", "family_ranges", "fragility", "orbit_by_year", "orbit_sentence", "outcome_views", "reinvestment_loops", "share_range", "variant", "verdict", "with_ranges"]
