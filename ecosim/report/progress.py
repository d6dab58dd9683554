"""The steps of a comparison (``ecosim compare``) and what follows them: a plan of steps with
the months each simulates, so that a progress display can count steps and months and estimate
the time left."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ecosim.timeline import parse_month


@dataclass(frozen=True)
class Step:
    """One step of a comparison: what it does and the months it simulates (0: reading,
    tabulating, drawing)."""

    label: str
    months: int


class Tracker(Protocol):
    """What a comparison reports as it goes (the CLI's progress: step k of N, months, ETA)."""

    def plan(self, steps: Sequence[Step]) -> None:
        """Every step, known once the arguments are read and before anything runs."""

    def step(self, label: str) -> None:
        """The next step of the plan starts (``label`` as planned)."""

    def months(self, done: int, total: int) -> None:
        """Months simulated so far in the current step."""


#: the steps after the simulations (labels as :func:`ecosim.report.compare.write_comparison` reports them)
REPORT_STEPS = ("scoring claims, tabulating outcomes, bridging values", "drawing figures")


def months_between(start: str, end: str) -> int:
    """Months from ``start`` to ``end`` inclusive (``YYYY-MM``)."""
    return parse_month(end) - parse_month(start) + 1


def plan_steps(sources: Sequence[tuple[str, str, int]], posterior: bool, draws: int) -> list[Step]:
    """The steps of a comparison of ``sources`` (label, kind, months of its scenario): each
    scenario run (and its posterior draws), then the report.

    >>> [s.label for s in plan_steps([("a", "scenario", 12), ("b", "run", 24)], False, 0)][:1]
    ['running a']
    """
    steps: list[Step] = []
    for label, kind, months in sources:
        if kind == "scenario":
            if posterior:
                steps.append(Step(f"running {label} under {draws:,} posterior draws", months))
            steps.append(Step(f"running {label}", months))
    steps.extend(Step(label, 0) for label in REPORT_STEPS)
    return steps
