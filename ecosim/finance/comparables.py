"""Comparables: value a company's segments at peers' revenue multiples (sum of the parts).

Peers live in ``ecosim/data/peers.csv`` (peer, group, multiple, metric, basis, date,
own_entity, source): market multiples with their date and how each is computed (market value
over reported revenue), none of them seed 002's. A peer whose ``own_entity`` is the entity
being valued (OpenAI's own round when valuing OpenAI) is left out (:func:`peers_for`): an
entity is never priced with its own mark. The world has no debt, so a price/sales multiple and
an EV/revenue multiple value the same thing here. A group's low, median and high multiple
times a segment's revenue in the valuation year gives a range; a segment whose group has no
peers is reported *unpriced*, never silently dropped. :func:`mark_implied_multiple` is a mark
divided by a revenue (what the reverse view of a mark prints).

Segments are valued on revenue from outside the entity only: a sale from one segment to a
sister segment is a cost of the other and would otherwise be counted twice.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Peer:
    """A comparable company and its multiple [ratio]."""

    peer: str
    group: str
    multiple: float
    metric: str
    basis: str
    source: str
    date: str = ""
    own_entity: str = ""


@lru_cache(maxsize=1)
def peer_table() -> tuple[Peer, ...]:
    """Every row of ``ecosim/data/peers.csv``."""
    path = resources.files("ecosim") / "data" / "peers.csv"
    with path.open(encoding="utf-8") as fh:
        return tuple(Peer(r["peer"], r["group"], float(r["multiple"]), r["metric"], r["basis"], r["source"], r.get("date") or "", r.get("own_entity") or "") for r in csv.DictReader(fh))


def peers_for(entity_id: str) -> tuple[Peer, ...]:
    """The peer table without the entity's own mark or multiple (``own_entity``).

    >>> any(p.own_entity == "openai" for p in peers_for("openai")), any(p.own_entity == "openai" for p in peers_for("xai"))
    (False, True)
    """
    return tuple(p for p in peer_table() if p.own_entity != entity_id)


def mark_implied_multiple(mark_usd: float, revenue_usd: float) -> float:
    """EV/revenue a mark implies on a revenue [ratio]; nan if the revenue is not positive.

    >>> mark_implied_multiple(840e9, 21e9)
    40.0
    """
    return float(mark_usd / revenue_usd) if revenue_usd > 0 else float("nan")


def group_multiples(peers: tuple[Peer, ...] | list[Peer]) -> pd.DataFrame:
    """Low, median and high multiple of each peer group [ratio], with the peers' names.

    >>> g = group_multiples([Peer("a", "x", 2.0, "ps", "", ""), Peer("b", "x", 4.0, "ps", "", ""), Peer("c", "x", 9.0, "ps", "", "")])
    >>> g.loc["x", ["low", "median", "high", "n"]].tolist()
    [2.0, 4.0, 9.0, 3.0]
    """
    rows = {}
    for group in dict.fromkeys(p.group for p in peers):
        m = np.array([p.multiple for p in peers if p.group == group], dtype=float)
        rows[group] = {"low": float(m.min()), "median": float(np.median(m)), "high": float(m.max()), "n": int(m.size), "peers": ", ".join(p.peer for p in peers if p.group == group)}
    return pd.DataFrame.from_dict(rows, orient="index")


def sum_of_parts(segment_revenue: pd.DataFrame, multiples: pd.DataFrame) -> pd.DataFrame:
    """Each segment's revenue times its peer group's low, median and high multiple [USD].

    ``segment_revenue``: columns segment, label, group, revenue_usd. Segments whose group has
    no peers get no value (nan) and ``priced`` False (listed as unpriced). A last row ``total``
    sums the values of the priced segments.

    >>> seg = pd.DataFrame({"segment": ["a", "b"], "label": ["A", "B"], "group": ["x", "none"], "revenue_usd": [10.0, 5.0]})
    >>> mult = pd.DataFrame({"low": [2.0], "median": [3.0], "high": [4.0], "n": [2], "peers": ["p, q"]}, index=["x"])
    >>> sum_of_parts(seg, mult)["value_median_usd"].tolist()
    [30.0, nan, 30.0]
    """
    out = segment_revenue[["segment", "label", "group", "revenue_usd"]].copy()
    out["priced"] = out["group"].map(lambda g: bool(g) and not multiples.empty and g in multiples.index).astype(bool)
    for col in ("low", "median", "high"):
        m = out["group"].map(multiples[col]) if not multiples.empty else pd.Series(np.nan, index=out.index)
        out[f"multiple_{col}"] = m.astype(float)
        out[f"value_{col}_usd"] = out["revenue_usd"] * out[f"multiple_{col}"]
    total = {"segment": "total", "label": "sum of the parts", "group": "", "revenue_usd": out["revenue_usd"].sum(), "priced": bool(out["priced"].all())}
    for col in ("low", "median", "high"):
        total[f"multiple_{col}"] = np.nan
        total[f"value_{col}_usd"] = out[f"value_{col}_usd"].sum(min_count=1)
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)
