"""The rest of the economy: outside customers and suppliers.

It buys what the modelled actors sell to people and firms outside the model (dedicated
launches, PV modules for the world's installations, AI accelerators for every other data
center, broadband, robot hours, Starcloud's compute) and receives every cost the actors pay
out. Its cash is the mirror of everyone else's, so money on the ledger always balances.

It also runs two markets' shared state and publishes it:

* the frontier-AI revenue pool: it grows logistically toward its ceiling and is larger when the
  best model (the labs' ``capability`` signals, and those not modelled at
  ``others_capability_ratio`` of the best) is better; each lab's deserved share is its
  capability^``share_exponent`` over everyone's (``ai_pool_usd_per_month``, ``ai_share_frac``,
  ``ai_market_room_frac``);
* the world's cumulative PV output, which drives the module learning curve
  (``pv_cumulative_gw``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import UNLIMITED, EcosimAgent


class Market(EcosimAgent):
    kind = "market"
    label = "Customers & economy"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        sh = self.shared
        self.lab_names = self.ex.senders(self.name, "capability")
        self.s.launches_per_yr = self.full(p.external_launches_per_yr_initial)
        self.s.pv_gw_per_yr = self.full(sh.pv.world_installs_gw_per_yr_initial)
        self.s.chips_h100e_per_month = self.full(sh.chips.market_demand_h100e_per_month_initial)
        self.s.pv_cum_gw = self.full(sh.pv.cumulative_gw_initial)
        self.s.ai_pool_usd_per_yr = self.full(sh.ai_market.revenue_usd_per_yr_initial)
        self.s.others_capability = self.zeros()
        self._publish_ai(self.zeros(), [self.zeros() for _ in self.lab_names])
        self.publish("pv_cumulative_gw", self.s.pv_cum_gw)

    def _publish_ai(self, pool_usd_per_month: np.ndarray, deserved: list[np.ndarray]) -> None:
        am = self.shared.ai_market
        self.publish("ai_pool_usd_per_month", pool_usd_per_month)
        self.publish("ai_market_room_frac", np.clip(1.0 - self.s.ai_pool_usd_per_yr / am.revenue_usd_per_yr_max, 0.0, 1.0))
        for lab, share in zip(self.lab_names, deserved, strict=True):
            self.ex.publish_to(self.name, lab, "ai_share_frac", share)

    def offer(self) -> None:
        p, sh = self.p, self.shared
        am = sh.ai_market
        ex = self.ex
        s = self.s
        s.launches_per_yr = self.grow_logistic(s.launches_per_yr, p.external_launches_growth_frac_per_yr, p.external_launches_per_yr_max)
        s.pv_gw_per_yr = self.grow(s.pv_gw_per_yr, sh.pv.world_installs_growth_frac_per_yr, sh.pv.world_installs_gw_per_yr_max)
        s.chips_h100e_per_month = self.grow_logistic(s.chips_h100e_per_month, sh.chips.market_demand_growth_frac_per_yr, sh.chips.market_demand_h100e_per_month_max)
        s.ai_pool_usd_per_yr = self.grow_logistic(s.ai_pool_usd_per_yr, am.growth_frac_per_yr, am.revenue_usd_per_yr_max)

        # the AI pool and the share each lab's capability (last month) deserves
        caps = [np.maximum(self.read(lab, "capability"), 0.0) for lab in self.lab_names]
        best_lab = np.maximum.reduce(caps) if caps else self.zeros()
        s.others_capability = am.others_capability_ratio * best_lab
        best = np.maximum(best_lab, s.others_capability)
        pool = s.ai_pool_usd_per_yr / 12.0 * np.maximum(best, 1e-6) ** am.capability_elasticity
        total = sum((c**am.share_exponent for c in caps), s.others_capability**am.share_exponent)
        deserved = [np.divide(c**am.share_exponent, total, out=np.zeros(self.K), where=total > 0) for c in caps]
        self._publish_ai(pool, deserved)

        ex.demand(self.name, "launch_mass", s.launches_per_yr / 12.0 * p.launch_payload_t, tier=1, kind="opex")
        ex.demand(self.name, "pv_modules", s.pv_gw_per_yr / 12.0, tier=1, kind="capex")
        ex.demand(self.name, "accelerators", s.chips_h100e_per_month, tier=1, kind="capex")
        # subscribers' bandwidth: the constellations cap what they sell to the market at what
        # their subscribers use
        ex.demand(self.name, "bandwidth", np.full(self.K, UNLIMITED), tier=1, kind="opex")
        ex.demand(self.name, "compute", np.full(self.K, UNLIMITED), tier=1, kind="opex")
        ex.demand(self.name, "labour", np.full(self.K, UNLIMITED), tier=2, kind="opex")

    def settle(self) -> None:
        # the world's cumulative PV output: the world's installations this month and every
        # module sold to the modelled buyers
        ex = self.ex
        others = ex.cleared("pv_modules") - ex.received(self.name, "pv_modules")
        self.s.pv_cum_gw = self.s.pv_cum_gw + self.s.pv_gw_per_yr / 12.0 + others
        self.publish("pv_cumulative_gw", self.s.pv_cum_gw)
