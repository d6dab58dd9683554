"""The page: Mesa's SolaraViz (controls, step / play / reset, "Step: N") with ecosim's panels,
an introduction, a time slider, the take-away card, and a sidebar of scenario, levers and links.

Each browser session gets its own model (built when the session opens), so two tabs never
step each other's world. The page's state lives in its address: opening
``/?scenario=baseline&set=...&cut=...&ref=...&seed=7&month=24`` rebuilds that world and steps
it to that month (:func:`ecosim.viz.export.from_query`), and every applied change rewrites
the address (:func:`ecosim.viz.widgets.UrlState`, with the month shown), so the browser's
address is always a link that reopens what is shown.

SolaraViz is keyed by the model: when the sidebar's **Apply** (or Mesa's Reset) replaces the
model, Mesa's controls start afresh with it (not playing, able to step).

The panels are laid out by :func:`PanelGrid`, one component that re-renders after every
month, rather than handed to SolaraViz as ``components``: SolaraViz wraps each component in
its own listener, and Solara re-renders the whole page once per listener. The grid puts
charts side by side while each can be at least 460 px wide and one under the other below
that (a 1024-px window shows one column next to the sidebar); the scorecard and the network
take whole rows.
"""

from __future__ import annotations

import os

# reacton's renderer that re-renders only the parts of the page whose state changed (opt-in,
# reacton >= 1.11.1): with the default one every month walks the whole page, sidebar included,
# and the page plays at about 2 months/s instead of 5+ (benchmarks/bench_viz.py)
os.environ.setdefault("REACTON_FAST", "1")

from collections.abc import Callable, Sequence
from typing import Any

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from ecosim.viz.controls import SettingsCard, TakeAwayCard, note
from ecosim.viz.export import from_query, to_query
from ecosim.viz.glossary import gloss
from ecosim.viz.live import LiveModel, release
from ecosim.viz.panels import PANELS
from ecosim.viz.server import SCENARIO_ENV
from ecosim.viz.widgets import UrlState

DEFAULT_SCENARIO = "baseline"
#: Milliseconds between months while playing. Mesa's non-threaded play loop steps and then
#: draws in the same thread, and the panels read immutable frames, so a short interval cannot race.
PLAY_INTERVAL_MS = 50
TITLE = "ecosim — the Musk-ecosystem flywheel, month by month"

Panel = Callable[..., Any]

INTRO = (
    "The flywheel under test: Tesla's cars, Cybercab robotaxis and Optimus robots and Starlink's Earth observation collect data that trains xAI; "
    "Starship launches Starlink satellites and solar-powered orbital data centers (ODC) whose compute feeds AI training; "
    "revenue pays for more launches; Chinese PV suppliers, chip makers, grids, Kuiper, Blue Origin, Google and OpenAI supply and compete. "
    "Every actor trades over the exchange network, month by month, and the run is valued as the valuation command values it, against the narrative mark. "
    "Press ▶ (or Step) to watch; move levers or cut links in the sidebar and Apply; pick a reference run to see where the worlds part; "
    "drag the month slider to look back; hover any chart for its numbers. Dotted underlines explain a term."
)

CSS = """
.ecosim-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 8px; padding: 8px; }
.ecosim-grid > .ecosim-full { grid-column: 1 / -1; }
.ecosim-grid > * { min-width: 0; }
abbr.ecosim-term { text-decoration: underline dotted #888; cursor: help; }
.solara-content-main.v-navigation-drawer { min-width: 340px !important; max-width: 360px !important; }
.ecosim-lever-value input { font-size: 0.8rem; text-align: right; }
"""


def default_scenario() -> str:
    """The scenario named by ``ECOSIM_VIZ_SCENARIO``, else ``baseline``."""
    return os.environ.get(SCENARIO_ENV, "").strip() or DEFAULT_SCENARIO


def is_full_width(panel: Panel) -> bool:
    return bool(getattr(panel, "full_width", False))


