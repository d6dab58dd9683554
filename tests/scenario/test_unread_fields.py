"""Every scenario field is read by something (issue 12: "unread fields are removed or used").

The parameter tree code reads (:func:`ecosim.scenario.params._convert`) is replaced by one that
records each field read, every bundled scenario is simulated, and a field of the schema that
nothing read fails the test, unless the code names it as an attribute of the validated scenario
itself (scenario metadata, cash at start, the edges cut: read from the pydantic objects, not the
parameter tree) or it is a label (``name``).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

import ecosim.scenario.params as params
from ecosim.scenario.loader import bundled_scenarios
from ecosim.scenario.schema import Scenario
from ecosim.simulate import simulate

pytestmark = pytest.mark.slow

CODE = Path(params.__file__).resolve().parents[1]
#: fields that only label an item of a list (shown in tables and messages)
LABELS = {"name"}
class _Tracked(SimpleNamespace):
    """A parameter section that records which of its fields are read."""

    reads: set[tuple[str, str]] = set()

    def __getattribute__(self, key: str) -> Any:
        if not key.startswith("__"):
            model = object.__getattribute__(self, "__dict__").get("_model_")
            if model is not None:
                _Tracked.reads.add((model, key))
        return object.__getattribute__(self, key)


def _schema_fields(model: type[BaseModel], out: set[tuple[str, str]], seen: set[type]) -> set[tuple[str, str]]:
    if model in seen:
        return out
    seen.add(model)
    for key, info in model.model_fields.items():
        out.add((model.__name__, params.param_name(key)))
        ann = info.annotation
        for a in (ann, *getattr(ann, "__args__", ())):
            for c in (a, *getattr(a, "__args__", ())):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    _schema_fields(c, out, seen)
    return out


def _named_in_code(field: str) -> bool:
    """The code reads ``.field`` (or ``"field"``) somewhere besides the schema and the tree."""
    pattern = re.compile(rf"\.{field}\b|[\"']{field}[\"']")
    skip = {CODE / "scenario" / "schema.py", CODE / "scenario" / "params.py"}
    return any(pattern.search(p.read_text()) for p in CODE.rglob("*.py") if p not in skip)


def test_every_scenario_field_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    convert = params._convert

    def tracked(value: Any, month: bool = False, divisor: float = 1.0) -> Any:
        out = convert(value, month, divisor)
        if isinstance(value, BaseModel) and isinstance(out, SimpleNamespace):
            t = _Tracked(**vars(out))
            t.__dict__["_model_"] = type(value).__name__
            return t
        return out

    monkeypatch.setattr(params, "_convert", tracked)
    _Tracked.reads = set()
    for path in bundled_scenarios().values():
        simulate(str(path), seed=1, members=2)
    unread = sorted(
        (model, field) for model, field in _schema_fields(Scenario, set(), set()) - _Tracked.reads
        if field not in LABELS and not _named_in_code(field)
    )
    assert not unread, f"scenario fields nothing reads (use them or remove them): {unread}"


def test_the_check_finds_an_unread_field(monkeypatch: pytest.MonkeyPatch) -> None:
    """The static half of the check: a field named nowhere in the code is not found."""
    assert _named_in_code("launch_choice_price_exponent")
    assert not _named_in_code("no_such_field_usd_per_zorkmid")
