"""Formatting shared by the console views: percentages, durations, strict JSON, progress bars."""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console


def pct(x: float | None, digits: int = 1) -> str:
    """A fraction as a percentage, '—' when missing.

    >>> pct(0.0975, 2), pct(None)
    ('9.75%', '—')
    """
    if x is None or x != x:
        return "—"
    return f"{100 * x:,.{digits}f}%"


def hms(seconds: float) -> str:
    """``H:MM:SS``.

    >>> hms(3725.4)
    '1:02:05'
    """
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def strict_json(obj: Any) -> str:
    """Strict JSON (no NaN or Infinity tokens: a missing number is null).

    >>> strict_json({"a": float("nan"), "b": [1.5]})
    '{\\n "a": null,\\n "b": [\\n  1.5\\n ]\\n}'
    """

    def clean(x: Any) -> Any:
        if isinstance(x, dict):
            return {str(k): clean(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [clean(v) for v in x]
        if hasattr(x, "item") and not isinstance(x, str):
            x = x.item()
        if isinstance(x, float) and not math.isfinite(x):
            return None
        return x

    return json.dumps(clean(obj), indent=1, ensure_ascii=False, allow_nan=False)


def month_progress(err: Console, label: str) -> tuple[Any, Callable[[int, int], None]]:
    """A transient progress bar of months simulated (shown on a terminal only) and its
    ``update(done, total)``."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("months"), TimeRemainingColumn(), console=err, transient=True, disable=not err.is_terminal)
    task = progress.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


def count_progress(err: Console, total: int, done: int, label: str = "runs") -> tuple[Any, Callable[[float], None]]:
    """A rich progress bar (``label`` done, rate, ETA) on a terminal; a line every 10 s otherwise."""
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if err.is_terminal:
        progress = Progress(
            TextColumn(label), BarColumn(), TaskProgressColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f}"), TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=err, transient=True,
        )
        task = progress.add_task(label, total=total, completed=done, rate="")
        t0, start = time.perf_counter(), done

        def update(runs: float) -> None:
            dt = time.perf_counter() - t0
            rate = f"{(runs - start) / dt:,.1f} {label}/s" if dt > 0 and runs > start else ""
            progress.update(task, completed=runs, rate=rate)

        return progress, update

    state = {"t0": time.perf_counter(), "last": time.perf_counter(), "start": float(done)}

    def log(runs: float) -> None:
        now = time.perf_counter()
        if now - state["last"] < 10.0 or runs >= total:
            return
        state["last"] = now
        dt = now - state["t0"]
        rate = (runs - state["start"]) / dt if dt > 0 else 0.0
        eta = hms((total - runs) / rate) if rate > 0 else "?"
        err.print(f"  {runs:,.0f}/{total:,} {label} ({100 * runs / total:.0f}%), {rate:,.1f} {label}/s, ETA {eta}", highlight=False)

    return contextlib.nullcontext(), log
