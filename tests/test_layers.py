"""Layers point one way (DESIGN.md "Layers"): each package imports only what lies below it.

Every module's imports are read with ``ast`` (imports inside functions included, ``if
TYPE_CHECKING:`` blocks left out, relative imports resolved) and checked against the rules.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "ecosim"


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """(imported module, line) of every import statement outside ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                stack.extend(child.orelse)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, child.lineno
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".") if is_package else module.split(".")[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join([*base, child.module] if child.module else base)
                else:
                    target = child.module or ""
                yield target, child.lineno
                for alias in child.names:  # ``from ecosim import model`` imports ecosim.model
                    yield f"{target}.{alias.name}", child.lineno
            stack.append(child)


@functools.cache
def _graph() -> dict[str, list[tuple[str, int]]]:
    """Every ecosim module's ecosim imports, read once, when a test first asks (not at collection:
    every test process imports this file, and one runs its tests)."""
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        module = _module(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        out[module] = [(m, line) for m, line in _imports(tree, module, path.name == "__init__.py") if m == "ecosim" or m.startswith("ecosim.")]
    return out


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _violations(importers: tuple[str, ...], forbidden: tuple[str, ...] = (), allowed: tuple[str, ...] | None = None, exempt: tuple[str, ...] = ()) -> list[str]:
    """``importer:line -> imported`` for each import of ``forbidden`` (or outside ``allowed``)."""
    bad = []
    for module, imports in _graph().items():
        if not _within(module, importers) or _within(module, exempt):
            continue
        for target, line in imports:
            if target == "ecosim":
                continue
            wrong = _within(target, forbidden) if allowed is None else not _within(target, allowed)
            if wrong:
                bad.append(f"{module}:{line} -> {target}")
    return sorted(set(bad))


BELOW_RESULTS = ("ecosim.results", "ecosim.scenario", "ecosim.errors", "ecosim.timeline", "ecosim.economics", "ecosim.physics", "ecosim.atomic", "ecosim.readers")
AGENTS_MAY = ("ecosim.agents", "ecosim.economics", "ecosim.physics", "ecosim.exchange", "ecosim.scenario", "ecosim.errors", "ecosim.timeline")
PURE_MAY = ("ecosim.economics", "ecosim.physics", "ecosim.scenario", "ecosim.errors", "ecosim.timeline")

RULES = {
    "finance, analysis and report never import the model, the agents or simulate": dict(
        importers=("ecosim.finance", "ecosim.analysis", "ecosim.report"), forbidden=("ecosim.model", "ecosim.agents", "ecosim.simulate")),
    "analysis never imports experiments (it reads stores through results)": dict(
        importers=("ecosim.analysis",), forbidden=("ecosim.experiments",)),
    "results imports nothing above the scenario (economics and physics at most)": dict(
        importers=("ecosim.results",), allowed=BELOW_RESULTS),
    "agents import only agents, economics, physics, exchange and scenario": dict(
        importers=("ecosim.agents",), allowed=AGENTS_MAY),
    "economics and physics import only each other and scenario, errors, timeline": dict(
        importers=("ecosim.economics", "ecosim.physics"), allowed=PURE_MAY),
    "finance, analysis and results never import report (numbers are formatted by ecosim.numbers, below them)": dict(
        importers=("ecosim.finance", "ecosim.analysis", "ecosim.results"), forbidden=("ecosim.report",)),
    "nothing imports the command line": dict(
        importers=("ecosim",), forbidden=("ecosim.cli",), exempt=("ecosim.cli",)),
    "nothing but the command line and the page imports viz": dict(
        importers=("ecosim",), forbidden=("ecosim.viz",), exempt=("ecosim.viz", "ecosim.cli")),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_layer_rule(rule: str) -> None:
    """Each layer rule holds for every module of ecosim (violations listed as module:line -> import)."""
    assert _violations(**RULES[rule]) == []  # type: ignore[arg-type]


def _reached(module: str) -> set[str]:
    """Every ecosim module ``module`` imports, directly or through the modules it imports."""
    graph = _graph()
    seen: set[str] = set()
    todo = [module]
    while todo:
        for target, _ in graph.get(todo.pop(), []):
            if target in graph and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_results_are_read_without_the_model_even_indirectly() -> None:
    """Nothing finance, analysis, report or results imports reaches the model, the agents or simulate through another module."""
    bad = {
        m: sorted(t for t in _reached(m) if _within(t, ("ecosim.model", "ecosim.agents", "ecosim.simulate")))
        for m in _graph()
        if _within(m, ("ecosim.finance", "ecosim.analysis", "ecosim.report", "ecosim.results"))
    }
    assert {m: v for m, v in bad.items() if v} == {}


def test_the_rules_see_imports_inside_functions_and_skip_type_checking() -> None:
    """A deferred import inside a function counts; one under ``if TYPE_CHECKING:`` does not; relative imports resolve."""
    src = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ecosim.model import EcosimModel\ndef f():\n    from ecosim.simulate import simulate\nfrom .results import Results\n"
    found = [m for m, _ in _imports(ast.parse(src), "ecosim.report.x", False)]
    assert "ecosim.simulate" in found and "ecosim.model" not in found and "ecosim.report.results" in found
    assert "ecosim.simulate" in {m for m, _ in _graph()["ecosim.run"]}  # the scan sees the real tree
