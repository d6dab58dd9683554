"""Agents see the world only through the exchange and the small World protocol."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ecosim.exchange.topology import RULES, SIGNALS

AGENTS = sorted((Path(__file__).resolve().parents[2] / "ecosim" / "agents").glob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", AGENTS, ids=lambda p: p.name)
def test_no_agent_reaches_past_the_world(path: Path) -> None:
    """No agent module touches ``self.model`` (Mesa's back door), looks another agent up by
    name (``agent(...)``, ``by_name``) or reads the whole parameter tree (``.params``)."""
    bad = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Attribute):
            if node.attr == "model" and isinstance(node.value, ast.Name) and node.value.id == "self":
                bad.append(f"line {node.lineno}: self.model")
            if node.attr in ("by_name", "params", "labs"):
                bad.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "agent":
            bad.append(f"line {node.lineno}: .agent(...)")
    assert bad == [], f"{path.name}: {bad}"


def _signal_names(call: ast.Call) -> list[str]:
    """The signal names a read/publish call passes as string literals."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    pos = {"read": 1, "publish": 0, "publish_to": 2, "partner": 0, "readers": 1, "senders": 1, "reads": 2, "published": 2}.get(name)
    if pos is None or len(call.args) <= pos:
        return []
    arg = call.args[pos]
    return [arg.value] if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else []


def test_every_signal_an_agent_names_is_declared_and_wired() -> None:
    """Each signal an agent reads or publishes is in the SIGNALS table and on some edge of
    the topology; each declared signal is used by some agent."""
    used: set[str] = set()
    for path in AGENTS:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call):
                used.update(_signal_names(node))
    wired = {c for _, _, c in RULES if c in SIGNALS}
    assert used - set(SIGNALS) == set()
    assert set(SIGNALS) - wired == set(), "declared but on no edge"
    # site_* signals are read in a loop over their names
    assert set(SIGNALS) - used - {s for s in SIGNALS if s.startswith("site_")} == set(), "declared but never used"
