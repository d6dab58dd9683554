"""Parameters as the agents read them: a namespace tree, months as numbers, per-member arrays.

``build_params(scenario, member_values, K)`` turns the validated scenario into nested
namespaces whose leaves are floats (the same for every member) or arrays of shape (K,)
(one value per ensemble member, e.g. one Monte Carlo draw each). Fields named
``*_month`` become absolute month numbers (:mod:`ecosim.timeline`).

Percentages become fractions here, once: a field written ``x_pct...`` in a scenario file
(``attrition_pct_per_yr = 3``) is read by the code as ``x_frac...`` (``attrition_frac_per_yr
== 0.03``); nothing downstream divides by 100 (:func:`param_name`).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import annotated_types
import numpy as np
from pydantic import BaseModel

from ecosim.errors import ScenarioError
from ecosim.scenario.loader import _split_path, schema_has_path
from ecosim.scenario.schema import Scenario, _month, ceiling, has_lower_bound
from ecosim.timeline import parse_month


def _is_month(info: Any) -> bool:
    return any(getattr(m, "func", None) is _month for m in getattr(info, "metadata", []))


def param_name(field: str) -> str:
    """The name code reads a scenario field by: percentages become fractions.

    >>> param_name("attrition_pct_per_yr"), param_name("payload_t")
    ('attrition_frac_per_yr', 'payload_t')
    """
    return field.replace("_pct", "_frac", 1) if "_pct" in field else field


def _divisor(field: str) -> float:
    return 100.0 if "_pct" in field else 1.0


def _convert(value: Any, month: bool = False, divisor: float = 1.0) -> Any:
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return SimpleNamespace(
            **{param_name(k): _convert(getattr(value, k), _is_month(info), _divisor(k)) for k, info in fields.items()}
        )
    if isinstance(value, list):
        return [_convert(v, divisor=divisor) for v in value]
    if isinstance(value, str) and month:
        return parse_month(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        return {k: _convert(v, divisor=divisor) for k, v in value.items()}
    if isinstance(value, int | float):
        return float(value) / divisor
    return value


def params_of(section: BaseModel) -> Any:
    """One scenario section (or the whole scenario) as code reads it: months as numbers,
    percentages as fractions (the same conversion as :func:`build_params`)."""
    return _convert(section)


def field_info(path: str) -> Any:
    """The pydantic FieldInfo of a leaf path (``launch.falcon.payload_t``, ``a.b[0].c``)."""
    model: Any = Scenario
    info = None
    for part in _split_path(path):
        if isinstance(part, int):
            continue
        info = model.model_fields[part]
        ann = info.annotation
        args: tuple[Any, ...] = getattr(ann, "__args__", ())
        inner = args[0] if getattr(ann, "__origin__", None) is list and args else ann
        candidates = [inner, *getattr(inner, "__args__", ())]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return info


def bounds_of(path: str) -> dict[str, float]:
    """Bounds of a numeric field: any of ``gt``, ``ge``, ``lt``, ``le`` (a field without an
    upper bound of its own has its unit's ceiling, :data:`ecosim.scenario.schema.CEILINGS`)."""
    info = field_info(path)
    out: dict[str, float] = {}
    for meta in getattr(info, "metadata", []):
        for key, cls in (("gt", annotated_types.Gt), ("ge", annotated_types.Ge), ("lt", annotated_types.Lt), ("le", annotated_types.Le)):
            if isinstance(meta, cls):
                out[key] = float(getattr(meta, key))
    top = ceiling(info) if info is not None else None
    if top is not None:
        out["le"] = top[0]
        if not has_lower_bound(info):
            out["ge"] = -top[0]
    return out


def is_numeric(path: str) -> bool:
    """True when a path is a numeric field that may vary between members."""
    info = field_info(path)
    ann = getattr(info, "annotation", None)
    allowed = (float, int, float | None)
    return ann in allowed


def check_member_values(path: str, values: np.ndarray, origin: str) -> None:
    """Raise ScenarioError if a varied field is unknown, non-numeric or out of its bounds."""
    if not schema_has_path(path):
        raise ScenarioError(f"{origin}: {path} is not a field of the scenario schema")
    if not is_numeric(path):
        raise ScenarioError(f"{origin}: {path} must be a numeric field to vary between members")
    v = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(v)):
        raise ScenarioError(f"{origin}: {path} must be finite (got {float(v[~np.isfinite(v)][0])!r})")
    for key, bound in bounds_of(path).items():
        bad = {"gt": v <= bound, "ge": v < bound, "lt": v >= bound, "le": v > bound}[key]
        if bad.any():
            op = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}[key]
            raise ScenarioError(f"{origin}: {path} must be {op} {bound:g} (got {v[bad][0]:g})")


def build_params(scenario: Scenario, member_values: dict[str, np.ndarray] | None, members: int, origin: str = "member values") -> SimpleNamespace:
    """The parameter tree of a model with ``members`` ensemble members."""
    tree = _convert(scenario)
    for path, values in (member_values or {}).items():
        arr = np.asarray(values, dtype=float)
        if arr.shape != (members,):
            raise ScenarioError(f"{origin}: {path} must have one value per member, shape ({members},) (got {arr.shape})")
        check_member_values(path, arr, origin)
        node: Any = tree
        parts = _split_path(path)
        for part in parts[:-1]:
            node = node[part] if isinstance(part, int) else getattr(node, param_name(part))
        last = parts[-1]
        if isinstance(last, int):
            node[last] = arr.copy()
        else:
            setattr(node, param_name(last), arr / _divisor(last))
    return tree
