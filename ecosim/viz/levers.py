"""What the browser view lets people change, derived from the scenario schema and the network.

* **Levers**: every scenario field marked ``lever=(lo, hi)`` in
  :mod:`ecosim.scenario.schema` becomes a slider with that range, the field's unit and its
  one-line meaning, so the page and the scenario files cannot disagree. Fields inside lists
  (``launch.starship.versions[i].payload_t``) give one slider per item of the scenario.
* **Links**: every goods or signal edge of the exchange network can be cut
  (``[exchange] disable``); money edges are bookkeeping and are not offered.
* **Settings**: the scenario, the levers moved away from its values and the cut links. They
  become ``--set`` overrides and a validated scenario through
  :meth:`~ecosim.scenario.loader.LoadedScenario.with_overrides`, exactly as ``ecosim run
  --set`` would build it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel

from ecosim.scenario.loader import LoadedScenario, load_scenario
from ecosim.scenario.params import bounds_of
from ecosim.scenario.schema import Scenario

#: Display names of scenario sections (list items add their ``name``, e.g. "Starship V4").
SECTION_TITLES: dict[str, str] = {
    "launch.falcon": "Falcon 9",
    "launch.starship": "Starship",
    "launch.starship.versions": "Starship",
    "new_glenn": "New Glenn",
    "legacy_launch": "ULA & Arianespace",
    "starlink": "Starlink",
    "kuiper": "Kuiper",
    "regulation": "Regulation",
    "cybercab": "Cybercab",
    "optimus": "Optimus",
    "orbital_dc": "SpaceX orbital DCs",
    "google_planet": "Google/Planet Suncatcher",
    "starcloud": "Starcloud",
    "terrestrial_dc": "xAI terrestrial DCs",
    "openai_dc": "OpenAI DCs",
    "anthropic_dc": "Anthropic DCs",
    "google_dc": "Google DCs",
    "ai_hardware": "AI hardware",
    "chips.tsmc": "TSMC",
    "chips.terafab": "TeraFab",
    "pv": "Chinese PV",
    "grid_us": "US grid",
    "grid_china": "China grid",
    "capital_market": "Capital market (WACC)",
}

#: The levers shown first, in this order (the issue's list: Starship cadence and payload,
#: launch-cost learning, ODC hardware cost and specific power, PV price and China's export
#: policy, Kuiper deployment, WACC). ``versions[-1]`` is the scenario's last Starship version.
#: Starship cadence is pads and stacks: the turnaround floor (under "all levers") does not bind
#: in the bundled scenarios, where flights are limited by demand and pads.
MAIN_LEVERS: tuple[str, ...] = (
    "launch.starship.pads_added_per_yr",
    "launch.starship.build_growth_pct_per_yr",
    "launch.starship.versions[-1].payload_t",
    "launch.starship.cost_progress_ratio",
    "orbital_dc.satellite_hardware_usd_per_w",
    "orbital_dc.specific_power_w_per_kg",
    "pv.price_usd_per_w_floor",
    "pv.export_policy_frac",
    "pv.us_tariff_pct",
    "kuiper.target_satellites",
    "kuiper.production_per_month_max",
    "capital_market.risk_free_pct",
    "capital_market.beta_unlevered",
)

#: A lever whose range spans at least this ratio (hi/lo, lo > 0) moves on a log scale.
LOG_RANGE_RATIO = 100.0
#: Slider positions between lo and hi.
SLIDER_STEPS = 200


def round_sig(value: float, digits: int = 3) -> float:
    """``value`` rounded to ``digits`` significant digits (what a slider position means).

    >>> round_sig(1234.5678), round_sig(0.0123456), round_sig(0.0)
    (1230.0, 0.0123, 0.0)
    """
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(round(value, digits - 1 - int(math.floor(math.log10(abs(value))))))


def format_value(value: float | None) -> str:
    """A number as a person reads it: 3 significant digits, thousands separators, k/M/B/T.

    >>> [format_value(v) for v in (0.85, 3.0, 150.0, 19400.0, 2.5e6, 1.25e12, None)]
    ['0.85', '3', '150', '19,400', '2.5M', '1.25T', 'auto']
    """
    if value is None:
        return "auto"
    v = round_sig(float(value))
    a = abs(v)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if a >= scale:
            return f"{v / scale:.3g}{suffix}"
    if a >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}"


@dataclass(frozen=True)
class Lever:
    """One slider: a numeric scenario field with its unit, meaning, range and current value.

    Attributes
    ----------
    path : field path as ``--set`` writes it (``launch.starship.versions[2].payload_t``).
    section : display group ("Starship V4").
    doc : the field's one-line meaning from the schema.
    unit : the field's unit from the schema.
    lo, hi : slider range (the schema's ``lever`` range, widened to include ``value``).
    value : the scenario's value; ``None`` for an optional field left unset ("auto").
    optional : the field may be unset (then the model derives it).
    """

    path: str
    section: str
    doc: str
    unit: str
    lo: float
    hi: float
    value: float | None
    optional: bool = False

    @property
    def label(self) -> str:
        unit = "" if self.unit in ("-", "") else f" [{self.unit}]"
        return f"{self.doc}{unit}"

    @property
    def log(self) -> bool:
        """True when the slider moves on a log scale (a range of two decades or more)."""
        return self.lo > 0 and self.hi / self.lo >= LOG_RANGE_RATIO

    def to_position(self, value: float) -> int:
        """Slider position (0..SLIDER_STEPS) of a value.

        >>> Lever("a", "s", "d", "u", 1.0, 100.0, 10.0).to_position(10.0)
        100
        """
        v = min(max(float(value), self.lo), self.hi)
        if self.log:
            frac = math.log(v / self.lo) / math.log(self.hi / self.lo)
        else:
            frac = (v - self.lo) / (self.hi - self.lo)
        return int(round(frac * SLIDER_STEPS))

    def from_position(self, position: float) -> float:
        """Value at a slider position, rounded to 3 significant digits.

        >>> Lever("a", "s", "d", "u", 1e3, 1e6, 1e4).from_position(100)
        31600.0
        """
        frac = min(max(float(position) / SLIDER_STEPS, 0.0), 1.0)
        if self.log:
            v = self.lo * (self.hi / self.lo) ** frac
        else:
            v = self.lo + frac * (self.hi - self.lo)
        return round_sig(v)

    def override(self, value: float) -> str:
        """The ``--set`` option that puts ``value`` in this field.

        >>> Lever("pv.export_policy_frac", "s", "d", "frac", 0.0, 1.0, 1.0).override(0.25)
        'pv.export_policy_frac=0.25'
        """
        return f"{self.path}={float(value)!r}"


# ------------------------------------------------------------------ the schema walk


def _model_type(annotation: Any) -> type[BaseModel] | None:
    for cand in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
    return None


def _walk(node: BaseModel, prefix: str, title: str) -> Iterator[Lever]:
    for name, info in type(node).model_fields.items():
        value = getattr(node, name)
        path = f"{prefix}{name}"
        ann: Any = info.annotation
        if getattr(ann, "__origin__", None) is list and _model_type(ann.__args__[0]) is not None:
            base = SECTION_TITLES.get(path, title)
            for i, item in enumerate(value):
                item_title = f"{base} {item.name}" if hasattr(item, "name") else f"{base} [{i}]"
                yield from _walk(item, f"{path}[{i}].", item_title)
            continue
        if isinstance(value, BaseModel):
            yield from _walk(value, path + ".", SECTION_TITLES.get(path, path))
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        lever: Any = extra.get("lever")
        if lever is None:
            continue
        lo, hi = float(lever[0]), float(lever[1])
        current = None if value is None else float(value)
        if current is not None:
            lo, hi = min(lo, current), max(hi, current)
        yield Lever(
            path=path,
            section=title,
            doc=str(info.description),
            unit=str(extra.get("unit", "")),
            lo=lo,
            hi=hi,
            value=current,
            optional=value is None or type(None) in getattr(ann, "__args__", ()),
        )


def scenario_levers(scenario: Scenario) -> list[Lever]:
    """Every lever of a scenario, in schema order, with the scenario's values."""
    return list(_walk(scenario, "", ""))


def lever_schema_fields() -> list[tuple[str, tuple[float, float], dict[str, float]]]:
    """(schema path with ``[0]`` for list items, lever range, bounds) of every marked field.

    Used to check that every ``lever`` range lies inside its field's bounds.
    """
    from ecosim.scenario.loader import all_schema_paths
    from ecosim.scenario.params import field_info

    out = []
    for path in all_schema_paths():
        info = field_info(path)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if "lever" in extra:
            lever: Any = extra["lever"]
            lo, hi = lever
            out.append((path, (float(lo), float(hi)), bounds_of(path)))
    return out


def main_levers(levers: Iterable[Lever]) -> list[Lever]:
    """The :data:`MAIN_LEVERS` present in ``levers``, in that order (``[-1]``: last item)."""
    by_path = {lv.path: lv for lv in levers}
    out = []
    for pattern in MAIN_LEVERS:
        if "[-1]" in pattern:
            head, tail = pattern.split("[-1]")
            items = [p for p in by_path if p.startswith(head + "[") and p.endswith(tail)]
            if items:
                out.append(by_path[max(items, key=lambda p: int(p[len(head) + 1 : p.index("]", len(head))]))])
        elif pattern in by_path:
            out.append(by_path[pattern])
    return out


def grouped(levers: Iterable[Lever]) -> dict[str, list[Lever]]:
    """Levers by section, sections in schema order."""
    out: dict[str, list[Lever]] = {}
    for lv in levers:
        out.setdefault(lv.section, []).append(lv)
    return out


# ------------------------------------------------------------------ links


@dataclass(frozen=True)
class Link:
    """A cuttable edge of the exchange network."""

    id: str
    seller: str
    buyer: str
    commodity: str
    unit: str
    signal: bool


def cuttable_links(network: nx.MultiDiGraph) -> list[Link]:
    """Goods and signal edges of a model's network (money edges excluded), by commodity."""
    links = [
        Link(d["id"], s, b, c, d["unit"], bool(d["signal"]))
        for s, b, c, d in network.edges(keys=True, data=True)
        if c != "money"
    ]
    order = {c: i for i, c in enumerate(dict.fromkeys(lk.commodity for lk in links))}
    return sorted(links, key=lambda lk: (order[lk.commodity], lk.seller, lk.buyer))


# ------------------------------------------------------------------ settings


@lru_cache(maxsize=16)
def _base(name: str) -> LoadedScenario:
    return load_scenario(name)


def base_scenario(name: str) -> LoadedScenario:
    """A bundled scenario as loaded (memoised: the page reloads it on every change)."""
    return _base(name)


@dataclass(frozen=True)
class Settings:
    """What the sidebar has chosen: a scenario, levers moved away from it, links cut.

    ``levers`` holds only the fields the user moved, ``(path, value)`` in the order moved;
    ``disabled`` is the whole ``[exchange] disable`` list wanted (the scenario's own cuts
    included).
    """

    scenario: str
    levers: tuple[tuple[str, float], ...] = ()
    disabled: frozenset[str] = field(default_factory=frozenset)
    reference: str = ""  # the ghost run: '' none, '@scenario' the scenario as loaded, or a bundled name

    @classmethod
    def of(cls, name: str) -> Settings:
        """A bundled scenario as it is."""
        return cls(name, (), frozenset(base_scenario(name).model.exchange.disable))

    def base(self) -> LoadedScenario:
        return base_scenario(self.scenario)

    @property
    def bundled(self) -> bool:
        """True when the scenario is a bundled one (named), False for a scenario file (a path)."""
        from ecosim.scenario import bundled_scenarios

        return self.scenario in bundled_scenarios()

    @property
    def scenario_label(self) -> str:
        """The bundled name, or the scenario file's name."""
        return self.scenario if self.bundled else Path(self.scenario).name

    def lever_value(self, path: str) -> float | None:
        return dict(self.levers).get(path)

    def with_lever(self, lever: Lever, value: float | None) -> Settings:
        """Move one lever; back at the scenario's value (or ``None``) it is no longer an override."""
        rest = tuple((p, v) for p, v in self.levers if p != lever.path)
        if value is None or (lever.value is not None and round_sig(value) == round_sig(lever.value)):
            return replace(self, levers=rest)
        return replace(self, levers=(*rest, (lever.path, round_sig(value))))

    def with_link(self, edge_id: str, enabled: bool) -> Settings:
        cut = set(self.disabled)
        if enabled:
            cut.discard(edge_id)
        else:
            cut.add(edge_id)
        return replace(self, disabled=frozenset(cut))

    def overrides(self) -> list[str]:
        """The ``--set`` options that turn the scenario into these settings."""
        out = [f"{p}={float(v)!r}" for p, v in self.levers]
        if self.disabled != frozenset(self.base().model.exchange.disable):
            items = ", ".join(f'"{e}"' for e in sorted(self.disabled))
            out.append(f"exchange.disable=[{items}]")
        return out

    def load(self) -> LoadedScenario:
        """The validated scenario (raises :class:`~ecosim.errors.ScenarioError`)."""
        sets = self.overrides()
        return self.base().with_overrides(sets) if sets else self.base()

    def describe(self) -> list[str]:
        """One line per change from the scenario, for the page."""
        by_path = {lv.path: lv for lv in scenario_levers(self.base().model)}
        lines = []
        for p, v in self.levers:
            lv = by_path.get(p)
            if lv is None:
                lines.append(f"{p} = {format_value(v)}")
            else:
                lines.append(f"{lv.section}: {lv.doc} {format_value(lv.value)} → {format_value(v)} {lv.unit if lv.unit != '-' else ''}".rstrip())
        base_cut = frozenset(self.base().model.exchange.disable)
        lines += [f"cut {e}" for e in sorted(self.disabled - base_cut)]
        lines += [f"restored {e}" for e in sorted(base_cut - self.disabled)]
        return lines
