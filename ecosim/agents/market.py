"""The rest of the economy: outside customers and suppliers.

It buys what the modelled actors sell to people and firms outside the model (dedicated
launches, PV modules for the world's installations, AI accelerators for every other data
center, broadband, robot hours, Starcloud's compute) and receives every cost the actors pay
out. Its cash is the mirror of everyone else's, so money on the ledger always balances.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import EcosimAgent

UNLIMITED = 1e15


class Market(EcosimAgent):
    kind = "market"
    label = "Customers & economy"

    def __init__(self, model: Any, name: str, company: str, p: Any) -> None:
        super().__init__(model, name, company, p)
        self.params = P = model.params
        self.s.launches_per_yr = self.full(P.market.external_launches_per_yr_initial)
        self.s.pv_gw_per_yr = self.full(P.pv.world_installs_gw_per_yr_initial)
        self.s.chips_h100e_per_month = self.full(P.chips.market_demand_h100e_per_month_initial)
        self.s.pv_cum_gw = self.full(P.pv.cumulative_gw_initial)
        self.s.ai_pool_usd_per_yr = self.full(P.ai_market.revenue_usd_per_yr_initial)
        self.s.others_capability = self.zeros()

    def offer(self) -> None:
        P = self.params
        ex = self.ex
        s = self.s
        s.launches_per_yr = self.grow_logistic(s.launches_per_yr, P.market.external_launches_growth_frac_per_yr, P.market.external_launches_per_yr_max)
        s.pv_gw_per_yr = self.grow(s.pv_gw_per_yr, P.pv.world_installs_growth_frac_per_yr, P.pv.world_installs_gw_per_yr_max)
        s.chips_h100e_per_month = self.grow_logistic(s.chips_h100e_per_month, P.chips.market_demand_growth_frac_per_yr, P.chips.market_demand_h100e_per_month_max)
        s.ai_pool_usd_per_yr = self.grow_logistic(s.ai_pool_usd_per_yr, P.ai_market.growth_frac_per_yr, P.ai_market.revenue_usd_per_yr_max)
        best = np.maximum.reduce([lab.s.capability for lab in self.model.labs])
        s.others_capability = P.ai_market.others_capability_ratio * best
        ex.demand(self.name, "launch_mass", s.launches_per_yr / 12.0 * P.launch.falcon.payload_t, tier=1, kind="opex")
        ex.demand(self.name, "pv_modules", s.pv_gw_per_yr / 12.0, tier=1, kind="capex")
        ex.demand(self.name, "accelerators", s.chips_h100e_per_month, tier=1, kind="capex")
        subscribers = self.agent("starlink").subscriber_tbps + self.agent("kuiper").subscriber_tbps
        ex.demand(self.name, "bandwidth", subscribers, tier=1, kind="opex")
        ex.demand(self.name, "compute", np.full(self.K, UNLIMITED), tier=1, kind="opex")

    def settle(self) -> None:
        # the world's cumulative PV output drives the module learning curve
        orbital = sum(
            (self.ex.received(n, "pv_modules") for n in ("orbital_dc", "google_planet", "starcloud")), np.zeros(self.K)
        )
        self.s.pv_cum_gw = self.s.pv_cum_gw + self.s.pv_gw_per_yr / 12.0 + orbital
