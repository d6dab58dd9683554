"""The narrative scorecard: does each claim of the seed documents come true in a run, and when?

The claims live in ``ecosim/data/claims.toml``, each with its seed file and line and a test on
the run's monthly metrics (metric, transform, comparison, threshold or other metrics, deadline).
:func:`evaluate` applies every test to series shaped (months, members), so one call scores a
single run (one member), a many-member ensemble or an experiment's runs side by side;
:func:`run_scorecard` and :func:`ensemble_scorecard` turn the result into rows for a run and
into probabilities and median years for an ensemble.

Verdicts of one run (member):

``true``          the test holds in some month up to the deadline (``when``: the first such month)
``late``          it first holds after the deadline, before the run ends (operational
                  milestones only: a claim of kind ``at_date`` is true or false in its
                  deadline month, never late)
``false``         it never holds up to the run's end, and the deadline is within the run
``open``          not yet: the run ends before the deadline
``before run``    the deadline is before the first month the test can be checked in this run
``not modelled``  the claim has no test (the world lacks what it speaks of; the reason is given)
``not recorded``  a metric the test needs is not in these results (e.g. an experiment's
                  stored series)

A claim names its entity (``spacex`` is SpaceX alone, scored on the ``spacex_alone_*`` metrics;
``spacex_xai`` SpaceX with xAI; ...) and its kind: a ``milestone`` (an operational event, which
can come true late) or ``at_date`` (a valuation, a forecast of a year, a state "already" or
"not yet": judged in the last checkable month up to its deadline, e.g. an equity value at the
start of the year). A test never holds when both its sides are zero (0 >= 0 is not a claim come
true).

An ``always`` test (e.g. "positive free cash flow every year from 2026") is ``true`` when it
holds in every checkable month from its start to its deadline (or the run's end), ``false`` with
``when`` the first month it fails, ``open`` while it holds so far but the run ends first.

Reads results only (never the model), so saved runs and experiment stores can be scored.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ecosim.errors import ClaimError
from ecosim.finance.gap import Mark, marks
from ecosim.finance.series_value import (
    COMPANY_ENTITY,
    company_of,
    company_of_mark,
    results_equity,
    results_marks,
)
from ecosim.metrics import METRICS
from ecosim.readers import read_text
from ecosim.results.results import Results
from ecosim.scenario.schema import Month
from ecosim.timeline import trailing_twelve_months

OPS = ("<", "<=", ">", ">=", "between")
TRANSFORMS = ("value", "sum12", "change12", "equity_value")
#: what a claim is about (see ``ecosim/data/claims.toml``)
ENTITIES = ("spacex", "spacex_xai", "xai", "tesla", "openai", "anthropic", "amazon", "world")
#: metrics of SpaceX as the run books it (with xAI from the merger): not SpaceX alone
SPACEX_WITH_XAI_METRICS = ("spacex_revenue_usd", "spacex_fcf_usd", "spacex_capex_usd")
STATUSES = ("true", "late", "false", "open", "before run", "not modelled", "not recorded")
#: how each verdict is shown in tables and reports
SYMBOLS = {"true": "✓ true", "late": "⚠ late", "false": "✗ false", "open": "○ open", "before run": "· before run", "not modelled": "— not modelled", "not recorded": "— not recorded"}


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _known_metric(name: str) -> str:
    if name not in METRICS:
        raise ValueError(f"must be a metric of ecosim.metrics.METRICS (got {name!r})")
    return name


MetricList = Annotated[list[Annotated[str, BeforeValidator(_known_metric)]], BeforeValidator(_as_list)]


class ClaimTest(BaseModel):
    """A claim as a test on monthly metrics (see ``ecosim/data/claims.toml`` for the fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: MetricList = Field(min_length=1)
    transform: Literal["value", "sum12", "change12", "equity_value"] = "value"
    op: Literal["<", "<=", ">", ">=", "between"]
    threshold: float | tuple[float, float] | None = None
    versus: MetricList | None = None
    deadline: Month | None = None
    check: Literal["first", "always"] = "first"
    start: Month | None = None

    @model_validator(mode="after")
    def _one_right_side(self) -> ClaimTest:
        if (self.threshold is None) == (self.versus is None):
            raise ValueError("give exactly one of threshold and versus")
        if self.op == "between":
            if not isinstance(self.threshold, tuple) or self.threshold[0] > self.threshold[1]:
                raise ValueError(f"op 'between' needs threshold = [low, high] with low <= high (got {self.threshold!r})")
        elif isinstance(self.threshold, tuple):
            raise ValueError(f"op {self.op!r} needs one number as threshold (got {list(self.threshold)!r})")
        if self.start is not None and self.check != "always":
            raise ValueError("start only applies to check = 'always'")
        if self.transform == "equity_value":
            for m in [*self.metric, *(self.versus or [])]:
                company_of(m)
        return self

    @property
    def metrics(self) -> list[str]:
        """Every metric the test reads."""
        return [*self.metric, *(self.versus or [])]

    @property
    def unit(self) -> str:
        """Unit of both sides after the transform."""
        return transformed_unit(METRICS[self.metric[0]].unit, self.transform)

    def describe(self) -> str:
        """The test in one line, e.g. ``odc_cost_ratio < 1 by 2029-02``."""
        suffix = {"value": "", "sum12": " (12-month total)", "change12": " (12-month change)", "equity_value": " (equity value)"}[self.transform]
        lhs = " + ".join(self.metric) + suffix
        if self.versus is not None:
            rhs = " + ".join(self.versus) + suffix
        elif isinstance(self.threshold, tuple):
            rhs = f"[{_num(self.threshold[0])}, {_num(self.threshold[1])}] {self.unit}"
        else:
            rhs = f"{_num(float(self.threshold))} {self.unit}"  # type: ignore[arg-type]
        op = "in" if self.op == "between" else self.op
        text = f"{lhs} {op} {rhs}"
        if self.check == "always":
            return text + f" in every month from {self.start or 'the start'} to {self.deadline or 'the end'}"
        return text + (f" by {self.deadline}" if self.deadline else " (any time in the run)")


class ClaimMark(BaseModel):
    """The row of ``ecosim/data/valuation_marks.csv`` a valuation claim speaks of (its entity,
    month and value)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entity: str
    date: Month
    value_usd: float

    def resolve(self) -> Mark:
        """The mark of ``valuation_marks.csv`` (ValueError when there is not exactly one)."""
        found = [m for m in marks() if (m.entity, m.date, m.value_usd) == (self.entity, self.date, self.value_usd)]
        if len(found) != 1:
            raise ValueError(f"mark must name one row of ecosim/data/valuation_marks.csv by entity, date and value_usd (got {self.entity} {self.date} {self.value_usd:g})")
        return found[0]


class Claim(BaseModel):
    """One claim of a seed document with where it is said and its test; a valuation claim on
    a mark of ``valuation_marks.csv`` names it (``mark``) and is judged on the value ``ecosim
    value`` sets against that mark: the same entity at the mark's month, like for like."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    claim: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    seed: str = Field(min_length=1)
    line: int = Field(ge=1)
    also: list[str] = Field(default_factory=list)
    speaker: str
    said: Month
    stance: Literal["narrative", "analyst", "skeptic"]
    entity: Literal["spacex", "spacex_xai", "xai", "tesla", "openai", "anthropic", "amazon", "world"]
    kind: Literal["milestone", "at_date"] = "milestone"
    note: str = ""
    test: ClaimTest | None = None
    not_modelled: str | None = None
    mark: ClaimMark | None = None

    @model_validator(mode="after")
    def _test_or_reason(self) -> Claim:
        if (self.test is None) == (self.not_modelled is None):
            raise ValueError("give exactly one of [claim.test] and not_modelled")
        if self.test is not None and self.kind == "at_date" and (self.test.deadline is None or self.test.check != "first"):
            raise ValueError("a claim of kind 'at_date' needs a test with a deadline (its date) and check = 'first'")
        if self.test is not None and self.entity == "spacex":
            wrong = [m for m in self.test.metrics if m in SPACEX_WITH_XAI_METRICS]
            if wrong:
                raise ValueError(f"entity 'spacex' is SpaceX alone: use the spacex_alone_* metrics, not {', '.join(wrong)} (they include xAI from the merger)")
        if self.mark is not None:
            m = self.mark.resolve()
            t = self.test
            if t is None or t.transform != "equity_value" or self.kind != "at_date" or t.versus is not None or len(t.metric) != 1:
                raise ValueError("a claim on a mark needs kind 'at_date' and an equity_value test of one company against a threshold")
            if company_of_mark(m) != company_of(t.metric[0]):
                raise ValueError(f"the mark prices {m.entity}, which {t.metric[0]}'s company ({COMPANY_ENTITY[company_of(t.metric[0])]}) is not")
            if t.deadline != m.date:
                raise ValueError(f"a claim on a mark is judged at the mark's month: deadline must be {m.date} (got {t.deadline})")
        return self

    @property
    def source(self) -> str:
        """``seed:line`` of the claim."""
        return f"{self.seed}:{self.line}"

    @property
    def short_source(self) -> str:
        """``NNN:line``: the seed's number and the line, for narrow tables."""
        return f"{self.seed.split('_')[0]}:{self.line}"


def _num(x: float) -> str:
    """A threshold as written: ``1.25e12``, ``10000``, ``0.3``.

    >>> _num(1.25e12), _num(10000.0), _num(0.3), _num(0.0)
    ('1.25e+12', '10,000', '0.3', '0')
    """
    if x != 0 and (abs(x) >= 1e7 or abs(x) < 1e-3):
        return f"{x:.3g}"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def transformed_unit(unit: str, transform: str) -> str:
    """Unit after a transform: a 12-month total of a monthly flow is per year, and so on.

    >>> transformed_unit("launches/month", "sum12"), transformed_unit("robots", "change12")
    ('launches/yr', 'robots/yr')
    >>> transformed_unit("USD/month", "equity_value")
    'USD'
    """
    if transform == "sum12":
        return unit.replace("/month", "/yr")
    if transform == "change12":
        return f"{unit}/yr"
    if transform == "equity_value":
        return "USD"
    return unit


def _error_line(origin: str, index: int, exc: ValidationError) -> str:
    """One line for the first validation error of claim number ``index``."""
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"] if not str(p).startswith(("tuple[", "float", "function-")))
    where = f"claim[{index}]" + (f".{loc}" if loc else "")
    msg = first["msg"].removeprefix("Value error, ")
    got = first.get("input")
    shown = "" if first["type"] == "missing" or isinstance(got, dict) or "(got" in msg else f" (got {got!r})"
    return f"{origin}: {where}: {msg}{shown}"


def load_claims(path: str | Path | None = None) -> tuple[Claim, ...]:
    """The claims of a TOML file (default: the bundled ``ecosim/data/claims.toml``).

    Raises
    ------
    ClaimError
        One line naming the file, the claim's index and field, the expectation and the value.
    """
    if path is None:
        return _bundled_claims()
    p = Path(path)
    if not p.is_file():
        raise ClaimError(f"--claims {p}: no such claims file (the bundled one is ecosim/data/claims.toml)")
    return _parse_claims(read_text(p, ClaimError), str(p))


@lru_cache(maxsize=1)
def _bundled_claims() -> tuple[Claim, ...]:
    text = (resources.files("ecosim") / "data" / "claims.toml").read_text(encoding="utf-8")
    return _parse_claims(text, "ecosim/data/claims.toml")


def _parse_claims(text: str, origin: str) -> tuple[Claim, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimError(f"{origin}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ClaimError(f"{origin}: nests tables and lists too deeply") from None
    rows = data.get("claim")
    if not isinstance(rows, list) or not rows:
        raise ClaimError(f"{origin}: must hold [[claim]] tables (got keys {sorted(data)})")
    claims = []
    for i, row in enumerate(rows):
        try:
            claims.append(Claim.model_validate(row))
        except ValidationError as exc:
            raise ClaimError(_error_line(origin, i, exc)) from None
    seen: set[str] = set()
    for c in claims:
        if c.id in seen:
            raise ClaimError(f"{origin}: claim ids must be unique (got {c.id!r} twice)")
        seen.add(c.id)
    return tuple(claims)


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class ClaimEval:
    """One claim scored on every member.

    ``status`` (members,) holds a verdict of :data:`STATUSES`; ``when`` (members,) the first month
    the test holds (``first`` checks) or first fails (``always`` checks), "" when none; ``value``
    (members,) the test's left side in that month, or, when there is none, its best value (the
    closest to coming true) up to the deadline; ``holds_at_end`` (members,) whether it still holds in the last
    checkable month; ``reason`` explains ``not modelled`` / ``not recorded``.
    """

    claim: Claim
    status: np.ndarray
    when: np.ndarray
    value: np.ndarray
    holds_at_end: np.ndarray
    reason: str = ""


def transformed(
    metrics: Sequence[str],
    transform: str,
    series: Mapping[str, np.ndarray],
    equity: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """The sum of ``metrics`` after ``transform``, shape (months, members); NaN where the
    transform is not defined (the first 11 months of ``sum12``, the first 12 of ``change12``,
    every month but January of full years for ``equity_value``, whose values come from
    ``equity``: company -> (months, members), see :mod:`ecosim.finance.series_value`).

    >>> x = {"a": np.arange(13.0)[:, None]}
    >>> transformed(["a"], "sum12", x)[10:, 0].tolist()
    [nan, 66.0, 78.0]
    >>> transformed(["a"], "change12", x)[11:, 0].tolist()
    [nan, 12.0]
    """
    if transform == "equity_value":
        values = [np.asarray((equity or {})[company_of(m)], dtype=float) for m in metrics]
        return sum(values[1:], values[0].copy())
    x = sum((np.asarray(series[m], dtype=float) for m in metrics), np.zeros_like(np.asarray(series[metrics[0]], dtype=float)))
    if x.ndim == 1:
        x = x[:, None]
    if transform == "value":
        return x
    if transform == "sum12":
        return trailing_twelve_months(x)
    if transform == "change12":
        out = np.full_like(x, np.nan)
        out[12:] = x[12:] - x[:-12]
        return out
    raise ValueError(f"transform must be one of {TRANSFORMS} (got {transform!r})")


def _holds(op: str, lhs: np.ndarray, rhs: np.ndarray | float | tuple[float, float]) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        if op == "between":
            lo, hi = rhs  # type: ignore[misc]
            out = (lhs >= lo) & (lhs <= hi)
        else:
            out = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}[op](lhs, rhs)
    finite = np.isfinite(lhs) & np.isfinite(rhs if not isinstance(rhs, tuple) else 0.0)
    # 0 >= 0 (nothing on either side) is not a claim come true
    vacuous = (lhs == 0) & (np.asarray(rhs) == 0) if not isinstance(rhs, tuple) else np.zeros_like(out, dtype=bool)
    return np.asarray(out & finite & ~vacuous)


def evaluate_claim(
    claim: Claim,
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    equity: Mapping[str, np.ndarray] | None = None,
    members: int | None = None,
    run_end: str | None = None,
    marks: Mapping[Mark, np.ndarray] | None = None,
) -> ClaimEval:
    """Score one claim on series (months, members) dated ``dates`` (``YYYY-MM``).

    ``equity`` (company -> (months, members) equity value at the start of each year, from
    :func:`ecosim.finance.series_value.company_equity`) serves ``equity_value`` tests; a
    company missing from it makes such a test ``not recorded``. ``members``: how many there
    are when ``series`` cannot tell (it is empty). ``run_end``: the month the run will end
    when the series stop earlier (a run in progress, e.g. the browser view): a claim without a
    deadline then has until ``run_end``, and stays open while it has not come true. ``marks``:
    each mark's value like for like per member
    (:func:`ecosim.finance.series_value.marks_like_for_like`), on which a claim naming a mark is
    judged, at the mark's month.
    """
    n_members = members if members is not None else next((np.asarray(v).reshape(len(dates), -1).shape[1] for v in series.values()), 1)

    def fill(status: str, reason: str) -> ClaimEval:
        return ClaimEval(claim, np.full(n_members, status, dtype=object), np.full(n_members, "", dtype=object), np.full(n_members, np.nan), np.zeros(n_members, bool), reason)

    t = claim.test
    if t is None:
        return fill("not modelled", claim.not_modelled or "")
    if t.transform == "equity_value":
        missing = [company_of(m) for m in t.metrics if company_of(m) not in (equity or {})]
        if missing:
            return fill("not recorded", f"no equity value of {', '.join(missing)} in these results (needs its revenue, free cash flow, capex and cash)")
    else:
        missing = [m for m in t.metrics if m not in series]
        if missing:
            return fill("not recorded", f"not in these results: {', '.join(missing)}")
    lhs = transformed(t.metric, t.transform, series, equity)
    rhs: Any = transformed(t.versus, t.transform, series, equity) if t.versus else t.threshold
    ok = _holds(t.op, lhs, rhs)
    checkable = np.isfinite(lhs).any(axis=1)
    if t.versus:
        checkable &= np.isfinite(rhs).any(axis=1)
    idx = np.nonzero(checkable)[0]
    dates_arr = np.asarray(dates, dtype=object)
    status = np.empty(n_members, dtype=object)
    when = np.full(n_members, "", dtype=object)
    value = np.full(n_members, np.nan)
    holds_end = ok[idx[-1]] if len(idx) else np.zeros(n_members, bool)
    if claim.mark is not None:
        # judged at the mark's month on the value ecosim value sets against the mark, like for like
        mark = claim.mark.resolve()
        v = (marks or {}).get(mark)
        if v is None:
            in_progress = run_end is not None and run_end > dates[-1]
            return ClaimEval(claim, np.full(n_members, "open" if in_progress else "not recorded", dtype=object), when, value, holds_end,
                             f"no value of {mark.entity} at {mark.date} like for like in these results (it needs a full year to value)")
        v = np.asarray(v, dtype=float).reshape(n_members)
        status[:] = np.where(_holds(t.op, v, rhs), "true", "false")
        when[:] = mark.date
        return ClaimEval(claim, status, when, v.copy(), holds_end)
    if not len(idx):
        return ClaimEval(claim, np.full(n_members, "open" if not t.deadline or t.deadline > dates[-1] else "before run", dtype=object), when, value, holds_end, "no month of this run can be checked")
    end = dates[-1]
    deadline = t.deadline or max(run_end or end, end)
    if t.check == "always":
        lo = t.start or dates[0]
        window = idx[(dates_arr[idx] >= lo) & (dates_arr[idx] <= deadline)]
        if not len(window):
            status[:] = "open" if lo > end or deadline > end else "before run"
            return ClaimEval(claim, status, when, value, holds_end)
        fails = ~ok[window]
        failed = fails.any(axis=0)
        first_fail = window[np.argmax(fails, axis=0)]
        status[:] = np.where(failed, "false", "open" if deadline > end else "true")
        when[failed] = dates_arr[first_fail[failed]]
        value[:] = np.where(failed, lhs[first_fail, np.arange(n_members)], lhs[window[-1]])
        return ClaimEval(claim, status, when, value, holds_end)
    if deadline < dates_arr[idx[0]]:
        status[:] = "before run"
        return ClaimEval(claim, status, when, value, holds_end)
    if claim.kind == "at_date":
        # judged at its date: the last checkable month up to the deadline, never later
        if deadline > end:
            status[:] = "open"
            return ClaimEval(claim, status, when, value, holds_end)
        k = idx[dates_arr[idx] <= deadline][-1]
        status[:] = np.where(ok[k], "true", "false")
        when[:] = dates_arr[k]
        value[:] = lhs[k]
        return ClaimEval(claim, status, when, value, holds_end)
    hit = ok[idx]
    came = hit.any(axis=0)
    first = idx[np.argmax(hit, axis=0)]
    when[came] = dates_arr[first[came]]
    on_time = came & (when.astype(str) <= deadline)
    status[:] = np.where(on_time, "true", np.where(came, "late", "open" if deadline > end else "false"))
    by_deadline = idx[dates_arr[idx] <= deadline]
    best = by_deadline[np.argmax(_margin(t.op, lhs[by_deadline], rhs if not t.versus else rhs[by_deadline]), axis=0)]
    value[:] = np.where(came, lhs[first, np.arange(n_members)], lhs[best, np.arange(n_members)])
    return ClaimEval(claim, status, when, value, holds_end)


def _margin(op: str, lhs: np.ndarray, rhs: Any) -> np.ndarray:
    """How close the test is to holding (larger is closer; NaN counts as farthest): the
    difference to a threshold, relative to the other side when that is a series."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if op == "between":
            lo, hi = rhs
            m = -np.maximum(lo - lhs, lhs - hi)
        else:
            m = lhs - rhs if op in (">", ">=") else rhs - lhs
            if isinstance(rhs, np.ndarray):
                m = m / np.abs(rhs)
    return np.where(np.isnan(m), -np.inf, m)


def evaluate(
    series: Mapping[str, np.ndarray],
    dates: Sequence[str],
    equity: Mapping[str, np.ndarray] | None = None,
    claims: Sequence[Claim] | None = None,
    run_end: str | None = None,
    marks: Mapping[Mark, np.ndarray] | None = None,
) -> list[ClaimEval]:
    """Score every claim (default: the bundled ones) on series (months, members); ``run_end``
    and ``marks`` as in :func:`evaluate_claim`."""
    return [evaluate_claim(c, series, dates, equity, run_end=run_end, marks=marks) for c in (claims if claims is not None else load_claims())]


def score_results(results: Results, claims: Sequence[Claim] | None = None, equity: Mapping[str, np.ndarray] | None = None) -> list[ClaimEval]:
    """Score every member of a simulation (or a run read back); companies are valued as
    ``ecosim value`` values a run (:func:`ecosim.finance.series_value.results_equity`: each
    member at the cost of capital it used, with its cash before the first month) unless
    ``equity`` is given, and a claim on a mark is judged on the mark's value like for like
    (:func:`ecosim.finance.series_value.results_marks`). With no member valued (terminal growth
    not below the WACC), the valuation claims are 'not recorded'."""
    if equity is None:
        equity = results_equity(results)
    return evaluate(results.series, results.months, dict(equity), claims, marks=results_marks(results, equity))


# --------------------------------------------------------------------------- ensembles and stores

#: column prefixes of an experiment's outcomes table holding each run's verdict and its month
STATUS_COLUMN = "claim:"
WHEN_COLUMN = "claim_when:"


def scorecard_columns(evals: Sequence[ClaimEval]) -> dict[str, np.ndarray]:
    """Each member's verdict and month per claim, as columns of an experiment's outcomes
    table: ``claim:ID`` (a status of :data:`STATUSES`) and ``claim_when:ID`` (``YYYY-MM`` or '')."""
    out: dict[str, np.ndarray] = {}
    for e in evals:
        out[STATUS_COLUMN + e.claim.id] = e.status.astype(str)
        out[WHEN_COLUMN + e.claim.id] = e.when.astype(str)
    return out


def evals_from_columns(table: Any, claims: Sequence[Claim]) -> list[ClaimEval]:
    """The verdicts stored in an experiment's outcomes table (one row per run) for the claims
    that have their columns there (an experiment run before the scorecard was stored, or with
    another claims file, lacks some or all)."""
    n = len(table)
    out = []
    for c in claims:
        if STATUS_COLUMN + c.id not in table.columns or WHEN_COLUMN + c.id not in table.columns:
            continue
        status = table[STATUS_COLUMN + c.id].fillna("").astype(str).to_numpy(dtype=object)
        when = table[WHEN_COLUMN + c.id].fillna("").astype(str).to_numpy(dtype=object)
        out.append(ClaimEval(c, status, when, np.full(n, np.nan), np.zeros(n, bool), c.not_modelled or ""))
    return out


# --------------------------------------------------------------------------- rows


def run_scorecard(evals: Sequence[ClaimEval], member: int = 0) -> list[dict[str, Any]]:
    """One row per claim for one run (member): the JSON of ``summary.json["scorecard"]``."""
    rows = []
    for e in evals:
        c, t = e.claim, e.claim.test
        v = float(e.value[member])
        rows.append({
            "id": c.id,
            "claim": c.claim,
            "source": c.source,
            "short_source": c.short_source,
            "speaker": c.speaker,
            "stance": c.stance,
            "test": t.describe() if t else "",
            "unit": t.unit if t else "",
            "status": str(e.status[member]),
            "when": str(e.when[member]) or None,
            "value": v if v == v else None,
            "holds_at_end": bool(e.holds_at_end[member]) if t and e.status[member] not in ("not recorded",) else None,
            "reason": e.reason or None,
        })
    return rows


def ensemble_scorecard(evals: Sequence[ClaimEval]) -> list[dict[str, Any]]:
    """One row per claim over an ensemble: probability on time, probability by the run's end,
    median year it comes true (among members where it does), and the count of members."""
    rows = []
    for e in evals:
        c, t = e.claim, e.claim.test
        n = len(e.status)
        st = e.status.astype(str)
        recorded = st[0] not in ("not modelled", "not recorded")
        came = np.isin(st, ("true", "late")) if t and t.check == "first" else st == "true"
        years = np.array([int(w[:4]) for w in e.when[came]]) if t and t.check == "first" else np.array([], dtype=int)
        rows.append({
            "id": c.id,
            "claim": c.claim,
            "source": c.source,
            "stance": c.stance,
            "test": t.describe() if t else "",
            "members": n,
            "p_on_time": float(np.mean(st == "true")) if recorded else None,
            "p_by_end": float(np.mean(came)) if recorded else None,
            "p_open": float(np.mean(st == "open")) if recorded else None,
            "median_year": float(np.median(years)) if len(years) else None,
            "status": str(st[0]) if not recorded else None,
            "reason": e.reason or None,
        })
    return rows
