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

from ecosim.agents.base import HOURS_PER_MONTH, EcosimAgent, wright


class PVSupplier(EcosimAgent):
    kind = "pv_supplier"
    label = "PV supplier"

    def __init__(self, model: Any, name: str, company: str, p: Any, supplier: Any) -> None:
        super().__init__(model, name, company, p)
        self.supplier = supplier
        self.s.capacity_gw_per_yr = np.full(self.K, supplier.capacity_gw_per_yr_initial, dtype=float)
        self.s.utilisation = np.ones(self.K)

    def price_usd_per_w(self) -> np.ndarray:
        p = self.p
        cum = self.agent("market").s.pv_cum_gw
        base = wright(p.price_usd_per_w_initial, cum, p.cumulative_gw_initial, p.price_progress_ratio)
        return np.maximum(p.price_usd_per_w_floor, base * np.clip(self.s.utilisation, 0.2, 1.0) ** p.oversupply_price_elasticity)

    def offer(self) -> None:
        p = self.p
        supply = self.s.capacity_gw_per_yr / 12.0
        price = self.price_usd_per_w() * 1e9  # USD per GW
        self.ex.offer(self.name, "pv_modules", supply, price, tier_caps={0: supply * p.export_policy_frac})
        # electricity for this month's output at last month's utilisation
        mw = supply * self.s.utilisation * 1000.0 * p.manufacturing_mwh_per_mw / HOURS_PER_MONTH
        self.ex.demand(self.name, "power", mw, tier=1, kind="opex")

    def settle(self) -> None:
        s, ex = self.s, self.ex
        sold = ex.sold(self.name, "pv_modules")
        s.utilisation = np.divide(sold, s.capacity_gw_per_yr / 12.0, out=np.zeros(self.K), where=s.capacity_gw_per_yr > 0)
        self.pay_costs(sold * 1e9 * self.price_usd_per_w() * self.p.cost_frac_of_price, "opex")
        busy = np.clip((s.utilisation - 0.5) / 0.3, 0.0, 1.0)  # no new plants while half idle
        s.capacity_gw_per_yr = s.capacity_gw_per_yr * (1.0 + busy * ((1.0 + self.supplier.capacity_growth_frac_per_yr) ** (1.0 / 12.0) - 1.0))
