"""The sidebar of the browser view: scenario (bundled or loaded from a file), reference run,
seed, levers and links; and the card of what a reader takes away.

The controls edit a :class:`~ecosim.viz.levers.Settings` held in a ``solara.Reactive``; a
change is validated at once (the same validation as ``ecosim run --set``: a value the
scenario rejects is refused with its one-line message) and takes effect when the world is
rebuilt from month 0: by the **Apply** button of the pending notice (which stays in sight at
the top of the sidebar while the levers scroll) or by Mesa's **Reset**.

Each lever shows its range and takes a typed value as well as the slider: a typed value may
leave the slider's range as far as the scenario schema allows (the slider then sits at its end).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from html import escape

import pandas as pd
import solara

from ecosim.economics.odc_cost import mass_per_w_kg
from ecosim.errors import EcosimError
from ecosim.scenario import bundled_scenarios
from ecosim.scenario.params import params_of
from ecosim.viz.charts import month_dates
from ecosim.viz.export import (
    UPLOADS,
    command_line,
    scenario_toml,
    table_bytes,
    to_query,
    watched_table,
)
from ecosim.viz.glossary import gloss, unit_tip
from ecosim.viz.levers import (
    Lever,
    Link,
    Settings,
    cuttable_links,
    format_value,
    grouped,
    main_levers,
    round_sig,
    scenario_levers,
)
from ecosim.viz.live import AS_LOADED, METRIC_NAMES, LiveModel, parse_seed
from ecosim.viz.widgets import CopyText, FileLoad

LABEL_STYLE = "font-size: 0.82rem; line-height: 1.2; margin-top: 6px"
NOTE_STYLE = "font-size: 0.8rem"
RANGE_STYLE = "font-size: 0.72rem; color: #666; white-space: nowrap"


def note(markup: str, style: str = NOTE_STYLE, classes: list[str] | None = None) -> None:
    """A line of text (HTML built from escaped parts: no Markdown, whose math renderer
    would fetch KaTeX from a CDN)."""
    solara.HTML(tag="div", unsafe_innerHTML=markup, style=style, classes=classes or [])


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
    """One lever: its label with unit, a slider over the schema's range with the ends shown,
    a box to type the value, and for an optional field a checkbox that leaves it to the model."""
    moved = settings.lever_value(lever.path)
    value = moved if moved is not None else lever.value
    auto = auto_value(lever, settings) if value is None else None
    shown = value if value is not None else auto
    prefix = f"{escape(lever.section)}: " if with_section else ""
    unit = "" if lever.unit in ("-", "") else f" [{unit_tip(lever.unit)}]"
    text = f"{prefix}{escape(lever.doc)}{unit}" + (" (auto)" if value is None else "")
    if moved is not None:
        text += f" · scenario: {escape(format_value(lever.value))}"
    with solara.Column(gap="0px", classes=["ecosim-lever", f"lever-{css_name(lever.path)}"]):
        note(text, LABEL_STYLE)
        if lever.optional:

            def set_fixed(fixed: bool) -> None:
                start = auto if auto is not None else math.sqrt(lever.lo * lever.hi)
                propose(settings.with_lever(lever, lever.from_position(lever.to_position(start)) if fixed else None))

            solara.Checkbox(label="set a value (else the model derives it)", value=value is not None, on_value=set_fixed, style="margin-top: 0px")
        with solara.Row(gap="4px", style={"align-items": "center"}):
            note(format_value(lever.lo), RANGE_STYLE, classes=["ecosim-lever-min"])
            with solara.Div(style={"flex": "1", "min-width": "60px"}):
                solara.SliderInt(
                    "",
                    value=lever.to_position(shown if shown is not None else lever.lo),
                    min=0,
                    max=200,
                    on_value=lambda pos: propose(settings.with_lever(lever, lever.from_position(pos))),
                    thumb_label=False,
                    disabled=value is None,
                )
            note(format_value(lever.hi) + (" (log)" if lever.log else ""), RANGE_STYLE, classes=["ecosim-lever-max"])
            with solara.Div(style={"width": "88px"}, classes=["ecosim-lever-value"]):
                solara.InputFloat(
                    "",
                    value=None if shown is None else round_sig(shown),
                    on_value=lambda v: propose(settings.with_lever(lever, v)) if v is not None and math.isfinite(v) else None,
                    disabled=value is None,
                    dense=True,
                    hide_details=True,
                )


@solara.component
def Collapsible(title: str, render: Callable[[], None], open_initially: bool = False, classes: list[str] | None = None) -> None:
    """A titled section whose content is only built while it is open (the sidebar stays light)."""
    is_open, set_open = solara.use_state(open_initially)
    solara.Button(("▾ " if is_open else "▸ ") + title, text=True, on_click=lambda: set_open(not is_open), classes=classes or [],
                  style={"justify-content": "flex-start", "text-transform": "none"})
    if is_open:
        with solara.Column(gap="2px", style={"padding-left": "8px"}):
            render()


def pending_changes(chosen: Settings, seed_text: str, model: LiveModel) -> list[str]:
    """What the sidebar holds that the world shown does not have yet."""
    pending: list[str] = []
    if replace(chosen, reference="") != replace(model.settings, reference=""):
        pending = chosen.describe() or ["the scenario's own values"]
        if chosen.scenario != model.settings.scenario:
            pending = [f"scenario {chosen.scenario_label}", *chosen.describe()]
    if chosen.reference != model.settings.reference:
        pending.append(f"reference run {reference_label(chosen.reference) or 'none'}")
    seed, _ = parse_seed(seed_text)
    if (seed if seed is not None else model.scenario.scenario.seed) != model.seed_value:
        pending.append(f"seed {seed if seed is not None else 'of the scenario'}")
    return pending


def reference_label(ref: str) -> str:
    """How the chooser names a reference run."""
    if ref == AS_LOADED:
        return "this scenario as loaded (before levers and cuts)"
    return f"scenario {ref}" if ref else ""


@solara.component
def PendingNotice(settings: solara.Reactive[Settings], seed: solara.Reactive[str], model: LiveModel, apply: Callable[[], None]) -> None:
    """The changes not applied yet, with the button that applies them (kept in sight)."""
    pending = pending_changes(settings.value, seed.value, model)
    if not pending:
        return
    with solara.Column(gap="4px", classes=["ecosim-pending-box"],
                       style={"position": "sticky", "top": "0", "z-index": "5", "background": "white", "padding": "4px 0"}):
        solara.Warning("Not applied yet: " + "; ".join(pending), dense=True, classes=["ecosim-pending"])
        solara.Button("Apply: rebuild the world from month 0", color="primary", on_click=apply, classes=["ecosim-apply"], small=True)


@solara.component
def SettingsCard(settings: solara.Reactive[Settings], seed: solara.Reactive[str], model: solara.Reactive[LiveModel], apply: Callable[[], None]) -> None:
    """Scenario chooser and file, reference run, seed, levers and links; pending changes and refused values."""
    error = solara.use_reactive("")
    loaded_files = solara.use_reactive(tuple[str, ...]())
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

    def load_file(info: dict[str, object]) -> None:
        try:
            path = UPLOADS.store(str(info.get("name", "")), str(info.get("text", "")).encode("utf-8"))
            new = replace(Settings.of(path), reference=chosen.reference)
        except EcosimError as exc:
            error.set(str(exc))
            return
        error.set("")
        loaded_files.set(tuple(dict.fromkeys((*loaded_files.value, path))))
        settings.set(new)

    names = {n: n for n in bundled_scenarios()}
    for path in (*loaded_files.value, model.value.settings.scenario, chosen.scenario):
        if path not in names.values():
            names[f"file {Settings(path).scenario_label}"] = path
    shown_name = next(k for k, v in names.items() if v == chosen.scenario)
    levers = solara.use_memo(lambda: scenario_levers(chosen.base().model), [chosen.scenario])
    main = main_levers(levers)
    links = solara.use_memo(lambda: cuttable_links(model.value.network), [model.value])

    with solara.Card("Scenario and levers", classes=["ecosim-settings"]):
        # notices live in one fixed slot, so the controls below keep their places (and state)
        with solara.Column(gap="4px", classes=["ecosim-notices"]):
            PendingNotice(settings, seed, model.value, apply)
            if error.value:
                solara.Error(error.value, dense=True, classes=["ecosim-refused"])
        solara.Select("Scenario", values=list(names), value=shown_name,
                      on_value=lambda k: propose(replace(Settings.of(names[k]), reference=chosen.reference)))
        FileLoad(label="…or load a scenario file (TOML):", event_load=load_file)
        note(escape(chosen.base().model.scenario.description))
        ghosts = {"none": "", reference_label(AS_LOADED): AS_LOADED, **{reference_label(n): n for n in bundled_scenarios()}}
        solara.Select("Reference run (ghost lines on every chart)", values=list(ghosts), value=next((k for k, v in ghosts.items() if v == chosen.reference), "none"),
                      on_value=lambda k: settings.set(replace(chosen, reference=ghosts[k])), classes=["ecosim-reference"])
        solara.InputText("Random seed (blank = the scenario's)", value=seed, continuous_update=False, classes=["ecosim-seed"])
        with solara.Column(gap="0px"):
            if chosen.levers or chosen.disabled != frozenset(chosen.base().model.exchange.disable):
                solara.Button("Back to the scenario's values", text=True, on_click=lambda: propose(replace(Settings.of(chosen.scenario), reference=chosen.reference)))
        note(f"Main {gloss('levers')}: drag, or type a value (the range is the slider's; the scenario schema may allow more).", NOTE_STYLE)
        for lever in main:
            LeverSlider(lever, chosen, propose, with_section=True).key(f"main-{lever.path}")

        sections = grouped(levers)

        def all_levers() -> None:
            for section, items in sections.items():
                note(f"<b>{escape(section)}</b>", LABEL_STYLE)
                for lever in items:
                    LeverSlider(lever, chosen, propose).key(f"all-{lever.path}")

        Collapsible(f"All {len(levers)} levers by actor", render=all_levers).key("all-levers")

    with solara.Card("Flywheel links", classes=["ecosim-links"]):
        note(f"Untick a link to cut it (<code>[exchange] disable</code>): nothing flows on it once applied. {gloss('Goods edge')}s carry goods; {gloss('signal edge')}s carry what one actor publishes for another.")
        by_commodity: dict[str, list[Link]] = {}
        for link in links:
            by_commodity.setdefault(link.commodity, []).append(link)
        for commodity, items in by_commodity.items():
            cut = sum(1 for lk in items if lk.id in chosen.disabled)

            def render_links(items: list[Link] = items) -> None:
                for lk in items:
                    with solara.Column(gap="0px", classes=[f"link-{css_name(lk.id)}"]):
                        solara.Checkbox(label=f"{lk.seller} → {lk.buyer}", value=lk.id not in chosen.disabled, on_value=toggle(lk.id))

            kind = "signal" if items[0].signal else "goods"
            Collapsible(f"{commodity} [{items[0].unit}] — {len(items)} {kind} links" + (f", {cut} cut" if cut else ""), render=render_links)


@solara.component
def TakeAwayCard(model: LiveModel, months: int) -> None:
    """What the run shown amounts to, to take away: the command line that runs it, its scenario
    as TOML, the months watched as CSV or Parquet, and a link that reopens this view."""
    settings = model.settings
    seed = model.seed_value if model.seed_value != model.scenario.scenario.seed else None  # a seed typed in the page
    name = settings.scenario_label.removesuffix(".toml")

    def watched() -> pd.DataFrame:
        return watched_table(month_dates(model.start_month, model.frame.steps), model.values, METRIC_NAMES)

    with solara.Column(gap="4px", classes=["ecosim-takeaway"], style={"padding": "6px 8px", "border": "1px solid #e3e3e3"}):
        note("<b>Take it away</b> — the run shown, as a command (<code>ecosim run</code> gives the same world, month for month):", NOTE_STYLE)
        with solara.Div(classes=["ecosim-command"]):
            CopyText(text=command_line(settings, seed), label="Copy")
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            with solara.Div(classes=["ecosim-download-toml"]):
                solara.FileDownload(model.kept("toml", lambda: scenario_toml(settings)), filename=f"{name}-page.toml", label="Scenario (TOML)", mime_type="application/toml")
            with solara.Div(classes=["ecosim-download-csv"]):
                solara.FileDownload(model.kept("run-csv", lambda: table_bytes(watched(), "csv")), filename=f"{name}-watched.csv", label="Months watched (CSV)", mime_type="text/csv")
            with solara.Div(classes=["ecosim-download-parquet"]):
                solara.FileDownload(model.kept("run-parquet", lambda: table_bytes(watched(), "parquet")), filename=f"{name}-watched.parquet", label="(Parquet)")
        note("A link to this view (scenario, changes, reference run, seed and the month shown):", NOTE_STYLE)
        with solara.Div(classes=["ecosim-link"]):
            CopyText(text=to_query(settings, seed, months or None), label="Copy link", link=True)