@solara.component
def PanelGrid(model: LiveModel, panels: Sequence[Panel], view: solara.Reactive[int | None]) -> None:
    """The time slider and every panel of the month shown (re-rendered after each step)."""
    update_counter.get()
    latest = model.frame.steps
    model.shown = view.value
    frame = model.frame_at(view.value)

    def look(month: int) -> None:
        view.set(None if month >= model.frame.steps else month)

    typed = model.seed_value if model.seed_value != model.scenario.scenario.seed else None
    UrlState(query=to_query(model.settings, typed, frame.steps or None))
    TakeAwayCard(model, frame.steps)
    with solara.Row(gap="8px", style={"align-items": "center", "padding": "0 8px"}, classes=["ecosim-time"]):
        note(f"<b>Month shown</b>: {frame.date or 'start'}" + ("" if view.value is None else f" (the run is at {model.frame.date})"),
             "font-size: 0.9rem; white-space: nowrap")
        with solara.Div(style={"flex": "1"}, classes=["ecosim-time-slider"]):
            solara.SliderInt("", value=frame.steps, min=0, max=max(latest, 1), on_value=look, thumb_label=True, disabled=latest == 0)
        if view.value is not None:
            solara.Button("Back to the latest month", small=True, on_click=lambda: view.set(None), classes=["ecosim-latest"])
    with solara.Div(classes=["ecosim-grid", "ecosim-panels"]):
        for panel in panels:
            with solara.Div(classes=["ecosim-full"] if is_full_width(panel) else []):
                panel(model, frame)


@solara.component
def Intro() -> None:
    """What the page shows, in a few lines, with the glossary's tooltips."""
    note(f"<div style='max-width: 1100px'>{gloss(INTRO)}</div>", "font-size: 0.88rem; padding: 8px 8px 0 8px; color: #333", classes=["ecosim-intro"])


def session_model(settings: solara.Reactive[Any], seed: solara.Reactive[str]) -> type[LiveModel]:
    """The model class of one browser session: a :class:`LiveModel` that reads the session's
    sidebar when built without arguments, as Mesa's Reset may build it (right after a remount,
    before Mesa's "Model Parameters" are filled in, it passes none)."""

    class PageModel(LiveModel):
        def __init__(self, settings: Any = settings, seed: Any = seed) -> None:
            super().__init__(settings, seed)

    return PageModel


def _step_to(model: LiveModel, month: int | None) -> LiveModel:
    for _ in range(min(month or 0, model.n_steps)):
        model.step()
    return model


@solara.component
def EcosimPage(scenario: str | None = None, panels: Sequence[Panel] = tuple(PANELS)) -> None:
    """The whole page for one browser session."""
    router = solara.use_router()
    state = solara.use_memo(lambda: from_query(router.search, scenario or default_scenario()), [])
    settings = solara.use_reactive(state.settings)
    seed = solara.use_reactive("" if state.seed is None else str(state.seed))
    model_class = solara.use_memo(lambda: session_model(settings, seed), [])
    initial: LiveModel = solara.use_memo(lambda: _step_to(model_class(state.settings, seed.value), state.month), [])
    model: solara.Reactive[LiveModel] = solara.use_reactive(initial)
    view: solara.Reactive[int | None] = solara.use_reactive(None)

    def on_model() -> Callable[[], None]:
        current = model.value
        view.set(None)

        def drop() -> None:  # the model was replaced (Apply, Reset) or the session closed
            current.cache.clear()
            release(current)

        return drop

    solara.use_effect(on_model, [model.value])

    def apply() -> None:
        model.set(model_class(settings, seed))

    solara.Title(TITLE)
    solara.Style(CSS)
    SolaraViz(model, components=[], model_params={"settings": settings, "seed": seed}, play_interval=PLAY_INTERVAL_MS, name=TITLE).key(f"viz-{id(model.value)}")
    Intro()
    for line in state.notes:
        solara.Warning(line, dense=True, classes=["ecosim-link-note"])
    PanelGrid(model.value, list(panels), view)
    _SidebarBelow(settings, seed, model, apply)


@solara.component
def _SidebarBelow(settings: solara.Reactive[Any], seed: solara.Reactive[str], model: solara.Reactive[LiveModel], apply: Callable[[], None]) -> None:
    # Solara orders sidebar content by component depth: one level deeper than SolaraViz's own
    # sidebar puts the settings below Mesa's controls (Reset, play, Step).
    _SidebarCards(settings, seed, model, apply)


@solara.component
def _SidebarCards(settings: solara.Reactive[Any], seed: solara.Reactive[str], model: solara.Reactive[LiveModel], apply: Callable[[], None]) -> None:
    with solara.Sidebar():
        SettingsCard(settings, seed, model, apply)
