"""Tesla's vehicle business: factories, demand, price, the fleet by cohort, FSD and its data.

* Capacity: each factory ramps linearly to its capacity over ``ramp_months`` (the named plan), as
  far as Tesla's cash pays for it: a month's new capacity costs at most the company's cash when
  the month opened over ``cash_deploy_months`` (at ``factory_capex_usd_per_vehicle_yr``); capacity
  the cash could not pay for is built in later months (the plan is not dropped, it is late).
* Demand [vehicles/yr] = world BEV sales (logistic growth) x Tesla's share (eroded by
  competitors each year toward a floor) x (ASP / ASP at start)^-elasticity x (1 + uplift x (FSD perf - 1)).
* Deliveries = min(capacity, demand). Tesla moves its price toward full factories: it cuts
  when demand is below capacity and raises it above, within margins over unit cost, which
  falls on Wright's curve in cumulative production.
* Fleet: one cohort per build year; scrappage by age from a Weibull survival curve.
* FSD performance = (1 + FSD data / reference)^exponent (Tesla's own training) x
  max(1, xAI capability)^elasticity (the capability signal from xAI), published to the Cybercab
  fleet (``fsd_performance``: one FSD stack). The take rate moves toward
  ``max - (max - initial) / performance``; FSD miles = users x miles x engaged share;
  uploaded data [PB] is sold to the labs (:meth:`~ecosim.agents.base.EcosimAgent.offer_data`:
  the contract holder of ``[data_market]``, xAI in the bundled scenarios, else the highest bidder). Optimus robots work in its plants: Tesla says what direct
  labour they could take over (``replaceable_labour_usd`` = deliveries x unit cost x labour
  share), buys their hours at the wage they replace (inside the company) and books the wages
  it no longer pays as a saving on cost of goods, never more than that labour.
* Money [USD/month], as Tesla's 10-K segments it: automotive revenue = deliveries x (ASP +
  regulatory credits per vehicle) + FSD subscriptions; services and other = vehicles on the road
  x revenue per vehicle-year (service, Supercharging, insurance, used cars) at its own gross
  margin. R&D and SG&A are a share of that revenue (Tesla's head office books them); the part
  paid in stock is not paid in cash.
  Capex = growth (new capacity x capex per vehicle-year) + sustaining (installed capacity x
  sustaining capex per vehicle-year: tooling, upkeep, Superchargers, Tesla's AI clusters).

References: Tesla production and deliveries reports (history.csv); S&P Global Mobility
(average US light-vehicle age 12.6 yr, 2024) for scrappage; IEA Global EV Outlook for BEV
sales. Parameters: ``[tesla]``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ecosim.agents.base import UNLIMITED, EcosimAgent, clip, per_member, ramped_capacity
from ecosim.physics.launch import wright_cost
from ecosim.timeline import year_frac

FIRST_COHORT = 2008
N_COHORTS = 70


class TeslaFleet(EcosimAgent):
    kind = "tesla_fleet"
    label = "Tesla vehicles"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K = self.K
        self.s.cohorts = np.zeros((K, N_COHORTS))
        rows = np.arange(K)
        for c in p.fleet_cohorts_initial:  # a cohort's build year may differ between members
            self.s.cohorts[rows, np.asarray(c.year).astype(int) - FIRST_COHORT] += c.vehicles
        self.s.cum_production = np.full(K, p.cumulative_production_initial, dtype=float)
        self.s.asp_usd = np.full(K, p.asp_usd_initial, dtype=float)
        self.s.bev_market = np.full(K, p.bev_market_initial_per_yr, dtype=float)
        self.s.share = np.full(K, p.share_initial_frac, dtype=float)
        self.s.fsd_take = np.full(K, p.fsd_take_rate_initial_frac, dtype=float)
        self.s.fsd_miles_cum = np.full(K, p.fsd_miles_cumulative_initial, dtype=float)
        self.s.fsd_data_pb = np.full(K, p.fsd_data_pb_initial, dtype=float)
        self.s.capacity_prev = np.full(K, self.capacity_per_yr(world.start_month - 1), dtype=float)  # installed last month
        self.capacity = self.s.capacity_prev.copy()
        self.deliveries = np.zeros(K)
        self.demand_per_yr = np.zeros(K)
        self.fsd_miles = np.zeros(K)
        self.data_pb = np.zeros(K)
        self.fsd_perf = np.ones(K)
        self.automotive_revenue_usd = np.zeros(K)
        self.fsd_revenue_usd = np.zeros(K)
        self.services_revenue_usd = np.zeros(K)
        self.operating_expenses_usd = np.zeros(K)
        # functions of its parameters, fixed in a run: worked out once, not every month
        self._cohort_mid = np.arange(N_COHORTS) + FIRST_COHORT + 0.5  # each cohort's middle [yr]
        lam = p.scrappage_median_yr / math.log(2.0) ** (1.0 / p.scrappage_weibull_shape)
        self._weibull = (np.asarray(lam)[..., None], per_member(p.scrappage_weibull_shape, 2))  # scale (a column) and shape
        self._share_kept = (1.0 - np.asarray(p.share_decay_frac_per_yr)) ** (1.0 / 12.0)  # a month's share decay
        self._fsd_adoption = np.minimum(p.fsd_adoption_per_yr / 12.0, 1.0)  # a month's step toward the target take rate
        self.publish("fsd_performance", self.own_fsd_perf())
        # the first month's replaceable labour: full factories at this month's unit cost
        self.publish("replaceable_labour_usd", self.s.capacity_prev / 12.0 * self.unit_cost_usd() * p.labour_share_of_unit_cost_frac)

    def capacity_per_yr(self, month: int | None = None) -> np.ndarray:
        """Planned capacity [vehicles/yr] in a month: each factory's ramp share."""
        return ramped_capacity(self.p.factories, "capacity_per_yr", self.t if month is None else month, self.K)

    def installed_capacity_per_yr(self) -> np.ndarray:
        """This month's installed capacity [vehicles/yr]: the plan, as far as the cash pays.

        The growth the plan asks for over last month's capacity costs
        ``factory_capex_usd_per_vehicle_yr`` per vehicle/yr; Tesla spends at most its cash when the
        month opened over ``cash_deploy_months`` (its access to capital tops that cash up). Where
        the cash pays for all of it the capacity is the plan's exactly.
        """
        p, s = self.p, self.s
        planned = self.capacity_per_yr()
        wanted = np.maximum(planned - s.capacity_prev, 0.0)
        affordable = self.affordable_units(p.factory_capex_usd_per_vehicle_yr)
        return np.where(wanted <= affordable, planned, s.capacity_prev + affordable)

    @property
    def fleet(self) -> np.ndarray:
        return np.add.reduce(self.s.cohorts, axis=1)

    def own_fsd_perf(self) -> np.ndarray:
        p = self.p
        return (1.0 + self.s.fsd_data_pb / p.fsd_learning_reference_pb) ** p.fsd_learning_exponent

    def performance(self, capability: np.ndarray) -> np.ndarray:
        """FSD performance index from Tesla's own data and xAI's capability [index]."""
        return self.own_fsd_perf() * np.maximum(1.0, capability) ** self.p.fsd_capability_elasticity

    def unit_cost_usd(self) -> np.ndarray:
        p = self.p
        return wright_cost(p.unit_cost_usd_initial, self.s.cum_production, p.cumulative_production_initial, p.cost_progress_ratio)

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        self.fsd_perf = self.performance(self.read("xai", "capability"))
        self.publish("fsd_performance", self.fsd_perf)
        price_factor = (s.asp_usd / p.asp_usd_initial) ** (-p.price_elasticity)
        self.demand_per_yr = s.bev_market * s.share * price_factor * (1.0 + p.fsd_demand_uplift_frac * (self.fsd_perf - 1.0))
        self.capacity = capacity = self.installed_capacity_per_yr()
        self.deliveries = np.minimum(capacity, self.demand_per_yr) / 12.0
        ex.demand(self.name, "accelerators", self.deliveries * p.chips_h100e_per_vehicle, tier=1, kind="opex")
        if ex.buys(self.name, "labour"):  # robot hours in its plants (Optimus caps what it gives)
            ex.demand(self.name, "labour", self.full(UNLIMITED), tier=1, kind="opex")

        fleet = self.fleet
        users = fleet * p.fsd_eligible_frac * s.fsd_take
        miles = fleet * p.miles_per_vehicle_yr / 12.0
        self.fsd_miles = users * p.miles_per_vehicle_yr / 12.0 * p.fsd_engaged_frac
        other = miles - self.fsd_miles
        fsd_data = self.fsd_miles / 1e9 * p.data_pb_per_billion_fsd_miles
        self.data_pb = fsd_data + other / 1e9 * p.data_pb_per_billion_miles
        self._fsd_data = fsd_data
        self.fsd_users = users
        self.offer_data(self.data_pb)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        year_idx = min(max(self.t // 12 - FIRST_COHORT, 0), N_COHORTS - 1)
        # scrappage: Weibull survival by age, one month
        ages = year_frac(self.t) - self._cohort_mid
        a0 = np.maximum(ages, 0.0)
        a1 = np.maximum(ages + 1.0 / 12.0, 0.0)
        lam, shape = self._weibull
        surv = np.exp(-((a1 / lam) ** shape) + (a0 / lam) ** shape)
        s.cohorts = s.cohorts * surv
        s.cohorts[:, year_idx] += self.deliveries

        unit_cost = self.unit_cost_usd()
        s.cum_production = s.cum_production + self.deliveries
        replaceable = self.deliveries * unit_cost * p.labour_share_of_unit_cost_frac
        # robot hours are bought at the wage they replace: the wages no longer paid are the saving
        saving = np.minimum(ex.spent(self.name, "labour"), replaceable)
        self.publish("replaceable_labour_usd", replaceable)
        self.fsd_revenue_usd = self.fsd_users * p.fsd_price_usd_per_month
        self.automotive_revenue_usd = self.deliveries * (s.asp_usd + p.regulatory_credits_usd_per_vehicle) + self.fsd_revenue_usd
        self.services_revenue_usd = self.fleet * p.services_revenue_usd_per_vehicle_yr / 12.0
        revenue = self.automotive_revenue_usd + self.services_revenue_usd
        self.operating_expenses_usd = revenue * p.operating_expenses_frac_of_revenue
        ex.pay("market", self.name, revenue, "revenue")
        cost_of_goods = np.maximum(self.deliveries * unit_cost - saving, 0.0) + self.services_revenue_usd * (1.0 - p.services_gross_margin_frac)
        cash_opex = self.operating_expenses_usd * (1.0 - p.operating_expenses_stock_frac)
        self.pay_costs(cost_of_goods + cash_opex, "opex")
        capacity = self.capacity
        growth = np.maximum(capacity - s.capacity_prev, 0.0) * p.factory_capex_usd_per_vehicle_yr
        self.pay_costs(growth + capacity * p.sustaining_capex_usd_per_vehicle_yr / 12.0, "capex")
        s.capacity_prev = capacity

        # price toward full factories, within margins over unit cost
        gap = clip(self.demand_per_yr / np.maximum(capacity, 1.0), 0.0, 2.0) - 1.0
        s.asp_usd = s.asp_usd * np.exp(p.price_response_per_yr / 12.0 * gap)
        s.asp_usd = clip(s.asp_usd, unit_cost * (1.0 + p.min_gross_margin_frac), unit_cost / (1.0 - p.max_gross_margin_frac))
        # markets and FSD
        s.bev_market = s.bev_market + p.bev_market_growth_per_yr / 12.0 * s.bev_market * (1.0 - s.bev_market / p.bev_market_max_per_yr)
        floor = p.share_floor_frac
        s.share = floor + (s.share - floor) * self._share_kept
        target = p.fsd_take_rate_max_frac - (p.fsd_take_rate_max_frac - p.fsd_take_rate_initial_frac) / self.fsd_perf
        s.fsd_take = s.fsd_take + (target - s.fsd_take) * self._fsd_adoption
        s.fsd_miles_cum = s.fsd_miles_cum + self.fsd_miles
        s.fsd_data_pb = s.fsd_data_pb + self._fsd_data
