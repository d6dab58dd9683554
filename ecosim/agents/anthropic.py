"""Anthropic: a rival lab whose compute was all leased to 2025 (Google Cloud TPUs, AWS
Trainium), with data centers of its own from 2026.

Anthropic (:class:`~ecosim.agents.xai.Lab`) owned no data centers in 2020-2025: it rented its
compute from the clouds that fund it (Amazon's Project Rainier, about a gigawatt of Trainium2 by
the end of 2025; Google's TPUs, up to a million announced in October 2025), so the network wires
it to the lessors' market (:class:`~ecosim.agents.cloud.Cloud`). In November 2025 it announced
$50B of data centers of its own with Fluidstack in Texas and New York, coming online through 2026
(:class:`AnthropicDataCenters`, ``[anthropic_dc]``): from then its plan splits between leasing and
building on the same switch as every lab's (:meth:`Lab.plan`), in the wait for its sites' power
and the lease/own cost ratio. Its revenue is its share of the same inference market as the other
labs, its costs those of any lab (research staff, SG&A, and the lease payments its lessor bills).
"""

from __future__ import annotations

from ecosim.agents.terrestrial_dc import TerrestrialDataCenter
from ecosim.agents.xai import Lab


class Anthropic(Lab):
    kind = "anthropic"
    label = "Anthropic"


class AnthropicDataCenters(TerrestrialDataCenter):
    kind = "terrestrial_dc"
    label = "Anthropic DCs"
