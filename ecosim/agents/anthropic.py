"""Anthropic: a rival lab whose compute is all leased (Google Cloud TPUs, AWS Trainium).

Anthropic (:class:`~ecosim.agents.xai.Lab`) owns no data centers in 2020-2025: it rents its
compute from the clouds that fund it (Amazon's Project Rainier, about a gigawatt of Trainium2 by
the end of 2025; Google's TPUs, up to a million announced in October 2025), so the network wires
it to the lessors' market (:class:`~ecosim.agents.cloud.Cloud`) and to no builder: every
EFLOP/s it wants is a lease (:meth:`Lab.plan` leases all when the lab has no site of its own).
Its revenue is its share of the same inference market as the other labs, its costs those of any
lab (research staff, SG&A, lease payments).
"""

from __future__ import annotations

from ecosim.agents.xai import Lab


class Anthropic(Lab):
    kind = "anthropic"
    label = "Anthropic"
