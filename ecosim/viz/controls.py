"""The sidebar of the browser view: scenario chooser, lever sliders and link toggles.

The controls edit a :class:`~ecosim.viz.levers.Settings` held in a ``solara.Reactive``; a
change is validated at once (the same validation as ``ecosim run --set``: a value the
scenario rejects is refused with its one-line message) and takes effect when Mesa's
**Reset** rebuilds the model, as every SolaraViz model parameter does. Until then the card
lists the pending changes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from html import escape

import solara

from ecosim.economics.odc_cost import mass_per_w_kg
from ecosim.errors import EcosimError
from ecosim.scenario import bundled_scenarios
from ecosim.scenario.params import params_of
from ecosim.viz.levers import (
    Lever,
    Link,
    Settings,
    cuttable_links,
    format_value,
    grouped,
    main_levers,
    scenario_levers,
)
from ecosim.viz.live import AS_LOADED, LiveModel

LABEL_STYLE = "font-size: 0.82rem; line-height: 1.2; margin-top: 6px"
NOTE_STYLE = "font-size: 0.8rem"


def note(markup: str, style: str = NOTE_STYLE) -> None:
    """A line of text (HTML built from escaped parts: no Markdown, whose math renderer
    would fetch KaTeX from a CDN)."""
    solara.HTML(tag="div", unsafe_innerHTML=markup, style=style)


def css_name(path: str) -> str:
    """A CSS class for a field path or edge id (the browser test finds controls by it).

    >>> css_name("launch.starship.versions[2].payload_t")
    'launch-starship-versions-2-payload_t'
    """
    return re.sub(r"[^A-Za-z0-9_]+", "-", path).strip("-")


def auto_value(lever: Lever, settings: Settings) -> float | None:
    """What an optional field left unset amounts to, where one number says it (else None).

    ``specific_power_w_per_kg`` unset is derived from the component masses; a launch price
    left unset follows the run's learning curve, which is no single number.
    """
    if lever.path.endswith(".specific_power_w_per_kg"):
        section = getattr(settings.base().model, lever.path.split(".")[0])
        return float(1.0 / mass_per_w_kg(params_of(section)))
    return None


@solara.component
def LeverSlider(lever: Lever, settings: Settings, propose: Callable[[Settings], None], with_section: bool = False) -> None:
    """One lever: its label with unit and value, a slider over the schema's range, and for an
    optional field a checkbox that leaves it to the model."""
    moved = settings.lever_value(lever.path)
    value = moved if moved is not None else lever.value
    auto = auto_value(lever, settings) if value is None else None
    shown = value if value is not None else auto
    prefix = f"{escape(lever.section)}: " if with_section else ""
    text = f"{prefix}{escape(lever.label)}: <b>{escape(format_value(shown))}</b>" + (" (auto)" if value is None else "")
    if moved is not None:
        text += f" · scenario: {escape(format_value(lever.value))}"
    with solara.Column(gap="0px", classes=["ecosim-lever", f"lever-{css_name(lever.path)}"]):
        note(text, LABEL_STYLE)
        if lever.optional:

            def set_fixed(fixed: bool) -> None:
                start = auto if auto is not None else math.sqrt(lever.lo * lever.hi)
                propose(settings.with_lever(lever, lever.from_position(lever.to_position(start)) if fixed else None))

            solara.Checkbox(label="set a value (else the model derives it)", value=value is not None, on_value=set_fixed, style="margin-top: 0px")
        position = lever.to_position(shown if shown is not None else lever.lo)
        solara.SliderInt(
            "",
            value=position,
            min=0,
            max=200,
            on_value=lambda pos: propose(settings.with_lever(lever, lever.from_position(pos))),
            thumb_label=False,
            disabled=value is None,
        )


@solara.component
def Collapsible(title: str, render: Callable[[], None], open_initially: bool = False) -> None:
    """A titled section whose content is only built while it is open (the sidebar stays light)."""
    is_open, set_open = solara.use_state(open_initially)
    solara.Button(("▾ " if is_open else "▸ ") + title, text=True, on_click=lambda: set_open(not is_open), style={"justify-content": "flex-start", "text-transform": "none"})
    if is_open:
        with solara.Column(gap="2px", style={"padding-left": "8px"}):
            render()


@solara.component
def SettingsCard(settings: solara.Reactive[Settings], model: solara.Reactive[LiveModel]) -> None:
    """Scenario chooser, levers and links; pending changes and refused values."""
    error = solara.use_reactive("")
    chosen = settings.value

    def toggle(edge_id: str) -> Callable[[bool], None]:
        return lambda on: propose(chosen.with_link(edge_id, on))

    def propose(new: Settings) -> None:
        try:
            new.load()
        except EcosimError as exc:
            error.set(str(exc))
            return
        error.set("")
        settings.set(new)

    names = list(bundled_scenarios())
    if chosen.scenario not in names:
        names.append(chosen.scenario)
    levers = solara.use_memo(lambda: scenario_levers(chosen.base().model), [chosen.scenario])
    main = main_levers(levers)
    links = solara.use_memo(lambda: cuttable_links(model.value.network), [model.value])

    with solara.Card("Scenario and levers", classes=["ecosim-settings"]):
        solara.Select("Scenario", values=names, value=chosen.scenario, on_value=lambda name: propose(replace(Settings.of(name), reference=chosen.reference)))
        ghosts = {"none": "", "this scenario as loaded (before levers and cuts)": AS_LOADED, **{f"scenario {n}": n for n in names}}
        shown = next((k for k, v in ghosts.items() if v == chosen.reference), "none")
        solara.Select("Reference run (ghost lines on every chart)", values=list(ghosts), value=shown,
                      on_value=lambda k: propose(replace(chosen, reference=ghosts[k])), classes=["ecosim-reference"])
        note(escape(chosen.base().model.scenario.description))
        # notices live in one fixed slot, so the sliders below keep their places (and the focus)
        with solara.Column(gap="4px", classes=["ecosim-notices"]):
            if chosen != model.value.settings:
                pending = chosen.describe()
                if chosen.scenario != model.value.settings.scenario:
                    pending = [f"scenario {chosen.scenario}", *pending]
                solara.Warning("Press Reset to apply: " + "; ".join(pending), dense=True, classes=["ecosim-pending"])
            if error.value:
                solara.Error(error.value, dense=True, classes=["ecosim-refused"])
            if chosen.levers or chosen.disabled != frozenset(chosen.base().model.exchange.disable):
                solara.Button("Back to the scenario's values", text=True, on_click=lambda: propose(Settings.of(chosen.scenario)))
        for lever in main:
            LeverSlider(lever, chosen, propose, with_section=True).key(f"main-{lever.path}")

        sections = grouped(levers)

        def all_levers() -> None:
            for section, items in sections.items():
                note(f"<b>{escape(section)}</b>", LABEL_STYLE)
                for lever in items:
                    LeverSlider(lever, chosen, propose).key(f"all-{lever.path}")

        Collapsible(f"All {len(levers)} levers by actor", render=all_levers)

    with solara.Card("Flywheel links", classes=["ecosim-links"]):
        note("Untick a link to cut it (<code>[exchange] disable</code>): nothing flows on it after Reset.")
        by_commodity: dict[str, list[Link]] = {}
        for link in links:
            by_commodity.setdefault(link.commodity, []).append(link)
        for commodity, items in by_commodity.items():
            cut = sum(1 for lk in items if lk.id in chosen.disabled)

            def render_links(items: list[Link] = items) -> None:
                for lk in items:
                    with solara.Column(gap="0px", classes=[f"link-{css_name(lk.id)}"]):
                        solara.Checkbox(label=f"{lk.seller} → {lk.buyer}", value=lk.id not in chosen.disabled, on_value=toggle(lk.id))

            unit = items[0].unit
            Collapsible(f"{commodity} [{unit}] — {len(items)} links" + (f", {cut} cut" if cut else ""), render=render_links)
