"""The history as a batched simulator: parameter values in, history rows out, one model per batch.

:func:`simulate_rows` runs a scenario with one ensemble member per parameter draw (the
model's member axis: ``member_values``) and measures every requested history row on each
member (:func:`ecosim.analysis.calibration.row_values`). :class:`Discrepancy` compares them
with the published figures, each row in units of its uncertainty::

    z_r = (model_r - published_r) / (|published_r| * sqrt(u_r^2 + m^2))
    d   = sqrt(mean_r z_r^2)

``u_r`` is the row's stated uncertainty (``uncertainty_frac`` in ``history.csv``) and ``m``
the model's own discrepancy (a monthly agent model of whole companies does not reproduce
any figure to the percent; 10 % by default, an assumption set in the calibration file),
added in quadrature as in Kennedy & O'Hagan (2001). Only rows of role ``fit`` count; a
member whose simulation yields no value (NaN) is infinitely far.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ecosim.analysis.calibration import (
    HistoryRow,
    history_rows,
    needed_metrics,
    row_maps,
    row_values,
)
from ecosim.scenario.loader import LoadedScenario
from ecosim.simulate import simulate
from ecosim.timeline import parse_month


def fit_rows(first_month: int, last_month: int) -> tuple[HistoryRow, ...]:
    """History rows of role ``fit`` whose period lies within ``[first_month, last_month]``."""
    maps = row_maps()
    out = []
    for r in history_rows():
        m = maps[r.metric]
        lo, hi = r.months
        if m.role == "fit" and hi <= last_month and (lo >= first_month or m.aggregate in ("end", "cumulative")) and hi >= first_month:
            out.append(r)
    return tuple(out)


@dataclass(frozen=True)
class Discrepancy:
    """Distance of simulated rows from the published ones (see the module docstring)."""

    rows: tuple[HistoryRow, ...]
    observed: np.ndarray  #: (R,) published values
    scale: np.ndarray  #: (R,) |published| x combined relative uncertainty
    model_discrepancy_frac: float

    @classmethod
    def of_rows(cls, rows: Sequence[HistoryRow], model_discrepancy_frac: float = 0.10) -> Discrepancy:
        obs = np.array([r.value for r in rows], dtype=float)
        u = np.array([r.uncertainty_frac for r in rows], dtype=float)
        return cls(tuple(rows), obs, np.abs(obs) * np.sqrt(u**2 + model_discrepancy_frac**2), float(model_discrepancy_frac))

    @classmethod
    def for_scenario(cls, scenario: LoadedScenario, until: str | None = None, model_discrepancy_frac: float = 0.10) -> Discrepancy:
        """Every fit row within the scenario's months (up to ``until`` if given)."""
        meta = scenario.model.scenario
        last = parse_month(until or meta.end_month)
        return cls.of_rows(fit_rows(parse_month(meta.start_month), last), model_discrepancy_frac)

    def z(self, summaries: np.ndarray) -> np.ndarray:
        """Each row's error in units of its combined uncertainty, (n, R)."""
        return (np.asarray(summaries, dtype=float) - self.observed) / self.scale

    def __call__(self, summaries: np.ndarray) -> np.ndarray:
        z = self.z(summaries)
        d = np.sqrt(np.mean(z * z, axis=1)) if z.shape[1] else np.zeros(len(z))
        return np.where(np.isfinite(d), d, np.inf)


def scenario_until(scenario: LoadedScenario, until: str | None) -> LoadedScenario:
    """The scenario ending at ``until`` (``YYYY-MM``) instead of its own end."""
    if until is None or until == scenario.model.scenario.end_month:
        return scenario
    return scenario.with_overrides([f'scenario.end_month="{until}"'])


def simulate_rows(
    scenario: LoadedScenario,
    rows: Sequence[HistoryRow],
    member_values: Mapping[str, np.ndarray],
    seed: int,
    until: str | None = None,
    common_random_numbers: bool = False,
    progress: Callable[[int, int], None] | None = None,
    metrics: Sequence[str] = (),
) -> np.ndarray:
    """Each row's model value for each member, (R, K): one model, K = len of the value arrays.

    ``metrics`` names extra metrics whose monthly series are returned too (see
    :func:`simulate_series`); here only the rows are wanted.
    """
    values, _ = simulate_series(scenario, rows, member_values, seed, until, common_random_numbers, progress, metrics)
    return values


def simulate_series(
    scenario: LoadedScenario,
    rows: Sequence[HistoryRow],
    member_values: Mapping[str, np.ndarray],
    seed: int,
    until: str | None = None,
    common_random_numbers: bool = False,
    progress: Callable[[int, int], None] | None = None,
    metrics: Sequence[str] = (),
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Rows (R, K) and the monthly series (months, K) of ``metrics`` of one ensemble run."""
    sc = scenario_until(scenario, until)
    mv = {p: np.asarray(v, dtype=float) for p, v in member_values.items()}
    k = len(next(iter(mv.values()))) if mv else 1
    results = simulate(sc, seed, members=k, member_values=mv, common_random_numbers=common_random_numbers, progress=progress)
    wanted = needed_metrics(rows) | set(metrics)
    series = {name: results.series[name] for name in sorted(wanted)}
    values = row_values(rows, series, parse_month(results.months[0]), sc.model) if rows else np.zeros((0, k))
    return values, {m: series[m] for m in metrics}


