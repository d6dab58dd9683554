"""Read the text files users give ecosim (TOML, JSON) with every failure as one line.

A file that cannot be opened, is not UTF-8 text, does not parse, nests too deeply or is too
large raises the caller's :class:`~ecosim.errors.EcosimError` subclass with a message naming
the file and the cause, never a traceback::

    scenarios/x.toml: not UTF-8 text (byte 0xff at offset 12); save it as UTF-8
"""

from __future__ import annotations

import functools
import json
import tomllib
from pathlib import Path
from typing import Any

from ecosim.errors import EcosimError

#: the largest text file ecosim reads as a scenario, experiment or summary [bytes] (assumption:
#: the bundled files are below 100 kB; 20 MB leaves room for long lists and catches binaries)
MAX_FILE_BYTES = 20_000_000
#: the deepest nesting of tables and lists a data file may have (assumption: the schema nests
#: at most 5 levels; 32 leaves room and keeps every reader far from Python's recursion limit)
MAX_DEPTH = 32
#: texts up to this size [characters] are kept parsed (:func:`_parsed`), larger ones parsed each
#: time (assumption: the bundled scenarios are below 100 kB)
PARSED_TEXT_MAX = 1_000_000


def read_text(path: Path, error: type[EcosimError]) -> str:
    """The UTF-8 text of ``path``; a missing, unreadable, huge or non-UTF-8 file is ``error``."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise error(f"{path}: too large for a data file ({size:,} bytes; at most {MAX_FILE_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot read the file ({exc.strerror or type(exc).__name__})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8") from None


def depth(value: Any) -> int:
    """Nesting depth of tables and lists (a scalar is 0), without recursion.

    >>> depth(1), depth([1]), depth({"a": [{"b": 2}]})
    (0, 1, 3)
    """
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, d = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, d + 1) for v in node.values())
            deepest = max(deepest, d + 1)
        elif isinstance(node, list):
            stack.extend((v, d + 1) for v in node)
            deepest = max(deepest, d + 1)
    return deepest


def _check_depth(path: Path, d: int, error: type[EcosimError]) -> None:
    """A file whose data nest ``d`` levels deep, more than :data:`MAX_DEPTH`, is ``error``."""
    if d > MAX_DEPTH:
        raise error(f"{path}: nests tables and lists {d} levels deep (at most {MAX_DEPTH})")


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> tuple[dict[str, Any], int]:
    """``tomllib.loads(text)`` and its nesting depth, kept for the last few texts parsed: a file
    read again unchanged (a scenario loaded with other overrides, its ``extends`` parent) is not
    parsed again. Callers get deep copies, never the kept dict. A text that does not parse raises
    each time (nothing is kept)."""
    data = tomllib.loads(text)
    return data, depth(data)


def read_toml(path: Path, error: type[EcosimError]) -> dict[str, Any]:
    """A TOML file as a dict; any failure (see the module docstring) is ``error``.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "a.toml"
    >>> _ = f.write_text('x = {y = [1, 2]}', encoding="utf-8")
    >>> a = read_toml(f, EcosimError); a["x"]["y"].append(3)
    >>> read_toml(f, EcosimError)  # the same file again: parsed once, handed out as a fresh copy
    {'x': {'y': [1, 2]}}
    """
    text = read_text(path, error)
    try:
        data, d = _parsed(text) if len(text) <= PARSED_TEXT_MAX else _parsed.__wrapped__(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: TOML syntax error: {exc}") from None
    except RecursionError:
        raise error(f"{path}: nests tables and lists too deeply (at most {MAX_DEPTH} levels)") from None
    _check_depth(path, d, error)
    return plain_copy(data)


def plain_copy(data: Any) -> Any:
    """A deep copy of parsed TOML or JSON data (tables, lists and immutable scalars): what
    ``copy.deepcopy`` gives, at a fraction of its cost (it needs no memo, as such data share no
    mutable parts and hold no cycles).

    >>> a = {"x": [1, {"y": 2.0}], "t": "s"}
    >>> b = plain_copy(a); b["x"][1]["y"] = 3.0
    >>> a == {"x": [1, {"y": 2.0}], "t": "s"}, b["x"][1]
    (True, {'y': 3.0})
    """
    if isinstance(data, dict):
        return {k: plain_copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain_copy(v) for v in data]
    return data


def read_json(path: Path, error: type[EcosimError]) -> Any:
    """A JSON file; any failure (see the module docstring) is ``error``."""
    text = read_text(path, error)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{path} is not valid JSON ({exc})") from None
    except RecursionError:
        raise error(f"{path}: not an ecosim file (nested too deeply)") from None
    _check_depth(path, depth(data), error)
    return data
