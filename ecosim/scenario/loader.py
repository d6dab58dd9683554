"""Load a scenario: read TOML, resolve ``extends``, apply ``--set`` overrides, validate once.

Every failure is a :class:`~ecosim.errors.ScenarioError` whose message is one line naming
the file (or the ``--set`` option), the field path, what was expected and what was found::

    scenarios/bull.toml: launch.starship.cost_progress_ratio must be <= 1 (got 1.4)
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ValidationError

from ecosim.errors import ScenarioError, describe
from ecosim.readers import MAX_DEPTH, depth, plain_copy, read_toml
from ecosim.scenario.schema import Scenario

REPO_ROOT = Path(__file__).resolve().parents[2]


def bundled_dir(kind: str = "scenarios") -> Path:
    """Folder of the bundled ``scenarios`` or ``experiments`` (source tree or installed wheel)."""
    source = REPO_ROOT / kind
    if source.is_dir():
        return source
    return Path(str(resources.files("ecosim") / "_bundled" / kind))


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario names and their files, sorted by name."""
    return {p.stem: p for p in sorted(bundled_dir().glob("*.toml"))}


def resolve_path(ref: str | Path, relative_to: Path | None = None) -> Path:
    """A scenario reference as a file: a path, a path relative to the extending file, or a bundled name."""
    text = str(ref)
    candidates = [Path(text)]
    if relative_to is not None:
        candidates.insert(0, relative_to.parent / text)
        if not text.endswith(".toml"):
            candidates.insert(1, relative_to.parent / f"{text}.toml")
    bundled = bundled_scenarios()
    stem = Path(text).stem if text.endswith(".toml") else text
    if stem in bundled and "/" not in text:
        candidates.append(bundled[stem])
    for cand in candidates:
        if cand.is_file():
            return cand.resolve()
    names = ", ".join(bundled) or "none"
    raise ScenarioError(f"{text}: no such scenario file (bundled scenarios: {names})")


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, ScenarioError)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``: tables merge key by key, anything else is replaced.

    >>> deep_merge({"a": {"x": 1, "y": 2}, "b": [1]}, {"a": {"y": 3}, "b": [2]})
    {'a': {'x': 1, 'y': 3}, 'b': [2]}
    """
    out = plain_copy(base)
    _merge_into(out, over)
    return out


def _merge_into(out: dict[str, Any], over: dict[str, Any]) -> None:
    """``over`` merged into ``out`` in place (``out`` is the caller's own copy)."""
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            _merge_into(out[key], value)
        else:
            out[key] = plain_copy(value)


def _load_chain(path: Path, stack: tuple[Path, ...]) -> tuple[dict[str, Any], list[tuple[Path, dict[str, Any]]]]:
    """Merged data of ``path`` and its ``extends`` ancestors, and each file's own data."""
    if path in stack:
        cycle = " -> ".join(p.name for p in (*stack, path))
        raise ScenarioError(f"{stack[0]}: extends must not form a cycle (got {cycle})")
    data = _read_toml(path)
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data, [(path, data)]
    if not isinstance(parent_ref, str):
        raise ScenarioError(f"{path}: extends must be a scenario name or file (got {describe(parent_ref)})")
    try:
        parent_path = resolve_path(parent_ref, relative_to=path)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: extends names {parent_ref!r}, which is not a scenario ({exc})") from None
    parent, files = _load_chain(parent_path, (*stack, path))
    return deep_merge(parent, data), [*files, (path, data)]


# ------------------------------------------------------------------ --set overrides


def parse_set(option: str) -> tuple[str, Any]:
    """``path.to.field=value`` with value a TOML value (a bare word is a string).

    >>> parse_set("launch.falcon.payload_t=20")
    ('launch.falcon.payload_t', 20)
    >>> parse_set('exchange.disable=["a->b:data"]')
    ('exchange.disable', ['a->b:data'])
    >>> parse_set("terrestrial_dc.energy_source=onsite_gas")
    ('terrestrial_dc.energy_source', 'onsite_gas')
    """
    if "=" not in option:
        raise ScenarioError(f"--set {shown(option)}: expected path.to.field=value (got no '=')")
    path, raw = option.split("=", 1)
    path, raw = path.strip(), raw.strip()
    if not path:
        raise ScenarioError(f"--set {shown(option)}: expected path.to.field=value (got an empty path)")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    except RecursionError:
        value = None
    if value is None or depth(value) > MAX_DEPTH:
        raise ScenarioError(f"--set {shown(option)}: the value nests lists and tables too deeply (at most {MAX_DEPTH} levels)")
    return path, value


_PIECE_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)?((?:\[\d{1,9}\])*)$")


