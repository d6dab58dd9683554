"""Experiment files: what varies and why, what is measured, how it is sampled — validated once.

An experiment file (``experiments/*.toml``) separates, as EMA Workbench does, *uncertainties*
(outside factors, drawn from distributions), *levers* (decisions, a list of settings crossed
with every draw), *constants* (fixed changes to the base scenario) and *outcomes* (what is
measured, with a direction)::

    [experiment]
    name = "sobol_valuation"
    description = "What drives SpaceX+xAI's fundamental value in 2030"
    scenario = "baseline"          # bundled name, or a path relative to this file
    sampler = "sobol"              # grid | monte_carlo | lhs | sobol | morris
    size = 256                     # draws (monte_carlo, lhs), base N (sobol), trajectories (morris),
                                   # points per uncertainty (grid)
    seed = 2026
    replications = 1               # seeds per design point
    chunk_size = 500               # runs advanced together on the model's member axis

    [constants]
    "scenario.end_month" = "2035-12"

    [uncertainties."launch.starship.cost_per_flight_usd_floor"]
    distribution = "triangular"    # uniform | normal | lognormal | triangular | discrete
    low = 10e6
    mode = 15e6
    high = 25e6
    source = "seed 002: $15M base, $10M optimistic, $25M pessimistic in 2030"

    [levers."xai.compute_budget_frac"]
    values = [0.5, 1.0]            # or low, high, steps
    source = "assumption: ..."

    [outcomes.spacex_value_2030_usd]
    metric = "spacex_fcf_usd"
    stat = "fundamental_value"     # last | sum | mean | min | max | first_year | fundamental_value | series
    year = 2030
    direction = "maximize"         # maximize | minimize | info

    [[discovery]]                  # scenario discovery (PRIM) on an outcome
    name = "mark_2030"
    label = "SpaceX+xAI fundamental value >= $1.25T in 2030"
    outcome = "spacex_value_2030_usd"
    op = ">="
    value = 1.25e12

Field paths may also be written as nested tables (``[uncertainties.launch.starship.x]``).

An experiment may also draw the calibrated history parameters from a posterior
(``ecosim experiment run ... --posterior DIR``, :meth:`ExperimentSpec.with_posterior`): the
posterior is one more uncertainty, column ``posterior``, uniform on [0, 1) and mapped to a
posterior draw by the inverse CDF of the weights
(:meth:`ecosim.results.posterior.Posterior.at`), so every sampler works with it and Sobol'
indices give the share of variance the calibrated history explains. Each run's history then
runs under its draw and the run continues from its own history
(:func:`ecosim.simulate.simulate`'s ``posterior``).
Every failure is an :class:`~ecosim.errors.ExperimentError` with one line naming the file,
the field path, what was expected and what was found.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ecosim.errors import ExperimentError, ScenarioError
from ecosim.experiments.distributions import Dist
from ecosim.metrics import METRICS
from ecosim.readers import read_toml
from ecosim.results.posterior import Posterior
from ecosim.scenario.loader import (
    LoadedScenario,
    _closest_path,
    _split_path,
    bundled_dir,
    format_validation_error,
    load_scenario,
    resolve_path,
    schema_has_path,
)
from ecosim.scenario.params import bounds_of, check_member_values, is_numeric
from ecosim.scenario.schema import MAX_NAME_CHARS, MAX_TEXT_CHARS, SECONDS_PER_ENSEMBLE_MEMBER_MONTH
from ecosim.timeline import parse_month

SAMPLERS = ("grid", "monte_carlo", "lhs", "sobol", "morris")
STATS = ("last", "sum", "mean", "min", "max", "first_year", "fundamental_value", "series")
#: column names the store uses itself (inputs and outcomes may not take them)
RESERVED = {"run_id", "chunk", "seed", "members", "member", "status", "error", "date", "lever_setting", "draw", "replicate", "posterior"}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: path and column of the input that draws from a posterior (see the module docstring)
POSTERIOR_INPUT = "posterior"


#: the most runs an experiment may have (assumption: 10^7 runs hold a design table of ~1 GB and
#: take days on a small cluster; the bundled experiments have at most 10^4)
MAX_RUNS = 10_000_000
#: the most settings a lever's low/high/steps may make, and draws of a discrete law (assumption)
MAX_SETTINGS = 10_000
#: time per run of a chunk, per simulated month [s] (benchmarks/bench_world.py: 1,000 members
#: of the baseline's 180 months advanced together, :data:`ecosim.scenario.schema.BASELINE_K1000_S`)
SECONDS_PER_RUN_MONTH = SECONDS_PER_ENSEMBLE_MEMBER_MONTH
#: memory of one run in the design, runs and outcomes tables, per column [bytes] (a float64
#: in each of three tables, and pandas' copies while it builds them)
BYTES_PER_RUN_COLUMN = 8 * 3 * 2


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, str_max_length=MAX_TEXT_CHARS)


class ExperimentMeta(_Section):
    name: str = Field(max_length=MAX_NAME_CHARS, description="short name; also the default output directory runs/NAME (as a safe folder name)")
    description: str = Field(description="one line: the question this experiment answers")
    scenario: str = Field(description="base scenario: bundled name or path relative to the experiment file")
    sampler: Literal["grid", "monte_carlo", "lhs", "sobol", "morris"]
    size: int | None = Field(None, ge=1, description="draws / Sobol base N / Morris trajectories / grid points per uncertainty")
    seed: int = Field(ge=0, le=2**63 - 1, description="experiment seed: draws and every chunk's model seed derive from it")
    replications: int = Field(1, ge=1, le=MAX_SETTINGS, description="seeds per design point")
    chunk_size: int = Field(500, ge=1, le=100_000, description="runs advanced together on the member axis")
    levels: int = Field(4, ge=2, le=1000, description="Morris grid levels (even)")
    second_order: bool = Field(False, description="Sobol: also estimate second-order indices (adds N*D runs)")


class Uncertainty(_Section):
    distribution: Literal["uniform", "normal", "lognormal", "triangular", "discrete"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0)
    median: float | None = Field(None, gt=0)
    sigma: float | None = Field(None, gt=0)
    values: list[float] | None = Field(None, max_length=MAX_SETTINGS)
    weights: list[float] | None = Field(None, max_length=MAX_SETTINGS)
    name: str | None = Field(None, max_length=MAX_NAME_CHARS)
    source: str = Field(description="where the range comes from, or 'assumption: why'")

    @model_validator(mode="after")
    def _params(self) -> Uncertainty:
        need = {
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
            "normal": ("mean", "sd"),
            "lognormal": ("median", "sigma"),
            "discrete": ("values",),
        }[self.distribution]
        allowed = set(need) | ({"low", "high"} if self.distribution in ("normal", "lognormal") else set())
        allowed |= {"weights"} if self.distribution == "discrete" else set()
        for key in need:
            if getattr(self, key) is None:
                raise ValueError(f"{key} is required for a {self.distribution} distribution (got none)")
        for key in ("low", "high", "mode", "mean", "sd", "median", "sigma", "values", "weights"):
            if key not in allowed and getattr(self, key) is not None:
                raise ValueError(
                    f"{key} is not a parameter of a {self.distribution} distribution (its parameters: {', '.join(sorted(allowed))}) (got {key} = {getattr(self, key)})"
                )
        lo, hi = self.low, self.high
        if lo is not None and hi is not None and not hi > lo:
            raise ValueError(f"high must be > low {lo:g} (got {hi:g})")
        if self.distribution == "triangular" and not (lo <= self.mode <= hi):  # type: ignore[operator]
            raise ValueError(f"mode must be between low and high (got {self.mode:g})")
        if self.distribution == "lognormal" and lo is not None and lo < 0:
            raise ValueError(f"low must be >= 0 for a lognormal distribution (got {lo:g})")
        if self.distribution == "discrete":
            if not self.values:
                raise ValueError("values must list at least one value (got [])")
            if self.weights is not None:
                if len(self.weights) != len(self.values):
                    raise ValueError(f"weights must have one weight per value, {len(self.values)} (got {len(self.weights)})")
                if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                    raise ValueError(f"weights must be >= 0 with a positive sum (got {self.weights})")
        return self

    def dist(self) -> Dist:
        return Dist(
            kind=self.distribution, low=self.low, high=self.high, mode=self.mode, mean=self.mean, sd=self.sd,
            median=self.median, sigma=self.sigma, values=tuple(self.values or ()), weights=tuple(self.weights or ()),
        )


class Lever(_Section):
    values: list[Any] | None = Field(None, max_length=MAX_SETTINGS)
    low: float | None = None
    high: float | None = None
    steps: int | None = Field(None, ge=2, le=MAX_SETTINGS)
    name: str | None = Field(None, max_length=MAX_NAME_CHARS)
    source: str = Field(description="why these settings")

    @model_validator(mode="after")
    def _settings(self) -> Lever:
        ranged = (self.low, self.high, self.steps)
        if self.values is not None:
            if any(v is not None for v in ranged):
                raise ValueError("values must not be combined with low, high and steps (got both)")
            if not self.values:
                raise ValueError("values must list at least one setting (got [])")
        elif any(v is None for v in ranged):
            raise ValueError("values is required, or low, high and steps together (got neither)")
        elif not self.high > self.low:  # type: ignore[operator]
            raise ValueError(f"high must be > low {self.low:g} (got {self.high:g})")
        return self

    def settings(self) -> list[Any]:
        if self.values is not None:
            return list(self.values)
        return [float(v) for v in np.linspace(self.low, self.high, self.steps)]  # type: ignore[arg-type]


class Outcome(_Section):
    metric: str = Field(description="a metric of ecosim.metrics.METRICS")
    stat: Literal["last", "sum", "mean", "min", "max", "first_year", "fundamental_value", "series"] | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    threshold: float | None = None
    relative_to: str | None = None
    after_tax: bool = Field(True, description="fundamental_value: after operating tax at capital_market.tax_rate_pct (loss carry-forward)")
    direction: Literal["maximize", "minimize", "info"]
    description: str = ""


class Discovery(_Section):
    name: str
    label: str
    outcome: str
    op: Literal[">=", ">", "<=", "<"]
    value: float
    density_threshold: float = Field(0.8, gt=0, le=1, description="PRIM: least share of a box's runs meeting the condition")
    peel_alpha: float = Field(0.05, gt=0, lt=0.5, description="PRIM: share of runs peeled per step")
    mass_min: float = Field(0.05, gt=0, lt=1, description="PRIM: smallest share of all runs a box may hold")
    significance: float = Field(0.05, gt=0, le=1, description="PRIM: drop restrictions whose quasi-p-value exceeds this (1 keeps all)")


class ExperimentFile(_Section):
    experiment: ExperimentMeta
    constants: dict[str, Any] = {}
    uncertainties: dict[str, Uncertainty] = {}
    levers: dict[str, Lever] = {}
    outcomes: dict[str, Outcome]
    discovery: list[Discovery] = []


# ------------------------------------------------------------------ resolved pieces


@dataclass(frozen=True)
class InputSpec:
    """One varied input: a scenario field path, its column name in the store, how it varies."""

    path: str
    column: str
    kind: Literal["uncertainty", "lever"]
    numeric: bool  # varies on the member axis (else: one scenario per setting)
    dist: Dist | None  # uncertainties
    settings: tuple[Any, ...]  # levers
    source: str


@dataclass(frozen=True)
class OutcomeSpec:
    """One outcome, with its stat resolved (flows sum over a year, stocks take the last month)."""

    name: str
    metric: str
    stat: str
    year: int | None
    threshold: float | None
    relative_to: str | None
    direction: str
    unit: str
    description: str
    after_tax: bool = True

    @property
    def scalar(self) -> bool:
        return self.stat != "series"


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment: the parsed file, its base scenario (constants applied), inputs."""

    path: Path
    raw: dict[str, Any]
    file: ExperimentFile
    base: LoadedScenario
    inputs: tuple[InputSpec, ...]
    outcomes: tuple[OutcomeSpec, ...]
    posterior: Posterior | None = None

    @property
    def meta(self) -> ExperimentMeta:
        return self.file.experiment

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def uncertainties(self) -> tuple[InputSpec, ...]:
        return tuple(i for i in self.inputs if i.kind == "uncertainty")

    @property
    def levers(self) -> tuple[InputSpec, ...]:
        return tuple(i for i in self.inputs if i.kind == "lever")

    @property
    def discovery(self) -> list[Discovery]:
        return list(self.file.discovery)

    def spec_hash(self) -> str:
        """Hash of everything that changes results (not names, descriptions, sources, discovery)."""
        m = self.meta
        blob = {
            "scenario": self.base.fingerprint(),
            "sampler": m.sampler, "size": m.size, "seed": m.seed, "replications": m.replications,
            "chunk_size": m.chunk_size, "levels": m.levels, "second_order": m.second_order,
            "inputs": [[i.path, i.column, i.kind, i.dist.__repr__() if i.dist else None, repr(i.settings)] for i in self.inputs],
            "outcomes": [[o.name, o.metric, o.stat, o.year, o.threshold, o.relative_to, o.after_tax] for o in self.outcomes],
        }
        if self.posterior is not None:
            blob["posterior"] = self.posterior.fingerprint
        return hashlib.sha256(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def start_end(self) -> tuple[int, int]:
        sc = self.base.model.scenario
        return parse_month(sc.start_month), parse_month(sc.end_month)

    def with_posterior(self, posterior: Posterior) -> ExperimentSpec:
        """The experiment with the calibrated history drawn from ``posterior``: one more
        uncertainty, ``posterior``, uniform on [0, 1) (see the module docstring).

        Raises
        ------
        ExperimentError
            The experiment already has a posterior, or a grid sampler (a posterior has no grid).
        """
        if self.posterior is not None:
            raise _err(self.path, "--posterior", f"is already set ({self.posterior.path})")
        if self.meta.sampler == "grid":
            raise _err(self.path, "experiment.sampler", "must draw points (monte_carlo, lhs, sobol or morris) to draw from a posterior (got 'grid')")
        source = f"posterior {posterior.describe()}: the history's calibrated fields {', '.join(posterior.names)}"
        inp = InputSpec(POSTERIOR_INPUT, POSTERIOR_INPUT, "uncertainty", True, Dist(kind="uniform", low=0.0, high=1.0), (), source)
        return dataclasses.replace(self, inputs=(*self.inputs, inp), posterior=posterior)

    def member_inputs(self) -> tuple[InputSpec, ...]:
        """The numeric inputs that are scenario fields (varied on the member axis as such)."""
        return tuple(i for i in self.inputs if i.numeric and i.path != POSTERIOR_INPUT)


# ------------------------------------------------------------------ loading


def bundled_experiments() -> dict[str, Path]:
    """Bundled experiment names and their files, sorted by name."""
    return {p.stem: p for p in sorted(bundled_dir("experiments").glob("*.toml"))}


def resolve_experiment(ref: str | Path) -> Path:
    """An experiment reference as a file: a path or a bundled name."""
    text = str(ref)
    cand = Path(text)
    if cand.is_file():
        return cand
    bundled = bundled_experiments()
    stem = cand.stem if text.endswith(".toml") else text
    if "/" not in text and stem in bundled:
        return bundled[stem]
    names = ", ".join(bundled) or "none"
    raise ExperimentError(f"{text}: no such experiment file (bundled experiments: {names})")


def _flatten(table: dict[str, Any], leaf: Any, prefix: str = "") -> dict[str, Any]:
    """Nested tables to dotted paths, stopping where ``leaf(path, value)`` says a leaf starts."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and not leaf(path, value):
            out.update(_flatten(value, leaf, path + "."))
        else:
            out[path] = value
    return out


def _is_field_leaf(path: str, value: Any) -> bool:
    return schema_has_path(path) and not _is_section(path)


def _is_section(path: str) -> bool:
    from ecosim.scenario.params import field_info

    info = field_info(path)
    ann = getattr(info, "annotation", None)
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def load_experiment(ref: str | Path, posterior: Posterior | None = None) -> ExperimentSpec:
    """Read, validate and resolve an experiment file (path or bundled name); with
    ``posterior``, the calibrated history drawn from it (:meth:`ExperimentSpec.with_posterior`).

    Raises
    ------
    ExperimentError
        One line naming the file, the field path, the expectation and the value.
    """
    path = resolve_experiment(ref)
    raw = read_toml(path, ExperimentError)
    data = dict(raw)
    for section, leaf in (
        ("uncertainties", lambda p, v: "distribution" in v or "source" in v),
        ("levers", lambda p, v: bool({"values", "low", "high", "steps", "source"} & set(v))),
        ("constants", _is_field_leaf),
    ):
        if isinstance(data.get(section), dict):
            data[section] = _flatten(data[section], leaf)
    try:
        parsed = ExperimentFile.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(format_validation_error(exc, lambda p: str(path))) from None
    spec = _resolve(path, data, parsed, posterior is not None)
    return spec.with_posterior(posterior) if posterior is not None else spec


def _err(path: Path, field: str, message: str) -> ExperimentError:
    return ExperimentError(f"{path}: {field} {message}")


def _scenario_origin(exc: ScenarioError, path: Path, section: str, options: dict[str, str]) -> ExperimentError:
    """A scenario loader error about an override, re-worded to name this file and section."""
    text = str(exc)
    for option, field in options.items():
        prefix = f"--set {option}: "
        if text.startswith(prefix):
            rest = text[len(prefix):]
            if rest.startswith(f"{field} "):
                return ExperimentError(f"{path}: {section}.{field} {rest[len(field) + 1:]}")
            return ExperimentError(f"{path}: {section}.{field}: {rest}")
    return ExperimentError(f"{path}: {section}: {text}")


def _toml_value(value: Any) -> str:
    import tomli_w

    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def override_options(values: dict[str, Any]) -> dict[str, str]:
    """``--set`` option strings for field values: ``{"a.b=1": "a.b"}``."""
    return {f"{p}={_toml_value(v)}": p for p, v in values.items()}


def _check_path(path: Path, section: str, field: str) -> None:
    if not schema_has_path(field) or _is_section(field):
        hint = _closest_path(field)
        raise _err(path, f"{section}.{field}", "is not a field of the scenario schema" + (f" (did you mean {hint}?)" if hint else ""))
    if field.split(".")[0] == "scenario" and section != "constants":
        raise _err(path, f"{section}.{field}", "cannot vary between runs: set scenario fields in [constants]")


def _check_list_index(path: Path, section: str, field: str, data: dict[str, Any]) -> None:
    """A path into a list (``versions[1].payload_t``) must name an item the base scenario has."""
    node: Any = data
    for part in _split_path(field)[:-1]:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise _err(path, f"{section}.{field}", f"names item [{part}], past the end of the base scenario's list")
            node = node[part]
        else:
            node = node.get(part, {}) if isinstance(node, dict) else {}


def _bounds_message(field: str, lo: float, hi: float) -> str | None:
    b = bounds_of(field)
    for key, bound in b.items():
        if key == "gt" and not lo > bound:
            return f"must draw values > {bound:g}, the field's bound (lowest possible draw {lo:g}; truncate with low)"
        if key == "ge" and not lo >= bound:
            return f"must draw values >= {bound:g}, the field's bound (lowest possible draw {lo:g}; truncate with low)"
        if key == "lt" and not hi < bound:
            return f"must draw values < {bound:g}, the field's bound (highest possible draw {hi:g}; truncate with high)"
        if key == "le" and not hi <= bound:
            return f"must draw values <= {bound:g}, the field's bound (highest possible draw {hi:g}; truncate with high)"
    return None


def _column_names(paths: list[str], explicit: dict[str, str | None]) -> dict[str, str]:
    """Store column of each input: its explicit name, else the shortest unique tail of >= 2
    path parts joined by ``_`` (``launch.starship.cost_progress_ratio`` -> ``starship_cost_progress_ratio``,
    ``launch.starship.versions[1].payload_t`` -> ``versions_1_payload_t``).

    >>> _column_names(["launch.falcon.payload_t", "new_glenn.payload_t", "launch.starship.versions[1].payload_t"], {})
    {'launch.falcon.payload_t': 'falcon_payload_t', 'new_glenn.payload_t': 'new_glenn_payload_t', 'launch.starship.versions[1].payload_t': 'versions_1_payload_t'}
    """

    def parts(p: str) -> list[str]:
        return [str(x) for x in _split_path(p)]

    out: dict[str, str] = {}
    for p in paths:
        if explicit.get(p):
            out[p] = str(explicit[p])
            continue
        ps = parts(p)
        k = min(2, len(ps))
        while True:
            cand = "_".join(ps[-k:])
            clash = [q for q in paths if q != p and not explicit.get(q) and "_".join(parts(q)[-k:]) == cand]
            if (not clash and not cand[0].isdigit()) or k >= len(ps):
                out[p] = re.sub(r"[^a-z0-9_]", "_", cand.lower())
                break
            k += 1
    return out


def _resolve(path: Path, data: dict[str, Any], parsed: ExperimentFile, posterior: bool = False) -> ExperimentSpec:
    meta = parsed.experiment
    # base scenario and constants
    try:
        scenario_file = resolve_path(meta.scenario, relative_to=path)
        base = load_scenario(scenario_file)
    except ScenarioError as exc:
        raise _err(path, "experiment.scenario", f"must name a scenario ({exc})") from None
    for field in parsed.constants:
        _check_path(path, "constants", field)
        if field == "scenario.seed":
            raise _err(path, "constants.scenario.seed", "cannot be set: every chunk's seed derives from experiment.seed")
    if parsed.constants:
        opts = override_options(parsed.constants)
        try:
            base = base.with_overrides(list(opts))
        except ScenarioError as exc:
            raise _scenario_origin(exc, path, "constants", opts) from None

    # inputs
    seen: dict[str, str] = {}
    for section, table in (("uncertainties", parsed.uncertainties), ("levers", parsed.levers)):
        for field in table:
            _check_path(path, section, field)
            if field in parsed.constants or field in seen:
                other = "constants" if field in parsed.constants else seen[field]
                raise _err(path, f"{section}.{field}", f"is already set in [{other}]: a field varies in one place only")
            seen[field] = section
            _check_list_index(path, section, field, base.data)
    explicit = {f: u.name for f, u in parsed.uncertainties.items()} | {f: lv.name for f, lv in parsed.levers.items()}
    columns = _column_names(list(seen), explicit)
    used: dict[str, str] = {}
    for field, col in columns.items():
        section = seen[field]
        if not _NAME_RE.match(col) or col in RESERVED:
            raise _err(path, f"{section}.{field}.name", f"must be a lower-case identifier not in {sorted(RESERVED)} (got {col!r})")
        if col in used:
            raise _err(path, f"{section}.{field}.name", f"must be unique: {used[col]} has the column {col!r} too")
        used[col] = field

    inputs: list[InputSpec] = []
    for field, u in parsed.uncertainties.items():
        where = f"uncertainties.{field}"
        if not is_numeric(field):
            raise _err(path, where, "must be a numeric field (a text or yes/no choice varies as a lever)")
        d = u.dist()
        lo, hi = d.support
        msg = _bounds_message(field, lo, hi)
        if msg:
            raise _err(path, where, msg)
        inputs.append(InputSpec(field, columns[field], "uncertainty", True, d, (), u.source))
    lever_overrides: dict[str, list[Any]] = {}
    for field, lv in parsed.levers.items():
        where = f"levers.{field}"
        settings = lv.settings()
        numeric = is_numeric(field) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in settings)
        if numeric:
            try:
                check_member_values(field, np.asarray(settings, dtype=float), "x")
            except ScenarioError as exc:
                raise _err(path, where, str(exc).split(f"x: {field} ", 1)[-1]) from None
        else:
            lever_overrides[field] = settings
        inputs.append(InputSpec(field, columns[field], "lever", numeric, None, tuple(settings), lv.source))
    for field, settings in lever_overrides.items():  # each setting must load as a scenario
        for value in settings:
            opts = override_options({field: value})
            try:
                base.with_overrides(list(opts))
            except ScenarioError as exc:
                raise _scenario_origin(exc, path, "levers", opts) from None

    # sampler
    n_unc = len(parsed.uncertainties) + int(posterior)
    where = "experiment.size"
    if meta.sampler != "grid" and n_unc == 0:
        raise _err(path, "uncertainties", f"must list at least one uncertainty for the {meta.sampler} sampler (got none)")
    if meta.sampler == "grid":
        if not parsed.levers and not parsed.uncertainties:
            raise _err(path, "levers", "must list at least one lever or uncertainty for the grid sampler (got none)")
        continuous = [f for f, u in parsed.uncertainties.items() if u.distribution != "discrete"]
        if continuous and (meta.size is None or meta.size < 2):
            raise _err(path, where, f"must be >= 2 (grid points per uncertainty: {continuous[0]} is continuous) (got {meta.size})")
    elif meta.size is None:
        raise _err(path, where, f"is required for the {meta.sampler} sampler")
    if meta.sampler == "sobol" and (meta.size & (meta.size - 1)):  # type: ignore[operator]
        raise _err(path, where, f"must be a power of 2 for the sobol sampler, e.g. {2 ** round(math.log2(meta.size)):,} (got {meta.size:,})")  # type: ignore[arg-type]
    if meta.sampler == "morris" and meta.levels % 2:
        raise _err(path, "experiment.levels", f"must be even for the morris sampler (got {meta.levels})")

    # outcomes
    start, end = parse_month(base.model.scenario.start_month), parse_month(base.model.scenario.end_month)
    full_years = [y for y in range(start // 12, end // 12 + 1) if y * 12 >= start and y * 12 + 11 <= end]
    outcomes: list[OutcomeSpec] = []
    if not parsed.outcomes:
        raise _err(path, "outcomes", "must list at least one outcome (got none)")
    for name, o in parsed.outcomes.items():
        where = f"outcomes.{name}"
        if not _NAME_RE.match(name) or name in RESERVED or name in used:
            raise _err(path, where, f"must be named by a lower-case identifier not used by an input or the store (got {name!r})")
        for key in ("metric", "relative_to"):
            metric = getattr(o, key)
            if metric is not None and metric not in METRICS:
                hint = difflib.get_close_matches(metric, list(METRICS), n=1)
                raise _err(path, f"{where}.{key}", "must name a metric" + (f" (did you mean {hint[0]}?)" if hint else " (see ecosim.metrics)") + f" (got {metric!r})")
        unit = METRICS[o.metric].unit
        stat = o.stat or ("sum" if unit.endswith("/month") else "last")
        if stat == "fundamental_value":
            if not o.metric.endswith("_fcf_usd"):
                raise _err(path, f"{where}.metric", f"must be a free-cash-flow metric (*_fcf_usd) for stat fundamental_value (got {o.metric!r})")
            if o.relative_to is not None:
                raise _err(path, f"{where}.relative_to", "must not be set for stat fundamental_value")
            if o.year is None or o.year not in full_years:
                span = f"{full_years[0]}-{full_years[-1]}" if full_years else "none"
                raise _err(path, f"{where}.year", f"must be a full year of the run ({span}) for stat fundamental_value (got {o.year})")
        if stat in ("series", "first_year") and o.year is not None:
            raise _err(path, f"{where}.year", f"must not be set for stat {stat} (it reads the whole run)")
        if stat == "first_year" and o.threshold is None:
            raise _err(path, f"{where}.threshold", "is required for stat first_year (the level the yearly value must reach)")
        if stat != "first_year" and o.threshold is not None:
            raise _err(path, f"{where}.threshold", "is only used by stat first_year")
        if o.year is not None and not (start // 12 <= o.year <= end // 12):
            raise _err(path, f"{where}.year", f"must be a year of the run ({start // 12}-{end // 12}) (got {o.year})")
        if o.relative_to is not None:
            unit = "ratio"
        if stat == "first_year":
            unit = "year"
        elif stat == "fundamental_value":
            unit = "USD"
        elif stat == "sum" and unit.endswith("/month"):
            unit = unit.removesuffix("/month") + ("/yr" if o.year is not None else " (whole run)")
        if stat != "fundamental_value" and "after_tax" in o.model_fields_set:
            raise _err(path, f"{where}.after_tax", f"is only used by stat fundamental_value (got stat {stat})")
        outcomes.append(OutcomeSpec(name, o.metric, stat, o.year, o.threshold, o.relative_to, o.direction, unit, o.description, o.after_tax))

    names = {o.name: o for o in outcomes}
    seen_disc: set[str] = set()
    for i, disc in enumerate(parsed.discovery):
        where = f"discovery[{i}]"
        if not _NAME_RE.match(disc.name) or disc.name in seen_disc:
            raise _err(path, f"{where}.name", f"must be a unique lower-case identifier (got {disc.name!r})")
        seen_disc.add(disc.name)
        if disc.outcome not in names or not names[disc.outcome].scalar:
            scalars = ", ".join(o.name for o in outcomes if o.scalar)
            raise _err(path, f"{where}.outcome", f"must name a scalar outcome ({scalars}) (got {disc.outcome!r})")
    spec = ExperimentSpec(path=path, raw=data, file=parsed, base=base, inputs=tuple(inputs), outcomes=tuple(outcomes))
    check_size(spec)
    return spec


def estimate(spec: ExperimentSpec, runs: int) -> tuple[float, float]:
    """Rough (CPU time [s], memory of the tables [bytes]) of ``runs`` runs of ``spec``, from the
    benchmarks' rates (:data:`SECONDS_PER_RUN_MONTH`, :data:`BYTES_PER_RUN_COLUMN`)."""
    start, end = spec.start_end()
    columns = 8 + len(spec.inputs) + len(spec.outcomes)
    return runs * (end - start + 1) * SECONDS_PER_RUN_MONTH, runs * columns * BYTES_PER_RUN_COLUMN


def check_size(spec: ExperimentSpec) -> None:
    """Refuse, before anything is sampled, an experiment of more than :data:`MAX_RUNS` runs,
    with the estimate of its time and memory.

    Raises
    ------
    ExperimentError
        Naming the file, ``experiment.size``, the count, the estimate and the cap.
    """
    from ecosim.experiments.samplers import design_size

    n_set, n_draws, runs = design_size(spec)
    cpu_s, mem = estimate(spec, runs)
    ram = _physical_memory()
    if runs > MAX_RUNS or mem > ram / 2:
        limit = f"at most {MAX_RUNS:,} runs" if runs > MAX_RUNS else f"at most half of this machine's {ram / 1e9:,.1f} GB of memory"
        raise _err(
            spec.path, "experiment.size",
            f"makes {n_set:,} lever settings x {n_draws:,} draws x {spec.meta.replications:,} seeds = {runs:,} runs "
            f"(about {mem / 1e9:,.1f} GB of tables and {cpu_s / 86400:,.1f} days of CPU); {limit}: lower size, "
            "fewer levers or seeds, or split the experiment",
        )


def _physical_memory() -> float:
    """This machine's memory [bytes] (infinite where the OS does not say)."""
    import os

    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return float("inf")

