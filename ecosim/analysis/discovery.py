"""Scenario discovery: which regions of the inputs give an outcome of interest (PRIM).

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999 [1]) peels the input space
into a box, a few bounds on a few inputs, that holds many of the runs of interest (coverage:
the share of all runs of interest inside the box) and mostly those (density: the share of the
box's runs that are of interest). Scenario discovery uses it to say "what must be true" for
an outcome [2]: e.g. which launch costs, hardware costs and AI market sizes put SpaceX+xAI's
fundamental value at or above the $1.25T mark.

The implementation is EMA Workbench's (``ema_workbench.analysis.prim``, maintained, with
pasting, categorical inputs and quasi-p-values of each bound) [3]. From its peeling
trajectory we report every box and choose the one with the highest coverage among those
whose density reaches ``density_threshold`` (the last box when none does).

References
----------
[1] Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data.
    Statistics and Computing 9(2).
[2] Bryant, B. P. and Lempert, R. J. (2010). Thinking inside the box: a participatory,
    computer-assisted approach to scenario discovery. Technological Forecasting and Social
    Change 77(1).
[3] Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. Environmental Modelling &
    Software 96.
"""

from __future__ import annotations

import inspect
import logging
import operator
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass
class PrimResult:
    """A PRIM box and the trajectory it was chosen from."""

    name: str
    label: str
    runs: int  # runs analysed
    of_interest: int  # runs meeting the condition
    trajectory: pd.DataFrame  # box, coverage, density, mass, res_dim, step (peel/paste, then dropped restrictions)
    chosen: int  # row of the trajectory chosen
    limits: pd.DataFrame  # input, restricted, min, max, full_min, full_max, values, full_values, qp_value
    note: str = ""

    @property
    def coverage(self) -> float:
        return float(self.trajectory["coverage"].iloc[self.chosen]) if len(self.trajectory) else float("nan")

    @property
    def density(self) -> float:
        return float(self.trajectory["density"].iloc[self.chosen]) if len(self.trajectory) else float("nan")


def condition(values: pd.Series | np.ndarray, op: str, value: float) -> np.ndarray:
    """Boolean array: which values meet ``op value`` (NaN never does).

    >>> condition(np.array([1.0, 2.0, np.nan]), ">=", 2.0).tolist()
    [False, True, False]
    """
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.asarray(OPS[op](v, value) & np.isfinite(v), dtype=bool)


def _outer_frames(frame: Any, context: int = 1) -> list[inspect.FrameInfo]:
    """``inspect.getouterframes`` without the source lines and files it looks up (which walk
    every loaded module for every frame): each frame, its file, line and function name."""
    out = []
    while frame is not None:
        code = frame.f_code
        out.append(inspect.FrameInfo(frame, code.co_filename, frame.f_lineno, code.co_name, None, None))
        frame = frame.f_back
    return out


