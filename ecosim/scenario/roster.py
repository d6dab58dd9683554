"""The actor roster as data: every actor of the world, its class, owner, parameters and segment.

``ecosim/data/roster.toml`` lists the actors in the order they act each month. Everything that
used to be written by hand in several places derives from it: the model's activation order,
company names, the topology groups the exchange rules name (``@lab``), which agent heads each
company (raises arrive there), the segment each agent's flows are booked to, the titles of the
browser view's lever groups, and metric lookups by group (every PV supplier, every terrestrial
data center).

A list section is an ordinary entry: ``section = "pv.suppliers[0]"`` gives that actor the first
item of ``[pv] suppliers``; the scenario's list must have one item per such actor, with the
actor's name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ecosim.errors import ScenarioError


@dataclass(frozen=True)
class Actor:
    """One agent of the world (see the field list in ``ecosim/data/roster.toml``)."""

    name: str
    cls: str
    company: str
    section: str
    label: str
    shared: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    head: bool = False
    segment: str = ""
    segment_label: str = ""
    peer_group: str = ""


@dataclass(frozen=True)
class Company:
    """A company: its id, display name and the entities of ``valuation_marks.csv`` it carries."""

    id: str
    name: str
    marks: tuple[str, ...] = ()
    funded: bool = False


@dataclass(frozen=True)
class Roster:
    """Every actor in activation order, the companies, and titles of shared sections."""

    actors: tuple[Actor, ...]
    companies: dict[str, Company]
    section_titles: dict[str, str]
    #: group -> its actors' names, worked out once (a roster never changes; metrics ask every month)
    _groups: dict[str, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def names(self) -> list[str]:
        return [a.name for a in self.actors]

    def actor(self, name: str) -> Actor:
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(f"no actor {name!r} in the roster")

    def group(self, group: str) -> list[str]:
        """Names of the actors in a topology group, in activation order."""
        names = self._groups.get(group)
        if names is None:
            names = self._groups[group] = tuple(a.name for a in self.actors if group in a.groups)
        return list(names)

    def groups_of(self) -> dict[str, tuple[str, ...]]:
        """Actor name -> its groups."""
        return {a.name: a.groups for a in self.actors}

    def heads(self) -> dict[str, str]:
        """Company -> the actor that heads it (receives its raises)."""
        return {a.company: a.name for a in self.actors if a.head}

    def funded(self) -> list[str]:
        """Companies the capital market follows (marks, follow-on raises), in table order."""
        return [c.id for c in self.companies.values() if c.funded]

    def company_names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.companies.values()}

    def mark_companies(self) -> dict[str, str]:
        """Entity of a valuation mark (``SpaceX+xAI``) -> the company that carries it."""
        return {entity: c.id for c in self.companies.values() for entity in c.marks}

    def section_title(self, section: str) -> str | None:
        """Display title of a scenario section: the actor's label, else the shared title."""
        for a in self.actors:
            if a.section == section:
                return a.label
        return self.section_titles.get(section)


def _tuple(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"ecosim/data/roster.toml: {where} must be a list of strings (got {value!r})")
    return tuple(value)


def parse_roster(data: dict[str, Any], origin: str = "ecosim/data/roster.toml") -> Roster:
    """Validate the roster table and build the :class:`Roster`.

    >>> r = parse_roster({"companies": {"x": {"name": "X"}}, "actor": [
    ...     {"name": "a", "class": "Grid", "company": "x", "section": "grid_us", "label": "A", "head": True}]})
    >>> r.heads(), r.company_names()
    ({'x': 'a'}, {'x': 'X'})
    """
    companies = {
        cid: Company(cid, str(c["name"]), _tuple(c.get("marks", []), f"companies.{cid}.marks"), bool(c.get("funded", False)))
        for cid, c in data.get("companies", {}).items()
    }
    actors: list[Actor] = []
    known = {f.name for f in Actor.__dataclass_fields__.values()} | {"class"}
    for i, row in enumerate(data.get("actor", [])):
        where = f"actor[{i}]"
        extra = set(row) - known - {"cls"}
        if extra:
            raise ScenarioError(f"{origin}: {where} has unknown keys {sorted(extra)}")
        for key in ("name", "class", "company", "section", "label"):
            if not isinstance(row.get(key), str) or not row[key]:
                raise ScenarioError(f"{origin}: {where}.{key} must be a non-empty string (got {row.get(key)!r})")
        if row["company"] not in companies:
            raise ScenarioError(f"{origin}: {where}.company must name a company of [companies] (got {row['company']!r})")
        actors.append(
            Actor(
                name=row["name"],
                cls=row["class"],
                company=row["company"],
                section=row["section"],
                label=row["label"],
                shared=_tuple(row.get("shared", []), f"{where}.shared"),
                groups=_tuple(row.get("groups", []), f"{where}.groups"),
                head=bool(row.get("head", False)),
                segment=str(row.get("segment", "")),
                segment_label=str(row.get("segment_label", "")),
                peer_group=str(row.get("peer_group", "")),
            )
        )
    names = [a.name for a in actors]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ScenarioError(f"{origin}: actor names must be unique (repeated: {', '.join(dupes)})")
    heads = [a.company for a in actors if a.head]
    twice = sorted({c for c in heads if heads.count(c) > 1})
    if twice:
        raise ScenarioError(f"{origin}: a company has one head (more than one for: {', '.join(twice)})")
    return Roster(tuple(actors), companies, dict(data.get("section_titles", {})))


@lru_cache(maxsize=1)
def roster() -> Roster:
    """The world's roster, ``ecosim/data/roster.toml``."""
    text = (resources.files("ecosim") / "data" / "roster.toml").read_text(encoding="utf-8")
    return parse_roster(tomllib.loads(text))
