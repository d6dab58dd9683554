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
from ecosim.viz.levers import Settings, base_scenario

METRIC_NAMES: tuple[str, ...] = tuple(METRICS)
_COLUMN = {name: i for i, name in enumerate(METRIC_NAMES)}


class _HasSettings(Protocol):
    value: Settings


class _HasText(Protocol):
    value: str


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


def run_rate_values(fcf_monthly_usd: np.ndarray, wacc: float, growth: float, tax_rate: float = 0.0) -> np.ndarray:
    """The run-rate value after each month [USD]: the trailing-12-month free cash flow (the
    months so far annualised before the twelfth) capitalised as a growing perpetuity,
    ``FCF_ttm (1 - t) (1 + g) / (WACC - g)``, the tax ``t`` only on a positive FCF. NaN when
    ``g >= WACC``.

    >>> run_rate_values(np.array([1.0, 1.0, -3.0]), 0.10, 0.0).round(6).tolist()   # 12, 12, -4 per yr at 10 %
    [120.0, 120.0, -40.0]
    """
    f = np.asarray(fcf_monthly_usd, dtype=float)
    if growth >= wacc:
        return np.full(f.shape, np.nan)
    ttm = trailing_twelve_months(f, partial="annualise")
    after_tax = ttm - tax_rate * np.maximum(ttm, 0.0)
    return after_tax * (1.0 + growth) / (wacc - growth)


def run_rate_value(fcf_monthly_usd: np.ndarray, wacc: float, growth: float, tax_rate: float = 0.0) -> float:
    """The run-rate value after the last month of ``fcf_monthly_usd`` [USD] (see
    :func:`run_rate_values`); NaN when there is no month yet or ``g >= WACC``.

    >>> round(run_rate_value(np.full(24, 1.0), 0.10, 0.0), 6)   # 12/yr at 10 %
    120.0
    >>> round(run_rate_value(np.full(3, 1.0), 0.10, 0.02, tax_rate=0.25), 6)   # 12 * 0.75 * 1.02 / 0.08
    114.75
    >>> round(run_rate_value(np.full(3, -1.0), 0.10, 0.0, tax_rate=0.25), 6)   # no tax on a loss
    -120.0
    """
    f = np.asarray(fcf_monthly_usd, dtype=float)
    if f.size == 0:
        return float("nan")
    return float(run_rate_values(f[-12:] if f.size >= 12 else f, wacc, growth, tax_rate)[-1])


def release(model: mesa.Model) -> None:
    """Let the page's live model be garbage-collected (Mesa keeps every model in
    ``Agent._ids``); batch runs are released by :func:`ecosim.simulate.simulate`."""
    mesa.Agent._ids.pop(model, None)


def _foresight(loaded: LoadedScenario, seed: int) -> tuple[Results, Valuation]:
    results = simulate(loaded, seed=seed)
    cost = results.cost_of_capital
    wacc, growth, tax = float(cost.wacc[0]), float(cost.terminal_growth[0]), float(cost.tax_rate[0])
    equity = results_equity(results)
    card = tuple(run_scorecard(score_results(results, equity=equity)))
    full = full_years(results.months)
    if growth >= wacc:
        note = f"DCF undefined: terminal growth {100 * growth:.2f}% is not below the WACC {100 * wacc:.2f}%"
        return results, Valuation(tuple(full), (), wacc, growth, tax, note, card)
    values = tuple(float(equity["spacex"][results.months.index(f"{y}-01"), 0]) for y in full)
    return results, Valuation(tuple(full), values, wacc, growth, tax, scorecard=card)


_FORESIGHT: OrderedDict[tuple[str, int], tuple[Results, Valuation]] = OrderedDict()
_FORESIGHT_LOCK = threading.Lock()
#: whole runs kept (one member, ~180 months: well under 1 MB each)
_FORESIGHT_SIZE = 16


def whole_run(loaded: LoadedScenario, seed: int) -> tuple[Results, Valuation]:
    """The whole run of ``loaded`` with ``seed`` and its perfect-foresight valuation
    (memoised per settings: every reset and every reference run reuses it)."""
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


def foresight_valuation(loaded: LoadedScenario, seed: int) -> Valuation:
    """Perfect-foresight DCF of the run of ``loaded`` with ``seed`` (memoised per settings)."""
    return whole_run(loaded, seed)[1]


@dataclass(frozen=True)
class Reference:
    """A reference run drawn as a ghost on every chart: its label, results and valuation."""

    label: str
    results: Results
    valuation: Valuation


#: the reference that is the page's scenario as loaded, before any lever moved or link was cut
AS_LOADED = "@scenario"


def reference_run(settings: Settings, seed: int) -> Reference | None:
    """The ghost run ``settings.reference`` names: none (''), the scenario as loaded
    (:data:`AS_LOADED`), or a bundled scenario by name."""
    ref = settings.reference
    if not ref:
        return None
    if ref == AS_LOADED:
        loaded, label = settings.base(), f"{settings.scenario_label} as loaded"
    else:
        loaded, label = base_scenario(ref), ref
    results, valuation = whole_run(loaded, seed)
    return Reference(label, results, valuation)


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
    seed : the seed typed in the page ('' = the scenario's), or anything holding it in ``.value``.
    """

    steps: int  # Mesa's step counter (declared for type checkers)

    def __init__(self, settings: Settings | _HasSettings, seed: str | int | None | _HasText = "") -> None:
        chosen = settings if isinstance(settings, Settings) else settings.value
        loaded = chosen.load()
        seed_value, self.seed_note = parse_seed(seed if seed is None or isinstance(seed, str | int) else seed.value)
        super().__init__(loaded, seed=seed_value, record_ledger=False)
        self.settings = chosen
        self.valuation = foresight_valuation(loaded, self.seed_value)
        self.reference = reference_run(chosen, self.seed_value)
        self.values = np.full((self.n_steps, len(METRIC_NAMES)), np.nan)
        self.frame = Frame(0, "")
        self.frames: list[Frame] = [self.frame]  # frames[n]: after n months (the time slider)
        self.cache: dict[str, Any] = {}  # what the charts compute once per model (ghosts, the network layout)
        self.shown: int | None = None  # the month the page shows (None: the latest); downloads read it
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
            self.frames.append(self.frame)
            if self.steps >= self.n_steps:
                self.running = False

    def frame_at(self, months: int | None) -> Frame:
        """The frame after ``months`` months (None or more than simulated: the latest)."""
        frames = self.frames
        if months is None or months >= len(frames) - 1:
            return frames[-1]
        return frames[max(int(months), 0)]

    def kept(self, key: str, make: Any) -> Any:
        """``make`` kept under ``key`` for the life of this model (the first one given wins).

        The page's download buttons get the same function at every month: their file is made
        when clicked, from the month shown then; a new function at every month would make
        Solara's download button start over at every month."""
        return self.cache.setdefault(key, make)

    @property
    def shown_frame(self) -> Frame:
        """The frame of the month the page shows."""
        return self.frame_at(self.shown)

    def history(self, frame: Frame, *names: str) -> tuple[np.ndarray, list[np.ndarray]]:
        """(decimal years of the middle of each month, one array per metric) up to ``frame``."""
        n = frame.steps
        x = (self.start_month + np.arange(n) + 0.5) / 12.0
        return x, [self.values[:n, _COLUMN[name]] for name in names]

    @property
    def x_range(self) -> tuple[float, float]:
        """Decimal years spanned by the whole run (fixed x axis of the panels)."""
        return self.start_month / 12.0, (self.end_month + 1) / 12.0
