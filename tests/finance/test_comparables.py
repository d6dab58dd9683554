"""Comparables with their own data (issue 16, item 3): dated, sourced peers that are not seed
002's, never the valued entity's own mark; every segment priced or reported unpriced."""

from __future__ import annotations

import re

import pandas as pd

from ecosim.finance.accounts import segment_table
from ecosim.finance.comparables import group_multiples, peer_table, peers_for, sum_of_parts
from ecosim.finance.gap import entity_specs


def test_every_peer_is_dated_sourced_and_not_the_seed_reports() -> None:
    for p in peer_table():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.date), p
        assert p.multiple > 0 and p.basis and p.metric in ("EV/revenue", "price/sales"), p
        assert "seed" not in p.source.lower() and len(p.source) > 30, p


def test_no_entity_is_priced_with_its_own_mark() -> None:
    for spec in entity_specs():
        assert all(p.own_entity != spec.id for p in peers_for(spec.id)), spec.id
    assert any(p.own_entity == "openai" for p in peer_table())


def test_every_segment_has_peers_or_is_reported_unpriced() -> None:
    """Each roster segment's group has peers in the table, or sum_of_parts marks it unpriced
    (value NaN, priced False) and the total is of the priced segments only."""
    groups = group_multiples(list(peer_table()))
    for info in segment_table().values():
        if info.company in ("spacex", "tesla", "xai", "openai"):
            assert info.peer_group in groups.index, (info.agent, info.peer_group)
    seg = pd.DataFrame({"segment": ["auto", "chips"], "label": ["A", "C"], "group": ["automaker", "semis_without_peers"], "revenue_usd": [100.0, 50.0]})
    out = sum_of_parts(seg, groups)
    assert out["priced"].tolist() == [True, False, False]
    assert out.loc[1, "value_median_usd"] != out.loc[1, "value_median_usd"]
    assert out.loc[2, "value_median_usd"] == 100.0 * groups.loc["automaker", "median"]
