"""Which assumptions move the history most: a Morris screen of the scenario's unsourced numbers.

Candidates are the numeric fields of a scenario file whose comment says ``assumption`` or
``fitted`` (a number fitted by hand is an assumption tuned to the data). Each varies by
``±spread`` (30 % by default, clipped to its schema bounds) around its value; a Morris design
(SALib [1]_, ``r`` trajectories of ``D + 1`` points) runs as the members of one model with
common random numbers, and each field's ``mu*`` (mean absolute elementary effect [2]_) on the
fit's discrepancy ranks it. The discrepancy is the same one the calibration uses
(:class:`ecosim.calibration.history.Discrepancy`): rows in units of their stated
uncertainty.

References
----------
.. [1] J. Herman, W. Usher, "SALib: an open-source Python library for sensitivity analysis",
   JOSS 2 (2017) 97.
.. [2] F. Campolongo, J. Cariboni, A. Saltelli, "An effective screening design for
   sensitivity analysis of large models", Environmental Modelling & Software 22 (2007).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ecosim.scenario.loader import LoadedScenario
from ecosim.scenario.params import bounds_of, is_numeric

_SECTION = re.compile(r"^\[([A-Za-z0-9_.]+)\]")
_KEY = re.compile(r"^([A-Za-z0-9_]+)\s*=\s*([^#]+?)\s*#\s*(.*)$")
WORDS = ("assumption", "fitted")


@dataclass(frozen=True)
class Candidate:
    """A numeric scenario field marked as an assumption, with the range the screen gives it."""

    path: str
    value: float
    low: float
    high: float
    comment: str


def assumption_fields(path: Path, spread: float = 0.3) -> list[Candidate]:
    """Numeric fields whose comment in ``path`` contains ``assumption`` or ``fitted``.

    Lines inside multi-line arrays (lists of tables) are skipped: their items are not
    single fields. Fields at zero have no relative range and are skipped too.
    """
    out: list[Candidate] = []
    section = ""
    depth = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if depth:
            depth += text.count("[") - text.count("]")
            continue
        if m := _SECTION.match(text):
            section = m.group(1)
            continue
        m = _KEY.match(text)
        if not m:
            opened = text.count("[") - text.count("]")
            if "=" in text and opened > 0:
                depth = opened
            continue
        key, raw, comment = m.groups()
        if not any(w in comment.lower() for w in WORDS):
            continue
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        full = f"{section}.{key}" if section else key
        if isinstance(value, bool) or not isinstance(value, int | float) or value == 0 or not is_numeric(full):
            continue
        lo, hi = sorted((float(value) * (1 - spread), float(value) * (1 + spread)))
        b = bounds_of(full)
        lo = max(lo, b.get("ge", -np.inf), b.get("gt", -np.inf) + 1e-9 * abs(value))
        hi = min(hi, b.get("le", np.inf), b.get("lt", np.inf) - 1e-9 * abs(value))
        if hi > lo:
            out.append(Candidate(full, float(value), lo, hi, comment.strip()))
    return out


def morris_screen(
    scenario: LoadedScenario,
    candidates: list[Candidate],
    trajectories: int = 6,
    seed: int = 0,
    levels: int = 4,
) -> pd.DataFrame:
    """Morris ``mu*`` and ``sigma`` of the fit's discrepancy for each candidate, largest first.

    One model runs every point of the design as a member (common random numbers).
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    from ecosim.calibration.history import Discrepancy, simulate_rows

    problem = {"num_vars": len(candidates), "names": [c.path for c in candidates], "bounds": [[c.low, c.high] for c in candidates]}
    x = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    disc = Discrepancy.for_scenario(scenario)
    values = simulate_rows(scenario, disc.rows, {c.path: x[:, i] for i, c in enumerate(candidates)}, seed=seed, common_random_numbers=True)
    y = disc(values.T)
    y = np.where(np.isfinite(y), y, np.nanmax(y[np.isfinite(y)]) if np.isfinite(y).any() else 0.0)
    res = morris_analyze.analyze(problem, x, y, num_levels=levels, seed=seed)
    df = pd.DataFrame({
        "path": [c.path for c in candidates],
        "value": [c.value for c in candidates],
        "low": [c.low for c in candidates],
        "high": [c.high for c in candidates],
        "mu_star": np.asarray(res["mu_star"], dtype=float),
        "sigma": np.asarray(res["sigma"], dtype=float),
        "comment": [c.comment for c in candidates],
    })
    return df.sort_values("mu_star", ascending=False, kind="stable").reset_index(drop=True)
