"""Tesla Energy: stationary storage (Megapack, Powerwall) and solar generation.

* Capacity [GWh/yr]: each storage factory ramps linearly to its capacity over ``ramp_months``
  (Lathrop, Shanghai Megafactory, the Powerwall lines), as far as Tesla's cash pays for it (a
  month's new capacity costs at most the company's cash when the month opened over ``[tesla]``'s
  ``cash_deploy_months``; what it cannot pay is built later); deployments = capacity x utilisation
  (Tesla has sold what its Megafactories make since 2022: order backlog into 2026).
* Price [USD/kWh] falls on Wright's curve in cumulative deployments (Tesla passes falling cell
  and pack costs through at a steady margin): revenue = deployments x price + solar generation.
* Costs: revenue x (1 - gross margin) as cost of goods, R&D and SG&A at the share of revenue
  of ``[tesla]``'s (its cash part: the rest is paid in stock), and new capacity x capex per GWh/yr.

References: Tesla 10-K 2023-2024 and quarterly updates (deployments 14.7 / 31.4 / 46.7 GWh and
energy revenue 6.0 / 10.1 / 12.8 USD B in 2023-2025: history.csv). Parameters: ``[tesla_energy]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import EcosimAgent, ramped_capacity
from ecosim.physics.launch import wright_cost


class TeslaEnergy(EcosimAgent):
    kind = "tesla_energy"
    label = "Tesla Energy"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.s.cumulative_gwh = np.full(K, p.cumulative_gwh_initial, dtype=float)
        self.s.capacity_prev_gwh_per_yr = self.capacity_gwh_per_yr(world.start_month - 1)
        self.deployed_gwh = np.zeros(K)
        self.revenue_usd = np.zeros(K)
        self.operating_expenses_usd = np.zeros(K)

    def capacity_gwh_per_yr(self, month: int | None = None) -> np.ndarray:
        """Planned storage capacity in a month [GWh/yr]."""
        return ramped_capacity(self.p.factories, "capacity_gwh_per_yr", self.t if month is None else month, self.K)

    def installed_gwh_per_yr(self) -> np.ndarray:
        """This month's installed storage capacity [GWh/yr]: the plan, as far as the cash pays
        (its growth over last month at ``factory_capex_usd_per_gwh_yr``, within the company's
        cash when the month opened over ``cash_deploy_months``)."""
        p, s = self.p, self.s
        planned = self.capacity_gwh_per_yr()
        wanted = np.maximum(planned - s.capacity_prev_gwh_per_yr, 0.0)
        affordable = self.affordable_units(p.factory_capex_usd_per_gwh_yr, self.shared.tesla.cash_deploy_months)
        return np.where(wanted <= affordable, planned, s.capacity_prev_gwh_per_yr + affordable)

    def price_usd_per_kwh(self) -> np.ndarray:
        """Realised storage revenue per kWh deployed [USD/kWh]: Wright's curve in deployments."""
        p = self.p
        return wright_cost(p.price_usd_per_kwh_initial, self.s.cumulative_gwh, p.cumulative_gwh_initial, p.price_progress_ratio)

    def settle(self) -> None:
        p, s = self.p, self.s
        capacity = self.installed_gwh_per_yr()
        self.deployed_gwh = capacity * p.utilisation_frac / 12.0
        self.revenue_usd = self.deployed_gwh * 1e6 * self.price_usd_per_kwh() + p.generation_revenue_usd_per_yr / 12.0
        self.operating_expenses_usd = self.revenue_usd * self.shared.tesla.operating_expenses_frac_of_revenue
        self.ex.pay("market", self.name, self.revenue_usd, "revenue")
        cash_opex = self.operating_expenses_usd * (1.0 - self.shared.tesla.operating_expenses_stock_frac)
        self.pay_costs(self.revenue_usd * (1.0 - p.gross_margin_frac) + cash_opex, "opex")
        self.pay_costs(np.maximum(capacity - s.capacity_prev_gwh_per_yr, 0.0) * p.factory_capex_usd_per_gwh_yr, "capex")
        s.capacity_prev_gwh_per_yr = capacity
        s.cumulative_gwh = s.cumulative_gwh + self.deployed_gwh
