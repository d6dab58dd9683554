"""Link ablations summarised over seeds and sampled uncertainties: which links matter, how surely.

Each link (goods or signal edge) is cut for a whole run, in as many *samples* as there are
(seed, draw of the uncertain parameters) pairs, each next to an uncut run of the same sample
(common random numbers: the pair differs only by the cut). :func:`ablation_summary` turns the
paired outcomes into, per link and outcome, the median change and its 5-95 % interval over the
samples, and how often the change has the median's sign. A change is given in the outcome's
unit (dollars for a value) and relative to the uncut run; capability and physical outcomes read
relative when their base is above zero in every sample, values in dollars (a value near zero
made a relative change of -380 % out of a small loss).

A cut can be an unrealistic counterfactual: an agent whose outlet is cut may keep buying its
inputs (satellites built for a launch that never comes; orbital compute built for a lab it
cannot reach). :func:`stranded` flags such cuts from the goods flows: an end of the cut link
that keeps buying at least half of its other inputs while at least half of its output is
lost. The money it keeps spending is *stranded*; the cut's effect on value then includes
that waste, which a real company would stop.

This module is pure: it takes arrays. Running the members is
:mod:`ecosim.experiments.ablation`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: quantiles of the interval reported around the median
INTERVAL = (0.05, 0.95)


def paired_change(base: np.ndarray, cut: np.ndarray, relative: bool = True) -> np.ndarray:
    """Change of an outcome from the uncut run of each sample to the cut one: absolute, or
    relative to ``|base|`` (nan where the base is 0).

    >>> paired_change(np.array([10.0, 0.0]), np.array([5.0, 1.0])).tolist()
    [-0.5, nan]
    """
    d = np.asarray(cut, dtype=float) - np.asarray(base, dtype=float)
    if not relative:
        return d
    b = np.abs(np.asarray(base, dtype=float))
    return np.divide(d, b, out=np.full_like(d, np.nan), where=b > 0)


def interval(values: np.ndarray) -> tuple[float, float, float, float]:
    """Median, 5th and 95th percentile of the finite values, and the share of them with the
    median's sign (1.0: every sample agrees; 0 changes count with a 0 median only).

    >>> [round(x, 3) for x in interval(np.array([-3.0, -2.0, -1.0, 0.5, np.nan]))]
    [-1.5, -2.85, 0.275, 0.75]
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    med = float(np.median(v))
    lo, hi = (float(q) for q in np.quantile(v, INTERVAL))
    agree = float(np.mean(np.sign(v) == np.sign(med)))
    return med, lo, hi, agree


def far_from_zero(base: np.ndarray) -> bool:
    """Whether a change can be read relative to ``base``: the base is above zero in every
    sample. A value that comes near zero or crosses it (a company worth about nothing) makes a
    relative change blow up (-380 % for a small loss), so it is read in its unit.

    >>> far_from_zero(np.array([3.0, 5.0])), far_from_zero(np.array([3.0, 0.0])), far_from_zero(np.array([-3.0, 5.0]))
    (True, False, False)
    """
    b = np.asarray(base, dtype=float)
    return bool(b.size) and bool(np.all(b > 0))


#: columns of :func:`ablation_summary`
SUMMARY_COLUMNS = ["link", "outcome", "unit", "relative", "base_median", "change_median", "change_p05", "change_p95",
                   "relative_median", "relative_p05", "relative_p95", "agree", "samples"]


