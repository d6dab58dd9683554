"""Starlink: SpaceX's broadband constellation (V1.5, V2 Mini, V3 on Starship).

Sells bandwidth to subscribers (the market) and backhaul to SpaceX's orbital data centers,
Earth-observation data to the labs (generations that carry imagers; ``[data_market]``'s contract holder, else the highest bidder), and launches on SpaceX's
own rockets at their cost, around the outside customers' missions (tier 1 after their tier 0). Light satellites fly in whole Falcon loads (the
launcher's ``launch_payload_t``); heavy ones (V3) up to the share of Starship's payload the
launcher allots (``starship_capacity_t``). Dynamics: :mod:`ecosim.agents.constellation`; its
partners (its launcher, the data centers' bandwidth need, Kuiper as rival) are wired by the
network.
"""

from __future__ import annotations

import numpy as np

from ecosim.agents.constellation import Constellation, LaunchOrder


class Starlink(Constellation):
    kind = "starlink"
    label = "Starlink"
    launch_tier = 1

    def launch_orders(self, mass_kg: np.ndarray) -> list[LaunchOrder]:
        """One order on its own launcher: light satellites in whole Falcon loads, heavy ones up
        to the Starship payload allotted."""
        launcher = self._ship_launcher
        if launcher is None:
            return []
        inv = self.s.inventory
        needs = self.needs_starship
        kg = inv * mass_kg
        light_t = np.add.reduce(kg[:, self._light], axis=1) / 1000.0
        heavy_t = np.add.reduce(kg[:, needs], axis=1) / 1000.0
        load_t = self.read(launcher, "launch_payload_t")
        whole_t = np.floor(np.divide(light_t, load_t, out=np.zeros(self.K), where=load_t > 0) + 1e-9) * load_t
        light_frac = np.divide(whole_t, light_t, out=np.zeros(self.K), where=light_t > 0)
        heavy_frac = np.minimum(np.divide(self.heavy_share_t(), heavy_t, out=np.zeros(self.K), where=heavy_t > 0), 1.0)
        sats = inv * np.where(needs[None, :], heavy_frac[:, None], np.minimum(light_frac, 1.0)[:, None])
        return [LaunchOrder(launcher, np.add.reduce(sats * mass_kg, axis=1) / 1000.0, sats)]
