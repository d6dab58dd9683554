"""Calibration files: which parameters are inferred, their priors, the sampler's budget — validated once.

The bundled file is ``ecosim/data/calibration.toml``::

    [calibration]
    name = "history"
    description = "..."
    scenario = "history"          # bundled name, or a path relative to this file
    fit_until = "2025-12"         # rows whose period ends by this month are fitted
    seed = 2020
    particles = 2000              # particles of the sampler
    chunk_size = 500              # particles advanced together on the model's member axis
    alpha = 0.5                   # share of the effective sample size kept per generation
    moves = 1                     # Metropolis-Hastings moves per generation
    min_acceptance = 0.05         # stop when fewer moves than this are accepted
    max_generations = 10
    max_simulations = 22000       # budget of simulated histories
    model_discrepancy_frac = 0.10 # the model's own error, added to each row's uncertainty
    predictive_draws = 500        # posterior draws simulated again for the fit table

    [parameters."ai_market.growth_pct_per_yr"]
    distribution = "uniform"      # uniform | normal | lognormal | triangular
    low = 55
    high = 165
    source = "assumption: ..."

Every error is an :class:`~ecosim.errors.ExperimentError` naming the file, the field path,
the expectation and the value.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecosim.calibration.smc import Prior, Settings
from ecosim.errors import ExperimentError, ScenarioError
from ecosim.experiments.spec import Uncertainty
from ecosim.readers import read_text, read_toml
from ecosim.scenario.loader import (
    LoadedScenario,
    format_validation_error,
    load_scenario,
    resolve_path,
    schema_has_path,
)
from ecosim.scenario.params import check_member_values, is_numeric
from ecosim.scenario.schema import MAX_TEXT_CHARS
from ecosim.timeline import parse_month


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, str_max_length=MAX_TEXT_CHARS)


class CalibrationMeta(_Section):
    name: str
    description: str
    scenario: str = Field(description="bundled scenario name or a path relative to the calibration file")
    fit_until: str | None = Field(None, description="YYYY-MM: rows whose period ends by then are fitted (default: the scenario's end)")
    seed: int = Field(ge=0, le=2**63 - 1)
    particles: int = Field(ge=10, le=1_000_000)
    chunk_size: int = Field(500, ge=1, le=100_000)
    alpha: float = Field(0.5, gt=0, lt=1)
    resample_frac: float = Field(0.5, gt=0, le=1)
    moves: int = Field(1, ge=1, le=100)
    min_acceptance: float = Field(0.05, ge=0, lt=1)
    epsilon_min: float = Field(0.0, ge=0, le=1e6)
    max_generations: int = Field(10, ge=0, le=1000)
    max_simulations: int = Field(10**9, ge=1, le=10**12)
    model_discrepancy_frac: float = Field(0.10, ge=0, le=10)
    predictive_draws: int = Field(500, ge=1, le=1_000_000)


class CalibrationFile(_Section):
    calibration: CalibrationMeta
    parameters: dict[str, Uncertainty]


@dataclass(frozen=True)
class CalibrationSpec:
    """A validated calibration file with its scenario resolved."""

    path: Path
    meta: CalibrationMeta
    parameters: dict[str, Uncertainty]
    scenario: LoadedScenario
    text: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.parameters)

    @property
    def prior(self) -> Prior:
        return Prior(self.names, tuple(u.dist() for u in self.parameters.values()), tuple(False for _ in self.parameters))

    @property
    def settings(self) -> Settings:
        m = self.meta
        return Settings(
            particles=m.particles, alpha=m.alpha, resample_frac=m.resample_frac, moves=m.moves, min_acceptance=m.min_acceptance,
            epsilon_min=m.epsilon_min, max_generations=m.max_generations, max_simulations=m.max_simulations,
        )

    @property
    def fit_until(self) -> str:
        return self.meta.fit_until or self.scenario.model.scenario.end_month

    def fingerprint(self) -> str:
        """Hash of what determines the posterior: the file's settings and priors, the scenario, the history."""
        from ecosim.analysis.calibration import history_rows

        payload = {
            "meta": self.meta.model_dump(),
            "parameters": {k: v.model_dump() for k, v in self.parameters.items()},
            "scenario": self.scenario.fingerprint(),
            "history": [(r.metric, r.period, r.value, r.uncertainty_frac) for r in history_rows()],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def with_meta(self, **changes: Any) -> CalibrationSpec:
        """The same file with settings changed (backtests move ``fit_until``; tests shrink budgets)."""
        meta = self.meta.model_copy(update=changes)
        return CalibrationSpec(self.path, CalibrationMeta.model_validate(meta.model_dump()), self.parameters, self.scenario, self.text)


def bundled_calibration() -> Path:
    return Path(str(resources.files("ecosim") / "data" / "calibration.toml"))


def _err(path: Path, field: str, message: str) -> ExperimentError:
    return ExperimentError(f"{path}: {field} {message}")


def load_calibration(ref: str | Path | None = None) -> CalibrationSpec:
    """Read and validate a calibration file (default: the bundled one)."""
    path = Path(ref) if ref is not None else bundled_calibration()
    text = read_text(path, ExperimentError)
    raw = read_toml(path, ExperimentError)
    try:
        parsed = CalibrationFile.model_validate(raw)
    except ValidationError as exc:
        raise ExperimentError(format_validation_error(exc, lambda p: str(path))) from None
    meta = parsed.calibration
    try:
        scenario = load_scenario(resolve_path(meta.scenario, path.parent))
    except ScenarioError as exc:
        raise _err(path, "calibration.scenario", f"must name a valid scenario ({exc})") from None
    if meta.fit_until is not None:
        try:
            until = parse_month(meta.fit_until)
        except ValueError as exc:
            raise _err(path, "calibration.fit_until", str(exc)) from None
        sc = scenario.model.scenario
        if not parse_month(sc.start_month) <= until <= parse_month(sc.end_month):
            raise _err(path, "calibration.fit_until", f"must lie within the scenario's months {sc.start_month} to {sc.end_month} (got {meta.fit_until!r})")
    if len(parsed.parameters) < 1:
        raise _err(path, "parameters", "must list at least one parameter (got none)")
    for p, u in parsed.parameters.items():
        if not schema_has_path(p):
            raise _err(path, f"parameters.{p}", "must be a field of the scenario schema")
        if not is_numeric(p):
            raise _err(path, f"parameters.{p}", "must be a numeric field (it varies on the member axis)")
        if u.distribution == "discrete":
            raise _err(path, f"parameters.{p}.distribution", "must be continuous: uniform, normal, lognormal or triangular (got 'discrete')")
        d = u.dist()
        lo, hi = d.support
        try:
            check_member_values(p, np.array([x for x in (lo, hi) if np.isfinite(x)] or [d.ppf(np.array([0.5]))[0]]), f"{path}: parameters.{p}")
        except ScenarioError as exc:
            raise ExperimentError(f"{exc} (the prior's support must lie within the field's bounds)") from None
    return CalibrationSpec(path, meta, dict(parsed.parameters), scenario, text)