def _split_path(path: str) -> list[str | int]:
    """A field path as its parts: names, and list indices as ints.

    >>> _split_path("launch.starship.versions[1].payload_t")
    ['launch', 'starship', 'versions', 1, 'payload_t']

    Raises
    ------
    ScenarioError
        Not a path of names joined by dots with ``[i]`` list indices (``i`` a whole number >= 0).
    """
    parts: list[str | int] = []
    for piece in path.split("."):
        m = _PIECE_RE.match(piece)
        if not m or not (m.group(1) or m.group(2)):
            raise ScenarioError(
                f"{shown(path)}: must be a field path: names joined by '.', list items as [0], [1], ... (got {shown(piece)!r})"
            )
        if m.group(1):
            parts.append(m.group(1))
        parts += [int(i) for i in re.findall(r"\[(\d+)\]", m.group(2))]
    return parts


def shown(text: str, limit: int = 80) -> str:
    """``text`` for an error message: cut to ``limit`` characters.

    >>> shown("x" * 100, 10)
    'xxxxxxxxx…'
    """
    return text if len(text) <= limit else text[: limit - 1] + "…"


def schema_has_path(path: str, model: type[BaseModel] = Scenario) -> bool:
    """True when ``path`` (dots, ``[i]`` for list items) names a field of the schema."""
    current: Any = model
    try:
        parts = _split_path(path)
    except ScenarioError:
        return False
    for part in parts:
        if isinstance(part, int):
            current = _list_item_type(current)
            if current is None:
                return False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return False
        fields = current.model_fields
        if part not in fields:
            return False
        current = _field_type(fields[part].annotation)
    return True


