"""Chinese PV suppliers (GCL, Jinko, TCL Zhonghuan, LONGi): capacity, price, export policy.

Capacity grows while plants are busy (not at all below half utilisation: the 2024-2025
glut). The module price follows Swanson's law (a Wright curve in the world's cumulative PV output,
``price_progress_ratio`` per doubling) down to a floor, pushed lower by spare capacity
(``(utilisation)^oversupply_price_elasticity``). Each supplier offers its monthly capacity;
US buyers (the orbital data-center builders, tier 0) may take at most ``export_policy_frac``
of it (China's export-policy lever) and pay ``us_tariff_frac`` on top to the US. Making a
MW of modules takes ``manufacturing_mwh_per_mw`` of Chinese grid power.

[1] Swanson, R. M. (2006). A vision for crystalline silicon photovoltaics. Prog. Photovolt. 14(5).
[2] OPIS Chinese Module Marker via pv magazine (history.csv): TOPCon FOB China prices.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import HOURS_PER_MONTH, EcosimAgent, clip, wright


class PVSupplier(EcosimAgent):
    kind = "pv_supplier"
    label = "PV supplier"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        self.industry = self.shared.pv
        self.s.capacity_gw_per_yr = np.full(self.K, p.capacity_gw_per_yr_initial, dtype=float)
        self.s.utilisation = np.ones(self.K)
        self.price_usd_per_w = np.zeros(self.K)
        self._growth_step = (1.0 + p.capacity_growth_frac_per_yr) ** (1.0 / 12.0) - 1.0  # a month's growth at full use (fixed in a run)

    def _price_usd_per_w(self) -> np.ndarray:
        """Module price this month [USD/W]: Swanson's curve in the world's cumulative output
        (the market's ``pv_cumulative_gw``), lowered by spare capacity, above the floor."""
        pv = self.industry
        cum = self.read("market", "pv_cumulative_gw")
        base = wright(pv.price_usd_per_w_initial, cum, pv.cumulative_gw_initial, pv.price_progress_ratio)
        spare = clip(self.s.utilisation, pv.price_utilisation_floor_frac, 1.0) ** pv.oversupply_price_elasticity
        return np.maximum(pv.price_usd_per_w_floor, base * spare)

    def offer(self) -> None:
        pv = self.industry
        supply = self.s.capacity_gw_per_yr / 12.0
        self.price_usd_per_w = self._price_usd_per_w()
        self.ex.offer(self.name, "pv_modules", supply, self.price_usd_per_w * 1e9, tier_caps={0: supply * pv.export_policy_frac})
        # electricity for this month's output at last month's utilisation
        mw = supply * self.s.utilisation * 1000.0 * pv.manufacturing_mwh_per_mw / HOURS_PER_MONTH
        self.ex.demand(self.name, "power", mw, tier=1, kind="opex")

    def settle(self) -> None:
        s, ex, pv = self.s, self.ex, self.industry
        sold = ex.sold(self.name, "pv_modules")
        if self.K == 1:  # one member: the division or none, without the mask
            s.utilisation = sold / (s.capacity_gw_per_yr / 12.0) if s.capacity_gw_per_yr[0] > 0 else self.zeros()
        else:
            s.utilisation = np.divide(sold, s.capacity_gw_per_yr / 12.0, out=np.zeros(self.K), where=s.capacity_gw_per_yr > 0)
        self.pay_costs(sold * 1e9 * self.price_usd_per_w * pv.cost_frac_of_price, "opex")
        # no new plants below ``expansion_utilisation_min_frac``; full growth that much higher
        busy = clip((s.utilisation - pv.expansion_utilisation_min_frac) / pv.expansion_utilisation_ramp_frac, 0.0, 1.0)
        s.capacity_gw_per_yr = s.capacity_gw_per_yr * (1.0 + busy * self._growth_step)
