"""Starlink: SpaceX's broadband constellation (V1.5, V2 Mini, V3 on Starship).

Sells bandwidth to subscribers (the market) and backhaul to SpaceX's orbital data centers,
Earth-observation data to xAI (generations that carry imagers), and launches on SpaceX's
own rockets first (tier 0). Dynamics: :mod:`ecosim.agents.constellation`; its partners
(Starship's capacity, the data centers' bandwidth need, Kuiper as rival) are wired by the
network.
"""

from __future__ import annotations

from ecosim.agents.constellation import Constellation


class Starlink(Constellation):
    kind = "starlink"
    label = "Starlink"
    launch_tier = 0