def _field_type(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    origin = getattr(annotation, "__origin__", None)
    if origin is list:
        return annotation
    for arg in args:  # Optional[...] and unions: the model type if there is one
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return annotation


def _list_item_type(annotation: Any) -> Any:
    if getattr(annotation, "__origin__", None) is list:
        (item,) = annotation.__args__
        return item
    return None


def apply_set(data: dict[str, Any], path: str, value: Any) -> None:
    """Put ``value`` at ``path`` in ``data`` (in place); the path must exist in the schema."""
    try:
        _split_path(path)
    except ScenarioError as exc:
        raise ScenarioError(f"--set {exc}") from None
    if not schema_has_path(path):
        hint = _closest_path(path)
        raise ScenarioError(
            f"--set {shown(path)}: no such field in the scenario schema" + (f" (did you mean {hint}?)" if hint else "")
        )
    parts = _split_path(path)
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise ScenarioError(f"--set {path}: index [{part}] is past the end of the list")
            node = node[part]
        else:
            node = node.setdefault(part, [] if isinstance(nxt, int) else {})
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise ScenarioError(f"--set {path}: index [{last}] is past the end of the list")
    node[last] = value


def all_schema_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Every leaf field path of the schema (list items as ``[0]``)."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        t = _field_type(info.annotation)
        path = f"{prefix}{name}"
        item = _list_item_type(t)
        if isinstance(t, type) and issubclass(t, BaseModel):
            out += all_schema_paths(t, path + ".")
        elif isinstance(item, type) and issubclass(item, BaseModel):
            out += all_schema_paths(item, path + "[0].")
        else:
            out.append(path)
    return out


def _closest_path(path: str) -> str | None:
    match = difflib.get_close_matches(path, all_schema_paths(), n=1, cutoff=0.6)
    return match[0] if match else None


# ------------------------------------------------------------------ validation errors

_EXPECT = {
    "greater_than": lambda c: f"must be > {c['gt']}",
    "greater_than_equal": lambda c: f"must be >= {c['ge']}",
    "less_than": lambda c: f"must be < {c['lt']}",
    "less_than_equal": lambda c: f"must be <= {c['le']}",
    "float_type": lambda c: "must be a number",
    "int_type": lambda c: "must be an integer",
    "string_type": lambda c: "must be a string",
    "bool_type": lambda c: "must be true or false",
    "list_type": lambda c: "must be a list",
    "dict_type": lambda c: "must be a table",
    "model_type": lambda c: "must be a table",
    "literal_error": lambda c: f"must be one of {c['expected']}",
    "missing": lambda c: "is required",
    "extra_forbidden": lambda c: "is not a known field",
    "finite_number": lambda c: "must be a finite number",
    "string_too_long": lambda c: f"must have at most {c['max_length']:,} characters",
    "too_long": lambda c: f"must have at most {c['max_length']:,} items",
}


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def format_validation_error(exc: ValidationError, origin_of: Any) -> str:
    """One line for the first error: ``origin: path expectation (got value)``."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    path = _format_loc(loc)
    kind = err["type"]
    if kind in _EXPECT:
        expect = _EXPECT[kind](err.get("ctx", {}))
    else:
        expect = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        hint = _closest_path(path)
        if hint:
            expect += f" (did you mean {hint}?)"
        got = ""
    elif kind == "missing" or "(got" in expect:
        got = ""
    elif kind in ("string_too_long", "too_long"):
        got = f" (got {len(err.get('input', ())):,})"
    else:
        got = f" (got {describe(err.get('input'))})"
    if kind == "value_error" and not expect.startswith(("must", "is ")):
        # a model-level check names its own sub-field first: "end_month must not be ..."
        head = expect.split(" ", 1)[0]
        path = f"{path}.{head}" if path else head
        expect = expect.split(" ", 1)[1] if " " in expect else expect
    return f"{origin_of(path)}: {path} {expect}{got}"


# ------------------------------------------------------------------ the loaded scenario


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from."""

    model: Scenario
    path: Path
    data: dict[str, Any]
    overrides: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.model.scenario.name

    def to_toml(self) -> str:
        """The fully resolved scenario (no ``extends``), as written next to a run."""
        header = f"# resolved from {self.path.name}" + (
            f" with --set {' --set '.join(self.overrides)}" if self.overrides else ""
        )
        return header + "\n" + tomli_w.dumps(self.data)

    def fingerprint(self) -> str:
        """Stable hash of the resolved data (used to cache warm-up states)."""
        blob = json.dumps(self.data, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def with_overrides(self, sets: list[str] | tuple[str, ...]) -> LoadedScenario:
        """A copy with more ``--set`` overrides applied and validated."""
        return _finish(self.path, plain_copy(self.data), [], (*self.overrides, *sets), base_sets=self.overrides)


def _finish(
    path: Path,
    data: dict[str, Any],
    files: list[tuple[Path, dict[str, Any]]],
    sets: tuple[str, ...],
    base_sets: tuple[str, ...] = (),
) -> LoadedScenario:
    set_paths: dict[str, str] = {}
    for option in sets[len(base_sets):]:
        p, value = parse_set(option)
        apply_set(data, p, value)
        set_paths[p] = option

    def origin_of(field_path: str) -> str:
        for p, option in set_paths.items():
            if field_path == p or field_path.startswith(p + ".") or field_path.startswith(p + "["):
                return f"--set {shown(option)}"
        for fpath, fdata in reversed(files):
            if _has(fdata, field_path):
                return str(fpath)
        return str(path)

    try:
        model = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, origin_of)) from None
    return LoadedScenario(model=model, path=path, data=data, overrides=tuple(sets))


def _has(data: dict[str, Any], path: str) -> bool:
    node: Any = data
    for part in _split_path(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return False
        elif not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def load_scenario(ref: str | Path, sets: list[str] | tuple[str, ...] = ()) -> LoadedScenario:
    """Load, merge, override and validate a scenario file or bundled name.

    Raises
    ------
    ScenarioError
        With a one-line message naming file or option, field path, expectation and value.
    """
    path = resolve_path(ref)
    data, files = _load_chain(path, ())
    return _finish(path, data, files, tuple(sets))
