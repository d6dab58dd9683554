"""What differs between the compared scenarios: the resolved ``scenario.toml`` of each source,
flattened to field paths, and every field whose value is not the same in all of them.

An experiment's column shows its base scenario, and ``varied: ...`` for the inputs its runs
vary (from the experiment's manifest).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel

from ecosim.report.sources import Source, flatten
from ecosim.scenario.loader import _field_type, _list_item_type, _split_path
from ecosim.scenario.schema import Scenario

#: fields that name a scenario rather than set the world (shown in the sources table instead)
NAMING_FIELDS = ("scenario.name", "scenario.description")


def field_unit(path: str) -> str:
    """Unit of a scenario field path from the schema ('' when the path is not a schema leaf).

    >>> field_unit("launch.starship.versions[1].payload_t"), field_unit("orbital_dc.capacity_gw")
    ('t', 'GW')
    """
    current: Any = Scenario
    info = None
    for part in _split_path(path):
        if isinstance(part, int):
            current = _list_item_type(current)
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return ""
        info = current.model_fields[part]
        current = _field_type(info.annotation)
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
    return str(extra.get("unit", ""))


def _show(value: Any) -> str:
    """A scenario value for the table: numbers as written, long lists shortened.

    >>> _show(2.5e6), _show("2026-03"), _show(True), _show(list(range(9)))
    ('2.5e+06', '2026-03', 'true', '[0, 1, 2, 3, 4, 5, …] (9)')
    """
    if value is None:
        return "(absent)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return f"[{', '.join(_show(v) for v in value[:6])}, …] ({len(value)})" if len(value) > 6 else "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def what_differs(sources: Sequence[Source]) -> pd.DataFrame:
    """One row per field whose value differs between sources (or that an experiment varies):
    ``parameter``, ``unit``, then one column per source. Empty when every scenario is the same."""
    flats = [flatten(s.scenario_data) for s in sources]
    varied = [dict(s.varied) for s in sources]
    keys: list[str] = []
    for f in [*flats, *varied]:
        keys += [k for k in f if k not in keys]
    rows = []
    for k in keys:
        if k in NAMING_FIELDS:
            continue
        values = [f.get(k) for f in flats]
        if all(v == values[0] for v in values) and not any(k in v for v in varied):
            continue
        row = {"parameter": k, "unit": field_unit(k)}
        for s, v, var in zip(sources, values, varied, strict=True):
            row[s.label] = f"varied: {var[k]}" if k in var else _show(v)
        rows.append(row)
    return pd.DataFrame(rows, columns=["parameter", "unit", *[s.label for s in sources]])
