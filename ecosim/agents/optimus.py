"""Tesla's Optimus humanoid robots, by generation: robots Tesla keeps in its own plants, and
robots it sells to outside sectors (factories, homes, care).

A robot is deployed only where its labour is worth more than its cost:

* **Tesla's plants.** Tesla's car plants say what direct labour robots could take over
  (``replaceable_labour_usd``, USD/month); at the factory sector's wage
  (``value_usd_per_hour``, BLS) that is the hours Tesla keeps robots for, plus the TeraFab
  chip fab's share while the fab takes robot hours (``takes_robot_labour``), scaled by the
  factory sector's adoption at this capability. Tesla keeps robots of the generation it
  builds only while a robot's hours over its life, at that wage, are worth more than its
  unit cost. The robots' hours go to the plants (tier 1) and the fab (tier 0) at the wage
  (an internal price: the plants book the wages they no longer pay as a saving, Optimus the
  same sum as intra-company revenue); their cost is capex.
* **Outside sectors.** Each sector would absorb ``potential_robots`` at full capability; the
  share it takes rises with AI capability on a logistic curve centred at
  ``capability_index_half`` (simple factory work first, homes, then care). A buyer takes a
  robot only while its hours over its life at the sector's ``value_usd_per_hour`` are worth
  the price, and Tesla sells only while the price covers the unit cost (never at a loss).
  Sold robots are revenue at ``price_usd`` and their unit cost is cost of goods; their hours
  belong to their buyers (delivered to the economy, tier 2, at no charge).

Production capacity grows each year from the first generation's date; Tesla's own plants are
served first, then open sector demand pro rata, all built as the newest generation. The robots
built in a month cost at most Tesla's cash when the month opened over ``cash_deploy_months`` (at
the unit cost, as the Cybercab's), and a line whose builds the cash cut that month does not grow
(a company that cannot pay for its line's output does not expand it). Every working hour makes
interaction data, sold to the labs as the car fleet's is (``[data_market]``).

Parameters: ``[optimus]``; robots' capability is xAI's (the capability signal).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import DAYS_PER_MONTH, EcosimAgent, per_item, per_member
from ecosim.physics.ufunc import columns


class Optimus(EcosimAgent):
    kind = "optimus"
    label = "Optimus"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K, G, S = self.K, len(p.generations), len(p.sectors)
        self.s.robots = np.zeros((K, G, S))  # sold to outside sectors
        self.s.plant_robots = np.zeros((K, G))  # kept in Tesla's plants
        self.s.plant_robots[:, 0] = p.robots_initial
        self.s.capacity_per_yr = np.full(K, p.capacity_per_yr_initial, dtype=float)
        self.sector_names = [sec.name for sec in p.sectors]
        self.produced = np.zeros(K)
        self.hours = np.zeros(K)
        self.plant_hours = np.zeros(K)
        self._by_sector = np.zeros((K, S))
        self._to_plants = np.zeros(K)
        self._gen = np.zeros(K, dtype=int)
        self._cash_short = np.zeros(K, dtype=bool)  # the month's builds were cut by the cash
        self.revenue_usd = np.zeros(K)
        # functions of its parameters, fixed in a run: worked out once, not every month
        self._rows = np.arange(K)
        self._hours_per_day = per_item(p.generations, "hours_per_day", K) * per_item(p.generations, "productivity_ratio", K)  # (K, G)
        self._unit_cost_usd = per_item(p.generations, "unit_cost_usd", K)  # (K, G)
        self._sectors: dict[str, np.ndarray] = {}  # (K, S) tables of _sector, by field
        self._keep_sold = 1.0 - 1.0 / (12.0 * per_member(p.lifetime_yr, 3))  # robots still working after a month
        self._keep_plant = 1.0 - 1.0 / (12.0 * per_member(p.lifetime_yr, 2))
        #: the generations' months when every member shares them (int months), else None
        self._gen_months = [g.available_month for g in p.generations] if all(type(g.available_month) is int for g in p.generations) else None

    @property
    def robots(self) -> np.ndarray:
        """Robots working [robots]: Tesla's own and those sold."""
        return np.add.reduce(self.s.robots, axis=(1, 2)) + np.add.reduce(self.s.plant_robots, axis=1)

    @property
    def plant_robot_count(self) -> np.ndarray:
        """Robots working in Tesla's plants [robots]."""
        return np.add.reduce(self.s.plant_robots, axis=1)

    @property
    def sold_robot_count(self) -> np.ndarray:
        """Robots sold to outside sectors, still working [robots]."""
        return np.add.reduce(self.s.robots, axis=(1, 2))

    def _generation(self) -> np.ndarray:
        months = self._gen_months
        if months is not None:  # one calendar for every member: the newest generation available
            newest = -1
            for i, month in enumerate(months):
                if self.t >= month:
                    newest = i
            return np.full(self.K, newest)
        gen = np.full(self.K, -1)
        for i, g in enumerate(self.p.generations):
            gen = np.where(self.t >= np.asarray(g.available_month), i, gen)
        return gen

    def _sector(self, field: str) -> np.ndarray:
        """A field of every sector, per member (K, S) (worked out once: callers never write into it)."""
        got = self._sectors.get(field)
        if got is None:
            got = self._sectors[field] = per_item(self.p.sectors, field, self.K)
        return got

    def plant_wage_usd_per_hour(self) -> np.ndarray:
        """The wage a robot hour in a factory replaces [USD/h]: the factory sector's value."""
        if "factory" not in self.sector_names:
            return self.zeros()
        return self._sector("value_usd_per_hour")[:, self.sector_names.index("factory")].copy()

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        K = self.K
        rows = self._rows
        cap = np.maximum(self.read("xai", "capability"), 0.0)
        gen = self._generation()
        self._gen = gen
        g = np.maximum(gen, 0)
        built = gen >= 0
        hours_per_day = self._hours_per_day  # (K, G)
        robot_hours_month = hours_per_day[rows, g] * DAYS_PER_MONTH  # a new robot's hours [h/month]
        life_hours = robot_hours_month * 12.0 * np.asarray(p.lifetime_yr, float)
        unit_cost = self._unit_cost_usd[rows, g]

        adoption = columns([1.0 / (1.0 + np.exp(-p.capability_steepness * (cap - sec.capability_index_half))) for sec in p.sectors])
        fab_on = self.read("terafab", "takes_robot_labour") if ex.reads("terafab", self.name, "takes_robot_labour") else self.zeros()
        fab_share = p.terafab_hours_share_frac * fab_on

        # Tesla's plants: hours of replaceable labour at the wage, while a robot earns its cost
        wage = self.plant_wage_usd_per_hour()
        replaceable = self.read("tesla_fleet", "replaceable_labour_usd") if ex.reads("tesla_fleet", self.name, "replaceable_labour_usd") else self.zeros()
        plant_hours_wanted = np.divide(replaceable, wage, out=np.zeros(K), where=wage > 0) / np.maximum(1.0 - fab_share, 1e-9)
        factory_adoption = adoption[:, self.sector_names.index("factory")] if "factory" in self.sector_names else self.zeros()
        keeps = wage * life_hours > unit_cost
        plant_target = np.divide(plant_hours_wanted, robot_hours_month, out=np.zeros(K), where=robot_hours_month > 0) * factory_adoption * keeps
        plant_open = np.maximum(plant_target - np.add.reduce(s.plant_robots, axis=1), 0.0)

        # outside sectors: the buyer's labour over a life worth the price, the price over the cost
        worth = (self._sector("value_usd_per_hour") * life_hours[:, None] >= p.price_usd) & (p.price_usd >= unit_cost)[:, None]
        target = self._sector("potential_robots") * adoption * worth
        open_demand = np.maximum(target - np.add.reduce(s.robots, axis=1), 0.0)
        total = np.add.reduce(open_demand, axis=1)

        capacity = s.capacity_per_yr / 12.0 * built
        affordable = self.capital_usd() / unit_cost
        self._cash_short = np.minimum(capacity, plant_open + total) > affordable
        line = np.minimum(capacity, affordable)
        self._to_plants = np.minimum(line, plant_open)
        to_sectors = np.minimum(line - self._to_plants, total)
        self._by_sector = np.divide(open_demand * to_sectors[:, None], total[:, None], out=np.zeros(open_demand.shape), where=total[:, None] > 0)
        self.produced = self._to_plants + to_sectors
        ex.demand(self.name, "accelerators", self.produced * p.chips_h100e_per_robot, tier=1, kind="capex")

        self.plant_hours = np.add.reduce(s.plant_robots * hours_per_day, axis=1) * DAYS_PER_MONTH
        sold_hours = np.add.reduce(s.robots * hours_per_day[:, :, None], axis=(1, 2)) * DAYS_PER_MONTH
        self.hours = self.plant_hours + sold_hours
        to_fab = self.plant_hours * fab_share
        # Tesla's plants (the fab tier 0, the car plants tier 1) pay the wage inside the company;
        # sold robots work for their owners (the economy, tier 2, free of charge)
        ex.offer(self.name, "labour", self.hours, 0.0, price_internal=wage, tier_caps={0: to_fab, 1: self.plant_hours - to_fab})
        self.offer_data(self.hours * p.data_tb_per_robot_hour / 1000.0)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        s.robots = s.robots * self._keep_sold
        s.plant_robots = s.plant_robots * self._keep_plant
        rows = self._rows
        g = np.maximum(self._gen, 0)
        s.robots[rows, g, :] += self._by_sector
        s.plant_robots[rows, g] += self._to_plants
        unit_cost = self._unit_cost_usd[rows, g]
        sold = np.add.reduce(self._by_sector, axis=1)
        self.revenue_usd = sold * p.price_usd
        ex.pay("market", self.name, self.revenue_usd, "revenue")
        self.pay_costs(sold * unit_cost, "opex")
        self.pay_costs(self._to_plants * unit_cost, "capex")
        first = self.p.generations[0].available_month
        growing = (self.t >= np.asarray(first)) & ~self._cash_short
        s.capacity_per_yr = np.where(growing, self.grow(s.capacity_per_yr, p.capacity_growth_frac_per_yr, p.capacity_per_yr_max), s.capacity_per_yr)
