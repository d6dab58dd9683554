"""Starcloud: a venture-funded orbital data-center startup (Starcloud-1 flew an H100 in 2025).

It sells compute to outside customers (the market), builds within its venture budget
(``[starcloud] capex_budget_usd_per_yr``) whenever orbit beats a terrestrial site, plus
demonstrators, and flies on SpaceX rideshares at SpaceX's price.
"""

from __future__ import annotations

import numpy as np

from ecosim.agents.orbital_dc import OrbitalDataCenter


class Starcloud(OrbitalDataCenter):
    kind = "orbital_dc"
    label = "Starcloud"
    launch_tier = 1

    def wanted_mw(self) -> np.ndarray:
        unit_usd_per_mw = self._hw_usd_per_mw + self._kg_per_mw * self.launch_usd_per_kg  # (its per-run factors, as offer's)
        return self.capital_usd() / np.maximum(unit_usd_per_mw, 1e-9)