def _import_prim() -> Any:
    """EMA Workbench's PRIM module, imported once. Its method logger asks, for each class it
    decorates at import, the name of the calling function through ``inspect.getouterframes``,
    which looks up the source of every outer frame (seconds in a process with many modules
    loaded, a test session's); during the import that call is given the frames without
    their source (the function name is all it reads)."""
    getouterframes = inspect.getouterframes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed": not needed here
        inspect.getouterframes = _outer_frames
        try:
            from ema_workbench.analysis import prim
        finally:
            inspect.getouterframes = getouterframes
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def prim_box(
    x: pd.DataFrame,
    y: np.ndarray,
    *,
    name: str,
    label: str,
    density_threshold: float = 0.8,
    peel_alpha: float = 0.05,
    mass_min: float = 0.05,
    significance: float = 0.05,
) -> PrimResult:
    """Find a PRIM box for ``y`` (boolean, runs of interest) over the inputs ``x``.

    Numeric columns must be float; text columns are treated as categories. After choosing
    the box, restrictions whose quasi-p-value (a one-sided binomial test of the bound,
    Bryant and Lempert 2010 [2]) exceeds ``significance`` are dropped, the least significant
    first (``PrimBox.drop_restriction``): what remains are bounds the data supports.
    """
    y = np.asarray(y, dtype=bool)
    n, k = len(y), int(y.sum())
    empty = pd.DataFrame(columns=["box", "coverage", "density", "mass", "res_dim", "step"])
    if k == 0 or k == n:
        note = "no run meets the condition" if k == 0 else "every run meets the condition"
        return PrimResult(name, label, n, k, empty, 0, _full_limits(x), note=f"{note}: no box to find")
    prim = _import_prim()
    xs = x.copy()
    for c in xs.columns:
        if pd.api.types.is_numeric_dtype(xs[c]):
            xs[c] = xs[c].astype(float)
        else:
            xs[c] = xs[c].astype(object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench's own pandas deprecations
        p = prim.Prim(xs, y.astype(int), threshold=density_threshold, peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
        n_peel = len(box.peeling_trajectory)
        traj0 = box.peeling_trajectory
        meets = traj0.index[traj0["density"] >= density_threshold]
        chosen = int(traj0.loc[meets, "coverage"].idxmax()) if len(meets) else n_peel - 1
        note = "" if len(meets) else f"no box reaches density {density_threshold:g}: the densest box is reported"
        dropped: list[str] = []
        while True:  # drop the least significant restriction while one is above the threshold
            worst = max(((_qp(v), k) for k, v in box.qp[chosen].items()), default=(0.0, ""))
            if worst[0] <= significance:
                break
            box.drop_restriction(uncertainty=worst[1], i=chosen)
            chosen = len(box.peeling_trajectory) - 1
            dropped.append(worst[1])
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True).copy()
    traj.insert(0, "box", np.arange(len(traj)))
    traj["step"] = ["peel or paste"] * n_peel + [f"drop {d}" for d in dropped]
    if dropped:
        note = "; ".join(filter(None, [note, f"restrictions with quasi-p > {significance:g} dropped: {', '.join(dropped)}"]))
    if k / n >= density_threshold and not box.qp[chosen]:
        note = "; ".join(filter(None, [note, f"{100 * k / n:.0f}% of all runs meet the condition, at least the density threshold {density_threshold:g}: "
                                      "the box is the whole input space (look at the opposite condition for what fails it)"]))
    qp = box.qp[chosen]  # restricted input -> [quasi-p of the lower bound, of the upper] (-1: none)
    full = _full_limits(x)
    rows = []
    for _, r in full.iterrows():
        col = r["input"]
        bl = box.box_lims[chosen][col]
        qp_value = _qp(qp[col]) if col in qp else float("nan")
        if pd.api.types.is_numeric_dtype(x[col]):
            rows.append({**r, "restricted": col in qp, "min": float(bl.iloc[0]), "max": float(bl.iloc[1]), "qp_value": qp_value})
        else:
            vals = sorted(str(v) for v in bl.iloc[0])
            rows.append({**r, "restricted": col in qp, "values": ", ".join(vals), "qp_value": qp_value})
    limits = pd.DataFrame(rows)
    for c in ("min", "max", "values"):
        if c not in limits:
            limits[c] = np.nan if c != "values" else ""
    limits = limits[["input", "restricted", "min", "max", "full_min", "full_max", "values", "full_values", "qp_value"]]
    return PrimResult(name, label, n, k, traj, chosen, limits, note=note)


def _qp(values: list[float]) -> float:
    """Quasi-p-value of a restriction: the larger of its bounds' (-1 marks an unrestricted side)."""
    ps = [float(v) for v in values if v is not None and v >= 0]
    return max(ps) if ps else 0.0


def _full_limits(x: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for c in x.columns:
        if pd.api.types.is_numeric_dtype(x[c]):
            rows.append({"input": c, "full_min": float(x[c].min()), "full_max": float(x[c].max()), "full_values": ""})
        else:
            rows.append({"input": c, "full_min": np.nan, "full_max": np.nan, "full_values": ", ".join(sorted(map(str, x[c].unique())))})
    df = pd.DataFrame(rows, columns=["input", "full_min", "full_max", "full_values"])
    return df


def describe_box(res: PrimResult, units: dict[str, str] | None = None) -> list[str]:
    """The chosen box as readable lines: ``launch cost floor in [1e6, 1.2e7] USD``."""
    units = units or {}
    out: list[str] = []
    if "restricted" not in res.limits:
        return out
    for _, r in res.limits[res.limits["restricted"]].iterrows():
        u = f" {units[r['input']]}" if units.get(r["input"]) else ""
        if isinstance(r.get("values"), str) and r["values"]:
            out.append(f"{r['input']} in {{{r['values']}}}")
        else:
            out.append(f"{r['input']} in [{r['min']:.4g}, {r['max']:.4g}]{u} (of [{r['full_min']:.4g}, {r['full_max']:.4g}])")
    return out
