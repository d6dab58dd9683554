"""Starlink: SpaceX's broadband constellation (V1.5, V2 Mini, V3 on Starship).

Sells bandwidth to subscribers (the market) and backhaul to SpaceX's orbital data centers,
Earth-observation data to xAI (generations that carry imagers), and launches on SpaceX's
own rockets first (tier 0). Dynamics: :mod:`ecosim.agents.constellation`.
"""

from __future__ import annotations

import numpy as np

from ecosim.agents.constellation import Constellation


class Starlink(Constellation):
    kind = "starlink"
    label = "Starlink"
    rival = "kuiper"
    launch_tier = 0

    def starship_available(self) -> np.ndarray:
        fleet = self.agent("spacex_launch")
        return fleet.starship_mass_capacity_t * (fleet.ship_operational() > 0)

    def reserved_tbps(self) -> np.ndarray:
        return self.agent("orbital_dc").bandwidth_need_tbps
