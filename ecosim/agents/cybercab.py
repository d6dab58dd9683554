"""Tesla's Cybercab robotaxi fleet (volume production from 2026-04 at Giga Texas).

Production starts at ``start_month`` and grows, within the capital Tesla can spend (its cash
when the month opened over ``cash_deploy_months``, at the unit cost), and Tesla only builds
cabs that the served market needs: demand [miles/yr] = addressable ride-hail and taxi miles x the share of the
market approved for driverless service, which rises with FSD performance on a logistic
curve (regulators approve as capability improves). Paid miles = min(fleet x miles per day,
demand). Fares, operating cost per mile, data per mile to xAI.

Parameters: ``[cybercab]``; FSD performance is what Tesla's fleet publishes
(``fsd_performance``: the same FSD stack, trained on Tesla's data with xAI's capability).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import DAYS_PER_MONTH, EcosimAgent


class Cybercab(EcosimAgent):
    kind = "cybercab"
    label = "Cybercab"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.s.fleet = np.zeros(K)
        self.s.production_rate = np.full(K, p.production_per_month_initial, dtype=float)
        self.s.addressable_miles_per_yr = np.full(K, p.addressable_miles_per_yr, dtype=float)
        self.s.miles_cum = np.zeros(K)
        self.produced = np.zeros(K)
        self.paid_miles = np.zeros(K)
        self.approval = np.zeros(K)
        self.revenue_usd = np.zeros(K)

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        perf = self.read("tesla_fleet", "fsd_performance")
        self.approval = 1.0 / (1.0 + np.exp(-p.approval_steepness * (perf - p.approval_capability_index)))
        demand = s.addressable_miles_per_yr / 12.0 * self.approval
        per_cab = p.miles_per_day * DAYS_PER_MONTH
        unmet_cabs = np.maximum(demand / per_cab - s.fleet, 0.0)
        started = self.after(p.start_month)
        affordable = self.capital_usd() / p.unit_cost_usd
        self.produced = np.minimum(np.minimum(s.production_rate, unmet_cabs), affordable) * started
        self.paid_miles = np.minimum(s.fleet * per_cab, demand)
        ex.demand(self.name, "accelerators", self.produced * p.chips_h100e_per_vehicle, tier=1, kind="capex")
        self.offer_data(self.paid_miles / 1e9 * p.data_pb_per_billion_miles)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        self.revenue_usd = self.paid_miles * p.fare_usd_per_mile
        ex.pay("market", self.name, self.revenue_usd, "revenue")
        self.pay_costs(self.paid_miles * p.cost_usd_per_mile, "opex")
        self.pay_costs(self.produced * p.unit_cost_usd, "capex")
        s.fleet = s.fleet * (1.0 - 1.0 / (12.0 * p.lifetime_yr)) + self.produced
        s.miles_cum = s.miles_cum + self.paid_miles
        started = self.after(p.start_month)
        s.production_rate = np.where(started > 0, self.grow(s.production_rate, p.production_growth_frac_per_yr, p.production_per_month_max), s.production_rate)
        s.addressable_miles_per_yr = self.grow(s.addressable_miles_per_yr, p.addressable_growth_frac_per_yr)
