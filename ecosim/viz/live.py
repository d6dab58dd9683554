"""The model the browser view drives, and what it knows about value.

:class:`LiveModel` is an :class:`~ecosim.model.EcosimModel` (one member, no ledger) built from
the sidebar's :class:`~ecosim.viz.levers.Settings`; Mesa's Reset button rebuilds it from the
settings of that moment. After every month it publishes a consistent :class:`Frame` (the
metrics so far and this month's cleared flows) that the panels draw from, so a panel drawn
while the next month is being computed never sees half a month.

Value, two honest definitions (:class:`Valuation`):

* **Perfect-foresight DCF** — at the start of each full year *Y* of the run, SpaceX's (with
  xAI after the merger) equity value as ``ecosim value`` computes it
  (:func:`ecosim.finance.series_value.equity_values_by_year`: yearly flows from *Y* to the end
  of the run after operating tax with losses carried forward, a fade and a normalised terminal
  value, at the scenario's WACC and terminal growth, plus cash) — the same figure ``ecosim
  value``, ``ecosim compare`` and experiment outcomes give. It needs the future, so on
  every reset the same settings and seed are run to the end once (the run is deterministic:
  it is the very path being watched); the page reveals the value of year *Y* once the view
  reaches *Y*.
* **Run-rate value** — what the cash flows so far alone support: the trailing-12-month free
  cash flow (annualised while fewer than 12 months have run), taxed at the scenario's rate
  when positive, capitalised as a growing perpetuity, ``FCF_ttm (1 - t) (1 + g) / (WACC - g)``.
  Negative while SpaceX invests more than it earns.

Both are compared with the narrative mark (metric ``spacex_mark_usd``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol

import mesa
import numpy as np

from ecosim.analysis.scorecard import run_scorecard, score_results
from ecosim.finance.series_value import results_equity
from ecosim.metrics import METRICS
from ecosim.model import EcosimModel
from ecosim.results.results import Results
from ecosim.scenario.loader import LoadedScenario
from ecosim.simulate import simulate
from ecosim.timeline import format_month, full_years, trailing_twelve_months
from ecosim.viz.levers import Settings

METRIC_NAMES: tuple[str, ...] = tuple(METRICS)
_COLUMN = {name: i for i, name in enumerate(METRIC_NAMES)}


class _HasSettings(Protocol):
    value: Settings


@dataclass(frozen=True)
class Frame:
    """What the panels draw: the first ``steps`` months and this month's flows.

    Attributes
    ----------
    steps : months simulated (0 before the first step).
    date : ``YYYY-MM`` of the last simulated month ('' before the first step).
    flows : commodity -> (sellers, buyers, quantity array [sellers, buyers]) cleared this month.
    """

    steps: int
    date: str
    flows: dict[str, tuple[list[str], list[str], np.ndarray]] = field(default_factory=dict)


@dataclass(frozen=True)
class Valuation:
    """Perfect-foresight DCF of SpaceX (+xAI) at the start of each full year of the run.

    Attributes
    ----------
    years : valuation years.
    value_usd : DCF value at the start of each year [USD] (empty if undefined).
    wacc : discount rate [fraction/yr]. terminal_growth : [fraction/yr].
    tax_rate : operating tax on positive yearly FCF [fraction] (losses carried forward).
    note : why the DCF is undefined ('' when it is defined).
    scorecard : the narrative scorecard of the whole run (rows of
        :func:`ecosim.analysis.scorecard.run_scorecard`), revealed month by month by the
        scorecard panel (:mod:`ecosim.viz.scorecard`).
    """

    years: tuple[int, ...]
    value_usd: tuple[float, ...]
    wacc: float
    terminal_growth: float
    tax_rate: float = 0.0
    note: str = ""
    scorecard: tuple[dict[str, Any], ...] = ()

    def known_at(self, steps: int, start_month: int) -> tuple[list[float], list[float]]:
        """(decimal years, values) of the years the view has reached after ``steps`` months."""
        now = start_month + steps - 1
        xs, ys = [], []
        for y, v in zip(self.years, self.value_usd, strict=True):
            if steps > 0 and y * 12 <= now:
                xs.append(float(y))
                ys.append(v)
        return xs, ys


def run_rate_value(fcf_monthly_usd: np.ndarray, wacc: float, growth: float, tax_rate: float = 0.0) -> float:
    """Trailing-12-month free cash flow capitalised as a growing perpetuity [USD].

    ``FCF_ttm (1 - t) (1 + g) / (WACC - g)``, the tax ``t`` only on a positive FCF; with fewer
    than 12 months, their mean times 12. NaN when there is no month yet or ``g >= WACC``.

    >>> round(run_rate_value(np.full(24, 1.0), 0.10, 0.0), 6)   # 12/yr at 10 %
    120.0
    >>> round(run_rate_value(np.full(3, 1.0), 0.10, 0.02, tax_rate=0.25), 6)   # 12 * 0.75 * 1.02 / 0.08
    114.75
    >>> round(run_rate_value(np.full(3, -1.0), 0.10, 0.0, tax_rate=0.25), 6)   # no tax on a loss
    -120.0
    """
    f = np.asarray(fcf_monthly_usd, dtype=float)
    if f.size == 0 or growth >= wacc:
        return float("nan")
    ttm = float(trailing_twelve_months(f[-12:], partial="annualise")[-1])
    after_tax = ttm - tax_rate * max(ttm, 0.0)
    return after_tax * (1.0 + growth) / (wacc - growth)


def release(model: mesa.Model) -> None:
    """Let the page's live model be garbage-collected (Mesa keeps every model in
    ``Agent._ids``); batch runs are released by :func:`ecosim.simulate.simulate`."""
    mesa.Agent._ids.pop(model, None)


def _foresight(loaded: LoadedScenario, seed: int) -> Valuation:
    results = simulate(loaded, seed=seed)
    cost = results.cost_of_capital
    wacc, growth, tax = float(cost.wacc[0]), float(cost.terminal_growth[0]), float(cost.tax_rate[0])
    equity = results_equity(results)
    card = tuple(run_scorecard(score_results(results, equity=equity)))
    full = full_years(results.months)
    if growth >= wacc:
        note = f"DCF undefined: terminal growth {100 * growth:.2f}% is not below the WACC {100 * wacc:.2f}%"
        return Valuation(tuple(full), (), wacc, growth, tax, note, card)
    values = tuple(float(equity["spacex"][results.months.index(f"{y}-01"), 0]) for y in full)
    return Valuation(tuple(full), values, wacc, growth, tax, scorecard=card)


_FORESIGHT: OrderedDict[tuple[str, int], Valuation] = OrderedDict()
_FORESIGHT_LOCK = threading.Lock()
_FORESIGHT_SIZE = 32


def foresight_valuation(loaded: LoadedScenario, seed: int) -> Valuation:
    """Perfect-foresight DCF of the run of ``loaded`` with ``seed`` (memoised per settings)."""
    key = (loaded.fingerprint(), int(seed))
    with _FORESIGHT_LOCK:
        if key in _FORESIGHT:
            _FORESIGHT.move_to_end(key)
            return _FORESIGHT[key]
    value = _foresight(loaded, int(seed))
    with _FORESIGHT_LOCK:
        _FORESIGHT[key] = value
        while len(_FORESIGHT) > _FORESIGHT_SIZE:
            _FORESIGHT.popitem(last=False)
    return value


@dataclass(frozen=True)
class Reference:
    """A reference run drawn as a ghost on every chart: its label and its results."""

    label: str
    results: Results


#: the reference that is the page's scenario as loaded, before any lever moved or link was cut
AS_LOADED = "@scenario"


def reference_run(settings: Settings, seed: int) -> Reference | None:
    """The ghost run ``settings.reference`` names: none (''), the scenario as loaded
    (:data:`AS_LOADED`), or a bundled scenario by name; memoised with the foresight runs."""
    ref = settings.reference
    if not ref:
        return None
    if ref == AS_LOADED:
        loaded, label = settings.base(), f"{settings.scenario} as loaded"
    else:
        from ecosim.viz.levers import base_scenario

        loaded, label = base_scenario(ref), ref
    key = (loaded.fingerprint(), int(seed), "reference")
    with _FORESIGHT_LOCK:
        cached = _REFERENCES.get(key)
    if cached is None:
        cached = simulate(loaded, seed=seed)
        with _FORESIGHT_LOCK:
            _REFERENCES[key] = cached
            while len(_REFERENCES) > 8:
                _REFERENCES.popitem(last=False)
    return Reference(label, cached)


_REFERENCES: OrderedDict[tuple[str, int, str], Results] = OrderedDict()


def parse_seed(text: str | int | None) -> tuple[int | None, str]:
    """The seed typed in the page: (seed or None for the scenario's, a note if it was unusable).

    >>> parse_seed(""), parse_seed(" 7 "), parse_seed("x")
    ((None, ''), (7, ''), (None, "seed 'x' is not a whole number >= 0: the scenario's seed is used"))
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return None, ""
    try:
        value = int(str(text).strip())
    except ValueError:
        value = -1
    if value < 0:
        return None, f"seed {str(text).strip()!r} is not a whole number >= 0: the scenario's seed is used"
    return value, ""


class LiveModel(EcosimModel):
    """One member of the ecosystem, stepped month by month by the browser view.

    Parameters
    ----------
    settings : the sidebar's :class:`~ecosim.viz.levers.Settings`, or anything holding them
        in ``.value`` (a ``solara.Reactive``: Mesa's Reset reads the settings of that moment).
    seed : the seed typed in the page ('' = the scenario's).
    """

    steps: int  # Mesa's step counter (declared for type checkers)

    def __init__(self, settings: Settings | _HasSettings, seed: str | int | None = "") -> None:
        chosen = settings if isinstance(settings, Settings) else settings.value
        loaded = chosen.load()
        seed_value, self.seed_note = parse_seed(seed)
        super().__init__(loaded, seed=seed_value, record_ledger=False)
        self.settings = chosen
        self.valuation = foresight_valuation(loaded, self.seed_value)
        self.reference = reference_run(chosen, self.seed_value)
        self.values = np.full((self.n_steps, len(METRIC_NAMES)), np.nan)
        self.frame = Frame(0, "")
        self.figures: dict[str, Any] = {}  # the panels' figures (ecosim.viz.panels)
        self.lock = threading.Lock()

    def step(self) -> None:
        """One month (see :meth:`EcosimModel.step`), then publish the new frame."""
        with self.lock:
            if self.steps > self.n_steps:  # Mesa counted a step past the end: undo it
                self.steps = self.n_steps
                self.running = False
                return
            super().step()
            row = self.steps - 1
            mv = self.datacollector.model_vars
            self.values[row] = [float(np.asarray(mv[name][-1]).reshape(-1)[0]) for name in METRIC_NAMES]
            flows = {c: (m.sellers, m.buyers, m.x[0].copy()) for c, m in self.exchange.markets.items()}
            self.frame = Frame(self.steps, format_month(self.month), flows)
            if self.steps >= self.n_steps:
                self.running = False

    def history(self, frame: Frame, *names: str) -> tuple[np.ndarray, list[np.ndarray]]:
        """(decimal years of the middle of each month, one array per metric) up to ``frame``."""
        n = frame.steps
        x = (self.start_month + np.arange(n) + 0.5) / 12.0
        return x, [self.values[:n, _COLUMN[name]] for name in names]

    @property
    def x_range(self) -> tuple[float, float]:
        """Decimal years spanned by the whole run (fixed x axis of the panels)."""
        return self.start_month / 12.0, (self.end_month + 1) / 12.0
