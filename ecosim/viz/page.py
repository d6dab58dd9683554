"""The page: Mesa's SolaraViz (controls, step / play / reset, "Step: N", model parameters) with
ecosim's panels and a sidebar of scenario, levers and links.

Each browser session gets its own model (built when the session opens), so two tabs never
step each other's world. Mesa's Reset rebuilds the model from the sidebar's settings and the
seed typed in "Model Parameters"; the replaced model is released.

The panels are laid out by :func:`PanelGrid`, one component that re-renders after every
month, rather than handed to SolaraViz as ``components``: SolaraViz wraps each component in
its own listener, and Solara re-renders the whole page once per listener, so seven panels
cost seven page renders a month (~200 ms here) instead of one. The grid is also fixed
(half-width charts in pairs, the network on a full row), where SolaraViz's grid makes every
item half width.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from ecosim.viz.controls import SettingsCard
from ecosim.viz.levers import Settings
from ecosim.viz.live import LiveModel, release
from ecosim.viz.panels import PANELS
from ecosim.viz.server import SCENARIO_ENV

DEFAULT_SCENARIO = "baseline"
#: Milliseconds between months while playing. Mesa's non-threaded play loop steps and then
#: draws in the same thread, and the panels read immutable frames, so a short interval cannot
#: race; drawing a month takes ~50-150 ms here, so 50 ms keeps playback near 5+ months/s.
PLAY_INTERVAL_MS = 50
TITLE = "ecosim — the Musk-ecosystem flywheel, month by month"

Panel = Callable[[LiveModel], Any]


def default_scenario() -> str:
    """The scenario named by ``ECOSIM_VIZ_SCENARIO``, else ``baseline``."""
    return os.environ.get(SCENARIO_ENV, "").strip() or DEFAULT_SCENARIO


def model_params(settings: solara.Reactive[Settings]) -> dict[str, Any]:
    """Mesa's "Model Parameters": the sidebar's settings (fixed: read at each Reset) and the seed."""
    return {
        "settings": settings,
        "seed": {"type": "InputText", "value": "", "label": "Random seed (blank = the scenario's)"},
    }


def rows(panels: Sequence[Panel]) -> list[list[Panel]]:
    """Panels in rows of the page: full-width panels alone, the others in pairs, in order.

    >>> class P:
    ...     def __init__(self, full): self.full_width = full
    >>> [[p.full_width for p in r] for r in rows([P(False), P(False), P(True), P(False)])]
    [[False, False], [True], [False]]
    """
    out: list[list[Panel]] = []
    pending: list[Panel] = []
    for panel in panels:
        if getattr(panel, "full_width", False):
            if pending:
                out.append(pending)
                pending = []
            out.append([panel])
        else:
            pending.append(panel)
            if len(pending) == 2:
                out.append(pending)
                pending = []
    if pending:
        out.append(pending)
    return out


@solara.component
def PanelGrid(model: LiveModel, panels: Sequence[Panel]) -> None:
    """Every panel of the current month (re-rendered after each step, as SolaraViz components are)."""
    update_counter.get()
    with solara.Column(gap="8px", style={"padding": "8px"}, classes=["ecosim-panels"]):
        for row in rows(panels):
            if len(row) == 1 and getattr(row[0], "full_width", False):
                row[0](model)
            else:
                with solara.Columns([1] * 2, gutters_dense=True):
                    for panel in row:
                        panel(model)


@solara.component
def EcosimPage(scenario: str | None = None, panels: Sequence[Panel] = tuple(PANELS)) -> None:
    """The whole page for one browser session."""
    first = solara.use_memo(lambda: Settings.of(scenario or default_scenario()), [])
    settings = solara.use_reactive(first)
    initial: LiveModel = solara.use_memo(lambda: LiveModel(first), [])
    model: solara.Reactive[LiveModel] = solara.use_reactive(initial)

    def keep_current() -> Callable[[], None]:
        current = model.value

        def drop() -> None:  # the model was replaced (Reset) or the session closed
            current.figures.clear()
            release(current)

        return drop

    solara.use_effect(keep_current, [model.value])
    SolaraViz(model, components=[], model_params=model_params(settings), play_interval=PLAY_INTERVAL_MS, name=TITLE)
    PanelGrid(model.value, list(panels))
    _SidebarBelow(settings, model)


@solara.component
def _SidebarBelow(settings: solara.Reactive[Settings], model: solara.Reactive[LiveModel]) -> None:
    # Solara orders sidebar content by component depth: one level deeper than SolaraViz's own
    # sidebar puts the settings below Mesa's controls (Reset, play, Step).
    _SidebarCards(settings, model)


@solara.component
def _SidebarCards(settings: solara.Reactive[Settings], model: solara.Reactive[LiveModel]) -> None:
    with solara.Sidebar():
        SettingsCard(settings, model)
