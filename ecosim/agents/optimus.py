"""Tesla's Optimus humanoid robots, by generation and sector (factory, home, care).

Each sector would absorb ``potential_robots`` at full capability; the share it takes rises
with AI capability on a logistic curve centred at ``capability_index_half`` (simple factory
work first, homes, then care). Production capacity grows each year from the first
generation's date; output goes to open sector demand pro rata, built as the newest
generation. Factory robots work in Tesla's plants (their hours go to Tesla's car factories
and, while it says it takes them, to the TeraFab chip fab: ``takes_robot_labour``); home and
care robots are sold. It offers every working hour and caps what each tier of buyers may take
(the fab first, then the car plants, then the rest of the economy); the buyers post their own
demand. Every working hour makes interaction data for xAI.

Parameters: ``[optimus]``; robots' capability is xAI's (the capability signal).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ecosim.agents.base import DAYS_PER_MONTH, EcosimAgent, per_item, per_member


class Optimus(EcosimAgent):
    kind = "optimus"
    label = "Optimus"

    def __init__(self, world: Any, actor: Any, p: Any, shared: Any = None) -> None:
        super().__init__(world, actor, p, shared)
        K, G, S = self.K, len(p.generations), len(p.sectors)
        self.s.robots = np.zeros((K, G, S))
        self.s.robots[:, 0, 0] = p.robots_initial
        self.s.capacity_per_yr = np.full(K, p.capacity_per_yr_initial, dtype=float)
        self.sector_names = [sec.name for sec in p.sectors]
        self.produced = np.zeros(K)
        self.hours = np.zeros(K)
        self._by_sector = np.zeros((K, S))
        self._gen = np.zeros(K, dtype=int)

    @property
    def robots(self) -> np.ndarray:
        return self.s.robots.sum(axis=(1, 2))

    def _generation(self) -> np.ndarray:
        gen = np.full(self.K, -1)
        for i, g in enumerate(self.p.generations):
            gen = np.where(self.t >= np.asarray(g.available_month), i, gen)
        return gen

    def offer(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        K = self.K
        cap = np.maximum(self.read("xai", "capability"), 0.0)
        gen = self._generation()
        self._gen = gen
        installed = s.robots.sum(axis=1)  # (K, S)
        target = np.stack(
            [sec.potential_robots / (1.0 + np.exp(-p.capability_steepness * (cap - sec.capability_index_half))) for sec in p.sectors], axis=1
        )
        open_demand = np.maximum(target - installed, 0.0)
        total = open_demand.sum(axis=1)
        build = np.minimum(s.capacity_per_yr / 12.0, total) * (gen >= 0)
        self._by_sector = np.divide(open_demand * build[:, None], total[:, None], out=np.zeros_like(open_demand), where=total[:, None] > 0)
        self.produced = build
        ex.demand(self.name, "accelerators", build * p.chips_h100e_per_robot, tier=1, kind="capex")

        hours_per_day = per_item(p.generations, "hours_per_day", K) * per_item(p.generations, "productivity_ratio", K)
        hours = (s.robots * hours_per_day[:, :, None]).sum(axis=1) * DAYS_PER_MONTH  # (K, S)
        self.hours = hours.sum(axis=1)
        factory = hours[:, self.sector_names.index("factory")] if "factory" in self.sector_names else np.zeros(K)
        fab_on = self.read("terafab", "takes_robot_labour") if self.ex.reads("terafab", self.name, "takes_robot_labour") else self.zeros()
        to_fab = factory * p.terafab_hours_share_frac * fab_on
        # robots work where they stand: the hours are delivered, priced at 0 (factory robots
        # are Tesla's own; home and care robots were paid for when sold); the fab (tier 0) and
        # the car plants (tier 1) take the factory hours, the economy (tier 2) the rest
        ex.offer(self.name, "labour", self.hours, 0.0, tier_caps={0: to_fab, 1: factory - to_fab})
        ex.offer(self.name, "data", self.hours * p.data_tb_per_robot_hour / 1000.0, 0.0)

    def settle(self) -> None:
        p, s, ex = self.p, self.s, self.ex
        K = self.K
        s.robots = s.robots * (1.0 - 1.0 / (12.0 * per_member(p.lifetime_yr, 3)))
        rows = np.arange(K)
        s.robots[rows, np.maximum(self._gen, 0), :] += self._by_sector
        unit_cost = per_item(p.generations, "unit_cost_usd", K)[rows, np.maximum(self._gen, 0)]
        sold = self._by_sector[:, [i for i, n in enumerate(self.sector_names) if n != "factory"]].sum(axis=1)
        kept = self.produced - sold
        ex.pay("market", self.name, sold * p.price_usd, "revenue")
        self.pay_costs(sold * unit_cost, "opex")
        self.pay_costs(kept * unit_cost, "capex")
        first = self.p.generations[0].available_month
        s.capacity_per_yr = np.where(self.t >= np.asarray(first), self.grow(s.capacity_per_yr, p.capacity_growth_frac_per_yr, p.capacity_per_yr_max), s.capacity_per_yr)