def ablation_summary(
    base: Mapping[str, np.ndarray],
    cut: Mapping[str, Mapping[str, np.ndarray]],
    relative: Mapping[str, bool] | None = None,
    units: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per (link, outcome): median change over the samples, its interval, agreement.

    ``base[outcome]``: shape (samples,); ``cut[link][outcome]``: shape (samples,), the same
    samples with the link cut; ``units[outcome]``: its unit (default ``""``). Each row carries
    the change both ways: ``change_*`` in the outcome's unit (USD for a value) and
    ``relative_*`` as a fraction of the uncut run's ``|base|`` (samples with a base of 0 left
    out). ``relative`` says which one reads the outcome: ``relative[outcome]`` (default True)
    asks for the relative change, given only where the base is :func:`far_from_zero`; a value,
    which can cross zero, is read in its unit. ``agree`` and ``samples`` count the samples of
    the change that reads it. Columns: :data:`SUMMARY_COLUMNS`.

    >>> t = ablation_summary({"x": np.array([10.0, 20.0])}, {"a->b:data": {"x": np.array([5.0, 16.0])}})
    >>> t[["link", "outcome", "relative", "change_median", "relative_median", "agree"]].values.tolist()
    [['a->b:data', 'x', True, -4.5, -0.35, 1.0]]
    """
    rows = []
    for link, outs in cut.items():
        for name, b in base.items():
            rel = (True if relative is None else relative.get(name, True)) and far_from_zero(b)
            delta = paired_change(b, outs[name], relative=False)
            share = paired_change(b, outs[name], relative=True)
            med, lo, hi, agree = interval(delta)
            rmed, rlo, rhi, ragree = interval(share)
            read = share if rel else delta
            rows.append({"link": link, "outcome": name, "unit": "" if units is None else units.get(name, ""), "relative": rel,
                         "base_median": float(np.median(b)), "change_median": med, "change_p05": lo, "change_p95": hi,
                         "relative_median": rmed, "relative_p05": rlo, "relative_p95": rhi,
                         "agree": ragree if rel else agree, "samples": int(np.isfinite(read).sum())})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


@dataclass(frozen=True)
class Stranding:
    """An end of a cut link that keeps spending while its output is lost."""

    link: str
    agent: str
    spending_kept: float  # share of its spending (other than on the cut link) still made [fraction]
    output_kept: float  # share of its output (sales and revenue) still earned [fraction]
    stranded_usd: float  # median over samples of the spending kept beyond the output kept [USD]


def _median_share(cut: np.ndarray, base: np.ndarray) -> float:
    share = np.divide(cut, base, out=np.full(np.shape(base), np.nan), where=np.asarray(base) > 0)
    return float(np.nanmedian(share)) if np.isfinite(share).any() else float("nan")


def stranded(
    link: str,
    spending: tuple[Mapping[str, np.ndarray], Mapping[str, np.ndarray]],
    output: tuple[Mapping[str, np.ndarray], Mapping[str, np.ndarray]],
    link_usd: tuple[np.ndarray, np.ndarray],
    threshold: float = 0.5,
) -> list[Stranding]:
    """Ends of the cut ``link`` (``seller->buyer:commodity``) that strand spending.

    ``spending`` and ``output``: (uncut, cut) agent -> USD over the run per sample: what the
    agent paid (goods bought and costs) and what it earned (goods sold and revenue);
    ``link_usd``: (uncut, cut) what the link itself carried [USD]. An end is flagged when its
    spending other than on the link keeps at least ``threshold`` of the uncut run's while its
    output keeps no more than ``1 - threshold``; ``stranded_usd`` is the spending kept beyond
    the output kept, ``spend_cut - spend_base * output_kept``.

    >>> spend = ({"a": np.array([10.0]), "b": np.array([7.0])}, {"a": np.array([10.0]), "b": np.array([2.0])})
    >>> earn = ({"a": np.array([5.0]), "b": np.array([9.0])}, {"a": np.array([0.0]), "b": np.array([9.0])})
    >>> [(s.agent, s.spending_kept, s.output_kept, s.stranded_usd) for s in stranded("a->b:x", spend, earn, (np.array([5.0]), np.array([0.0])))]
    [('a', 1.0, 0.0, 10.0)]
    """
    seller, rest = link.split("->", 1)
    buyer = rest.split(":", 1)[0]
    out = []
    for agent in (seller, buyer):
        if agent not in spending[0] or agent not in output[0]:
            continue
        on_link = link_usd if agent == buyer else (np.zeros_like(link_usd[0]), np.zeros_like(link_usd[1]))
        spend_b, spend_c = spending[0][agent] - on_link[0], spending[1][agent] - on_link[1]
        kept_s = _median_share(spend_c, spend_b)
        kept_o = _median_share(output[1][agent], output[0][agent])
        if kept_s >= threshold and kept_o <= 1.0 - threshold:
            o = np.divide(output[1][agent], output[0][agent], out=np.zeros(np.shape(spend_b)), where=output[0][agent] > 0)
            out.append(Stranding(link, agent, kept_s, kept_o, float(np.median(np.maximum(spend_c - spend_b * o, 0.0)))))
    return out
